"""Stream frames into ffmpeg (libx264 + AAC, faststart) and write files atomically.

Every output is written under a temporary name in its own folder and renamed when complete, so an
interrupted or failed render never leaves a half file nor replaces an earlier good one.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import signal
import subprocess
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from .errors import ReelforgeError, RenderError, display
from .ffmpeg import ffmpeg_exe
from .platforms import Platform


# reelforge's own temporary names: ".<name>.reelforge-<pid>-<random>.partial<suffix>", beside the target
PARTIAL = re.compile(r"\..+\.reelforge-(\d+)-[0-9a-f]+\.partial(\.[^.]*)?")
_cleaned: set[Path] = set()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:          # e.g. another user's process: it exists
        pass
    return True


def clean_partials(folder: Path) -> None:
    """Remove reelforge's temporary files left in `folder` by processes that no longer run (once per
    folder and process). Only names matching PARTIAL are touched, and only when their pid is gone."""
    if folder in _cleaned:
        return
    _cleaned.add(folder)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for e in entries:
        m = PARTIAL.fullmatch(e.name)
        if m and e.is_file(follow_symlinks=False) and not _alive(int(m[1])):
            with contextlib.suppress(OSError):
                os.unlink(e.path)


def _remedy(exc: OSError, hint: str) -> str:
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = "the disk is full: free some space there"
    elif code == errno.EROFS:
        why = "the file system is read-only"
    elif code in (errno.EACCES, errno.EPERM):
        why = "no permission to write there: make the folder writable"
    elif code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        why = "a file stands where a folder is needed (or a folder where a file is): move it away"
    else:
        why = "check the folder"
    return why + (f", or {hint}" if hint else "")


def write_error(path: Path, exc: OSError, hint: str = "") -> RenderError:
    """An environment fault while writing `path`, as one line: the path, the cause, the remedy."""
    return RenderError(f"{display(path)}: cannot write: {exc.strerror or exc}; {_remedy(exc, hint)}")


# errors a write itself can meet (a read-side OSError raised inside a staged block is not translated)
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


class Staging:
    """Files written under temporary names beside their targets, then published together: all are
    renamed into place, or (on any failure) none is and the earlier files stay as they were."""

    def __init__(self, hint: str = "") -> None:
        self.hint = hint
        self.pairs: list[tuple[Path, Path]] = []     # (temporary, target), in publishing order
        self.temps: list[Path] = []                  # every temporary name, listed before it is created
        self.current: Optional[Path] = None

    def _temp(self, target: Path) -> Path:
        self.current = target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            clean_partials(target.parent)
            while True:   # O_EXCL with mode 0666: the umask applies, as for any file the user creates
                tmp = target.parent / f".{target.name}.reelforge-{os.getpid()}-{secrets.token_hex(4)}.partial{target.suffix}"
                self.temps.append(tmp)      # first: an interruption right after the create still removes it
                try:
                    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                    return tmp
                except FileExistsError:
                    continue
        except OSError as exc:
            raise write_error(target, exc, self.hint) from None

    def path(self, target: Path) -> Path:
        """A temporary path that becomes `target` when published."""
        tmp = self._temp(target)
        self.pairs.append((tmp, target))
        return tmp

    def scratch(self, near: Path) -> Path:
        """A temporary path beside `near`, removed when the staging ends (never published)."""
        return self._temp(near)

    def publish(self) -> None:
        """Rename every staged file into place; on a failure, put the earlier files back."""
        done: list[tuple[Path, Optional[Path]]] = []     # (target, hard link to its earlier content)
        try:
            for tmp, target in self.pairs:
                self.current = target
                backup = None
                if target.is_file():
                    backup = self._temp(target)
                    os.unlink(backup)
                    try:
                        os.link(target, backup)
                    except OSError:
                        backup = None
                done.append((target, backup))
                os.replace(tmp, target)
        except BaseException as exc:
            for target, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup:
                        os.replace(backup, target)
                    else:
                        target.unlink()
            if isinstance(exc, OSError):
                raise write_error(self.current, exc, self.hint) from None
            raise
        finally:
            for _, backup in done:
                if backup:
                    with contextlib.suppress(OSError):
                        backup.unlink()

    def discard(self) -> None:
        for tmp in self.temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


@contextlib.contextmanager
def staged(hint: str = ""):
    """Yield a Staging; publish its files together if the block succeeds, remove the temporaries always.
    `hint` ends the one-line error of a write fault (e.g. "choose another output folder with -o")."""
    s = Staging(hint)
    try:
        yield s
        s.publish()
    except OSError as exc:
        if exc.errno in WRITE_ERRNOS and s.current is not None:
            raise write_error(s.current, exc, hint) from None
        raise
    finally:
        s.discard()


@contextlib.contextmanager
def atomic_path(target: Path, hint: str = ""):
    """Yield a temporary path beside `target`; rename it to `target` only if the block succeeds."""
    with staged(hint) as s:
        yield s.path(target)


def check_writable(folder: Path, hint: str = "") -> None:
    """Create `folder` if needed and prove a file can be made in it; a one-line RenderError if not."""
    with staged(hint) as s:
        s.scratch(folder / "write-test")


def write_atomic(target: Path, data: bytes | str, hint: str = "") -> None:
    with atomic_path(target, hint) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def die_with_parent() -> None:
    """In a child process (Linux): receive SIGTERM when the parent dies, so nothing runs on orphaned."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)    # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def video_args(p: Platform, draft: bool) -> list[str]:
    """x264 settings from the platform profile (draft: fast preset, lower quality)."""
    return ["-c:v", "libx264", "-preset", "veryfast" if draft else "medium", "-crf", str(p.crf + (6 if draft else 0)),
            "-maxrate", p.maxrate, "-bufsize", p.bufsize, "-profile:v", p.profile, "-pix_fmt", p.pix_fmt,
            "-g", str(p.fps * 2), "-bf", "2", "-r", str(p.fps)]


