"""Third-party plugins: the reelforge_demo test package (tests/plugins), installed by the
`demo_plugins` fixture, extends each registry like a built-in."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from reelforge import registry
from reelforge.errors import ReelforgeError
from reelforge.load import load_script
from reelforge.speech import SpeechCache, voice_lines
from reelforge.spoken import sentences

from .conftest import VALID, run


# -- a speech engine: reelforge_demo/tone.py ------------------------------------------------

def tone_project(project: Path, pitch) -> Path:
    (project / "voices" / "fr-tone.yaml").write_text(
        f"reelforge-voice: 1\nengine: tone\nlanguage: fr\noptions: {{pitch_hz: {pitch}}}\n", encoding="utf-8")
    (project / "t.yaml").write_text(VALID.replace("fr: fr-offline}", "fr: fr-tone}"), encoding="utf-8")
    return project / "t.yaml"


def test_a_plugin_engine_speaks_with_exact_word_times(project, demo_plugins, monkeypatch):
    from reelforge_demo.tone import GAP, burst_seconds
    monkeypatch.setenv("REELFORGE_CACHE", str(project / "cache"))
    script = load_script(tone_project(project, 440))
    assert script.voices["fr"].options["pitch_hz"] == 440
    line = voice_lines(script, "fr", SpeechCache())["hook"]
    assert line.timed == "engine"
    expected, t = [], 0.0            # one sentence: each shown word spans its spoken pieces' bursts
    for token in sentences(script.scenes[0].say["fr"], "fr")[0].tokens:
        start = t
        for piece in token.spoken.split():
            end = t + round(burst_seconds(piece) * 48000) / 48000
            t = end + GAP
        expected.append((token.shown, start, end))
    assert [w.text for w in line.words] == [x for x, _, _ in expected]
    assert [t for w in line.words for t in (w.start, w.end)] == pytest.approx([t for _, s, e in expected for t in (s, e)])


def test_a_plugin_engine_checks_its_options(project, demo_plugins):
    with pytest.raises(ReelforgeError) as exc:
        load_script(tone_project(project, 5))
    assert len(exc.value.problems) == 1
    message = str(exc.value.problems[0])
    assert "\n" not in message
    assert "fr-tone.yaml:4:" in message                   # located in the profile, at the option
    assert "options.pitch_hz: 5 is out of range" in message


def test_voices_lists_a_plugin_engine_with_its_origin(project, demo_plugins):
    result = run("voices", cwd=project)
    assert result.exit_code == 0, result.output
    assert any(line.split()[:3] == ["tone", "reelforge-demo", "0.1"] for line in result.output.splitlines())
    assert any(line.split()[:2] == ["espeak", "built-in"] for line in result.output.splitlines())


# -- an element kind, a caption style, a transition: reelforge_demo/star.py, ticker.py, iris.py ----

STAR = "      - {type: star, box: [60, 0, 40, 25], points: 6, color: \"#FF00FF\"}\n"


def star_script(project: Path, star: str = STAR) -> Path:
    text = VALID.replace("style: karaoke", "style: ticker").replace("transition: slide", "transition: iris\n"
                                                                        "    elements:\n" + star.rstrip("\n"))
    (project / "star.yaml").write_text(text, encoding="utf-8")
    return project / "star.yaml"


def test_plugin_kinds_validate_and_come_from_their_distribution(project, demo_plugins):
    from reelforge import registry
    result = run("validate", star_script(project).name, cwd=project)
    assert result.exit_code == 0, result.output
    for reg, name in ((registry.ELEMENTS, "star"), (registry.CAPTIONS, "ticker"), (registry.TRANSITIONS, "iris")):
        assert reg.origin(name) == "reelforge-demo 0.1"


def test_a_plugin_element_checks_its_options(project, demo_plugins):
    path = star_script(project, STAR.replace("points: 6", "points: 40"))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "points: 40" in text)
    col = path.read_text().splitlines()[line - 1].index("points: 40") + len("points: ") + 1
    result = run("validate", path.name, cwd=project)
    assert result.exit_code == 2, result.output
    assert f"star.yaml:{line}:{col}: scenes[0].elements[0].points: 40 is out of range: must be between 3 and 12" \
        in result.output.splitlines()


def test_plugin_kinds_render(project, demo_plugins):
    from reelforge.platforms import platform_for
    from reelforge.preview import preview_frame
    from reelforge.timeline import build
    path = star_script(project)
    result = run("render", path.name, "-l", "fr", "-p", "reels", "--draft", "-o", "out", cwd=project)
    assert result.exit_code == 0, result.output
    assert (project / "out" / "test-reel" / "fr" / "reels.mp4").stat().st_size > 10_000

    script = load_script(path)
    tl = build(script, "fr", platform_for("reels", False))
    hook = next(st for st in tl.scenes if st.scene.id == "hook")
    star = next(item for item in hook.items if item.kind == "star")
    assert star.points == 6
    # the ticker shows the whole sentence at once
    assert [i.text for i in hook.items if i.name == "captions"] == ["Inscrivez-vous au Pass Jeunes avant le 30/06/2025."]
    frame = preview_frame(script, "fr", "reels", hook.start + 1.0)
    x, y, w, h = star.box
    magenta = (frame[y:y + h, x:x + w].astype(int) - (255, 0, 255)).__abs__().sum(axis=2) < 40
    assert magenta[h // 2, w // 2] and not magenta[2, 2]           # the star's middle, not its box's corner
    assert 0.1 < magenta.mean() < 0.6


def test_a_plugin_transition_blends_frames(demo_plugins):
    from reelforge import registry
    a, b = np.zeros((40, 60, 3), np.uint8), np.full((40, 60, 3), 255, np.uint8)
    iris = registry.TRANSITIONS["iris"]
    half = iris(a, b, 0.5, False)
    assert half[20, 30].tolist() == [255] * 3 and half[0, 0].tolist() == [0] * 3
    assert (iris(a, b, 1.0, False) == b).all() and (iris(a, b, 0.0, False) == a).sum() > 0.99 * a.size


def test_schema_describes_a_plugin_element(project, demo_plugins):
    result = run("schema", "script", cwd=project)
    assert result.exit_code == 0, result.output
    kinds = json.loads(result.output)["properties"]["scenes"]["items"]["properties"]["elements"]["items"]["oneOf"]
    star = next(k for k in kinds if k["properties"]["type"] == {"const": "star"})
    assert star["properties"]["points"]["minimum"] == 3 and star["properties"]["points"]["maximum"] == 12
    assert "color" in star["properties"]


def test_doctor_names_plugins_and_reports_a_broken_one(project, demo_plugins):
    (demo_plugins / "reelforge_demo-0.1.dist-info" / "entry_points.txt").write_text(
        "[reelforge.tts]\ntone = reelforge_demo.tone:ENGINE\nbroken = reelforge_demo.nowhere:ENGINE\n", encoding="utf-8")
    registry.refresh()
    out = run("doctor", cwd=project).output
    builtins = sum(registry.TTS.builtin(name) for name in registry.TTS)
    assert f"plugins reelforge.tts: {builtins} built-in; third-party: tone (reelforge-demo 0.1), broken (reelforge-demo 0.1)" in out
    assert "plugin reelforge.tts 'broken': the reelforge.tts plugin 'broken' (reelforge_demo.nowhere:ENGINE) " \
           "cannot be loaded: ModuleNotFoundError" in out
    assert "fix: reinstall or uninstall reelforge-demo 0.1" in out


def test_a_plugin_lint_rule_runs_with_its_setting(project, demo_plugins):
    """reelforge_demo/shouting.py: one file, one entry point; its `max_caps` setting lives in the kit."""
    path = project / "loud.yaml"
    path.write_text(VALID.replace('fr: "Une seule carte"', 'fr: "Une seule CARTE JEUNESSE"'), encoding="utf-8")
    result = run("lint", "loud.yaml", cwd=project)
    assert result.exit_code == 1
    assert "loud.yaml:25:1: scenes[2] (picture).text: no-shouting: 'CARTE' is written in capitals; " \
           "write it in sentence case" in result.output.splitlines(), result.output    # 5 capitals > 4
    kit = project / "brand" / "demo" / "brand.yaml"
    kit.write_text(kit.read_text("utf-8").replace("  rhythm_share: 0.6", "  rhythm_share: 0.6\n  max_caps: 8"), "utf-8")
    assert "no-shouting" not in run("lint", "loud.yaml", cwd=project).output
    kit.write_text(kit.read_text("utf-8").replace("max_caps: 8", "max_capz: 8"), "utf-8")
    result = run("validate", "loud.yaml", cwd=project)
    assert result.exit_code == 2 and "unknown lint setting 'max_capz'; did you mean 'max_caps'?" in result.output
