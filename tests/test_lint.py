"""`reelforge lint`: scripts that break each rule, and the finding each one gets."""
from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner

from reelforge.cli import main

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
