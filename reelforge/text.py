"""Lay out and rasterise one block of text into a box: Arabic, Latin and Tifinagh, mixed.

- Arabic is shaped by Pillow's raqm layout (HarfBuzz + FriBiDi). Without raqm we refuse to draw:
  basic layout would show Arabic disconnected and reversed.
- A line is cut into pieces at every change of script font, direction or space, so each piece is
  drawn with the brand's font for its script ("Pass Jeunes" inside Arabic never becomes tofu) and
  each word's box is known (karaoke highlight, word-by-word reveal).
- Bidi for the two-level case: the paragraph direction comes from its first strong letter; Latin
  words and numbers inside Arabic form left-to-right islands (and Arabic inside French right-to-left
  ones); neutrals between two islands of one direction join them, others take the paragraph's. A
  protected left-to-right span (spans.py: phone number, date, time, email, URL, Latin name) inside
  Arabic is one island in its natural order: `+212 6 12 34 56 78`, `+` on the left.
- Wrapping breaks only between protected spans, never at a no-break space, never after a weak word
  when it can be helped; lines are balanced (the fewest lines, then the narrowest that keeps their
  number), and a bullet's continuation lines hang under its text.
- Sizes come from real font metrics and ink boxes: diacritics and descenders are never clipped,
  and the whole block (ink, stroke, shadow, background box) stays inside the box when it fits.
"""
from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

from . import spans
from .language import TO_WESTERN_DIGITS, language, script_of
from .memo import Memo, Pictures, code_digest, digest, file_id

SCRIPTS = ("arabic", "latin", "tifinagh")
RGBA = tuple[int, int, int, int]
CONTROLS = {"\u200e", "\u200f", "\u200b", "\u200c", "\u200d", "\u2066", "\u2067", "\u2068", "\u2069",
            "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\ufeff"}
TO_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class TextError(Exception):
    """Text cannot be drawn correctly on this system."""


def clean(text: str, digits: str = "western") -> str:
    """One digit set for the whole video. Tatweel is kept as the author wrote it (captions and speech
    strip it themselves)."""
    if digits == "arabic-indic":
        return text.translate(TO_ARABIC_INDIC)
    return text.translate(TO_WESTERN_DIGITS)


# IRCAM-standard Tifinagh writes every letter on its own: Noto Sans Tifinagh's `liga` joins ⵍⵍ, ⵍⵏ, ⵏⵍ and ⵏⵏ,
# so it is off by default; the ligatures an author asks for with the consonant joiner (U+2D7F) stay (`ccmp`).
DEFAULT_FEATURES = {"tifinagh": ("-liga",)}
EMBOLDEN = 0.03          # share of the font size added around each stem for a synthesised bold (Noto Bold ≈ +0.06 em)


@dataclass(frozen=True)
class Fonts:
    """Font files per script and weight (regular, bold)."""
    arabic: Mapping[str, Path]
    latin: Mapping[str, Path]
    tifinagh: Mapping[str, Path]
    features: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FEATURES))   # per script

    @classmethod
    def from_brand(cls, brand) -> "Fonts":
        return cls(**{s: dict(brand.fonts.get(s, {})) for s in SCRIPTS},
                   features={**DEFAULT_FEATURES, **getattr(brand, "font_features", {})})

    def _script(self, font: Path) -> Optional[str]:
        return next((s for s in SCRIPTS if font in getattr(self, s).values()), None)

    def features_of(self, font: Path) -> Optional[list[str]]:
        """The OpenType features raqm gets for text in this font (the kit's, per script)."""
        return list(self.features.get(self._script(font), ())) or None

    def embolden(self, font: Path, weight: str, size: float) -> float:
        """Pixels of same-colour stroke that draw a bold weight with a regular face, when the kit has
        no bold file for the font's script (Noto Sans Tifinagh has none); 0 otherwise."""
        script = self._script(font)
        if weight != "bold" or script is None or "bold" in getattr(self, script):
            return 0.0
        return size * EMBOLDEN

    def path(self, script: str, weight: str) -> Optional[Path]:
        files = getattr(self, script)
        return files.get(weight) or files.get("regular") or next(iter(files.values()), None)

    def choose(self, ch: str, script: Optional[str], context: Optional[str], weight: str) -> Optional[Path]:
        """The font for one character: its script's, else the surrounding script's, else any covering it."""
        order = [script] if script else [context, "latin", "arabic", "tifinagh"]
        for s in order:
            p = self.path(s, weight) if s else None
            if p is not None and covers(p, ch):
                return p
        for s in SCRIPTS:
            p = self.path(s, weight)
            if p is not None and covers(p, ch):
                return p
        return None


