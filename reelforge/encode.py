"""Stream frames into ffmpeg (libx264 + AAC, faststart) and write files atomically.

Every output is written under a temporary name in its own folder and renamed when complete, so an
interrupted or failed render never leaves a half file nor replaces an earlier good one.
"""
from __future__ import annotations

import collections
import contextlib
import errno
import os
import re
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from .errors import ReelforgeError, RenderError, display
from .ffmpeg import ffmpeg_exe
from .pixels import planes, rgb_of, split
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
    remove_dead_partials(folder)


def sweep_partials(root: Path) -> None:
    """clean_partials in every folder under `root`, now (after workers were killed mid-job)."""
    for folder, _, _ in os.walk(root):
        remove_dead_partials(Path(folder))


def remove_dead_partials(folder: Path) -> None:
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


def _libc(name: str):
    """A libc function through ctypes (errno kept), or None where there is none."""
    try:
        import ctypes
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


# resolved here, in the parent: between fork and exec (subprocess's preexec_fn) a child of a threaded
# process (the studio, a build pool) must not import or dlopen, whose locks another thread may hold
_PRCTL = _libc("prctl")


def die_with_parent() -> None:
    """In a child process (Linux): receive SIGTERM when the parent dies, so nothing runs on orphaned."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM, 0, 0, 0)        # PR_SET_PDEATHSIG = 1


def video_args(p: Platform, draft: bool) -> list[str]:
    """x264 settings from the platform profile (draft: fast preset, lower quality)."""
    return ["-c:v", "libx264", "-preset", "veryfast" if draft else "medium", "-crf", str(p.crf + (6 if draft else 0)),
            "-maxrate", p.maxrate, "-bufsize", p.bufsize, "-profile:v", p.profile, "-pix_fmt", p.pix_fmt,
            "-g", str(p.fps * 2), "-bf", "2", "-r", str(p.fps)]


def audio_args(p: Platform) -> list[str]:
    return ["-c:a", p.audio_codec, "-b:a", p.audio_bitrate, "-ar", str(p.audio_rate), "-ac", "2"]


def rate(value: str) -> float:
    """An ffmpeg rate ("10M", "800k", "2500000") in bits per second."""
    v = value.strip()
    scale = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "g": 1e9, "G": 1e9}.get(v[-1:], 1)
    return float(v[:-1] if scale != 1 else v) * scale


def encode(frames: Iterable[np.ndarray], p: Platform, duration: float, target: Path,
           audio: Optional[Path] = None, draft: bool = False, on_frame=None, staging: Optional[Staging] = None) -> None:
    """Pipe RGB frames to ffmpeg; mux `audio` (or silence) into `target`: written atomically, or staged in
    `staging` to be published with other files."""
    with contextlib.nullcontext(staging.path(target)) if staging else atomic_path(target) as tmp:
        encode_many(frames, [(p, tmp, audio)], duration, draft=draft, on_frame=on_frame, names=[target])


# Frames become yuv420p by swscale itself (pixels.planes), with the ffmpeg command line's default
# bicubic chroma filter: the very bytes ffmpeg would make of the RGB frame (tests/test_speed.py).
# The chroma filter reaches 4 pixels: a rectangle is converted with MARGIN pixels of its surroundings
# so it matches the whole frame's conversion, and a change is rewritten MARGIN pixels beyond itself
# (the chroma there read the changed pixels).
MARGIN = 8


def yuv420(rgb: np.ndarray, out: Optional[np.ndarray] = None, box: Optional[tuple[int, int, int, int]] = None) -> np.ndarray:
    """An RGB frame (even size) as planar yuv420p bytes (Y, then U, then V), as ffmpeg converts it.
    With `out` and `box` (x0, y0, x1, y1, even), only that rectangle of `out` is written."""
    h, w = rgb.shape[:2]
    if out is None:
        out = np.empty(h * w * 3 // 2, np.uint8)
    x0, y0, x1, y1 = box or (0, 0, w, h)
    ex0, ey0, ex1, ey1 = max(0, x0 - MARGIN), max(0, y0 - MARGIN), min(w, x1 + MARGIN), min(h, y1 + MARGIN)
    for k, (plane, part) in enumerate(zip(split(out, w, h), planes(rgb[ey0:ey1, ex0:ex1]))):
        d = 1 if k == 0 else 2
        plane[y0 // d:y1 // d, x0 // d:x1 // d] = part[(y0 - ey0) // d:(y1 - ey0) // d, (x0 - ex0) // d:(x1 - ex0) // d]
    return out


def changed_box(frame: np.ndarray, prev: np.ndarray) -> Optional[tuple[int, int, int, int]]:
    """The smallest even-aligned rectangle (x0, y0, x1, y1) outside which `frame` equals `prev`; None if equal."""
    h, w = frame.shape[:2]
    if (frame[0] != prev[0]).any() and (frame[-1] != prev[-1]).any() \
            and (frame[:, 0] != prev[:, 0]).any() and (frame[:, -1] != prev[:, -1]).any():
        return (0, 0, w, h)         # a moving background: everything changed, no need to look closer
    diff = frame.reshape(h, -1) != prev.reshape(h, -1)
    rows = np.flatnonzero(diff.any(axis=1))
    if not rows.size:
        return None
    y0, y1 = int(rows[0]) & ~1, min(h, (int(rows[-1]) + 2) & ~1)
    cols = np.flatnonzero(np.logical_or.reduce(diff[y0:y1], axis=0).reshape(w, -1).any(axis=1))
    return (int(cols[0]) & ~1, y0, min(w, (int(cols[-1]) + 2) & ~1), y1)


class Pan:
    """A window of a larger RGB image, `big[y:y + h, x:x + w]` (a drifting background's gradient): its
    yuv420p is cut from big's own conversion, done once per parity of (x, y), instead of converted."""

    __slots__ = ("big", "x", "y", "w", "h")

    def __init__(self, big: np.ndarray, x: int, y: int, w: int, h: int):
        self.big, self.x, self.y, self.w, self.h = big, x, y, w, h

    def window(self) -> np.ndarray:
        return self.big[self.y:self.y + self.h, self.x:self.x + self.w]


class Converted:
    """A w×h frame made in yuv420p (a zoom's step scaled in it, a composite blended in it, a transition
    mixed on its planes): the encoder takes `yuv` as it is, and its RGB is made from that only if something
    asks for it (`rgb`, `as_rgb`): drawing on it, a transition, a cover picture."""

    __slots__ = ("yuv", "w", "h", "_rgb")

    def __init__(self, yuv: np.ndarray, w: int, h: int):
        self.yuv, self.w, self.h, self._rgb = yuv, w, h, None

    @property
    def shape(self) -> tuple[int, int, int]:
        """The RGB frame's shape, as an array's."""
        return (self.h, self.w, 3)

    @property
    def rgb(self) -> "DrawnOver":
        """The RGB frame (made once), marked as drawn over this conversion with nothing drawn on it."""
        if self._rgb is None:
            self._rgb = drawn(rgb_of(self.yuv, self.w, self.h), self, ())
        return self._rgb


def as_rgb(frame) -> np.ndarray:
    """A frame of the compositor as an RGB array (a Converted one's RGB made from its YUV)."""
    return frame.rgb if isinstance(frame, Converted) else frame


class DrawnOver(np.ndarray):
    """An RGB frame that says how it was drawn: equal to `under` (an RGB array, a Pan or a Converted) outside the
    rectangles `rects` (x0, y0, x1, y1). YuvFrames converts only those rectangles, over under's
    conversion. Arrays derived from it (copies, slices, arithmetic) say nothing: `under` is None."""

    under = None
    rects: tuple = ()

    def __array_finalize__(self, obj) -> None:
        self.under, self.rects = None, ()


def drawn(frame: np.ndarray, under, rects) -> DrawnOver:
    """`frame` (not to be modified afterwards) marked as `under` but for `rects` (None items skipped)."""
    out = frame.view(DrawnOver)
    out.under, out.rects = under, tuple(r for r in rects if r is not None)
    return out


def grown(box: tuple[int, int, int, int], w: int, h: int) -> tuple[int, int, int, int]:
    """A changed rectangle, even-aligned and grown by MARGIN: the pixels whose conversion it reaches."""
    x0, y0, x1, y1 = box
    return (max(0, (x0 & ~1) - MARGIN), max(0, (y0 & ~1) - MARGIN),
            min(w, ((x1 + 1) & ~1) + MARGIN), min(h, ((y1 + 1) & ~1) + MARGIN))


def merged_rects(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Rectangles, two merged into their bounding box wherever it is no larger than the two apart: an
    overlap (a shape under a headline) is converted once, and one call costs less than two."""
    boxes = list(boxes)
    area = lambda b: (b[2] - b[0]) * (b[3] - b[1])
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                u = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                if area(u) <= area(a) + area(b):
                    boxes[i], merged = u, True
                    del boxes[j]
                    break
            if merged:
                break
    return boxes



class YuvFrames:
    """RGB frames → yuv420p buffers, converting only what changed: a frame that is an array already
    converted (the compositor's cached still composites, reused while nothing moves) costs nothing; a
    frame that says how it was drawn (`DrawnOver`) starts from the conversion of what it was drawn over and
    converts only the rectangles drawn on; any other frame is compared with the previous one and only
    the rectangle that changed is converted. Buffers once returned are never modified."""

    def __init__(self, keep: int = 6):
        self.keep = keep
        self.known: list[tuple[np.ndarray, np.ndarray]] = []     # (frame, its yuv), most recent last
        self.prev: Optional[tuple[np.ndarray, np.ndarray]] = None
        self._phases: tuple = (None, {})                         # (big, {(x & 1, y & 1): its planes})

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if isinstance(frame, Converted):
            return frame.yuv
        yuv = self._known(frame)
        if yuv is None:
            yuv = self._drawn(frame) if getattr(frame, "under", None) is not None else self._compared(frame)
            self.known.append((frame, yuv))
            del self.known[:-self.keep]
        self.prev = (frame, yuv)
        return yuv

    def _known(self, frame: np.ndarray) -> Optional[np.ndarray]:
        """The conversion of this very array if it is remembered (and it becomes the most recent)."""
        for k, (f, yuv) in enumerate(self.known):
            if f is frame:
                self.known.append(self.known.pop(k))
                return yuv
        return None

    def _compared(self, frame: np.ndarray) -> np.ndarray:
        if self.prev is None or self.prev[0].shape != frame.shape:
            return yuv420(frame)
        pf, pyuv = self.prev
        box = changed_box(frame, pf)
        return pyuv if box is None else yuv420(frame, pyuv.copy(), grown(box, frame.shape[1], frame.shape[0]))

    def _drawn(self, frame: DrawnOver) -> np.ndarray:
        h, w = frame.shape[:2]
        rects = list(frame.rects)
        yuv = self.of(frame.under)
        if rects and not isinstance(frame.under, Pan):     # a pan's is new
            yuv = yuv.copy()
        for box in merged_rects([grown(r, w, h) for r in rects]):
            yuv420(frame, yuv, box)
        return yuv

    def of(self, under) -> np.ndarray:
        """The yuv420p of what a frame is drawn over: an RGB frame, a Pan (a new array) or a Converted
        frame. Not to be modified, but for a Pan's."""
        if isinstance(under, Pan):
            return self._pan(under)
        return self(under)

    def _pan(self, pan: Pan) -> np.ndarray:
        """The window's yuv420p, each plane cut from the big image's conversion at the window's parity (the
        chroma of a 2×2 block depends on where the blocks start). Only the chroma of the window's outer
        MARGIN pixels can differ from converting the window alone, which repeats the window's edge where
        this reads the gradient beyond it: by at most a level on a smooth gradient (tests/test_render_speed.py)."""
        big, phases = self._phases
        if big is not pan.big:
            big, phases = pan.big, {}
            self._phases = (big, phases)
        px, py = pan.x & 1, pan.y & 1
        if (px, py) not in phases:
            bh, bw = big.shape[:2]
            phases[(px, py)] = planes(big[py:py + ((bh - py) & ~1), px:px + ((bw - px) & ~1)])
        w, h, x, y = pan.w, pan.h, pan.x - px, pan.y - py
        out = np.empty(h * w * 3 // 2, np.uint8)
        for k, (plane, part) in enumerate(zip(split(out, w, h), phases[(px, py)])):
            d = 1 if k == 0 else 2
            plane[...] = part[y // d:(y + h) // d, x // d:(x + w) // d]
        return out


def pipe_format(p: Platform) -> str:
    """What frames go to ffmpeg as: yuv420p converted here (the default), or rgb24 when the output is not
    yuv420p, the size is odd, or REELFORGE_PIPE=rgb asks for the former path."""
    if os.environ.get("REELFORGE_PIPE", "yuv") == "rgb" or p.pix_fmt != "yuv420p" or p.width % 2 or p.height % 2:
        return "rgb24"
    return "yuv420p"


def _command(p: Platform, duration: float, tmp: Path, audio: Optional[Path], draft: bool, fmt: str) -> list[str]:
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
           "-f", "rawvideo", "-pix_fmt", fmt, "-s", f"{p.width}x{p.height}", "-r", str(p.fps), "-i", "-"]
    if audio is not None:
        cmd += ["-i", str(audio)]
    else:
        cmd += ["-f", "lavfi", "-i", f"anullsrc=r={p.audio_rate}:cl=stereo"]
    return cmd + ["-map", "0:v", "-map", "1:a", *video_args(p, draft), *audio_args(p), "-t", f"{duration:.3f}",
                  "-movflags", "+faststart", "-f", "mp4", str(tmp)]


def converter(platforms: Iterable[Platform]) -> Optional["YuvFrames"]:
    """The yuv420p conversion for an encode to all these platforms; None if frames go as RGB (pipe_format)."""
    return YuvFrames() if all(pipe_format(p) == "yuv420p" for p in platforms) else None


def encode_many(frames: Iterable[np.ndarray], jobs: list[tuple[Platform, Path, Optional[Path]]], duration: float,
                draft: bool = False, on_frame=None, names: Optional[list[Path]] = None,
                convert: Optional["YuvFrames"] = None) -> None:
    """One stream of frames (drawn once) into one ffmpeg per (platform, file, audio) of `jobs`: the frames
    must suit every platform (same size and rate). `names` (the files' final paths) appear in errors.
    `convert`: the conversion the compositor shares (`converter`), else one is made here."""
    names = names or [tmp for _, tmp, _ in jobs]
    convert = convert or converter(p for p, _, _ in jobs)
    fmt = "yuv420p" if convert is not None else "rgb24"
    procs = []
    try:
        for p, tmp, audio in jobs:
            procs.append(subprocess.Popen(_command(p, duration, tmp, audio, draft, fmt), stdin=subprocess.PIPE,
                                          stderr=subprocess.PIPE, preexec_fn=die_with_parent))
        capacity = min(_widen(proc.stdin) for proc in procs)
        # YuvFrames' buffers are never modified once made: they are spliced into the pipes by reference
        # and each is kept alive (`held`) until newer frames have filled the pipes, by then read by ffmpeg
        splice = _VMSPLICE if convert is not None else None
        held: collections.deque = collections.deque()
        k = 0
        try:
            last = None
            for frame in frames:
                # the same array as the previous frame (nothing moved) is written without a new copy
                if last is not None and last[0] is frame:
                    buf = last[1]
                elif convert is not None:
                    buf = memoryview(convert(frame)).cast("B")
                else:
                    buf = memoryview(np.ascontiguousarray(frame)).cast("B")
                for k, proc in enumerate(procs):
                    if splice is not None:
                        splice(proc.stdin.fileno(), buf)
                    else:
                        proc.stdin.write(buf)
                if splice is not None:
                    held.append(buf)
                    while sum(b.nbytes for b in held) - held[0].nbytes >= capacity:
                        held.popleft()
                last = (frame, buf)
                if on_frame:
                    on_frame()
        except BrokenPipeError:
            err = procs[k].stderr.read().decode("utf-8", "replace")
            procs[k].wait()
            raise _ffmpeg_error(names[k], err, "ffmpeg stopped", lambda e: e[-300:]) from None
        for proc in procs:
            proc.stdin.close()
        for k, proc in enumerate(procs):
            err = proc.stderr.read().decode("utf-8", "replace")
            if proc.wait() != 0:
                raise _ffmpeg_error(names[k], err, "ffmpeg failed", lambda e: e.splitlines()[-1])
    except BaseException:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        raise


def _widen(pipe) -> int:
    """The pipe's buffer as large as the system allows (Linux: 1 MB by default, not 64 KB): a frame then
    crosses in a few writes instead of fifty, each waking ffmpeg. -> the pipe's capacity in bytes."""
    import fcntl
    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        return fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), limit)
    except (OSError, ValueError):
        return 1 << 20      # another system, or a limit lowered: the default buffer, at most this


def _vmsplice():
    """`splice(fd, buffer)`: the buffer's pages put in the pipe `fd` by reference (Linux vmsplice through
    ctypes), not copied into it; ffmpeg's read copies them out, one copy a frame instead of two. The buffer
    must stay alive and unmodified until read. None where libc has no vmsplice."""
    import ctypes
    fn = _libc("vmsplice")
    if fn is None:
        return None

    class IoVec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    fn.argtypes = [ctypes.c_int, ctypes.POINTER(IoVec), ctypes.c_ulong, ctypes.c_uint]
    fn.restype = ctypes.c_ssize_t

    def splice(fd: int, buf: memoryview) -> None:
        addr, n = np.frombuffer(buf, np.uint8).ctypes.data, buf.nbytes
        while n:
            done = fn(fd, ctypes.byref(IoVec(addr, n)), 1, 0)
            if done < 0:
                code = ctypes.get_errno()
                if code == errno.EINTR:
                    continue
                raise OSError(code, os.strerror(code))      # EPIPE: a BrokenPipeError, as a write's
            addr, n = addr + done, n - done
    return splice


_VMSPLICE = _vmsplice() if sys.platform.startswith("linux") else None


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
