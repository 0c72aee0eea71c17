"""logo-clear-space: nothing drawn inside the clear space around the corner logo."""
from __future__ import annotations

import numpy as np

from ..errors import Problem
from ..layers import logo_box


class LogoClearSpace:
    name = "logo-clear-space"
    settings: dict = {}

    def check(self, ctx):
        box = logo_box(ctx.timeline)
        if box is None:
            return
        lx, ly, lw, lh = box
        pad = round(lh * ctx.timeline.brand.logo.clear_space)
        zx0, zy0, zx1, zy1 = lx - pad, ly - pad, lx + lw + pad, ly + lh + pad
        for drawer in ctx.scenes:
            if any(item.kind == "logo" for item in drawer.st.items):      # a logo element replaces the corner logo
                continue
            for layer in drawer.layers:
                c = layer.content
                if layer.item.kind == "logo" or layer.item.name == "logo" or not hasattr(c, "sprite"):
                    continue
                ys, xs = np.nonzero(c.sprite.rgba[..., 3] > 40)
                if xs.size == 0:
                    continue
                ix0, iy0, ix1, iy1 = c.x + xs.min(), c.y + ys.min(), c.x + xs.max(), c.y + ys.max()
                if ix0 < zx1 and ix1 > zx0 and iy0 < zy1 and iy1 > zy0:
                    yield Problem(ctx.file, drawer.st.scene.line, 1, f"{ctx.where(drawer.st)}.{layer.item.name}",
                                  "overlaps the logo's clear space")


RULE = LogoClearSpace()
