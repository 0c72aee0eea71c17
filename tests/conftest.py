"""Shared fixtures: a throwaway project folder holding copies of the shipped kits, and a valid script."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from reelforge import registry
from reelforge.cli import main

REPO = Path(__file__).resolve().parents[1]

VALID = """\
reelforge: 1
id: test-reel
title: {ar: "جواز الشباب", fr: "Pass Jeunes"}
brand: demo
template: explainer
languages: [ar, fr]
platforms: [reels, youtube]
voice: {ar: ar-offline, fr: fr-offline}
subtitles: {burn: true, style: karaoke, sidecar: [srt, vtt], also: {ar: fr}}
vars: {deadline: "30/06/2025"}
scenes:
  - id: hook
    layout: title
    say: {ar: "سجّل في Pass Jeunes قبل {deadline}.", fr: "Inscrivez-vous au Pass Jeunes avant le {deadline}."}
    text: {ar: "سجّل الآن في Pass Jeunes", fr: "Inscrivez-vous au Pass Jeunes"}
    subtext: {ar: "قبل {deadline}", fr: "avant le {deadline}"}
    transition: slide
  - id: points
    layout: bullets
    text: {ar: "المزايا", fr: "Les avantages"}
    bullets:
      - {ar: "النقل بأثمنة مخفضة", fr: "Transport à prix réduit"}
      - {ar: "الثقافة والرياضة", fr: "Culture et sport"}
    say: {ar: "تخفيضات في النقل والثقافة والرياضة.", fr: "Des réductions sur le transport, la culture et le sport."}
  - id: picture
    layout: image
    image: assets/pic.png
    text: {ar: "بطاقة واحدة", fr: "Une seule carte"}
    duration: 3
    background: {color: "#102030"}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: brand/, templates/, voices/ copied from the repository, a valid script, an asset."""
    for d in ("brand", "templates", "voices"):
        shutil.copytree(REPO / d, tmp_path / d)
    (tmp_path / "assets").mkdir()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(tmp_path / "assets" / "pic.png")
    (tmp_path / "ok.yaml").write_text(VALID, encoding="utf-8")
    return tmp_path


DEMO_ENTRY_POINTS = {   # group -> name -> object: what the test distribution reelforge-demo declares
    "reelforge.tts": {"tone": "reelforge_demo.tone:ENGINE"},
    "reelforge.elements": {"star": "reelforge_demo.star:ELEMENT"},
    "reelforge.captions": {"ticker": "reelforge_demo.ticker:STYLE"},
    "reelforge.transitions": {"iris": "reelforge_demo.iris:TRANSITION"},
    "reelforge.lint": {"no-shouting": "reelforge_demo.shouting:RULE"},
}


@pytest.fixture
def demo_plugins(tmp_path: Path, monkeypatch):
    """tests/plugins/reelforge_demo installed for one test: a dist-info on sys.path whose
    entry_points.txt is built from DEMO_ENTRY_POINTS. Registries rediscover before and after."""
    site = tmp_path / "site-packages"
    info = site / "reelforge_demo-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: reelforge-demo\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in points.items()) + "\n"
        for group, points in DEMO_ENTRY_POINTS.items()), encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(REPO / "tests" / "plugins"))
    registry.refresh()
    yield site
    registry.refresh()


def run(*args, cwd: Path):
    """`reelforge ARGS...` run in folder `cwd`, as a user would, through Click's test runner."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
