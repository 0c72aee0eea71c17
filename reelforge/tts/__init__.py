"""Speech engines: the plugins of the `reelforge.tts` registry (`reelforge.registry.TTS`), and the
timed speech they produce.

An engine is one object (a module's `ENGINE`) declared under the `reelforge.tts` entry-point group:

    name: str
    options: Schema                          # its `options:` in a voice profile, checked with positions
    version() -> str                         # part of the speech cache key: change it when output changes

and one of

    synthesize(text, voice) -> Audio         # one sentence; speech.py splits the `say` text into
                                             # sentences, joins them with pauses, and caches each
    scene_audio(voice, scene, lang) -> (path, words | None)
                                             # a whole scene's take from a file (recorded voices);
                                             # words (text, start, end), or None to estimate them

and optionally

    offline: bool = False                    # speaks without the network: `reelforge lint` uses it
    problems(voice, script, lang) -> list[Problem]
                                             # checks that need files, run after loading (every one)
    identity(voice) -> str                   # part of the cache key for this voice beyond its options,
                                             # e.g. a hash of the model file the options name

`synthesize` and `scene_audio` raise `SpeechError`; the caller adds the script, line and scene.
`voice.options` holds the declared options with defaults filled in; a declared `sentence_pause`
sets the silence between sentences. A whole engine in one file: tests/plugins/reelforge_demo/tone.py,
declared by one line in its package's pyproject.toml:

    [project.entry-points."reelforge.tts"]
    tone = "reelforge_demo.tone:ENGINE"
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..language import ends_sentence


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray              # float32 mono in [-1, 1]
    rate: int
    words: tuple[tuple[str, float, float], ...]   # (text, start, end) in seconds
    timed: str                       # engine | estimate

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class Word:
    text: str
    start: float        # seconds from the start of its line
    end: float


@dataclass(frozen=True)
class Line:
    """A scene's voiceover in one language: the audio file, its length, and when each word is said."""
    duration: float
    words: tuple[Word, ...] = ()
    audio: Optional[str] = None     # path of a WAV file, or None for silence
    timed: str = "estimate"         # engine | whisper | estimate
    sentences: tuple[tuple[str, float, float], ...] = ()
    wer: Optional[float] = None     # recorded/online voices aligned by whisper: deviation from the script


class SpeechError(Exception):
    """A line could not be spoken; the caller adds the scene to the message."""


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
        if ends_sentence(w):
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
