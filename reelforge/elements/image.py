"""`type: image`: a picture fitted (contained) in its box."""
from ..config.checks import image_problem
from ..config.options import File, Schema
from ..layers import Placed, Sprite, fit, load_image
from . import ElementKind


class ImageElement(ElementKind):
    name = "image"
    options = Schema({"file": File(check=image_problem, help="PNG or JPEG, relative to the script")})

    def place(self, item, timeline, where, background):
        x, y, w, h = item.box
        return Placed(Sprite.from_image(fit(load_image(str(item.file), where), w, h, "contain")), x, y)


ELEMENT = ImageElement()
