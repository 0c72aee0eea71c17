"""Templates, `templates/<name>.yaml` (`reelforge-template: 1`): named layouts with slot boxes per
aspect class, default animations and transition, intro/outro, caption rules; `extends:` another
template to change only what differs."""
from __future__ import annotations

from dataclasses import fields as dc_fields
from dataclasses import replace
from pathlib import Path
from typing import Optional

from ..errors import Problem, did_you_mean, display
from ..model import ASPECTS, DEFAULT_CAPTION_RULES, LANGUAGES, Brand, CaptionRules, Layout, Slot, Template, Transition, frozen_map
from ..registry import CAPTIONS as CAPTION_STYLES
from .brand import BRAND
from .documents import open_doc, resolve
from .options import (expect, INVALID, Box, Choice, Context, ListOf, MapOf, Number, Schema, Str, join, valid)
from .parts import AnimationOption, BackgroundOption, ElementOption, TransitionOption
from .yamlfile import YMap

SLOT_KINDS = ("text", "bullets", "image")

SLOT = Schema({
    "kind": Choice(SLOT_KINDS, help="what a scene puts in it"),
    "style": Choice(lambda ctx: ctx.styles, "body", what="text style", among=lambda ctx: f" in brand '{ctx.brand}'"),
    "animate": AnimationOption(),
})


class BoxesOption(Schema):
    """`boxes: {"9:16": {slot: [x, y, w, h]}, ...}`: one box per slot and aspect class."""

    def __init__(self):
        super().__init__({aspect: MapOf(Box()) for aspect in ASPECTS},
                         help="per aspect class, each slot's box in percent of the safe area")

    def check(self, value, pos, where, ctx):
        out = super().check(value, pos, where, ctx)
        if out is INVALID:
            return out
        slots = ctx.slots
        for aspect in ASPECTS:
            am = value.get(aspect)
            if not isinstance(am, YMap):
                continue
            w = join(where, aspect)
            for key in am:
                if key not in slots:
                    ctx.error(am.key_pos[key], join(w, key), f"unknown key '{key}'; {did_you_mean(key, slots)}")
            for name in slots:
                if name not in am:
                    ctx.error(am.at, w, f"no box for slot '{name}'")
        return out


LAYOUT = Schema({
    "slots": MapOf(SLOT),
    "boxes": BoxesOption(),
    "background": BackgroundOption(),
    "elements": ListOf(ElementOption(), (), help="free elements (as a scene's `elements`) drawn under the slots "
                                                 "in every scene of this layout: a rule, a progress bar, an icon"),
})


RULES = {   # caption rules: (lo, hi, whole number); defaults are CaptionRules' own
    "max_line": (10, 80, True), "max_lines": (1, 3, True), "min_event": (0.3, 5, False),
    "max_event": (1, 15, False), "gap_frames": (0, 12, True), "karaoke_words": (1, 8, True),
    "karaoke_chars": (5, 60, True), "reading_speed": (5, 40, False)}
RULE_HELP = {f.name: f.default for f in dc_fields(CaptionRules)}
RULE_FIELDS = {k: Number(lo, hi, None, integer=i, help=f"default {RULE_HELP[k]:g}") for k, (lo, hi, i) in RULES.items()}
# the caption styles' motion a template may set; their colours and box stay the kit's
MOTION = {"pop": ("scale", "seconds"), "bounce": ("height", "seconds")}
_KIT = BRAND.fields["captions"].fields
CAPTIONS = Schema({**RULE_FIELDS,
                   "languages": MapOf(Schema(RULE_FIELDS), None, key=Choice(LANGUAGES, what="language"),
                                      help="per-language overrides: {ar: {reading_speed: 20}}"),
                   "style": Choice(CAPTION_STYLES, None, what="caption style",
                                   help="the default burned-in caption style (the script's `subtitles.style` wins)"),
                   **{name: Schema({k: Number(_KIT[name].fields[k].lo, _KIT[name].fields[k].hi, None,
                                              help=_KIT[name].fields[k].help) for k in keys}, None,
                                   help=f"`style: {name}` captions' motion (wins over the kit's)")
                      for name, keys in MOTION.items()}},
                  None, help="caption style, segmentation and reading rules")

TEMPLATE = Schema({
    "description": Str(None),
    "extends": Str(None, help="a template whose layouts and settings this one changes"),
    "padding": Number(0, 10, 0.6, help="seconds after each scene's voiceover"),
    "transition": TransitionOption(Transition(), help="default transition between scenes"),
    "intro": Str(None, help="layout of the brand sting that opens each video"),
    "outro": Str(None, help="layout of the end card that closes each video"),
    "layouts": MapOf(LAYOUT),
    "captions": CAPTIONS,
}, extra=("reelforge-template",))


