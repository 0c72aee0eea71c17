"""Checks of a loaded script that need more than its YAML: fonts, recordings, plugins, times, boxes.
Shared by `validate`, `render`, `preview`, `lint` and `build`; run before any frame is drawn.

`check_inputs` (fonts cover every character, recordings exist, lint settings are known) needs no
speech; `check_script` (durations against speech and platforms, text fit) needs the voice lines.
Both raise ReelforgeError (exit code 2) with every problem; `rhythm_notes` only advises.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional

from .errors import Problem, ReelforgeError, display
from .language import has_arabic
from .layers import fonts_of, px_style
from .lint import settings_problems
from .lint.rhythm import rhythm
from .model import LANGUAGES, Script
from .speech import voice_problems
from .text import Fonts, base_rtl, clean, fits as fits_box, missing_chars
from .platforms import platform_for
from .timeline import VOICE_LEAD, Timeline, build
from .tts import Line

Lines = Mapping[str, Mapping[str, Line]]     # lang -> scene id -> voiceover line


def check_inputs(script: Script) -> None:
    """Every character drawn has a brand font, every voice has what its engine needs (recordings),
    every lint setting of the kit is known. All problems at once."""
    problems = glyph_problems(script) + settings_problems(script.brand) + voice_problems(script)
    if problems:
        raise ReelforgeError(problems)


def glyph_problems(script: Script) -> list[Problem]:
    """Every character shown on screen must be covered by one of the brand's fonts (no tofu)."""
    fonts = Fonts.from_brand(script.brand)
    file = display(script.path)
    out = []

    def check(text, where, pos):
        for lang in script.languages:
            s = (text or {}).get(lang)
            missing = missing_chars(s, fonts, "bold") if s else []
            if missing:
                shown = " ".join(f"'{c}' U+{ord(c):04X}" for c in missing[:5])
                out.append(Problem(file, *pos, f"{where}.{lang}", f"no font of brand '{script.brand.key}' has {shown}; "
                                                               "add a font for that script to the kit or change the text"))

    check(script.title, "title", script.pos.get("title", (1, 1)))
    for i, scene in enumerate(script.scenes):
        at = lambda key: scene.pos.get(key, (scene.line, 1))
        for key, text in scene.texts.items():
            check(text, f"scenes[{i}].{key}", at(key))
        for key, texts in scene.bullets.items():
            for j, t in enumerate(texts):
                check(t, f"scenes[{i}].{key}[{j}]", at(key))
        for j, e in enumerate(scene.elements):
            for key, value in e.options.items():
                if isinstance(value, Mapping) and all(k in LANGUAGES for k in value):
                    check(value, f"scenes[{i}].elements[{j}].{key}", at("elements"))
    return out


def check_script(script: Script, langs, platforms, lines: Optional[Lines] = None) -> dict[tuple[str, str], Timeline]:
    """Explicit durations shorter than their speech, videos longer than a platform allows, text that
    does not fit its box even at the style's minimum size. All problems at once. Returns the
    full-size timelines it checked, by (language, platform), for the caller to draw."""
    problems: list[Problem] = []
    file = display(script.path)
    lines = lines or {}
    for lang in langs:
        for i, scene in enumerate(script.scenes):
            line = lines.get(lang, {}).get(scene.id)
            if line and scene.duration is not None and scene.duration < VOICE_LEAD + line.duration:
                problems.append(Problem(file, scene.line, 1, f"scenes[{i}].duration",
                                        f"{scene.duration:g} s is shorter than its {lang} voiceover "
                                        f"({VOICE_LEAD + line.duration:.1f} s); use `duration: auto` or shorten `say`"))
    from .pipeline import frame_platform
    built: dict[tuple[str, str], Timeline] = {}
    for lang in langs:
        laid: dict = {}     # frame-shaping platform facts -> timeline: platforms alike share one fit check
        fitted: dict = {}   # id of an item of a timeline in `laid` -> does it fit
        for name in platforms:
            p = platform_for(name, False)
            tl = laid.get(frame_platform(p))
            tl = replace(tl, platform=p) if tl else laid.setdefault(frame_platform(p), build(script, lang, p, lines.get(lang)))
            built[(lang, name)] = tl
            if tl.duration > p.max_duration:
                problems.append(Problem(file, 1, 1, "scenes", f"the {tl.lang} video lasts {tl.duration:.1f} s but "
                                        f"{p.name} allows at most {p.max_duration:g} s; shorten it or drop {p.name}"))
            for st in tl.scenes:
                for item in st.items:
                    if item.kind == "text" and item.style is not None \
                            and not (fitted[id(item)] if id(item) in fitted else fitted.setdefault(id(item), fits(item, tl))):
                        problems.append(Problem(file, st.scene.line, 1, f"scenes[{st.index}].{item.name}",
                                                f"the {tl.lang} text does not fit its box on {p.name} ({p.aspect}) "
                                                f"even at the minimum size; shorten it"))
    if problems:
        raise ReelforgeError(sorted(set(problems), key=lambda q: (q.line, q.where, q.what)))
    return built


def fits(item, tl) -> bool:
    """Does the text fit its box, at worst at its style's minimum size? Laid out as layers.text_block
    lays it out, but not drawn (drawing every text on every platform made validation take minutes)."""
    p = tl.platform
    text = clean(item.text, tl.script.digits)
    rtl = tl.rtl and has_arabic(text) or base_rtl(text)
    _, _, w, h = item.box
    return fits_box(text, fonts_of(tl.brand), px_style(item.style, tl.brand, min(p.width, p.height), item.align), w, h,
                    direction="rtl" if rtl else "ltr", lang=tl.lang)


def rhythm_notes(script: Script, lines: Lines, share: float = 0.25) -> list[str]:
    """Located notes: recordings that deviate from the script, languages out of rhythm."""
    notes = []
    where = display(script.path)
    for lang in [lang for lang in lines if lines[lang]]:
        for i, scene in enumerate(script.scenes):
            line = lines[lang].get(scene.id)
            if line is not None and line.wer is not None and line.wer > 0.15:
                notes.append(f"{where}:{scene.line}:1: scenes[{i}] ({scene.id}): the {lang} recording "
                             f"deviates from the script (word error rate {100 * line.wer:.0f}%); check the take")
    for i, what in rhythm(script, lines, share):
        scene = script.scenes[i]
        notes.append(f"{where}:{scene.line}:1: scenes[{i}] ({scene.id}): {what}")
    return notes
