"""Scene transitions: how the outgoing and incoming frames combine at progress 0→1."""
from __future__ import annotations

import numpy as np

from .animation import EASINGS


def _cut(a, b, p, rtl):
    return b


def _fade(a, b, p, rtl):
    w = int(round(p * 256))
    return ((a.astype(np.uint16) * (256 - w) + b.astype(np.uint16) * w) >> 8).astype(np.uint8)


def _slide(a, b, p, rtl):
    """The new scene pushes the old one out, towards the reading direction's end."""
    h, w = a.shape[:2]
    s = int(round(EASINGS["ease-in-out"](p) * w))
    out = np.empty_like(a)
    if rtl:   # Arabic reads right to left: the new scene enters from the left
        out[:, s:] = a[:, : w - s]
        out[:, :s] = b[:, w - s:]
    else:
        out[:, : w - s] = a[:, s:]
        out[:, w - s:] = b[:, :s]
    return out


def _wipe(a, b, p, rtl):
    h, w = a.shape[:2]
    s = int(round(EASINGS["ease-in-out"](p) * w))
    out = a.copy()
    if rtl:
        out[:, w - s:] = b[:, w - s:]
    else:
        out[:, :s] = b[:, :s]
    return out


def _zoom(a, b, p, rtl):
    """The old scene grows and fades into the new one."""
    from PIL import Image
    h, w = a.shape[:2]
    z = 1 + 0.25 * EASINGS["ease-in"](p)
    cw, ch = int(w / z), int(h / z)
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    grown = np.asarray(Image.fromarray(a[y0:y0 + ch, x0:x0 + cw]).resize((w, h), Image.BILINEAR))
    return _fade(grown, b, p, rtl)


TRANSITIONS = {"cut": _cut, "fade": _fade, "slide": _slide, "wipe": _wipe, "zoom": _zoom}
