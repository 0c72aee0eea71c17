"""Can a file be used? Images and fonts are opened once at load time, so that a damaged asset is a
located validation error, not a failure halfway through a render."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, ImageFont

from ..errors import display


def image_problem(path: Path) -> Optional[str]:
    try:
        with Image.open(path) as img:
            img.verify()
        return None
    except Exception as exc:  # Pillow raises many types for damaged files
        return f"cannot read the image {display(path)} ({type(exc).__name__}: {exc}); re-export it as PNG or JPEG"


def font_problem(path: Path) -> Optional[str]:
    try:
        with open(path, "rb") as fh:      # a file object: Pillow must not fall back to a system font
            ImageFont.truetype(fh, 12)
        with TTFont(str(path), lazy=True) as font:
            font.getBestCmap()
        return None
    except (OSError, TTLibError, AssertionError, KeyError) as exc:
        return f"cannot read the font {display(path)} ({exc}); use a TrueType/OpenType file"
