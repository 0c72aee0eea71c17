"""`no-shouting` lint rule, one file: on-screen Latin words written in capitals (beyond
`max_caps` letters) read as shouting; acronyms up to that length are fine."""
from __future__ import annotations

import re

from reelforge.errors import Problem


class NoShouting:
    name = "no-shouting"
    settings = {"max_caps": 4}        # the brand kit may set `lint: {max_caps: 6}`

    def check(self, ctx):
        limit = int(ctx.settings["max_caps"])
        for i, scene in enumerate(ctx.script.scenes):
            for slot, text in scene.texts.items():
                loud = [w for w in re.findall(r"[A-Z]{2,}", text.get(ctx.lang, "")) if len(w) > limit]
                if loud:
                    yield Problem(ctx.file, scene.line, 1, f"scenes[{i}] ({scene.id}).{slot}",
                                  f"'{loud[0]}' is written in capitals; write it in sentence case")


RULE = NoShouting()
