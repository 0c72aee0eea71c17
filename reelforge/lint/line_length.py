"""line-length: caption lines no longer than the template's caption rules allow."""
from __future__ import annotations

from ..errors import Problem


class LineLength:
    name = "line-length"
    settings: dict = {}

    def check(self, ctx):
        most = ctx.script.template.caption_rules(ctx.lang).max_line
        for ev in ctx.events:
            st = ctx.timeline.scene_at(ev.start)
            for line in ev.lines:
                if len(line) > most:
                    yield Problem(ctx.file, st.scene.line, 1,
                                  f"scenes[{st.index}] ({st.scene.id}) [{ctx.lang}] captions at {ev.start:.1f} s",
                                  f"{len(line)} characters in a line; at most {most}")


RULE = LineLength()
