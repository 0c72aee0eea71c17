"""`reelforge build`: incremental keys, shards, failure isolation, Dask, manifest and report page."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from reelforge.build import plan, shard_of
from reelforge.cli import main
from reelforge.contentkey import content_key as job_key
from reelforge.load import load_script
from reelforge.model import Transition

from .conftest import REPO

SCRIPT = """\
reelforge: 1
id: {id}
title: {{ar: "تجربة", fr: "Essai"}}
brand: demo
languages: [ar, fr]
platforms: [reels]
voice: {{ar: ar-offline, fr: fr-offline}}
subtitles: {{burn: true, style: block, sidecar: [srt, vtt]}}
scenes:
  - id: one
    layout: title
    text: {{ar: "مرحبا", fr: "Bonjour"}}
    say: {{ar: "مرحبا.", fr: "{fr}"}}
  - id: two
    layout: end
    text: "Pass Jeunes"
    duration: 2
"""


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository of two scripts with the shipped kits, and a private speech cache."""
    for d in ("brand", "templates", "voices"):
        shutil.copytree(REPO / d, tmp_path / d)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "a.yaml").write_text(SCRIPT.format(id="alpha", fr="Bonjour."), "utf-8")
    (tmp_path / "scripts" / "b.yaml").write_text(SCRIPT.format(id="beta", fr="Salut."), "utf-8")
    monkeypatch.setenv("REELFORGE_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(*args):
    result = CliRunner().invoke(main, ["build", "scripts", "--draft", "--json", "-o", "out", *args])
    summary = json.loads(result.stdout[result.stdout.index("{"):]) if "{" in result.stdout else None
    return result, summary


def test_incremental_builds(repo):
    result, s = build("--jobs", "2")
    assert result.exit_code == 0, result.output
    assert s["rendered"] == ["alpha/ar/reels", "alpha/fr/reels", "beta/ar/reels", "beta/fr/reels"]
    result, s = build()
    assert s["rendered"] == [] and s["skipped"] == 4
    # editing one script's French text re-renders only that script's French output
    a = repo / "scripts" / "a.yaml"
    a.write_text(a.read_text().replace('fr: "Bonjour."', 'fr: "Bonjour à tous."'))
    result, s = build()
    assert s["rendered"] == ["alpha/fr/reels"]
    # a deleted output is rendered again
    (repo / "out" / "beta" / "ar" / "reels.mp4").unlink()
    result, s = build()
    assert s["rendered"] == ["beta/ar/reels"]
    manifest = json.loads((repo / "out" / "manifest.json").read_text())
    assert len(manifest["outputs"]) == 4 and manifest["failures"] == []
    entry = manifest["outputs"][0]
    assert set(entry) >= {"name", "script", "lang", "platform", "duration", "files", "timing", "check", "key"}
    assert entry["check"]["ok"], entry["check"]
    per_script = json.loads((repo / "out" / "alpha" / "manifest.json").read_text())
    assert [o["lang"] for o in per_script["outputs"]] == ["ar", "fr"]


def test_keys_change_with_exactly_what_shapes_an_output(repo):
    def keys():
        s = load_script(repo / "scripts" / "a.yaml")
        return {lang: job_key(s, lang, "reels", True) for lang in ("ar", "fr")}
    base = keys()
    edits = {
        "template": (repo / "templates" / "explainer.yaml", lambda t: t.replace("padding: 0.6", "padding: 0.7"), {"ar", "fr"}),
        "brand": (repo / "brand" / "demo" / "brand.yaml", lambda t: t.replace("#FFC857", "#FFC858"), {"ar", "fr"}),
        "voice": (repo / "voices" / "ar-offline.yaml", lambda t: t.replace("pitch: 50", "pitch: 55"), {"ar"}),
        "script-ar": (repo / "scripts" / "a.yaml", lambda t: t.replace('ar: "مرحبا."', 'ar: "أهلا."'), {"ar"}),
    }
    for name, (path, change, expect) in edits.items():
        before = path.read_text()
        path.write_text(change(before))
        now = keys()
        path.write_text(before)
        changed = {lang for lang in base if now[lang] != base[lang]}
        assert changed == expect, name
    s = load_script(repo / "scripts" / "a.yaml")
    assert job_key(s, "fr", "reels", True) != job_key(s, "fr", "shorts", True)   # platform profile
    assert job_key(s, "fr", "reels", True) != job_key(s, "fr", "reels", False)   # draft


def test_a_new_model_field_changes_the_key(repo):
    """The key walks the model itself: a field nobody listed anywhere still counts."""
    s = load_script(repo / "scripts" / "a.yaml")
    scene = s.scenes[0]

    @dataclasses.dataclass(frozen=True)
    class GlowingScene(type(scene)):
        glow: float = 0.0

    def with_glow(glow):
        first = GlowingScene(**{f.name: getattr(scene, f.name) for f in dataclasses.fields(scene)}, glow=glow)
        return dataclasses.replace(s, scenes=(first, *s.scenes[1:]))
    assert job_key(with_glow(0.0), "fr", "reels", True) != job_key(with_glow(1.0), "fr", "reels", True)
    moved = dataclasses.replace(scene, transition=dataclasses.replace(scene.transition or Transition(), duration=0.9))
    assert job_key(dataclasses.replace(s, scenes=(moved, *s.scenes[1:])), "ar", "reels", True) != job_key(s, "ar", "reels", True)
    assert job_key(dataclasses.replace(s, vars={"x": "y"}), "ar", "reels", True) == job_key(s, "ar", "reels", True)


def test_render_and_build_write_one_manifest_schema(repo):
    result = CliRunner().invoke(main, ["build", "scripts/a.yaml", "--draft", "-o", "out"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "out"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((repo / "out" / "alpha" / "manifest.json").read_text())
    built, rendered = manifest["outputs"]          # ar from the build, kept; fr from the render
    assert (built["lang"], rendered["lang"]) == ("ar", "fr")
    assert set(built) - {"check"} == set(rendered) and built["check"]["ok"]
    assert rendered["files"] == ["fr/reels.mp4", "fr/reels.jpg", "fr/reels.srt", "fr/reels.vtt"]
    # the render's key is the build's: the next build has nothing to do
    assert rendered["key"] == (repo / "out" / ".reelforge" / "alpha" / "fr" / "reels.key").read_text().strip()
    result, s = build()
    assert "alpha/fr/reels" not in s["rendered"] and "beta/fr/reels" in s["rendered"]
    top = {o["name"]: o for o in json.loads((repo / "out" / "manifest.json").read_text())["outputs"]}
    assert set(top["alpha/ar/reels"]) == set(built) and top["alpha/ar/reels"]["files"][0] == "alpha/ar/reels.mp4"
    for entry in (built, rendered):
        scenes = entry["scenes"]
        assert [sc["id"] for sc in scenes] == ["one", "two"]
        assert scenes[0]["start"] == 0 and scenes[0]["end"] == scenes[1]["start"] > 0
        assert scenes[1]["end"] - scenes[1]["start"] == pytest.approx(2.0)    # `duration: 2`
        assert scenes[-1]["end"] == pytest.approx(entry["duration"], abs=1e-3)


def test_shards_cover_every_output_exactly_once(repo):
    everything, _ = plan([repo / "scripts"])
    names = sorted(j.name for j in everything)
    shards = [sorted(j.name for j in plan([repo / "scripts"], shard=(i, 3))[0]) for i in (1, 2, 3)]
    assert sorted(n for s in shards for n in s) == names
    assert all(shard_of(n, 3) == shard_of(n, 3) for n in names)      # stable
    assert CliRunner().invoke(main, ["build", "scripts", "--shard", "4/3"]).exit_code == 2


def test_one_failure_does_not_stop_the_others(repo):
    (repo / "scripts" / "broken.yaml").write_text(SCRIPT.format(id="gamma", fr="Salut.").replace("brand: demo", "brand: nope"))
    (repo / "assets").mkdir()
    (repo / "assets" / "clip.mp4").write_bytes(b"not a video")
    bad_video = SCRIPT.format(id="delta", fr="Salut.").replace(
        "    layout: end\n", "    layout: end\n    background: {video: ../assets/clip.mp4}\n")
    (repo / "scripts" / "d.yaml").write_text(bad_video)
    # a failure that only the job finds: its French voiceover outlasts the scene's explicit duration
    long_fr = "Une phrase bien trop longue pour une scène d'une demi-seconde, vraiment beaucoup trop longue."
    (repo / "scripts" / "e.yaml").write_text(SCRIPT.format(id="epsilon", fr=long_fr).replace(
        "    say: {ar:", "    duration: 1\n    say: {ar:"))
    result, s = build("--jobs", "2")
    assert result.exit_code == 1
    failed = {f["name"]: f["error"] for f in s["failed"]}
    assert "unknown brand 'nope'" in failed["scripts/broken.yaml"]
    assert "cannot read the video" in failed["scripts/d.yaml"]          # probed when the script loads
    assert "is shorter than its fr voiceover" in failed["epsilon/fr/reels"]
    assert "alpha/fr/reels" in s["rendered"] and "beta/ar/reels" in s["rendered"]
    assert not list((repo / "out").rglob("*.partial*"))


def test_dask_cluster_on_loopback(repo):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result, s = build("--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert len(s["rendered"]) == 4
    assert (repo / "out" / "beta" / "fr" / "reels.mp4").is_file()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href", "poster"):
                self.links.append(v)


def test_report_page_links_resolve_and_it_loads_in_a_browser(repo, tmp_path):
    result, s = build()
    assert result.exit_code == 0, result.output
    page = repo / "out" / "index.html"
    parser = Links()
    parser.feed(page.read_text("utf-8"))
    assert parser.links, "no links"
    for link in parser.links:
        assert not link.startswith(("http:", "https:", "//")), link          # no network resources
        assert (page.parent / link).is_file(), link
    assert sum(link.endswith(".mp4") for link in parser.links) >= 4
    assert any(link.endswith(".vtt") for link in parser.links) and any(link.endswith(".jpg") for link in parser.links)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it")
        pytest.skip("chromium not installed")
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
                           "--allow-file-access-from-files", "--virtual-time-budget=3000", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "reelforge build: 4 videos, 0 failed" in proc.stdout, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
