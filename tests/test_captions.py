"""Captions: segmentation rules, sidecars read back by independent parsers, burned karaoke pixels."""
from __future__ import annotations

import io
import os
import subprocess

import numpy as np
import pytest
import srt as srt_parser
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from reelforge.captions import DEFAULT, RLM, block_events, srt, vtt, weak
from reelforge.compose import Compositor
from reelforge.ffmpeg import ffmpeg_exe
from reelforge.load import load_script
from reelforge.platforms import registry
from reelforge.pipeline import render_one
from reelforge.timeline import build
from reelforge.tts import Word

FPS = 30
FR_WORDS = ["Inscris-toi", "au", "Pass", "Jeunes", "avant", "le", "30/06/2025", "de", "la", "culture", "et", "du",
            "sport", "pour", "les", "jeunes", "Marocains", "réduits.", "gratuit", "!"]
AR_WORDS = ["سجّل", "في", "جواز", "الشباب", "قبل", "30/06/2025", "من", "على", "تخفيضات", "النقل", "والثقافة",
            "والرياضة.", "Pass", "Jeunes", "مجانا", "؟"]


def timed_words(texts, durations):
    t, out = 0.0, []
    for w, d in zip(texts, durations):
        out.append(Word(w, t, t + d))
        t += d + 0.02
    return out


@settings(max_examples=200, derandomize=True, deadline=None)
@given(lang=st.sampled_from(["fr", "ar"]), data=st.data())
def test_block_segmentation_rules(lang, data):
    vocab = FR_WORDS if lang == "fr" else AR_WORDS
    texts = data.draw(st.lists(st.sampled_from(vocab), min_size=1, max_size=60))
    durs = data.draw(st.lists(st.floats(0.08, 1.2), min_size=len(texts), max_size=len(texts)))
    words = timed_words(texts, durs)
    events = block_events(words, lang, FPS, until=words[-1].end + 2)
    # every word once, in order
    assert " ".join(" ".join(e.lines) for e in events).split() == texts
    for a, b in zip(events, events[1:]):
        assert b.start - a.end >= 2 / FPS - 1e-9           # two frames apart
    for e in events:
        assert len(e.lines) <= 2
        assert all(len(line) <= 42 for line in e.lines if " " in line)
        assert e.end - e.start <= DEFAULT.max_event + 1e-9
        assert e.end > e.start


def test_lines_do_not_break_after_articles_or_prepositions():
    words = timed_words("Profitez des réductions de la carte Pass Jeunes pour le transport et la culture".split(),
                        [0.3] * 14)
    for e in block_events(words, "fr", FPS):
        for line in e.lines[:-1]:
            assert not weak(line.split()[-1], "fr"), e.lines
    ar = timed_words("استفد من تخفيضات مهمة في النقل العمومي والثقافة والرياضة على امتداد السنة كلها".split(), [0.3] * 12)
    for e in block_events(ar, "ar", FPS):
        for line in e.lines[:-1]:
            assert line.split()[-1] not in ("في", "من", "على"), e.lines


def test_short_events_are_held_for_five_sixths_of_a_second():
    words = timed_words(["Oui.", "Non."], [0.2, 0.2])
    events = block_events(words, "fr", FPS, until=5)
    assert events[0].end - events[0].start >= 5 / 6 - 1e-9 or events[1].start - events[0].end <= 2 / FPS + 1e-9


def test_sidecars_parse_with_independent_parsers_and_ffmpeg(tmp_path):
    words = timed_words("سجّل في Pass Jeunes قبل 30/06/2025. مجانا لجميع الشباب!".split(), [0.4] * 9)
    events = block_events(words, "ar", FPS)
    parsed = list(srt_parser.parse(srt(events)))
    assert len(parsed) == len(events)
    assert parsed[0].content.startswith(RLM)
    assert parsed[0].start.total_seconds() == pytest.approx(events[0].start, abs=1e-3)
    v = webvtt.from_buffer(io.StringIO(vtt(events, "ar")))
    assert len(v.captions) == len(events)
    assert all(c.text.startswith(RLM) for c in v.captions)
    # a line ending with a Latin word or punctuation gets a closing RLM too
    assert srt(events).split("\n")[2].endswith(RLM)
    for kind, text in (("srt", srt(events)), ("vtt", vtt(events, "ar"))):
        f = tmp_path / f"x.{kind}"
        f.write_text(text, encoding="utf-8")
        out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(f), "-f", "srt", "-"],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert len(list(srt_parser.parse(out.stdout))) == len(events)     # ffmpeg read every cue