def audio_args(p: Platform) -> list[str]:
    return ["-c:a", p.audio_codec, "-b:a", p.audio_bitrate, "-ar", str(p.audio_rate), "-ac", "2"]


def encode(frames: Iterable[np.ndarray], p: Platform, duration: float, target: Path,
           audio: Optional[Path] = None, draft: bool = False, on_frame=None, staging: Optional[Staging] = None) -> None:
    """Pipe RGB frames to ffmpeg; mux `audio` (or silence) into `target`: written atomically, or staged in
    `staging` to be published with other files."""
    with contextlib.nullcontext(staging.path(target)) if staging else atomic_path(target) as tmp:
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{p.width}x{p.height}", "-r", str(p.fps), "-i", "-"]
        if audio is not None:
            cmd += ["-i", str(audio)]
        else:
            cmd += ["-f", "lavfi", "-i", f"anullsrc=r={p.audio_rate}:cl=stereo"]
        cmd += ["-map", "0:v", "-map", "1:a", *video_args(p, draft), *audio_args(p), "-t", f"{duration:.3f}",
                "-movflags", "+faststart", "-f", "mp4", str(tmp)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=die_with_parent)
        try:
            last = None
            for frame in frames:
                # the same array as the previous frame (nothing moved) is written without a new copy
                buf = last[1] if last is not None and last[0] is frame else memoryview(np.ascontiguousarray(frame)).cast("B")
                proc.stdin.write(buf)
                last = (frame, buf)
                if on_frame:
                    on_frame()
            proc.stdin.close()
            err = proc.stderr.read().decode("utf-8", "replace")
            if proc.wait() != 0:
                raise _ffmpeg_error(target, err, "ffmpeg failed", lambda e: e.splitlines()[-1])
        except BrokenPipeError:
            err = proc.stderr.read().decode("utf-8", "replace")
            proc.wait()
            raise _ffmpeg_error(target, err, "ffmpeg stopped", lambda e: e[-300:]) from None
        except BaseException:
            proc.kill()
            proc.wait()
            raise


def _ffmpeg_error(target: Path, err: str, what: str, detail) -> RenderError:
    if "No space left on device" in err:
        return write_error(target, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    err = err.strip()
    return RenderError(f"{display(target)}:1:1: {what}: {detail(err) if err else 'unknown error'}")


def write_jpeg(frame: np.ndarray, target: Path, quality: int = 90, staging: Optional[Staging] = None) -> None:
    from PIL import Image
    with contextlib.nullcontext(staging.path(target)) if staging else atomic_path(target) as tmp:
        Image.fromarray(frame).save(tmp, "JPEG", quality=quality, optimize=True)


def probe(path: Path) -> dict:
    """Stream facts of a media file, read structurally by libavformat through PyAV (never from log text,
    which a file's metadata can imitate). A file that cannot be opened gives {}."""
    import av

    from .media import refuse_playlist
    info: dict = {}
    try:
        refuse_playlist(path)
        with av.open(str(path), options={"protocol_whitelist": "file"}) as c:
            if c.duration is not None:
                info["duration"] = c.duration / av.time_base
            if c.streams.video:
                v = c.streams.video[0].codec_context
                info.update(vcodec=v.name, profile=(v.profile or "").lower(), pix_fmt=v.format.name if v.format else None,
                            width=v.width, height=v.height)
                rate = c.streams.video[0].average_rate or c.streams.video[0].base_rate
                if rate:
                    info["fps"] = round(float(rate), 3)
            if c.streams.audio:
                a = c.streams.audio[0].codec_context
                info.update(acodec=a.name, sample_rate=a.sample_rate, channels=a.layout.name)
    except (av.FFmpegError, OSError, ValueError, ReelforgeError):
        return {}
    return info
