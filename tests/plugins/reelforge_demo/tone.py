"""`engine: tone`: a test speech engine, one file. Each word is a sine burst (longer for longer
words) followed by a short silence, so its word times are exact. Pure numpy, no network."""
from __future__ import annotations

import numpy as np

from reelforge.config.options import Number, Schema
from reelforge.tts import Audio

RATE = 48000
GAP = 0.05          # seconds of silence after each word


def burst_seconds(word: str) -> float:
    return 0.05 + 0.01 * len(word)


class ToneEngine:
    name = "tone"
    offline = True
    options = Schema({"pitch_hz": Number(80, 1000, 220, help="the tone's frequency")})

    def version(self) -> str:
        return "tone 1"

    def synthesize(self, text: str, voice) -> Audio:
        pitch = voice.options["pitch_hz"]
        parts, words, t = [], [], 0.0
        for word in text.split():
            n = round(burst_seconds(word) * RATE)
            parts.append(0.3 * np.sin(2 * np.pi * pitch * np.arange(n) / RATE))
            parts.append(np.zeros(round(GAP * RATE)))
            words.append((word, t, t + n / RATE))
            t += (n + round(GAP * RATE)) / RATE
        samples = np.concatenate(parts).astype(np.float32) if parts else np.zeros(1, np.float32)
        return Audio(samples, RATE, tuple(words), "engine")


ENGINE = ToneEngine()
