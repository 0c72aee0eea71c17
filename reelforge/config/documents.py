"""Opening a document of a known kind (its version key checked) and finding a named one."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .. import project as projects
from ..errors import Problem, ReelforgeError, did_you_mean, display
from .options import Context
from .yamlfile import YMap, read

FORMAT_KEYS = {"script": "reelforge", "template": "reelforge-template", "brand": "reelforge-brand",
               "voice": "reelforge-voice"}
SUPPORTED_VERSION = 1


def open_doc(path: Path, kind: str, problems: list[Problem]) -> Optional[YMap]:
    """The file's mapping, its format version checked; None (with problems recorded) on failure."""
    try:
        doc = read(path)
    except ReelforgeError as exc:
        problems.extend(exc.problems)
        return None
    ctx = Context(path, problems)
    key = FORMAT_KEYS[kind]
    if key not in doc:
        others = [k for k, v in FORMAT_KEYS.items() if v in doc]
        hint = f" (this looks like a {others[0]} file)" if others else ""
        ctx.error(doc.at, "", f"missing `{key}: {SUPPORTED_VERSION}` (the format version){hint}")
        return None
    if type(doc[key]) is not int or doc[key] != SUPPORTED_VERSION:      # `true` is not 1
        ctx.error(doc.pos(key), key, f"unsupported format version {doc[key]!r}; "
                                     f"this reelforge reads version {SUPPORTED_VERSION}")
        return None
    return doc


def resolve(kind: str, name: str, project: Path, base: Path, ctx: Context, pos, where) -> Optional[Path]:
    """A brand / template / voice name (or path) -> its file, or None with a problem recorded."""
    if projects.looks_like_path(name):
        path = (base / name).resolve()
        if not projects.inside(path, project):
            ctx.error(pos, where, f"{kind} '{name}' is outside the project folder {display(project)}; "
                                  "keep brand kits, templates and voices inside it")
            return None
        if kind == "brand" and path.is_dir():
            path = path / "brand.yaml"
        if path.is_file():
            return path
        ctx.error(pos, where, f"{kind} file not found: {display(path)}")
        return None
    for path in projects.candidates(kind, name, project):
        if path.is_file():
            return path
    ctx.error(pos, where, f"unknown {kind} '{name}'; {did_you_mean(name, projects.known(kind, project))}")
    return None
