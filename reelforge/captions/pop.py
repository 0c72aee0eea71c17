"""`style: pop`: a few words at a time (as karaoke); the spoken word, in the highlight colour, scales up
briefly when it is said (brand kit: `captions: {pop: {scale: 1.3, seconds: 0.25}}`). The words' boxes are
in reading order, so in Arabic the pop moves right to left."""
from __future__ import annotations

import math

from .pill import Animated, Source, moved_word


class PopSource(Source):
    name = "pop"
    steps = 8

    def step(self, k, u):
        return min(self.steps, int(u / self.opts.get("seconds", 0.25) * self.steps))

    def draw(self, k, step):
        s = 1 + (self.opts.get("scale", 1.3) - 1) * math.sin(math.pi * step / self.steps)
        return moved_word(self, k, s, 0)


class Pop(Animated):
    name = "pop"

    def source(self, item, timeline):
        return PopSource(item, timeline)


STYLE = Pop()
