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


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_while_the_pill_glides_a_word_is_in_its_ink_only_where_the_pill_is(project, lang):
    """Mid-glide, the word the pill reaches is not yet under it: the part outside the pill keeps the
    caption's colour (dark ink on the dark box would hide it), the part inside is in the pill's ink."""
    from reelforge.captions.pill import GLIDE
    script = with_style(project, "pill")
    tl = build(script, lang, registry()["reels"].scaled(0.5))
    _, item = first_event(tl, "pill")
    src = placed_item(item, tl, "captions")
    pill = script.brand.rgba(script.brand.caption_options["pill"]["color"])
    ink = script.brand.rgba(script.brand.caption_options["pill"]["ink"])
    a, _ = item.options["bounds"][1]
    before = src.frame(a - 0.01).rgba              # the pill on word 0: word 1 in the caption's colour
    mid = src.frame(a + GLIDE * 0.3).rgba          # the pill between words 0 and 1
    rest = src.frame(a + GLIDE * 2).rgba            # the pill on word 1
    x0, y0, x1, y1 = (int(round(v)) for v in src.word_box(1))
    word_before, word_mid, word_rest = (f[y0:y1, x0:x1].astype(int) for f in (before, mid, rest))
    assert near(word_rest, ink, 60).sum() > 20                      # at rest: the word in ink on the pill
    under = near(word_mid, pill, 30)
    assert under.any() and not under.all()                         # mid-glide: the pill covers part of it
    span = np.flatnonzero(under.any(axis=0))                       # the pill: one run of columns
    outside = ~near(word_before, pill, 30).any(axis=0)             # ...and where word 0's pill reached
    outside[span.min():span.max() + 1] = False
    assert outside.sum() > 3
    assert np.abs(word_mid[:, outside] - word_before[:, outside]).max() <= 2    # as before the glide
    assert np.abs(word_mid[:, ~outside] - word_before[:, ~outside]).max() > 60  # the pill and its ink


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


def test_template_and_kit_set_the_default_caption_style(project):
    """Script `subtitles.style` > template `captions.style` > kit `captions.style` > karaoke; the template's
    motion is over the kit's, the kit's colours stay."""
    from reelforge.timeline import caption_options, caption_style
    script_file = project / "ok.yaml"
    script_file.write_text(script_file.read_text("utf-8").replace("style: karaoke, ", ""), "utf-8")
    tpl, kit = project / "templates" / "mine.yaml", project / "brand" / "demo" / "brand.yaml"
    tpl.write_text("reelforge-template: 1\nextends: explainer\ncaptions:\n  style: pop\n"
                   "  pop: {scale: 1.7}\n  max_line: 40\n", "utf-8")
    script_file.write_text(script_file.read_text("utf-8").replace("template: explainer", "template: mine"), "utf-8")
    kit.write_text(kit.read_text("utf-8").replace("  highlight: accent\n", "  highlight: accent\n  style: bounce\n"
                                                  "  pop: {scale: 1.2, seconds: 0.4}\n  pill: {color: coral}\n"),
                   "utf-8")
    script = load_script(script_file)
    assert caption_style(script) == "pop"
    opts = caption_options(script, "pop")
    assert opts["scale"] == 1.7 and opts["seconds"] == 0.4         # template's key over the kit's, the rest the kit's
    assert caption_options(script, "pill")["color"] == "coral"
    assert script.template.caption_rules("fr").max_line == 40
    tl = build(script, "fr", registry()["reels"].scaled(0.5))
    caps = [i for s in tl.scenes for i in s.items if i.kind == "caption" and i.name == "captions"]
    assert caps and all(i.options.get("caption") == "pop" for i in caps)
    # the rendered pop reaches the template's scale: the spoken word grows by 1.7 at its peak, not 1.2
    src = placed_item(caps[0], tl, "captions")
    assert src.opts["scale"] == 1.7
    # no template style: the kit's
    tpl.write_text("reelforge-template: 1\nextends: explainer\n", "utf-8")
    assert caption_style(load_script(script_file)) == "bounce"
    # the script's own style wins over both
    script_file.write_text(script_file.read_text("utf-8").replace("subtitles: {", "subtitles: {style: word, "), "utf-8")
    assert caption_style(load_script(script_file)) == "word"
    # nothing anywhere: karaoke
    kit.write_text(kit.read_text("utf-8").replace("  style: bounce\n", ""), "utf-8")
    script_file.write_text(script_file.read_text("utf-8").replace("style: word, ", ""), "utf-8")
    assert caption_style(load_script(script_file)) == "karaoke"


