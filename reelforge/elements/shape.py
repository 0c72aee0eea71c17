"""`type: shape`: a filled rectangle, rounded rectangle or circle in a brand colour."""
from PIL import Image, ImageDraw

from ..config.options import Choice, Colour, Schema
from ..layers import Placed, Sprite
from . import ElementKind

SHAPES = ("rect", "rounded", "circle")


class ShapeElement(ElementKind):
    name = "shape"
    options = Schema({"shape": Choice(SHAPES, "rect"), "color": Colour("accent")})

    def place(self, item, timeline, where, background):
        x, y, w, h = item.box
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        d = ImageDraw.Draw(img)
        color = timeline.brand.rgba(item.color)
        if item.shape == "circle":
            d.ellipse((0, 0, w - 1, h - 1), fill=color)
        elif item.shape == "rounded":
            d.rounded_rectangle((0, 0, w - 1, h - 1), radius=min(w, h) // 5, fill=color)
        else:
            d.rectangle((0, 0, w - 1, h - 1), fill=color)
        return Placed(Sprite.from_image(img), x, y)


ELEMENT = ShapeElement()
