"""Typed config options: each key of a YAML document declared once, with its type, range and default.

An option reads one YAML value (kept with its `line:col` by `yamlfile`), records a located Problem
when the value is wrong, and describes itself as JSON Schema for editors. A `Schema` is a mapping
of named options; the four document kinds (script, template, brand kit, voice profile) and every
plugin's `options` are Schemas. Modelled on mkdocs' `config/config_options.py`.

    STYLE = Schema({"size": Number(0.5, 40, default=5.0), "color": Colour(default="light")})
    values = STYLE.read(yaml_map, pos, "styles.body", ctx)     # dict, or INVALID

`read` returns the clean value, or INVALID after recording a problem; a key that is absent (or
null) takes its default, and a key without default is required.
"""
from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional

from ..errors import Problem, did_you_mean, display
from ..model import LANGUAGES, frozen_map, hex_rgba
from . import limits
from .yamlfile import YList, YMap, type_name

MISSING = object()      # no default: the key is required
INVALID = object()      # the value was wrong; a problem was recorded
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
VAR_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_-]*)\}")
# not characters (lone surrogates), controls other than tab and newline, bidi embeddings and overrides
BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e]")
ISOLATE = re.compile("[\u2066-\u2069]")


def text_problem(text: str, limit: int = limits.TEXT_CHARS, what: str = "text") -> Optional[str]:
    """Why a text cannot be shown (or spoken) as written, or None: too long, a character that is not
    one, a control character, or bidi controls that make the screen show another order than the YAML."""
    if len(text) > limit:
        return f"{len(text):,} characters; a {what} may hold at most {limit:,}"
    bad = BAD_CHAR.search(text)
    if bad:
        c, at = bad.group(), bad.start() + 1
        if "\u202a" <= c <= "\u202e":
            return (f"U+{ord(c):04X} ({unicodedata.name(c)}) at character {at} makes the screen show another order "
                    "than the YAML; write the text in reading order (to set a direction, use the isolates "
                    "U+2066..U+2069 or the marks U+200E/U+200F)")
        if "\ud800" <= c <= "\udfff":
            return f"U+{ord(c):04X} at character {at} is half of a surrogate pair, not a character; write the character itself"
        return f"control character U+{ord(c):04X} at character {at}; remove it (a new line is written \\n)"
    if ISOLATE.search(text):
        depth = 0
        for m in ISOLATE.finditer(text):
            depth += -1 if m.group() == "\u2069" else 1
            if depth < 0:
                break
        if depth:
            return ("unbalanced bidi isolates: each U+2066, U+2067 or U+2068 needs its own U+2069 after it, "
                    "or the rest of the line is reordered")
    return None


PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def join(where: str, key) -> str:
    """A key path for messages: `scenes[2].background.color`, `boxes."9:16".text`."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    key = str(key) if PLAIN_KEY.match(str(key)) else f'"{key}"'
    return f"{where}.{key}" if where else key


KINDS = {YMap: "a mapping (key: value)", YList: "a list"}


def expect(value, kind, pos, where: str, ctx: "Context") -> bool:
    """Is `value` a YAML mapping (YMap) or list (YList)? If not, say so at its place."""
    if isinstance(value, kind):
        return True
    ctx.error(pos, where, f"expected {KINDS[kind]}, got {type_name(value)}")
    return False


class Context:
    """What reading one document needs: where problems go, and the facts values are checked against."""

    def __init__(self, path: Path, problems: list[Problem], *, base: Optional[Path] = None,
                 project: Optional[Path] = None, languages: Iterable[str] = (), variables=None,
                 palette: Mapping[str, str] | None = None, **facts):
        self.path = Path(path)
        self.file = display(path)
        self.problems = problems
        self.base = base or self.path.parent        # relative file names start here
        self.project = project or self.base         # ... and may not leave this folder
        self.languages = tuple(languages)
        self.variables = variables                  # {name: text} substituted in texts, or None
        self.palette = palette if palette is not None else {}
        self.var_refs = 0                           # {var} references substituted (limits.VAR_REFS)
        for name, value in facts.items():          # what else options look up: styles, layouts, ...
            setattr(self, name, value)

    def error(self, pos, where: str, what: str) -> None:
        line, col = pos if pos else (1, 1)
        self.problems.append(Problem(self.file, line, col, where, what))


class Option:
    """One value. Subclasses implement `check` (value -> clean value or INVALID) and `json`."""

    def __init__(self, default=MISSING, help: str = ""):
        self.default = default
        self.help = help

    @property
    def required(self) -> bool:
        return self.default is MISSING

    def read(self, value, pos, where: str, ctx: Context):
        return self.check(value, pos, where, ctx)

    def check(self, value, pos, where: str, ctx: Context):
        return value

    def default_for(self, values: dict):
        """The default, given the values read so far (a callable default derives from them)."""
        return self.default(values) if callable(self.default) else self.default

    def json(self) -> dict:
        return {}

    def schema(self) -> dict:
        out = self.json()
        if self.help:
            out["description"] = self.help
        if not self.required and not callable(self.default) and isinstance(self.default, (str, int, float, bool)):
            out["default"] = self.default
        return out


class Str(Option):
    """Text; optionally matching a pattern (`hint` says what is allowed)."""

    def __init__(self, default=MISSING, *, pattern: Optional[re.Pattern] = None, hint: str = "", help=""):
        super().__init__(default, help)
        self.pattern, self.hint = pattern, hint

    def check(self, value, pos, where, ctx):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            ctx.error(pos, where, f"expected text, got {type_name(value)}")
            return INVALID
        value = str(value)
        problem = text_problem(value)
        if problem:
            ctx.error(pos, where, problem)
            return INVALID
        if self.pattern is not None and not self.pattern.match(value):
            ctx.error(pos, where, f"invalid value '{value}'{self.hint}")
            return INVALID
        return value

    def json(self):
        out = {"type": "string"}
        if self.pattern is not None:
            out["pattern"] = self.pattern.pattern
        return out


class Choice(Str):
    """One of a set of names: a fixed list, a registry (its names), or a function of the context
    (the brand's text styles, the template's layouts)."""

    def __init__(self, choices, default=MISSING, *, what: str = "value", among=None, help=""):
        super().__init__(default, help=help)
        self._choices, self.what = choices, what
        self.among = among          # ctx -> " in brand 'demo'": where the names come from, for messages

    def choices(self, ctx: Optional[Context] = None) -> Optional[list[str]]:
        """The names allowed; None when they are not known (what they come from failed to load)."""
        if callable(self._choices) and not isinstance(self._choices, Mapping):
            names = self._choices(ctx) if ctx is not None else ()
            return None if names is None else list(names)
        return list(self._choices)

    def check(self, value, pos, where, ctx):
        value = super().check(value, pos, where, ctx)
        if value is not INVALID and isinstance(self._choices, Mapping) and value in self._choices:
            return value                # a registry's name: known without listing every plugin
        names = self.choices(ctx)
        if value is not INVALID and names is not None and value not in names:
            among = self.among(ctx) if self.among else ""
            ctx.error(pos, where, f"unknown {self.what} '{value}'{among}; {did_you_mean(value, self.choices(ctx))}")
            return INVALID
        return value

    def json(self):
        names = self.choices()
        return {"type": "string", "enum": names} if names else {"type": "string"}

    def __repr__(self):
        return f"Choice({self.what})"


class Raw(Option):
    """A mapping kept as written (with its positions), for a later stage to read against what it
    knows: an engine's options, the lint settings."""

    def check(self, value, pos, where, ctx):
        if not expect(value, YMap, pos, where, ctx):
            return INVALID
        return value

    def json(self):
        return {"type": "object"}


class Number(Option):
    def __init__(self, lo=None, hi=None, default=MISSING, *, integer: bool = False, help=""):
        super().__init__(default, help)
        self.lo, self.hi, self.integer = lo, hi, integer

    def check(self, value, pos, where, ctx):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (self.integer and not isinstance(value, int)):
            ctx.error(pos, where, f"expected {'a whole number' if self.integer else 'a number'}, "
                                  f"got {type_name(value)} '{value}'")
            return INVALID
        problem = number_problem(value)
        if problem:
            ctx.error(pos, where, problem)
            return INVALID
        lo, hi = self.lo, self.hi
        if value != value or (lo is not None and value < lo) or (hi is not None and value > hi):
            rng = f"between {lo} and {hi}" if lo is not None and hi is not None else \
                (f"at least {lo}" if lo is not None else f"at most {hi}")
            ctx.error(pos, where, f"{value} is out of range: must be {rng}")
            return INVALID
        return int(value) if self.integer else float(value)

    def json(self):
        out = {"type": "integer" if self.integer else "number"}
        if self.lo is not None:
            out["minimum"] = self.lo
        if self.hi is not None:
            out["maximum"] = self.hi
        return out


