"""gTTS: Google Translate's online voices. Timeouts, retries with backoff on 429/5xx, clear errors."""
from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from . import Audio, SpeechError, estimate_words

BACKOFF = (1.0, 3.0, 8.0)


class GttsEngine:
    name = "gtts"

    def version(self) -> str:
        from importlib.metadata import version
        return f"gtts {version('gTTS')}"

    def synthesize(self, text: str, voice) -> Audio:
        from gtts import gTTS, gTTSError
        opts = voice.options
        retries = int(opts.get("retries", 3))
        lang = {"zgh": "ar"}.get(voice.language, voice.language)
        for attempt in range(retries + 1):
            buf = io.BytesIO()
            try:
                gTTS(text, lang=lang, tld=str(opts.get("tld", "com")), slow=bool(opts.get("slow", False)),
                     timeout=float(opts.get("timeout", 15))).write_to_fp(buf)
                break
            except gTTSError as exc:
                status = getattr(getattr(exc, "rsp", None), "status_code", None)
                if status is None:
                    raise SpeechError(f"gTTS cannot reach the network ({exc.msg or 'no connection'}); "
                                      f"use the offline voice ({voice.language}-offline) or try again online") from None
                if (status == 429 or status >= 500) and attempt < retries:
                    time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)] * float(opts.get("backoff_scale", 1.0)))
                    continue
                raise SpeechError(f"gTTS answered HTTP {status}"
                                  + (" (too many requests)" if status == 429 else "")
                                  + f" after {attempt + 1} tries; use the offline voice ({voice.language}-offline)") from None
            except ValueError as exc:   # unsupported language
                raise SpeechError(f"gTTS: {exc}") from None
        data = buf.getvalue()
        if not data:
            raise SpeechError("gTTS returned no audio; try again or use the offline voice")
        from ..audio import decode
        with tempfile.TemporaryDirectory() as tmp:
            mp3 = Path(tmp) / "line.mp3"
            mp3.write_bytes(data)
            samples = decode(mp3, rate=24000, where="gTTS audio")
        return Audio(samples, 24000, estimate_words(text, samples, 24000), "estimate")


ENGINE = GttsEngine()
