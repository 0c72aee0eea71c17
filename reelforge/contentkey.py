"""The content key of one output: a hash of everything in the model that shapes it.

The `Script` dataclass tree is walked generically (dataclass fields, mappings, sequences), so a field
added to the model is part of the key without anyone listing it. Files count by content (sha256),
folders by their files' names and contents, never by where they are. A mapping keyed by language codes
keeps only the output's language and its `subtitles.also` language, so editing the French text leaves
the Arabic outputs' keys alone. The platform profile, the draft flag and reelforge's version complete it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Mapping, Optional

from . import __version__
from .model import LANGUAGES, Script
from .platforms import registry

SKIPPED = {
    "line", "pos",   # source positions, for messages only
    "Script.path",   # the script file holds every language; its content is the model itself
    "Script.project",   # the whole project folder, outputs included
    "Script.languages", "Script.platforms",   # which outputs exist, not what one looks like
    "Script.vars",   # already substituted into the texts
}


def file_digest(path: Path, memo: dict) -> str:
    """sha256 of a file's content; of a folder's file names and contents; "missing" otherwise."""
    key = str(path)
    if key not in memo:
        if path.is_file():
            h = hashlib.sha256()
            with open(path, "rb") as fh:          # in chunks: assets may be large videos
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            memo[key] = h.hexdigest()
        elif path.is_dir():
            memo[key] = hashlib.sha256(json.dumps(
                [(str(f.relative_to(path)), file_digest(f, memo)) for f in sorted(path.rglob("*")) if f.is_file()]
            ).encode()).hexdigest()
        else:
            memo[key] = "missing"
    return memo[key]


def facts(value, langs: frozenset, memo: dict):
    """`value` as plain JSON data: what of it can change an output in `langs`."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Path):
        return file_digest(value, memo)
    if is_dataclass(value):
        name = type(value).__name__
        return {f.name: facts(getattr(value, f.name), langs, memo) for f in fields(value)
                if f.name not in SKIPPED and f"{name}.{f.name}" not in SKIPPED}
    if isinstance(value, Mapping):
        by_language = bool(value) and all(k in LANGUAGES for k in value)
        return {str(k): facts(v, langs, memo) for k, v in value.items() if not by_language or k in langs}
    if isinstance(value, (tuple, list)):
        return [facts(v, langs, memo) for v in value]
    raise TypeError(f"the content key cannot hash a {type(value).__name__}; teach reelforge.contentkey.facts")


def content_key(script: Script, lang: str, platform: str, draft: bool, memo: Optional[dict] = None) -> str:
    """Everything that shapes the output (script, lang, platform, draft), and nothing that does not."""
    memo = {} if memo is None else memo
    langs = frozenset({lang, script.subtitles.also.get(lang, lang)})
    data = {"reelforge": __version__, "lang": lang, "draft": draft,
            "platform": facts(registry()[platform], langs, memo), "script": facts(script, langs, memo)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
