"""Animation presets and easing curves: a layer's pose as a function of its progress 0→1.

A preset never sees absolute time: the timeline hands it the progress through the enter (or exit)
window. "start" means where reading starts: the right edge in Arabic, the left edge in French.

An enter/exit animation (`animate: {in: ..., out: ...}`) is found through the `reelforge.animations`
registry: an object with `name`, `easing` (a name of EASINGS) and `pose(q, rtl) -> Pose`, the pose at
eased progress q, where q = 1 is at rest (exits run q from 1 down to 0). `Preset` builds one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .registry import ANIMATIONS


@dataclass(frozen=True)
class Pose:
    dx: float = 0.0      # offset in shares of the frame width
    dy: float = 0.0      # offset in shares of the frame height
    scale: float = 1.0
    alpha: float = 1.0
    reveal: float = 1.0  # share of the words shown (word-by-word reveal)
    kinetic: str = ""    # a word-by-word preset (rise, pop-words, slide-words, sweep, underline): posed per word
    q: float = 1.0       # kinetic: progress through the enter window (each word takes its share in reading order)
    rtl: bool = False    # kinetic: the reading direction (words slide in from the reading start)


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


@dataclass(frozen=True)
class Preset:
    """An enter/exit animation: its easing, and its pose at eased progress q (q = 1: at rest)."""
    name: str
    easing: str
    pose: Callable[[float, bool], Pose]


NONE = Preset("none", "linear", lambda q, rtl: REST)
FADE = Preset("fade", "ease-out", lambda q, rtl: Pose(alpha=q))
SLIDE_START = Preset("slide-start", "ease-out", _slide(-0.25, 0))     # comes in from the reading start
SLIDE_END = Preset("slide-end", "ease-out", _slide(0.25, 0))
SLIDE_UP = Preset("slide-up", "ease-out", _slide(0, 0.08))
SLIDE_DOWN = Preset("slide-down", "ease-out", _slide(0, -0.08))
POP = Preset("pop", "back-out", lambda q, rtl: Pose(scale=0.6 + 0.4 * q, alpha=min(1.0, q * 3)))
WORDS = Preset("words", "linear", lambda q, rtl: Pose(reveal=q))


def _kinetic(name: str):
    return lambda q, rtl: Pose(kinetic=name, q=q, rtl=rtl)


# kinetic typography: whole words move one after the other in reading order, never letters (Arabic
# joining holds on every frame); compose.posed() moves each word's pixels (the text's word boxes)
RISE = Preset("rise", "linear", _kinetic("rise"))                 # words rise into place one after another
POP_WORDS = Preset("pop-words", "linear", _kinetic("pop-words"))  # each word pops (overshoot) in turn
SLIDE_WORDS = Preset("slide-words", "linear", _kinetic("slide-words"))   # from the reading start, in turn
SWEEP = Preset("sweep", "linear", _kinetic("sweep"))              # words rise, then an accent box sweeps behind the key word
UNDERLINE = Preset("underline", "linear", _kinetic("underline"))  # words rise, then an accent underline draws on
DECORATED = ("sweep", "underline")     # their rest pose keeps the decoration


def stagger(q: float, i: int, n: int) -> float:
    """Word i of n's own progress (0→1) at overall progress q: words start in reading order, overlapping."""
    if n <= 1:
        return min(1.0, max(0.0, q))
    d = min(0.22, 0.6 / (n - 1))
    span = 1 - d * (n - 1)
    return min(1.0, max(0.0, (q - d * i) / span))


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
    animation = ANIMATIONS[preset]
    eased = EASINGS[animation.easing](min(1.0, max(0.0, progress)))
    return animation.pose(eased if entering else 1 - eased, rtl)
