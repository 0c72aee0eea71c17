"""The ffmpeg binary shipped by imageio-ffmpeg (libx264, aac, libass, loudnorm, ebur128 are in it)."""
from __future__ import annotations

import subprocess
from functools import lru_cache


@lru_cache(maxsize=None)
def ffmpeg_exe() -> str:
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


@lru_cache(maxsize=None)
def version() -> str:
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True, text=True, check=True)
    return out.stdout.split("\n", 1)[0].replace(" Copyright", "").split(" (c)")[0]
