"""`type: line`: a line or underline that draws itself on in the reading direction.

    {type: line, box: [10, 40, 80, 2], color: accent, thickness: 0.8, animate: {duration: 0.8}}

A horizontal line through the middle of a wide box (vertical in a tall one), `thickness` in percent
of the frame's short side. With `draw: true` (the default) it draws on over its enter duration: the
sprite is cut into slices that the `words` reveal shows one after another (right to left in Arabic),
so it stays a still sprite, cached and blended like any other once drawn.
"""
from dataclasses import replace

from PIL import Image, ImageDraw

from ..config.options import Bool, Colour, Number, Schema
from ..layers import Placed, Sprite
from . import ElementKind

SLICES = 64


class LineElement(ElementKind):
    name = "line"
    options = Schema({
        "color": Colour("accent"),
        "thickness": Number(0.05, 20, 0.8, help="in percent of the frame's short side"),
        "round": Bool(True, help="rounded ends"),
        "draw": Bool(True, help="draw on in the reading direction over the enter duration (replaces `animate.in`)"),
    })

    def items(self, element, ctx):
        item = ctx.item(element)
        if element.draw:
            item = replace(item, animate=replace(item.animate, enter="words"))
        return [item]

    def place(self, item, timeline, where, background):
        x, y, w, h = item.box
        p = timeline.platform
        thick = max(1, round(min(p.width, p.height) * item.thickness / 100))
        vertical = h > w
        lw, lh = (min(thick, w), h) if vertical else (w, min(thick, h))
        img = Image.new("RGBA", (lw, lh), (0, 0, 0, 0))
        radius = min(lw, lh) // 2 if item.round else 0
        ImageDraw.Draw(img).rounded_rectangle((0, 0, lw - 1, lh - 1), radius=radius, fill=timeline.brand.rgba(item.color))
        n = min(SLICES, lh if vertical else lw)
        if vertical:
            slices = tuple((0, lh * k / n, lw, lh * (k + 1) / n) for k in range(n))
        else:
            slices = tuple((lw * k / n, 0, lw * (k + 1) / n, lh) for k in range(n))
            if timeline.rtl:
                slices = slices[::-1]
        return Placed(Sprite.from_image(img), x + (w - lw) // 2, y + (h - lh) // 2, slices)


ELEMENT = LineElement()
