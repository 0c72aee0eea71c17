"""Stream frames into ffmpeg (libx264 + AAC, faststart) and write files atomically.

Every output is written under a temporary name in its own folder and renamed when complete, so an
interrupted or failed render never leaves a half file nor replaces an earlier good one.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from .errors import RenderError, display
from .ffmpeg import ffmpeg_exe
from .platforms import Platform


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; rename it to `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".partial{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(target: Path, data: bytes | str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def video_args(p: Platform, draft: bool) -> list[str]:
    """x264 settings from the platform profile (draft: fast preset, lower quality)."""
    return ["-c:v", "libx264", "-preset", "veryfast" if draft else "medium", "-crf", str(p.crf + (6 if draft else 0)),
            "-maxrate", p.maxrate, "-bufsize", p.bufsize, "-profile:v", p.profile, "-pix_fmt", p.pix_fmt,
            "-g", str(p.fps * 2), "-bf", "2", "-r", str(p.fps)]


def audio_args(p: Platform) -> list[str]:
    return ["-c:a", p.audio_codec, "-b:a", p.audio_bitrate, "-ar", str(p.audio_rate), "-ac", "2"]


def encode(frames: Iterable[np.ndarray], p: Platform, duration: float, target: Path,
           audio: Optional[Path] = None, draft: bool = False, on_frame=None) -> None:
    """Pipe RGB frames to ffmpeg; mux `audio` (or silence) and write `target` atomically."""
    with atomic_path(target) as tmp:
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{p.width}x{p.height}", "-r", str(p.fps), "-i", "-"]
        if audio is not None:
            cmd += ["-i", str(audio)]
        else:
            cmd += ["-f", "lavfi", "-i", f"anullsrc=r={p.audio_rate}:cl=stereo"]
        cmd += ["-map", "0:v", "-map", "1:a", *video_args(p, draft), *audio_args(p), "-t", f"{duration:.3f}",
                "-movflags", "+faststart", "-f", "mp4", str(tmp)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
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
                raise RenderError(f"{display(target)}:1:1: ffmpeg failed: {err.strip().splitlines()[-1] if err.strip() else 'unknown error'}")
        except BrokenPipeError:
            err = proc.stderr.read().decode("utf-8", "replace")
            proc.wait()
            raise RenderError(f"{display(target)}:1:1: ffmpeg stopped: {err.strip()[-300:]}") from None
        except BaseException:
            proc.kill()
            proc.wait()
            raise


def write_jpeg(frame: np.ndarray, target: Path, quality: int = 90) -> None:
    from PIL import Image
    with atomic_path(target) as tmp:
        Image.fromarray(frame).save(tmp, "JPEG", quality=quality, optimize=True)


def probe(path: Path) -> dict:
    """Stream facts of a media file from `ffmpeg -i` (no ffprobe is shipped with imageio-ffmpeg)."""
    import re
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    info: dict = {}
    if m := re.search(r"Duration: (\d+):(\d+):([\d.]+)", out):
        info["duration"] = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    if m := re.search(r"Video: (\w+)(?: \((\w[^)]*)\))?.*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)", out):
        info.update(vcodec=m[1], profile=(m[2] or "").lower(), pix_fmt=m[3], width=int(m[4]), height=int(m[5]))
    if m := re.search(r"([\d.]+) fps", out):
        info["fps"] = float(m[1])
    if m := re.search(r"Audio: (\w+).*?, (\d+) Hz, (\w+)", out):
        info.update(acodec=m[1], sample_rate=int(m[2]), channels=m[3])
    return info
