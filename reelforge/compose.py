"""The frame loop: draw a Timeline frame by frame, re-blending only what moves.

Each scene's sprites are rasterised once (layers.py). Layers at rest are blended onto the
background once and that composite is reused until the set of resting layers changes; a frame
where nothing moves is the cached array itself. Moving layers (enter/exit animations, word
reveals, videos) are blended on a copy. A layer's content is a Placed sprite, or a moving source
redrawn every frame: its `.frame(t)` is opaque RGB pasted at `.origin` (a video), or RGBA (an array or
a Sprite) blended there and animated like a sprite (a Lottie animation, a counter).
"""
from __future__ import annotations

import math
from typing import Iterator, Optional

import numpy as np
from PIL import Image

from .animation import REST, Pose, keyframed, pose
from .layers import Background, Placed, Sprite, placed_item, place_logo
from .model import Animation
from .registry import TRANSITIONS
from .timeline import Item, SceneTime, Timeline


class Layer:
    def __init__(self, item: Item, content, rtl: bool):
        self.item, self.content, self.rtl = item, content, rtl
        a = item.animate
        self.enter_end = item.start + (a.duration if a.enter != "none" else 0)
        self.exit_start = item.end - (a.duration if a.exit != "none" else 0)

    def visible(self, t: float) -> bool:
        return self.item.start <= t < self.item.end

    def moving(self, t: float) -> bool:
        keys = self.item.animate.keyframes
        return not isinstance(self.content, Placed) or t < self.enter_end or t >= self.exit_start \
            or (bool(keys) and t - self.item.start < keys[-1].at)

    def pose(self, t: float) -> Pose:
        a = self.item.animate
        if a.keyframes:
            k = keyframed(a.keyframes, t - self.item.start)
            base = pose(a.enter, (t - self.item.start) / a.duration, self.rtl) if t < self.enter_end else REST
            return Pose(k.dx + base.dx, k.dy + base.dy, k.scale * base.scale, k.alpha * base.alpha, base.reveal)
        if t < self.enter_end:
            return pose(a.enter, (t - self.item.start) / a.duration, self.rtl, entering=True)
        if t >= self.exit_start:
            return pose(a.exit, (t - self.exit_start) / a.duration, self.rtl, entering=False)
        return REST

    def draw(self, frame: np.ndarray, t: float, at_rest: bool = False) -> None:
        c = self.content
        if not isinstance(c, Placed):
            out = c.frame(t - self.item.start)
            if not isinstance(out, Sprite) and out.shape[2] == 3:
                paste(frame, out, *c.origin)            # opaque RGB (a video): pasted as is
                return
            c = Placed(out if isinstance(out, Sprite) else Sprite(out), *c.origin)   # RGBA: blended and posed
        p = self.pose(t) if not at_rest or self.item.animate.keyframes else REST
        if p == REST:
            c.sprite.blend(frame, c.x, c.y)
            return
        sprite, x, y = posed(c, p)
        h, w = frame.shape[:2]
        sprite.blend(frame, x + round(p.dx * w), y + round(p.dy * h))


def paste(frame: np.ndarray, rgb: np.ndarray, x: int, y: int) -> None:
    fh, fw = frame.shape[:2]
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, fw), min(y + h, fh)
    if x0 < x1 and y0 < y1:
        frame[y0:y1, x0:x1] = rgb[y0 - y:y1 - y, x0 - x:x1 - x]


def posed(c: Placed, p: Pose) -> tuple[Sprite, int, int]:
    """The sprite transformed by a pose (reveal, scale, opacity), and its new top-left corner."""
    rgba, x, y = c.sprite.rgba, c.x, c.y
    if p.alpha <= 0 or p.reveal <= 0:
        return Sprite(np.zeros((1, 1, 4), np.uint8)), x, y
    if p.reveal < 1 and c.word_boxes:
        shown = math.ceil(p.reveal * len(c.word_boxes))
        mask = np.zeros(rgba.shape[:2], bool)
        for x0, y0, x1, y1 in c.word_boxes[:shown]:
            mask[max(0, int(y0)):int(math.ceil(y1)), max(0, int(x0)):int(math.ceil(x1))] = True
        rgba = rgba.copy()
        rgba[..., 3] *= mask
    if abs(p.scale - 1) > 1e-3:
        h, w = rgba.shape[:2]
        nw, nh = max(1, round(w * p.scale)), max(1, round(h * p.scale))
        rgba = np.asarray(Image.fromarray(rgba).resize((nw, nh), Image.BILINEAR))
        x, y = x + (w - nw) // 2, y + (h - nh) // 2
    if p.alpha < 1:
        rgba = rgba.copy()
        rgba[..., 3] = (rgba[..., 3] * p.alpha).astype(np.uint8)
    return Sprite(rgba), x, y


