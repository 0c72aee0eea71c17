"""The brand kit, `brand/<name>/brand.yaml` (`reelforge-brand: 1`): colours, fonts per script,
logo, text styles, caption style, end card, lint settings."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import Problem
from ..model import Brand, EndCard, Logo, TextStyle, frozen_map
from .checks import font_problem
from .documents import open_doc
from .options import (INVALID, Choice, Colour, Context, File, MapOf, Number, Option, Pair, Raw, Schema, Str, Text,
                      valid)

WEIGHTS = ("regular", "bold")
ALIGNS = ("center", "start", "end", "left", "right")
LOGO_POSITIONS = ("top-start", "top-end", "top-center", "bottom-start", "bottom-end", "bottom-center")
NEEDED_COLOURS = ("light", "dark", "accent")


class Palette(MapOf):
    """`colors: {name: "#RRGGBB"}`; once read, later keys may name these colours."""

    def __init__(self):
        super().__init__(Colour(hex_only=True), help="named colours; every kit names light, dark and accent")

    def check(self, value, pos, where, ctx):
        out = super().check(value, pos, where, ctx)
        if out is not INVALID:
            ctx.palette = out
            for needed in NEEDED_COLOURS:
                if value and needed not in value:
                    ctx.error(value.at, "colors", f"missing colour '{needed}' (every kit names light, dark and accent)")
        return out


def style_fields() -> dict[str, Option]:
    """The keys of a text style (sizes in percent of the frame's short side)."""
    return {
        "size": Number(0.5, 40, help="percent of the frame's short side"),
        "min_size": Number(0.5, 40, lambda v: round((v["size"] if v["size"] is not INVALID else 5) * 0.6, 2),
                           help="auto-fit shrinks text down to this size"),
        "weight": Choice(WEIGHTS, "regular"),
        "color": Colour("light"),
        "align": Choice(ALIGNS, "center"),
        "line_spacing": Number(0.8, 3, 1.2),
        "stroke": Schema({"width": Number(0, 5, 0.0), "color": Colour("dark")}, None),
        "shadow": Schema({"offset": Pair((0.0, 0.3), message="expected [x, y] in percent of the short side"),
                          "blur": Number(0, 10, 0.8), "color": Colour("#00000099")}, None),
        "box": Schema({"color": Colour(), "padding": Number(0, 10, 0.8), "radius": Number(0, 20, 1.0)}, None),
    }


def text_style(name: str, v: dict) -> Optional[TextStyle]:
    if not valid(v) or any(part is not None and not valid(part) for part in (v["stroke"], v["shadow"], v["box"])):
        return None
    kw = {}
    if v["stroke"]:
        kw.update(stroke_width=v["stroke"]["width"], stroke_color=v["stroke"]["color"])
    if v["shadow"]:
        kw.update(shadow_offset=v["shadow"]["offset"], shadow_blur=v["shadow"]["blur"], shadow_color=v["shadow"]["color"])
    if v["box"]:
        kw.update(box_color=v["box"]["color"], box_padding=v["box"]["padding"], box_radius=v["box"]["radius"])
    return TextStyle(name=name, size=v["size"], min_size=v["min_size"], weight=v["weight"], color=v["color"],
                     align=v["align"], line_spacing=v["line_spacing"], **kw)


FONT = Schema({"regular": File(check=font_problem), "bold": File(None, check=font_problem)})
CAPTIONS_DEFAULT = {"size": 4.6, "min_size": 3.2, "weight": "bold"}

BRAND = Schema({
    "name": Str(None, help="the client's name"),
    "colors": Palette(),
    "fonts": Schema({"arabic": FONT, "latin": FONT, "tifinagh": Schema(FONT.fields, None)},
                    help="font files per script, shipped in the kit with their licence"),
    "logo": Schema({
        "file": File(help="the logo for light backgrounds"),
        "on_dark": File(None, help="the light-ink variant for dark backgrounds"),
        "position": Choice(LOGO_POSITIONS, "top-end"),
        "size": Number(2, 60, 14.0, help="width in percent of the safe area's width"),
        "clear_space": Number(0, 2, 0.25, help="share of the logo's height kept free around it"),
    }, None),
    "styles": MapOf(Schema(style_fields())),
    "captions": Schema({**style_fields(), "size": Number(0.5, 40, CAPTIONS_DEFAULT["size"]),
                        "highlight": Colour("accent", help="the spoken word in karaoke captions")}, None),
    "end_card": Schema({"text": Text(languages=lambda ctx: ()), "url": Str(""), "hashtag": Str("")}, None),
    "lint": Raw(None, help="thresholds of `reelforge lint`, and `off: {rule: reason}`"),
}, extra=("reelforge-brand",))


def load_brand(path: Path, key: str, problems: list[Problem]) -> Optional[Brand]:
    doc = open_doc(path, "brand", problems)
    if doc is None:
        return None
    kit = path.parent
    ctx = Context(path, problems, base=kit, project=kit)
    v = BRAND.read(doc, doc.at, "", ctx)
    if not isinstance(v, dict):
        return None
    styles = {name: text_style(name, s) for name, s in (v["styles"] or {}).items()}
    styles = {name: s for name, s in styles.items() if s is not None}
    captions = v["captions"]
    if captions is None:
        captions = {**BRAND.fields["captions"].defaults(), **CAPTIONS_DEFAULT, "stroke": None, "shadow": None,
                    "box": None, "highlight": "accent"}
    caption_style = text_style("captions", captions) if captions is not INVALID else None
    fonts = v["fonts"] if v["fonts"] is not INVALID else {}
    logo, card = v["logo"], v["end_card"]
    if v["colors"] is INVALID or v["styles"] is INVALID or caption_style is None:
        return None         # the template cannot be checked against this kit; its problems are recorded
    return Brand(name=v["name"] or key, key=key, path=kit, colors=v["colors"],
                 fonts=frozen_map({script: frozen_map({w: f for w, f in files.items() if f not in (None, INVALID)})
                                   for script, files in fonts.items() if isinstance(files, dict)}),
                 logo=Logo(**logo) if logo and valid(logo) else None, styles=frozen_map(styles), captions=caption_style,
                 caption_highlight=captions["highlight"],
                 end_card=EndCard(text=card["text"], url=card["url"], hashtag=card["hashtag"])
                 if card and valid(card) else None,
                 lint=v["lint"] if v["lint"] not in (None, INVALID) else frozen_map({}))
