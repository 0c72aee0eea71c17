"""JSON Schema of each document kind, made from the same declarations the loader reads with, so
that editors (VS Code YAML, JetBrains) autocomplete and underline mistakes as brand managers type.
Plugins (speech engines, element kinds, lint rules) appear with their own options."""
from __future__ import annotations

from .. import __version__
from ..registry import LINT, TTS, PluginError
from .brand import BRAND
from .documents import FORMAT_KEYS, SUPPORTED_VERSION
from .options import Schema
from .script import script_json
from .template import TEMPLATE
from .voice import VOICE

KINDS = ("script", "template", "brand", "voice")
DRAFT = "http://json-schema.org/draft-07/schema#"


def _plugins(registry):
    for name in registry:
        try:
            yield name, registry[name]
        except PluginError:
            continue


def voice_json() -> dict:
    out = VOICE.json()
    out["allOf"] = [{"if": {"properties": {"engine": {"const": name}}, "required": ["engine"]},
                     "then": {"properties": {"options": (getattr(engine, "options", None) or Schema({})).json()}}}
                    for name, engine in _plugins(TTS)]
    return out


def brand_json() -> dict:
    out = BRAND.json()
    settings = {}
    for _, rule in _plugins(LINT):
        settings.update({k: {"type": "number", "minimum": 0, "maximum": 21, "default": v}
                         for k, v in rule.settings.items()})
    out["properties"]["lint"] = {
        "type": "object", "additionalProperties": False,
        "properties": {**settings, "off": {"type": "object", "propertyNames": {"enum": list(LINT)},
                                           "additionalProperties": {"type": "string", "minLength": 1},
                                           "description": "rules turned off: {rule: the reason}"}}}
    return out


def schema(kind: str) -> dict:
    """The JSON Schema of a document kind: script, template, brand or voice."""
    body = {"script": script_json, "template": TEMPLATE.json, "brand": brand_json, "voice": voice_json}[kind]()
    version_key = FORMAT_KEYS[kind]
    body["properties"][version_key] = {"const": SUPPORTED_VERSION, "description": "the format version"}
    body["required"] = [version_key, *[k for k in body.get("required", []) if k != version_key]]
    return {"$schema": DRAFT, "$id": f"https://reelforge.invalid/schema/{kind}.json",
            "title": f"reelforge {kind} (reelforge {__version__})", **body}
