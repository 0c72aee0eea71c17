"""Motion design: animated caption styles, kinetic headline presets, background motion, still stretches."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from reelforge.compose import Compositor
from reelforge.layers import placed_item
from reelforge.load import load_script
from reelforge.model import frozen_map
from reelforge.platforms import registry
from reelforge.timeline import build


def near(img: np.ndarray, color, tol: int = 40) -> np.ndarray:
    return np.all(np.abs(img[..., :3].astype(int) - np.array(color[:3])) < tol, axis=2)


def with_style(project, style):
    script = load_script(project / "ok.yaml")
    return replace(script, subtitles=replace(script.subtitles, style=style, also=frozen_map({})))


def first_event(tl, style):
    scene = tl.scenes[1]            # the bullets scene: dark background
    caps = [i for i in scene.items if i.kind == "caption" and i.options.get("caption") == style]
    assert caps, "no animated caption item"
    return scene, caps[0]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_pill_sits_behind_the_spoken_word_and_follows_reading(project, lang):
    script = with_style(project, "pill")
    tl = build(script, lang, registry()["reels"].scaled(0.5))
    scene, item = first_event(tl, "pill")
    bounds = item.options["bounds"]
    assert len(bounds) >= 2
    src = placed_item(item, tl, "captions")
    pill = script.brand.rgba(script.brand.caption_options["pill"]["color"])
    ink = script.brand.rgba(script.brand.caption_options["pill"]["ink"])
    xs = []
    for k, (a, b) in enumerate(bounds):
        rgba = src.frame(b - 0.01).rgba          # the glide is over: the pill rests on word k
        on = near(rgba, pill) & (rgba[..., 3] > 200)
        ys_, xs_ = np.nonzero(on)
        assert xs_.size > 50
        x0, y0, x1, y1 = src.word_box(k)
        assert x0 - 2 <= xs_.mean() <= x1 + 2, (k, xs_.mean(), (x0, x1))
        # the spoken word is drawn over the pill, in the pill's ink
        inside = rgba[int(y0):int(y1), int(x0):int(x1)]
        assert near(inside, ink, 60).sum() > 20
        xs.append(xs_.mean())
    # the whole frame: the pill is drawn behind the word, and moves in the reading direction
    comp = Compositor(tl)
    frame_xs = []
    for a, b in bounds:
        f = comp.frame_at(scene.start + item.start + b - 0.01)
        band = f[int(f.shape[0] * 0.6):]
        frame_xs.append(np.nonzero(near(band, pill, 30))[1].mean())
    comp.close()
    steps = np.diff(frame_xs)
    assert np.all(steps < 0) if lang == "ar" else np.all(steps > 0), frame_xs


@pytest.mark.parametrize("style", ["pop", "bounce"])
def test_pop_and_bounce_move_the_spoken_word_only(project, style):
    script = with_style(project, style)
    tl = build(script, "ar", registry()["reels"].scaled(0.5))
    _, item = first_event(tl, style)
    src = placed_item(item, tl, "captions")
    a, b = item.options["bounds"][1]
    secs = script.brand.caption_options[style]["seconds"]
    rest, mid = src.frame(a).rgba, src.frame(a + secs / 2).rgba        # step 0: the word at rest
    diff = np.any(rest != mid, axis=2)
    assert diff.any(), "the spoken word does not move"
    x0, y0, x1, y1 = src.word_box(1)
    ys, xs = np.nonzero(diff)
    h = y1 - y0
    assert xs.min() >= x0 - h and xs.max() <= x1 + h       # only around the spoken word
    hl = script.brand.rgba(script.brand.caption_highlight)
    assert near(mid, hl).sum() > 20                          # drawn in the highlight colour


def test_caption_options_come_from_the_brand_kit(project):
    kit = project / "brand" / "demo" / "brand.yaml"
    kit.write_text(kit.read_text("utf-8").replace("  highlight: accent\n",
                                                  "  highlight: accent\n  pill: {color: coral, ink: light}\n"
                                                  "  pop: {scale: 1.6}\n"), "utf-8")
    script = load_script(project / "ok.yaml")
    opts = script.brand.caption_options
    assert opts["pill"]["color"] == "coral" and opts["pill"]["ink"] == "light" and opts["pop"]["scale"] == 1.6
    assert opts["bounce"]["height"] == 1.4          # defaults filled in


def test_caption_options_are_validated(project):
    from reelforge.errors import ReelforgeError
    kit = project / "brand" / "demo" / "brand.yaml"
    kit.write_text(kit.read_text("utf-8").replace("  highlight: accent\n",
                                                  "  highlight: accent\n  pop: {scale: 5}\n  pill: {color: nope}\n"),
                   "utf-8")
    with pytest.raises(ReelforgeError) as e:
        load_script(project / "ok.yaml")
    text = str(e.value)
    assert "captions.pop.scale" in text and "captions.pill.color" in text


# -- kinetic headlines ---------------------------------------------------------------------

from reelforge.animation import pose, stagger  # noqa: E402
from reelforge.compose import posed  # noqa: E402

KINETIC = """\
reelforge: 1
id: kinetic
brand: demo
template: explainer
languages: [ar, fr]
platforms: [reels]
scenes:
  - id: one
    layout: bullets
    duration: 3
    elements:
      - {type: text, style: headline, box: [0, 30, 100, 30], animate: {in: PRESET, duration: 1.2},
         text: {ar: "سجّل الآن في برنامج الشباب", fr: "Inscris-toi vite au programme"}}
