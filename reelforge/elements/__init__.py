"""Element kinds: one file each, found through the `reelforge.elements` registry.

An element kind (`type: <name>` under a scene's `elements:`) is an object with:

    name: str
    options: config.options.Schema
        the keys it adds to the common ones (type, box, start, end, animate); the loader reads them
        with positions into `model.Element`, whose options read as attributes (`element.text`)
    items(element, ctx: timeline.ItemContext) -> list[timeline.Item]
        what the element is in one language and platform. `ctx.item(element, **fields)` makes the
        usual single item (its kind, pixel box, window in the scene, animation, options readable as
        `item.<option>`); `ctx.lang`, `ctx.platform`, `ctx.rtl`, `ctx.duration` (the scene's),
        `ctx.styles` (the brand's text styles), `ctx.box(box)` (percent -> mirrored pixels) and
        `ctx.name` (for messages) are there for anything else
    place(item, timeline, where, background) -> layers.Placed | a moving source
        how an item is drawn, once per scene: a still sprite and its top-left corner, or an object
        with `origin` (x, y), `frame(t)` (t: seconds into the item) and `close()`; `frame` gives opaque
        H×W×3 uint8 (pasted), or RGBA (H×W×4 uint8 or a layers.Sprite: blended and animated like a sprite)
        `where` names the item in error messages; `background` is the scene's first background frame

`ElementKind` gives `items()` (one item) and an empty `options`. The layouts' text, bullets and image
slots are drawn by the text and image kinds; captions are not elements (see `captions/`).
"""
from __future__ import annotations

from ..config.options import Schema


class ElementKind:
    name = ""
    options = Schema({})

    def items(self, element, ctx):
        return [ctx.item(element)]

    def place(self, item, timeline, where, background):
        raise NotImplementedError(f"element kind '{self.name}' does not say how it is drawn")
