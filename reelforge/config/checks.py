"""Can a file be used? Every asset a render opens is opened (images decoded, fonts loaded, video and
audio probed with ffmpeg) at load time, so that a damaged asset is a located validation error, not a
failure halfway through a render. Each check returns None, or why the file cannot be used."""
from __future__ import annotations

import functools
import subprocess
import warnings
from pathlib import Path
from typing import Callable, Optional

from PIL import Image, ImageFont

from ..errors import ReelforgeError, display
from ..ffmpeg import ffmpeg_exe
from ..memo import Memo, file_id
from . import limits

_CLEAN = Memo("probes")      # file identity -> it was probed clean (a problem is found again, with its message)


def remembered(kind: str) -> Callable:
    """A check whose success is remembered per file identity, in this process and the next: a file that
    probed clean is not decoded again until it changes (validate, preview and every build worker open
    the same assets)."""
    def wrap(check):
        @functools.wraps(check)
        def run(path) -> Optional[str]:
            ident = file_id(path)
            key = f"{kind}|{ident}"
            if ident and _CLEAN.get(key):
                return None
            problem = check(Path(path))
            if problem is None and ident:
                _CLEAN.put(key, True)
            return problem
        return run
    return wrap


@remembered(f"image<={limits.IMAGE_PIXELS}")
def image_problem(path: Path) -> Optional[str]:
    """The image opens, is at most limits.IMAGE_PIXELS, and decodes whole."""
    too_big = f"the limit is {limits.IMAGE_PIXELS / 1e6:.0f} megapixels; scale it down"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)     # the size is checked here
            with Image.open(path) as img:
                w, h = img.size
                if w * h > limits.IMAGE_PIXELS:
                    return f"the image {display(path)} is {w}×{h} pixels ({w * h / 1e6:.0f} megapixels); {too_big}"
                img.load()
        return None
    except Image.DecompressionBombError:
        return f"the image {display(path)} has more than {2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels; {too_big}"
    except Exception as exc:  # Pillow raises many types for damaged files
        return f"cannot read the image {display(path)} ({type(exc).__name__}: {exc}); re-export it as PNG or JPEG"


@remembered(f"video<{limits.PROBE_SECONDS}s")
def video_problem(path: Path) -> Optional[str]:
    """ffmpeg finds a video stream and decodes its first frame."""
    return _probe(Path(path), "v", "video", "re-export it as H.264 MP4")


@remembered(f"audio<{limits.PROBE_SECONDS}s")
def audio_problem(path: Path) -> Optional[str]:
    """ffmpeg finds an audio stream and decodes its first second."""
    return _probe(Path(path), "a", "audio", "re-export it as WAV or MP3")


def _probe(path: Path, stream: str, what: str, remedy: str) -> Optional[str]:
    from ..media import input_args     # the one place that restricts what ffmpeg may read
    try:
        args = input_args(path)
    except ReelforgeError as exc:
        return f"{display(path)}: " + str(exc.problems[0]).split(": ", 1)[-1]
    take = ["-frames:v", "1"] if stream == "v" else ["-t", "1"]
    cmd = [ffmpeg_exe(), "-hide_banner", "-v", "error", "-nostdin", *args, "-map", f"0:{stream}:0", *take,
           "-f", "null", "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=limits.PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return (f"cannot read the {what} {display(path)}: ffmpeg did not open it within {limits.PROBE_SECONDS} s; "
                f"{remedy}")
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        why = why[-1][:160] if why else f"no {what} stream"
        if "matches no streams" in why:
            why = f"no {what} stream"
        return f"cannot read the {what} {display(path)} ({why}); {remedy}"
    return None


@remembered("font")
def font_problem(path: Path) -> Optional[str]:
    from fontTools.ttLib import TTFont, TTLibError      # 15 ms to import, and rarely needed: a font probes clean once
    try:
        with open(path, "rb") as fh:      # a file object: Pillow must not fall back to a system font
            ImageFont.truetype(fh, 12)
        with TTFont(str(path), lazy=True) as font:
            font.getBestCmap()
        return None
    except (OSError, TTLibError, AssertionError, KeyError) as exc:
        return f"cannot read the font {display(path)} ({exc}); use a TrueType/OpenType file"