class SceneDrawer:
    """Draws one scene at any scene-local time."""

    def __init__(self, timeline: Timeline, st: SceneTime, extra_layers=()):
        self.st = st
        self.bg = Background(st, timeline)
        where = f"scenes[{st.index}] ({st.scene.id})"
        self.layers = [Layer(item, placed_item(item, timeline, f"{where}.{item.name}", self.bg.still), timeline.rtl)
                       for item in st.items]
        self.layers += list(extra_layers)
        shows_logo = any(item.kind == "logo" for item in st.items)      # a logo element replaces the corner logo
        logo = None if shows_logo else place_logo(timeline, self.bg.still)
        if logo is not None:
            item = Item("logo", (logo.x, logo.y, logo.sprite.w, logo.sprite.h), 0.0, st.duration + 1,
                        Animation("none", "none", 0.0), name="logo")
            self.layers.append(Layer(item, logo, timeline.rtl))
        self._key: Optional[tuple] = None
        self._bg_seen: Optional[np.ndarray] = None
        self._base: Optional[np.ndarray] = None

    def frame(self, t: float) -> np.ndarray:
        visible = [(i, layer) for i, layer in enumerate(self.layers) if layer.visible(t)]
        resting = tuple(i for i, layer in visible if not layer.moving(t))
        moving = [layer for i, layer in visible if layer.moving(t)]
        background = self.bg.frame(t)        # the same array for as long as the background holds still
        if background is not self._bg_seen or resting != self._key:
            base = background.copy()
            for i in resting:
                self.layers[i].draw(base, t, at_rest=True)
            self._bg_seen, self._key, self._base = background, resting, base
        if not moving:
            return self._base
        frame = self._base.copy()
        for layer in moving:
            layer.draw(frame, t)
        return frame

    def close(self) -> None:
        self.bg.close()
        for layer in self.layers:
            if not isinstance(layer.content, Placed):
                layer.content.close()


class Compositor:
    """Frames of a whole timeline, with transitions; holds at most two scenes' sprites at a time."""

    def __init__(self, timeline: Timeline, extra_layers=None):
        self.tl = timeline
        self.extra = extra_layers or (lambda st: ())
        self._drawers: dict[int, SceneDrawer] = {}

    def drawer(self, i: int) -> SceneDrawer:
        if i not in self._drawers:
            for k in [k for k in self._drawers if k < i - 1]:
                self._drawers.pop(k).close()
            st = self.tl.scenes[i]
            self._drawers[i] = SceneDrawer(self.tl, st, self.extra(st))
        return self._drawers[i]

    def _local(self, i: int, t: float) -> np.ndarray:
        st = self.tl.scenes[i]
        return self.drawer(i).frame(min(max(0.0, t - st.start), st.duration - 1e-6))

    def frame_at(self, t: float) -> np.ndarray:
        scenes = self.tl.scenes
        i = next((k for k, s in enumerate(scenes) if t < s.end), len(scenes) - 1)
        for a, b in ((i, i + 1), (i - 1, i)):
            if a < 0 or b >= len(scenes):
                continue
            tr = scenes[a].transition
            edge = scenes[a].end
            if tr.duration > 0 and tr.name != "cut" and edge - tr.duration / 2 <= t < edge + tr.duration / 2:
                p = (t - (edge - tr.duration / 2)) / tr.duration
                return TRANSITIONS[tr.name](self._local(a, t), self._local(b, t), p, self.tl.rtl)
        return self._local(i, t)

    def frames(self) -> Iterator[np.ndarray]:
        fps = self.tl.platform.fps
        for k in range(self.frame_count()):
            yield self.frame_at(k / fps)

    def frame_count(self) -> int:
        return max(1, round(self.tl.duration * self.tl.platform.fps))

    def close(self) -> None:
        for d in self._drawers.values():
            d.close()
        self._drawers.clear()
