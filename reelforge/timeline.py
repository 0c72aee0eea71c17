"""Resolve a script for one language and platform into absolute times and pixel boxes.

Input: the Script model, a language, a platform, and (optionally) the spoken lines per scene.
Output: an immutable Timeline that the compositor draws and the encoder writes. Nothing here
rasterises or encodes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping, Optional

from .language import ends_sentence, language
from .model import Animation, Background, Brand, Element, Keyframe, Scene, Script, TextStyle, Transition, frozen_map
from .platforms import Platform
from .project import roots
from .registry import CAPTIONS, ELEMENTS
from .spans import TATWEEL, typeset
from . import spans
from .tts import Line, Word

MIN_SCENE = 2.0
VOICE_LEAD = 0.25       # seconds of scene before its voice starts (room for the transition)
BULLET_STAGGER = 0.25


@dataclass(frozen=True)
class Item:
    """One thing drawn in a scene, in frame pixels and scene-local seconds."""
    kind: str                           # an element kind (the registry's name), or "caption"
    box: tuple[int, int, int, int]      # x, y, w, h in frame pixels
    start: float
    end: float
    animate: Animation
    text: str = ""                      # text and captions: what is written, in `style`
    style: Optional[TextStyle] = None
    align: Optional[str] = None         # overrides the style's alignment (bullets start-aligned)
    name: str = ""                      # slot name or element index, for messages and lint
    highlight: Optional[int] = None     # a word drawn in another colour: karaoke's spoken word (the captions'
    #                                     highlight colour), a bullet's marker (word 0, in `options.marker`)
    options: Mapping[str, object] = field(default_factory=lambda: frozen_map({}))   # the kind's own: file, color...

    def __getattr__(self, name: str):
        """The kind's options read as attributes (`item.file`, `item.color`), None when absent."""
        if name.startswith("__"):
            raise AttributeError(name)
        return self.__dict__["options"].get(name)


@dataclass(frozen=True)
class ItemContext:
    """What an element kind's `items()` needs: the language, the platform and the scene."""
    lang: str
    platform: Platform
    rtl: bool
    duration: float                     # the scene's length, seconds
    styles: Mapping[str, TextStyle]     # the brand's text styles
    name: str = ""                      # slot name or `elements[i]`, for messages and lint

    def box(self, box) -> tuple[int, int, int, int]:
        """[x, y, w, h] in percent of the safe area -> frame pixels, mirrored in right-to-left videos."""
        return mirror(px_box(self.platform, box), self.platform, self.rtl)

    def item(self, element: Element, **fields) -> Item:
        """The element as one item: its kind, pixel box, window in the scene, animation and options."""
        end = min(self.duration, element.end) if element.end is not None else self.duration
        fields.setdefault("options", element.options)
        return Item(element.type, self.box(element.box), element.start, end, element.animate, name=self.name, **fields)


@dataclass(frozen=True)
class SceneTime:
    scene: Scene
    index: int
    start: float
    duration: float
    background: Background
    items: tuple[Item, ...]
    transition: Transition              # into the next scene
    line: Optional[Line] = None

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Timeline:
    script: Script
    lang: str
    platform: Platform
    scenes: tuple[SceneTime, ...]
    duration: float
    rtl: bool
    brand: Brand = field(repr=False, default=None)

    def scene_at(self, t: float) -> SceneTime:
        for s in self.scenes:
            if t < s.end:
                return s
        return self.scenes[-1]


def estimate_line(text: str, lang: str) -> Line:
    """Reading-time estimate for a scene without synthesised speech."""
    words = text.split()
    cps = language(lang).speaking_cps
    t, out = 0.0, []
    for w in words:
        d = max(0.18, len(w) / cps + 0.06)
        out.append(Word(w, t, t + d))
        t += d
        if ends_sentence(w):
            t += 0.3
    return Line(duration=t, words=tuple(out), timed="estimate")


def scene_text_chars(scene: Scene, lang: str) -> int:
    n = sum(len(t.get(lang, "")) for t in scene.texts.values())
    return n + sum(len(b.get(lang, "")) for bl in scene.bullets.values() for b in bl)


def scene_duration(scene: Scene, lang: str, line: Optional[Line], padding: float) -> float:
    if scene.duration is not None:
        return scene.duration
    if line is not None and line.duration > 0:
        return max(MIN_SCENE, VOICE_LEAD + line.duration + padding)
    # no voice: enough time to read what is on screen
    return max(MIN_SCENE + 1, scene_text_chars(scene, lang) / language(lang).speaking_cps + 1.5)


