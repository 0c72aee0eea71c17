"""Animated elements: lottie, svg, line, progress, counter — pixels, validation and schema."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from reelforge.compose import Compositor
from reelforge.elements.counter import grouped
from reelforge.load import load_script
from reelforge.platforms import registry
from reelforge.timeline import build

from .conftest import REPO, run

SUN = REPO / "examples" / "assets" / "lottie" / "sun.json"
SCRIPT = """\
reelforge: 1
id: motion
title: "Motion"
brand: demo
template: explainer
languages: [ar, fr]
platforms: [reels]
digits: {digits}
voice: {{ar: ar-offline, fr: fr-offline}}
scenes:
  - id: s
    layout: title
    duration: 4
    background: {{color: "#202020"}}
    elements:
{elements}
"""


def script(project: Path, *elements: str, digits: str = "western") -> Path:
    shutil.copytree(SUN.parent, project / "assets" / "lottie", dirs_exist_ok=True)
    path = project / "m.yaml"
    path.write_text(SCRIPT.format(digits=digits, elements="".join(f"      - {e}\n" for e in elements)), encoding="utf-8")
    return path


def frames(path: Path, lang: str, *times: float):
    """Frames at these times (reels at 540×960), the timeline, and the scene's items."""
    tl = build(load_script(path), lang, registry()["reels"].scaled(0.5))
    comp = Compositor(tl)
    try:
        return [comp.frame_at(t).copy() for t in times], tl
    finally:
        comp.close()


def near(pixel, rgb, tol=6) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(rgb[:3])) <= tol))


# -- lottie ----------------------------------------------------------------------------------

def sun_point(item, lottie_xy=(115, 97)):
    """Frame pixel of a point of sun.json (200×200, drawn in a square box)."""
    x, y, w, h = item.box
    s = min(w, h) / 200
    return round(x + (w - 200 * s) / 2 + lottie_xy[0] * s), round(y + (h - 200 * s) / 2 + lottie_xy[1] * s)


def test_a_recoloured_lottie_draws_in_the_brand_colour_and_moves(project):
    path = script(project, '{type: lottie, file: assets/lottie/sun.json, box: [20, 20, 60, 34], '
                           'colors: {"#FFC83D": primary, "#FF8A00": "#FF00FF"}, animate: {in: none}}')
    (a, b), tl = frames(path, "fr", 0.25, 0.75)
    item = next(i for i in tl.scenes[0].items if i.kind == "lottie")
    x, y = sun_point(item)
    assert near(a[y, x], tl.brand.rgba("primary"))               # the disc, recoloured to the brand
    bx, by, bw, bh = item.box
    box_a, box_b = a[by:by + bh, bx:bx + bw], b[by:by + bh, bx:bx + bw]
    assert (np.abs(box_a.astype(int) - [255, 0, 255]).max(axis=2) <= 6).sum() > 50     # rays: the hex mapping
    assert not (np.abs(box_a.astype(int) - [0xFF, 0xC8, 0x3D]).max(axis=2) <= 6).any()  # no original yellow left
    assert np.abs(box_a.astype(int) - box_b).max() > 100                                # it moves


def test_a_kit_sets_default_lottie_colours(project):
    kit = project / "brand" / "demo" / "brand.yaml"
    kit.write_text(kit.read_text(encoding="utf-8") + '\nlottie:\n  colors: {"#FFC83D": coral}\n', encoding="utf-8")
    path = script(project, "{type: lottie, file: assets/lottie/sun.json, box: [20, 20, 60, 34], animate: {in: none}}")
    (a,), tl = frames(path, "ar", 0.5)
    item = next(i for i in tl.scenes[0].items if i.kind == "lottie")
    x, y = sun_point(item)
    assert near(a[y, x], tl.brand.rgba("coral"))


def test_a_lottie_holds_its_last_frame_without_loop_and_plays_a_segment(project):
    path = script(project, "{type: lottie, file: assets/lottie/sun.json, box: [20, 20, 60, 34], loop: false, "
                           "segment: [0, 15], animate: {in: none}}")
    (a, b), _ = frames(path, "fr", 1.0, 3.0)
    assert np.array_equal(a, b)


def test_a_dotlottie_archive_is_read(project, tmp_path):
    import zipfile
    with zipfile.ZipFile(project / "sun.lottie", "w") as z:
        z.writestr("manifest.json", json.dumps({"animations": [{"id": "sun"}]}))
        z.write(SUN, "animations/sun.json")
    path = script(project, '{type: lottie, file: sun.lottie, box: [20, 20, 60, 34], colors: {"#FFC83D": primary}, '
                           'animate: {in: none}}')
    (a,), tl = frames(path, "fr", 0.5)
    x, y = sun_point(next(i for i in tl.scenes[0].items if i.kind == "lottie"))
    assert near(a[y, x], tl.brand.rgba("primary"))


