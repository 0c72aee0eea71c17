"""`reelforge lint`: scripts that break each rule, and the finding each one gets."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from reelforge import registry
from reelforge.cli import main
from reelforge.config.yamlfile import read
from reelforge.errors import Problem
from reelforge.lint import config, settings_problems

from .conftest import VALID


def lint(project: Path, text: str, name="bad.yaml"):
    (project / name).write_text(text, encoding="utf-8")
    old = os.getcwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, ["lint", name])
    finally:
        os.chdir(old)


BROKEN = VALID.replace("platforms: [reels, youtube]", "platforms: [reels]").replace(
    "    transition: slide\n",
    "    transition: slide\n"
    "    background: {color: light}\n"                                   # white text on white: contrast
    "    elements:\n"
    "      - {type: shape, shape: rect, color: \"#123456\", box: [80, 0, 20, 10]}\n"   # off palette, on the logo
    "      - type: text\n        style: small\n        box: [0, 96, 100, 4]\n"       # overflows the safe area
    "        text: \"Une phrase bien trop longue pour tenir dans une boîte aussi basse que celle-ci, vraiment\"\n"
).replace('fr: "Des réductions sur le transport, la culture et le sport."',
          'fr: "Voir https://demo-jeunesse.example/inscription/formulaire-en-ligne maintenant."')


def test_each_rule_has_its_finding(project):
    b = project / "brand" / "demo" / "brand.yaml"
    b.write_text(b.read_text().replace("rhythm_share: 0.6", "rhythm_share: 0.01").replace("min_text_size: 2.8",
                                                                                            "min_text_size: 4"))
    t = project / "templates" / "explainer.yaml"
    t.write_text(t.read_text().replace("reading_speed: 17 ", "reading_speed: 6 "))
    result = lint(project, BROKEN)
    assert result.exit_code == 1, result.output
    out = result.output
    def has(rule, pattern):
        assert re.search(r"^bad\.yaml:\d+:1: .*: " + rule + ": " + pattern, out, re.M), f"{rule} missing:\n{out}"
    has("contrast", r"text contrast 1\.\d:1 against the pixels behind it; needs 3:1")
    has("safe-area", r"drawn at .* outside the safe area")
    has("off-palette", r"colour #123456 is not in brand 'demo'")
    has("logo-clear-space", r"overlaps the logo's clear space")
    has("text-size", r"style 'small' is 3.2% of the short side")
    has("reading-speed", r"[\d.]+ characters a second; at most 6")
    has("line-length", r"\d+ characters in a line; at most 42")
    has("rhythm", r"the (ar|fr) voiceover .* runs \d+% longer")
    has("end-card", r"the video does not end on an end card")


def test_too_long_for_the_platform(project):
    result = lint(project, VALID.replace("duration: 3", "duration: 95").replace("platforms: [reels, youtube]",
                                                                                "platforms: [reels]"))
    assert result.exit_code == 1
    assert re.search(r"duration: (ar|fr) lasts \d+\.\d s; reels allows 90 s", result.output), result.output


def test_rules_turned_off_with_a_reason(project):
    b = project / "brand" / "demo" / "brand.yaml"
    text = VALID.replace("platforms: [reels, youtube]", "platforms: [reels]")
    b.write_text(b.read_text() + "  off: {end-card: \"cut-downs for stories end on the product shot\"}\n")
    result = lint(project, text)
    assert "end-card" not in result.output
    b.write_text(b.read_text().replace("{end-card: \"cut-downs for stories end on the product shot\"}", "{end-card: \"\"}"))
    result = lint(project, text)
    assert result.exit_code == 2
    assert "lint.off.end-card: say why the rule is off" in result.output


def test_brand_sheet(project, tmp_path):
    old = os.getcwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["brand", "sheet", "demo", "-o", str(tmp_path / "board.png")])
        bad = CliRunner().invoke(main, ["brand", "sheet", "nope", "-o", str(tmp_path / "x.png")])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    from PIL import Image
    with Image.open(tmp_path / "board.png") as img:
        assert img.width == 1800 and img.height > 1500
        px = img.convert("RGB")
        colours = {px.getpixel((x, y)) for x in range(0, 1800, 9) for y in range(0, 600, 9)}
    assert (0x0B, 0x5D, 0x5E) in colours            # the primary swatch is on the board
    assert bad.exit_code == 2 and "unknown brand" in bad.output


def test_problem_line_format():
    assert str(Problem("a.yaml", 12, 1, "scenes[0] (hook)", "needs 3:1", "contrast")) == \
        "a.yaml:12:1: scenes[0] (hook): contrast: needs 3:1"
    assert str(Problem("a.yaml", 12, 3, "lint.x", "unknown")) == "a.yaml:12:3: lint.x: unknown"


PLUGIN = """\
from reelforge.errors import Problem