def px_box(platform: Platform, box) -> tuple[int, int, int, int]:
    """Percent of the safe area -> frame pixels."""
    x0, y0, x1, y1 = platform.safe_box
    sw, sh = x1 - x0, y1 - y0
    x, y, w, h = box
    return (round(x0 + sw * x / 100), round(y0 + sh * y / 100), round(sw * w / 100), round(sh * h / 100))


def mirror(box, platform: Platform, rtl: bool):
    """Boxes are written for left-to-right reading; Arabic mirrors them horizontally."""
    if not rtl:
        return box
    x0, _, x1, _ = platform.safe_box
    x, y, w, h = box
    return (x0 + x1 - x - w, y, w, h)


def slot_items(scene: Scene, layout, ctx: ItemContext) -> list[Item]:
    """A layout's filled slots, made by the built-in text and image kinds. A bullets slot is its box
    split into one start-aligned text line per bullet, appearing one after the other, all in one size,
    the list centred in the box as a block."""
    items = []
    for name, slot in layout.slots.items():
        at = replace(ctx, name=name)

        def element(kind, **options):
            return Element(kind, layout.boxes[ctx.platform.aspect][name], animate=slot.animate,
                           options=frozen_map({"style": slot.style, **options}))
        if slot.kind == "text" and name in scene.texts:
            items += ELEMENTS["text"].items(element("text", text=scene.texts[name]), at)
        elif slot.kind == "image" and name in scene.images:
            items += ELEMENTS["image"].items(element("image", file=scene.images[name]), at)
        elif slot.kind == "bullets" and name in scene.bullets:
            bullets = scene.bullets[name]
            whole = at.item(element("text"), style=ctx.styles.get(slot.style))
            x, y, w, h = whole.box
            step = h / max(1, len(bullets))
            lines = [replace(whole, box=(x, round(y + i * step), w, round(step)), start=BULLET_STAGGER * i,
                             text="• " + b[ctx.lang], align="start", name=f"{name}[{i}]", highlight=0)
                     for i, b in enumerate(bullets)]
            together = tuple((li.text, li.box) for li in lines)     # one size for the list (layers.text_block)
            # the marker (word 0) in its style's `marker` colour (the accent unless the kit says), the text in
            # its style's colour
            marker = whole.style.marker if whole.style is not None else "accent"
            items += [replace(li, options=frozen_map({**li.options, "together": together, "marker": marker}))
                      for li in lines]
    return items


def scene_items(script: Script, scene: Scene, lang: str, platform: Platform, duration: float, rtl: bool):
    """The scene's slots and free elements as items, each made by its element kind."""
    ctx = ItemContext(lang, platform, rtl, duration, script.brand.styles)
    layout = script.template.layouts[scene.layout]
    items = []
    for i, e in enumerate(layout.elements):
        items += ELEMENTS[e.type].items(e, replace(ctx, name=f"layouts.{layout.name}.elements[{i}]"))
    items += slot_items(scene, layout, ctx)
    for i, e in enumerate(scene.elements):
        items += ELEMENTS[e.type].items(e, replace(ctx, name=f"elements[{i}]"))
    return tuple(items)


CAPTION_BAND = (0.0, 80.0, 100.0, 20.0)     # percent of the safe area: the bottom fifth


def shifted(words, by: float) -> tuple[Word, ...]:
    """Caption words moved by `by` seconds; tatweel, kept on screen, is stripped from captions."""
    return tuple(Word(w.text.replace(TATWEEL, ""), w.start + by, w.end + by) for w in words)


def typeset_event(ev, lang: str, spacing: bool):
    return replace(ev, lines=tuple(typeset(x, lang, spacing) for x in ev.lines))


def caption_style(script: Script) -> str:
    """The burned-in caption style: the script's `subtitles.style`, else the template's `captions.style`,
    else the kit's, else karaoke."""
    return script.subtitles.style or script.template.caption_style or script.brand.caption_style or "karaoke"


def caption_options(script: Script, style: str) -> Mapping:
    """A caption style's options: the kit's (colours, box, and motion), the template's motion over them."""
    return frozen_map({**script.brand.caption_options.get(style, {}), **script.template.caption_motion.get(style, {})})


