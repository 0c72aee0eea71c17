"""Small facts derived from files, remembered between runs: a font's character coverage, whether a
media file probes clean, the size a text block fits at. `validate`, `preview` and a build's workers
would otherwise recompute them on every run (a fresh `validate` spent half its time there).

A memo is one JSON file per kind under the cache folder ($REELFORGE_CACHE or ~/.cache/reelforge,
`memo/<kind>.json`), read on first use and written once at exit (merged with what other processes wrote
meanwhile, then renamed into place, so readers never see half a file). Keys say everything the value
depends on: a file's identity (path, size, modification time, inode) or the content itself. A memo
saves time and never fails a command: an unreadable or unwritable memo is simply not used.

Pictures (a rasterised text block) are remembered the same way, one PNG file each under
`memo/<kind>.v1/`, with their facts (JSON) in the PNG's text chunk: pixels and facts are one file, renamed
into place whole; the least recently used are removed beyond MAX_PICTURES.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, Optional

MAX_ENTRIES = 5_000       # per kind unless it says; the oldest half is dropped beyond: every fresh command
                          # reads the file (5,000 fits or probes are some 0.3-0.6 MB, 5-10 ms of JSON)
MAX_PICTURES = 1_000      # per kind; the least recently used half is removed beyond (some 50 MB)
FORMAT = 1                # bump when what a memo stores changes meaning


def cache_root() -> Path:
    """The local cache folder: $REELFORGE_CACHE, unless it is a URL (a shared speech cache), else
    $XDG_CACHE_HOME/reelforge or ~/.cache/reelforge."""
    root = os.environ.get("REELFORGE_CACHE")
    if not root or "://" in root:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "reelforge")
    return Path(root)


def file_id(path) -> Optional[str]:
    """A file's identity for a memo key: its resolved path, size, modification time and inode; None when
    it cannot be read (then nothing is remembered about it)."""
    try:
        st = os.stat(path)
        return f"{os.path.realpath(path)}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"
    except OSError:
        return None


def digest(parts) -> str:
    """A short key for JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:32]


_CODE: dict[tuple, str] = {}


def code_digest(*modules) -> str:
    """The source of the modules that derive a remembered fact (and reelforge's version when a source
    is unreadable): a fact derived by other code is never used, even between two commits."""
    names = tuple(m.__name__ for m in modules)
    if names not in _CODE:
        parts = []
        for m in modules:
            try:
                parts.append(Path(m.__file__).read_bytes().decode("utf-8", "replace"))
            except (OSError, TypeError):
                from . import __version__
                parts.append(__version__)
        _CODE[names] = digest(parts)
    return _CODE[names]


class Memo:
    """key (str) -> JSON value, for one kind of fact."""

    def __init__(self, kind: str, max_entries: int = 0):
        self.kind = kind
        self.max_entries = max_entries       # 0: MAX_ENTRIES
        self._data: Optional[dict[str, Any]] = None
        self._new: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._root: Optional[Path] = None

    def _file(self) -> Path:
        return cache_root() / "memo" / f"{self.kind}.v{FORMAT}.json"

    def _load(self) -> dict[str, Any]:
        if self._data is None or self._root != cache_root():     # tests point $REELFORGE_CACHE elsewhere
            self._root = cache_root()
            self._data = _read(self._file())
            self._new = {}
        return self._data

    def get(self, key: str, default=None):
        with self._lock:
            return self._load().get(key, default)

    def put(self, key: str, value) -> None:
        with self._lock:
            data = self._load()
            if data.get(key) != value:
                if not self._new:
                    atexit.register(self.save)
                data[key] = self._new[key] = value

    def save(self) -> None:
        """Add what this process learnt to the file (another process may have written it meanwhile)."""
        with self._lock:
            if not self._new or self._root is None:
                return
            target = self._root / "memo" / f"{self.kind}.v{FORMAT}.json"
            merged = {**_read(target), **self._new}
            cap = self.max_entries or MAX_ENTRIES
            if len(merged) > cap:
                merged = dict(list(merged.items())[len(merged) - cap // 2:])
            from .encode import write_atomic
            from .errors import RenderError
            try:
                write_atomic(target, json.dumps(merged, ensure_ascii=False, separators=(",", ":")))
            except RenderError:
                pass         # a read-only or full cache: the facts are recomputed next time
            self._new = {}


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


class Pictures:
    """key (str) -> (RGBA Pillow image, JSON facts), for one kind of picture. Always read; written only
    while `keep` is set, by the commands that look again soon (`preview`, the studio): a CI build would
    spend time writing pictures it never reads."""

    def __init__(self, kind: str):
        self.kind = kind
        self.keep = False
        self._written: dict[Path, int] = {}     # folder -> pictures written since this process pruned it

    def _folder(self) -> Path:
        return cache_root() / "memo" / f"{self.kind}.v{FORMAT}"

    def get(self, key: str):
        """(image, facts), or None when not remembered or unreadable."""
        from PIL import Image
        path = self._folder() / f"{key}.png"
        try:
            with Image.open(path) as img:
                facts = json.loads(img.text["facts"])
                img.load()
                picture = img if img.mode == "RGBA" else img.convert("RGBA")
        except (OSError, KeyError, ValueError, SyntaxError):
            return None
        try:
            os.utime(path)          # recently used: kept when the folder is pruned
        except OSError:
            pass
        return picture, facts

    def put(self, key: str, image, facts) -> None:
        if not self.keep:
            return
        import io

        from PIL.PngImagePlugin import PngInfo
        info = PngInfo()
        info.add_text("facts", json.dumps(facts, ensure_ascii=True, separators=(",", ":")))
        buf = io.BytesIO()
        image.save(buf, "PNG", pnginfo=info, compress_level=1)
        folder = self._folder()
        from .encode import write_atomic
        from .errors import RenderError
        try:
            write_atomic(folder / f"{key}.png", buf.getvalue())
        except RenderError:
            return           # a read-only or full cache: drawn again next time
        written = self._written.get(folder)
        if written is None or written >= MAX_PICTURES // 2:     # at the first write, and now and then
            self._prune(folder)
            written = 0
        self._written[folder] = written + 1

    @staticmethod
    def _prune(folder: Path) -> None:
        """Beyond MAX_PICTURES files, remove all but the MAX_PICTURES // 2 most recently used."""
        try:
            files = sorted(folder.glob("*.png"), key=lambda f: f.stat().st_mtime_ns)
            if len(files) > MAX_PICTURES:
                for f in files[:len(files) - MAX_PICTURES // 2]:
                    f.unlink(missing_ok=True)
        except OSError:
            pass        # another process pruned meanwhile, or the folder is gone: next time