# font file identity -> the code points it maps, as [first, last] ranges (some 700 bytes a font: fewer kept)
_COVERAGE = Memo("coverage", max_entries=400)


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset:
    ident = file_id(path)
    ranges = _COVERAGE.get(ident) if ident else None
    if ranges is None:
        from fontTools.ttLib import TTFont      # decoding a cmap costs ~15 ms a font: once per font file
        with TTFont(str(path), lazy=True) as f:
            points = sorted(f.getBestCmap() or {})
        ranges = []
        for cp in points:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
        if ident:
            _COVERAGE.put(ident, ranges)
    return frozenset(cp for first, last in ranges for cp in range(first, last + 1))


def covers(path: Path, ch: str) -> bool:
    return ord(ch) in _cmap(path if isinstance(path, Path) else Path(path))


def missing_chars(text: str, fonts: Fonts, weight: str = "regular") -> list[str]:
    """Characters that no configured font covers (they would be tofu)."""
    out = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or ch in CONTROLS or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if fonts.choose(ch, script_of(ch), None, weight) is None and ch not in out:
            out.append(ch)
    return out


@lru_cache(maxsize=256)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def require_raqm() -> None:
    if not features.check("raqm"):
        raise TextError("Pillow cannot shape Arabic here (no raqm layout: libfribidi is missing); "
                        "install it with `sudo apt-get install libfribidi0` and run `reelforge doctor`")


@dataclass(frozen=True)
class Style:
    size_px: float
    min_size_px: float
    color: RGBA
    weight: str = "regular"
    align: str = "center"
    line_spacing: float = 1.2
    stroke_px: float = 0.0
    stroke_color: RGBA = (0, 0, 0, 255)
    shadow_offset: tuple[float, float] = (0.0, 0.0)
    shadow_blur_px: float = 0.0
    shadow_color: Optional[RGBA] = None
    box_color: Optional[RGBA] = None
    box_padding_px: float = 0.0
    box_radius_px: float = 0.0


@dataclass(frozen=True)
class Piece:
    text: str
    font: Path
    rtl: bool
    word: Optional[int]      # index of the word it belongs to (None for spaces)


@dataclass(frozen=True)
class Placed:
    piece: Piece
    x: float                 # left edge of its advance, from the line's left
    width: float


@dataclass(frozen=True)
class LaidLine:
    text: str
    pieces: tuple[Placed, ...]
    width: float
    ink_left: float
    ink_right: float
    ink_top: float           # relative to the baseline (negative = above)
    ink_bottom: float
    arabic: bool


@dataclass(frozen=True)
class Block:
    image: Image.Image       # RGBA, tight around everything drawn
    offset: tuple[int, int]  # where image's top-left goes, relative to the box's top-left
    size_px: float           # font size after auto-fit
    fits: bool
    lines: tuple[str, ...]
    word_boxes: tuple[tuple[float, float, float, float], ...]   # per word (logical order), image coords
    direction: str


def base_rtl(text: str) -> bool:
    for ch in text:
        s = script_of(ch)
        if s:
            return s == "arabic"
    return False


def _directions(line: str, rtl: bool) -> list[bool]:
    """Resolved direction per character (True = right-to-left) for the two-level case."""
    forced = [False] * len(line)
    if rtl:     # a protected left-to-right span is one island (even on a line of its own)
        for s in (s for s in spans.find(line) if s.ltr(line)):
            forced[s.start:s.end] = [True] * (s.end - s.start)
    cls = []
    for ch, ltr in zip(line, forced):
        if ltr:
            cls.append("L")
            continue
        s = script_of(ch)
        if s == "arabic":
            cls.append("R")
        elif s or ch.isdigit():
            cls.append("L")     # Latin/Tifinagh letters, and numbers (always shown left to right)
        else:
            cls.append(None)
    out = []
    for i, c in enumerate(cls):
        if c:
            out.append(c == "R")
            continue
        prev = next((cls[j] for j in range(i - 1, -1, -1) if cls[j]), None)
        nxt = next((cls[j] for j in range(i + 1, len(cls)) if cls[j]), None)
        out.append((prev == "R") if prev == nxt and prev else rtl)
    return out


