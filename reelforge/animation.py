"""Animation presets and easing curves: a layer's pose as a function of its progress 0→1.

A preset never sees absolute time: the timeline hands it the progress through the enter (or exit)
window. "start" means where reading starts: the right edge in Arabic, the left edge in French.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pose:
    dx: float = 0.0      # offset in shares of the frame width
    dy: float = 0.0      # offset in shares of the frame height
    scale: float = 1.0
    alpha: float = 1.0
    reveal: float = 1.0  # share of the words shown (word-by-word reveal)


REST = Pose()

EASINGS = {
    "linear": lambda t: t,
    "ease-in": lambda t: t * t * t,
    "ease-out": lambda t: 1 - (1 - t) ** 3,
    "ease-in-out": lambda t: 4 * t ** 3 if t < 0.5 else 1 - (-2 * t + 2) ** 3 / 2,
    "back-out": lambda t: 1 + 2.70158 * (t - 1) ** 3 + 1.70158 * (t - 1) ** 2,
}


def _slide(sx: float, sy: float):
    return lambda q, rtl: Pose(dx=sx * (1 - q) * (-1 if rtl else 1), dy=sy * (1 - q), alpha=min(1.0, q * 2))


# preset -> (easing, pose at eased progress q where q=1 is at rest)
PRESETS = {
    "none": ("linear", lambda q, rtl: REST),
    "fade": ("ease-out", lambda q, rtl: Pose(alpha=q)),
    "slide-start": ("ease-out", _slide(-0.25, 0)),   # comes in from the reading start
    "slide-end": ("ease-out", _slide(0.25, 0)),
    "slide-up": ("ease-out", _slide(0, 0.08)),
    "slide-down": ("ease-out", _slide(0, -0.08)),
    "pop": ("back-out", lambda q, rtl: Pose(scale=0.6 + 0.4 * q, alpha=min(1.0, q * 3))),
    "words": ("linear", lambda q, rtl: Pose(reveal=q)),
}


def keyframed(frames, t: float) -> Pose:
    """Pose at `t` seconds into an item from its keyframes (held before the first and after the last)."""
    if t <= frames[0].at:
        k = frames[0]
        return Pose(k.x / 100, k.y / 100, k.scale, k.opacity)
    for a, b in zip(frames, frames[1:]):
        if t < b.at:
            q = EASINGS[b.ease]((t - a.at) / (b.at - a.at))
            mix = lambda u, v: u + (v - u) * q
            return Pose(mix(a.x, b.x) / 100, mix(a.y, b.y) / 100, mix(a.scale, b.scale), mix(a.opacity, b.opacity))
    k = frames[-1]
    return Pose(k.x / 100, k.y / 100, k.scale, k.opacity)


def pose(preset: str, progress: float, rtl: bool, entering: bool = True) -> Pose:
    """Pose of a layer `progress` (0→1) through its enter window, or through its exit window."""
    ease, fn = PRESETS[preset]
    p = min(1.0, max(0.0, progress))
    q = EASINGS[ease](p) if entering else 1 - EASINGS[ease](p)
    return fn(q, rtl)
