"""`reelforge validate`: every rule has a real failing input and its exact one-line message."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from reelforge.errors import ReelforgeError
from reelforge.load import load_script

from .conftest import REPO, VALID, run


def validate(project: Path, text: str | bytes, name="bad.yaml"):
    path = project / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = run("validate", name, cwd=project)
    return result


def test_valid_script_loads_into_the_model(project):
    script = load_script(project / "ok.yaml")
    assert script.id == "test-reel"
    assert script.languages == ("ar", "fr")
    assert [s.id for s in script.scenes] == ["hook", "points", "picture"]
    hook = script.scenes[0]
    assert hook.say["fr"] == "Inscrivez-vous au Pass Jeunes avant le 30/06/2025."   # vars substituted
    assert hook.transition.name == "slide"
    assert script.scenes[1].bullets["bullets"][1]["fr"] == "Culture et sport"
    assert script.scenes[2].images["image"] == (project / "assets" / "pic.png").resolve()
    assert script.scenes[2].duration == 3.0
    assert script.voices["ar"].engine == "espeak"
    assert script.brand.key == "demo" and script.template.name == "explainer"
    assert script.subtitles.also == {"ar": "fr"}
    with pytest.raises(Exception):
        script.id = "x"   # frozen


def test_cli_ok(project):
    result = run("validate", "ok.yaml", cwd=project)
    assert result.exit_code == 0, result.output
    assert "ok.yaml: ok" in result.output


def sub(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# input -> (line:col, exact message after `bad.yaml:`)
CASES = {
    "yaml syntax": (sub('languages: [ar, fr]', 'languages: [ar, fr'), r"7:\d+: YAML syntax error: .*"),
    "unknown key": (sub("languages:", "langauges:"),
                    "6:1: langauges: unknown key 'langauges'; did you mean 'languages'?"),
    "unknown scene key": (sub("    transition: slide", "    transtion: slide"),
                          "17:5: scenes[0].transtion: unknown key 'transtion'; did you mean 'transition'?"),
    "wrong type duration": (sub("duration: 3", "duration: long"),
                            "29:15: scenes[2].duration: expected 'auto' or seconds, got 'long'"),
    "negative duration": (sub("duration: 3", "duration: -2"),
                          "29:15: scenes[2].duration: -2 is out of range: must be between 0.5 and 600"),
    "bad hex colour": (sub('{color: "#102030"}', '{color: "#10203"}'),
                       "30:25: scenes[2].background.color: invalid colour '#10203'; write #RRGGBB or #RRGGBBAA"),
    "unknown colour name": (sub('{color: "#102030"}', '{color: primry}'),
                            r"30:25: scenes\[2\].background.color: unknown colour 'primry'; use a brand colour \(.*\) or #RRGGBB"),
    "language code": (sub("languages: [ar, fr]", "languages: [ar, de]"),
                      r"6:17: languages\[1\]: unknown language 'de'; supported: ar = Arabic, fr = French, .*"),
    "missing language": (sub('text: {ar: "المزايا", fr: "Les avantages"}', 'text: {ar: "المزايا"}'),
                         "20:11: scenes[1].text: missing the 'fr' text: the script renders fr (ar, fr); add `fr: ...`"),
    "unknown brand": (sub("brand: demo", "brand: dmo"), "4:8: brand: unknown brand 'dmo'; did you mean 'demo'?"),
    "unknown template": (sub("template: explainer", "template: explaner"),
                         "5:11: template: unknown template 'explaner'; did you mean 'explainer'?"),
    "unknown layout": (sub("layout: bullets", "layout: bulets"),
                       "19:13: scenes[1].layout: unknown layout 'bulets' in template 'explainer'; did you mean 'bullets'?"),
    "slot not in layout": (sub("    image: assets/pic.png", "    subtext: hi"),
                           "27:5: scenes[2].subtext: layout 'image' has no slot 'subtext'; its slots: image, text"),
    "unknown voice": (sub("ar: ar-offline", "ar: ar-ofline"),
                      "8:13: voice.ar: unknown voice 'ar-ofline'; did you mean 'ar-offline'?"),
    "unknown platform": (sub("platforms: [reels, youtube]", "platforms: [reels, youtub]"),
                         r"7:20: platforms\[1\]: unknown platform 'youtub'; did you mean 'youtube'\?"),
    "duplicate scene id": (sub("id: points", "id: hook"),
                           "18:9: scenes[1].id: duplicate scene id 'hook' (also scenes[0])"),
    "asset escapes project": (sub("image: assets/pic.png", "image: ../../../etc/hostname"),
                              r"27:12: scenes\[2\].image: '../../../etc/hostname' is outside the project folder .*; keep assets inside it"),
    "unsupported version": (sub("reelforge: 1", "reelforge: 2"),
                            "1:12: reelforge: unsupported format version 2; this reelforge reads version 1"),
    "missing version": (sub("reelforge: 1\n", ""), r"1:1: missing `reelforge: 1` \(the format version\)"),
    "unknown variable": (sub("avant le {deadline}.", "avant le {dedline}."),
                         "14:10: scenes[0].say.fr: unknown variable '{dedline}'; did you mean 'deadline'?"),
    "empty say": (sub('say: {ar: "تخفيضات في النقل والثقافة والرياضة."', 'say: {ar: "  "'),
                  "24:10: scenes[1].say.ar: the voiceover text is empty; write it or remove `say`"),
    "caption style": (sub("style: karaoke", "style: karaoky"),
                      "9:32: subtitles.style: unknown value 'karaoky'; did you mean 'karaoke'?"),
    "box out of range": None,  # template rule, tested below
    "tofu": (sub('text: {ar: "بطاقة واحدة", fr: "Une seule carte"}', 'text: {ar: "بطاقة واحدة", fr: "卡片"}'),
             r"28:11: scenes\[2\].text.fr: no font of brand 'demo' has '卡' U\+5361 '片' U\+7247; .*"),
}


@pytest.mark.parametrize("name", [k for k, v in CASES.items() if v])
def test_bad_input_gives_one_line_with_position(project, name):
    text, expected = CASES[name]
    result = validate(project, text)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert "Traceback" not in result.output
    pattern = re.compile("bad.yaml:" + (expected if "\\" in expected or ".*" in expected else re.escape(expected)))
    assert any(pattern.fullmatch(line) for line in lines), result.output


def test_all_problems_reported_at_once(project):
    text = sub("brand: demo", "brand: demo\ncolour: red").replace("layout: bullets", "layout: nope") \
        .replace("image: assets/pic.png", "image: assets/missing-1.png")
    text += "  - id: extra\n    layout: image\n    image: assets/missing-2.png\n    text: hi\n"
    result = validate(project, text)
    assert result.exit_code == 2
    out = result.output
    assert "unknown key 'colour'" in out
    assert "unknown layout 'nope'" in out
    assert "file not found: assets/missing-1.png" in out or "missing-1.png" in out
    assert "missing-2.png" in out
    assert len(out.strip().splitlines()) >= 4


@pytest.mark.parametrize("content,expected", [
    (b"", "bad.yaml:1:1: file is empty; it must hold a YAML mapping"),
    (b"# only a comment\n", "bad.yaml:1:1: file is empty; it must hold a YAML mapping"),
    ("reelforge: 1\ntitle: caf\xe9\n".encode("latin-1"), "bad.yaml:2:11: not UTF-8 (byte 0xe9); save the file as UTF-8"),
    (b"- a\n- b\n", "bad.yaml:1:1: the file must hold a YAML mapping (key: value), not a list"),
    (b"just text\n", "bad.yaml:1:1: the file must hold a YAML mapping (key: value), not text"),
    (b"reelforge: 1\nid: a\nid: b\n", "bad.yaml:3:1: id: duplicate key (first at line 2)"),
])
def test_unreadable_files(project, content, expected):
    result = validate(project, content)
    assert result.exit_code == 2
    assert expected in result.output.splitlines(), result.output


def test_missing_script_file(project):
    result = run("validate", "nowhere.yaml", cwd=project)
    assert result.exit_code == 2
    assert result.output.strip() == "nowhere.yaml:1:1: file not found"


def test_errors_in_template_and_brand_point_into_those_files(project):
    t = project / "templates" / "explainer.yaml"
    t.write_text(t.read_text().replace("style: headline", "style: headlne", 1)
                 .replace('"9:16": {text: [0, 14, 100, 40]', '"9:16": {text: [0, 16, 100, 94]', 1))
    b = project / "brand" / "demo" / "brand.yaml"
    b.write_text(b.read_text() + "\nlogo_size: 3\n")
    result = run("validate", "ok.yaml", cwd=project)
    assert result.exit_code == 2
    out = result.output
    assert re.search(r"templates/explainer.yaml:\d+:\d+: layouts.title.slots.text.style: unknown text style 'headlne' "
                     r"in brand 'demo'; did you mean 'headline'\?", out), out
    assert re.search(r"templates/explainer.yaml:\d+:\d+: layouts.title.boxes.\"9:16\".text: box \[0, 16, 100, 94\] "
                     r"leaves the safe area", out), out
    assert re.search(r"brand/demo/brand.yaml:\d+:1: logo_size: unknown key 'logo_size'", out), out


def test_template_extends_chain_and_loop(project):
    (project / "templates" / "child.yaml").write_text(
        "reelforge-template: 1\nextends: explainer\npadding: 1.5\nlayouts: {}\n")
    script = load_script(_with(project, "template: explainer", "template: child"))
    assert script.template.padding == 1.5
    assert "bullets" in script.template.layouts            # inherited
    assert [p.name for p in script.template.chain] == ["child.yaml", "explainer.yaml"]
    (project / "templates" / "a.yaml").write_text("reelforge-template: 1\nextends: b\n")
    (project / "templates" / "b.yaml").write_text("reelforge-template: 1\nextends: a\n")
    with pytest.raises(ReelforgeError, match="extend each other in a loop"):
        load_script(_with(project, "template: explainer", "template: a"))


def _with(project: Path, old: str, new: str) -> Path:
    p = project / "variant.yaml"
    p.write_text(sub(old, new), encoding="utf-8")
    return p


def test_shipped_examples_validate():
    result = run("validate", *sorted(str(p) for p in (REPO / "examples").glob("*.yaml")), cwd=REPO)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") >= 3


def test_registries_list(project):
    for cmd, needle in (("platforms", "reels"), ("voices", "ar-offline"), ("brands", "demo")):
        result = run(cmd, cwd=project)
        assert result.exit_code == 0, result.output
        assert needle in result.output
    assert "tiktok" in run("platforms", cwd=project).output


def test_init_scaffolds_a_project_that_validates(tmp_path):
    result = run("init", "newproj", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    result = run("validate", "newproj/scripts/hello.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert run("init", "newproj", cwd=tmp_path).exit_code == 2    # refuses a non-empty folder


def test_doctor_reports_each_check(project):
    result = run("doctor", cwd=project)
    assert "arabic text layout" in result.output
    assert "ffmpeg" in result.output
    assert "brand 'demo' fonts" in result.output
    assert "speech engine 'edge': edge-tts" in result.output and "online" in result.output
    assert "speech engine 'piper': piper-tts" in result.output and "models: none found" in result.output
    assert result.exit_code == 0, result.output


def test_template_layouts_that_are_not_a_mapping(project):
    (project / "templates" / "listy.yaml").write_text("reelforge-template: 1\nlayouts: [title, end]\n")
    (project / "l.yaml").write_text(sub("template: explainer", "template: listy"), encoding="utf-8")
    result = run("validate", "l.yaml", cwd=project)
    assert result.exit_code == 2 and "internal error" not in result.output
    assert "templates/listy.yaml:2:10: layouts: expected a mapping (key: value), got a list" in result.output