def _pieces(line: str, rtl: bool, fonts: Fonts, weight: str, first_word: int) -> list[Piece]:
    dirs = _directions(line, rtl)
    pieces: list[Piece] = []
    word, in_word, context = first_word - 1, False, None
    cur_text, cur_key = "", None
    for ch, d in zip(line, dirs):
        s = script_of(ch)
        if s:
            context = s
        space = ch.isspace()
        if not space and not in_word:
            word += 1
        in_word = not space
        font = fonts.choose(ch, s, context or ("arabic" if rtl else "latin"), weight) or fonts.path("latin", weight)
        key = (font, d, None if space else word)
        if key != cur_key and cur_text:
            pieces.append(Piece(cur_text, cur_key[0], cur_key[1], cur_key[2]))
            cur_text = ""
        cur_text += ch
        cur_key = key
    if cur_text:
        pieces.append(Piece(cur_text, cur_key[0], cur_key[1], cur_key[2]))
    return pieces


def _visual(pieces: list[Piece], rtl: bool) -> list[Piece]:
    """Reorder logical pieces for display: runs of one direction, reversed where they read RTL."""
    runs: list[list[Piece]] = []
    for p in pieces:
        if runs and runs[-1][0].rtl == p.rtl:
            runs[-1].append(p)
        else:
            runs.append([p])
    if rtl:
        runs.reverse()
    out = []
    for run in runs:
        out.extend(reversed(run) if run[0].rtl else run)
    return out


_LINES: dict = {}        # laid lines by (fonts, line, rtl, weight, size, first word): immutable, shared


def _fonts_key(fonts: Fonts) -> tuple:
    """The fonts as their files' identities (a font replaced in place is another font) and features: the
    key of laid lines in this process and of remembered fits between runs."""
    key = fonts.__dict__.get("_key")
    if key is None:
        key = tuple((s, tuple(sorted((w, file_id(f) or str(f)) for w, f in getattr(fonts, s).items()))) for s in SCRIPTS) \
            + tuple(sorted((s, tuple(v)) for s, v in fonts.features.items()))
        fonts.__dict__["_key"] = key        # frozen dataclass: a cache beside the fields, not a field
    return key


def _lay_line(line: str, rtl: bool, fonts: Fonts, weight: str, size: int, first_word: int) -> LaidLine:
    """`_lay_out_line`, remembered: validation, fitting and drawing lay the same lines out many times."""
    key = (_fonts_key(fonts), line, rtl, weight, size, first_word)
    laid = _LINES.get(key)
    if laid is None:
        if len(_LINES) > 50_000:
            _LINES.clear()
        laid = _LINES[key] = _lay_out_line(line, rtl, fonts, weight, size, first_word)
    return laid


_WIDTHS: dict = {}       # advance widths by the same keys as _LINES


def _advance(line: str, rtl: bool, fonts: Fonts, weight: str, size: int, first_word: int) -> float:
    """`_lay_line(...).width` without measuring ink: wrapping needs every word's advance, and only the
    lines it settles on need their ink boxes (measuring ink costs 5x an advance)."""
    key = (_fonts_key(fonts), line, rtl, weight, size, first_word)
    laid = _LINES.get(key)
    if laid is not None:
        return laid.width
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) > 50_000:
            _WIDTHS.clear()
        x = 0.0
        for p in _visual(_pieces(line, rtl, fonts, weight, first_word), rtl):
            x += _font(p.font, size).getlength(p.text, direction="rtl" if p.rtl else "ltr",
                                               features=fonts.features_of(p.font))
        width = _WIDTHS[key] = x
    return width


