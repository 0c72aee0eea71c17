"""Can a file be used? Every asset a render opens is opened (images decoded, fonts loaded, video and
audio probed with ffmpeg) at load time, so that a damaged asset is a located validation error, not a
failure halfway through a render. Each check returns None, or why the file cannot be used."""
from __future__ import annotations

import subprocess
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Optional

from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, ImageFont

from ..errors import ReelforgeError, display
from ..ffmpeg import ffmpeg_exe
from . import limits


def image_problem(path: Path) -> Optional[str]:
    """The image opens, is at most limits.IMAGE_PIXELS, and decodes whole."""
    return _image_problem(Path(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=256)         # an image used in many scenes is decoded once
def _image_problem(path: Path, mtime: int) -> Optional[str]:
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


def video_problem(path: Path) -> Optional[str]:
    """ffmpeg finds a video stream and decodes its first frame."""
    return _probe(Path(path), "v", "video", "re-export it as H.264 MP4")


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


def font_problem(path: Path) -> Optional[str]:
    try:
        with open(path, "rb") as fh:      # a file object: Pillow must not fall back to a system font
            ImageFont.truetype(fh, 12)
        with TTFont(str(path), lazy=True) as font:
            font.getBestCmap()
        return None
    except (OSError, TTLibError, AssertionError, KeyError) as exc:
        return f"cannot read the font {display(path)} ({exc}); use a TrueType/OpenType file"
