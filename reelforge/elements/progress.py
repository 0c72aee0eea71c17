"""`type: progress`: a bar that fills as the video (or the scene) plays, in the reading direction.

    {type: progress, of: video, box: [0, 98, 100, 1.2], color: accent, track: "#FFFFFF40"}

It fills its box (rounded ends), from the right in Arabic; `track` is the empty part's colour.
"""
import numpy as np
from PIL import Image, ImageDraw

from ..config.options import Choice, Colour, Schema
from ..layers import Sprite
from . import ElementKind


class ProgressSource:
    """A moving source: `frame(t)` -> the bar as a Sprite at t seconds into the element."""

    def __init__(self, box, color, track, start: float, length: float, rtl: bool):
        x, y, self.w, self.h = box
        self.origin = (x, y)
        self.start, self.length, self.rtl = start, max(length, 1e-6), rtl
        shape = Image.new("L", (self.w, self.h), 0)
        ImageDraw.Draw(shape).rounded_rectangle((0, 0, self.w - 1, self.h - 1), radius=self.h // 2, fill=255)
        self.mask = np.asarray(shape)
        self.color, self.track = np.array(color, np.uint8), np.array(track, np.uint8)
        self._last = (None, None)

    def frame(self, t: float) -> Sprite:
        filled = round(self.w * min(1.0, max(0.0, (self.start + t) / self.length)))
        if self._last[0] != filled:
            rgba = np.empty((self.h, self.w, 4), np.uint8)
            rgba[...] = self.track
            if self.rtl:
                rgba[:, self.w - filled:] = self.color
            else:
                rgba[:, :filled] = self.color
            rgba[..., 3] = (rgba[..., 3].astype(np.uint16) * self.mask // 255).astype(np.uint8)
            self._last = (filled, Sprite(rgba))
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
