"""Hostile and unlucky input (issue 12): every case is exit 2 with one located line, quickly; never a
hang, a traceback, an internal error or silent acceptance. One fixture per case, as in test_validate."""
from __future__ import annotations

import os
import re
import time
import wave
from pathlib import Path

import pytest
from PIL import Image

from reelforge.build import plan
from reelforge.config import limits

from .conftest import VALID, run
from .test_validate import sub

LOCATED = re.compile(r"^\S.*?:\d+:\d+: ")


def write(project: Path, text: str, name: str = "bad.yaml") -> list[str]:
    (project / name).write_text(text, encoding="utf-8")
    return ["validate", name]


def element(line: str) -> str:
    """VALID with one free element in the last scene."""
    return VALID + f"    elements:\n      - {line}\n"


def alias_bomb(project):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return write(project, "reelforge: 1\n" + "\n".join(levels) + "\n")


def big_file(project):
    return write(project, VALID + ("# padding\n" * 110_000))


def fifo(project):
    os.mkfifo(project / "bad.yaml")
    return ["validate", "bad.yaml"]


def dev_zero(project):
    (project / "bad.yaml").symlink_to("/dev/zero")
    return ["validate", "bad.yaml"]


def scenes_5000(project):
    scene = '  - {layout: title, text: "t", say: "s"}\n'
    return write(project, VALID.split("scenes:\n")[0] + "scenes:\n" + scene * 5000)


def var_refs(project):
    return write(project, sub('subtext: {ar: "قبل {deadline}", fr: "avant le {deadline}"}',
                              'subtext: "' + "{deadline}" * 2000 + '"'))


def huge_say(project):
    return write(project, sub("avant le {deadline}.", "a" * 30_000))


def long_var(project):
    return write(project, sub('vars: {deadline: "30/06/2025"}', 'vars: {deadline: "' + "x" * 3000 + '"}'))


def tiny_box(project):
    return write(project, element("{type: text, text: hi, box: [10, 10, 0.0001, 10]}"))


def reelforge_true(project):
    return write(project, sub("reelforge: 1", "reelforge: true"))


def image(make):
    def case(project):
        make(project / "assets" / "bad.png")
        return write(project, sub("image: assets/pic.png", "image: assets/bad.png"))
    return case


def sparse(path: Path, size: int = limits.ASSET_BYTES + 1):
    with open(path, "wb") as fh:
        fh.truncate(size)


def logo_text_file(project):
    (project / "brand" / "demo" / "logo.png").write_text("not a picture\n")
    return ["validate", "ok.yaml"]


def take(path: Path, seconds: float = 1.0):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))


def recorded(folder: str = "takes"):
    return sub("voice: {ar: ar-offline, fr: fr-offline}",
               "voice: {ar: {engine: recorded, language: ar, options: {folder: " + folder + "}}, fr: fr-offline}")


def empty_recording(project):
    (project / "takes").mkdir()
    (project / "takes" / "hook.ar.wav").write_bytes(b"")
    take(project / "takes" / "points.ar.wav")
    return write(project, recorded())


def video_background(project):
    (project / "assets" / "clip.mp4").write_text("not a video\n")
    return write(project, sub('background: {color: "#102030"}', "background: {video: assets/clip.mp4}"))


def default_id(name):
    def case(project):
        return write(project, sub("id: test-reel\n", ""), name)
    return case


def duplicate_ids(project):
    write(project, VALID, "a.yaml")
    return write(project, VALID, "b.yaml")[:1] + ["a.yaml", "b.yaml"]


def outside(kind):
    def case(project):
        there = project.parent / f"{project.name}-elsewhere"
        (there / "brand").mkdir(parents=True, exist_ok=True)
        if kind == "template":
            (there / "t.yaml").write_text((project / "templates" / "explainer.yaml").read_text())
            return write(project, sub("template: explainer", f"template: ../{there.name}/t.yaml"))
        if kind == "brand":
            return write(project, sub("brand: demo", f"brand: ../{there.name}/brand"))
        (there / "takes").mkdir(exist_ok=True)
        return write(project, recorded(f"../{there.name}/takes"))
    return case