"""


def kinetic_item(project, preset, lang):
    (project / "k.yaml").write_text(KINETIC.replace("PRESET", preset), "utf-8")
    script = load_script(project / "k.yaml")
    tl = build(script, lang, registry()["reels"].scaled(0.5))
    item = next(i for i in tl.scenes[0].items if i.name == "elements[0]")
    return script, tl, item, placed_item(item, tl, "k")


def centroid_x(rgba, x0):
    ys, xs = np.nonzero(rgba[..., 3] > 64)
    return x0 + xs.mean()


@pytest.mark.parametrize("preset", ["rise", "slide-words", "pop-words"])
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_kinetic_headline_enters_from_the_reading_start(project, preset, lang):
    _, tl, item, c = kinetic_item(project, preset, lang)
    rest = centroid_x(c.sprite.rgba, c.x)
    early = posed(c, pose(preset, 0.1, tl.rtl))       # the first word (of a centred block) coming in
    x = centroid_x(early[0].rgba, early[1])
    assert (x > rest + 5) if lang == "ar" else (x < rest - 5), (x, rest)
    # at the end of the enter window, the words are exactly at rest
    done = posed(c, pose(preset, 1.0, tl.rtl))
    assert abs(centroid_x(done[0].rgba, done[1]) - rest) < 1


def glyph_mask(a: np.ndarray, level: float) -> np.ndarray:
    return a > level


def components(mask: np.ndarray) -> int:
    """Connected pieces (8-neighbours) of a mask, ignoring specks of under 4 pixels."""
    seen, count = np.zeros_like(mask), 0
    h, w = mask.shape
    for y0, x0 in zip(*np.nonzero(mask)):
        if seen[y0, x0]:
            continue
        stack, size = [(y0, x0)], 0
        seen[y0, x0] = True
        while stack:
            y, x = stack.pop()
            size += 1
            for yy in (y - 1, y, y + 1):
                for xx in (x - 1, x, x + 1):
                    if 0 <= yy < h and 0 <= xx < w and mask[yy, xx] and not seen[yy, xx]:
                        seen[yy, xx] = True
                        stack.append((yy, xx))
        count += size >= 4
    return count


@pytest.mark.parametrize("preset", ["rise", "slide-words", "sweep"])
def test_arabic_words_stay_joined_mid_animation(project, preset):
    """On a mid-animation frame every Arabic word that is partly in is the same glyph shape as at rest
    (moved whole, faded): same pixels up to the shift, same number of connected pieces."""
    _, tl, item, c = kinetic_item(project, preset, "ar")
    q = 0.12 * (0.55 if preset == "sweep" else 1)       # the first word half in, the others not yet
    sprite, ox, oy = posed(c, pose(preset, q, True))
    rects, labels = c.__dict__["_regions"]
    n = len(rects)
    moving = 0
    for i, (x0, y0, x1, y1) in enumerate(rects):
        qi = stagger(min(1.0, q / 0.55) if preset == "sweep" else q, i, n)
        if not 0.2 < qi < 0.95:
            continue
        moving += 1
        a_rest = np.where(labels[y0:y1, x0:x1] == i, c.sprite.rgba[y0:y1, x0:x1, 3], 0).astype(float)
        at_rest = glyph_mask(a_rest, 128)
        out = sprite.rgba[..., 3].astype(float)
        best = 0.0
        for dy in range(-2, int((y1 - y0) * 0.9) + 1):                  # find the word wherever it moved
            for dx in range(-int((y1 - y0) * 1.3), int((y1 - y0) * 1.3) + 1, 1):
                yy, xx = y0 - oy + c.y + dy, x0 - ox + c.x + dx
                if yy < 0 or xx < 0 or yy + (y1 - y0) > out.shape[0] or xx + (x1 - x0) > out.shape[1]:
                    continue
                win = out[yy:yy + y1 - y0, xx:xx + x1 - x0]
                peak = win.max()
                if peak <= 0:
                    continue
                m = glyph_mask(win, 128 * peak / 255)
                iou = (m & at_rest).sum() / max(1, (m | at_rest).sum())
                if iou > best:
                    best, found = iou, m
        assert best > 0.9, (i, best)
        assert components(found) == components(at_rest)
    assert moving >= 1, "no word mid-animation at this progress"


@pytest.mark.parametrize("preset", ["sweep", "underline"])
def test_sweep_and_underline_draw_on_in_the_reading_direction_and_stay(project, preset):
    script, tl, item, c = kinetic_item(project, preset, "ar")
    accent = script.brand.rgba("accent")
    half = posed(c, pose(preset, 0.75, True), accent)
    done = posed(c, pose(preset, 1.0, True), accent)
    xs_half = np.nonzero(near(half[0].rgba, accent) & (half[0].rgba[..., 3] > 200))[1] + half[1]
    xs_done = np.nonzero(near(done[0].rgba, accent) & (done[0].rgba[..., 3] > 200))[1] + done[1]
    assert xs_done.size > xs_half.size > 0
    assert abs(xs_half.max() - xs_done.max()) <= 2 and xs_half.min() > xs_done.min() + 3   # grows leftwards
    # the decoration stays once the headline is at rest: a frame after the enter window shows it
    comp = Compositor(tl)
    frame = comp.frame_at(2.5)
    comp.close()
    assert near(frame, accent, 12).sum() > 50


# -- background motion and still stretches ---------------------------------------------------

from reelforge.layers import Background  # noqa: E402
from reelforge.motion import still_stretches  # noqa: E402

PLAIN = """\
reelforge: 1
id: plain
brand: demo
template: TEMPLATE
languages: [ar, fr]
platforms: [reels]
voice: {ar: ar-offline, fr: fr-offline}
scenes:
  - id: hook
    layout: title
    text: {ar: "سجّل الآن في برنامج الشباب", fr: "Inscris-toi au programme jeunesse"}
    say: {ar: "سجّل الآن في برنامج الشباب، التسجيل مجاني ومفتوح لكل الشباب من ستة عشر إلى ثلاثين سنة في كل الجهات.",
          fr: "Inscris-toi au programme jeunesse : l'inscription est gratuite et ouverte à tous les jeunes de seize à trente ans, dans toutes les régions du pays."}
  - id: points
    layout: bullets
    text: {ar: "المزايا", fr: "Les avantages"}
    bullets:
      - {ar: "النقل بأثمنة مخفضة", fr: "Transport à prix réduit"}
      - {ar: "الثقافة والرياضة", fr: "Culture et sport"}
      - {ar: "التكوين", fr: "Formations"}
    say: {ar: "تخفيضات في النقل والثقافة والرياضة، ودورات تكوينية مجانية طوال السنة، وأنشطة في دور الشباب قرب بيتك كل أسبوع.",
          fr: "Des réductions sur le transport, la culture et le sport, des formations gratuites toute l'année, et des activités près de chez toi chaque semaine."}
  - id: close
    layout: title
    text: {ar: "سجّل قبل نهاية يونيو", fr: "Inscris-toi avant fin juin"}
    say: {ar: "سجّل قبل نهاية يونيو على الموقع أو في أقرب دار للشباب، ولا تنس أن تحضر بطاقتك الوطنية وصورة شخصية.",
          fr: "Inscris-toi avant la fin juin sur le site ou à la maison des jeunes la plus proche, et n'oublie pas ta carte d'identité et une photo."}
