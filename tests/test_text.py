"""Text layout, judged by pixels: direction, alignment, mixed scripts, diacritics, wrapping, fit."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reelforge.text import Fonts, Style, clean, missing_chars, render_text

KIT = Path(__file__).resolve().parents[1] / "brand" / "demo" / "fonts"
FONTS = Fonts(arabic={"regular": KIT / "NotoSansArabic-Regular.ttf", "bold": KIT / "NotoSansArabic-Bold.ttf"},
              latin={"regular": KIT / "NotoSans-Regular.ttf", "bold": KIT / "NotoSans-Bold.ttf"},
              tifinagh={"regular": KIT / "NotoSansTifinagh-Regular.ttf"})
BLACK = (0, 0, 0, 255)


def ink(block):
    return np.asarray(block.image)[..., 3] > 40


def style(**kw):
    base = dict(size_px=60, min_size_px=30, color=BLACK)
    base.update(kw)
    return Style(**base)


@pytest.mark.parametrize("text,align,side", [("سجّل الآن", "start", "right"), ("Inscris-toi", "start", "left"),
                                              ("سجّل الآن", "end", "left")])
def test_alignment_follows_reading_direction(text, align, side):
    block = render_text(text, FONTS, style(align=align), 800, 200)
    x0 = block.offset[0]
    x1 = x0 + block.image.width
    if side == "right":
        assert 800 - 6 <= x1 <= 800 + 1
    else:
        assert -1 <= x0 <= 6


def test_mixed_arabic_line_draws_every_run_in_its_font_and_order():
    text = "سجّل في Pass Jeunes قبل 30/06/2025"
    assert missing_chars(text, FONTS) == []
    block = render_text(text, FONTS, style(), 2000, 200, direction="rtl")
    boxes = block.word_boxes          # logical order: سجّل في Pass Jeunes قبل 30/06/2025
    assert len(boxes) == 6 and len(block.lines) == 1
    x = [b[0] for b in boxes]
    assert x[0] > x[1]                       # Arabic reads right to left
    assert x[1] > x[3] > x[4]                # the Latin island sits left of "في", right of "قبل"
    assert x[2] < x[3]                       # ...and reads left to right inside: Pass then Jeunes
    assert x[4] > x[5]                       # the date comes after "قبل", further left
    for b in boxes:                          # every word has ink: no empty (tofu-free) gaps
        region = ink(block)[int(b[1]):int(b[3]), max(0, int(b[0])):int(b[2])]
        assert region.sum() > 50


def test_diacritics_and_descenders_are_not_clipped():
    # the sprite is cropped to its ink: marks above and below, and descenders, make it taller
    caps = render_text("MENU", FONTS, style(size_px=80), 900, 300)
    desc = render_text("MENU gagnez", FONTS, style(size_px=80), 900, 300)
    assert desc.image.height > caps.image.height + 10
    plain = render_text("شدة محمد", FONTS, style(size_px=80), 900, 300)
    marked = render_text("شَدَّة مُحَمَّدٌ", FONTS, style(size_px=80), 900, 300)
    assert marked.image.height > plain.image.height          # the marks above and below are in the image


def test_wrap_and_auto_fit():
    long = "Inscris-toi au Pass Jeunes avant la fin du mois de juin pour profiter des réductions"
    block = render_text(long, FONTS, style(), 500, 600)
    assert len(block.lines) >= 3 and block.fits
    assert block.image.width <= 500 + 2
    shrunk = render_text(long, FONTS, style(), 500, 200)
    assert shrunk.size_px < 60 and shrunk.fits
    impossible = render_text(long, FONTS, style(), 300, 60)
    assert not impossible.fits and impossible.size_px == pytest.approx(30, abs=1)


def test_french_punctuation_never_starts_a_line():
    block = render_text("Gagnez jusqu'à 50 % !", FONTS, style(size_px=60), 420, 400)
    assert all(not line.startswith(("%", "!")) for line in block.lines)


def test_highlighted_word_moves_with_reading_direction():
    def centroid(text, k, direction):
        b = render_text(text, FONTS, style(), 1200, 200, highlight=(k, (255, 0, 0, 255)), direction=direction)
        px = np.asarray(b.image)
        red = (px[..., 0] > 200) & (px[..., 1] < 80) & (px[..., 3] > 200)
        return np.flatnonzero(red.any(axis=0)).mean()
    assert centroid("سجّل في جواز الشباب", 1, "rtl") < centroid("سجّل في جواز الشباب", 0, "rtl")
    assert centroid("Inscris-toi au Pass", 1, "ltr") > centroid("Inscris-toi au Pass", 0, "ltr")


def test_tifinagh_uses_its_own_font():
    text = "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ"
    assert missing_chars(text, FONTS) == []
    assert ink(render_text(text, FONTS, style(), 800, 200)).sum() > 500
    no_tifinagh = Fonts(arabic=FONTS.arabic, latin=FONTS.latin, tifinagh={})
    assert missing_chars(text, no_tifinagh) == list(dict.fromkeys(text.replace(" ", "")))


def test_clean_keeps_tatweel_and_one_digit_set():
    assert clean("مجانـــا ٢٠٢٥") == "مجانـــا 2025"      # on screen as written (issue 13); captions strip it
    assert clean("2025", "arabic-indic") == "٢٠٢٥"
    assert missing_chars("卡片", FONTS) == ["卡", "片"]


@pytest.mark.parametrize("text, direction", [
    ("سجّل الآن في Pass Jeunes قبل 30/06", "rtl"),
    ("Inscris-toi vite au programme\navant le 30 juin", None)])
@pytest.mark.parametrize("look", [{}, {"stroke_px": 3, "shadow_color": (0, 0, 0, 160), "shadow_offset": (2, 3),
                                       "shadow_blur_px": 2}, {"box_color": (20, 40, 60, 230), "box_padding_px": 10}])
def test_a_highlighted_word_cut_from_the_coloured_text_is_the_highlight_drawn(text, direction, look):
    """render_text draws a caption's text twice (plain, and whole in the highlight colour) and cuts each
    highlighted word from the second: the very pixels drawing it highlighted gives."""
    from dataclasses import replace

    from reelforge import text as T
    st = replace(style(size_px=44, min_size_px=30), **look)
    hl = (255, 200, 60, 255)
    n = len(render_text(text, FONTS, st, 700, 300, direction=direction).word_boxes)
    assert n >= 5
    for k in range(n + 1):             # and one past the last word: nothing highlighted
        got = render_text(text, FONTS, st, 700, 300, direction=direction, highlight=(k, hl))
        want = T._drawn(text, FONTS, st, 700, 300, direction, "center", (k, hl), None, None)
        assert got.offset == want.offset and got.word_boxes == want.word_boxes
        assert np.array_equal(np.asarray(got.image), np.asarray(want.image)), k
