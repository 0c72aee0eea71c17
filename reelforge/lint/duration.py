"""duration: each video within its platform's longest duration."""
from __future__ import annotations

from ..errors import Problem


class Duration:
    name = "duration"
    settings: dict = {}

    def check(self, ctx):
        for tl in ctx.timelines:
            p = tl.platform
            if tl.duration > p.max_duration:
                yield Problem(ctx.file, 1, 1, "scenes",
                              f"{tl.lang} lasts {tl.duration:.1f} s; {p.name} allows {p.max_duration:g} s")


RULE = Duration()