# -- svg -------------------------------------------------------------------------------------

def test_svg_colours_are_rewritten_to_the_brand(project):
    (project / "assets" / "sq.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#00FF00"/>'
        '<circle cx="5" cy="5" r="2" style="fill: #fe0000"/></svg>', encoding="utf-8")
    path = script(project, '{type: svg, file: assets/sq.svg, box: [30, 30, 40, 20], '
                           'colors: {"#00FF00": accent, "#FF0000": coral}, animate: {in: none}}',
                  "{type: svg, file: check-circle, box: [30, 60, 40, 20], color: primary, animate: {in: none}}")
    (a,), tl = frames(path, "fr", 1.0)
    sq, icon = (i for i in tl.scenes[0].items if i.kind == "svg")
    x, y, w, h = sq.box
    side = min(w, h)
    assert near(a[y + h // 2 - side // 3, x + w // 2], tl.brand.rgba("accent"))      # the square, not the circle
    assert near(a[y + h // 2, x + w // 2], tl.brand.rgba("coral"))                   # #fe0000 within tolerance
    x, y, w, h = icon.box
    assert (np.abs(a[y:y + h, x:x + w].astype(int) - tl.brand.rgba("primary")[:3]).max(axis=2) <= 4).sum() > 100


# -- line, progress ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_line_draws_on_in_the_reading_direction(project, lang):
    path = script(project, '{type: line, box: [10, 50, 80, 2], color: "#FF00FF", thickness: 1, start: 0.5, '
                           'animate: {duration: 1.0}}')
    (before, mid, end), tl = frames(path, lang, 0.4, 1.0, 2.0)
    item = next(i for i in tl.scenes[0].items if i.kind == "line")
    x, y, w, h = item.box
    row = lambda f: near_row(f[y + h // 2, x:x + w])                             # noqa: E731
    assert row(before).sum() == 0
    assert row(end).sum() > 0.97 * w
    drawn = row(mid)
    assert 0.35 * w < drawn.sum() < 0.65 * w
    left, right = drawn[: w // 2].sum(), drawn[w // 2:].sum()
    assert (left > right) if lang == "fr" else (right > left)                    # from the start of the line


def near_row(pixels):
    return np.abs(pixels.astype(int) - [255, 0, 255]).max(axis=1) <= 8


def test_a_progress_bar_fills_with_the_video(project):
    path = script(project, '{type: progress, of: video, box: [0, 96, 100, 2], color: "#FF00FF", animate: {in: none}}')
    (a, b), tl = frames(path, "fr", 1.0, 3.0)
    item = next(i for i in tl.scenes[0].items if i.kind == "progress")
    x, y, w, h = item.box
    fa, fb = near_row(a[y + h // 2, x:x + w]).sum(), near_row(b[y + h // 2, x:x + w]).sum()
    assert fa == pytest.approx(w * 1 / tl.duration, abs=3) and fb == pytest.approx(w * 3 / tl.duration, abs=3)


# -- counter -------------------------------------------------------------------------------------

def test_grouping_per_language():
    assert grouped(50000, "fr", "western") == "50\u202f000"
    assert grouped(50000, "ar", "arabic-indic") == "50\u066c000"
    assert grouped(1234567, "ar", "western") == "1,234,567"
    assert grouped(999, "fr", "western") == "999"


@pytest.mark.parametrize("digits, lang, shown", [("arabic-indic", "ar", "+٥٠٬٠٠٠"), ("western", "ar", "+50,000"),
                                                 ("western", "fr", "50\u202f000 +")])
def test_a_counter_ends_on_its_number_in_the_scripts_digits(project, digits, lang, shown):
    from reelforge.layers import place_text
    from dataclasses import replace
    path = script(project, '{type: counter, to: 50000, format: {ar: "+{n}", fr: "{n} +"}, box: [0, 40, 100, 15], '
                           'start: 0.5, seconds: 1.5, animate: {in: none}}', digits=digits)
    (mid, end), tl = frames(path, lang, 1.0, 2.5)
    item = next(i for i in tl.scenes[0].items if i.kind == "counter")
    expected = place_text(replace(item, text=shown), tl)           # the number drawn as a plain text
    x, y = expected.x, expected.y
    h, w = expected.sprite.h, expected.sprite.w
    reference = np.full((h, w, 3), 0x20, np.uint8)
    expected.sprite.blend(reference, 0, 0)
    assert np.array_equal(end[y:y + h, x:x + w], reference)
    assert not np.array_equal(mid[y:y + h, x:x + w], reference)                  # still counting at 1.0 s


# -- validation and schema -------------------------------------------------------------------------

@pytest.mark.parametrize("element, key, message", [
    ("{type: lottie, file: assets/nope.json, box: [0, 0, 50, 50]}", "file", "file not found"),
    ("{type: lottie, file: assets/bad.json, box: [0, 0, 50, 50]}", "file", "not JSON"),
    ("{type: lottie, file: assets/plain.json, box: [0, 0, 50, 50]}", "file", "not a Lottie animation: no 'v'"),
    ('{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], colors: {"#FFC83D": gold}}',
     'colors."#FFC83D"', "unknown colour 'gold'"),
    ('{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], colors: {yellow: primary}}',
     "colors.yellow", "invalid colour 'yellow'"),
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], segment: [10, 90]}", "segment",
     "segment [10, 90] is out of range: the animation has frames 0 to 60"),
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], segment: [20, 10]}", "segment", "0 ≤ from < to"),
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], speed: 0}", "speed", "out of range"),
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], loop: sometimes}", "loop", "expected true or false"),
    ("{type: svg, file: calender, box: [0, 0, 50, 50]}", "file", "unknown icon 'calender'; did you mean 'calendar'"),
    ("{type: svg, file: assets/plain.json, box: [0, 0, 50, 50]}", "file", "not an SVG file"),
    ("{type: svg, file: phone, box: [0, 0, 50, 50], color: gold}", "color", "unknown colour 'gold'"),
    ("{type: line, box: [0, 0, 50, 1], thickness: 50}", "thickness", "out of range"),
    ("{type: progress, box: [0, 0, 50, 1], of: chapter}", "of", "unknown value 'chapter'"),
    ("{type: counter, box: [0, 0, 50, 10], to: 10, format: \"{x} +\"}", "format", "unknown variable '{x}'"),
    ("{type: counter, box: [0, 0, 50, 10], to: 10, format: \"plus\"}", "format", "has no {n}"),
    ("{type: counter, box: [0, 0, 50, 10], to: 1.5}", "to", "expected a whole number"),
    ("{type: counter, box: [0, 0, 50, 10]}", "", "missing required key 'to'"),
    # every other key of the five kinds
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], segment: [1, 2, 3]}", "segment",
     "expected [from_frame, to_frame]"),
    ("{type: lottie, file: assets/empty.lottie, box: [0, 0, 50, 50]}", "file", "a .lottie archive without animations"),
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], colors: [primary]}", "colors",
     "expected a mapping"),
    ("{type: lottie, file: assets/lottie/sun.json, box: [0, 0, 50, 50], colour: primary}", "colour",
     "unknown key 'colour'"),
    ('{type: svg, file: phone, box: [0, 0, 50, 50], colors: {"#000000": gold}}', 'colors."#000000"',
     "unknown colour 'gold'"),
    ("{type: svg, file: phone, box: [0, 0, 50, 50], mirror: maybe}", "mirror", "expected true or false"),
    ("{type: svg, file: assets/nope.svg, box: [0, 0, 50, 50]}", "file", "file not found"),
    ("{type: line, box: [0, 0, 50, 1], color: gold}", "color", "unknown colour 'gold'"),
    ("{type: line, box: [0, 0, 50, 1], round: often}", "round", "expected true or false"),
    ("{type: line, box: [0, 0, 50, 1], draw: 1}", "draw", "expected true or false"),
    ("{type: progress, box: [0, 0, 50, 1], color: gold}", "color", "unknown colour 'gold'"),
    ("{type: progress, box: [0, 0, 50, 1], track: \"#12345\"}", "track", "invalid colour '#12345'"),
    ("{type: counter, box: [0, 0, 50, 10], to: 10, from: ten}", "from", "expected a whole number"),
    ("{type: counter, box: [0, 0, 50, 10], to: 10, style: huge}", "style", "unknown text style 'huge'"),
    ("{type: counter, box: [0, 0, 50, 10], to: 10, seconds: -1}", "seconds", "out of range"),
    ("{type: counter, box: [0, 0, 50, 10], to: 10, format: {fr: \"{n} +\"}}", "format", "missing the 'ar' text"),
])
def test_every_new_key_is_validated_with_a_located_line(project, element, key, message):
    (project / "assets" / "bad.json").write_text("{not json", encoding="utf-8")
    (project / "assets" / "plain.json").write_text('{"fr": 30}', encoding="utf-8")
    import zipfile
    with zipfile.ZipFile(project / "assets" / "empty.lottie", "w") as z:
        z.writestr("manifest.json", "{}")
    path = script(project, element)
    result = run("validate", path.name, cwd=project)
    assert result.exit_code == 2, result.output
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "type:" in text)
    where = "scenes[0].elements[0]" + (f".{key}" if key else "")
    hits = [out for out in result.output.splitlines() if message in out]
    assert len(hits) == 1 and hits[0].startswith(f"m.yaml:{line}:") and f" {where}: " in hits[0], result.output


