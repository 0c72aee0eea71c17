"""`style: bounce`: a few words at a time (as karaoke); the spoken word, in the highlight colour, jumps up
and lands when it is said (brand kit: `captions: {bounce: {height: 1.4, seconds: 0.3}}`, height in percent
of the short side). Right to left in Arabic, like karaoke."""
from __future__ import annotations

import math

from .pill import Animated, Source, moved_word


class BounceSource(Source):
    name = "bounce"
    steps = 8

    def step(self, k, u):
        return min(self.steps, int(u / self.opts.get("seconds", 0.3) * self.steps))

    def draw(self, k, step):
        q = step / self.steps
        lift = self.opts.get("height", 1.4) * self.short / 100 * abs(math.sin(math.pi * q)) * (1 - 0.3 * q)
        return moved_word(self, k, 1.0, lift)


class Bounce(Animated):
    name = "bounce"

    def source(self, item, timeline):
        return BounceSource(item, timeline)


STYLE = Bounce()
