"""Speech engines: a small registry. Each engine turns one sentence into audio plus word timings.

An engine is an object with `name`, `version()` and `synthesize(text, voice) -> Audio`. Built-ins
are registered below; third-party engines register under the `reelforge.tts` entry-point group.
"""
from __future__ import annotations

import re
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


SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”)]*$")


def pauses(samples: np.ndarray, rate: int, min_pause: float = 0.15, window: float = 0.02) -> list[tuple[float, float]]:
    """Silent stretches (below -40 dB of the peak) at least `min_pause` long, inside the voiced span."""
    n = max(1, int(rate * window))
    frames = len(samples) // n
    if frames < 3:
        return []
    rms = np.sqrt((samples[: frames * n].reshape(frames, n) ** 2).mean(axis=1) + 1e-12)
    quiet = rms < rms.max() * 10 ** (-40 / 20)
    voiced = np.flatnonzero(~quiet)
    if voiced.size == 0:
        return []
    out, start = [], None
    for i in range(voiced[0], voiced[-1] + 1):
        if quiet[i] and start is None:
            start = i
        elif not quiet[i] and start is not None:
            if (i - start) * window >= min_pause:
                out.append((start * window, i * window))
            start = None
    return out


def estimate_words(text: str, samples: np.ndarray, rate: int) -> tuple[tuple[str, float, float], ...]:
    """Word times for engines and recordings that give none: each sentence is snapped to a stretch of
    speech between the longest pauses found in the audio, and its words spread over it by length."""
    words = text.split()
    if not words:
        return ()
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    t0, t1 = (loud[0] / rate, loud[-1] / rate) if loud.size else (0.0, len(samples) / rate)
    sentences, cur = [], []
    for w in words:
        cur.append(w)
        if SENTENCE_END.search(w):
            sentences.append(cur)
            cur = []
    if cur:
        sentences.append(cur)
    gaps = sorted(sorted(pauses(samples, rate), key=lambda p: p[1] - p[0], reverse=True)[: len(sentences) - 1])
    if len(gaps) == len(sentences) - 1:
        spans = [(a, b) for a, b in zip([t0] + [g[1] for g in gaps], [g[0] for g in gaps] + [t1])]
    else:   # not enough pauses heard: spread the sentences by length too
        spans, acc, total = [], 0, sum(len(" ".join(s)) for s in sentences)
        for s in sentences:
            a = t0 + (t1 - t0) * acc / total
            acc += len(" ".join(s))
            spans.append((a, t0 + (t1 - t0) * acc / total))
    out = []
    for sentence, (a, b) in zip(sentences, spans):
        total, t = sum(len(w) + 1 for w in sentence), a
        for w in sentence:
            d = (b - a) * (len(w) + 1) / total
            out.append((w, t, t + d))
            t += d
    return tuple(out)


def engines() -> dict:
    from . import espeak_engine, gtts_engine
    found = {"espeak": espeak_engine.ENGINE, "gtts": gtts_engine.ENGINE}
    for ep in entry_points(group="reelforge.tts"):
        found.setdefault(ep.name, ep.load())
    return found