"""


@pytest.mark.parametrize("template", ["explainer", "spotlight", "pop"])
def test_a_plain_script_never_sits_still(project, template):
    """Only layout, text, bullets and say: outside the caption band, sampled 10 times a second, no still
    stretch over 2 s and still at most half of the video (the slide-deck templates were still 88-92%)."""
    (project / "plain.yaml").write_text(PLAIN.replace("TEMPLATE", template), "utf-8")
    tl = build(load_script(project / "plain.yaml"), "fr", registry()["reels"].scaled(0.5))
    assert tl.duration > 20
    m = still_stretches(tl)
    assert m.ok(2.0, 0.5), str(m)


def test_still_stretches_finds_a_still_video(project):
    (project / "still.yaml").write_text(PLAIN.replace("TEMPLATE", "explainer").replace(
        "    layout: title\n", "    layout: title\n    background: {color: dark}\n"), "utf-8")
    script = load_script(project / "still.yaml")
    tl = build(script, "fr", registry()["reels"].scaled(0.25))
    m = still_stretches(tl)
    assert m.longest > 2 and m.stretches          # the flat title scenes hold still once their headline is in


def test_moving_gradient_keeps_its_dither_and_is_deterministic(project):
    (project / "plain.yaml").write_text(PLAIN.replace("TEMPLATE", "explainer"), "utf-8")
    tl = build(load_script(project / "plain.yaml"), "fr", registry()["reels"].scaled(0.5))
    st = tl.scenes[0]
    assert st.background.kind == "gradient" and st.background.drift > 0
    a, b = Background(st, tl), Background(st, tl)
    f0, f1 = a.frame(0.0).copy(), a.frame(1.0).copy()
    assert not a.static and not np.array_equal(f0, f1)            # it moves
    assert np.array_equal(f1, b.frame(1.0))                        # the same at the same time
    # the checkerboard dither survives the pan: neighbouring pixels of a flat stretch alternate
    row = f1[f1.shape[0] // 2, 10:200, 1].astype(int)
    assert np.abs(np.diff(row)).max() <= 3 and len(set(row.tolist())) >= 2


def test_background_motion_keys_are_validated(project):
    from reelforge.errors import ReelforgeError
    bad = PLAIN.replace("TEMPLATE", "explainer").replace(
        "    layout: title\n", "    layout: title\n    background: {color: dark, drift: 50, shapes: 2.5}\n", 1)
    (project / "bad.yaml").write_text(bad, "utf-8")
    with pytest.raises(ReelforgeError) as e:
        load_script(project / "bad.yaml")
    assert "background.drift" in str(e.value) and "background.shapes" in str(e.value)