def test_the_json_schema_lists_the_new_kinds(project):
    result = run("schema", "script", cwd=project)
    assert result.exit_code == 0
    text = result.output
    for kind in ("lottie", "svg", "line", "progress", "counter"):
        assert f'"const": "{kind}"' in text
    assert "calendar" in text and "segment" in text
    brand = run("schema", "brand", cwd=project).output
    assert '"lottie"' in brand


def test_the_summer_camps_example_uses_a_lottie_and_an_icon_in_brand_colours():
    path = REPO / "examples" / "summer-camps.yaml"
    (frame,), tl = frames(path, "ar", 0.0 + next(s.start for s in build(load_script(path), "ar", registry()["reels"])
                                                  .scenes if s.scene.id == "dates") + 1.0)
    st = next(s for s in tl.scenes if s.scene.id == "dates")
    kinds = {i.kind for i in st.items}
    assert {"lottie", "svg"} <= kinds
    item = next(i for i in st.items if i.kind == "lottie")
    x, y, w, h = item.box
    accent = np.array(tl.brand.rgba("accent")[:3])
    assert (np.abs(frame[y:y + h, x:x + w].astype(int) - accent).max(axis=2) <= 6).sum() > 200


def gradient_lottie(animated: bool) -> dict:
    """A 100×100 square filled with a linear gradient, red (#FF0000) on the left to blue (#0000FF) on the
    right, both stops opaque; `animated`: the stops as two keyframes (`s`/`e`) with the same colours."""
    flat = [0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1]        # two colour stops, then two opacity stops
    stops = {"a": 1, "k": [{"t": 0, "s": flat, "e": flat, "i": {"x": [0.5], "y": [0.5]}, "o": {"x": [0.5], "y": [0.5]}},
                           {"t": 30, "s": flat}]} if animated else {"a": 0, "k": flat}
    still = lambda v: {"a": 0, "k": v}      # noqa: E731
    return {"v": "5.7.0", "fr": 30, "ip": 0, "op": 30, "w": 100, "h": 100, "layers": [{
        "ty": 4, "ind": 1, "ip": 0, "op": 30, "st": 0,
        "ks": {"o": still(100), "r": still(0), "p": still([50, 50, 0]), "a": still([0, 0, 0]), "s": still([100, 100, 100])},
        "shapes": [{"ty": "gr", "it": [
            {"ty": "rc", "p": still([0, 0]), "s": still([100, 100]), "r": still(0)},
            {"ty": "gf", "o": still(100), "r": 1, "t": 1, "s": still([-50, 0]), "e": still([50, 0]),
             "g": {"p": 2, "k": stops}},
            {"ty": "tr", "p": still([0, 0]), "a": still([0, 0]), "s": still([100, 100]), "r": still(0), "o": still(100)},
        ]}]}]}


@pytest.mark.parametrize("animated", [False, True])
def test_lottie_gradient_stops_are_recoloured(project, animated):
    (project / "assets" / "grad.json").write_text(json.dumps(gradient_lottie(animated)), encoding="utf-8")
    path = script(project, '{type: lottie, file: assets/grad.json, box: [20, 20, 60, 34], '
                           'colors: {"#FF0000": primary}, animate: {in: none}}',
                  '{type: lottie, file: assets/grad.json, box: [20, 60, 60, 34], animate: {in: none}}')
    (a,), tl = frames(path, "fr", 0.5)
    mapped, plain = (i for i in tl.scenes[0].items if i.kind == "lottie")
    for item, left in ((mapped, tl.brand.rgba("primary")), (plain, (255, 0, 0))):
        x, y, w, h = item.box
        side = min(w, h)
        x0, y0 = x + (w - side) // 2, y + (h - side) // 2
        row = a[y0 + side // 2]
        assert near(row[x0 + 2], left, 12), (row[x0 + 2], left)           # the left stop: recoloured or not
        assert near(row[x0 + side - 3], (0, 0, 255), 12)                  # the right stop untouched