def number_problem(value) -> Optional[str]:
    """Non-finite numbers (.nan, .inf) and numbers too large for any setting, whatever their option's range."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value}"
    if abs(value) > limits.NUMBER:
        shown = f"{value:g}" if isinstance(value, float) else str(value) if abs(value) < 1e15 else "a number of 16 digits or more"
        return f"{shown} is too large: no setting takes a number beyond ±{limits.NUMBER:,}"
    return None


class Bool(Option):
    def check(self, value, pos, where, ctx):
        if not isinstance(value, bool):
            ctx.error(pos, where, f"expected true or false, got {type_name(value)} '{value}'")
            return INVALID
        return value

    def json(self):
        return {"type": "boolean"}


class Colour(Str):
    """A brand colour name (`primary`) or `#RRGGBB[AA]`."""

    HEX = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")

    def __init__(self, default=MISSING, *, hex_only: bool = False, help=""):
        super().__init__(default, help=help)
        self.hex_only = hex_only

    def check(self, value, pos, where, ctx):
        if self.hex_only and not isinstance(value, str):
            ctx.error(pos, where, "expected a hex colour like #0B6E4F")
            return INVALID
        value = super().check(value, pos, where, ctx)
        if value is INVALID or (value in ctx.palette and not self.hex_only):
            return value
        if value.startswith("#"):
            if hex_rgba(value) is None:
                ctx.error(pos, where, f"invalid colour '{value}'; write #RRGGBB or #RRGGBBAA")
                return INVALID
            return value
        if self.hex_only:
            ctx.error(pos, where, f"invalid colour '{value}'; write #RRGGBB or #RRGGBBAA")
        else:
            ctx.error(pos, where, f"unknown colour '{value}'; use a brand colour ({', '.join(ctx.palette)}) or #RRGGBB")
        return INVALID

    def json(self):
        if self.hex_only:
            return {"type": "string", "pattern": self.HEX.pattern}
        return {"type": "string", "description": "a brand colour name (primary, accent, ...) or #RRGGBB[AA]"}


class Box(Option):
    """[x, y, w, h] in percent of the platform's safe area."""

    def check(self, value, pos, where, ctx):
        if (not isinstance(value, YList) or len(value) != 4
                or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)):
            ctx.error(pos, where, "expected a box [x, y, w, h] in percent of the safe area")
            return INVALID
        problem = next(filter(None, map(number_problem, value)), None)
        if problem:
            ctx.error(pos, where, f"box: {problem}")
            return INVALID
        x, y, w, h = (float(v) for v in value)
        if min(x, y) < 0 or w <= 0 or h <= 0 or x + w > 100.001 or y + h > 100.001:
            ctx.error(pos, where, f"box [{x:g}, {y:g}, {w:g}, {h:g}] leaves the safe area: "
                                  "x, y ≥ 0, w, h > 0, x + w ≤ 100, y + h ≤ 100")
            return INVALID
        if min(w, h) < limits.BOX_MIN:
            ctx.error(pos, where, f"box [{x:g}, {y:g}, {w:g}, {h:g}] is too small to show anything: "
                                  f"w and h must be at least {limits.BOX_MIN:g} (percent of the safe area)")
            return INVALID
        return (x, y, w, h)

    def json(self):
        return {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100},
                "minItems": 4, "maxItems": 4, "description": "[x, y, w, h] in percent of the safe area"}