def _lay_out_line(line: str, rtl: bool, fonts: Fonts, weight: str, size: int, first_word: int) -> LaidLine:
    placed, x = [], 0.0
    top = bottom = 0.0
    left, right = 0.0, 0.0
    arabic = False
    for p in _visual(_pieces(line, rtl, fonts, weight, first_word), rtl):
        f = _font(p.font, size)
        direction = "rtl" if p.rtl else "ltr"
        features = fonts.features_of(p.font)
        w = f.getlength(p.text, direction=direction, features=features)
        if not p.text.isspace():
            l, t, r, b = _ink_box(f, p.text, direction, tuple(features or ()), fonts.embolden(p.font, weight, size))
            left, right = min(left, x + l), max(right, x + r)
            top, bottom = min(top, t), max(bottom, b)
        asc, desc = f.getmetrics()
        top, bottom = min(top, -asc * 0.8), max(bottom, desc * 0.5)
        arabic |= any(script_of(c) == "arabic" for c in p.text)
        placed.append(Placed(p, x, w))
        x += w
    return LaidLine(line, tuple(placed), x, left, max(right, x), top, bottom, arabic)


def rules_lang(text: str, rtl: bool, lang: Optional[str] = None) -> str:
    """Whose line-break rules apply: the given language when the text is in its script, else the
    language of the text's script (a French line under an Arabic caption breaks the French way)."""
    script = "arabic" if rtl and any(script_of(c) == "arabic" for c in text) else \
        next((script_of(c) for c in text if script_of(c)), "latin")
    if lang and language(lang).script == script:
        return lang
    return {"arabic": "ar", "tifinagh": "zgh"}.get(script, "fr")


def _wrap(paragraph: str, width: float, rtl: bool, fonts: Fonts, weight: str, size: int, first_word: int,
          lang: str):
    """Balanced wrap in logical order, breaking only between units (spans.units). Returns the laid
    lines, whether every line fits, and the hanging indent of a bullet's continuation lines."""
    ws = spans.words(paragraph)
    if not ws:
        return [], True, 0.0
    starts = [first_word]
    for w in ws:
        starts.append(starts[-1] + len(w.split()))     # word indices count every space (see _pieces)

    def lay(i, j):
        return _lay_line(" ".join(ws[i:j]), rtl, fonts, weight, size, starts[i])
    space = _font(fonts.path("arabic" if rtl else "latin", weight) or fonts.path("latin", weight), size).getlength(" ")
    adv = [_advance(ws[i], rtl, fonts, weight, size, starts[i]) for i in range(len(ws))]
    indent = adv[0] + space if ws[0] == "•" and len(ws) > 1 else 0.0

    def measure(u):
        return sum(adv[i] for i in u) + space * (len(u) - 1)
    groups = spans.units(ws, lang, fits=lambda u: measure(u) <= width - indent)
    widths = [measure(g) for g in groups]
    # a protected span wider than the box is split only as a last resort: first shrink the text
    whole = all(measure(u) <= width - indent for u in spans.units(ws, lang, soft=False))

    def greedy(limit):
        lines, cur, used = [], [], 0.0
        for g, w in zip(groups, widths):
            room = limit - (indent if lines else 0.0)
            if cur and used + space + w > room:
                lines.append(cur)
                cur, used = [], 0.0
            used = w if not cur else used + space + w
            cur.append(g)
        return lines + [cur]

    def laid(lines):
        out = [lay(ln[0][0], ln[-1][-1] + 1) for ln in lines]
        return out, all(line.ink_right - line.ink_left <= width - (indent if k else 0.0) + 0.5
                        for k, line in enumerate(out))
    lines = greedy(width)
    if len(lines) > 1:     # balance: the narrowest limit that keeps the number of lines
        lo, hi = max(widths), width
        for _ in range(10):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if len(greedy(mid)) <= len(lines) else (mid, hi)
        balanced, ok = laid(greedy(hi))
        if ok:
            return balanced, ok and whole, indent
    out, ok = laid(lines)
    return out, ok and whole, indent


@dataclass(frozen=True)
class _Layout:
    lines: tuple[LaidLine, ...]
    indents: tuple[float, ...]   # hanging indent of each line (a bullet's continuation lines)
    baselines: tuple[float, ...]
    xs: tuple[float, ...]
    top: float
    bottom: float
    size: int
    fits: bool


