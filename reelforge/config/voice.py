"""Voice profiles, `voices/<name>.yaml` (`reelforge-voice: 1`), or inline in a script: an engine of
the `reelforge.tts` registry, a language, and the options that engine declares."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import Problem
from ..model import Voice, frozen_map
from ..registry import TTS, PluginError
from .documents import open_doc
from .options import INVALID, Choice, Context, Raw, Schema, Str, join
from .yamlfile import YMap

VOICE = Schema({
    "engine": Choice(TTS, what="engine", help="a speech engine: `reelforge voices` lists them"),
    "language": Str(help="the language it speaks: ar, fr, ..."),
    "options": Raw(None, help="the engine's own options (`reelforge schema voice` lists each engine's)"),
    "description": Str(None),
}, extra=("reelforge-voice",))


def read_voice(m: YMap, pos, where: str, name: str, path: Optional[Path], ctx: Context) -> Optional[Voice]:
    v = VOICE.read(m, pos, where, ctx)
    if v is INVALID or v["engine"] is INVALID or v["language"] is INVALID:
        return None
    try:
        engine = TTS[v["engine"]]
    except PluginError as exc:
        ctx.error(m.pos("engine"), join(where, "engine"), str(exc))
        return None
    schema = getattr(engine, "options", None) or Schema({})
    raw = v["options"] if v["options"] not in (None, INVALID) else YMap()
    if raw is not v["options"]:
        raw.at = m.pos("options") if "options" in m else m.at
    base = path.parent if path else ctx.base
    options = schema.read(raw, raw.at, join(where, "options"), Context(ctx.path, ctx.problems, base=base,
                                                                        project=ctx.project))
    if options is INVALID or any(x is INVALID for x in options.values()):
        return None
    return Voice(name=name, path=path, engine=v["engine"], language=v["language"],
                 options=frozen_map({k: x for k, x in options.items() if x is not None}))


def load_voice(path: Path, name: str, project: Path, problems: list[Problem]) -> Optional[Voice]:
    doc = open_doc(path, "voice", problems)
    if doc is None:
        return None
    return read_voice(doc, doc.at, "", name, path, Context(path, problems, project=project))
