"""Shared fixtures: a throwaway project folder holding copies of the shipped kits, and a valid script."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

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