def _margin(style: Style, scale: float) -> tuple[float, float, float, float]:
    """Room around the text for the box, stroke and shadow: left, top, right, bottom."""
    pad = style.box_padding_px * scale if style.box_color else 0.0
    stroke = style.stroke_px * scale
    dx, dy = style.shadow_offset[0] * scale, style.shadow_offset[1] * scale
    blur = style.shadow_blur_px * scale * 2 if style.shadow_color else 0.0
    sdx = abs(dx) + blur if style.shadow_color else 0
    sdy = abs(dy) + blur if style.shadow_color else 0
    return (max(pad, stroke + (sdx if dx < 0 else blur)), max(pad, stroke + (sdy if dy < 0 else blur)),
            max(pad, stroke + (sdx if dx > 0 else blur)), max(pad, stroke + (sdy if dy > 0 else blur)))


_LAYOUTS: dict = {}      # laid-out blocks by what a layout depends on (not the colours)


def _layout(text: str, fonts: Fonts, style: Style, box_w: float, box_h: float, rtl: bool, size: int,
            scale: float, valign: str, lang: str) -> _Layout:
    """`_lay_out`, remembered: a caption's box, its text and its text in the highlight colour are laid
    out once."""
    margin = _margin(style, scale)
    key = (_fonts_key(fonts), text, style.weight, style.line_spacing, style.align, margin, box_w, box_h, rtl, size,
           valign, lang)
    laid = _LAYOUTS.get(key)
    if laid is None:
        if len(_LAYOUTS) > 5_000:
            _LAYOUTS.clear()
        laid = _LAYOUTS[key] = _lay_out(text, fonts, style, box_w, box_h, rtl, size, margin, valign, lang)
    return laid


def _lay_out(text: str, fonts: Fonts, style: Style, box_w: float, box_h: float, rtl: bool, size: int,
             margin: tuple, valign: str, lang: str) -> _Layout:
    ml, mt, mr, mb = margin
    inner_w, inner_h = box_w - ml - mr, box_h - mt - mb
    lines, indents, ok, word = [], [], True, 0
    for paragraph in text.split("\n"):
        laid, fit, indent = _wrap(paragraph, inner_w, rtl, fonts, style.weight, size, word, lang)
        word += len(paragraph.split())
        lines += laid or [_lay_line("", rtl, fonts, style.weight, size, word)]
        indents += [0.0] + [indent] * (len(laid) - 1) if laid else [0.0]
        ok &= fit
    pitch = size * style.line_spacing * (1.3 if any(line.arabic for line in lines) else 1.0)
    baselines, y = [], 0.0
    for k, line in enumerate(lines):
        y = -line.ink_top if k == 0 else y + pitch
        baselines.append(y)
    top = min(b + line.ink_top for b, line in zip(baselines, lines))
    bottom = max(b + line.ink_bottom for b, line in zip(baselines, lines))
    height = bottom - top
    ok &= height <= inner_h + 0.5
    dy = mt + {"top": 0.0, "bottom": inner_h - height}.get(valign, (inner_h - height) / 2) - top
    baselines = [b + dy for b in baselines]
    align = style.align
    if align in ("start", "end"):
        align = {("start", True): "right", ("start", False): "left",
                 ("end", True): "left", ("end", False): "right"}[(align, rtl)]
    xs = []
    for line, indent in zip(lines, indents):
        ink_w = line.ink_right - line.ink_left
        if align == "left":
            x = ml - line.ink_left + indent
        elif align == "right":
            x = ml + inner_w - ink_w - line.ink_left - indent
        else:
            x = ml + (inner_w - ink_w) / 2 - line.ink_left
        xs.append(x)
    return _Layout(tuple(lines), tuple(indents), tuple(baselines), tuple(xs), top + dy, bottom + dy, size, ok)


def fit(text: str, fonts: Fonts, style: Style, box_w: float, box_h: float, *, direction: Optional[str] = None,
        valign: str = "center", lang: Optional[str] = None, size: Optional[float] = None) -> _Layout:
    """Lay the text out at the style's size (or `size`), shrinking by 4% steps to its minimum until it
    fits. `lang` chooses the line-break rules (see rules_lang)."""
    args = _fit_args(text, fonts, style, box_w, box_h, direction, valign, lang, size)
    size, _ = fitted(*args)
    return _layout(*args[:6], _round(size), _scale(size, style), *args[7:9])


