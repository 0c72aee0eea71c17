"""text-size: text styles (of texts and counters) large enough to read on a phone."""
from __future__ import annotations

from ..errors import Problem


class TextSize:
    name = "text-size"
    settings = {"min_text_size": 2.8}        # % of the short side

    def check(self, ctx):
        least = ctx.settings["min_text_size"]
        p = ctx.timeline.platform
        short = min(p.width, p.height)
        for drawer in ctx.scenes:
            for layer in drawer.layers:
                kind = layer.item.kind
                if kind not in ("text", "counter") or (kind == "text" and not hasattr(layer.content, "sprite")):
                    continue
                style = layer.item.style
                if style.size < least:
                    yield Problem(ctx.file, drawer.st.scene.line, 1, f"{ctx.where(drawer.st)}.{layer.item.name}",
                                  f"style '{style.name}' is {style.size:g}% of the short side "
                                  f"({style.size * short / 100:.0f} px); below {least:g}% it is not legible "
                                  "on a phone")


RULE = TextSize()
