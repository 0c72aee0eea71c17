"""edge: Microsoft's neural voices (Moroccan Arabic ar-MA-JamalNeural / ar-MA-MounaNeural, French
fr-FR-DeniseNeural / fr-FR-HenriNeural, ...) through the `edge-tts` package. Online.

Word times are exact: the service sends a WordBoundary event (offset and duration in 100-ns ticks)
for every word it says, asked for explicitly (edge-tts 7.2+ defaults to sentence boundaries). Each
request has a connect/receive timeout and an overall one; HTTP 429/5xx and connection failures are
retried with backoff; an unreachable or refusing service (403/429) is a one-line error naming the
offline profile to switch to.
"""
from __future__ import annotations

import asyncio
import re
import tempfile
import time
import unicodedata
from importlib.metadata import version
from pathlib import Path

from ..audio import decode
from ..config.options import Number, Schema, Str
from . import Audio, SpeechError

BACKOFF = (1.0, 3.0, 8.0)
TICKS = 10_000_000          # edge-tts offsets and durations: 100-ns units
RATE = 24000                # the service's audio-24khz-48kbitrate-mono-mp3

DEFAULT_VOICES = {"ar": "ar-MA-JamalNeural", "zgh": "ar-MA-JamalNeural", "fr": "fr-FR-DeniseNeural",
                  "en": "en-US-AriaNeural"}


class EdgeEngine:
    name = "edge"
    offline = False
    options = Schema({
        "voice": Str(None, pattern=re.compile(r"^[a-z]{2,}-[A-Z]{2,}-.+Neural$"),
                     hint=": expected a neural voice name such as ar-MA-JamalNeural, ar-MA-MounaNeural, "
                          "fr-FR-DeniseNeural, fr-FR-HenriNeural (`edge-tts --list-voices` lists them)",
                     help="the Microsoft neural voice; default: ar-MA-JamalNeural for ar, fr-FR-DeniseNeural for fr"),
        "rate": Str("+0%", pattern=re.compile(r"^[+-]\d+%$"), hint=": expected a signed percentage such as +0%, -10%",
                    help="speaking rate relative to the voice's, e.g. -5% (slower) or +10%"),
        "pitch": Str("+0Hz", pattern=re.compile(r"^[+-]\d+Hz$"), hint=": expected signed hertz such as +0Hz, -20Hz",
                     help="pitch shift, e.g. -10Hz"),
        "volume": Str("+0%", pattern=re.compile(r"^[+-]\d+%$"), hint=": expected a signed percentage such as +0%, -20%",
                      help="volume relative to the voice's"),
        "timeout": Number(1, 120, 20, integer=True, help="seconds to connect and between answers; "
                                                         "a sentence may take four times this in all"),
        "retries": Number(0, 10, 3, integer=True, help="tries again on HTTP 429, 5xx and connection failures"),
        "backoff_scale": Number(0, 10, 1.0, help="multiplies the waits between retries (1, 3, 8 s)"),
        "sentence_pause": Number(0, 5, 0.35, help="seconds of silence between sentences"),
    })

    def needs(self) -> str:
        return "needs the internet when a sentence is not cached"

    def version(self) -> str:
        return f"edge-tts {version('edge-tts')}"

    def voice_name(self, voice) -> str:
        name = voice.options.get("voice") or DEFAULT_VOICES.get(voice.language)
        if not name:
            raise SpeechError(f"edge has no default voice for '{voice.language}'; set options.voice "
                              f"(`edge-tts --list-voices` lists them)")
        return name

    def synthesize(self, text: str, voice) -> Audio:
        import aiohttp
        import edge_tts
        from edge_tts.exceptions import EdgeTTSException, NoAudioReceived

        opts = voice.options
        name = self.voice_name(voice)
        retries = int(opts["retries"])
        fallback = f"use the offline voice ({voice.language}-offline) or try again online"
        for attempt in range(retries + 1):
            tries = f"after {attempt + 1} tr{'y' if attempt == 0 else 'ies'}"
            last = attempt >= retries
            try:
                chunks, events = asyncio.run(self._stream(edge_tts, text, name, opts))
                break
            except aiohttp.ClientResponseError as exc:       # also the websocket handshake's refusal
                status = exc.status
                if (status == 429 or status >= 500) and not last:
                    self._wait(attempt, opts)
                    continue
                why = {403: " (refused)", 429: " (too many requests)"}.get(status, "")
                raise SpeechError(f"edge (Microsoft speech) answered HTTP {status}{why} {tries}; {fallback}") from None
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                if not last:
                    self._wait(attempt, opts)
                    continue
                reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
                raise SpeechError(f"edge cannot reach Microsoft's speech service ({reason}) {tries}; "
                                  f"{fallback}") from None
            except NoAudioReceived:
                raise SpeechError(f"edge returned no audio for voice '{name}' (is it a voice of "
                                  f"`edge-tts --list-voices`?); {fallback}") from None
            except EdgeTTSException as exc:                  # the service changed or broke the stream
                if not last:
                    self._wait(attempt, opts)
                    continue
                raise SpeechError(f"edge: unexpected answer from the service ({type(exc).__name__}: "
                                  f"{str(exc)[:120]}) {tries}; {fallback}") from None
            except ValueError as exc:                        # edge-tts rejects an option value
                raise SpeechError(f"edge: {exc}") from None
        data = b"".join(chunks)
        if not data:
            raise SpeechError(f"edge returned no audio; {fallback}")
        with tempfile.TemporaryDirectory() as tmp:
            mp3 = Path(tmp) / "line.mp3"
            mp3.write_bytes(data)
            samples = decode(mp3, rate=RATE, where="edge audio")
        return Audio(samples, RATE, words_from_boundaries(text, events, len(samples) / RATE), "engine")

    @staticmethod
    def _wait(attempt: int, opts) -> None:
        time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)] * opts["backoff_scale"])

    @staticmethod
    async def _stream(edge_tts, text: str, name: str, opts):
        timeout = int(opts["timeout"])
        com = edge_tts.Communicate(text, name, rate=opts["rate"], pitch=opts["pitch"], volume=opts["volume"],
                                   boundary="WordBoundary", connect_timeout=timeout, receive_timeout=timeout)
        chunks, events = [], []

        async def run():
            async for chunk in com.stream():
                if chunk["type"] == "audio":
                    chunks.append(chunk["data"])
                elif chunk["type"] == "WordBoundary":
                    events.append((chunk["text"], chunk["offset"] / TICKS,
                                   (chunk["offset"] + chunk["duration"]) / TICKS))
        await asyncio.wait_for(run(), timeout * 4)
        return chunks, events


