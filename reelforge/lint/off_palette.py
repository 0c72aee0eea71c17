"""off-palette: backgrounds and shapes use the brand's colours."""
from __future__ import annotations

from ..errors import Problem


class OffPalette:
    name = "off-palette"
    settings: dict = {}

    def check(self, ctx):
        brand = ctx.script.brand
        palette = {v.upper()[:7] for v in brand.colors.values()}
        for i, scene in enumerate(ctx.script.scenes):
            refs = list(scene.background.colors) if scene.background else []
            refs += [e.color for e in scene.elements if e.type == "shape"]
            for ref in refs:
                if ref.startswith("#") and ref.upper()[:7] not in palette:
                    yield Problem(ctx.file, scene.line, 1, f"scenes[{i}] ({scene.id})",
                                  f"colour {ref} is not in brand '{brand.key}' ({', '.join(brand.colors)}); "
                                  "use a palette name")


RULE = OffPalette()