def test_template_caption_style_is_validated(project):
    from reelforge.errors import ReelforgeError
    tpl = project / "templates" / "mine.yaml"
    tpl.write_text("reelforge-template: 1\nextends: explainer\ncaptions:\n  style: popp\n"
                   "  pop: {scale: 3, colour: red}\n  pill: {color: red}\n", "utf-8")
    script_file = project / "ok.yaml"
    script_file.write_text(script_file.read_text("utf-8").replace("template: explainer", "template: mine"), "utf-8")
    with pytest.raises(ReelforgeError) as e:
        load_script(script_file)
    text = str(e.value)
    assert "mine.yaml:4:10: captions.style: unknown caption style 'popp'; did you mean 'pop'?" in text
    assert "mine.yaml:5:16: captions.pop.scale: 3 is out of range: must be between 1 and 2" in text
    assert "captions.pop.colour: unknown key 'colour'" in text
    assert "mine.yaml:6:3: captions.pill: unknown key 'pill'" in text


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

from .test_template_motion import PLAIN as ANY_BRAND  # noqa: E402  (the plain script, measured in every template there)

PLAIN = ANY_BRAND.replace("BRAND", "demo")


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


# -- transitions ---------------------------------------------------------------------------

TEXTUAL = ("text", "caption", "counter")


def transition_frames(project, name, p, strip=None, no_logo=False):
    """The frame at progress p of a `name` transition from scene 0 into scene 1 (French, small reels), and
    that frame's timeline; `strip(scene_index, item)` removes items, `no_logo` the kit's corner logo."""
    from reelforge.model import Transition
    script = load_script(project / "ok.yaml")
    if no_logo:
        script = replace(script, brand=replace(script.brand, logo=None))
    tl = build(script, "fr", registry()["reels"].scaled(0.5))
    scenes = list(tl.scenes)
    scenes[0] = replace(scenes[0], transition=Transition(name, 0.4))
    if strip:
        scenes = [replace(st, items=tuple(i for i in st.items if not strip(st.index, i))) for st in scenes]
    tl = replace(tl, scenes=tuple(scenes))
    comp = Compositor(tl)
    try:
        return comp.frame_at(scenes[0].end - 0.2 + 0.4 * p).astype(int), tl
    finally:
        comp.close()


@pytest.mark.parametrize("name", ["zoom", "fade", "slide"])
def test_the_corner_logo_stays_put_over_a_transition(project, name):
    """The logo, the same on both sides, is drawn once, unscaled, in its place: with and without the
    kit's logo, the mid-transition frames differ only inside the logo's box (no ghost at another scale)."""
    from reelforge.layers import logo_box
    with_logo, tl = transition_frames(project, name, 0.6)
    without, _ = transition_frames(project, name, 0.6, no_logo=True)
    x, y, w, h = logo_box(tl)
    diff = np.abs(with_logo - without).max(axis=2) > 3
    assert diff[y:y + h, x:x + w].sum() > 0.2 * w * h          # the logo is there...
    diff[y:y + h, x:x + w] = False
    assert diff.sum() == 0, f"{diff.sum()} pixels of logo outside its box"       # ...and only there


@pytest.mark.parametrize("name", ["fade", "zoom"])
def test_a_fade_dips_the_text_out_then_in(project, name):
    """Two text blocks are never seen over each other: at half way neither scene's text shows; in the
    first half only the outgoing one's, in the second half only the incoming one's."""
    textual = lambda keep: (lambda k, i: i.kind in TEXTUAL and k != keep)      # noqa: E731
    half, _ = transition_frames(project, name, 0.5)
    bare, _ = transition_frames(project, name, 0.5, strip=textual(None))
    assert np.abs(half - bare).max() <= 2
    for p, shown in ((0.25, 0), (0.75, 1)):
        frame, _ = transition_frames(project, name, p)
        only, _ = transition_frames(project, name, p, strip=textual(shown))
        none, _ = transition_frames(project, name, p, strip=textual(None))
        assert np.abs(frame - only).max() <= 2                  # the other scene's text is not drawn at all
        assert (np.abs(frame - none).max(axis=2) > 30).sum() > 200     # this scene's text is seen


# -- bullets: one size, centred as a block ---------------------------------------------------

