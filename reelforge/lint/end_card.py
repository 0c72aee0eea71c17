"""end-card: the video ends on an end card (layout 'end'), unless the template adds an outro."""
from __future__ import annotations

from ..errors import Problem


class EndCard:
    name = "end-card"
    settings: dict = {}

    def check(self, ctx):
        scenes = ctx.script.scenes
        if scenes and not ctx.script.template.outro and scenes[-1].layout != "end":
            yield Problem(ctx.file, scenes[-1].line, 1, f"scenes[{len(scenes) - 1}]",
                          "the video does not end on an end card (layout 'end'); add one with the call to action")


RULE = EndCard()
