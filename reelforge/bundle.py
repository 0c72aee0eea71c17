"""What a cluster job carries: the input files of one script, by content, relative to its project.

`collect(script, memo)` walks the loaded model (the same values `contentkey` hashes: the script file,
template chain, brand kit folder with its fonts and logos, voice profiles, recordings, images, videos,
Lottie and SVG files, music) and lists every file inside the project as {relative path: sha256}. Files
of the kits shipped in the package are not carried: the worker's own reelforge has them (the worker
checks the content key it computes, which includes reelforge's version, against the planned one).
`blobs(bundles)` reads each distinct file once; `unpack` writes a bundle into a private folder, checking
every blob's sha256, and returns the script's path there.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .contentkey import file_digest
from .model import Script
from .project import KIT_DIRS, PACKAGED


@dataclass(frozen=True)
class Bundle:
    script: str                          # the script's path relative to the project root (posix)
    files: tuple[tuple[str, str], ...]   # (relative path, sha256), sorted; the script file included
    dirs: tuple[str, ...] = ()           # folders to create: the project root's kit folders (so the project
                                         # resolves the same) and every folder the model names

    def size(self, sizes: Mapping[str, int]) -> int:
        return sum(sizes.get(h, 0) for _, h in self.files)


def paths(value) -> Iterator[Path]:
    """Every Path in a model value (dataclass fields, mappings, sequences), the project folder excepted."""
    if isinstance(value, Path):
        yield value
    elif is_dataclass(value):
        for f in fields(value):
            if not (isinstance(value, Script) and f.name == "project"):
                yield from paths(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from paths(v)
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from paths(v)


def collect(script: Script, memo: dict) -> Bundle:
    """The bundle of `script`; `memo` is contentkey's digest memo (files hashed for the key are not
    hashed again)."""
    root, packaged = script.project.resolve(), PACKAGED.resolve()
    found: dict[str, str] = {}
    dirs = [d for d in KIT_DIRS if (root / d).is_dir()]
    for p in paths(script):
        p = p.resolve()
        if p.is_dir() and p.is_relative_to(root) and not p.is_relative_to(packaged):
            dirs.append(p.relative_to(root).as_posix())      # e.g. a recordings folder, even if empty
        for f in (sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p] if p.is_file() else []):
            f = f.resolve()
            if f.is_relative_to(root) and not f.is_relative_to(packaged):
                found[f.relative_to(root).as_posix()] = file_digest(f, memo)
    return Bundle(script=script.path.resolve().relative_to(root).as_posix(), files=tuple(sorted(found.items())),
                  dirs=tuple(sorted(set(dirs))))


def blobs(bundles: Iterable[tuple[Path, Bundle]]) -> dict[str, bytes]:
    """sha256 -> content of every file of these (project root, bundle) pairs, each read once."""
    out: dict[str, bytes] = {}
    for root, bundle in bundles:
        for rel, digest in bundle.files:
            if digest not in out:
                out[digest] = (root / rel).read_bytes()
    return out


class Incomplete(Exception):
    """A blob is missing or its content is not what the bundle names (a file changed during the build)."""


def unpack(bundle: Bundle, blobs: Mapping[str, bytes], folder: Path) -> Path:
    """Write the bundle's files under `folder` (a private work folder); the script's path there."""
    for d in bundle.dirs:
        (folder / d).mkdir(parents=True, exist_ok=True)
    for rel, digest in bundle.files:
        data = blobs.get(digest)
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            raise Incomplete(f"{rel}: its content changed after the build was planned; run the build again")
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder / bundle.script
