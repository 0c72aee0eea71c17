"""contrast: each text (slots, text elements, counters on their final number, captions) against the pixels
actually behind its glyphs, and each line and progress bar against what is behind it (WCAG contrast
ratio; graphics need the large-text ratio, as WCAG 1.4.11 asks of non-text marks)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..errors import Problem


def luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float32) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722], np.float32)


def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """WCAG contrast ratio of two arrays of RGB colours, from 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


TEXTS = ("text", "caption", "counter")
GRAPHICS = ("line", "progress")          # non-text marks: WCAG 1.4.11, the large-text ratio (3:1)


def drawn(layer, t: float):
    """(RGBA pixels, x, y) of a layer at scene time t: its still sprite, or its moving source's frame."""
    c = layer.content
    if hasattr(c, "sprite"):
        return c.sprite.rgba, c.x, c.y
    out = c.frame(t - layer.item.start)
    return (out.rgba if hasattr(out, "rgba") else out), *c.origin


def behind_text(drawer, i: int, t: float, brand) -> Optional[float]:
    """Contrast of layer i's colour (its text style's, or a line's or progress bar's `color`) against
    what is behind its drawn pixels at time t (5th percentile)."""
    layer = drawer.layers[i]
    rgba, x, y = drawn(layer, t)
    behind = drawer.bg.frame(t).copy()
    for other in drawer.layers[:i]:
        if other.visible(t):
            other.draw(behind, t, at_rest=True)
    h, w = behind.shape[:2]
    ys, xs = np.nonzero(rgba[..., 3] > 128)
    ys, xs = ys + y, xs + x
    keep = (ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)
    if not keep.any():
        return None
    pixels = behind[ys[keep], xs[keep]].astype(np.float32)
    if layer.item.kind in GRAPHICS:
        return float(np.percentile(ratio(pixels, np.array(brand.rgba(layer.item.color)[:3], np.float32)), 5))
    style = layer.item.style
    if style.box_color:                     # a box under the text: that is the background
        r, g, b, a = brand.rgba(style.box_color)
        pixels = pixels * (1 - a / 255) + np.array([r, g, b], np.float32) * (a / 255)
    elif style.stroke_width > 0:            # an outline separates the glyphs from anything behind
        pixels = np.tile(np.array(brand.rgba(style.stroke_color)[:3], np.float32), (len(pixels), 1))
    colors = [brand.rgba(style.color)[:3]]
    if layer.item.highlight is not None and not layer.item.options.get("marker"):   # a bullet's marker: decoration
        colors.append(brand.rgba(brand.caption_highlight)[:3])
    return min(float(np.percentile(ratio(pixels, np.array(col, np.float32)), 5)) for col in colors)


class Contrast:
    name = "contrast"
    settings = {"contrast_body": 4.5, "contrast_large": 3.0, "large_text": 6.0}

    def check(self, ctx):
        s = ctx.settings
        for drawer in ctx.scenes:
            st = drawer.st
            for i, layer in enumerate(drawer.layers):
                item = layer.item
                if item.kind not in TEXTS + GRAPHICS or (item.kind in ("text", "caption")
                                                          and not hasattr(layer.content, "sprite")):
                    continue
                settled = item.start + item.animate.duration + 0.05          # once the enter animation is over
                if item.kind == "caption":
                    settled = max(settled, (item.start + item.end) / 2)
                elif item.kind == "counter":                                 # on its final number
                    settled = max(settled, item.start + layer.content.seconds + 0.05)
                elif item.kind == "progress":                                # well filled
                    settled = max(settled, item.end - 0.05)
                t = min(item.end - 1e-3, st.duration - 1e-3, settled)
                found = behind_text(drawer, i, t, ctx.timeline.brand)
                if item.kind in GRAPHICS:
                    need = s["contrast_large"]
                    if found is not None and found < need:
                        yield Problem(ctx.file, st.scene.line, 1, f"{ctx.where(st)}.{item.name}",
                                      f"{item.kind} colour {item.color} has contrast {found:.1f}:1 against the "
                                      f"pixels behind it; a graphic needs {need:g}:1")
                    continue
                large = item.kind in ("text", "counter") and item.style.size >= s["large_text"]
                need = s["contrast_large"] if large else s["contrast_body"]
                if found is not None and found < need:
                    yield Problem(ctx.file, st.scene.line, 1, f"{ctx.where(st)}.{item.name}",
                                  f"text contrast {found:.1f}:1 against the pixels behind it; "
                                  f"needs {need:g}:1 (style '{item.style.name}')")


RULE = Contrast()
