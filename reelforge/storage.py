"""Where a build's outputs (and a shared speech cache) live: a local folder, or any fsspec URL.

`target(out)` gives a small store addressed by relative posix names ("<id>/fr/reels.mp4"). A local folder
keeps reelforge's own atomic writes (`encode.write_atomic`: temporary name, then rename). A URL
(`s3://bucket/campaign`, `gs://...`, `memory://...`, any fsspec filesystem) is written with one put
per object on object stores, where a put is atomic (an S3 object, even a multipart one, appears only
when complete), and with a put under a unique temporary name then a move elsewhere (sftp, local
`file://` ...). No reader ever sees a partial object at its final name.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Optional, Union

from .encode import write_atomic
from .errors import RenderError

# fsspec protocols whose single put is atomic (the object appears only when the upload is complete)
ATOMIC_PUT = {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"}


def is_url(out: Union[str, Path, None]) -> bool:
    return isinstance(out, str) and "://" in out


class Local:
    """A local folder: the render writes straight into it (encode.Staging); manifests and keys go through
    here."""

    url = None

    def __init__(self, root: Union[str, Path], hint: str = "") -> None:
        self.root = Path(root)
        self.hint = hint

    def __str__(self) -> str:
        return str(self.root)

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def read_text(self, name: str) -> Optional[str]:
        try:
            return (self.root / name).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put_text(self, name: str, text: Union[str, bytes]) -> None:
        write_atomic(self.root / name, text, self.hint)


class Remote:
    """An fsspec filesystem under a root URL."""

    def __init__(self, url: str, hint: str = "") -> None:
        import fsspec       # the `cluster` extra
        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.root = self.root.rstrip("/")
        protocols = {self.fs.protocol} if isinstance(self.fs.protocol, str) else set(self.fs.protocol)
        self.atomic_put = bool(protocols & ATOMIC_PUT)
        self.hint = hint

    def __str__(self) -> str:
        return self.url

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def _fault(self, name: str, exc: Exception) -> RenderError:
        return RenderError(f"{self.url}/{name}: {type(exc).__name__}: {exc}" + (f"; {self.hint}" if self.hint else ""))

    def exists(self, name: str) -> bool:
        try:
            return self.fs.isfile(self._path(name))
        except (OSError, ValueError):
            return False

    def read_bytes(self, name: str) -> Optional[bytes]:
        try:
            return self.fs.cat_file(self._path(name))
        except (OSError, ValueError):      # FileNotFoundError included
            return None

    def read_text(self, name: str) -> Optional[str]:
        data = self.read_bytes(name)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _put(self, name: str, put) -> None:
        final = self._path(name)
        try:
            if self.atomic_put:
                put(final)
                return
            parent, base = final.rsplit("/", 1) if "/" in final else ("", final)
            tmp = f"{parent}/.{base}.reelforge-{os.getpid()}-{uuid.uuid4().hex[:8]}.partial"
            self.fs.makedirs(parent, exist_ok=True)
            try:
                put(tmp)
                self.fs.mv(tmp, final)
            finally:
                if self.fs.exists(tmp):
                    self.fs.rm(tmp)
        except Exception as exc:      # OSError, and the store's own (botocore's NoCredentialsError...)
            raise self._fault(name, exc) from None

    def check_writable(self) -> None:
        """Prove an object can be put here (credentials, bucket, permissions); a one-line RenderError if not."""
        name = f".reelforge/write-test-{uuid.uuid4().hex[:12]}"
        self.put_text(name, b"")
        try:
            self.fs.rm(self._path(name))
        except Exception:
            pass

    def put_text(self, name: str, text: Union[str, bytes]) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self._put(name, lambda path: self.fs.pipe_file(path, data))

    def put_file(self, src: Path, name: str) -> None:
        self._put(name, lambda path: self.fs.put_file(str(src), path))


Target = Union[Local, Remote]


def target(out: Union[str, Path, Local, Remote], hint: str = "") -> Target:
    """The store for `out`: a folder path, or an fsspec URL."""
    if isinstance(out, (Local, Remote)):
        return out
    return Remote(out, hint) if is_url(out) else Local(out, hint)
