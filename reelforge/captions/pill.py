"""`style: pill`: a few words at a time (as karaoke); a rounded box in the brand's pill colour glides
behind the spoken word, which is drawn in the pill's ink. Right to left in Arabic: the words' boxes are
in reading order, so the pill follows the reading direction.

Also the shared machinery of the animated styles (pop.py, bounce.py): one caption item per event
(`options: {caption: <style>, bounds: per-word (start, end) from the event's start}`), drawn by a
moving source whose frames are cached per (spoken word, animation step), so a word at rest costs a
blend and no drawing. Options come from the brand kit's `captions: {pill: ..., pop: ..., bounce: ...}`, a template's
`captions: {pop: ..., bounce: ...}` motion over them (timeline.caption_options).
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw

from ..language import has_arabic
from ..model import frozen_map
from ..text import clean, render_text
from ..timeline import Item, caption_options
from .karaoke import STILL, Karaoke

GLIDE = 0.14          # seconds for the pill to move from one word to the next
CACHE = 24            # frames kept per event


def word_bounds(event) -> tuple:
    """(start, end) of each spoken word, seconds from the event's start (as karaoke's highlight)."""
    bounds = [event.start]
    for w in event.words[1:]:
        bounds.append(min(event.end, max(bounds[-1], w.start)))
    bounds.append(event.end)
    return tuple((a - event.start, b - event.start) for a, b in zip(bounds, bounds[1:]))


class Animated(Karaoke):
    """Karaoke segmentation; one item per event, drawn by `Source` subclasses."""
    name = ""

    def items(self, event, box, style):
        return [Item("caption", box, event.start, event.end, STILL, text=event.text, style=style, name="captions",
                     options=frozen_map({"caption": self.name, "bounds": word_bounds(event)}))]

    def place(self, item, timeline):
        return self.source(item, timeline)


class Source:
    """A caption event as a moving source: `frame(t)` (t from the event's start) -> Sprite."""
    steps = 6

    def __init__(self, item: Item, timeline, opts=None):
        from ..layers import Sprite, fonts_of, px_style
        self._sprite = Sprite
        brand, p = timeline.brand, timeline.platform
        self.short = min(p.width, p.height)
        self.opts = dict(opts if opts is not None else caption_options(timeline.script, self.name))
        self.px = px_style(item.style, brand, self.short, item.align)
        self.text = clean(item.text, timeline.script.digits)
        self.fonts, self.lang = fonts_of(brand), timeline.lang
        self.direction = "rtl" if timeline.rtl and has_arabic(self.text) else None
        self.box_wh = item.box[2:]
        self.bounds = item.options.get("bounds") or ((0.0, item.end - item.start),)
        self.rgba = brand.rgba
        self.highlight = brand.rgba(brand.caption_highlight)
        clear = (0, 0, 0, 0)
        self.back = self._render(replace(self.px, color=clear, stroke_px=0, shadow_color=None))
        self.bare = self._render(replace(self.px, box_color=None))
        m = int(self.bare.size_px * 0.9)
        x0 = min(self.back.offset[0], self.bare.offset[0]) - m
        y0 = min(self.back.offset[1], self.bare.offset[1]) - m
        x1 = max(self.back.offset[0] + self.back.image.width, self.bare.offset[0] + self.bare.image.width) + m
        y1 = max(self.back.offset[1] + self.back.image.height, self.bare.offset[1] + self.bare.image.height) + m
        self.size = (x1 - x0, y1 - y0)
        self.at_back = (self.back.offset[0] - x0, self.back.offset[1] - y0)
        self.at_bare = (self.bare.offset[0] - x0, self.bare.offset[1] - y0)
        self.origin = (item.box[0] + x0, item.box[1] + y0)
        self._lit: dict[int, Image.Image] = {}
        self._frames: dict[tuple, object] = {}

    def _render(self, style, highlight=None):
        return render_text(self.text, self.fonts, style, *self.box_wh, direction=self.direction,
                           highlight=highlight, lang=self.lang)

    def lit(self, k: int, color) -> Image.Image:
        """The bare text with word k in `color`."""
        if k not in self._lit:
            self._lit[k] = self._render(replace(self.px, box_color=None), (k, color)).image
        return self._lit[k]

    def word_box(self, k: int) -> tuple[float, float, float, float]:
        """Word k's box on the canvas."""
        boxes = self.bare.word_boxes
        x0, y0, x1, y1 = boxes[min(k, len(boxes) - 1)]
        return (x0 + self.at_bare[0], y0 + self.at_bare[1], x1 + self.at_bare[0], y1 + self.at_bare[1])

    def canvas(self) -> Image.Image:
        out = Image.new("RGBA", self.size, (0, 0, 0, 0))
        out.alpha_composite(self.back.image, self.at_back)
        return out

    def frame(self, t: float):
        k = 0
        for i, (a, _) in enumerate(self.bounds):
            if t >= a:
                k = i
        u = max(0.0, t - self.bounds[k][0])
        step = self.step(k, u)
        key = (k, step)
        if key not in self._frames:
            if len(self._frames) >= CACHE:
                self._frames.pop(next(iter(self._frames)))
            self._frames[key] = self._sprite(np.asarray(self.draw(k, step)))
        return self._frames[key]

    def step(self, k: int, u: float) -> int:
        return 0

    def draw(self, k: int, step: int) -> Image.Image:
        raise NotImplementedError

    def close(self) -> None:
        self._frames.clear()
        self._lit.clear()


def ease(q: float) -> float:
    return 1 - (1 - q) ** 3


class PillSource(Source):
    name = "pill"
    steps = 5

    def step(self, k, u):
        return self.steps if k == 0 else min(self.steps, int(u / GLIDE * self.steps))

    def draw(self, k, step):
        out = self.canvas()
        g = ease(step / self.steps)
        a, b = self.word_box(max(0, k - 1)), self.word_box(k)
        if abs(a[1] - b[1]) > 2:        # another line: no glide across lines
            a = b
        x0, y0, x1, y1 = (u + (v - u) * g for u, v in zip(a, b))
        pad = self.opts.get("padding", 0.5) * self.short / 100
        radius = self.opts.get("radius", 1.2) * self.short / 100
        color = self.rgba(self.opts.get("color", "accent"))
        ImageDraw.Draw(out).rounded_rectangle((x0 - pad, y0 - pad * 0.6, x1 + pad, y1 + pad * 0.6),
                                              radius=radius, fill=color)
        out.alpha_composite(self.lit(k, self.rgba(self.opts.get("ink", "dark"))), self.at_bare)
        return out


class Pill(Animated):
    name = "pill"

    def source(self, item, timeline):
        return PillSource(item, timeline)


def moved_word(src: Source, k: int, scale: float, dy: float) -> Image.Image:
    """The event with the spoken word in the highlight colour, scaled about its centre and raised by dy px."""
    out = src.canvas()
    lit = src.lit(k, src.highlight)
    x0, y0, x1, y1 = src.word_box(k)
    e = max(2, int((y1 - y0) * 0.12))
    bx = (int(math.floor(x0 - src.at_bare[0])) - 1, int(math.floor(y0 - src.at_bare[1])) - e,
          int(math.ceil(x1 - src.at_bare[0])) + 1, int(math.ceil(y1 - src.at_bare[1])) + e)
    bx = (max(0, bx[0]), max(0, bx[1]), min(lit.width, bx[2]), min(lit.height, bx[3]))
    if scale == 1 and dy == 0 or bx[2] <= bx[0] or bx[3] <= bx[1]:
        out.alpha_composite(lit, src.at_bare)
        return out
    word = lit.crop(bx)
    rest = lit.copy()
    ImageDraw.Draw(rest).rectangle((bx[0], bx[1], bx[2] - 1, bx[3] - 1), fill=(0, 0, 0, 0))
    out.alpha_composite(rest, src.at_bare)
    w, h = word.size
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != (w, h):
        word = word.resize((nw, nh), Image.BILINEAR)
    x = src.at_bare[0] + bx[0] - (nw - w) // 2
    y = src.at_bare[1] + bx[1] - (nh - h) // 2 - round(dy)
    out.alpha_composite(word, (max(0, x), max(0, y)))
    return out


STYLE = Pill()
