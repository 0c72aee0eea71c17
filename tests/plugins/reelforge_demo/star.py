"""`type: star`: a filled star polygon in a brand colour (an element kind plugin)."""
import math

from PIL import Image, ImageDraw

from reelforge.config.options import Colour, Number, Schema
from reelforge.elements import ElementKind
from reelforge.layers import Placed, Sprite


class Star(ElementKind):
    name = "star"
    options = Schema({"points": Number(3, 12, 5, integer=True, help="how many points"),
                      "color": Colour("accent")})

    def place(self, item, timeline, where, background):
        x, y, w, h = item.box
        n, r = item.points, min(w, h) / 2
        corners = [(w / 2 + r * (1 if k % 2 == 0 else 0.45) * math.sin(math.pi * k / n),
                    h / 2 - r * (1 if k % 2 == 0 else 0.45) * math.cos(math.pi * k / n)) for k in range(2 * n)]
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(img).polygon(corners, fill=timeline.brand.rgba(item.color))
        return Placed(Sprite.from_image(img), x, y)


ELEMENT = Star()
