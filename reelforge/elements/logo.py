"""`type: logo`: the brand's logo fitted in a box (its variant chosen by the background); it replaces
the corner logo in its scene."""
from ..errors import ReelforgeError, display
from ..layers import Placed, Sprite, fit, load_image, logo_variant
from . import ElementKind


class LogoElement(ElementKind):
    name = "logo"

    def place(self, item, timeline, where, background):
        logo = timeline.brand.logo
        if logo is None:
            raise ReelforgeError(f"{display(timeline.brand.path / 'brand.yaml')}:1:1: {where}: "
                                 f"brand '{timeline.brand.key}' has no logo")
        x, y, w, h = item.box
        file = logo_variant(timeline.brand, background[y:y + h, x:x + w]) if background is not None else logo.file
        return Placed(Sprite.from_image(fit(load_image(str(file), where), w, h, "contain")), x, y)


ELEMENT = LogoElement()
