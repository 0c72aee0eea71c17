"""The offline engine: espeak-ng (from the espeakng-loader wheel), with exact word timings."""
from __future__ import annotations

from . import Audio, SpeechError
from . import espeak


class EspeakEngine:
    name = "espeak"

    def version(self) -> str:
        return f"espeak-ng {espeak.version()}"

    def synthesize(self, text: str, voice) -> Audio:
        opts = voice.options
        try:
            speech = espeak.synthesize(text, voice=str(opts.get("voice", voice.language)),
                                       rate=int(opts.get("rate", 160)), pitch=int(opts.get("pitch", 50)))
        except (espeak.EspeakError, espeak.EspeakUnavailable) as exc:
            raise SpeechError(str(exc)) from None
        words = tuple((w.text, w.start, w.end) for w in speech.words)
        return Audio(speech.samples, speech.sample_rate, words, "engine")


ENGINE = EspeakEngine()
