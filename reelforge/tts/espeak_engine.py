"""The offline engine: espeak-ng (from the espeakng-loader wheel), with exact word timings."""
from __future__ import annotations

from dataclasses import replace

from ..config.options import Number, Schema, Str
from . import Audio, SpeechError, espeak


class EspeakEngine:
    name = "espeak"
    offline = True
    options = Schema({
        "voice": Str(None, help="espeak-ng voice (ar, fr-fr, ...); default: the profile's language"),
        "rate": Number(80, 450, 160, integer=True, help="words a minute"),
        "pitch": Number(0, 99, 50, integer=True),
        "sentence_pause": Number(0, 5, 0.35, help="seconds of silence between sentences"),
    })

    def version(self) -> str:
        return f"espeak-ng {espeak.version()}"

    def voice_for(self, voice, lang: str):
        """The same profile reading another language (Latin words inside Arabic): its rate, pitch and
        variant ("ar+f3" reads French as "fr+f3")."""
        variant = (voice.options.get("voice") or "").partition("+")[2]
        return replace(voice, language=lang, options={**voice.options, "voice": lang + ("+" + variant if variant else "")})

    def synthesize(self, text: str, voice) -> Audio:
        opts = voice.options
        try:
            speech = espeak.synthesize(text, voice=opts.get("voice") or voice.language, rate=opts["rate"],
                                       pitch=opts["pitch"])
        except (espeak.EspeakError, espeak.EspeakUnavailable) as exc:
            raise SpeechError(str(exc)) from None
        words = tuple((w.text, w.start, w.end) for w in speech.words)
        return Audio(speech.samples, speech.sample_rate, words, "engine")


ENGINE = EspeakEngine()
