"""Language craft (issue 13): numbers and bidi, line breaks, caption segmentation, the translation line.

Sidecar bidi is checked with an independent implementation of the Unicode bidi algorithm (python-bidi,
the unicode-bidi crate underneath); on-screen order with reelforge's own layout (word boxes).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import srt as srt_parser
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st

from reelforge import spans
from reelforge.captions import DEFAULT, block_events, srt, vtt, weak
from reelforge.captions.karaoke import STYLE as KARAOKE
from reelforge.captions.word import STYLE as WORD
from reelforge.language import ends_sentence, language
from reelforge.load import load_script
from reelforge.model import CaptionRules
from reelforge.platforms import registry
from reelforge.text import render_text
from reelforge.timeline import also_events, build, estimate_line, shifted
from reelforge.tts import Word

from .test_text import FONTS, style

FPS = 30
CONTROLS = re.compile("[\u200e\u200f\u2066-\u2069\u202a-\u202e]")
CASES = [   # an Arabic line, the left-to-right unit it holds
    ("اتصلوا بالرقم +212 6 12 34 56 78", "+212 6 12 34 56 78"),
    ("سجّل قبل 30/06/2025 مجانا", "30/06/2025"),
    ("نلتقي على الساعة 14:30 في الدار", "14:30"),
    ("تخفيض 50 % على التذاكر", "50 %"),
    ("راسلونا على contact@jeunes.ma اليوم", "contact@jeunes.ma"),
    ("زوروا https://jeunes.ma/pass للتسجيل", "https://jeunes.ma/pass"),
    ("سجّل في Pass Jeunes الآن", "Pass Jeunes"),
    ("الثمن 1 500 DH فقط", "1 500 DH"),
]


def timed_words(texts, durations=None, gap=0.02):
    t, out = 0.0, []
    for k, w in enumerate(texts):
        d = durations[k] if durations else max(0.2, len(w) / 14)
        out.append(Word(w, t, t + d))
        t += d + gap
    return out


def visual(line: str) -> str:
    """What a player following the Unicode bidi algorithm shows, left to right, controls removed."""
    return CONTROLS.sub("", get_display(line))


# -- numbers and bidi ---------------------------------------------------------------------------

SIDECAR_ONLY = [("مع جواز الشباب، أو Pass Jeunes، استفد", "Pass Jeunes")]   # an Arabic comma after a Latin run


@pytest.mark.parametrize("text,unit", CASES + SIDECAR_ONLY)
def test_sidecar_lines_display_each_span_as_one_left_to_right_unit(text, unit):
    events = block_events(timed_words(text.split()), "ar", FPS)
    [sub] = srt_parser.parse(srt(events))
    shown = visual(sub.content)
    assert unit in shown, shown                             # natural order, `+` on the left of 212
    first_arabic = text.split()[0]
    assert shown.index(unit) < shown.index(first_arabic[::-1][:3]) or first_arabic[::-1][:3] not in shown
    # the line still reads right to left: its first Arabic word is on the right of the unit
    assert shown.rindex(CONTROLS.sub("", get_display("\u200f" + first_arabic))) > shown.index(unit)


def test_without_isolates_the_phone_number_would_come_out_reversed():
    # the bug of issue 13, shown by the same independent implementation
    assert "+212 6 12 34 56 78" not in visual("\u200fاتصلوا بالرقم +212 6 12 34 56 78")
    assert "+212 6 12 34 56 78" in visual(srt(block_events(timed_words(CASES[0][0].split()), "ar", FPS)))


def test_vtt_carries_the_same_isolates_and_french_gets_none():
    ar = vtt(block_events(timed_words(CASES[0][0].split()), "ar", FPS), "ar")
    assert "\u2066+212 6 12 34 56 78\u2069" in ar
    fr = vtt(block_events(timed_words("Appelle le 05 22 00 00 00 !".split()), "fr", FPS), "fr")
    assert not CONTROLS.search(fr)


@pytest.mark.parametrize("text,unit", CASES)
def test_on_screen_each_span_is_one_left_to_right_unit(text, unit):
    block = render_text(text, FONTS, style(size_px=40), 3000, 200, direction="rtl")
    assert len(block.lines) == 1
    ws = text.split()
    boxes = dict(enumerate(block.word_boxes))
    # the unit's words: left to right in logical order, all left of the Arabic word before them
    start = len(text[:text.index(unit)].split())
    idx = list(range(start, start + len(unit.split())))
    xs = [boxes[i][0] for i in idx]
    assert xs == sorted(xs), (ws, xs)
    if start > 0:
        assert boxes[start - 1][0] > max(boxes[i][2] for i in idx) - 1
    if idx[-1] + 1 < len(ws):
        assert boxes[idx[-1] + 1][2] < min(xs) + 1


def test_phone_number_on_a_line_of_its_own_keeps_the_plus_on_the_left():
    block = render_text("اتصلوا بالرقم +212 6 12 34 56 78", FONTS, style(size_px=60), 520, 600, direction="rtl")
    assert block.lines[-1] == "+212 6 12 34 56 78"
    xs = [b[0] for b in block.word_boxes[2:]]
    assert xs == sorted(xs)


def test_protected_spans_of_every_kind():
    found = {s.kind for text in (
        "اتصلوا بالرقم +212 6 12 34 56 78", "Appelle le 05 22 00 00 00 ou le 0600-000000", "du 1er juin",
        "إلى 30 يونيو 2025", "à 14h30 ou 14 h 30", "50 % et 1 500 DH", "عمرك 30 سنة", "18 ans",
        "contact@jeunes.ma", "https://jeunes.ma/pass.", "سجّل في Pass Jeunes", "قال محمد أمين بنعبد الله إن",
        "Bienvenue Mohamed Amine Benabdellah") for s in spans.find(text)}
    assert found == {"phone", "date", "time", "number", "email", "url", "latin", "name"}
    names = [spans.find(t)[0] for t in ("قال محمد أمين بنعبد الله إن", "Bienvenue Mohamed Amine Benabdellah")]
    assert [(s.kind, s.end - s.start) for s in names] == [("name", len("محمد أمين بنعبد الله")),
                                                         ("name", len("Mohamed Amine Benabdellah"))]
    t = "Appelle le 05 22 00 00 00 ou le 0600-000000 avant le 30/06/2025 à 14 h 30"
    assert [t[s.start:s.end] for s in spans.find(t)] == ["05 22 00 00 00", "0600-000000", "30/06/2025", "14 h 30"]
    t = "إلى 30 يونيو 2025 على الساعة 14:30، عمرك 30 سنة"
    assert [t[s.start:s.end] for s in spans.find(t)] == ["30 يونيو 2025", "14:30", "30 سنة"]


# -- French spacing, tatweel ------------------------------------------------------------------------

def test_no_break_spaces_are_never_break_points():
    text = "Appelle le 05\u00a022\u00a000\u00a000\u00a000\u202f!"
    block = render_text(text, FONTS, style(size_px=60), 420, 600)
    assert any("05\u00a022\u00a000\u00a000\u00a000\u202f!" in line for line in block.lines), block.lines
    assert spans.words(text) == ["Appelle", "le", "05\u00a022\u00a000\u00a000\u00a000\u202f!"]


def test_french_typographic_spacing():
    assert spans.typeset("« Pass Jeunes » : c'est gratuit ! Où ? À 14:30 sur https://jeunes.ma", "fr") == \
        "«\u202fPass Jeunes\u202f»\u202f: c'est gratuit\u202f! Où\u202f? À 14:30 sur https://jeunes.ma"
    assert spans.typeset("gratuit!", "fr", spacing=False) == "gratuit!"
    assert spans.typeset("مجاني!", "ar") == "مجاني!"


def test_typography_option_reaches_screen_and_captions_not_speech(project):
    script = load_script(project / "ok.yaml")
    assert script.spacing("fr") and not script.spacing("ar")
    p = project / "ok.yaml"
    p.write_text(p.read_text().replace("Les avantages", "Les avantages !").replace("scenes:", "typography: {fr: {spacing: false}}\nscenes:"))
    off = load_script(p)
    assert not off.spacing("fr")
    p.write_text(p.read_text().replace("spacing: false", "spacing: true"))
    tl = build(load_script(p), "fr", registry()["reels"].scaled(0.25))
    texts = [i.text for st_ in tl.scenes for i in st_.items if i.text]
    assert "Les avantages\u202f!" in texts
    assert all("\u202f" not in (s.say or {}).get("fr", "") for s in tl.script.scenes)      # the voice reads the text as written


def test_tatweel_is_drawn_on_screen_and_stripped_in_captions():
    plain = render_text("مرحبا", FONTS, style(), 1200, 200)
    drawn = render_text("مـــرحـــبـــا", FONTS, style(), 1200, 200)
    assert drawn.image.width > plain.image.width + 40
    assert [w.text for w in shifted([Word("مـــرحـــبـــا", 0, 1)], 0)] == ["مرحبا"]


# -- line breaks: property tests -------------------------------------------------------------------

FR_CONTENT = ["culture", "transport", "réductions", "jeunes", "programme", "inscription", "Maroc", "gratuit",
              "rapide", "application", "profil", "partenaires"]
AR_CONTENT = ["الثقافة", "النقل", "تخفيضات", "الشباب", "البرنامج", "التسجيل", "المغرب", "مجانا", "بسرعة",
              "التطبيق", "ملفك", "الشركاء"]
FR_SPANS = ["05 22 00 00 00", "+212 6 12 34 56 78", "30/06/2025", "1er juin", "14 h 30", "50 %", "1 500 DH",
            "18 ans", "Mohamed Amine Benabdellah", "contact@jeunes.ma", "05\u00a022\u00a000\u00a000\u00a000"]
AR_SPANS = ["+212 6 12 34 56 78", "30/06/2025", "30 يونيو 2025", "14:30", "50 %", "1 500 DH", "30 سنة",
            "محمد أمين بنعبد الله", "Pass Jeunes", "www.jeunes.ma"]


@st.composite
def sentence(draw, lang):
    """Phrases: an optional weak word before a content word, or a protected span."""
    weakw = sorted(w for w in language(lang).weak if "'" not in w and len(w) > 1)
    content, units = (FR_CONTENT, FR_SPANS) if lang == "fr" else (AR_CONTENT, AR_SPANS)
    out = []
    for _ in range(draw(st.integers(2, 12))):
        kind = draw(st.sampled_from(["word", "weak", "span"]))
        if kind == "weak":
            out.append(draw(st.sampled_from(weakw)))
        out.append(draw(st.sampled_from(units if kind == "span" else content)))
    return " ".join(out), [u for u in units if u in " ".join(out)]


def check_lines(lines, text, lang, used, final=True):
    """No line ends on a weak word, no protected span or no-break space split across lines."""
    for line in lines[:-1] if final else lines:
        assert not weak(line.split()[-1], lang), lines
    joined = "\n".join(lines)
    for unit in used:
        if unit in text:
            assert unit in joined, (unit, lines)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(lang=st.sampled_from(["fr", "ar"]), data=st.data())
def test_wrap_never_ends_on_a_weak_word_nor_splits_a_span(lang, data):
    text, used = data.draw(sentence(lang))
    block = render_text(text, FONTS, style(size_px=40, min_size_px=40), 700, 2000,
                        direction="rtl" if lang == "ar" else "ltr", lang=lang)
    check_lines(block.lines, text, lang, used)
    assert " ".join(block.lines).split() == text.split()


def test_wrap_balances_lines():
    block = render_text("Inscris-toi au Pass Jeunes avant la fin du mois de juin", FONTS, style(size_px=60), 900, 600)
    assert len(block.lines) == 2
    a, b = (len(x) for x in block.lines)
    assert abs(a - b) <= 12, block.lines          # not one long line and a short tail


def test_bullet_continuation_lines_hang_under_the_text():
    text = "• Le parent ou tuteur peut s'inscrire sur www.jeunes.ma jusqu'au 30 juin 2025"
    s = style(size_px=40, align="left")
    block = render_text(text, FONTS, s, 600, 600)
    assert len(block.lines) >= 2
    boxes = block.word_boxes
    second_line_first_word = len(block.lines[0].split())
    assert boxes[second_line_first_word][0] > boxes[0][2]     # under "Le", right of the bullet
    assert abs(boxes[second_line_first_word][0] - boxes[1][0]) < 6


def words_for(text, data, lo=8.0, hi=30.0):
    """Timed words said at a random speed (characters a second between lo and hi)."""
    ws = spans.words(text)
    cps = data.draw(st.lists(st.floats(lo, hi), min_size=len(ws), max_size=len(ws)))
    return timed_words(ws, [max(0.06, len(w) / c) for w, c in zip(ws, cps)])


@settings(max_examples=80, derandomize=True, deadline=None)
@given(lang=st.sampled_from(["fr", "ar"]), data=st.data())
def test_caption_segmentation_rules(lang, data):
    parts = [data.draw(sentence(lang)) for _ in range(data.draw(st.integers(1, 3)))]
    text = ". ".join(p[0] for p in parts) + "."
    used = [u for p in parts for u in p[1]]
    words = words_for(text, data)
    rules = CaptionRules(reading_speed=17.0 if lang == "fr" else 20.0)
    events = block_events(words, lang, FPS, rules=rules)
    assert " ".join(" ".join(e.lines) for e in events).split() == text.split()
    for e in events:
        check_lines(list(e.lines), text, lang, [])
        last = e.lines[-1].split()[-1]
        assert not weak(last, lang), e.lines                       # no event ends on a weak word
        assert len(e.lines) <= 2 and all(len(x) <= 42 for x in e.lines)
        assert e.end - e.start >= DEFAULT.min_event - 1e-6         # none shorter than 5/6 s
        assert len(" ".join(e.lines)) / (e.end - e.start) <= rules.reading_speed + 1e-6
    for a, b in zip(events, events[1:]):
        assert b.start - a.end >= 2 / FPS - 1e-9
    for unit in used:    # every protected span inside one event
        assert any(unit.replace("\u00a0", " ") in " ".join(e.lines).replace("\u00a0", " ") for e in events), unit
    for style_ in (KARAOKE, WORD):
        burned = style_.events(words, lang, FPS, rules=rules)
        assert " ".join(e.text for e in burned).split() == text.split()
        for e in burned:
            assert e.end - e.start >= DEFAULT.min_event - 1e-6, e      # no `et` flashing for 0.09 s
            assert not weak(e.words[-1].text, lang) or style_ is WORD and not ends_sentence(e.words[-1].text)


def test_karaoke_never_flashes_a_short_word():
    words = timed_words("Profite de réductions sur le transport , la culture et le sport .".split(),
                        [0.3, 0.09, 0.5, 0.12, 0.09, 0.5, 0.05, 0.09, 0.4, 0.09, 0.09, 0.4, 0.05])
    events = KARAOKE.events(words, "fr", FPS, until=words[-1].end + 1)
    assert min(e.end - e.start for e in events) >= 5 / 6 - 1e-9
    assert max(len(e.text) / (e.end - e.start) for e in events) <= 17 + 1e-6
    assert all(e.text.split()[-1] != "et" for e in events)
    for e in events:      # the highlight covers the event without gaps, in order
        items = KARAOKE.items(e, (0, 0, 10, 10), None)
        assert items[0].start == e.start and items[-1].end == e.end
        assert all(a.end == b.start for a, b in zip(items, items[1:]))


# -- the translation line ---------------------------------------------------------------------------

def test_translation_line_follows_each_sentence(project):
    ar = "اتصلوا بالرقم +212 6 12 34 56 78 قبل 30 يونيو 2025. البرنامج مفتوح لجميع الشباب المغاربة، في جميع جهات المملكة."
    fr = ("Appelle le +212 6 12 34 56 78 avant le 30 juin 2025. Le programme est ouvert à tous les jeunes "
          "Marocains, dans toutes les régions du Royaume.")
    line = estimate_line(ar, "ar")
    words = shifted(line.words, 0.25)
    rules = CaptionRules()
    events = also_events(words, fr, "fr", rules, FPS)
    from reelforge.captions import sentences_of
    ar_spans = [(s[0].start, s[-1].end) for s in sentences_of(words)]
    fr_sents = [s for s in re.split(r"(?<=\.) ", fr)]
    k = 0
    for sent, (a, b) in zip(fr_sents, ar_spans):   # each French sentence within its Arabic sentence's span
        mine = []
        while k < len(events) and len(" ".join(" ".join(e.lines) for e in mine)) < len(sent):
            mine.append(events[k])
            k += 1
        assert " ".join(" ".join(e.lines) for e in mine) == sent
        assert mine[0].start >= a - 1 / FPS and mine[-1].end <= b + 1 / FPS
        assert abs(mine[0].start - a) <= 1 / FPS                    # no lag
    for e in events:
        assert len(e.lines) <= 2 and all(len(x) <= rules.max_line for x in e.lines)
        check_lines(list(e.lines), fr, "fr", [], final=False)      # no line or event ends on a weak word
    for unit in ("+212 6 12 34 56 78", "30 juin 2025"):               # spans are never split
        assert any(unit in " ".join(e.lines) for e in events)
    # the burned items of a real scene use the same events
    script = load_script(project / "ok.yaml")
    tl = build(script, "ar", registry()["reels"].scaled(0.25))
    also = [i for i in tl.scenes[0].items if i.name == "captions.also"]
    assert also and all(i.text.count("\n") <= 1 for i in also)


def test_example_sidecars_meet_the_reading_rules():
    """The shipped example, timed by estimate: French sidecars at most 17 characters a second."""
    repo = Path(__file__).resolve().parents[1]
    from reelforge.sidecars import sidecar_events
    script = load_script(repo / "examples" / "pass-jeunes.yaml")
    for lang, most in (("fr", 17.0), ("ar", 20.0)):
        tl = build(script, lang, registry()["reels"].scaled(0.25))
        events = sidecar_events(tl)
        assert min(e.end - e.start for e in events) >= 5 / 6 - 1e-6
        assert max(len(" ".join(e.lines)) / (e.end - e.start) for e in events) <= most + 0.01