def fits(text: str, fonts: Fonts, style: Style, box_w: float, box_h: float, *, direction: Optional[str] = None,
         valign: str = "center", lang: Optional[str] = None) -> bool:
    """Whether the text fits its box at worst at the style's minimum size: fit(...).fits, without
    laying it out when an earlier run already found out (validation's question for every text)."""
    return fitted(*_fit_args(text, fonts, style, box_w, box_h, direction, valign, lang, None))[1]


def _fit_args(text, fonts, style, box_w, box_h, direction, valign, lang, size) -> tuple:
    require_raqm()
    rtl = base_rtl(text) if direction is None else direction == "rtl"
    size = max(1.0, style.size_px if size is None else min(size, style.size_px))
    return text, fonts, style, box_w, box_h, rtl, size, valign, rules_lang(text, rtl, lang)


def _round(size: float) -> int:
    return max(1, round(size))


def _scale(size: float, style: Style) -> float:
    return size / style.size_px if style.size_px else 1.0


_FITTED = Memo("fitted")     # everything a fit depends on (fonts by identity, the layout code) -> [size, fits]


def fitted(text, fonts, style, box_w, box_h, rtl, size, valign, rules) -> tuple[float, bool]:
    """The size fit() settles on and whether the text fits there; remembered between runs, so an
    unchanged text block is laid out once (to draw it), not once per size tried on every validation."""
    key = digest([_fonts_key(fonts), _layout_code(), text, repr(style), box_w, box_h, rtl, size, valign, rules])
    known = _FITTED.get(key)
    if known is not None:
        return float(known[0]), bool(known[1])
    while True:
        lay = _layout(text, fonts, style, box_w, box_h, rtl, _round(size), _scale(size, style), valign, rules)
        if lay.fits or size <= style.min_size_px:
            break
        size = max(style.min_size_px, size * 0.96)
    _FITTED.put(key, [size, lay.fits])
    return size, lay.fits


@lru_cache(maxsize=1)
def _layout_code() -> str:
    """What decides a layout besides its inputs: this code and the line-break rules', Pillow, raqm."""
    import PIL
    from . import language as language_module
    return digest([PIL.__version__, features.version("raqm"), code_digest(sys.modules[__name__], spans, language_module)])


def fit_together(texts, fonts: Fonts, style: Style, boxes, *, directions=None,
                 lang: Optional[str] = None) -> tuple[float, float, float]:
    """Texts that read as one block (a list's bullets): their common size, the smallest of their fitted
    sizes, so that every one fits and none looks bigger than its neighbours; and the block's ink extent
    (left, right) at that size, in box coordinates (every box as wide, stacked)."""
    directions = directions or [None] * len(texts)
    size = min(_round(fitted(*_fit_args(t, fonts, style, w, h, d, "center", lang, None))[0])
               for t, (w, h), d in zip(texts, boxes, directions))
    lays = [fit(t, fonts, style, w, h, direction=d, lang=lang, size=size) for t, (w, h), d in zip(texts, boxes, directions)]
    left = min(x + line.ink_left for lay in lays for x, line in zip(lay.xs, lay.lines))
    right = max(x + line.ink_right for lay in lays for x, line in zip(lay.xs, lay.lines))
    return float(min(lay.size for lay in lays)), left, right


def _blurred(alpha: Image.Image, radius: float) -> Image.Image:
    """A Gaussian blur of a shadow's alpha, computed only around the ink (a margin beyond the blur's
    reach): the same pixels as blurring the whole RGBA canvas, whose colour channels are constant,
    in a tenth of the time."""
    box = alpha.getbbox()
    if box is None:
        return alpha
    m = int(radius * 4) + 8
    box = (max(0, box[0] - m), max(0, box[1] - m), min(alpha.width, box[2] + m), min(alpha.height, box[3] + m))
    out = Image.new("L", alpha.size, 0)
    out.paste(alpha.crop(box).filter(ImageFilter.GaussianBlur(radius)), box[:2])
    return out


DRAWN = Pictures("drawn")   # everything a block depends on (as for a fit, and the highlight) -> its pixels
RECENT: dict[str, Block] = {}   # blocks drawn lately in this process (a caption's plain and coloured text)
KEEP_RECENT = 16


