"""The render engine end to end at small sizes: files, formats, pixels, safe areas, failures."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from reelforge.animation import pose
from reelforge.compose import Compositor
from reelforge.encode import probe
from reelforge.load import load_script
from reelforge.platforms import registry
from reelforge.pipeline import render_one
from reelforge.timeline import build

from .conftest import VALID, run

SMALL = 0.25   # 1080×1920 → 270×480


def small(name: str):
    return registry()[name].scaled(SMALL)


def test_cli_render_writes_the_documented_layout(project):
    result = run("render", "ok.yaml", "-l", "fr", "-p", "reels", "--draft", "-o", "out", cwd=project)
    assert result.exit_code == 0, result.output
    folder = project / "out" / "test-reel" / "fr"
    video, cover = folder / "reels.mp4", folder / "reels.jpg"
    assert video.is_file() and cover.is_file()
    info = probe(video)
    assert (info["width"], info["height"]) == (540, 960)          # draft = half size
    assert info["vcodec"] == "h264" and info["pix_fmt"] == "yuv420p" and info["fps"] == 30
    assert info["acodec"] == "aac" and info["sample_rate"] == 48000
    manifest = json.loads((project / "out" / "test-reel" / "manifest.json").read_text())
    entry = manifest["outputs"][0]
    assert entry["lang"] == "fr" and entry["platform"] == "reels"
    assert abs(info["duration"] - entry["duration"]) < 0.15
    data = video.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")               # faststart
    assert not [p for p in folder.iterdir() if ".partial" in p.name]
    with Image.open(cover) as img:
        assert img.size == (540, 960)


@pytest.mark.parametrize("name", ["reels", "instagram-feed", "facebook-feed", "youtube"])
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_everything_drawn_stays_inside_the_safe_area(project, name, lang):
    """On a flat background, every pixel that differs from it lies inside the platform's safe box."""
    text = VALID.replace("    transition: slide\n", "    transition: slide\n    background: {color: \"#202020\"}\n")
    (project / "flat.yaml").write_text(text, encoding="utf-8")
    script = load_script(project / "flat.yaml")
    p = small(name)
    tl = build(script, lang, p)
    comp = Compositor(tl)
    frame = comp.frame_at(tl.scenes[0].end - 0.5)
    comp.close()
    differs = np.any(np.abs(frame.astype(int) - np.array([0x20, 0x20, 0x20])) > 24, axis=2)
    ys, xs = np.nonzero(differs)
    assert xs.size > 100, "nothing was drawn"
    x0, y0, x1, y1 = p.safe_box
    assert xs.min() >= x0 - 1 and xs.max() <= x1 + 1, (xs.min(), xs.max(), p.safe_box)
    assert ys.min() >= y0 - 1 and ys.max() <= y1 + 1, (ys.min(), ys.max(), p.safe_box)


def test_arabic_slide_from_start_comes_from_the_right():
    assert pose("slide-start", 0.0, rtl=True).dx > 0
    assert pose("slide-start", 0.0, rtl=False).dx < 0
    assert pose("slide-start", 1.0, rtl=True).dx == 0
    assert pose("fade", 0.5, rtl=False).alpha == pytest.approx(0.875)


@pytest.mark.parametrize("transition", ["fade", "slide", "wipe", "zoom", "cut"])
def test_transitions_blend_two_scenes(project, transition):
    text = VALID.replace("transition: slide", f"transition: {{name: {transition}, duration: 0.6}}")
    (project / "t.yaml").write_text(text, encoding="utf-8")
    tl = build(load_script(project / "t.yaml"), "fr", small("reels"))
    comp = Compositor(tl)
    edge = tl.scenes[0].end
    before, mid, after = comp.frame_at(edge - 0.35).copy(), comp.frame_at(edge).copy(), comp.frame_at(edge + 0.35).copy()
    second = comp._local(1, edge).copy()
    comp.close()
    if transition == "cut":
        assert np.array_equal(mid, second)          # no blend: straight to the next scene
    else:
        assert not np.array_equal(mid, before) and not np.array_equal(mid, after)
        assert not np.array_equal(mid, second)


def test_too_long_for_a_platform_is_an_error_before_rendering(project):
    text = VALID.replace("duration: 3", "duration: 95")
    (project / "long.yaml").write_text(text, encoding="utf-8")
    result = run("render", "long.yaml", "-p", "reels", "-o", "out", cwd=project)
    assert result.exit_code == 2
    assert "reels allows at most 90 s" in result.output
    assert not (project / "out").exists()