S = r"scenes\[2\]"
# case -> (fixture, the one expected line: a regex after the start of the line)
CASES = {
    "alias bomb": (alias_bomb, r"bad.yaml:\d+:\d+: more than 50,000 values with aliases \(\*name\) expanded; .*"),
    "big file": (big_file, r"bad.yaml:1:1: the file is larger than 1 MB, the limit for a YAML document"),
    "fifo": (fifo, r"bad.yaml:1:1: cannot read: not a regular file \(a FIFO, device or socket\).*"),
    "dev zero": (dev_zero, r"(bad.yaml|/dev/zero):1:1: cannot read: not a regular file .*"),
    "5000 scenes": (scenes_5000, r"bad.yaml:12:3: scenes: 5,000 scenes; a script may hold at most 200 .*"),
    "2000 var refs": (var_refs, r"bad.yaml:16:14: scenes\[0\].subtext: more than 1,000 \{var\} references; .*"),
    "huge say": (huge_say, r"bad.yaml:14:10: scenes\[0\].say.fr: 30,030 characters; a voiceover text may hold at most 2,000"),
    "long var": (long_var, r"bad.yaml:10:18: vars.deadline: 3,000 characters; a variable may hold at most 2,000"),
    "on-screen text": (lambda p: write(p, sub('text: {ar: "المزايا", fr: "Les avantages"}', "text: " + "x" * 600)),
                       r"bad.yaml:20:11: scenes\[1\].text: 600 characters; a text may hold at most 500"),
    "nan in box": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, .nan, 10]}")),
                   rf"bad.yaml:32:37: {S}.elements\[0\].box: box: expected a finite number, got nan"),
    "inf in box": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, .inf]}")),
                   rf"bad.yaml:32:37: {S}.elements\[0\].box: box: expected a finite number, got inf"),
    "huge int in box": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, " + "9" * 40 + "]}")),
                        rf"bad.yaml:32:37: {S}.elements\[0\].box: box: a number of 16 digits or more is too large.*"),
    "inf start": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, 10], start: .inf}")),
                  rf"bad.yaml:32:60: {S}.elements\[0\].start: expected a finite number, got inf"),
    "-inf start": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, 10], end: -.inf}")),
                   rf"bad.yaml:32:58: {S}.elements\[0\].end: expected a finite number, got -inf"),
    "nan start": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, 10], start: .nan}")),
                  rf"bad.yaml:32:60: {S}.elements\[0\].start: expected a finite number, got nan"),
    "huge start": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, 10], start: 1.0e+300}")),
                   rf"bad.yaml:32:60: {S}.elements\[0\].start: 1e\+300 is too large: .*"),
    "huge int start": (lambda p: write(p, element("{type: text, text: hi, box: [0, 0, 10, 10], start: 10000000}")),
                       rf"bad.yaml:32:60: {S}.elements\[0\].start: 10000000 is too large: no setting .*"),
    "tiny box": (tiny_box, rf"bad.yaml:32:37: {S}.elements\[0\].box: box \[10, 10, 0.0001, 10\] is too small .*"),
    "reelforge: true": (reelforge_true, r"bad.yaml:1:12: reelforge: unsupported format version True; .*"),
    "lone surrogate": (lambda p: write(p, sub('"Une seule carte"', '"Une \\ud800 carte"')),
                       r"bad.yaml:28:\d+: (YAML syntax error: .*|scenes\[2\].text.fr: U\+D800 .*)"),
    "control character": (lambda p: write(p, sub('"Une seule carte"', '"Une \\x07 carte"')),
                          r"bad.yaml:28:11: scenes\[2\].text.fr: control character U\+0007 at character 5; .*"),
    "U+202E": (lambda p: write(p, sub('"Une seule carte"', '"Une \\u202e carte"')),
               r"bad.yaml:28:11: scenes\[2\].text.fr: U\+202E \(RIGHT-TO-LEFT OVERRIDE\) at character 5 makes the "
               r"screen show another order than the YAML; write the text in reading order .*"),
    "unbalanced isolate": (lambda p: write(p, sub('"Une seule carte"', '"Une \\u2067seule carte"')),
                           r"bad.yaml:28:11: scenes\[2\].text.fr: unbalanced bidi isolates: .*"),
    "decompression bomb": (image(lambda f: Image.new("1", (10_000, 9_000)).save(f)),
                           rf"bad.yaml:27:12: {S}.image: the image assets/bad.png is 10000×9000 pixels "
                           r"\(90 megapixels\); the limit is 80 megapixels; scale it down"),
    "text file named .png": (image(lambda f: f.write_text("hello\n")),
                             rf"bad.yaml:27:12: {S}.image: cannot read the image assets/bad.png "
                             r"\(UnidentifiedImageError: .*\); re-export it as PNG or JPEG"),
    "truncated png": (image(lambda f: (Image.new("RGB", (200, 200), (9, 99, 200)).save(f),
                                       f.write_bytes(f.read_bytes()[:120]))),
                      rf"bad.yaml:27:12: {S}.image: cannot read the image assets/bad.png \(.*"),
    "multi-GB asset": (image(sparse), rf"bad.yaml:27:12: {S}.image: assets/bad.png is 1,074 MB; the limit "
                                      r"for an asset is 1 GiB"),
    "logo is a text file": (logo_text_file, r"brand/demo/brand.yaml:20:\d+: logo.file: cannot read the image .*"),
    "0-byte recording": (empty_recording, r"bad.yaml:12:1: scenes\[0\].say.ar: cannot read the audio "
                                          r"takes/hook.ar.wav \(.*\); re-export it as WAV or MP3"),
    "text file as video background": (video_background, rf"bad.yaml:30:25: {S}.background.video: cannot read the "
                                                        r"video assets/clip.mp4 \(.*\); re-export it as H.264 MP4"),
    "id from '...yaml'": (default_id("...yaml"), r"\.\.\.yaml:1:1: id: the file name '\.\.\.yaml' cannot name "
                                                 r"the output folder; add `id:` .*"),
    "id from '..yaml'": (default_id("..yaml"), r"\.\.yaml:1:1: id: the file name '\.\.yaml' cannot name .*"),
    "id from javascript:": (default_id("javascript:alert(1).yaml"),
                            r"javascript:alert\(1\).yaml:1:1: id: the file name 'javascript:alert\(1\).yaml' .*"),
    "duplicate ids": (duplicate_ids, r"b.yaml:2:5: id: 'test-reel' is also the id of a.yaml: both would write "
                                     r"OUT/test-reel; give each script its own `id:`"),
    "template outside": (outside("template"), r"bad.yaml:5:11: template: template '\.\./.*/t.yaml' is outside "
                                              r"the project folder .*"),
    "brand outside": (outside("brand"), r"bad.yaml:4:8: brand: brand '\.\./.*/brand' is outside the project .*"),
    "recordings outside": (outside("recordings"), r"bad.yaml:8:\d+: voice.ar.options.folder: '\.\./.*/takes' is "
                                                  r"outside the project folder .*"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_located_line(project, name):
    make, expected = CASES[name]
    args = make(project)
    started = time.perf_counter()
    result = run(*args, cwd=project)
    seconds = time.perf_counter() - started
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and LOCATED.match(lines[0]), out
    assert re.fullmatch(expected, lines[0]), out
    assert seconds < 15, f"{name}: {seconds:.1f} s"


def test_5000_scenes_fail_fast(project):
    """The scene limit stops a huge script within seconds (it took minutes before the limit)."""
    scenes_5000(project)
    started = time.perf_counter()
    assert run("validate", "bad.yaml", cwd=project).exit_code == 2
    assert time.perf_counter() - started < 5


def test_200_scenes_validate_in_seconds(project):
    """Under the limits, validation is quick: 200 scenes × 2 languages × 2 platforms."""
    scene = '  - {layout: title, text: {ar: "نص", fr: "texte"}, duration: 0.5}\n'
    write(project, sub("platforms: [reels, youtube]", "platforms: [youtube]").split("scenes:\n")[0]
          + "scenes:\n" + scene * limits.SCENES, "many.yaml")
    started = time.perf_counter()
    result = run("validate", "many.yaml", cwd=project)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 20


def test_fifo_in_build_discovery_is_reported_not_read(project):
    batch = project / "batch"
    batch.mkdir()
    os.mkfifo(batch / "stuck.yaml")
    jobs, failures = plan([batch])
    assert jobs == [] and [f.name for f in failures] == ["batch/stuck.yaml"] or failures[0].name.endswith("stuck.yaml")
    assert re.fullmatch(r"\S*stuck.yaml:1:1: cannot read: not a regular file .*", failures[0].error)


def test_duplicate_ids_in_build_name_both_files(project):
    batch = project / "batch"
    batch.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (batch / name).write_text(VALID.replace("assets/pic.png", "../assets/pic.png"), encoding="utf-8")
    jobs, failures = plan([batch])
    assert {j.script for j in jobs} == {str((batch / "a.yaml").resolve())}
    [failure] = failures
    assert re.fullmatch(r"\S*b.yaml:2:5: id: 'test-reel' is also the id of \S*a.yaml: .*", failure.error)


def test_valid_recordings_and_media_pass(project):
    """The probes accept what they should: real takes for every spoken scene."""
    (project / "takes").mkdir()
    for scene in ("hook", "points"):
        take(project / "takes" / f"{scene}.ar.wav")
    result = run(*write(project, recorded(), "rec.yaml"), cwd=project)
    assert result.exit_code == 0, result.output


def test_bidi_lint_rule_flags_hand_typed_isolates(project):
    from reelforge.lint import Context
    from reelforge.lint.bidi_controls import RULE
    from reelforge.load import load_script
    path = project / "iso.yaml"
    path.write_text(sub('"Une seule carte"', '"Une \\u2066seule\\u2069 carte"'), encoding="utf-8")
    found = list(RULE.check(Context(load_script(path), "fr", ["reels"], {}, {})))
    assert found and "U+2066 (LEFT-TO-RIGHT ISOLATE)" in found[0].what and found[0].where.endswith(".text.fr")