def render_text(text: str, fonts: Fonts, style: Style, box_w: float, box_h: float, *,
                direction: Optional[str] = None, valign: str = "center",
                highlight: Optional[tuple[int, RGBA]] = None, lang: Optional[str] = None,
                size: Optional[float] = None) -> Block:
    """Rasterise `text` fitted into a box_w × box_h box (from `size` down, if given). See the module
    docstring. Remembered between runs: a fresh `preview` reads an unchanged block instead of drawing it.
    A highlighted word is cut from the text drawn whole in the highlight colour: a karaoke or pill
    caption of n words draws its text twice, not n times."""
    key = digest([_fonts_key(fonts), _layout_code(), text, repr(style), box_w, box_h, direction, valign,
                  highlight, lang, size])
    block = RECENT.pop(key, None)
    if block is None:
        known = DRAWN.get(key)
        if known is not None:
            image, f = known
            block = Block(image=image, offset=tuple(f["offset"]), size_px=f["size_px"], fits=f["fits"],
                          lines=tuple(f["lines"]), word_boxes=tuple(tuple(b) for b in f["word_boxes"]),
                          direction=f["direction"])
        else:
            if highlight is None:
                block = _drawn(text, fonts, style, box_w, box_h, direction, valign, None, lang, size)
            else:
                how = (box_w, box_h, direction, valign, None, lang, size)
                plain = _recent(fonts, text, style, *how)
                coloured = _recent(fonts, text, replace(style, color=highlight[1]), *how)
                block = replace(plain, image=_highlighted(plain, coloured, highlight[0], style))
            DRAWN.put(key, block.image, {"offset": block.offset, "size_px": block.size_px, "fits": block.fits,
                                          "lines": block.lines, "word_boxes": block.word_boxes,
                                          "direction": block.direction})
    return _keep(key, block)


def _keep(key: str, block: Block) -> Block:
    RECENT[key] = block                 # the most recent last
    if len(RECENT) > KEEP_RECENT:
        del RECENT[next(iter(RECENT))]
    return block


def _recent(fonts: Fonts, text: str, style: Style, *how) -> Block:
    """A block drawn lately in this process, or drawn now (not written to the memo: a highlighted block
    is, whole)."""
    key = digest([_fonts_key(fonts), _layout_code(), text, repr(style), *how])
    block = RECENT.pop(key, None)
    return _keep(key, block if block is not None else _drawn(text, fonts, style, *how))


def _highlighted(plain: Block, coloured: Block, k: int, style: Style) -> Image.Image:
    """`plain` with word k as `coloured` (the same text drawn in the highlight colour) draws it: through the
    mask `_drawn` uses for a highlight (the word's box, 1 px wider, the stroke and 2 px taller), set in
    the cropped block's coordinates, whole pixels off the canvas': the same pixels, since text, stroke
    and shadow are the same in both but for the fill colour."""
    if not 0 <= k < len(plain.word_boxes):
        return plain.image
    stroke = int(round(style.stroke_px * (plain.size_px / style.size_px if style.size_px else 1.0)))
    x0, y0, x1, y1 = plain.word_boxes[k]
    mask = Image.new("L", plain.image.size, 0)
    ImageDraw.Draw(mask).rectangle((x0 - 1, y0 - stroke - 2, x1 + 1, y1 + stroke + 2), fill=255)
    return Image.composite(coloured.image, plain.image, mask)


@lru_cache(maxsize=4096)
def _ink_box(font: ImageFont.FreeTypeFont, text: str, direction: str, features: tuple, stroke: float) -> tuple:
    """A piece's ink box from its baseline's start (the same pieces are drawn in several colours)."""
    return font.getbbox(text, direction=direction, anchor="ls", features=list(features) or None, stroke_width=stroke)


