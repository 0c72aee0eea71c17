"""Brand and accessibility rules, checked on the resolved timelines and on rendered pixels.

Each finding is one line, `file:line:1: where: rule: what`. Thresholds live in the brand kit
(`lint:`), where a brand manager may also turn a rule off with a reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .errors import display
from .model import Script
from .platforms import registry
from .render import platform_for, rhythm
from .timeline import Timeline, build

RULES = ("contrast", "safe-area", "reading-speed", "line-length", "rhythm", "off-palette", "logo-clear-space",
         "text-size", "end-card", "duration")
DEFAULTS = {"contrast_body": 4.5, "contrast_large": 3.0, "large_text": 6.0, "min_text_size": 2.8,
            "rhythm_share": 0.4}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    where: str
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:1: {self.where}: {self.rule}: {self.what}"


def luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float32) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722], np.float32)


def contrast(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def config(script: Script) -> tuple[dict, dict]:
    cfg = dict(DEFAULTS)
    cfg.update({k: v for k, v in script.brand.lint.items() if k in DEFAULTS})
    return cfg, dict(script.brand.lint.get("off", {}))


def lint(script: Script, lines=None) -> list[Finding]:
    """Every finding for every language and distinct platform frame of the script."""
    cfg, off = config(script)
    file = display(script.path)
    out: list[Finding] = []
    seen_shapes = set()
    for lang in script.languages:
        for name in script.platforms:
            p = registry()[name]
            tl = build(script, lang, platform_for(name, False), (lines or {}).get(lang))
            if tl.duration > p.max_duration:
                out.append(Finding(file, 1, "scenes", "duration", f"{lang} lasts {tl.duration:.1f} s; "
                                   f"{name} allows {p.max_duration:g} s"))
            shape = (lang, p.width, p.height, p.safe_box)
            if shape in seen_shapes:
                continue
            seen_shapes.add(shape)
            out += frame_findings(tl, cfg, file)
            out += caption_findings(tl, file)
    out += identity_findings(script, file, cfg)
    for i, what in rhythm(script, lines or {}, cfg["rhythm_share"]):
        scene = script.scenes[i]
        out.append(Finding(file, scene.line, f"scenes[{i}] ({scene.id})", "rhythm", what))
    unique = sorted(set(out), key=lambda f: (f.line, f.where, f.rule, f.what))
    return [f for f in unique if f.rule not in off]


def frame_findings(tl: Timeline, cfg: dict, file: str) -> list[Finding]:
    """Contrast against the pixels actually behind each text, safe areas, logo clear space, text size."""
    from .compose import SceneDrawer
    from .layers import logo_box
    out = []
    p = tl.platform
    x0, y0, x1, y1 = p.safe_box
    short = min(p.width, p.height)
    for st in tl.scenes:
        where = f"scenes[{st.index}] ({st.scene.id}) [{tl.lang} {p.name}]"
        drawer = SceneDrawer(tl, st)
        try:
            layers = drawer.layers
            for i, layer in enumerate(layers):
                item = layer.item
                if item.kind not in ("text", "caption", "logo", "image") or not hasattr(layer.content, "sprite"):
                    continue
                c = layer.content
                bx0, by0, bx1, by1 = c.x, c.y, c.x + c.sprite.w, c.y + c.sprite.h
                if bx0 < x0 - 2 or by0 < y0 - 2 or bx1 > x1 + 2 or by1 > y1 + 2:
                    out.append(Finding(file, st.scene.line, f"{where}.{item.name}", "safe-area",
                                       f"drawn at ({bx0},{by0})-({bx1},{by1}), outside the safe area "
                                       f"({x0},{y0})-({x1},{y1}) that {p.name}'s interface leaves free"))
                if item.kind not in ("text", "caption"):
                    continue
                style = item.style
                if style.size < cfg["min_text_size"] and item.kind == "text":
                    out.append(Finding(file, st.scene.line, f"{where}.{item.name}", "text-size",
                                       f"style '{style.name}' is {style.size:g}% of the short side "
                                       f"({style.size * short / 100:.0f} px); below {cfg['min_text_size']:g}% it is "
                                       "not legible on a phone"))
                t = min(st.duration - 1e-3, max(item.start + item.animate.duration + 0.05, (item.start + item.end) / 2)
                        if item.kind == "caption" else item.start + item.animate.duration + 0.05)
                ratio = text_contrast(drawer, i, t, tl)
                if ratio is None:
                    continue
                need = cfg["contrast_large"] if (style.size >= cfg["large_text"] and item.kind == "text") \
                    else cfg["contrast_body"]
                if ratio < need:
                    out.append(Finding(file, st.scene.line, f"{where}.{item.name}", "contrast",
                                       f"text contrast {ratio:.1f}:1 against the pixels behind it; "
                                       f"needs {need:g}:1 (style '{style.name}')"))
            box = None if any(i.kind == "logo" for i in st.items) else logo_box(tl)
            if box:
                lx, ly, lw, lh = box
                pad = round(lh * tl.brand.logo.clear_space)
                zone = (lx - pad, ly - pad, lx + lw + pad, ly + lh + pad)
                for layer in layers:
                    c = layer.content
                    if layer.item.kind in ("logo",) or not hasattr(c, "sprite") or layer.item.name == "logo":
                        continue
                    alpha = c.sprite.rgba[..., 3] > 40
                    ys, xs = np.nonzero(alpha)
                    if xs.size == 0:
                        continue
                    ix0, iy0, ix1, iy1 = c.x + xs.min(), c.y + ys.min(), c.x + xs.max(), c.y + ys.max()
                    if ix0 < zone[2] and ix1 > zone[0] and iy0 < zone[3] and iy1 > zone[1]:
                        out.append(Finding(file, st.scene.line, f"{where}.{layer.item.name}", "logo-clear-space",
                                           "overlaps the logo's clear space"))
        finally:
            drawer.close()
    return out


def text_contrast(drawer, i: int, t: float, tl: Timeline) -> Optional[float]:
    """Contrast of layer i's text colour against what is behind its glyphs (5th percentile)."""
    layer = drawer.layers[i]
    c, style = layer.content, layer.item.style
    behind = drawer.bg.frame(t).copy()
    for j, other in enumerate(drawer.layers[:i]):
        if other.visible(t):
            other.draw(behind, t, at_rest=True)
    glyphs = c.sprite.rgba[..., 3] > 128
    h, w = behind.shape[:2]
    ys, xs = np.nonzero(glyphs)
    ys, xs = ys + c.y, xs + c.x
    keep = (ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)
    if not keep.any():
        return None
    pixels = behind[ys[keep], xs[keep]].astype(np.float32)
    brand = tl.brand
    if style.box_color:                     # a box under the text: that is the background
        r, g, b, a = brand.rgba(style.box_color)
        pixels = pixels * (1 - a / 255) + np.array([r, g, b], np.float32) * (a / 255)
    elif style.stroke_width > 0:            # an outline separates the glyphs from anything behind
        pixels = np.tile(np.array(brand.rgba(style.stroke_color)[:3], np.float32), (len(pixels), 1))
    colors = [brand.rgba(style.color)[:3]]
    if layer.item.highlight is not None:
        colors.append(brand.rgba(brand.caption_highlight)[:3])
    worst = min(float(np.percentile(contrast(pixels, np.array(col, np.float32)), 5)) for col in colors)
    return worst


