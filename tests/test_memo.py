"""What is remembered between runs (reelforge.memo): font coverage, clean probes, fitted text sizes and
assembled voice lines give the same results as computing them, follow changed files, and never fail a
command when the cache is damaged or unwritable."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from reelforge import text as text_module
from reelforge.config.checks import image_problem
from reelforge.load import load_script
from reelforge.memo import Memo, cache_root
from reelforge.speech import SpeechCache, voice_lines
from reelforge.text import _blurred, _cmap, fit, fits

from .conftest import run
from .test_text import FONTS, KIT, style


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("REELFORGE_CACHE", str(root))
    return root


def fresh_process(*memos: Memo) -> None:
    """What a new process sees: the memos written, their in-memory copies forgotten."""
    for m in memos:
        m.save()
        m._data = None


def test_a_memo_merges_what_concurrent_processes_learnt(cache):
    a, b = Memo("demo"), Memo("demo")
    a.put("x", 1)
    b.put("y", [2, 3])
    a.save()
    b.save()
    assert json.loads((cache / "memo" / "demo.v1.json").read_text()) == {"x": 1, "y": [2, 3]}
    assert Memo("demo").get("y") == [2, 3]


def test_a_damaged_or_unwritable_memo_is_ignored(cache, project):
    (cache / "memo").mkdir(parents=True)
    (cache / "memo" / "fitted.v1.json").write_text("{half a file", encoding="utf-8")
    assert run("validate", "ok.yaml", cwd=project).exit_code == 0
    fresh_process(text_module._FITTED)                         # what the command does at exit
    assert json.loads((cache / "memo" / "fitted.v1.json").read_text())     # rewritten whole
    shutil.rmtree(cache)
    cache.write_text("a file where the cache folder should be")
    result = run("validate", "ok.yaml", cwd=project)
    assert result.exit_code == 0, result.output
    fresh_process(text_module._FITTED, text_module._COVERAGE)  # nothing to write to: silently not saved


def test_a_remembered_fit_lays_out_exactly_as_a_computed_one(cache, monkeypatch):
    texts = ["سجّل في Pass Jeunes قبل 30 يونيو 2025 على الرقم +212 6 12 34 56 78",
             "Inscrivez-vous au Pass Jeunes avant le 30 juin : un long texte qui doit rétrécir pour tenir"]
    s = style(size_px=90, min_size_px=20, shadow_color=(0, 0, 0, 160), shadow_blur_px=6)
    cold = [fit(t, FONTS, s, 600, 260, lang=lang) for t, lang in zip(texts, ("ar", "fr"))]
    assert all(lay.size < 90 for lay in cold)                  # they had to shrink: several sizes tried
    fresh_process(text_module._FITTED)
    calls = []
    real = text_module._layout
    monkeypatch.setattr(text_module, "_layout", lambda *a: calls.append(a[6]) or real(*a))
    warm = [fit(t, FONTS, s, 600, 260, lang=lang) for t, lang in zip(texts, ("ar", "fr"))]
    assert warm == cold
    assert calls == [lay.size for lay in cold]                 # one layout each, at the remembered size
    calls.clear()
    assert all(fits(t, FONTS, s, 600, 260, lang=lang) for t, lang in zip(texts, ("ar", "fr")))
    assert calls == []                                         # validation's question needs no layout


def test_a_font_replaced_in_place_is_measured_again(cache, tmp_path):
    font = tmp_path / "face.ttf"
    shutil.copy(KIT / "NotoSans-Regular.ttf", font)
    latin = _cmap(font)
    assert ord("A") in latin and ord("س") not in latin
    fresh_process(text_module._COVERAGE)
    _cmap.cache_clear()
    assert _cmap(font) == latin                                # from the memo, the same set
    shutil.copy(KIT / "NotoSansArabic-Regular.ttf", font)
    _cmap.cache_clear()
    assert ord("س") in _cmap(font)


def test_an_image_damaged_after_a_clean_probe_is_found(cache, tmp_path):
    img = tmp_path / "pic.png"
    Image.new("RGB", (40, 30), (1, 2, 3)).save(img)
    assert image_problem(img) is None
    img.write_bytes(img.read_bytes()[:60])                     # truncated: a new size, a new identity
    assert "cannot read the image" in image_problem(img)


def test_a_warm_voice_line_reads_no_sentence_and_a_damaged_one_is_rebuilt(cache, project, monkeypatch):
    script = load_script(project / "ok.yaml")
    first = voice_lines(script, "fr", SpeechCache())
    assert first and cache_root() == cache
    monkeypatch.setattr(SpeechCache, "load", lambda *a: pytest.fail("a sentence was read"))
    assert voice_lines(script, "fr", SpeechCache()) == first
    monkeypatch.undo()
    monkeypatch.setenv("REELFORGE_CACHE", str(cache))
    wav = Path(first["hook"].audio)
    good = wav.read_bytes()
    wav.write_bytes(good[: len(good) // 2])                    # damaged after it was recorded
    assert voice_lines(script, "fr", SpeechCache()) == first
    assert wav.read_bytes() == good


@pytest.mark.parametrize("radius", [0.7, 3.0, 8.5, 24.0])
def test_a_shadow_blurred_around_its_ink_equals_the_whole_canvas_blur(radius):
    alpha = Image.new("L", (900, 500), 0)
    ImageDraw.Draw(alpha).text((200, 180), "Pass Jeunes", fill=230, font_size=110)
    whole = Image.new("RGBA", alpha.size, (10, 20, 30, 0))
    whole.putalpha(alpha)
    whole = whole.filter(ImageFilter.GaussianBlur(radius))
    assert np.array_equal(np.asarray(_blurred(alpha, radius)), np.asarray(whole.getchannel("A")))


def test_a_remembered_text_block_is_the_drawn_one_and_a_damaged_one_is_drawn_again(cache, monkeypatch):
    s = style(size_px=70, min_size_px=20, shadow_color=(0, 0, 0, 160), shadow_blur_px=6)
    args = [("سجّل في Pass Jeunes قبل 30 يونيو على الرقم +212 6 12 34 56 78", dict(direction="rtl", lang="ar")),
            ("Inscrivez-vous au Pass Jeunes avant le 30 juin", dict(lang="fr", highlight=(2, (255, 200, 87, 255))))]
    assert not text_module.DRAWN.keep                      # a render reads pictures, writes none
    text_module.render_text(*args[0][:1], FONTS, s, 600, 260, **args[0][1])
    assert not (cache / "memo" / "drawn.v1").exists()
    text_module.RECENT.clear()                             # another process
    monkeypatch.setattr(text_module.DRAWN, "keep", True)   # preview and the studio keep them
    cold = [text_module.render_text(t, FONTS, s, 600, 260, **kw) for t, kw in args]
    drawn = sorted((cache / "memo" / "drawn.v1").glob("*.png"))
    assert len(drawn) == 2
    calls = []
    real = text_module._drawn
    monkeypatch.setattr(text_module, "_drawn", lambda *a: calls.append(a[0]) or real(*a))

    def same(a, b):
        assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
        assert (a.offset, a.size_px, a.fits, a.lines, a.word_boxes, a.direction) == \
            (b.offset, b.size_px, b.fits, b.lines, b.word_boxes, b.direction)
    text_module.RECENT.clear()                             # a fresh process
    for (t, kw), block in zip(args, cold):
        same(text_module.render_text(t, FONTS, s, 600, 260, **kw), block)
    assert calls == []                                     # read, not drawn
    for f in drawn:
        f.write_bytes(f.read_bytes()[:200])                # a half-written or damaged file
    text_module.RECENT.clear()
    for (t, kw), block in zip(args, cold):
        same(text_module.render_text(t, FONTS, s, 600, 260, **kw), block)
    assert set(calls) == {t for t, _ in args}              # drawn again (a highlight: plain and coloured), and remembered
    other = text_module.render_text(args[1][0], FONTS, s, 600, 260, lang="fr")    # no highlight: another block
    assert not np.array_equal(np.asarray(other.image), np.asarray(cold[1].image))


def test_remembered_pictures_beyond_the_cap_keep_the_most_recently_used(cache, monkeypatch):
    import os

    from reelforge import memo
    old = memo.Pictures("demo")
    old.keep = True
    img = Image.new("RGBA", (3, 2), (10, 20, 30, 40))
    for k in range(6):
        old.put(f"p{k}", img, {"k": k})
    folder = cache / "memo" / "demo.v1"
    for k in range(6):
        os.utime(folder / f"p{k}.png", (1000 + k, 1000 + k))
    monkeypatch.setattr(memo, "MAX_PICTURES", 4)
    fresh = memo.Pictures("demo")                          # another process
    fresh.keep = True
    picture, facts = fresh.get("p1")                       # used: now the most recent of the six
    assert facts == {"k": 1} and np.array_equal(np.asarray(picture), np.asarray(img))
    fresh.put("new", img, {"k": 9})                        # its first write prunes the folder
    assert sorted(f.stem for f in folder.glob("*.png")) == ["new", "p1"]


def test_a_memo_keeps_the_newest_half_beyond_its_cap(cache):
    small = Memo("demo", max_entries=4)
    for k in range(5):
        small.put(f"k{k}", k)
    small.save()                                         # 5 > 4: the newest 2 kept
    assert json.loads((cache / "memo" / "demo.v1.json").read_text()) == {"k3": 3, "k4": 4}
