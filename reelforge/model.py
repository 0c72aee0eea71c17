"""The typed, immutable model of a script and what it uses. No YAML in here.

Every later stage (timeline, speech, render, captions, lint, build) consumes these values.
Colours stay as references (`primary` or `#RRGGBB[AA]`) checked at load time and turned into
RGBA by `Brand.rgba`, so that templates can be shared between brands.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Optional

from .language import LANGUAGES as LANGUAGE_RECORDS

LANGUAGES = {code: lang.name for code, lang in LANGUAGE_RECORDS.items()}     # views of reelforge.language
RTL_LANGUAGES = {code for code, lang in LANGUAGE_RECORDS.items() if lang.rtl}
ASPECTS = ("9:16", "4:5", "1:1", "16:9")
Text = Mapping[str, str]              # language -> string
Box = tuple[float, float, float, float]   # x, y, w, h in percent of the safe area
RGBA = tuple[int, int, int, int]


def frozen_map(d) -> Mapping:
    return MappingProxyType(dict(d))


def hex_rgba(value: str) -> Optional[RGBA]:
    """'#RRGGBB' or '#RRGGBBAA' -> RGBA, or None when it is not a hex colour."""
    v = value[1:] if value.startswith("#") else None
    if v is None or len(v) not in (6, 8):
        return None
    try:
        n = [int(v[i:i + 2], 16) for i in range(0, len(v), 2)]
    except ValueError:
        return None
    return (n[0], n[1], n[2], n[3] if len(n) == 4 else 255)


@dataclass(frozen=True)
class Keyframe:
    at: float            # seconds from the item's start
    x: float = 0.0       # offset, percent of the frame width
    y: float = 0.0       # offset, percent of the frame height
    scale: float = 1.0
    opacity: float = 1.0
    ease: str = "ease-in-out"   # easing from the previous keyframe to this one


@dataclass(frozen=True)
class Animation:
    enter: str = "fade"
    exit: str = "none"
    duration: float = 0.5
    keyframes: tuple = ()   # Keyframe, ..., sorted by time


@dataclass(frozen=True)
class Transition:
    name: str = "fade"
    duration: float = 0.4


@dataclass(frozen=True)
class Background:
    kind: str                      # color | gradient | image | video
    colors: tuple[str, ...] = ()
    direction: str = "vertical"    # gradient: vertical | horizontal | diagonal | radial
    file: Optional[Path] = None
    fit: str = "cover"
    zoom: float = 1.0
    start: float = 0.0
    loop: bool = True
    drift: float = 0.0             # continuous motion: percent of the short side a second (pan, gradient flow)
    shapes: int = 0                # decorative soft shapes drifting at different depths (parallax)


@dataclass(frozen=True)
class Element:
    """A free element: the keys every kind has, and the options its kind declares (read as
    attributes: `element.text`, `element.file`)."""
    type: str                      # a name of the `reelforge.elements` registry
    box: Box
    start: float = 0.0
    end: Optional[float] = None
    animate: Animation = Animation()
    options: Mapping[str, object] = field(default_factory=lambda: frozen_map({}))
    line: int = 0

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.__dict__["options"].get(name)


@dataclass(frozen=True)
class Scene:
    id: str
    layout: str
    say: Optional[Text]
    texts: Mapping[str, Text]                  # slot name -> text
    bullets: Mapping[str, tuple[Text, ...]]    # slot name -> list of texts
    images: Mapping[str, Path]                 # slot name -> file
    background: Optional[Background]
    duration: Optional[float]                  # None = auto
    transition: Optional[Transition]
    elements: tuple[Element, ...]
    line: int = 0
    pos: Mapping[str, tuple[int, int]] = field(default_factory=lambda: frozen_map({}))   # key -> line, col
    voices: Mapping[str, "Voice"] = field(default_factory=lambda: frozen_map({}))   # lang -> this scene's profile


@dataclass(frozen=True)
class Slot:
    name: str
    kind: str                      # text | bullets | image
    style: str = "body"
    animate: Animation = Animation()


@dataclass(frozen=True)
class Layout:
    name: str
    slots: Mapping[str, Slot]
    boxes: Mapping[str, Mapping[str, Box]]     # aspect class -> slot -> box
    background: Optional[Background] = None
    elements: tuple["Element", ...] = ()       # drawn under the slots in every scene of the layout


@dataclass(frozen=True)
class CaptionRules:
    """Caption segmentation and reading rules (Netflix timed-text defaults), per language."""
    max_line: int = 42             # characters a line (block captions)
    max_lines: int = 2
    min_event: float = 5 / 6       # seconds
    max_event: float = 7.0
    gap_frames: int = 2
    karaoke_words: int = 3
    karaoke_chars: int = 24
    reading_speed: float = 17.0    # characters a second (checked by lint)


DEFAULT_CAPTION_RULES = {code: CaptionRules(reading_speed=lang.reading_cps) for code, lang in LANGUAGE_RECORDS.items()}


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    chain: tuple[Path, ...]        # this file and every file it extends, for cache keys
    padding: float
    transition: Transition
    intro: Optional[str]
    outro: Optional[str]
    layouts: Mapping[str, Layout]
    captions: Mapping[str, CaptionRules] = field(default_factory=lambda: frozen_map({}))   # lang -> rules
    caption_style: Optional[str] = None    # `captions.style`: the default burned-in caption style
    caption_motion: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: frozen_map({}))  # pop/bounce

    def caption_rules(self, lang: str) -> CaptionRules:
        if lang in self.captions:
            return self.captions[lang]
        if "*" in self.captions:      # the template's rules, with the language's default reading speed
            from dataclasses import replace
            base = self.captions["*"]
            if lang in DEFAULT_CAPTION_RULES and base.reading_speed == CaptionRules().reading_speed:
                return replace(base, reading_speed=DEFAULT_CAPTION_RULES[lang].reading_speed)
            return base
        return DEFAULT_CAPTION_RULES.get(lang, CaptionRules())


@dataclass(frozen=True)
class TextStyle:
    name: str
    size: float                    # percent of the frame's short side
    min_size: float
    weight: str = "regular"
    color: str = "light"
    align: str = "center"
    line_spacing: float = 1.2
    marker: str = "accent"         # a bullet's marker, in a bullets slot
    stroke_width: float = 0.0      # percent of the short side
    stroke_color: str = "dark"
    shadow_offset: tuple[float, float] = (0.0, 0.0)
    shadow_blur: float = 0.0
    shadow_color: Optional[str] = None
    box_color: Optional[str] = None
    box_padding: float = 0.0
    box_radius: float = 0.0


@dataclass(frozen=True)
class Logo:
    file: Path
    on_dark: Optional[Path]
    position: str = "top-end"      # top-start | top-end | bottom-start | bottom-end | top-center
    size: float = 14.0             # width in percent of the safe area's width
    clear_space: float = 0.25      # share of the logo's height kept free around it


@dataclass(frozen=True)
class EndCard:
    text: Text
    url: str = ""
    hashtag: str = ""


@dataclass(frozen=True)
class Brand:
    name: str
    key: str                       # the name the script used, or the kit folder's name
    path: Path                     # the kit folder
    colors: Mapping[str, str]      # name -> hex
    fonts: Mapping[str, Mapping[str, Path]]    # script (arabic|latin|tifinagh) -> weight -> file
    logo: Optional[Logo]
    styles: Mapping[str, TextStyle]
    captions: TextStyle
    caption_highlight: str
    end_card: Optional[EndCard]
    lint: Mapping[str, object] = field(default_factory=lambda: frozen_map({}))   # thresholds; off: {rule: why}
    lottie_colors: Mapping[str, str] = field(default_factory=lambda: frozen_map({}))   # file hex -> colour, every Lottie
    caption_options: Mapping[str, object] = field(default_factory=lambda: frozen_map({}))   # pill/pop/bounce: colours, scale
    caption_style: Optional[str] = None    # `captions.style`: the kit's default caption style
    pronounce: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: frozen_map({}))  # written -> {lang: said}
    font_features: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: frozen_map({}))  # script -> OpenType

    def rgba(self, ref: str) -> RGBA:
        value = self.colors.get(ref, ref)
        rgba = hex_rgba(value)
        if rgba is None:
            raise KeyError(f"unknown colour {ref!r}")
        return rgba


@dataclass(frozen=True)
class Voice:
    name: str
    path: Optional[Path]           # None for an inline profile
    engine: str
    language: str
    options: Mapping[str, object] = field(default_factory=lambda: frozen_map({}))


@dataclass(frozen=True)
class Subtitles:
    burn: bool = True
    style: Optional[str] = None    # a caption style's name; None: the template's, the kit's, or karaoke
    sidecar: tuple[str, ...] = ("srt", "vtt")
    also: Mapping[str, str] = field(default_factory=lambda: frozen_map({}))


@dataclass(frozen=True)
class Music:
    file: Path
    volume_db: float = -20.0
    duck_db: float = -10.0


@dataclass(frozen=True)
class Script:
    path: Path
    project: Path
    id: str
    title: Text
    brand: Brand
    template: Template
    languages: tuple[str, ...]
    platforms: tuple[str, ...]
    voices: Mapping[str, Voice]
    subtitles: Subtitles
    music: Optional[Music]
    digits: str
    vars: Mapping[str, str]
    scenes: tuple[Scene, ...]
    pos: Mapping[str, tuple[int, int]] = field(default_factory=lambda: frozen_map({}))   # key -> line, col
    pronounce: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: frozen_map({}))  # over the kit's
    typography: Mapping[str, Mapping[str, object]] = field(default_factory=lambda: frozen_map({}))  # lang -> {spacing}

    def spacing(self, lang: str) -> bool:
        """French typographic spacing (thin no-break spaces) on screen and in captions for `lang`."""
        own = self.typography.get(lang, {}).get("spacing")
        return LANGUAGE_RECORDS[lang].spacing if own is None and lang in LANGUAGE_RECORDS else bool(own)