def caption_findings(tl: Timeline, file: str) -> list[Finding]:
    from .render import sidecar_events
    rules = tl.script.template.caption_rules(tl.lang)
    out = []
    for ev in sidecar_events(tl):
        st = tl.scene_at(ev.start)
        where = f"scenes[{st.index}] ({st.scene.id}) [{tl.lang}] captions at {ev.start:.1f} s"
        chars = len(" ".join(ev.lines))
        cps = chars / max(1e-3, ev.end - ev.start)
        if cps > rules.reading_speed * 1.001:
            out.append(Finding(file, st.scene.line, where, "reading-speed",
                               f"{cps:.1f} characters a second; at most {rules.reading_speed:g} "
                               f"(slow the voice or shorten `say`)"))
        for line in ev.lines:
            if len(line) > rules.max_line:
                out.append(Finding(file, st.scene.line, where, "line-length",
                                   f"{len(line)} characters in a line; at most {rules.max_line}"))
    return out


def identity_findings(script: Script, file: str, cfg: dict) -> list[Finding]:
    out = []
    palette = {v.upper()[:7] for v in script.brand.colors.values()}
    for i, scene in enumerate(script.scenes):
        refs = []
        if scene.background:
            refs += list(scene.background.colors)
        refs += [e.color for e in scene.elements if e.type == "shape"]
        for ref in refs:
            if ref.startswith("#") and ref.upper()[:7] not in palette:
                out.append(Finding(file, scene.line, f"scenes[{i}] ({scene.id})", "off-palette",
                                   f"colour {ref} is not in brand '{script.brand.key}' ({', '.join(script.brand.colors)});"
                                   " use a palette name"))
    template = script.template
    if not template.outro and script.scenes and script.scenes[-1].layout != "end":
        out.append(Finding(file, script.scenes[-1].line, f"scenes[{len(script.scenes) - 1}]", "end-card",
                           "the video does not end on an end card (layout 'end'); add one with the call to action"))
    return out
