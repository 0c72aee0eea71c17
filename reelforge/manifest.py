"""The manifests, one schema: OUT/<id>/manifest.json (render and build) and OUT/manifest.json (build).

Each lists output entries (`entry`), merged with the earlier entries whose video still exists, so
rendering one language or platform keeps the others. File paths are relative to the manifest's folder.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .encode import write_atomic
from .pipeline import OUT_HINT, Output


def entry(o: Output, folder: Path) -> dict:
    """One output as JSON data, its files relative to `folder`."""
    data = {"name": o.name, "id": o.id, "script": o.script, "lang": o.lang, "platform": o.platform,
            "duration": round(o.duration, 3), "render_seconds": round(o.seconds, 2), "key": o.key,
            "scenes": [{"id": s.id, "start": round(s.start, 3), "end": round(s.end, 3)} for s in o.scenes],
            "timing": o.timing, "files": [f.relative_to(folder).as_posix() for f in o.files]}
    if o.check is not None:
        data["check"] = o.check
    if o.shared_with:       # drawn once with these outputs ("frames"), or the same encoded file ("file")
        data["shared_with"], data["shared"] = list(o.shared_with), o.shared
    return data


def merged(path: Path, new: list[dict]) -> list[dict]:
    """`new` entries over the earlier ones of the manifest at `path` whose video still exists, by name."""
    try:
        old = json.loads(path.read_text("utf-8")).get("outputs", [])
        by_name = {o["name"]: o for o in old
                   if any(f.endswith(".mp4") and (path.parent / f).is_file() for f in o["files"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        by_name = {}
    by_name.update((o["name"], o) for o in new)
    return sorted(by_name.values(), key=lambda o: o["name"])


def write(path: Path, data: dict) -> Path:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", OUT_HINT)
    return path


def write_script_manifests(out: Path, outputs: list[Output]) -> list[Path]:
    """OUT/<id>/manifest.json of each script among `outputs`."""
    written = []
    for sid in dict.fromkeys(o.id for o in outputs):
        mine = [o for o in outputs if o.id == sid]
        path = out / sid / "manifest.json"
        entries = merged(path, [entry(o, path.parent) for o in mine])
        written.append(write(path, {"id": sid, "script": mine[0].script, "reelforge": __version__,
                                    "outputs": entries}))
    return written


def write_build_manifest(out: Path, outputs: list[Output], failures: list[dict]) -> list[dict]:
    """OUT/manifest.json: every output of this and earlier builds, and this build's failures
    ({name, error}). Returns the output entries."""
    path = out / "manifest.json"
    entries = merged(path, [entry(o, out) for o in outputs])
    write(path, {"reelforge": __version__, "outputs": entries, "failures": failures})
    return entries
