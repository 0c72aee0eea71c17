"""safe-area: text, captions, logos, images and the animated elements (svg, line, lottie, progress,
counter) inside the part of the frame the platform's interface leaves free."""
from __future__ import annotations

from ..errors import Problem
from .contrast import drawn

SLACK = 2                                    # pixels of rounding tolerated
MOVING = ("lottie", "progress", "counter")    # moving sources: checked on their last frame
KINDS = ("text", "caption", "logo", "image", "svg", "line") + MOVING


class SafeArea:
    name = "safe-area"
    settings: dict = {}

    def check(self, ctx):
        p = ctx.timeline.platform
        x0, y0, x1, y1 = p.safe_box
        for drawer in ctx.scenes:
            for layer in drawer.layers:
                c, kind = layer.content, layer.item.kind
                if kind not in KINDS:
                    continue
                if hasattr(c, "sprite"):
                    bx0, by0, bx1, by1 = c.x, c.y, c.x + c.sprite.w, c.y + c.sprite.h
                elif kind in MOVING:            # redrawn every frame: as it ends (a counter on its number)
                    item = layer.item
                    rgba, x, y = drawn(layer, item.end - 1e-3)
                    bx0, by0, bx1, by1 = x, y, x + rgba.shape[1], y + rgba.shape[0]
                else:
                    continue
                if bx0 < x0 - SLACK or by0 < y0 - SLACK or bx1 > x1 + SLACK or by1 > y1 + SLACK:
                    yield Problem(ctx.file, drawer.st.scene.line, 1, f"{ctx.where(drawer.st)}.{layer.item.name}",
                                  f"drawn at ({bx0},{by0})-({bx1},{by1}), outside the safe area "
                                  f"({x0},{y0})-({x1},{y1}) that {p.name}'s interface leaves free")


RULE = SafeArea()
