"""The brand kit, `brand/<name>/brand.yaml` (`reelforge-brand: 1`): colours, fonts per script,
logo, text styles, caption style, end card, lint settings."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import re

from ..errors import Problem, did_you_mean
from ..model import LANGUAGES, Brand, EndCard, Logo, TextStyle, frozen_map
from ..registry import CAPTIONS as CAPTION_STYLES
from .checks import font_problem, image_problem
from .documents import open_doc
from .options import (INVALID, Choice, Colour, Context, File, ListOf, MapOf, Number, Option, Pair, Raw, Schema, Str,
                      Text, join, valid)
from .yamlfile import YList, YMap, type_name

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


class Pronounce(Option):
    """`pronounce: {"CNSS": {fr: "cé enne esse esse", ar: "سي إن إس إس"}, "Saïd": "Sa-ïd"}`: what the
    voice says for a written word or phrase, per language (one text: every language)."""

    def check(self, value, pos, where, ctx):
        if not isinstance(value, YMap):
            ctx.error(pos, where, f"expected a mapping of written forms to what is said, got {type_name(value)}")
            return INVALID
        out = {}
        for written, said in value.items():
            w = join(where, written)
            if not isinstance(written, str) or not written.strip():
                ctx.error(value.key_pos.get(written, value.at), w, "the written form is empty")
                continue
            if isinstance(said, (str, int, float)) and not isinstance(said, bool):
                said_map = {lang: str(said) for lang in LANGUAGES}
                spots = {lang: value.pos(written) for lang in LANGUAGES}
            elif isinstance(said, YMap):
                said_map, spots = {}, {}
                for lang, text in said.items():
                    if lang not in LANGUAGES:
                        ctx.error(said.key_pos[lang], join(w, lang), f"unknown language '{lang}'; {did_you_mean(lang, LANGUAGES)}")
                    elif text is None or isinstance(text, (bool, YMap, YList)):
                        ctx.error(said.pos(lang), join(w, lang), f"expected text, got {type_name(text)}")
                    else:
                        said_map[lang], spots[lang] = str(text), said.pos(lang)
            else:
                ctx.error(value.pos(written), w, f"expected text or a mapping by language, got {type_name(said)}")
                continue
            for lang, text in list(said_map.items()):
                if not text.strip():
                    ctx.error(spots[lang], join(w, lang) if isinstance(said, YMap) else w,
                              "empty: write what the voice should say, or remove the entry")
                    del said_map[lang]
            out[" ".join(written.split())] = frozen_map({lang: " ".join(t.split()) for lang, t in said_map.items()})
        return frozen_map(out)

    def json(self):
        said = {"type": "string", "minLength": 1, "pattern": r"\S"}
        return {"type": "object", "propertyNames": {"minLength": 1},
                "additionalProperties": {"oneOf": [said, {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
                                                          "additionalProperties": said}]}}


PRONOUNCE_HELP = "what the voice says for a written word or phrase: {written: {fr: ..., ar: ...}}, every engine"


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
        "marker": Colour("accent", help="the marker of each bullet, when the style fills a bullets slot"),
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
                     align=v["align"], line_spacing=v["line_spacing"], marker=v["marker"], **kw)


FEATURE = re.compile(r"^[+-]?[A-Za-z0-9 ]{4}(=\d+)?$")
FONT = Schema({
    "regular": File(check=font_problem),
    "bold": File(None, check=font_problem, help="none: bold styles embolden the regular face"),
    "features": ListOf(Str(pattern=FEATURE, hint="; write an OpenType feature tag such as -liga or +ss01"), None,
                       help="OpenType features for this script's text (raqm), e.g. [-liga]; "
                            "default: [-liga] for tifinagh, none for the others"),
})
CAPTIONS_DEFAULT = {"size": 4.6, "min_size": 3.2, "weight": "bold"}

BRAND = Schema({
    "name": Str(None, help="the client's name"),
    "colors": Palette(),
    "fonts": Schema({"arabic": FONT, "latin": FONT, "tifinagh": Schema(FONT.fields, None)},
                    help="font files per script, shipped in the kit with their licence"),
    "logo": Schema({
        "file": File(check=image_problem, help="the logo for light backgrounds"),
        "on_dark": File(None, check=image_problem, help="the light-ink variant for dark backgrounds"),
        "position": Choice(LOGO_POSITIONS, "top-end"),
        "size": Number(2, 60, 14.0, help="width in percent of the safe area's short side"),
        "clear_space": Number(0, 2, 0.25, help="share of the logo's height kept free around it"),
    }, None),
    "styles": MapOf(Schema(style_fields())),
    "captions": Schema({**style_fields(), "size": Number(0.5, 40, CAPTIONS_DEFAULT["size"]),
                        "style": Choice(CAPTION_STYLES, None, what="caption style",
                                        help="the kit's default caption style (the template's, then the "
                                             "script's `subtitles.style` win)"),
                        "highlight": Colour("accent", help="the spoken word in karaoke captions"),
                        "pill": Schema({"color": Colour("accent", help="the box behind the spoken word"),
                                        "ink": Colour("dark", help="the spoken word's colour on the pill"),
                                        "padding": Number(0, 5, 0.5, help="percent of the short side"),
                                        "radius": Number(0, 10, 1.2)}, None, help="`style: pill` captions"),
                        "pop": Schema({"scale": Number(1, 2, 1.3, help="the spoken word's peak scale"),
                                       "seconds": Number(0.05, 1, 0.25)}, None, help="`style: pop` captions"),
                        "bounce": Schema({"height": Number(0, 10, 1.4, help="jump, percent of the short side"),
                                          "seconds": Number(0.05, 1, 0.3)}, None, help="`style: bounce` captions")},
                       None),
    "end_card": Schema({"text": Text(languages=lambda ctx: ()), "url": Str(""), "hashtag": Str("")}, None),
    "lint": Raw(None, help="thresholds of `reelforge lint`, and `off: {rule: reason}`"),
    "pronounce": Pronounce(None, help=PRONOUNCE_HELP),
    "lottie": Schema({"colors": MapOf(Colour(), key=Colour(hex_only=True),
                                      help="default recolouring of every Lottie element: {file colour: brand colour}")},
                     None),
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
                 fonts=frozen_map({script: frozen_map({w: f for w, f in files.items()
                                                       if w in WEIGHTS and f not in (None, INVALID)})
                                   for script, files in fonts.items() if isinstance(files, dict)}),
                 font_features=frozen_map({script: tuple(files["features"]) for script, files in fonts.items()
                                           if isinstance(files, dict) and files.get("features") not in (None, INVALID)}),
                 pronounce=v["pronounce"] if v["pronounce"] not in (None, INVALID) else frozen_map({}),
                 logo=Logo(**logo) if logo and valid(logo) else None, styles=frozen_map(styles), captions=caption_style,
                 caption_highlight=captions["highlight"],
                 end_card=EndCard(text=card["text"], url=card["url"], hashtag=card["hashtag"])
                 if card and valid(card) else None,
                 lint=v["lint"] if v["lint"] not in (None, INVALID) else frozen_map({}),
                 lottie_colors=v["lottie"]["colors"] if v["lottie"] and valid(v["lottie"]) else frozen_map({}),
                 caption_options=caption_options(captions),
                 caption_style=captions.get("style") if captions.get("style") is not INVALID else None)


def caption_options(captions) -> dict:
    """The animated caption styles' options (pill, pop, bounce), their defaults filled in."""
    sub = BRAND.fields["captions"].fields
    out = {}
    for name in ("pill", "pop", "bounce"):
        given = captions.get(name) if isinstance(captions, dict) else None
        out[name] = frozen_map({**sub[name].defaults(), **(given if isinstance(given, dict) and valid(given) else {})})
    return frozen_map(out)
