"""Speech engines: a small registry. Each engine turns one sentence into audio plus word timings.

An engine is an object with `name`, `version()` and `synthesize(text, voice) -> Audio`. Built-ins
are registered below; third-party engines register under the `reelforge.tts` entry-point group.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

import numpy as np


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray              # float32 mono in [-1, 1]
    rate: int
    words: tuple[tuple[str, float, float], ...]   # (text, start, end) in seconds
    timed: str                       # engine | estimate

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


class SpeechError(Exception):
    """A line could not be spoken; the caller adds the scene to the message."""


def estimate_words(text: str, samples: np.ndarray, rate: int) -> tuple[tuple[str, float, float], ...]:
    """Word times for engines that give none: spread the words over the voiced span by length."""
    words = text.split()
    if not words:
        return ()
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    t0, t1 = (loud[0] / rate, loud[-1] / rate) if loud.size else (0.0, len(samples) / rate)
    total = sum(len(w) + 1 for w in words)
    out, t = [], t0
    for w in words:
        d = (t1 - t0) * (len(w) + 1) / total
        out.append((w, t, t + d))
        t += d
    return tuple(out)


def engines() -> dict:
    from . import espeak_engine, gtts_engine
    found = {"espeak": espeak_engine.ENGINE, "gtts": gtts_engine.ENGINE}
    for ep in entry_points(group="reelforge.tts"):
        found.setdefault(ep.name, ep.load())
    return found