BULLETS = """\
reelforge: 1
id: bullets
brand: demo
template: explainer
languages: [fr, ar]
platforms: [youtube, reels]
subtitles: {burn: false}
scenes:
  - id: points
    layout: bullets
    text: {ar: "المزايا", fr: "Les avantages"}
    bullets:
      - {ar: "النقل بأثمنة مخفضة في كل المدن وفي القطارات والحافلات والترامواي وفي المسارح والملاعب ودور السينما",
         fr: "Transport à prix réduit dans toutes les villes du Maroc, en train, en tram, en bus, au théâtre, au cinéma et au stade"}
      - {ar: "الرياضة", fr: "Sport"}
    duration: 4
"""


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("platform", ["youtube", "reels"])
def test_bullets_of_one_list_share_one_size_and_sit_centred(project, lang, platform):
    from reelforge.layers import px_style, fonts_of
    from reelforge.text import fit
    (project / "bullets.yaml").write_text(BULLETS, "utf-8")
    script = load_script(project / "bullets.yaml")
    tl = build(script, lang, registry()[platform])
    items = [i for i in tl.scenes[0].items if i.name.startswith("bullets[")]
    placed = [placed_item(i, tl, i.name) for i in items]
    # alone, the short bullet would keep a bigger size than the long one: the test means something
    p = tl.platform
    style = px_style(items[0].style, tl.brand, min(p.width, p.height), "start")
    alone = [fit(i.text, fonts_of(tl.brand), style, *i.box[2:], direction="rtl" if lang == "ar" else None).size
             for i in items]
    assert alone[1] > alone[0] * 1.2, alone
    # the bullet dot of each (its first word) has the same ink height: one size for the list
    heights = []
    for pl in placed:
        x0, y0, x1, y1 = (int(round(v)) for v in pl.word_boxes[0])
        ink = pl.sprite.rgba[max(0, y0):y1, max(0, x0):x1, 3] > 128
        rows = np.nonzero(ink.any(axis=1))[0]
        heights.append(rows.max() - rows.min() + 1)
    assert heights[0] == heights[1] and heights[0] > 3, heights
    # the list is centred in its box as a block (lines start-aligned inside it)
    x, _, w, _ = items[0].box
    left = min(pl.x for pl in placed)
    right = max(pl.x + pl.sprite.rgba.shape[1] for pl in placed)
    assert abs((left + right) / 2 - (x + w / 2)) <= 0.01 * w, (left, right, x, w)
    starts = [pl.x + pl.sprite.rgba.shape[1] for pl in placed] if lang == "ar" else [pl.x for pl in placed]
    assert abs(starts[0] - starts[1]) <= 0.01 * w            # start-aligned within the block
    # the marker is in the brand's accent, at the reading start; the words in the style's colour
    accent, ink = np.array(tl.brand.rgba("accent")[:3]), np.array(tl.brand.rgba(items[0].style.color)[:3])
    for pl in placed:
        rgba = pl.sprite.rgba
        solid = rgba[..., 3] == 255
        x0, y0, x1, y1 = (int(round(v)) for v in pl.word_boxes[0])
        marker = np.zeros(solid.shape, bool)
        marker[max(0, y0):y1, max(0, x0):x1] = True
        assert (np.abs(rgba[solid & marker, :3].astype(int) - accent).max(axis=1) <= 2).mean() > 0.9
        assert (np.abs(rgba[solid & ~marker, :3].astype(int) - ink).max(axis=1) <= 2).mean() > 0.9
        others = [b for b in pl.word_boxes[1:]]
        assert all(b[0] > x1 for b in others) if lang == "fr" else all(b[2] < x0 for b in others)


def test_a_kit_chooses_the_bullet_marker_colour(project):
    kit = project / "brand" / "demo" / "brand.yaml"
    text = kit.read_text("utf-8")
    assert "    marker: accent" in text
    kit.write_text(text.replace("    marker: accent", "    marker: secondary", 1), "utf-8")
    (project / "bullets.yaml").write_text(BULLETS, "utf-8")
    tl = build(load_script(project / "bullets.yaml"), "fr", registry()["reels"])
    item = next(i for i in tl.scenes[0].items if i.name.startswith("bullets["))
    assert item.style.marker == "secondary"
    pl = placed_item(item, tl, item.name)
    x0, y0, x1, y1 = (int(round(v)) for v in pl.word_boxes[0])
    marker = pl.sprite.rgba[max(0, y0):y1, max(0, x0):x1]
    solid = marker[marker[..., 3] == 255][:, :3].astype(int)
    assert solid.size and (np.abs(solid - tl.brand.rgba("secondary")[:3]).max(axis=1) <= 2).mean() > 0.9


@pytest.mark.parametrize("preset", ["rise", "pop-words", "slide-words", "sweep", "underline"])
def test_kinetic_words_blended_one_by_one_equal_their_composed_canvas(project, preset):
    """A kinetic headline is blended word by word (words at rest from sprites prepared once): the frame is
    the one its composed canvas would give, within the rounding of blending twice (2 levels)."""
    from reelforge.compose import _word_sprites
    from reelforge.layers import Sprite
    script, tl, item, c = kinetic_item(project, preset, "ar")
    accent, ink = script.brand.rgba("accent"), script.brand.rgba("dark")
    rng = np.random.default_rng(1)
    under = rng.integers(0, 256, (tl.platform.height, tl.platform.width, 3), dtype=np.uint8)
    for q in (0.1, 0.4, 0.75, 1.0):
        group, x, y = posed(c, pose(preset, q, True), accent, ink)
        parts, whole = under.copy(), under.copy()
        r = group.blend(parts, x, y)
        Sprite(group.rgba).blend(whole, x, y)
        assert np.abs(parts.astype(int) - whole.astype(int)).max() <= 2, q
        changed = np.nonzero((parts != under).any(axis=2))
        assert r[1] <= changed[0].min() and changed[0].max() < r[3] and r[0] <= changed[1].min() and changed[1].max() < r[2]
    still, _ = _word_sprites(c)
    done = [s for s, _, _ in posed(c, pose(preset, 1.0, True), accent, ink)[0].parts]
    assert sum(any(s is w for w in still) for s in done) >= len(still) - 1     # at rest: the prepared sprites
