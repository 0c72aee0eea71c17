"""`reelforge lint`: brand and accessibility rules, checked on the resolved timelines and on rendered pixels.

Each rule is a plugin of the `reelforge.lint` registry (built-ins: one file each in this folder): an
object with `name`, `settings` (the thresholds it owns, with their defaults) and `check(ctx)`, which
yields Problems. The runner stamps each with the rule's name, so it prints as
`file:line:1: where: rule: what`. Thresholds live in the brand kit (`lint:`), where a brand manager
may also turn a rule off with a reason: `off: {rule: reason}`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property

from ..compose import SceneDrawer
from ..config.yamlfile import type_name
from ..errors import Problem, did_you_mean, display
from ..model import Brand, Script
from ..platforms import registry as platforms
from ..registry import LINT
from ..sidecars import sidecar_events
from ..timeline import Timeline, build

RANGE = (0, 21)                              # every threshold is a number in this range


class Context:
    """One language at one frame shape, as every rule sees it. The timelines, scene drawers and caption
    events are built on first use and shared, so no rule draws anything twice."""

    def __init__(self, script: Script, lang: str, platform_names: list[str], lines: dict, settings: dict):
        self.script, self.lang, self.platform_names = script, lang, platform_names
        self.lines = lines                   # voice lines of every language: {lang: {scene id: Line}}
        self.settings = settings             # every rule's thresholds, as the brand kit sets them
        self.file = display(script.path)
        self._drawers: list[SceneDrawer] = []

    @cached_property
    def timelines(self) -> list[Timeline]:
        """This language on each platform of this frame shape (they differ only in their limits)."""
        return [build(self.script, self.lang, platforms()[name], self.lines.get(self.lang))
                for name in self.platform_names]

    @property
    def timeline(self) -> Timeline:
        return self.timelines[0]

    @cached_property
    def scenes(self) -> list[SceneDrawer]:
        """A drawer per scene, its layers placed (text rasterised) once."""
        for st in self.timeline.scenes:
            self._drawers.append(SceneDrawer(self.timeline, st))
        return self._drawers

    @cached_property
    def events(self) -> list:
        """The caption events of the whole video, as the sidecar files segment them."""
        return sidecar_events(self.timeline)

    def where(self, st) -> str:
        """How a problem in a scene at this frame shape names its place."""
        return f"scenes[{st.index}] ({st.scene.id}) [{self.lang} {self.timeline.platform.name}]"

    def close(self) -> None:
        for drawer in self._drawers:
            drawer.close()


def config(script: Script) -> tuple[dict, dict]:
    """(every rule's thresholds, overridden by the brand kit's `lint:`; {rule turned off: reason})."""
    lint = script.brand.lint or {}
    settings = {}
    for name in LINT:
        settings.update(LINT[name].settings)
    settings.update({key: value for key, value in lint.items() if key in settings and value is not None})
    return settings, dict(lint.get("off") or {})


def contexts(script: Script, lines: dict, settings: dict) -> list[Context]:
    """One context per language and distinct frame shape (size and safe area)."""
    shapes: dict[tuple, list[str]] = {}
    for lang in script.languages:
        for name in script.platforms:
            p = platforms()[name]
            shapes.setdefault((lang, p.width, p.height, p.safe_box), []).append(name)
    return [Context(script, lang, names, lines, settings) for (lang, *_), names in shapes.items()]


def lint(script: Script, lines=None) -> list[Problem]:
    """Every problem of every rule not turned off, for every language and distinct frame shape."""
    settings, off = config(script)
    rules = {name: LINT[name] for name in LINT if name not in off}
    found: set[Problem] = set()
    for ctx in contexts(script, lines or {}, settings):
        try:
            for name, rule in rules.items():
                found.update(replace(p, rule=name) for p in rule.check(ctx))
        finally:
            ctx.close()
    return sorted(found, key=lambda p: (p.line, p.where, p.rule, p.what))


def settings_problems(brand: Brand) -> list[Problem]:
    """Problems in the brand kit's `lint:` mapping as read from YAML: unknown settings or rules, values
    that are not numbers in range, rules turned off without a reason."""
    lint = brand.lint
    if not lint:
        return []
    file = display(brand.path / "brand.yaml")
    out: list[Problem] = []

    def problem(m, key, where: str, what: str, at_key: bool = False) -> None:
        if hasattr(m, "key_pos"):            # a YMap: point at the key or at its value
            pos = m.key_pos.get(key, m.at) if at_key else m.pos(key)
        else:
            pos = (1, 1)
        out.append(Problem(file, *pos, where, what))

    if not isinstance(lint, Mapping):
        return [Problem(file, 1, 1, "lint", f"expected a mapping (key: value), got {type_name(lint)}")]
    def settings_of(names) -> list[str]:
        return [key for name in names for key in LINT[name].settings]
    settings = settings_of(LINT.builtin_names())
    if any(key != "off" and key not in settings for key in lint):     # a plugin's setting (or a typo)
        settings = settings_of(LINT)               # the installed packages scanned only then
    lo, hi = RANGE
    for key, value in lint.items():
        where = f"lint.{key}"
        if key == "off" or (key in settings and value is None):
            continue
        if key not in settings:
            problem(lint, key, where, f"unknown lint setting '{key}'; {did_you_mean(key, [*settings, 'off'])}",
                    at_key=True)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            problem(lint, key, where, f"expected a number, got {type_name(value)} '{value}'")
        elif math.isnan(value) or not lo <= value <= hi:
            problem(lint, key, where, f"{value} is out of range: must be between {lo} and {hi}")
    off = lint.get("off", {})
    if not isinstance(off, Mapping):
        problem(lint, "off", "lint.off", f"expected a mapping (key: value), got {type_name(off)}")
        return out
    for rule, why in off.items():
        where = f"lint.off.{rule}"
        if rule not in LINT:
            problem(off, rule, where, f"unknown rule '{rule}'; {did_you_mean(rule, LINT)}", at_key=True)
        elif not isinstance(why, str) or not why.strip():
            problem(off, rule, where, "say why the rule is off: `rule: the reason`")
    return out
