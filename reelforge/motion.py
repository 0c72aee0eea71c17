"""How much of a video holds still: the measure behind "something meaningful moves at all times".

Frames are sampled `rate` times a second (default 10) and compared with the previous sample outside the
caption band (the bottom of the safe area and below, where burned-in captions change anyway). A pair
"moves" when at least `share` of the compared pixels changed by more than `tol` levels in some channel,
so dither noise or a one-level gradient shift does not count as motion, while a word, a shape or an
illustration moving by a pixel does. Consecutive still pairs form a still stretch.

    m = still_stretches(timeline)
    m.longest, m.still_share, m.stretches      # seconds, share of the video, [(start, end), ...]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .timeline import CAPTION_BAND, Timeline, px_box


@dataclass(frozen=True)
class Stillness:
    duration: float
    stretches: tuple[tuple[float, float], ...]     # (start, end) seconds of every still stretch
    still_share: float                              # share of the sampled intervals that were still

    @property
    def longest(self) -> float:
        return max((b - a for a, b in self.stretches), default=0.0)

    def ok(self, max_stretch: float = 2.0, max_share: float = 0.5) -> bool:
        return self.longest <= max_stretch + 1e-9 and self.still_share <= max_share

    def __str__(self) -> str:
        return f"still {self.still_share:.0%} of {self.duration:.1f} s, longest still stretch {self.longest:.1f} s"


def still_stretches(timeline: Timeline, rate: float = 10.0, tol: int = 6, share: float = 0.0005) -> Stillness:
    """Sample the timeline `rate` times a second and find where nothing outside the caption band moves."""
    from .compose import Compositor
    p = timeline.platform
    band_top = px_box(p, CAPTION_BAND)[1]
    comp = Compositor(timeline)
    n = max(2, int(timeline.duration * rate))
    still, prev = [], None
    try:
        for k in range(n):
            frame = comp.frame_at(k / rate)[:band_top]
            if prev is not None:
                changed = np.abs(frame.astype(np.int16) - prev.astype(np.int16)).max(axis=2) > tol
                still.append(changed.sum() < share * changed.size)
            prev = frame.copy()
    finally:
        comp.close()
    stretches, start = [], None
    for i, s in enumerate(still + [False]):
        if s and start is None:
            start = i
        elif not s and start is not None:
            stretches.append((start / rate, i / rate))
            start = None
    return Stillness(timeline.duration, tuple(stretches), sum(still) / max(1, len(still)))