def _drawn(text, fonts, style, box_w, box_h, direction, valign, highlight, lang, size) -> Block:
    rtl = base_rtl(text) if direction is None else direction == "rtl"
    lay = fit(text, fonts, style, box_w, box_h, direction="rtl" if rtl else "ltr", valign=valign, lang=lang,
              size=size)
    scale = lay.size / style.size_px if style.size_px else 1.0
    ml, mt, mr, mb = _margin(style, scale)
    # draw on a canvas that surely holds all ink, then crop to what was drawn
    extra = int(lay.size * 2 + sum((ml, mt, mr, mb)) + 8)
    width = int(max([box_w] + [x + line.ink_right for x, line in zip(lay.xs, lay.lines)])) + 2 * extra
    height = int(max(box_h, lay.bottom) - min(0, lay.top)) + 2 * extra
    ox, oy = extra, extra - int(min(0, lay.top))
    stroke = int(round(style.stroke_px * scale))
    boxes: dict[int, list[float]] = {}
    text_layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    hl_layer = Image.new("RGBA", (width, height), (0, 0, 0, 0)) if highlight else None
    draws = [(ImageDraw.Draw(text_layer), style.color)] + ([(ImageDraw.Draw(hl_layer), highlight[1])] if highlight else [])
    if not (style.color[3] or stroke and style.stroke_color[3] or highlight):
        draws = []          # invisible ink (a caption's box drawn on its own): the words' boxes only
    for line, x0, base in zip(lay.lines, lay.xs, lay.baselines):
        for pl in line.pieces:
            p = pl.piece
            if p.text.isspace():
                continue
            f = _font(p.font, lay.size)
            direction_ = "rtl" if p.rtl else "ltr"
            xy = (ox + x0 + pl.x, oy + base)
            features, bold = fonts.features_of(p.font), fonts.embolden(p.font, style.weight, lay.size)
            for d, color in draws:
                d.text(xy, p.text, font=f, fill=color, anchor="ls", direction=direction_, features=features,
                       stroke_width=stroke + bold, stroke_fill=style.stroke_color if stroke else color)
                if bold and stroke:     # the emboldened letters over the outline, in the text's colour
                    d.text(xy, p.text, font=f, fill=color, anchor="ls", direction=direction_, features=features,
                           stroke_width=bold, stroke_fill=color)
            if p.word is not None:
                l, t, r, b = _ink_box(f, p.text, direction_, tuple(features or ()), stroke + bold)
                bx = boxes.setdefault(p.word, [1e9, 1e9, -1e9, -1e9])
                bx[0], bx[1] = min(bx[0], xy[0] + min(l, 0)), min(bx[1], xy[1] + t)
                bx[2], bx[3] = max(bx[2], xy[0] + max(r, pl.width)), max(bx[3], xy[1] + b)
    if highlight and highlight[0] in boxes:
        mask = Image.new("L", (width, height), 0)
        x0_, y0_, x1_, y1_ = boxes[highlight[0]]
        ImageDraw.Draw(mask).rectangle((x0_ - 1, y0_ - stroke - 2, x1_ + 1, y1_ + stroke + 2), fill=255)
        text_layer = Image.composite(hl_layer, text_layer, mask)
    canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if style.box_color:
        pad = style.box_padding_px * scale
        left = min(x + line.ink_left for x, line in zip(lay.xs, lay.lines))
        right = max(x + line.ink_right for x, line in zip(lay.xs, lay.lines))
        rect = (ox + left - pad, oy + lay.top - pad, ox + right + pad, oy + lay.bottom + pad)
        ImageDraw.Draw(canvas).rounded_rectangle(rect, radius=style.box_radius_px * scale, fill=style.box_color)
    if style.shadow_color:
        alpha = text_layer.getchannel("A").point(lambda a: a * style.shadow_color[3] // 255)
        blur = style.shadow_blur_px * scale
        if blur > 0:
            alpha = _blurred(alpha, blur)
        shadow = Image.new("RGBA", (width, height), style.shadow_color[:3] + (0,))
        shadow.putalpha(alpha)
        canvas.alpha_composite(shadow, (int(round(style.shadow_offset[0] * scale)),
                                        int(round(style.shadow_offset[1] * scale))))
    canvas.alpha_composite(text_layer)
    bbox = canvas.getchannel("A").getbbox() or (0, 0, 1, 1)
    image = canvas.crop(bbox)
    cx, cy = bbox[0], bbox[1]
    words = tuple((b[0] - cx, b[1] - cy, b[2] - cx, b[3] - cy) for _, b in sorted(boxes.items()))
    return Block(image=image, offset=(cx - ox, cy - oy), size_px=lay.size, fits=lay.fits,
                 lines=tuple(line.text for line in lay.lines), word_boxes=words, direction="rtl" if rtl else "ltr")