def _norm(s: str) -> str:
    """Letters and digits only, case-folded, without harakat: how a boundary's text is matched to the text."""
    return "".join(c for c in unicodedata.normalize("NFKD", s).casefold()
                   if unicodedata.category(c)[0] in "LN")


def words_from_boundaries(text: str, events, duration: float) -> tuple[tuple[str, float, float], ...]:
    """One (word, start, end) per whitespace-separated word of `text`, from the service's word
    boundaries (text, start, end). Boundaries are located in the text by their letters, so a boundary
    that covers two words ("Jean-Pierre" written "Jean- Pierre") or a word said in two boundaries
    ("aujourd'hui" → "aujourd", "hui") still times every word: a word takes the span of the boundaries
    it overlaps, shared in proportion to letters; a boundary not found in the text is skipped. A word
    no boundary reaches (a lone dash) is an instant at the previous word's end."""
    tokens = text.split()
    pos, at = [], 0
    for t in tokens:
        n = len(_norm(t))
        pos.append((at, at + n))
        at += n
    stream = "".join(_norm(t) for t in tokens)
    spans, cursor = [], 0          # (char a, char b, start, end) of each located boundary
    for word, start, end in events:
        key = _norm(word)
        if not key:
            continue
        i = stream.find(key, cursor)
        if i < 0:
            continue               # a boundary for something not in the text (e.g. an expanded number)
        spans.append((i, i + len(key), max(0.0, start), min(max(start, end), duration)))
        cursor = i + len(key)
    out, last = [], 0.0
    for token, (a, b) in zip(tokens, pos):
        times = []
        for ea, eb, s, e in spans:
            lo, hi = max(a, ea), min(b, eb)
            if hi > lo:
                n = eb - ea
                times.append((s + (e - s) * (lo - ea) / n, s + (e - s) * (hi - ea) / n))
        if times:
            start, end = min(t[0] for t in times), max(t[1] for t in times)
            start = min(max(start, last), end)
            out.append((token, start, end))
            last = end
        else:
            out.append((token, last, last))
    return tuple(out)


ENGINE = EdgeEngine()
