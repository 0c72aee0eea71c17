"""off-palette: backgrounds and the colours elements are drawn in (shapes, lines, progress bars, icons'
`color`, and what svg/lottie `colors` recolour to) use the brand's colours. An option left at its
declared default (a progress track's translucent white) is the kind's choice, not the script's."""
from __future__ import annotations

from ..errors import Problem
from ..registry import ELEMENTS

COLOUR_KEYS = {"shape": ("color",), "line": ("color",), "progress": ("color", "track"), "svg": ("color",)}
RECOLOURING = ("svg", "lottie")          # `colors: {file colour: brand colour}`: the brand colour is checked


def element_colours(e):
    """(key path, colour) the element is drawn in, as the script wrote them."""
    fields = ELEMENTS[e.type].options.fields if e.type in ELEMENTS else {}
    for key in COLOUR_KEYS.get(e.type, ()):
        value = e.options.get(key)
        if isinstance(value, str) and (key not in fields or value != fields[key].default):
            yield key, value
    if e.type in RECOLOURING:
        for src, dst in (e.options.get("colors") or {}).items():
            yield f'colors."{src}"', dst


class OffPalette:
    name = "off-palette"
    settings: dict = {}

    def check(self, ctx):
        brand = ctx.script.brand
        palette = {v.upper()[:7] for v in brand.colors.values()}

        def off(ref) -> bool:
            return isinstance(ref, str) and ref.startswith("#") and ref.upper()[:7] not in palette

        def problem(line, where, ref):
            return Problem(ctx.file, line, 1, where, f"colour {ref} is not in brand '{brand.key}' "
                                                     f"({', '.join(brand.colors)}); use a palette name")
        for i, scene in enumerate(ctx.script.scenes):
            where = f"scenes[{i}] ({scene.id})"
            for ref in (list(scene.background.colors) if scene.background else []):
                if off(ref):
                    yield problem(scene.line, where, ref)
            for k, e in enumerate(scene.elements):
                for key, ref in element_colours(e):
                    if off(ref):
                        yield problem(e.line or scene.line, f"{where}.elements[{k}].{key}", ref)


RULE = OffPalette()
