"""The script (`reelforge: 1`): one video in several languages and formats. Declared here; read in
order by `reelforge.load` (languages and vars first, then brand and template, then the scenes)."""
from __future__ import annotations

import re

from ..errors import did_you_mean
from ..model import LANGUAGES, frozen_map
from ..platforms import registry as platforms
from ..registry import CAPTIONS
from .brand import PRONOUNCE_HELP, Pronounce
from . import limits
from .checks import audio_problem, image_problem
from .options import (expect, INVALID, Bool, Choice, Duration, File, ListOf, MapOf, Number, Option, Schema, Str, Text, join, ID_RE, text_problem)
from .parts import BackgroundOption, ElementOption, TransitionOption
from .yamlfile import YList, YMap, type_name

SCRIPT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
SIDECARS = ("srt", "vtt")
SLOT_CONTENT = ("text", "subtext", "bullets", "image")
SLOT_KIND = {"text": "text", "subtext": "text", "bullets": "bullets", "image": "image"}


class Languages(Option):
    """`languages: [ar, fr]`: one video per language; later texts must have each of them."""

    def check(self, value, pos, where, ctx):
        if not expect(value, YList, pos, where, ctx):
            return INVALID
        out = []
        for i, code in enumerate(value):
            w = f"{where}[{i}]"
            if not isinstance(code, str) or code not in LANGUAGES:
                hint = did_you_mean(code, LANGUAGES)
                supported = "supported: " + ", ".join(f"{k} = {v}" for k, v in LANGUAGES.items())
                ctx.error(value.pos(i), w, f"unknown language '{code}'; "
                          + (supported if hint.startswith("known") else f"{hint} ({supported})"))
            elif code in out:
                ctx.error(value.pos(i), w, f"language '{code}' is listed twice")
            else:
                out.append(code)
        if not value:
            ctx.error(pos, where, "list at least one language")
        ctx.languages = tuple(out)
        return tuple(out)

    def json(self):
        return {"type": "array", "items": {"enum": list(LANGUAGES)}, "minItems": 1, "uniqueItems": True}


class Platforms(ListOf):
    def __init__(self):
        super().__init__(Choice(platforms(), what="platform"), help="`reelforge platforms` lists them")

    def check(self, value, pos, where, ctx):
        out = super().check(value, pos, where, ctx)
        if out is not INVALID and not value:
            ctx.error(pos, where, "list at least one platform (see `reelforge platforms`)")
        return INVALID if out is INVALID else tuple(dict.fromkeys(out))


class Vars(Option):
    """`vars: {name: text}`: `{name}` in any later text is replaced by the text."""

    def check(self, value, pos, where, ctx):
        if not expect(value, YMap, pos, where, ctx):
            return INVALID
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or not VAR_NAME.match(k):
                ctx.error(value.key_pos[k], join(where, k), "a variable name uses letters, digits, _ and -")
            elif v is None or isinstance(v, (bool, YMap, YList)):
                ctx.error(value.pos(k), join(where, k), f"expected text, got {type_name(v)}")
            elif problem := text_problem(str(v), limits.SAY_CHARS, "variable"):
                ctx.error(value.pos(k), join(where, k), problem)
                out[k] = ""         # known, so that its uses are not reported too
            else:
                out[k] = str(v)
        ctx.variables = out
        return frozen_map(out)

    def default_for(self, values):
        return frozen_map({})

    def json(self):
        return {"type": "object", "propertyNames": {"pattern": VAR_NAME.pattern},
                "additionalProperties": {"type": ["string", "number"]}}


class Also(Option):
    """`also: {ar: fr}`: a second, translated subtitle line under the first language's."""

    def check(self, value, pos, where, ctx):
        if not expect(value, YMap, pos, where, ctx):
            return INVALID
        out = {}
        for k, v in value.items():
            if k not in ctx.languages or v not in ctx.languages or k == v:
                ctx.error(value.pos(k), join(where, k), f"'{k}: {v}' must pair two different languages of the "
                                                        f"script ({', '.join(ctx.languages)})")
            else:
                out[k] = v
        return frozen_map(out)

    def json(self):
        return {"type": "object", "additionalProperties": {"enum": list(LANGUAGES)}}


SUBTITLES = Schema({
    "burn": Bool(True, help="draw captions into the video"),
    "style": Choice(CAPTIONS, None, help="burned-in caption style; default: the template's, else the kit's, else karaoke"),
    "sidecar": ListOf(Choice(SIDECARS, what="subtitle format"), SIDECARS, help="subtitle files written beside"),
    "also": Also(frozen_map({}), help="{ar: fr}: the French sentence under the Arabic caption"),
}, None)

MUSIC = Schema({
    "file": File(check=audio_problem, help="looped, faded, ducked under the voice"),
    "volume_db": Number(-60, 0, -20.0),
    "duck_db": Number(-60, 0, -10.0, help="how much lower the music goes under the voice"),
}, None)


SCENE = Schema({
    "id": Str(None, pattern=ID_RE, hint="; use letters, digits, - and _", help="unique within the script"),
    "layout": Choice(lambda ctx: ctx.layouts, what="layout", among=lambda ctx: f" in template '{ctx.template}'",
                     help="a layout of the template"),
    "say": Text(None, languages=lambda ctx: ctx.voiced, limit=limits.SAY_CHARS, what="voiceover text",
                help="the voiceover; drives the scene's length"),
    "text": Text(None, help="fills the layout's `text` slot"),
    "subtext": Text(None, help="fills the layout's `subtext` slot"),
    "bullets": ListOf(Text(), None, help="fills a `bullets` slot"),
    "image": File(None, check=image_problem, help="fills an `image` slot"),
    "background": BackgroundOption(),
    "duration": Duration(0.5, 600, None, help="`auto` (voice + padding) or seconds"),
    "transition": TransitionOption(None, help="into the next scene"),
    "elements": ListOf(ElementOption(), ()),
    "voice": Option(None, help="another voice profile for this scene (e.g. a quote): a profile name (it replaces "
                               "the script's voice for the profile's language) or {lang: profile name or inline profile}"),
})

SCRIPT = Schema({
    "id": Str(None, pattern=SCRIPT_ID, hint="; use lower-case letters, digits and dashes (it names the output folder)",
              help="names the output folder; default: the file's stem"),
    "languages": Languages(help="one video per language"),
    "platforms": Platforms(),
    "vars": Vars(None, help="{name} in any text is replaced"),
    "digits": Choice(("western", "arabic-indic"), "western", help="digits shown in Arabic text"),
    "brand": Str(help="brand/<name>/brand.yaml, or a path"),
    "template": Str("explainer", help="templates/<name>.yaml, or a path"),
    "title": Text(None),
    "voice": MapOf(Option(), None, help="{lang: profile name, or an inline profile}"),
    "subtitles": SUBTITLES,
    "music": MUSIC,
    "pronounce": Pronounce(None, help=PRONOUNCE_HELP + "; over the brand kit's"),
    "typography": MapOf(Schema({
        "spacing": Bool(None, help="thin no-break space before ; : ! ? and inside « » (default: on in French)"),
    }), frozen_map({}), key=Choice(LANGUAGES, what="language"),
        help="{fr: {spacing: false}}: typographic rules per language, on screen and in captions (never spoken)"),
    "scenes": ListOf(SCENE),
}, extra=("reelforge",))

VOICE_REF = {"anyOf": [{"type": "string"}, {"type": "object"}]}


def script_json() -> dict:
    out = SCRIPT.json()
    out["properties"]["voice"] = {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
                                  "additionalProperties": VOICE_REF}
    return out