class Pair(Option):
    """[a, b]: two numbers (an offset, a range)."""

    def __init__(self, default=MISSING, *, message: str = "expected [x, y]", help=""):
        super().__init__(default, help)
        self.message = message

    def check(self, value, pos, where, ctx):
        if (not isinstance(value, YList) or len(value) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
            ctx.error(pos, where, self.message)
            return INVALID
        problem = next(filter(None, map(number_problem, value)), None)
        if problem:
            ctx.error(pos, where, problem)
            return INVALID
        return (float(value[0]), float(value[1]))

    def json(self):
        return {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}


class Duration(Number):
    """`auto` (None) or seconds."""

    def check(self, value, pos, where, ctx):
        if value == "auto":
            return None
        if isinstance(value, str):
            ctx.error(pos, where, f"expected 'auto' or seconds, got '{value}'")
            return INVALID
        return super().check(value, pos, where, ctx)

    def json(self):
        return {"oneOf": [{"const": "auto"}, super().json()]}


class Text(Option):
    """One string for every language, or a mapping by language; `{var}` substituted. -> {lang: str}"""

    def __init__(self, default=MISSING, *, languages: Optional[Callable[[Context], Iterable[str]]] = None,
                 limit: int = limits.TEXT_CHARS, what: str = "text", help=""):
        super().__init__(default, help)
        self.languages = languages      # which languages it must have (default: the script's)
        self.limit, self.what = limit, what

    def check(self, value, pos, where, ctx):
        langs = tuple(self.languages(ctx)) if self.languages else ctx.languages
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = self.text(str(value), ctx, pos, where) if langs else ""
            out = {lang: text for lang in langs}
        elif isinstance(value, YMap):
            out = {}
            for lang, s in value.items():
                w = join(where, lang)
                if lang not in LANGUAGES:
                    ctx.error(value.key_pos[lang], w, f"unknown language '{lang}'; {did_you_mean(lang, LANGUAGES)}")
                elif s is None or isinstance(s, (bool, YMap, YList)):
                    ctx.error(value.pos(lang), w, f"expected text, got {type_name(s)}")
                else:
                    out[lang] = self.text(str(s), ctx, pos, w)
            for lang in langs:
                if lang not in value:
                    ctx.error(value.at, where, f"missing the '{lang}' text: the script renders {lang}"
                                               f" ({', '.join(langs)}); add `{lang}: ...`")
        else:
            ctx.error(pos, where, f"expected text or a mapping by language, got {type_name(value)}")
            return INVALID
        return frozen_map(out)

    def text(self, text: str, ctx: Context, pos, where: str) -> str:
        """One language's text, variables substituted; its length and characters checked."""
        known = len(ctx.problems)
        text = substitute(text, ctx, pos, where, self.limit)
        problem = text_problem(text, self.limit, self.what) if len(ctx.problems) == known else None
        if problem:
            ctx.error(pos, where, problem)
        return text

    def json(self):
        return {"oneOf": [{"type": ["string", "number"]},
                          {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
                           "additionalProperties": {"type": ["string", "number"]}}],
                "description": "one text for every language, or {ar: ..., fr: ...}"}


def substitute(text: str, ctx: Context, pos, where: str, limit: int = limits.TEXT_CHARS) -> str:
    """`{name}` -> the script's variable (plain substitution); `{{` and `}}` are literal braces.
    At most limits.VAR_REFS references per document; substitution stops once the text exceeds `limit`."""
    variables = ctx.variables
    if variables is None:
        return text
    size = 0

    def repl(match):
        nonlocal size
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        name = match.group(1)
        ctx.var_refs += 1
        if ctx.var_refs > limits.VAR_REFS:
            if ctx.var_refs == limits.VAR_REFS + 1:
                ctx.error(pos, where, f"more than {limits.VAR_REFS:,} {{var}} references; that is the limit for one document")
            return ""
        if name in variables:
            if size > limit:        # the text is already too long: stop growing it
                return ""
            size += len(variables[name])
            return variables[name]
        ctx.error(pos, where, f"unknown variable '{{{name}}}'; "
                              + (did_you_mean(name, variables) if variables else "define it under `vars:`"))
        return match.group(0)
    return VAR_RE.sub(repl, text)


class File(Str):
    """A file relative to the document's folder that exists and stays inside the project."""

    def __init__(self, default=MISSING, *, folder: bool = False, check: Optional[Callable] = None, help=""):
        super().__init__(default, help=help)
        self.folder = folder
        self.readable = check           # (path) -> None or a reason the file cannot be used

    def check(self, value, pos, where, ctx):
        value = super().check(value, pos, where, ctx)
        if value is INVALID:
            return value
        path = (ctx.base / value).resolve()
        try:
            path.relative_to(ctx.project.resolve())
        except ValueError:
            ctx.error(pos, where, f"'{value}' is outside the project folder {display(ctx.project)}; "
                                  "keep assets inside it")
            return INVALID
        if self.folder and not path.is_dir():
            ctx.error(pos, where, f"folder not found: {display(path)}")
            return INVALID
        if not self.folder and not path.is_file():
            ctx.error(pos, where, f"not a regular file: {display(path)}" if path.exists() else f"file not found: {display(path)}")
            return INVALID
        if not self.folder and path.stat().st_size > limits.ASSET_BYTES:
            ctx.error(pos, where, f"{display(path)} is {path.stat().st_size / 1e6:,.0f} MB; the limit for an asset "
                                  f"is {limits.size(limits.ASSET_BYTES)}")
            return INVALID
        reason = self.readable(path) if self.readable else None
        if reason:
            ctx.error(pos, where, reason)
            return INVALID
        return path

    def json(self):
        return {"type": "string", "description": "a path relative to this file, inside the project"}


class ListOf(Option):
    def __init__(self, item: Option, default=MISSING, *, unique: bool = False, help=""):
        super().__init__(default, help)
        self.item, self.unique = item, unique

    def check(self, value, pos, where, ctx):
        if not expect(value, YList, pos, where, ctx):
            return INVALID
        out = []
        for i, v in enumerate(value):
            got = self.item.read(v, value.pos(i), f"{where}[{i}]", ctx)
            if got is not INVALID:
                out.append(got)
        return tuple(out)

    def json(self):
        return {"type": "array", "items": self.item.schema()}


class MapOf(Option):
    """A mapping of free names to values of one kind (`colors:`, `styles:`, `layouts:`)."""

    def __init__(self, value: Option, default=MISSING, *, key: Optional[Option] = None, help=""):
        super().__init__(default, help)
        self.value, self.key = value, key

    def check(self, value, pos, where, ctx):
        if not expect(value, YMap, pos, where, ctx):
            return INVALID
        out = {}
        for k, v in value.items():
            w = join(where, k)
            if self.key is not None and self.key.read(k, value.key_pos.get(k, value.at), w, ctx) is INVALID:
                continue
            got = self.value.read(v, value.pos(k), w, ctx) if v is not None else INVALID
            if v is None:
                ctx.error(value.pos(k), w, f"expected a value, got {type_name(v)}")
            if got is not INVALID:
                out[str(k)] = got
        return frozen_map(out)

    def json(self):
        out = {"type": "object", "additionalProperties": self.value.schema()}
        if self.key is not None:
            out["propertyNames"] = self.key.json()
        return out


class Schema(Option):
    """A mapping with declared keys. `read` returns {key: value} with defaults filled in."""

    def __init__(self, fields: Mapping[str, Option], default=MISSING, *, help="", extra: Iterable[str] = ()):
        super().__init__(default, help)
        self.fields = dict(fields)
        self.extra = tuple(extra)       # keys allowed but read elsewhere (the format version, ...)

    def check(self, value, pos, where, ctx):
        if not expect(value, YMap, pos, where, ctx):
            return INVALID
        self.unknown_keys(value, where, ctx)
        return self.fields_of(value, where, ctx)

    def fields_of(self, value: YMap, where: str, ctx: Context) -> dict:
        out = {}
        for name, option in self.fields.items():
            if value.get(name) is not None:
                out[name] = option.read(value[name], value.pos(name), join(where, name), ctx)
            elif option.required:
                ctx.error(value.at, where or "(top level)", f"missing required key '{name}'")
                out[name] = INVALID
            else:
                out[name] = option.default_for(out)
        return out

    def unknown_keys(self, value: YMap, where: str, ctx: Context) -> None:
        allowed = [*self.extra, *self.fields]
        for key in value:
            if key not in allowed:
                ctx.error(value.key_pos.get(key, value.at), join(where, key),
                          f"unknown key '{key}'; {did_you_mean(key, allowed)}")

    def read_some(self, value: YMap, names: Iterable[str], where: str, ctx: Context) -> dict:
        """Only these keys, in this order (documents whose later keys depend on earlier ones)."""
        return Schema({n: self.fields[n] for n in names}).fields_of(value, where, ctx)

    def json(self):
        props = {name: option.schema() for name, option in self.fields.items()}
        props.update({name: {} for name in self.extra if name not in props})
        out = {"type": "object", "properties": props, "additionalProperties": False}
        required = [name for name, option in self.fields.items() if option.required]
        if required:
            out["required"] = required
        return out

    def defaults(self) -> dict:
        """Every optional key's default (callable defaults left out)."""
        return {k: o.default for k, o in self.fields.items() if not o.required and not callable(o.default)}


def valid(values: dict) -> bool:
    """True when no value of a Schema's result is INVALID."""
    return all(v is not INVALID for v in values.values())
