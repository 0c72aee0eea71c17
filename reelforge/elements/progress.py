"""`type: progress`: a bar that fills as the video (or the scene) plays, in the reading direction.

    {type: progress, of: video, box: [0, 98, 100, 1.2], color: accent, track: "#FFFFFF40"}

It fills its box (rounded ends), from the right in Arabic; `track` is the empty part's colour.
"""
import numpy as np
from PIL import Image, ImageDraw

from ..config.options import Choice, Colour, Schema
from ..layers import Cut, Sprite, Sprites
from . import ElementKind


class ProgressSource:
    """A moving source: `frame(t)` -> the bar at t seconds into the element: its filled part cut from the
    whole bar in the fill colour, the rest from the whole bar in the track's (layers.Cut), both prepared
    once, so a bar that grows by a pixel a frame prepares nothing new. The edge moves by pairs of pixels
    (a 1080 px bar over 30 s moves 1.2 px a frame)."""

    def __init__(self, box, color, track, start: float, length: float, rtl: bool):
        x, y, self.w, self.h = box
        self.origin = (x, y)
        self.start, self.length, self.rtl = start, max(length, 1e-6), rtl
        shape = Image.new("L", (self.w, self.h), 0)
        ImageDraw.Draw(shape).rounded_rectangle((0, 0, self.w - 1, self.h - 1), radius=self.h // 2, fill=255)
        mask = np.asarray(shape)
        self.fill, self.empty = (self._bar(mask, np.array(c, np.uint8)) for c in (color, track))
        self._last = (None, None)

    def _bar(self, mask: np.ndarray, color: np.ndarray) -> Sprite:
        rgba = np.empty((self.h, self.w, 4), np.uint8)
        rgba[...] = color
        rgba[..., 3] = (rgba[..., 3].astype(np.uint16) * mask // 255).astype(np.uint8)
        return Sprite(rgba)

    def frame(self, t: float) -> Sprites:
        filled = self.w * min(1.0, max(0.0, (self.start + t) / self.length))
        edge = self.w - filled if self.rtl else filled              # the fill grows from the reading start
        # on an even column of the frame: the encoder's chroma blocks (2 px) fall on either side of it
        edge = min(self.w, max(0, 2 * round((self.origin[0] + edge) / 2) - self.origin[0]))
        if self._last[0] != edge:
            left, right = (self.empty, self.fill) if self.rtl else (self.fill, self.empty)
            parts = [(Cut(left, (0, 0, edge, self.h)), 0, 0), (Cut(right, (edge, 0, self.w, self.h)), 0, 0)]
            self._last = (edge, Sprites(self.w, self.h, parts))
        return self._last[1]

    def close(self) -> None:
        self._last = (None, None)


class ProgressElement(ElementKind):
    name = "progress"
    options = Schema({
        "of": Choice(("video", "scene"), "video", help="what the bar measures"),
        "color": Colour("accent", help="the filled part"),
        "track": Colour("#FFFFFF40", help="the empty part"),
    })

    def place(self, item, timeline, where, background):
        scene = next((s for s in timeline.scenes if any(i is item for i in s.items)), None)
        if scene is None:                   # drawn outside a timeline's scenes (a lone preview of the item)
            start, length = item.start, max(item.end - item.start, 1e-6)
        elif item.of == "video":
            start, length = scene.start + item.start, timeline.duration
        else:
            start, length = item.start, scene.duration
        brand = timeline.brand
        return ProgressSource(item.box, brand.rgba(item.color), brand.rgba(item.track), start, length, timeline.rtl)


ELEMENT = ProgressElement()
