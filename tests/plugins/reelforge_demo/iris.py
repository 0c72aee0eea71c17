"""`transition: iris`: the new scene opens in a growing circle from the centre (a transition plugin)."""
import numpy as np


class Iris:
    name = "iris"

    def __call__(self, a, b, p, rtl):
        h, w = a.shape[:2]
        yy, xx = np.ogrid[:h, :w]
        inside = (xx - w / 2) ** 2 + (yy - h / 2) ** 2 <= (p * np.hypot(w, h) / 2) ** 2
        return np.where(inside[..., None], b, a)


TRANSITION = Iris()
