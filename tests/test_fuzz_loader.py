"""Property: whatever bytes a script file holds, the loader returns a model or raises ReelforgeError."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
