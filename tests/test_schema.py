"""`reelforge schema`: JSON Schema made from the loader's own declarations, checked with `jsonschema`
against every shipped file, and shown to reject what the loader rejects."""
from __future__ import annotations

import json
import os

import jsonschema
import pytest
from click.testing import CliRunner

from reelforge.cli import main
from reelforge.config.jsonschema import KINDS, schema
from reelforge.config.yamlfile import read

from .conftest import REPO

SHIPPED = {
    "script": sorted((REPO / "examples").glob("*.yaml")),
    "template": sorted((REPO / "templates").glob("*.yaml")),
    "brand": sorted((REPO / "brand").glob("*/brand.yaml")),
    "voice": sorted((REPO / "voices").glob("*.yaml")),
}


def validator(kind: str):
    s = schema(kind)
    jsonschema.Draft7Validator.check_schema(s)
    return jsonschema.Draft7Validator(s)


@pytest.mark.parametrize("kind", KINDS)
def test_every_shipped_file_matches_its_schema(kind):
    assert SHIPPED[kind], kind
    v = validator(kind)
    for path in SHIPPED[kind]:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in v.iter_errors(read(path))]
        assert not errors, (path, errors)


def test_unknown_key_and_wrong_type_are_rejected():
    v = validator("script")
    doc = read(SHIPPED["script"][0])
    assert v.is_valid(doc)
    assert not v.is_valid({**doc, "langauges": ["ar"]})                      # unknown key
    assert not v.is_valid({**doc, "platforms": "reels"})                     # a text, not a list
    scene = {**doc["scenes"][0], "duration": "long"}
    assert not v.is_valid({**doc, "scenes": [scene]})                         # neither auto nor seconds
    element = {"type": "shape", "box": [0, 0, 10, 10], "text": "no text on shapes"}
    assert not v.is_valid({**doc, "scenes": [{**doc["scenes"][0], "elements": [element]}]})
    voice = validator("voice")
    assert voice.is_valid({"reelforge-voice": 1, "engine": "espeak", "language": "fr", "options": {"rate": 150}})
    assert not voice.is_valid({"reelforge-voice": 1, "engine": "espeak", "language": "fr", "options": {"rate": "fast"}})
    assert not voice.is_valid({"reelforge-voice": 1, "engine": "espeak", "language": "fr", "options": {"sentence_pause": 100000}})
    brand = validator("brand")
    kit = read(SHIPPED["brand"][0])
    assert not brand.is_valid({**kit, "lint": {"contrast_bodyy": 4.5}})
    assert not brand.is_valid({**kit, "lint": {"off": {"contrastt": "why"}}})


def test_schema_command_and_init_header(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["schema", "template"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["properties"]["layouts"]["type"] == "object"
    assert runner.invoke(main, ["schema", "scene"]).exit_code == 2
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert runner.invoke(main, ["init", "p"]).exit_code == 0
    finally:
        os.chdir(old)
    script = tmp_path / "p" / "scripts" / "hello.yaml"
    first = script.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/script.json"
    target = (script.parent / first.split("=", 1)[1]).resolve()
    assert validator("script").is_valid(read(script)) and target.is_file()
    kit = tmp_path / "p" / "brand" / "demo" / "brand.yaml"
    assert kit.read_text("utf-8").startswith("# yaml-language-server: $schema=../../schemas/brand.json")
    assert json.loads(target.read_text("utf-8")) == schema("script")