def test_a_failed_render_leaves_no_file_and_keeps_the_earlier_one(project):
    script = load_script(project / "ok.yaml")
    tl = build(script, "fr", small("reels"))
    out = project / "out"
    good = render_one(tl, out, draft=True)
    before = good.video.read_bytes()

    class Boom(Compositor):
        def frames(self):
            for k, f in enumerate(super().frames()):
                if k == 20:
                    raise RuntimeError("interrupted")
                yield f
    import reelforge.pipeline as render_mod
    original = render_mod.Compositor
    render_mod.Compositor = Boom
    try:
        with pytest.raises(RuntimeError):
            render_one(tl, out, draft=True)
    finally:
        render_mod.Compositor = original
    assert good.video.read_bytes() == before
    assert not [p for p in good.video.parent.iterdir() if ".partial" in p.name]


def test_corrupt_image_is_named_with_its_scene(project):
    (project / "assets" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    result = run("validate", "ok.yaml", cwd=project)
    assert result.exit_code == 2
    assert "scenes[2].image: cannot read the image assets/pic.png" in result.output


def test_unreadable_font_is_a_validation_error(project):
    (project / "brand" / "demo" / "fonts" / "NotoSans-Bold.ttf").write_bytes(b"not a font")
    result = run("validate", "ok.yaml", cwd=project)
    assert result.exit_code == 2
    assert "fonts.latin.bold: cannot read the font" in result.output


def test_corrupt_video_background_gets_a_clear_error(project):
    (project / "assets" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 broken")
    text = VALID.replace('background: {color: "#102030"}', "background: {video: assets/clip.mp4}")
    (project / "v.yaml").write_text(text, encoding="utf-8")
    result = run("render", "v.yaml", "-l", "fr", "-p", "reels", "--draft", "-o", "out", cwd=project)
    assert result.exit_code == 2, result.output
    assert "v.yaml:30:25: scenes[2].background.video: cannot read the video assets/clip.mp4" in result.output
    assert not list((project / "out").rglob("*.mp4"))


def test_preview_frame_and_sheet(project):
    result = run("preview", "ok.yaml", "--at", "1.5", "-l", "ar", "-p", "youtube", "-o", "f.png", cwd=project)
    assert result.exit_code == 0, result.output
    with Image.open(project / "f.png") as img:
        assert img.size == (1920, 1080)
    result = run("preview", "ok.yaml", "--sheet", "-l", "ar", "-o", "s.png", cwd=project)
    assert result.exit_code == 0, result.output
    with Image.open(project / "s.png") as img:
        assert img.width > 3 * 360
    assert run("preview", "ok.yaml", "-o", "x.png", cwd=project).exit_code == 2



def test_the_preview_png_holds_the_frame_exactly():
    """preview's own PNG writer (unfiltered rows, fast deflate): any decoder reads back the very pixels."""
    import io

    import numpy as np

    from reelforge.preview import png_bytes
    rng = np.random.default_rng(7)
    for shape in ((37, 53, 3), (1, 1, 3), (64, 2, 3)):
        frame = rng.integers(0, 256, shape, dtype=np.uint8)
        for given in (frame, Image.fromarray(frame)):
            with Image.open(io.BytesIO(png_bytes(given))) as img:
                img.verify()                            # chunk CRCs and structure
            with Image.open(io.BytesIO(png_bytes(given))) as img:
                assert img.mode == "RGB" and np.array_equal(np.asarray(img), frame), shape

def test_shape_and_logo_elements_are_drawn(project):
    text = VALID.replace('    background: {color: "#102030"}\n', '    background: {color: "#102030"}\n'
                         '    elements:\n'
                         '      - {type: shape, shape: circle, color: accent, box: [0, 0, 20, 10]}\n'
                         '      - {type: logo, box: [60, 0, 40, 10]}\n')
    (project / "e.yaml").write_text(text, encoding="utf-8")
    tl = build(load_script(project / "e.yaml"), "fr", small("reels"))
    st = tl.scenes[2]
    comp = Compositor(tl)
    frame = comp.frame_at(st.start + 1.5)
    comp.close()
    accent = np.array(tl.brand.rgba("accent")[:3])
    for item in st.items:
        if item.kind in ("shape", "logo"):
            x, y, w, h = item.box
            region = frame[y:y + h, x:x + w].astype(int)
            assert (np.abs(region - np.array([0x10, 0x20, 0x30])).sum(axis=2) > 60).mean() > 0.1, item.kind
    x, y, w, h = next(i.box for i in st.items if i.kind == "shape")
    assert np.abs(frame[y + h // 2, x + w // 2].astype(int) - accent).max() < 30


def test_keyframes_move_an_element_with_easing(project):
    text = VALID.replace('    background: {color: "#102030"}\n', '    background: {color: "#102030"}\n'
                         '    elements:\n'
                         '      - type: shape\n        shape: rect\n        color: accent\n        box: [0, 0, 10, 10]\n'
                         '        animate: {in: none, keyframes: [{at: 0.3, x: 0}, {at: 1.3, x: 40, ease: linear},'
                         ' {at: 2, x: 40, scale: 0.5}]}\n')
    (project / "k.yaml").write_text(text, encoding="utf-8")
    tl = build(load_script(project / "k.yaml"), "fr", small("reels"))
    st = tl.scenes[2]
    comp = Compositor(tl)
    accent = np.array(tl.brand.rgba("accent")[:3])

    _, y, _, h = next(i.box for i in st.items if i.kind == "shape")

    def left_edge(t):
        frame = comp.frame_at(st.start + t)[y + 2:y + h - 2].astype(int)
        xs = np.nonzero((np.abs(frame - accent).max(axis=2) < 30).any(axis=0))[0]
        return xs.min() if xs.size else None
    x0, xh, x1 = left_edge(0.3), left_edge(0.8), left_edge(1.3)
    comp.close()
    width = tl.platform.width
    assert xh - x0 == pytest.approx(0.2 * width, abs=3)      # linear: half way at half time
    assert x1 - x0 == pytest.approx(0.4 * width, abs=3)


def test_keyframes_out_of_order_are_rejected(project):
    text = VALID.replace('    background: {color: "#102030"}\n', '    background: {color: "#102030"}\n'
                         '    elements:\n'
                         '      - {type: shape, box: [0, 0, 10, 10], animate: {keyframes: [{at: 1}, {at: 0.5}]}}\n')
    (project / "k2.yaml").write_text(text, encoding="utf-8")
    result = run("validate", "k2.yaml", cwd=project)
    assert result.exit_code == 2
    assert "keyframes must be in increasing `at` order" in result.output


def test_template_outro_adds_the_brand_end_card_and_brands_switch(project):
    from reelforge.load import load_script as load
    script = load(project / "ok.yaml", brand="sahel", template="spotlight")
    assert script.brand.key == "sahel" and script.template.name == "spotlight"
    tl = build(script, "ar", small("reels"))
    last = tl.scenes[-1]
    assert last.scene.id == "end-card" and last.scene.layout == "end"
    texts = {i.name: i.text for i in last.items if i.kind == "text"}
    assert texts["text"] == script.brand.end_card.text["ar"]
    assert script.brand.end_card.url in texts["subtext"] and script.brand.end_card.hashtag in texts["subtext"]
    demo = build(load(project / "ok.yaml"), "ar", small("reels"))
    assert demo.scenes[-1].scene.id == "picture"               # the explainer adds no outro
    comp_a, comp_b = Compositor(tl), Compositor(demo)
    a, b = comp_a.frame_at(1.0), comp_b.frame_at(1.0)
    comp_a.close()
    comp_b.close()
    assert not np.array_equal(a, b)                            # same scenes, two identities


def test_template_intro_adds_the_brand_sting(project):
    from reelforge.load import load_script as load
    tl = build(load(project / "ok.yaml", template="spotlight"), "fr", small("reels"))
    first = tl.scenes[0]
    assert first.scene.id == "intro" and first.duration == pytest.approx(1.6)
    kinds = {i.kind for i in first.items}
    assert "logo" in kinds and "text" in kinds
    comp = Compositor(tl)
    frame = comp.frame_at(1.2)
    comp.close()
    x, y, w, h = next(i.box for i in first.items if i.kind == "logo")
    region = frame[y:y + h, x:x + w].astype(int)
    background = frame[y:y + h, max(0, x - 5)].astype(int).mean(axis=0)
    assert (np.abs(region - background).sum(axis=2) > 80).mean() > 0.05      # the logo is drawn large


def test_contact_sheet_times_scenes_with_the_real_voice(project, monkeypatch):
    """A designer flagged sheets labelled with estimated times (46.7 s) for a 62.7 s render: with an
    offline voice, preview times each scene by its synthesised line, as the render does."""
    import reelforge.cli as cli
    from reelforge.speech import SpeechCache, voice_lines
    seen = {}
    real = cli.sheet_of

    def spy(tl, thumb_w=360):
        seen["lines"] = {st.scene.id: st.line for st in tl.scenes if st.line is not None}
        seen["duration"] = tl.duration
        return real(tl, thumb_w)
    monkeypatch.setattr(cli, "sheet_of", spy)
    result = run("preview", "ok.yaml", "--sheet", "-l", "fr", "-p", "reels", "-o", "s.png", cwd=project)
    assert result.exit_code == 0, result.output
    expected = voice_lines(load_script(project / "ok.yaml"), "fr", SpeechCache())
    assert {k: round(v.duration, 3) for k, v in seen["lines"].items()} == \
        {k: round(v.duration, 3) for k, v in expected.items()}
    script = load_script(project / "ok.yaml")
    timed = build(script, "fr", registry()["reels"], seen["lines"])
    guessed = build(script, "fr", registry()["reels"])
    assert seen["duration"] == timed.duration != guessed.duration    # the estimate differs; the sheet uses the voice
