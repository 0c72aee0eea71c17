"""Scene transitions: how the outgoing and incoming frames combine at progress 0→1.

A transition (`transition: fade`) is found through the `reelforge.transitions` registry: an object
with `name` and `__call__(a, b, p, rtl) -> frame`, where `a` is the outgoing scene's frame and `b` the
incoming one (both H×W×3 uint8, not to be modified; either may be returned as is), `p` the progress
0→1 through the transition window and `rtl` whether the video reads right to left. `Transition`
builds one from a function. `cut` has no window: the scenes just change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from PIL import Image

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
    h, w = a.shape[:2]
    z = 1 + 0.25 * EASINGS["ease-in"](p)
    cw, ch = int(w / z), int(h / z)
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    grown = np.asarray(Image.fromarray(a[y0:y0 + ch, x0:x0 + cw]).resize((w, h), Image.BILINEAR))
    return _fade(grown, b, p, rtl)


@dataclass(frozen=True)
class Transition:
    name: str
    blend: Callable[[np.ndarray, np.ndarray, float, bool], np.ndarray]

    def __call__(self, a: np.ndarray, b: np.ndarray, p: float, rtl: bool) -> np.ndarray:
        return self.blend(a, b, p, rtl)


CUT = Transition("cut", _cut)
FADE = Transition("fade", _fade)
SLIDE = Transition("slide", _slide)
WIPE = Transition("wipe", _wipe)
ZOOM = Transition("zoom", _zoom)