def caption_items(script: Script, scene: Scene, lang: str, platform: Platform, duration: float,
                  line: Optional[Line]) -> tuple[Item, ...]:
    """Burned-in captions of one scene, as items made by the caption style (and the `also` line)."""
    subs = script.subtitles
    if not subs.burn or line is None or not line.words:
        return ()
    style = script.brand.captions
    also = subs.also.get(lang)
    x, y, w, h = CAPTION_BAND
    main_box = px_box(platform, (x, y, w, h * (0.62 if also else 1.0)))
    items = []
    rules = script.template.caption_rules(lang)
    caption = CAPTIONS[caption_style(script)]
    words = shifted(line.words, VOICE_LEAD)
    for ev in caption.events(words, lang, platform.fps, until=duration, rules=rules):
        items += caption.items(typeset_event(ev, lang, script.spacing(lang)), main_box, style)
    if also and scene.say and scene.say.get(also):
        small = replace(style, size=style.size * 0.72, min_size=style.min_size * 0.72)
        box = px_box(platform, (x, y + h * 0.64, w, h * 0.36))
        none = Animation("none", "none", 0.0)
        for ev in also_events(words, scene.say[also], also, script.template.caption_rules(also), platform.fps):
            ev = typeset_event(ev, also, script.spacing(also))
            items.append(Item("caption", box, ev.start, min(duration, ev.end), none, text=ev.text, style=small,
                              name="captions.also"))
    return tuple(items)


CLAUSE_END = re.compile(r"[,;:،؛]$")


def _cut(items, is_end) -> list[list]:
    out = [[]]
    for it in items:
        out[-1].append(it)
        if is_end(it):
            out.append([])
    return [x for x in out if x]


def _pair(spoken: list[list[Word]], shown: list[list[str]]) -> list[tuple[list[Word], list[str]]]:
    """Each translated sentence with the spoken sentences it goes with: one to one when the counts
    match, else in order by share of characters (every spoken sentence gets at least its span)."""
    if len(spoken) == len(shown):
        return list(zip(spoken, shown))
    total = sum(len(" ".join(s)) for s in shown) or 1
    tot_sp = sum(len(" ".join(w.text for w in s)) for s in spoken) or 1
    groups: list[tuple[list[Word], list[str]]] = [([], []) for _ in spoken]
    acc = 0
    for s in shown:
        mid = (acc + len(" ".join(s)) / 2) / total
        acc += len(" ".join(s))
        at, best = 0, None
        for i, sp in enumerate(spoken):     # the spoken sentence whose share holds this one's middle
            a = sum(len(" ".join(w.text for w in x)) for x in spoken[:i]) / tot_sp
            b = a + len(" ".join(w.text for w in sp)) / tot_sp
            d = 0 if a <= mid <= b else min(abs(mid - a), abs(mid - b))
            if best is None or d < best:
                at, best = i, d
        groups[at][1].extend(s)
    out: list[tuple[list[Word], list[str]]] = []
    for sp, tr in groups:                   # a spoken sentence with nothing of its own extends the one before
        if not tr and out:
            out[-1] = (out[-1][0] + sp, out[-1][1])
        elif out and not out[-1][1]:
            out[-1] = (out[-1][0] + sp, tr)
        else:
            out.append((list(sp), list(tr)))
    return out


def also_events(words, text: str, lang: str, rules, fps: int):
    """The translation line: per spoken sentence (per clause where both languages have as many
    clauses and each clause can be read in its span), its translation shown for the span of that
    sentence, cut into events of at most max_lines lines by the caption rules (spans never split, no
    line ending on a weak word); within a span, events share the time by characters."""
    from .captions import Event, break_lines, chunk, fits_lines, sentences_of
    shown = _cut(spans.words(text), ends_sentence)
    out = []
    for sp, tr in _pair(sentences_of(words), shown):
        sp_cl, tr_cl = _cut(sp, lambda w: CLAUSE_END.search(w.text)), _cut(tr, CLAUSE_END.search)
        pairs = list(zip(sp_cl, tr_cl))
        if len(sp_cl) != len(tr_cl) or any(len(" ".join(t)) > rules.reading_speed * (s[-1].end - s[0].start)
                                           for s, t in pairs):
            pairs = [(sp, tr)]
        for spw, trw in pairs:
            s, e = spw[0].start, spw[-1].end
            size = sum(len(x) + 1 for x in trw)
            pseudo, acc = [], 0
            for x in trw:                    # the translation's words spread over the span by length
                a = s + (e - s) * acc / size
                acc += len(x) + 1
                pseudo.append(Word(x, a, s + (e - s) * acc / size))
            groups = chunk(pseudo, lang, rules.max_line * rules.max_lines, float("inf"),
                           fits=lambda g: fits_lines(g, lang, rules))
            for k, g in enumerate(groups):
                end = groups[k + 1][0].start - rules.gap_frames / fps if k + 1 < len(groups) else e
                out.append(Event(g[0].start, max(end, g[0].start + 1 / fps), break_lines(g, lang, rules), tuple(g)))
    gap = rules.gap_frames / fps        # consecutive spans: two frames apart, like every caption
    return [replace(a, end=min(a.end, max(b.start - gap, a.start + 1 / fps))) for a, b in zip(out, out[1:])] + out[-1:]