def caption_rules(v: dict) -> dict[str, CaptionRules]:
    """`captions:` values -> {"*": rules for every language, lang: overrides}."""
    base = {k: x for k, x in v.items() if k in RULES and x is not None and x is not INVALID}
    out = {"*": CaptionRules(**base)} if base else {}
    for lang, sub in (v.get("languages") or {}).items():
        mine = {k: x for k, x in sub.items() if x is not None and x is not INVALID}
        out[lang] = replace(DEFAULT_CAPTION_RULES.get(lang, CaptionRules()), **{**base, **mine})
    return out


def load_template(path: Path, brand: Brand, project: Path, problems: list[Problem], seen=()) -> Optional[Template]:
    if path in seen:
        problems.append(Problem(display(path), 1, 1, "extends", "templates extend each other in a loop: "
                                + " → ".join(display(p) for p in (*seen, path))))
        return None
    doc = open_doc(path, "template", problems)
    if doc is None:
        return None
    ctx = Context(path, problems, base=project, project=project, palette=brand.colors, styles=brand.styles,
                  brand=brand.key, slots=())
    parent = None
    if doc.get("extends") is not None:
        name = TEMPLATE.fields["extends"].read(doc["extends"], doc.pos("extends"), "extends", ctx)
        ppath = resolve("template", name, project, path.parent, ctx, doc.pos("extends"), "extends") \
            if name is not INVALID else None
        if ppath is None:
            return None
        parent = load_template(ppath, brand, project, problems, (*seen, path))
        if parent is None:
            return None
    elif "layouts" not in doc:
        ctx.error(doc.at, "", "missing required key 'layouts'")
    top = Schema({k: o for k, o in TEMPLATE.fields.items() if k != "layouts"}, extra=("reelforge-template", "layouts"))
    v = top.read(doc, doc.at, "", ctx)
    layouts = dict(parent.layouts) if parent else {}
    lmap = doc.get("layouts")
    if lmap is not None and not expect(lmap, YMap, doc.pos("layouts"), "layouts", ctx):
        lmap = None
    for name, lm in (lmap or {}).items():
        layout = read_layout(lm, lmap.pos(name), join("layouts", name), str(name), ctx)
        if layout is not None:
            layouts[str(name)] = layout
    given = lambda key: doc.get(key) is not None and v[key] is not INVALID
    inherit = lambda key, own: own if given(key) or parent is None else getattr(parent, key)
    intro, outro = inherit("intro", v["intro"]), inherit("outro", v["outro"])
    for key, value in (("intro", intro), ("outro", outro)):
        if value is not None and value not in layouts:
            ctx.error(doc.pos(key) if key in doc else doc.at, key, f"unknown layout '{value}'; {did_you_mean(value, layouts)}")
    captions = dict(parent.captions) if parent else {}
    style = parent.caption_style if parent else None
    motion = {k: dict(m) for k, m in parent.caption_motion.items()} if parent else {}
    if given("captions"):
        captions.update(caption_rules(v["captions"]))
        cv = v["captions"]
        style = cv["style"] if cv["style"] not in (None, INVALID) else style
        for name in MOTION:
            if isinstance(cv[name], dict):
                motion.setdefault(name, {}).update({k: x for k, x in cv[name].items() if x not in (None, INVALID)})
    padding, transition = inherit("padding", v["padding"]), inherit("transition", v["transition"])
    return Template(name=path.stem, path=path, chain=(path, *(parent.chain if parent else ())),
                    padding=padding if padding is not INVALID else TEMPLATE.fields["padding"].default,
                    transition=transition if transition is not INVALID else Transition(), intro=intro, outro=outro,
                    layouts=frozen_map(layouts), captions=frozen_map(captions), caption_style=style,
                    caption_motion=frozen_map({k: frozen_map(m) for k, m in motion.items() if m}))


def read_layout(lm, pos, where: str, name: str, ctx: Context) -> Optional[Layout]:
    ctx.slots = tuple(lm.get("slots") or ()) if isinstance(lm, YMap) and isinstance(lm.get("slots"), YMap) else ()
    v = LAYOUT.read(lm, pos, where, ctx)
    if v is INVALID or v["slots"] is INVALID or v["boxes"] is INVALID:
        return None
    slots = {s: Slot(s, sv["kind"], sv["style"], sv["animate"]) for s, sv in v["slots"].items() if valid(sv)}
    boxes = {aspect: frozen_map({k: b for k, b in (v["boxes"][aspect] or {}).items() if k in slots})
             for aspect in ASPECTS if v["boxes"].get(aspect) not in (None, INVALID)}
    background = v["background"] if v["background"] is not INVALID else None
    elements = tuple(e for e in v["elements"] if e is not INVALID) if v["elements"] is not INVALID else ()
    return Layout(name, frozen_map(slots), frozen_map(boxes), background, elements)


