"""Resolve a script for one language and platform into absolute times and pixel boxes.

Input: the Script model, a language, a platform, and (optionally) the spoken lines per scene.
Output: an immutable Timeline that the compositor draws and the encoder writes. Nothing here
rasterises or encodes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional

from .model import (RTL_LANGUAGES, Animation, Background, Brand, Scene, Script, TextStyle, Transition,
                    frozen_map)
from .platforms import Platform

READING_CPS = {"ar": 14.0, "fr": 15.0, "en": 15.0, "zgh": 12.0}   # characters a second of voice, for estimates
MIN_SCENE = 2.0
VOICE_LEAD = 0.25       # seconds of scene before its voice starts (room for the transition)
BULLET_STAGGER = 0.25


@dataclass(frozen=True)
class Word:
    text: str
    start: float        # seconds from the start of its line
    end: float


@dataclass(frozen=True)
class Line:
    """A scene's voiceover in one language: the audio file, its length, and when each word is said."""
    duration: float
    words: tuple[Word, ...] = ()
    audio: Optional[str] = None     # path of a WAV file, or None for silence
    timed: str = "estimate"         # engine | whisper | estimate
    sentences: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True)
class Item:
    """One thing drawn in a scene, in frame pixels and scene-local seconds."""
    kind: str                           # text | image | video | shape | logo
    box: tuple[int, int, int, int]      # x, y, w, h in frame pixels
    start: float
    end: float
    animate: Animation
    text: str = ""
    style: Optional[TextStyle] = None
    file: Optional[str] = None
    shape: str = "rect"
    color: str = "accent"
    align: Optional[str] = None         # overrides the style's alignment (bullets start-aligned)
    name: str = ""                      # slot name or element index, for messages and lint


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
    cps = READING_CPS.get(lang, 15.0)
    t, out = 0.0, []
    for w in words:
        d = max(0.18, len(w) / cps + 0.06)
        out.append(Word(w, t, t + d))
        t += d
        if re.search(r"[.!?؟…]$", w):
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
    return max(MIN_SCENE + 1, scene_text_chars(scene, lang) / READING_CPS.get(lang, 15) + 1.5)


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


def scene_items(script: Script, scene: Scene, lang: str, platform: Platform, duration: float, rtl: bool):
    layout = script.template.layouts[scene.layout]
    boxes = layout.boxes[platform.aspect]
    styles = script.brand.styles
    items = []
    for name, slot in layout.slots.items():
        box = mirror(px_box(platform, boxes[name]), platform, rtl)
        style = styles.get(slot.style)
        if slot.kind == "text" and name in scene.texts:
            items.append(Item("text", box, 0.0, duration, slot.animate, text=scene.texts[name][lang], style=style,
                              name=name))
        elif slot.kind == "bullets" and name in scene.bullets:
            bl = scene.bullets[name]
            x, y, w, h = box
            step = h / max(1, len(bl))
            for i, b in enumerate(bl):
                items.append(Item("text", (x, round(y + i * step), w, round(step)), BULLET_STAGGER * i, duration,
                                  slot.animate, text="• " + b[lang], style=style, align="start", name=f"{name}[{i}]"))
        elif slot.kind == "image" and name in scene.images:
            items.append(Item("image", box, 0.0, duration, slot.animate, file=str(scene.images[name]), name=name))
    for i, e in enumerate(scene.elements):
        box = mirror(px_box(platform, e.box), platform, rtl)
        end = min(duration, e.end) if e.end is not None else duration
        if e.type == "text":
            items.append(Item("text", box, e.start, end, e.animate, text=e.text[lang], style=styles.get(e.style),
                              name=f"elements[{i}]"))
        elif e.type in ("image", "video"):
            items.append(Item(e.type, box, e.start, end, e.animate, file=str(e.file), name=f"elements[{i}]"))
        else:
            items.append(Item(e.type, box, e.start, end, e.animate, shape=e.shape, color=e.color, name=f"elements[{i}]"))
    return tuple(items)


def build(script: Script, lang: str, platform: Platform, lines: Mapping[str, Line] | None = None) -> Timeline:
    """Fix every time: scene starts and lengths, item windows. `lines` maps scene id -> voiceover."""
    lines = lines or {}
    rtl = lang in RTL_LANGUAGES
    template = script.template
    out, t = [], 0.0
    for i, scene in enumerate(script.scenes):
        line = lines.get(scene.id)
        if line is None and scene.say:
            line = estimate_line(scene.say[lang], lang)
        duration = scene_duration(scene, lang, line, template.padding)
        layout = template.layouts[scene.layout]
        background = scene.background or layout.background or Background("color", ("primary",))
        transition = scene.transition or template.transition
        if i == len(script.scenes) - 1:
            transition = Transition("cut", 0.0)
        out.append(SceneTime(scene, i, t, duration, background,
                             scene_items(script, scene, lang, platform, duration, rtl),
                             transition, line))
        t += duration
    return Timeline(script=script, lang=lang, platform=platform, scenes=tuple(out), duration=t, rtl=rtl,
                    brand=script.brand)


__all__ = ["Line", "Word", "Item", "SceneTime", "Timeline", "build", "estimate_line", "frozen_map"]
