"""Typed reads from a positioned YAML document, collecting every problem instead of stopping.

A `Reader` belongs to one file. Each `get_*` returns a clean Python value (or the default) and
records a Problem with the file, line, column and key path when the value is wrong.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Optional

from .errors import Problem, did_you_mean, display
from .model import LANGUAGES, hex_rgba
from .yamlfile import YList, YMap, type_name

MISSING = object()
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class Reader:
    def __init__(self, path: Path, problems: list[Problem]):
        self.path = Path(path)
        self.file = display(path)
        self.problems = problems

    # -- reporting -------------------------------------------------------------------------
    def error(self, pos, where: str, what: str) -> None:
        line, col = pos if pos else (1, 1)
        self.problems.append(Problem(self.file, line, col, where, what))

    def at(self, parent, key):
        """Position of parent[key] (a YMap key or YList index)."""
        if isinstance(parent, YMap):
            return parent.pos(key)
        if isinstance(parent, YList):
            return parent.pos(key)
        return (1, 1)

    # -- structure -------------------------------------------------------------------------
    def keys(self, m: YMap, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = list(allowed)
        for key in m:
            if key not in allowed:
                self.error(m.key_pos.get(key, m.at), join(where, key),
                           f"unknown key '{key}'; {did_you_mean(key, allowed)}")
        for key in required:
            if key not in m:
                self.error(m.at, where or "(top level)", f"missing required key '{key}'")

    def mapping(self, parent, key, where: str, allowed=None, required=(), default=MISSING) -> Optional[YMap]:
        value = parent.get(key) if isinstance(parent, YMap) else parent[key]
        if value is None and default is not MISSING:
            return default
        if not isinstance(value, YMap):
            self.error(self.at(parent, key), where, f"expected a mapping (key: value), got {type_name(value)}")
            return None
        if allowed is not None:
            self.keys(value, where, allowed, required)
        return value

    def items(self, parent, key, where: str, default=()) -> YList:
        value = parent.get(key)
        if value is None:
            return YList(default)
        if not isinstance(value, YList):
            self.error(self.at(parent, key), where, f"expected a list, got {type_name(value)}")
            return YList()
        return value

    # -- scalars ---------------------------------------------------------------------------
    def get_str(self, m, key, where, default=MISSING, choices=None, pattern=None, hint=""):
        value = m.get(key, MISSING) if isinstance(m, YMap) else m[key]
        if value is MISSING or value is None:
            if default is MISSING:
                self.error(self.at(m, key) if key in m else m.at, where, f"missing required key '{key}'")
                return None
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(self.at(m, key), where, f"expected text, got {type_name(value)}")
            return None
        value = str(value)
        if choices is not None and value not in choices:
            self.error(self.at(m, key), where, f"unknown value '{value}'; {did_you_mean(value, choices)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.error(self.at(m, key), where, f"invalid value '{value}'{hint}")
            return None
        return value

    def get_number(self, m, key, where, default=MISSING, lo=None, hi=None, integer=False):
        value = m.get(key, MISSING) if isinstance(m, YMap) else m[key]
        if value is MISSING or value is None:
            if default is MISSING:
                self.error(m.at, where, f"missing required key '{key}'")
                return None
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.error(self.at(m, key), where, f"expected {'a whole number' if integer else 'a number'}, got {type_name(value)} '{value}'")
            return None
        if value != value or (lo is not None and value < lo) or (hi is not None and value > hi):
            rng = f"between {lo} and {hi}" if lo is not None and hi is not None else (f"at least {lo}" if lo is not None else f"at most {hi}")
            self.error(self.at(m, key), where, f"{value} is out of range: must be {rng}")
            return None
        return float(value) if not integer else int(value)

    def get_bool(self, m, key, where, default):
        value = m.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(self.at(m, key), where, f"expected true or false, got {type_name(value)} '{value}'")
            return default
        return value

    def get_color(self, m, key, where, palette, default=MISSING):
        value = self.get_str(m, key, where, default)
        return self.check_color(value, self.at(m, key), where, palette) if value is not None else default

    def check_color(self, value, pos, where, palette):
        if value is None or value in palette:
            return value
        if value.startswith("#"):
            if hex_rgba(value) is None:
                self.error(pos, where, f"invalid colour '{value}'; write #RRGGBB or #RRGGBBAA")
                return None
            return value
        self.error(pos, where, f"unknown colour '{value}'; use a brand colour ({', '.join(palette)}) or #RRGGBB")
        return None

    def get_box(self, m, key, where):
        value = m.get(key)
        pos = self.at(m, key)
        if (not isinstance(value, YList) or len(value) != 4
                or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)):
            self.error(pos, where, "expected a box [x, y, w, h] in percent of the safe area")
            return None
        x, y, w, h = (float(v) for v in value)
        if min(x, y) < 0 or w <= 0 or h <= 0 or x + w > 100.001 or y + h > 100.001:
            self.error(pos, where, f"box [{x:g}, {y:g}, {w:g}, {h:g}] leaves the safe area: "
                                   "x, y ≥ 0, w, h > 0, x + w ≤ 100, y + h ≤ 100")
            return None
        return (x, y, w, h)

    def get_languages(self, m, key, where):
        items = self.items(m, key, where)
        out = []
        for i, code in enumerate(items):
            w = f"{where}[{i}]"
            if not isinstance(code, str) or code not in LANGUAGES:
                hint = did_you_mean(code, LANGUAGES)
                supported = "supported: " + ", ".join(f"{k} = {v}" for k, v in LANGUAGES.items())
                self.error(items.pos(i), w, f"unknown language '{code}'; "
                           + (supported if hint.startswith("known") else f"{hint} ({supported})"))
            elif code in out:
                self.error(items.pos(i), w, f"language '{code}' is listed twice")
            else:
                out.append(code)
        return out

    def get_text(self, m, key, where, langs, vars=None, required=False):
        """A text: one string for all languages, or a mapping by language. Returns {lang: str}."""
        value = m.get(key) if isinstance(m, YMap) else m[key]
        pos = self.at(m, key)
        if value is None:
            if required:
                self.error(m.at if isinstance(m, YMap) else pos, where, f"missing required key '{key}'")
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            out = {lang: str(value) for lang in langs}
        elif isinstance(value, YMap):
            out = {}
            for lang, s in value.items():
                w = join(where, lang)
                if lang not in LANGUAGES:
                    self.error(value.key_pos[lang], w, f"unknown language '{lang}'; {did_you_mean(lang, LANGUAGES)}")
                elif s is None or isinstance(s, (bool, YMap, YList)):
                    self.error(value.pos(lang), w, f"expected text, got {type_name(s)}")
                else:
                    out[lang] = str(s)
            for lang in langs:
                if lang not in value:
                    self.error(value.at, where, f"missing the '{lang}' text: the script renders {lang}"
                                                f" ({', '.join(langs)}); add `{lang}: ...`")
        else:
            self.error(pos, where, f"expected text or a mapping by language, got {type_name(value)}")
            return None
        if vars is not None:
            out = {lang: self.substitute(s, vars, pos, join(where, lang) if isinstance(value, YMap) else where)
                   for lang, s in out.items()}
        return out

    def substitute(self, text: str, vars, pos, where) -> str:
        def repl(match):
            if match.group(0) in ("{{", "}}"):
                return match.group(0)[0]
            name = match.group(1)
            if name in vars:
                return vars[name]
            self.error(pos, where, f"unknown variable '{{{name}}}'; "
                                   + (did_you_mean(name, vars) if vars else "define it under `vars:`"))
            return match.group(0)
        return VAR_RE.sub(repl, text)

    # -- files -----------------------------------------------------------------------------
    def get_file(self, m, key, where, base: Path, inside: Path, default=MISSING):
        """A file relative to `base` that must exist and stay inside `inside`."""
        value = self.get_str(m, key, where, default)
        if value is None or value is default:
            return None if value is None else value
        return self.check_file(value, self.at(m, key), where, base, inside)

    def check_file(self, value: str, pos, where, base: Path, inside: Path) -> Optional[Path]:
        path = (base / value).resolve()
        try:
            path.relative_to(inside.resolve())
        except ValueError:
            self.error(pos, where, f"'{value}' is outside the project folder {display(inside)}; "
                                   "keep assets inside it")
            return None
        if not path.is_file():
            self.error(pos, where, f"file not found: {display(path)}")
            return None
        return path


VAR_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_-]*)\}")


def join(where: str, key) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)
