"""The shipped templates and kits as a designer gets them: a plain script never sits still in any
template, language or aspect; the brand end card is designed; a subtext never wears the caption box."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reelforge.compose import Compositor
from reelforge.load import load_script
from reelforge.motion import still_stretches
from reelforge.platforms import registry
from reelforge.timeline import build

REPO = Path(__file__).resolve().parents[1]

# three scenes, title / bullets / title, nothing but layout, text, bullets and say; karaoke captions
PLAIN = """\
reelforge: 1
id: plain
brand: BRAND
template: TEMPLATE
languages: [ar, fr]
platforms: [reels, youtube]
voice: {ar: ar-offline, fr: fr-offline}
subtitles: {burn: true, style: karaoke}
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


def plain(project: Path, template: str, brand: str = "demo"):
    path = project / f"plain-{template}-{brand}.yaml"
    path.write_text(PLAIN.replace("TEMPLATE", template).replace("BRAND", brand), "utf-8")
    return load_script(path)


@pytest.mark.parametrize("platform", ["reels", "youtube"])          # 9:16 and 16:9
@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("template", ["explainer", "spotlight", "pop"])
def test_a_plain_script_moves_in_every_template_language_and_aspect(project, template, lang, platform):
    """Outside the caption band, frames compared 10 times a second: no still stretch over 2 s, still
    at most half of the video (the README's Motion figures come from this measure at full scale)."""
    tl = build(plain(project, template), lang, registry()[platform].scaled(0.25))
    assert tl.duration > 20
    m = still_stretches(tl)
    assert m.ok(2.0, 0.5), f"{template} {lang} {platform}: {m}"


@pytest.mark.parametrize("brand", ["demo", "sahel"])
def test_the_brand_end_card_is_designed_and_moves(project, brand):
    """spotlight and pop close on the kit's end card: the call to action, the address and hashtag, the
    logo popping in large, an accent icon and a running accent bar; it keeps moving to its last frame."""
    script = plain(project, "pop", brand)
    tl = build(script, "ar", registry()["reels"].scaled(0.5))
    card = tl.scenes[-1]
    assert card.scene.id == "end-card"
    kinds = [i.kind for i in card.items]
    assert {"logo", "svg", "progress"} <= set(kinds) and kinds.count("text") == 2
    texts = {i.name: i.text for i in card.items if i.kind == "text"}
    assert script.brand.end_card.url in texts["subtext"] and script.brand.end_card.hashtag in texts["subtext"]
    logo = next(i for i in card.items if i.kind == "logo")
    assert logo.box[2] >= 0.6 * (tl.platform.safe_box[2] - tl.platform.safe_box[0])      # large, not the corner bug
    comp = Compositor(tl)
    try:
        a, b = comp.frame_at(card.start + card.duration - 0.6), comp.frame_at(card.start + card.duration - 0.1)
        bar = next(i for i in card.items if i.kind == "progress")
        x, y, w, h = bar.box
        accent = np.array(tl.brand.rgba("accent")[:3])
        lit = lambda f: int((np.abs(f[y:y + h, x:x + w].astype(int) - accent).max(axis=2) <= 12).sum())
        assert lit(b) > lit(a) > 0                  # the accent bar still runs in the card's last half second
    finally:
        comp.close()


@pytest.mark.parametrize("brand", ["demo", "sahel"])
def test_subtext_and_kicker_styles_do_not_wear_the_caption_box(brand):
    """A designer flagged a subtext box that looked exactly like the caption box: the kits' body text
    floats without a box, and their small style (kickers, hashtags) is an accent chip."""
    from reelforge.config.yamlfile import read
    kit = read(REPO / "brand" / brand / "brand.yaml")
    styles, captions = kit["styles"], kit["captions"]
    assert "box" not in styles["body"] and "shadow" in styles["body"]
    assert styles["small"]["box"]["color"] == "accent" != captions["box"]["color"]


# -- a template's layouts may carry their own elements: an accent rule on every bullets scene ----------

LAYOUT_ELEMENTS = """\
reelforge-template: 1
extends: explainer
layouts:
  bullets:
    slots: {text: {kind: text, style: headline}, bullets: {kind: bullets, style: bullet}}
    boxes:
      "9:16": {text: [0, 14, 100, 22], bullets: [8, 40, 84, 36]}
      "4:5": {text: [0, 10, 100, 22], bullets: [8, 36, 84, 40]}
      "1:1": {text: [0, 10, 100, 22], bullets: [8, 36, 84, 40]}
      "16:9": {text: [0, 12, 100, 22], bullets: [20, 38, 60, 40]}
    elements:
      - {type: progress, box: [0, 2, 100, 1.2], of: scene}
      - {type: line, box: [30, 90, 40, 1], color: accent, draw: false}
"""


def test_layout_elements_are_drawn_in_every_scene_of_the_layout(tmp_path):
    import shutil
    for d in ("brand", "templates", "voices"):
        shutil.copytree(REPO / d, tmp_path / d)
    (tmp_path / "templates" / "ruled.yaml").write_text(LAYOUT_ELEMENTS, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(PLAIN.replace("BRAND", "demo").replace("TEMPLATE", "ruled"), encoding="utf-8")
    script = load_script(tmp_path / "s.yaml")
    assert [e.type for e in script.template.layouts["bullets"].elements] == ["progress", "line"]
    tl = build(script, "fr", registry()["reels"].scaled(0.25))
    points = tl.scenes[1]
    names = [i.name for i in points.items]
    assert names[:2] == ["layouts.bullets.elements[0]", "layouts.bullets.elements[1]"]   # under the slots
    assert not any(n.startswith("layouts.") for n in (i.name for i in tl.scenes[0].items))
    comp = Compositor(tl)
    try:
        frame = comp.frame_at(points.start + points.duration - 0.3)
    finally:
        comp.close()
    x0, y0, x1, y1 = tl.platform.safe_box
    sw, sh = x1 - x0, y1 - y0
    row = frame[round(y0 + sh * 0.905), round(x0 + sw * 0.35):round(x0 + sw * 0.65)].astype(int)
    accent = np.array([0xFF, 0xC8, 0x57])
    assert (np.abs(row - accent).max(axis=1) < 40).mean() > 0.9      # the rule, in the kit's accent


def test_a_bad_layout_element_is_located_in_the_template(tmp_path):
    import shutil
    from reelforge.errors import ReelforgeError
    for d in ("brand", "templates", "voices"):
        shutil.copytree(REPO / d, tmp_path / d)
    (tmp_path / "templates" / "ruled.yaml").write_text(LAYOUT_ELEMENTS.replace("of: scene", "of: week"), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(PLAIN.replace("BRAND", "demo").replace("TEMPLATE", "ruled"), encoding="utf-8")
    with pytest.raises(ReelforgeError) as err:
        load_script(tmp_path / "s.yaml")
    assert "templates/ruled.yaml:12:53: layouts.bullets.elements[0].of: unknown value 'week'" in str(err.value)
