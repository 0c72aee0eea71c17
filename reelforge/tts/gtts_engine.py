"""gTTS: Google Translate's online voices. Timeouts, retries with backoff on 429/5xx, clear errors."""
from __future__ import annotations

import io
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from gtts import gTTS, gTTSError

from ..audio import decode
from ..config.options import Bool, Number, Schema, Str
from . import Audio, SpeechError, estimate_words

BACKOFF = (1.0, 3.0, 8.0)


class GttsEngine:
    name = "gtts"
    options = Schema({
        "tld": Str("com", help="Google domain, e.g. fr for a French-from-France accent"),
        "slow": Bool(False),
        "timeout": Number(1, 120, 15, help="seconds to wait for an answer"),
        "retries": Number(0, 10, 3, integer=True, help="tries again on HTTP 429 and 5xx"),
        "backoff_scale": Number(0, 10, 1.0, help="multiplies the waits between retries (1, 3, 8 s)"),
        "sentence_pause": Number(0, 5, 0.35, help="seconds of silence between sentences"),
    })

    offline = False

    def version(self) -> str:
        return f"gtts {version('gTTS')}"

    def synthesize(self, text: str, voice) -> Audio:
        opts = voice.options
        retries = opts["retries"]
        lang = {"zgh": "ar"}.get(voice.language, voice.language)
        for attempt in range(retries + 1):
            buf = io.BytesIO()
            try:
                gTTS(text, lang=lang, tld=opts["tld"], slow=opts["slow"],
                     timeout=opts["timeout"]).write_to_fp(buf)
                break
            except gTTSError as exc:
                status = getattr(getattr(exc, "rsp", None), "status_code", None)
                if status is None:
                    raise SpeechError(f"gTTS cannot reach the network ({exc.msg or 'no connection'}); "
                                      f"use the offline voice ({voice.language}-offline) or try again online") from None
                if (status == 429 or status >= 500) and attempt < retries:
                    time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)] * opts["backoff_scale"])
                    continue
                raise SpeechError(f"gTTS answered HTTP {status}"
                                  + (" (too many requests)" if status == 429 else "")
                                  + f" after {attempt + 1} tries; use the offline voice ({voice.language}-offline)") from None
            except ValueError as exc:   # unsupported language
                raise SpeechError(f"gTTS: {exc}") from None
        data = buf.getvalue()
        if not data:
            raise SpeechError("gTTS returned no audio; try again or use the offline voice")
        with tempfile.TemporaryDirectory() as tmp:
            mp3 = Path(tmp) / "line.mp3"
            mp3.write_bytes(data)
            samples = decode(mp3, rate=24000, where="gTTS audio")
        return Audio(samples, 24000, estimate_words(text, samples, 24000), "estimate")


ENGINE = GttsEngine()
