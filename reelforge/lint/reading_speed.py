"""reading-speed: captions shown long enough to read (characters a second, from the template's caption rules)."""
from __future__ import annotations

from ..errors import Problem


class ReadingSpeed:
    name = "reading-speed"
    settings: dict = {}

    def check(self, ctx):
        most = ctx.script.template.caption_rules(ctx.lang).reading_speed
        for ev in ctx.events:
            st = ctx.timeline.scene_at(ev.start)
            cps = len(" ".join(ev.lines)) / max(1e-3, ev.end - ev.start)
            if cps > most * 1.001:
                yield Problem(ctx.file, st.scene.line, 1,
                              f"scenes[{st.index}] ({st.scene.id}) [{ctx.lang}] captions at {ev.start:.1f} s",
                              f"{cps:.1f} characters a second; at most {most:g} (slow the voice or shorten `say`)")


RULE = ReadingSpeed()