class TooManyScenes:
    name = "too-many-scenes"
    settings = {"max_scenes": 5}

    def check(self, ctx):
        most = ctx.settings["max_scenes"]
        if len(ctx.script.scenes) > most:
            yield Problem(ctx.file, 1, 1, "scenes", f"{len(ctx.script.scenes)} scenes; at most {most:g}")


RULE = TooManyScenes()
"""


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A third-party rule, installed under the `reelforge.lint` entry point group at run time."""
    site = tmp_path / "site"
    (site / "reelforge_scene_count-1.0.dist-info").mkdir(parents=True)
    (site / "reelforge_scene_count-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: reelforge-scene-count\nVersion: 1.0\n")
    (site / "reelforge_scene_count-1.0.dist-info" / "entry_points.txt").write_text(
        "[reelforge.lint]\ntoo-many-scenes = reelforge_scene_count:RULE\n")
    (site / "reelforge_scene_count.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "reelforge_scene_count", raising=False)
    registry.refresh()
    yield
    registry.refresh()


def test_a_third_party_rule_runs_like_a_built_in(project, plugin):
    assert registry.LINT.origin("too-many-scenes") == "reelforge-scene-count 1.0"
    b = project / "brand" / "demo" / "brand.yaml"
    b.write_text(b.read_text() + "  max_scenes: 2\n")                # its setting is known to the brand kit
    result = lint(project, VALID.replace("platforms: [reels, youtube]", "platforms: [reels]"))
    assert result.exit_code == 1, result.output
    assert "bad.yaml:1:1: scenes: too-many-scenes: 3 scenes; at most 2\n" in result.output


def test_settings_problems_are_located(tmp_path, monkeypatch):
    (tmp_path / "brand.yaml").write_text(
        "reelforge-brand: 1\n"
        "lint:\n"
        "  contrast_bodyy: 4.5\n"
        "  rhythm_share: fast\n"
        "  large_text: 30\n"
        "  off:\n"
        "    contrastt: \"we check it by hand\"\n"
        "    end-card: \"\"\n")
    monkeypatch.chdir(tmp_path)
    brand = SimpleNamespace(lint=read(tmp_path / "brand.yaml")["lint"], path=tmp_path)
    assert [str(p) for p in settings_problems(brand)] == [
        "brand.yaml:3:3: lint.contrast_bodyy: unknown lint setting 'contrast_bodyy'; did you mean 'contrast_body'?",
        "brand.yaml:4:17: lint.rhythm_share: expected a number, got text 'fast'",
        "brand.yaml:5:15: lint.large_text: 30 is out of range: must be between 0 and 21",
        "brand.yaml:7:5: lint.off.contrastt: unknown rule 'contrastt'; did you mean 'contrast'?",
        "brand.yaml:8:15: lint.off.end-card: say why the rule is off: `rule: the reason`",
    ]


def test_config_takes_a_plain_mapping_or_the_yaml_one(tmp_path):
    (tmp_path / "brand.yaml").write_text("lint:\n  min_text_size: 4\n  off: {end-card: \"stories\"}\n")
    for lint_settings in (read(tmp_path / "brand.yaml")["lint"], {"min_text_size": 4, "off": {"end-card": "stories"}}):
        settings, off = config(SimpleNamespace(brand=SimpleNamespace(lint=lint_settings)))
        assert settings["min_text_size"] == 4 and settings["contrast_body"] == 4.5 and off == {"end-card": "stories"}


MOTION = VALID.replace("platforms: [reels, youtube]", "platforms: [reels]").replace(
    "    transition: slide\n",
    "    transition: slide\n"
    "    background: {color: light}\n"
    "    elements:\n"
    "      - {type: svg, file: calendar, box: [0, 40, 20, 10], color: \"#123457\", colors: {\"#000000\": \"#ABCDEF\"}}\n"
    "      - {type: lottie, file: assets/sun.json, box: [20, 40, 20, 10], colors: {\"#FFC83D\": \"#FEDCBA\"}}\n"
    "      - {type: line, box: [0, 55, 100, 2], color: light}\n"                   # white on white
    "      - {type: progress, box: [0, 60, 100, 2], color: \"#00FF11\"}\n"
    "      - {type: counter, to: 999999, style: plain, box: [0, 97, 100, 3], animate: {in: none},\n"
    "         format: \"{n} jeunes inscrits cette année dans toutes les villes et tous les villages du Royaume\"}\n"
).replace("  - id: points\n", "  - id: points\n    elements:\n"
          "      - {type: counter, to: 50, style: plain, box: [0, 70, 100, 5], animate: {in: fade}}\n", 1)


def test_the_animated_elements_are_linted(project):
    """off-palette sees element colours and what svg/lottie recolour to; contrast sees counters (on their
    final number) and lines/progress bars; text-size sees counters; safe-area sees their drawn extent."""
    import shutil
    from .conftest import REPO
    shutil.copy(REPO / "examples" / "assets" / "lottie" / "sun.json", project / "assets" / "sun.json")
    b = project / "brand" / "demo" / "brand.yaml"
    b.write_text(b.read_text().replace("min_text_size: 2.8", "min_text_size: 4")
                 .replace("\nstyles:\n", "\nstyles:\n  plain: {size: 3.2, color: light}\n"))     # no box, no outline
    result = lint(project, MOTION)
    out = result.output
    assert result.exit_code == 1, out

    def has(rule, where, pattern):
        assert re.search(r"^bad\.yaml:\d+:1: scenes\[\d\] \(\w+\)" + re.escape(where) + r".*: " + rule + ": "
                         + pattern, out, re.M), f"{rule} {where} missing:\n{out}"
    has("off-palette", ".elements[0].color", r"colour #123457 is not in brand 'demo'")
    has("off-palette", '.elements[0].colors."#000000"', r"colour #ABCDEF is not in brand")
    has("off-palette", '.elements[1].colors."#FFC83D"', r"colour #FEDCBA is not in brand")
    has("off-palette", ".elements[3].color", r"colour #00FF11 is not in brand")
    assert ".elements[3].track" not in out                      # the kind's own default track is not the script's
    has("contrast", " [fr reels].elements[2]", r"line colour light has contrast 1\.0:1 against the pixels behind "
                                               r"it; a graphic needs 3:1")
    has("contrast", " [fr reels].elements[4]", r"text contrast 1\.\d:1 against the pixels behind it; needs 4.5:1 "
                                               r"\(style 'plain'\)")
    has("text-size", " [ar reels].elements[4]", r"style 'plain' is 3.2% of the short side")
    has("safe-area", " [fr reels].elements[4]", r"drawn at .* outside the safe area")
    # the counter of the dark bullets scene reads (light on dark): no contrast finding for it
    assert not re.search(r"scenes\[1\] \(points\) \[\w+ reels\]\.elements\[0\]: contrast", out), out
