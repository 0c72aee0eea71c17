"""The manifests, one schema: OUT/<id>/manifest.json (render and build) and OUT/manifest.json (build).

Each lists output entries (`entry`), merged with the earlier entries whose video still exists, so
rendering one language or platform keeps the others. File paths are relative to the manifest's folder.
OUT is a folder or a URL (`reelforge.storage`); an output's paths are absolute or relative to OUT.
"""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Optional, Union

from . import __version__
from .pipeline import OUT_HINT, Output
from .storage import Target, target


def entry(o: Output, out: Optional[Path], folder: str = "") -> dict:
    """One output as JSON data, its files relative to `out`/`folder` (`out` None: the files are relative to
    OUT already, as a build publishing to a URL gives them)."""
    rel = lambda f: PurePosixPath((Path(f).relative_to(out) if out is not None else Path(f)).as_posix())
    data = {"name": o.name, "id": o.id, "script": o.script, "lang": o.lang, "platform": o.platform,
            "duration": round(o.duration, 3), "render_seconds": round(o.seconds, 2), "key": o.key,
            "scenes": [{"id": s.id, "start": round(s.start, 3), "end": round(s.end, 3)} for s in o.scenes],
            "timing": o.timing, "files": [rel(f).relative_to(folder).as_posix() for f in o.files]}
    if o.check is not None:
        data["check"] = o.check
    if o.shared_with:       # drawn once with these outputs ("frames"), or the same encoded file ("file")
        data["shared_with"], data["shared"] = list(o.shared_with), o.shared
    return data


def merged(dest: Target, name: str, new: list[dict]) -> list[dict]:
    """`new` entries over the earlier ones of the manifest `name` in `dest` whose video still exists, by name."""
    folder = PurePosixPath(name).parent
    try:
        old = json.loads(dest.read_text(name) or "{}").get("outputs", [])
        by_name = {o["name"]: o for o in old
                   if any(f.endswith(".mp4") and dest.exists((folder / f).as_posix()) for f in o["files"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        by_name = {}
    by_name.update((o["name"], o) for o in new)
    return sorted(by_name.values(), key=lambda o: o["name"])


def write(dest: Target, name: str, data: dict) -> Union[Path, str]:
    dest.put_text(name, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return f"{dest.url}/{name}" if dest.url else dest.root / name


def write_script_manifests(out, outputs: list[Output]) -> list[Union[Path, str]]:
    """OUT/<id>/manifest.json of each script among `outputs` (OUT: a folder, a URL or a storage target)."""
    dest, written = target(out, OUT_HINT), []
    for sid in dict.fromkeys(o.id for o in outputs):
        mine = [o for o in outputs if o.id == sid]
        name = f"{sid}/manifest.json"
        entries = merged(dest, name, [entry(o, _root(dest), sid) for o in mine])
        written.append(write(dest, name, {"id": sid, "script": mine[0].script, "reelforge": __version__,
                                          "outputs": entries}))
    return written


def write_build_manifest(out, outputs: list[Output], failures: list[dict], retried: list[dict] = ()) -> list[dict]:
    """OUT/manifest.json: every output of this and earlier builds, this build's failures ({name, error})
    and, on a cluster, the jobs run again because their workers died ({name, workers}). Returns the
    output entries."""
    dest = target(out, OUT_HINT)
    entries = merged(dest, "manifest.json", [entry(o, _root(dest)) for o in outputs])
    data = {"reelforge": __version__, "outputs": entries, "failures": failures}
    if retried:
        data["retried"] = list(retried)
    write(dest, "manifest.json", data)
    return entries


def _root(dest: Target) -> Optional[Path]:
    return None if dest.url else dest.root