END_CARD_SECONDS = 3.0
# The brand end card's designed parts, in percent of the safe area, around the outro layout's slots
# (the call to action, which the shipped templates underline in the accent, and the address): the
# logo pops in large and grows slowly, a globe icon pops above the address, an accent bar runs out the card.
END_CARD_PARTS = (
    ("logo", (15.0, 9.0, 70.0, 17.0), 0.0, Animation("pop", "none", 0.6, (Keyframe(0.6), Keyframe(3.0, scale=1.06))), {}),
    ("svg", (44.0, 56.0, 12.0, 6.0), 1.0, Animation("pop", "none", 0.4), {"file": "globe", "color": "accent"}),
    ("progress", (25.0, 90.0, 50.0, 1.0), 0.0, Animation("none", "none", 0.0), {"of": "scene"}),
)


def end_card_scene(script: Script) -> Optional[Scene]:
    """The brand's end card on the template's outro layout, unless the script already ends on that
    layout: the call to action, the address and hashtag in the layout's text slots, and the designed
    parts above (logo animation, icon, running bar) as free elements."""
    template, card = script.template, script.brand.end_card
    if not template.outro or card is None or (script.scenes and script.scenes[-1].layout == template.outro):
        return None
    slots = template.layouts[template.outro].slots
    texts = {}
    kinds = [name for name, slot in slots.items() if slot.kind == "text"]
    if kinds:
        texts[kinds[0]] = card.text
    line = "\n".join(x for x in (card.url, card.hashtag) if x)
    if len(kinds) > 1 and line:
        texts[kinds[1]] = {lang: line for lang in script.languages}
    elements = []
    for kind, box, start, animate, options in END_CARD_PARTS:
        if kind == "logo" and script.brand.logo is None:
            continue
        if kind == "svg":
            icon = next((r / "templates" / "icons" / f"{options['file']}.svg" for r in roots(script.project)
                         if (r / "templates" / "icons" / f"{options['file']}.svg").is_file()), None)
            if icon is None or not card.url:
                continue
            options = {**options, "file": icon}
        elements.append(Element(kind, box, start=start, animate=animate,
                                options=frozen_map({**ELEMENTS[kind].options.defaults(), **options})))
    return Scene(id="end-card", layout=template.outro, say=None, texts=texts, bullets={}, images={},
                 background=None, duration=END_CARD_SECONDS, transition=None, elements=tuple(elements),
                 line=script.scenes[-1].line if script.scenes else 1)


INTRO_SECONDS = 1.6


def intro_scene(script: Script) -> Optional[Scene]:
    """The brand sting on the template's intro layout: the logo popping in large, with the title."""
    template = script.template
    if not template.intro or script.brand.logo is None:
        return None
    slots = [name for name, slot in template.layouts[template.intro].slots.items() if slot.kind == "text"]
    logo = Element(type="logo", box=(20.0, 8.0, 60.0, 30.0), animate=Animation("pop", "none", 0.6))
    return Scene(id="intro", layout=template.intro, say=None,
                 texts={slots[0]: script.title} if slots and script.title else {}, bullets={}, images={},
                 background=None, duration=INTRO_SECONDS, transition=Transition("fade", 0.4), elements=(logo,),
                 line=script.scenes[0].line if script.scenes else 1)


def build(script: Script, lang: str, platform: Platform, lines: Mapping[str, Line] | None = None) -> Timeline:
    """Fix every time: scene starts and lengths, item windows. `lines` maps scene id -> voiceover."""
    lines = lines or {}
    rtl = language(lang).rtl
    template = script.template
    scenes = list(script.scenes)
    sting = intro_scene(script)
    if sting is not None:
        scenes.insert(0, sting)
    card = end_card_scene(script)
    if card is not None:
        scenes.append(card)
    out, t = [], 0.0
    for i, scene in enumerate(scenes):
        line = lines.get(scene.id)
        if line is None and scene.say and scene.say.get(lang):
            line = estimate_line(scene.say[lang], lang)
        duration = scene_duration(scene, lang, line, template.padding)
        layout = template.layouts[scene.layout]
        background = scene.background or layout.background or Background("color", ("primary",))
        transition = scene.transition or template.transition
        if i == len(scenes) - 1:
            transition = Transition("cut", 0.0)
        items = tuple(replace(i, text=typeset(i.text, lang, script.spacing(lang))) if i.text else i
                      for i in scene_items(script, scene, lang, platform, duration, rtl)) \
            + caption_items(script, scene, lang, platform, duration, line)
        out.append(SceneTime(scene, i, t, duration, background, items, transition, line))
        t += duration
    return Timeline(script=script, lang=lang, platform=platform, scenes=tuple(out), duration=t, rtl=rtl,
                    brand=script.brand)


