"""Limits on what reelforge reads, each declared once here and named in the error that enforces it.

Input over a limit is a located error (exit 2), found before any expensive work; input under every
limit validates in seconds. `read_capped` is the one way a YAML document is read: regular files
only (never a FIFO, device or socket), never more than the limit.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

YAML_BYTES = 1_000_000          # one YAML document: script, template, brand kit, voice profile
YAML_VALUES = 50_000            # values in one document with its aliases expanded (stops "billion laughs")
SCENES = 200                    # scenes in one script
SAY_CHARS = 2_000               # one voiceover text, per language, after {var} substitution
TEXT_CHARS = 500                # any other text (on screen, names, paths), per language, after substitution
VAR_REFS = 1_000                # {var} references in one document
NUMBER = 1_000_000              # the largest magnitude of any number
BOX_MIN = 0.5                   # a box's least width and height, percent of the safe area
ASSET_BYTES = 1 << 30           # one asset file: image, font, video, audio (1 GiB)
IMAGE_PIXELS = 80_000_000       # one image's width × height
PROBE_SECONDS = 20              # ffmpeg's time to open a video or audio file and decode its first frames


def size(n: int) -> str:
    """1_000_000 -> '1 MB', 1 << 30 -> '1 GiB': a limit as people read it."""
    if n >= 1 << 30 and n % (1 << 30) == 0:
        return f"{n >> 30} GiB"
    return f"{n / 1e6:g} MB" if n >= 1_000_000 else f"{n / 1e3:g} KB"


def read_capped(path: Path | str, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file (a longer result means: over the limit). Raises
    IsADirectoryError for a folder, OSError for a FIFO, device or socket, without blocking or reading it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))     # a FIFO must not block the open
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(0, "not a regular file (a FIFO, device or socket); reelforge reads only files", str(path))
        return fh.read(limit + 1)
