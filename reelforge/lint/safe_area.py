"""safe-area: text, captions, logos and images inside the part of the frame the platform's interface leaves free."""
from __future__ import annotations

from ..errors import Problem

SLACK = 2                                    # pixels of rounding tolerated


class SafeArea:
    name = "safe-area"
    settings: dict = {}

    def check(self, ctx):
        p = ctx.timeline.platform
        x0, y0, x1, y1 = p.safe_box
        for drawer in ctx.scenes:
            for layer in drawer.layers:
                c = layer.content
                if layer.item.kind not in ("text", "caption", "logo", "image") or not hasattr(c, "sprite"):
                    continue
                bx0, by0, bx1, by1 = c.x, c.y, c.x + c.sprite.w, c.y + c.sprite.h
                if bx0 < x0 - SLACK or by0 < y0 - SLACK or bx1 > x1 + SLACK or by1 > y1 + SLACK:
                    yield Problem(ctx.file, drawer.st.scene.line, 1, f"{ctx.where(drawer.st)}.{layer.item.name}",
                                  f"drawn at ({bx0},{by0})-({bx1},{by1}), outside the safe area "
                                  f"({x0},{y0})-({x1},{y1}) that {p.name}'s interface leaves free")


RULE = SafeArea()
