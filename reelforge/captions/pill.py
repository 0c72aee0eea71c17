"""`style: pill`: a few words at a time (as karaoke); a rounded box in the brand's pill colour glides
behind the spoken word, which is drawn in the pill's ink. Right to left in Arabic: the words' boxes are
in reading order, so the pill follows the reading direction.

Also the shared machinery of the animated styles (pop.py, bounce.py): one caption item per event
(`options: {caption: <style>, bounds: per-word (start, end) from the event's start}`), drawn by a
moving source whose frames are cached per (spoken word, animation step), so a word at rest costs a
blend and no drawing. A frame is layered sprites (`layers.Sprites`): the event's box and each word's lit
text are made once, and only what moves (the pill, a scaled or raised word) is new at each step. Options
come from the brand kit's `captions: {pill: ..., pop: ..., bounce: ...}`, a template's `captions: {pop:
..., bounce: ...}` motion over them (timeline.caption_options).
"""
from __future__ import annotations

import math
from dataclasses import replace

from PIL import Image, ImageDraw

from ..language import has_arabic
from ..layers import Sprite, Sprites, union
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
    """A caption event as a moving source: `frame(t)` (t from the event's start) -> Sprites, the parts
    `draw(k, step)` lists on a canvas of `size`."""
    steps = 6

    def __init__(self, item: Item, timeline, opts=None):
        from ..layers import fonts_of, px_style
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
        self._parts: dict[object, tuple] = {}        # sprites for the event's life: its box, words' lit text

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

    def part(self, key, make) -> tuple:
        """A (Sprite, x, y) kept for the event's life, made by make() -> (RGBA image, (x, y))."""
        if key not in self._parts:
            image, (x, y) = make()
            self._parts[key] = (Sprite.from_image(image), x, y)
        return self._parts[key]

    def back_part(self) -> tuple:
        return self.part("back", lambda: (self.back.image, self.at_back))

    def lit_part(self, k: int, color) -> tuple:
        return self.part(("lit", k, color), lambda: (self.lit(k, color), self.at_bare))

    def word_rect(self, k: int) -> tuple[int, int, int, int]:
        """Word k's rectangle in the bare text's pixels, with room for its stroke and marks (clipped to the
        text): what a moving or recoloured word is cut from."""
        x0, y0, x1, y1 = self.word_box(k)
        e = max(2, int((y1 - y0) * 0.12))
        ax, ay = self.at_bare
        w, h = self.bare.image.size
        return (max(0, math.floor(x0 - ax) - 1), max(0, math.floor(y0 - ay) - e),
                min(w, math.ceil(x1 - ax) + 1), min(h, math.ceil(y1 - ay) + e))

    def rest_part(self, rect: tuple[int, int, int, int]) -> tuple:
        """The bare text without the pixels of `rect` (a word, or two, drawn on their own)."""
        def make():
            out = self.bare.image.copy()
            ImageDraw.Draw(out).rectangle((rect[0], rect[1], rect[2] - 1, rect[3] - 1), fill=(0, 0, 0, 0))
            return out, self.at_bare
        return self.part(("rest", rect), make)

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
            self._frames[key] = Sprites(*self.size, self.draw(k, step))
        return self._frames[key]

    def step(self, k: int, u: float) -> int:
        return 0

    def draw(self, k: int, step: int) -> list[tuple]:
        """The parts (Sprite, x, y) of word k's frame at animation step `step`, bottom first."""
        raise NotImplementedError

    def close(self) -> None:
        self._frames.clear()
        self._lit.clear()
        self._parts.clear()


def ease(q: float) -> float:
    return 1 - (1 - q) ** 3


class PillSource(Source):
    name = "pill"
    steps = 5

    def step(self, k, u):
        return self.steps if k == 0 else min(self.steps, int(u / GLIDE * self.steps))

    def draw(self, k, step):
        g = ease(step / self.steps)
        a, b = self.word_box(max(0, k - 1)), self.word_box(k)
        if abs(a[1] - b[1]) > 2:        # another line: no glide across lines
            a = b
        x0, y0, x1, y1 = (u + (v - u) * g for u, v in zip(a, b))
        pad = self.opts.get("padding", 0.5) * self.short / 100
        radius = self.opts.get("radius", 1.2) * self.short / 100
        color = self.rgba(self.opts.get("color", "accent"))
        ox, oy = math.floor(x0 - pad), math.floor(y0 - pad * 0.6)      # whole pixels: drawn as on the canvas
        pill = Image.new("RGBA", (math.ceil(x1 + pad) - ox + 1, math.ceil(y1 + pad * 0.6) - oy + 1), (0, 0, 0, 0))
        ImageDraw.Draw(pill).rounded_rectangle((x0 - pad - ox, y0 - pad * 0.6 - oy, x1 + pad - ox, y1 + pad * 0.6 - oy),
                                               radius=radius, fill=color)
        parts = [self.back_part(), (Sprite.from_image(pill), ox, oy)]
        ink = self.rgba(self.opts.get("ink", "dark"))
        if step < self.steps:       # gliding: the words it leaves and reaches take its ink only where it is
            words = [k - 1, k] if k > 0 and a is not b else [k]
            rects = [self.word_rect(j) for j in words]
            r = union(rects)
            if r[0] < r[2] and r[1] < r[3]:
                inked = self.bare.image.crop(r)
                for j, q in zip(words, rects):
                    inked.paste(self.lit(j, ink).crop(q), (q[0] - r[0], q[1] - r[1]))
                mx, my = self.at_bare[0] + r[0], self.at_bare[1] + r[1]     # the rectangle's corner on the canvas
                mask = Image.new("L", inked.size, 0)
                mask.paste(pill.getchannel("A"), (ox - mx, oy - my))       # the pill's own pixels
                word = Image.composite(inked, self.bare.image.crop(r), mask)
                return parts + [self.rest_part(r), (Sprite.from_image(word), mx, my)]
        return parts + [self.lit_part(k, ink)]        # the pill holds the whole word


class Pill(Animated):
    name = "pill"

    def source(self, item, timeline):
        return PillSource(item, timeline)


def moved_word(src: Source, k: int, scale: float, dy: float) -> list[tuple]:
    """The event's parts with the spoken word in the highlight colour, scaled about its centre and raised by
    dy px: the box, the lit text without the word, the word (the lit text whole when it does not move)."""
    bx = src.word_rect(k)
    if scale == 1 and dy == 0 or bx[2] <= bx[0] or bx[3] <= bx[1]:
        return [src.back_part(), src.lit_part(k, src.highlight)]
    word = src.lit(k, src.highlight).crop(bx)
    w, h = word.size
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != (w, h):
        word = word.resize((nw, nh), Image.BILINEAR)
    x = src.at_bare[0] + bx[0] - (nw - w) // 2
    y = src.at_bare[1] + bx[1] - (nh - h) // 2 - round(dy)
    return [src.back_part(), src.rest_part(bx), (Sprite.from_image(word), max(0, x), max(0, y))]


STYLE = Pill()
