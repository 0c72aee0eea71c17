"""bidi-controls: directional isolates and marks typed by hand into on-screen text.

The text engine orders mixed Arabic and Latin runs itself; an isolate (U+2066..U+2069) or a mark
(U+200E, U+200F, U+061C) typed into the YAML is invisible there and easily left unbalanced or
misplaced when the text is edited. Validation already refuses embeddings and overrides
(U+202A..U+202E) and unbalanced isolates; this rule only advises.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import Problem
from ..model import LANGUAGES

CONTROLS = {"\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK", "\u061c": "ARABIC LETTER MARK",
            "\u2066": "LEFT-TO-RIGHT ISOLATE", "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
            "\u2069": "POP DIRECTIONAL ISOLATE"}


def on_screen(scene):
    """(key, {lang: text}) for every text a scene shows."""
    yield from scene.texts.items()
    for key, texts in scene.bullets.items():
        for j, text in enumerate(texts):
            yield f"{key}[{j}]", text
    for j, e in enumerate(scene.elements):
        for key, value in e.options.items():
            if isinstance(value, Mapping) and value and all(k in LANGUAGES for k in value):
                yield f"elements[{j}].{key}", value


class BidiControls:
    name = "bidi-controls"
    settings: dict = {}

    def check(self, ctx):
        for i, scene in enumerate(ctx.script.scenes):
            for key, text in on_screen(scene):
                found = sorted({c for c in text.get(ctx.lang, "") if c in CONTROLS})
                if found:
                    shown = ", ".join(f"U+{ord(c):04X} ({CONTROLS[c]})" for c in found)
                    line = scene.pos.get(re.split(r"[.\[]", key)[0], (scene.line, 1))[0]
                    yield Problem(ctx.file, line, 1,
                                  f"scenes[{i}] ({scene.id}).{key}.{ctx.lang}",
                                  f"{shown} typed into the text; the text engine orders Arabic and Latin runs "
                                  "itself: remove it unless the order shown is wrong without it")


RULE = BidiControls()