def test_french_lines_have_no_direction_marks():
    events = block_events(timed_words("Inscris-toi avant le 30/06/2025 !".split(), [0.4] * 5), "fr", FPS)
    assert RLM not in srt(events)


def accent_centroid(frame: np.ndarray, accent, box=None) -> float:
    """The mean column of the accent's pixels (within the item's box rows, if given)."""
    if box is not None:
        frame = frame[max(0, box[1]):box[1] + box[3]]
    mask = np.all(np.abs(frame.astype(int) - np.array(accent[:3])) < 40, axis=2)
    ys, xs = np.nonzero(mask)
    assert xs.size > 20, "no highlighted word drawn"
    return float(xs.mean())


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_karaoke_highlight_follows_reading_direction(project, lang):
    script = load_script(project / "ok.yaml")
    p = registry()["reels"].scaled(0.5)
    tl = build(script, lang, p)
    accent = script.brand.rgba(script.brand.caption_highlight)
    scene = tl.scenes[1]     # the bullets scene: dark background (accent bullet markers above the captions)
    caps = [i for i in scene.items if i.kind == "caption" and i.highlight is not None]
    first_event = [i for i in caps if i.text == caps[0].text]
    assert len(first_event) >= 2
    comp = Compositor(tl)
    xs = [accent_centroid(comp.frame_at(scene.start + (i.start + i.end) / 2), accent, i.box) for i in first_event]
    comp.close()
    steps = np.diff(xs)
    if lang == "ar":
        assert np.all(steps < 0), xs       # right to left
    else:
        assert np.all(steps > 0), xs


def test_render_writes_sidecars_and_timing_sources(project):
    script = load_script(project / "ok.yaml")
    from reelforge.speech import SpeechCache, voice_lines
    lines = voice_lines(script, "ar", SpeechCache(project / "cache"))
    tl = build(script, "ar", registry()["reels"].scaled(0.25), lines)
    out = render_one(tl, project / "out", draft=True)
    names = sorted(f.name for f in out.files)
    assert names == ["reels.jpg", "reels.mp4", "reels.srt", "reels.vtt"]
    subs = list(srt_parser.parse((project / "out" / "test-reel" / "ar" / "reels.srt").read_text("utf-8")))
    assert subs and subs[-1].end.total_seconds() <= tl.duration + 1e-3
    assert out.timing == {"hook": "engine", "points": "engine"}


def test_caption_rules_come_from_the_template(project):
    t = project / "templates" / "explainer.yaml"
    t.write_text(t.read_text().replace("  max_line: 42 ", "  max_line: 20 ").replace("ar: {reading_speed: 20}",
                                                                                    "ar: {reading_speed: 20, max_lines: 1}"))
    script = load_script(project / "ok.yaml")
    fr, ar = script.template.caption_rules("fr"), script.template.caption_rules("ar")
    assert (fr.max_line, fr.max_lines, fr.reading_speed) == (20, 2, 17)
    assert (ar.max_line, ar.max_lines, ar.reading_speed) == (20, 1, 20)
    words = timed_words("Inscris-toi au Pass Jeunes avant le trente juin pour le transport".split(), [0.3] * 11)
    for e in block_events(words, "fr", FPS, rules=fr):
        assert all(len(line) <= 20 for line in e.lines if " " in line) and len(e.lines) <= 2
    t.write_text(t.read_text().replace("  max_line: 20 ", "  max_line: 200 "))
    from click.testing import CliRunner
    from reelforge.cli import main
    old = os.getcwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["validate", "ok.yaml"])
    finally:
        os.chdir(old)
    assert result.exit_code == 2 and "captions.max_line: 200 is out of range" in result.output
