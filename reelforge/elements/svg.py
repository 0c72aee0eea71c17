"""`type: svg`: an SVG icon or illustration rasterised crisply at its box size (resvg), recoloured.

    {type: svg, file: calendar, box: [x, y, w, h], color: primary}
    {type: svg, file: assets/map.svg, box: [...], colors: {"#E63946": accent}}

`file` is a path, or the name of an icon in `templates/icons/` (the project's, then the shipped
ones: `reelforge schema script` lists them). `color` fills `currentColor` (line icons draw with it);
`colors` rewrites the file's own fill/stroke/stop colours. It is a still sprite: `animate:` applies.
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, ImageColor, ImageOps

from ..config.options import INVALID, Bool, Colour, File, Schema
from ..errors import ReelforgeError, did_you_mean, display
from ..layers import Placed, Sprite
from ..project import PACKAGED, roots
from . import ElementKind
from .lottie import recolouring

ICONS = "templates/icons"
TOLERANCE = 8                       # per channel, 0..255: a file colour matches a `colors` key within this
PAINT = re.compile(r"""((?:fill|stroke|stop-color|flood-color|color)\s*(?:=\s*["']|:\s*))([^"';)}]+)""")


def icon_names(ctx=None) -> list[str]:
    folders = [r / ICONS for r in (roots(ctx.project) if ctx is not None else [PACKAGED])]
    return sorted({p.stem for f in folders for p in f.glob("*.svg")})


def svg_problem(path: Path):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        return f"cannot use {display(path)}: not an SVG file ({exc})"
    if not root.tag.endswith("svg"):
        return f"cannot use {display(path)}: not an SVG file (its root element is <{root.tag}>)"
    return None


class SvgFile(File):
    """A path to an SVG file, or a packaged icon's name (no slash, no extension)."""

    def check(self, value, pos, where, ctx):
        if isinstance(value, str) and "/" not in value and "." not in value:
            for root in roots(ctx.project):
                path = root / ICONS / f"{value}.svg"
                if path.is_file():
                    return path
            ctx.error(pos, where, f"unknown icon '{value}'; {did_you_mean(value, icon_names(ctx))}")
            return INVALID
        return super().check(value, pos, where, ctx)

    def json(self):
        return {"type": "string", "description": "an SVG path relative to this file, or an icon: "
                                                 + ", ".join(icon_names())}


def recolour_svg(text: str, current: str, table: list[tuple[tuple, str]]) -> str:
    """`currentColor` -> `current`; every fill/stroke/stop colour within TOLERANCE of a table key -> its value."""
    text = text.replace("currentColor", current)

    def swap(match):
        value = match.group(2).strip()
        try:
            rgb = ImageColor.getrgb(value)[:3]
        except ValueError:
            return match.group(0)           # none, url(#...), inherit
        for src, dst in table:
            if all(abs(a - b) <= TOLERANCE for a, b in zip(rgb, src)):
                return match.group(1) + dst
        return match.group(0)
    return PAINT.sub(swap, text) if table else text


def hex6(rgba) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgba[:3])


def rasterise(svg: str, w: int, h: int, where: str) -> Image.Image:
    """The SVG fitted (contained, centred) in a transparent w×h image."""
    import resvg_py
    try:
        png = resvg_py.svg_to_bytes(svg_string=svg, width=w, height=h, skip_system_fonts=True)
    except Exception as exc:        # resvg reports any parse or render failure as one exception
        raise ReelforgeError(f"{where}: resvg cannot draw this SVG: {exc}")
    img = Image.open(io.BytesIO(bytes(png))).convert("RGBA")        # resvg keeps the aspect: at most w×h
    if img.size != (w, h):
        out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        out.paste(img, ((w - img.width) // 2, (h - img.height) // 2))
        img = out
    return img


class SvgElement(ElementKind):
    name = "svg"
    options = Schema({
        "file": SvgFile(check=svg_problem, help="an SVG file, or a packaged icon (calendar, location, phone, check...)"),
        "color": Colour("accent", help="the colour of `currentColor` (what line icons draw with)"),
        "colors": recolouring(),
        "mirror": Bool(False, help="flip horizontally in right-to-left videos (arrows)"),
    })

    def place(self, item, timeline, where, background):
        x, y, w, h = item.box
        brand = timeline.brand
        table = [(brand.rgba(src)[:3], hex6(brand.rgba(dst))) for src, dst in (item.colors or {}).items()]
        text = recolour_svg(Path(item.file).read_text(encoding="utf-8"), hex6(brand.rgba(item.color)), table)
        img = rasterise(text, w, h, where)
        if item.mirror and timeline.rtl:
            img = ImageOps.mirror(img)
        return Placed(Sprite.from_image(img), x, y)


ELEMENT = SvgElement()
