"""Property: whatever bytes a script file holds, the loader returns a model or raises ReelforgeError."""
from __future__ import annotations

import json
import math
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelforge.config import limits
from reelforge.errors import ReelforgeError
from reelforge.load import load_script

from .conftest import VALID

# CI runs a fixed, derandomised sample; FUZZ_EXAMPLES=5000 explores further on a developer's machine.
EXPLORE = int(os.environ.get("FUZZ_EXAMPLES", "0"))
SETTINGS = settings(max_examples=EXPLORE or 150, derandomize=not EXPLORE, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
YAML_BITS = st.sampled_from(["", ":", "- ", "{", "}", "[", "]", "'", '"', "\n", "  ", "#", "&a", "*a", "!!", "<<: ",
                             "null", "true", "1e9", "-1", "0x1f", "~", "\t", "ä", "س", "|", ">", "? ", "%YAML 1.1\n",
                             "scenes", "layout", "{x}", "2025-06-30"])


def _load(project, data: bytes):
    path = project / "fuzz.yaml"
    path.write_bytes(data)
    try:
        load_script(path)
    except ReelforgeError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml:") or ":" in str(p) for p in exc.problems)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes(project, data):
    _load(project, data)


@SETTINGS
@given(pieces=st.lists(st.one_of(YAML_BITS, st.text(max_size=8)), max_size=40))
def test_random_yaml_like_text(project, pieces):
    _load(project, "".join(pieces).encode("utf-8", "replace"))


@SETTINGS
@given(edits=st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 12), YAML_BITS), min_size=1, max_size=6))
def test_mutated_valid_script(project, edits):
    text = VALID
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    _load(project, text.encode("utf-8"))


@SETTINGS
@given(line=st.integers(0, VALID.count("\n") - 1),
       value=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=10),
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
def test_values_replaced_by_other_types(project, line, value):
    import json
    lines = VALID.split("\n")
    head, sep, _ = lines[line].partition(": ")
    if sep:
        lines[line] = head + sep + json.dumps(value, ensure_ascii=False)
    _load(project, "\n".join(lines).encode("utf-8"))


# -- near the limits (config/limits.py): just under loads, just over is one located error naming the limit --

NEAR = settings(SETTINGS, max_examples=EXPLORE or 25)
LOCATED = re.compile(r"^\S*fuzz.yaml:\d+:\d+: ")


def _load_near(project, text: str, over: bool, needle: str):
    """Load `text`: any problems are located, and one names the limit exactly when it is `over`."""
    path = project / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_script(path)
    except ReelforgeError as exc:
        assert all(LOCATED.match(str(p)) for p in exc.problems), exc.problems
        assert any(needle in str(p) for p in exc.problems) == over, exc.problems
        return
    assert not over


def _replace_fr(prefix: str, text: str) -> str:
    """VALID with the French text (a quoted string) after `prefix` replaced."""
    start = VALID.index(prefix) + len(prefix)
    end = VALID.index('"', start + 2) + 1
    return VALID[:start] + " " + json.dumps(text, ensure_ascii=False) + VALID[end:]


@NEAR
@given(n=st.integers(limits.SCENES - 2, limits.SCENES + 2))
def test_scene_count_near_the_limit(project, n):
    scene = '  - {layout: title, text: "t", duration: 1}\n'
    _load_near(project, VALID.split("scenes:\n")[0] + "scenes:\n" + scene * n, n > limits.SCENES,
               f"at most {limits.SCENES}")


@NEAR
@given(extra=st.integers(-2, 2), key=st.sampled_from(["say", "text"]), ch=st.sampled_from(["a", "س", "é", " "]))
def test_text_length_near_the_limit(project, extra, key, ch):
    limit = limits.SAY_CHARS if key == "say" else limits.TEXT_CHARS
    text = "x" + ch * (limit - 2 + extra) + "x"
    prefix = 'say: {ar: "سجّل في Pass Jeunes قبل {deadline}.", fr:' if key == "say" else \
        'text: {ar: "سجّل الآن في Pass Jeunes", fr:'
    _load_near(project, _replace_fr(prefix, text), len(text) > limit, f"at most {limit:,}")


@NEAR
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 30, 10 ** 30)),
       at=st.integers(0, 4))
def test_numbers_in_boxes_and_starts(project, value, at):
    box = [10, 10, 20, 20]
    written = json.dumps(value).replace("NaN", ".nan").replace("-Infinity", "-.inf").replace("Infinity", ".inf")
    if at < 4:
        box[at] = written
        line = f"{{type: text, text: hi, box: [{', '.join(map(str, box))}]}}"
    else:
        line = f"{{type: text, text: hi, box: [10, 10, 20, 20], start: {written}}}"
    path = project / "fuzz.yaml"
    path.write_text(VALID + f"    elements:\n      - {line}\n", encoding="utf-8")
    try:
        script = load_script(path)
    except ReelforgeError as exc:
        assert all(LOCATED.match(str(p)) for p in exc.problems), exc.problems
        return
    e = script.scenes[-1].elements[0]       # accepted: every number is finite and sane
    assert all(math.isfinite(v) and abs(v) <= limits.NUMBER for v in (*e.box, e.start))
    assert min(e.box[2:]) >= limits.BOX_MIN


@NEAR
@given(text=st.text(st.characters(blacklist_categories=()), min_size=1, max_size=12))
def test_any_characters_in_text(project, text):
    """Surrogates, controls and bidi controls included: a located error or a text that is all characters."""
    path = project / "fuzz.yaml"
    path.write_text(_replace_fr('text: {ar: "بطاقة واحدة", fr:', text), encoding="utf-8")
    try:
        script = load_script(path)
    except ReelforgeError as exc:
        assert all(LOCATED.match(str(p)) for p in exc.problems), exc.problems
        return
    shown = script.scenes[-1].texts["text"]["fr"]
    shown.encode("utf-8")                   # no lone surrogate got through
    assert not any("\u202a" <= c <= "\u202e" for c in shown)


@NEAR
@given(levels=st.integers(1, 8), fan=st.integers(1, 12))
def test_aliases_expand_within_the_limit(project, levels, fan):
    lines = ['a0: &a0 ["lol", "lol"]'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]"
                                          for i in range(1, levels + 1)]
    sizes = [3]                             # values built for a0, a1, ...: each alias use built again
    for _ in range(levels):
        sizes.append(1 + fan * sizes[-1])
    values = 2 + sum(sizes)
    _load_near(project, "reelforge: 1\n" + "\n".join(lines) + "\n", values > limits.YAML_VALUES,
               f"more than {limits.YAML_VALUES:,} values")
