"""Offline speech with exact word timings: espeak-ng, bound with ctypes, from the espeakng-loader wheel.

The wheel ships libespeak-ng and its espeak-ng-data folder, so no system package is needed. The library
runs in synchronous mode: `espeak_Synth` calls our callback with blocks of 16-bit samples and the events
that fall in them, and returns when the text is spoken. Word events carry the character position of the
word in the input and the sample where the word starts in the output, which is what captions need.

Word timing rules (what `Speech.words` holds):

- One `Word` per whitespace-separated token of the input, in order: `[w.text for w in words] ==
  text.split()`. Punctuation stays attached as written ("juin."), so captions can show the text
  verbatim; `Word.span` gives the token's place in the input (Python indices).
- A token starts at the sample of the first word event espeak reports inside it. espeak sometimes
  reports several events for one token ("30/06/2025" is read as several words): the first one counts.
  It sometimes reports none for a token it reads together with the previous one (French "parce que"):
  such a token shares the previous token's time, split in proportion to letters and digits.
- A token that espeak does not voice and that holds no letter or digit ("«", "—") gets zero length, at
  the end of the word before it (or the start of the first word when it leads).
- A word ends where the next one starts, unless the voice stops earlier: when the stretch before the
  next word (or before the end of the audio, for the last word) ends with at least 50 ms below -40 dB
  of the line's peak (a sentence or clause pause), the word ends at its last voiced sample.

The audio itself is returned as espeak made it: nothing is trimmed.

espeak-ng keeps global state and is not thread-safe: every call into the library holds one
module-level lock. Its synthesis state also lives in C statics that no API resets, so each call loads a
private copy of the library afresh and unloads it after (about 3 ms): the same arguments give the same
samples, in any order, in any process. The copy is one file per library content in reelforge's cache
folder, shared by every process (nothing is left in the temporary folder).

    speech = synthesize("Inscrivez-vous au Pass Jeunes avant le 30 juin.", voice="fr", rate=160)
    speech.samples, speech.sample_rate        # float32 mono, 22050 Hz
    speech.words[0]                           # Word(text='Inscrivez-vous', start=0.0, end=0.709, span=(0, 14))
"""
from __future__ import annotations

import _ctypes
import ctypes
import difflib
import hashlib
import os
import tempfile
import threading
import unicodedata
import wave
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import numpy as np

__all__ = ["EspeakError", "EspeakUnavailable", "Speech", "Word", "available", "sample_rate", "synthesize",
           "version", "voices", "RATE_RANGE", "PITCH_RANGE"]

# --- speak_lib.h (espeak-ng 1.51/1.52, API revision 12) ---------------------------------------------
AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
espeakCHARS_UTF8 = 1
espeakINITIALIZE_DONT_EXIT = 0x8000
espeakEVENT_LIST_TERMINATED = 0
espeakEVENT_WORD = 1
espeakRATE = 1
espeakPITCH = 3
EE_OK = 0

RATE_RANGE = (80, 450)      # words a minute (espeakRATE_MINIMUM, espeakRATE_MAXIMUM)
PITCH_RANGE = (0, 100)      # 50 = the voice's normal pitch
BUFFER_MS = 200             # length of the blocks handed to the callback
SILENCE_DB = -40.0          # below the line's peak: a pause, for word ends
MIN_PAUSE = 0.05            # seconds of trailing quiet before a word end is pulled back
MAX_EVENTS_PER_BLOCK = 100_000


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int),        # WORD and SENTENCE events
                ("name", ctypes.c_char_p),       # MARK and PLAY events
                ("string", ctypes.c_char * 8)]   # PHONEME events


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int),                # espeak_EVENT_TYPE
                ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int),       # 1-based, in characters
                ("length", ctypes.c_int),              # in characters (WORD events)
                ("audio_position", ctypes.c_int),      # milliseconds in the output
                ("sample", ctypes.c_int),              # sample index in the output
                ("user_data", ctypes.c_void_p),
                ("id", _EventId)]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p),
                ("languages", ctypes.c_void_p),         # (priority byte, name, NUL)*, NUL
                ("identifier", ctypes.c_char_p),        # file below espeak-ng-data/lang, e.g. "roa/fr"
                ("gender", ctypes.c_ubyte),
                ("age", ctypes.c_ubyte),
                ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte),
                ("score", ctypes.c_int),
                ("spare", ctypes.c_void_p)]


_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                  ctypes.POINTER(_Event))


class EspeakError(ValueError):
    """Bad input for the engine: an unknown voice, a rate or pitch out of range."""


class EspeakUnavailable(RuntimeError):
    """The library or its data cannot be loaded or fails to speak."""


@dataclass(frozen=True)
class Word:
    text: str                   # the input token, as written (punctuation included)
    start: float                # seconds in the returned audio
    end: float
    span: tuple[int, int]       # text == input[span[0]:span[1]]


@dataclass(frozen=True, eq=False)
class Speech:
    samples: np.ndarray         # float32 mono in [-1, 1), read-only
    sample_rate: int
    words: tuple[Word, ...]
    timed: str = "engine"

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def write_wav(self, path: Union[str, Path]) -> Path:
        """Write 16-bit PCM mono (the engine's own resolution)."""
        path = Path(path)
        pcm = np.clip(np.round(self.samples * 32768.0), -32768, 32767).astype("<i2")
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
            w.writeframes(pcm.tobytes())
        return path


# --- the library ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _VoiceInfo:
    name: str                               # "French (France)"
    identifier: str                         # "roa/fr"
    languages: tuple[tuple[int, str], ...]  # ((5, "fr-fr"), (5, "fr"))


class _Collector:
    """What one espeak_Synth call produced."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []
        self.events: list[tuple[int, int, int]] = []   # (text_position, length, sample) of WORD events
        self.error: Optional[BaseException] = None


_LOCK = threading.RLock()       # every call into the library, and the module state below
_runtime: Optional["_Runtime"] = None
_runtime_error: Optional[EspeakUnavailable] = None
_collector: Optional[_Collector] = None


def _on_synth(wav, numsamples, events) -> int:
    """espeak's SynthCallback: runs inside espeak_Synth, under _LOCK."""
    c = _collector
    if c is None:
        return 0
    try:
        if wav and numsamples > 0:
            c.chunks.append(np.ctypeslib.as_array(wav, shape=(numsamples,)).copy())
        if events:
            for i in range(MAX_EVENTS_PER_BLOCK):
                ev = events[i]
                if ev.type == espeakEVENT_LIST_TERMINATED:
                    break
                if ev.type == espeakEVENT_WORD:
                    c.events.append((ev.text_position, ev.length, ev.sample))
        return 0
    except BaseException as exc:  # never let an exception cross the C boundary: abort and re-raise later
        c.error = exc
        return 1


_CALLBACK = _SynthCallback(_on_synth)   # kept alive for the life of the process


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = []
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_Terminate.argtypes = []
    lib.espeak_Terminate.restype = ctypes.c_int
    lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))


def _unload(lib: ctypes.CDLL) -> None:
    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
    if close is not None:
        close(lib._handle)


class _Session:
    """One load of the library, initialised, for one synthesis; unloaded on exit.

    espeak-ng keeps synthesis state in C statics that no API resets (the pitch "flutter" index, the
    gain control, the waveform phase): the same text spoken twice in one loaded library comes out a
    few samples longer or shorter and never bit-identical. A fresh load per call (about 3 ms: the data
    files are small) makes every call identical to the first call of a new process. The library is a
    private copy so that no other user of espeakng-loader in the process keeps it loaded.
    """

    def __init__(self, rt: "_Runtime") -> None:
        self.rt = rt

    def __enter__(self) -> ctypes.CDLL:
        try:
            self.lib = lib = ctypes.CDLL(self.rt.load_path)
            _declare(lib)
        except (OSError, AttributeError) as exc:
            raise EspeakUnavailable(f"cannot load {self.rt.library_path}: {exc}") from exc
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, self.rt.data_path.encode(),
                                     espeakINITIALIZE_DONT_EXIT)
        if rate <= 0:
            _unload(lib)
            raise EspeakUnavailable(f"espeak_Initialize failed ({rate}) with data {self.rt.data_path}")
        self.sample_rate = rate
        lib.espeak_SetSynthCallback(_CALLBACK)
        return lib

    def __exit__(self, *exc) -> None:
        self.lib.espeak_Terminate()
        _unload(self.lib)


class _Runtime:
    """Where the library and its data are, and what it told us once: version, sample rate, voices."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise EspeakUnavailable(f"espeakng-loader is not installed ({exc})") from exc
        self.library_path = espeakng_loader.get_library_path()
        try:
            self.data_path = espeakng_loader.get_data_path()
        except RuntimeError as exc:
            raise EspeakUnavailable(f"espeak-ng data missing: {exc}") from exc
        if not Path(self.library_path).is_file():
            raise EspeakUnavailable(f"espeak-ng library missing: {self.library_path}")
        self.load_path = self._private_copy()
        self._resolved: dict[str, str] = {}
        try:
            self._probe()
        except EspeakUnavailable:
            if self.load_path == self.library_path:
                raise
            self.load_path = self.library_path      # e.g. a temporary folder mounted noexec
            self._probe()

    def _private_copy(self) -> str:
        """One copy per library content in the cache folder (the same root as the speech cache), shared
        by every process and never removed: no per-process copy is ever left behind. The installed
        library itself when the cache cannot hold it."""
        try:
            data = Path(self.library_path).read_bytes()
            from ..memo import cache_root      # a shared cache URL holds speech only: the library stays local
            target = cache_root() / "lib" / hashlib.sha256(data).hexdigest()[:16] / Path(self.library_path).name
            if not (target.is_file() and target.read_bytes() == data):
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
                try:
                    with os.fdopen(fd, "wb") as f:
                        f.write(data)
                    os.chmod(tmp, 0o755)
                    os.replace(tmp, target)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
            return str(target)
        except OSError:
            return self.library_path

    def _probe(self) -> None:
        session = _Session(self)
        with session as lib:
            data = ctypes.c_char_p()
            self.version = (lib.espeak_Info(ctypes.byref(data)) or b"?").decode("utf-8", "replace")
            self.voices = self._list_voices(lib)
        self.sample_rate = session.sample_rate

    @staticmethod
    def _list_voices(lib: ctypes.CDLL) -> tuple[_VoiceInfo, ...]:
        table = lib.espeak_ListVoices(None)
        out = []
        i = 0
        while table and table[i]:
            v = table[i].contents
            langs, p = [], v.languages
            while p:
                priority = ctypes.string_at(p, 1)[0]
                if priority == 0:
                    break
                lang = ctypes.string_at(p + 1)
                langs.append((priority, lang.decode("utf-8", "replace")))
                p += len(lang) + 2
            out.append(_VoiceInfo((v.name or b"").decode("utf-8", "replace"),
                                  (v.identifier or b"").decode("utf-8", "replace"), tuple(langs)))
            i += 1
        return tuple(out)

    def names(self) -> list[str]:
        """Every language code a voice declares ("ar", "fr", "fr-fr", "en-us"...): each selects a voice."""
        return sorted({lang.lower() for v in self.voices for _, lang in v.languages})

    def variants(self) -> list[str]:
        folder = Path(self.data_path) / "voices" / "!v"
        return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def identifier(self, base: str) -> Optional[str]:
        """A name as users write it -> the voice file identifier ("fr-fr" -> "roa/fr")."""
        key = base.strip().lower().replace("_", "-")     # "en_US" as "en-us"
        if not key:
            return None
        for v in self.voices:                                   # "roa/fr", or its file name "fr"
            if key in (v.identifier.lower(), v.identifier.rsplit("/", 1)[-1].lower()):
                return v.identifier
        best = [(prio, v.identifier) for v in self.voices for prio, lang in v.languages if lang.lower() == key]
        if best:                                                # a language code: the preferred voice
            return min(best)[1]
        for v in self.voices:                                   # "French (France)"
            if v.name.lower() == key:
                return v.identifier
        return None

    def resolve(self, voice) -> str:
        """A voice name -> what espeak_SetVoiceByName gets ("fr-fr+f3" -> "roa/fr+f3"); EspeakError if unknown."""
        if not isinstance(voice, str) or not voice.strip():
            raise EspeakError(f"espeak-ng voice must be a name such as 'ar' or 'fr', not {voice!r}")
        if voice not in self._resolved:
            base, plus, variant = voice.strip().partition("+")
            ident = self.identifier(base)
            if ident is None:
                raise EspeakError(_unknown_voice_message(voice, self.names()))
            if plus:
                known = self.variants()
                if variant not in known:
                    close = difflib.get_close_matches(variant, known, n=6, cutoff=0.5)
                    hint = f"close names: {', '.join(close)}" if close else f"known: {', '.join(known[:12])}..."
                    raise EspeakError(f"unknown espeak-ng voice variant {variant!r} in {voice!r}; {hint}")
            self._resolved[voice] = ident + plus + variant
        return self._resolved[voice]


def _unknown_voice_message(voice: str, names: list[str]) -> str:
    base = str(voice).strip().partition("+")[0].lower().replace("_", "-")
    stem = base.split("-")[0]
    score = {n: difflib.SequenceMatcher(None, base, n).ratio() for n in names}
    same = sorted((n for n in names if n.split("-")[0] == stem), key=lambda n: -score[n])   # "ar-ma" -> "ar"
    close = same + [n for n in difflib.get_close_matches(base, names, n=6, cutoff=0.5) if n not in same]
    hint = f"close names: {', '.join(close[:6])}" if close else f"none is close among {len(names)} (e.g. ar, fr, en)"
    return f"unknown espeak-ng voice {voice!r}; {hint}"


def _get_runtime() -> _Runtime:
    global _runtime, _runtime_error
    with _LOCK:
        if _runtime is None:
            if _runtime_error is not None:
                raise _runtime_error
            try:
                _runtime = _Runtime()
            except EspeakUnavailable as exc:
                _runtime_error = exc
                raise
        return _runtime


# --- public API -------------------------------------------------------------------------------------

def version() -> str:
    """espeak-ng's version string, e.g. "1.52.0"."""
    return _get_runtime().version


def sample_rate() -> int:
    """The rate of every Speech this engine returns (espeak_Initialize's answer: 22050 Hz)."""
    return _get_runtime().sample_rate


def voices() -> list[str]:
    """Names `synthesize(voice=...)` accepts: the language codes of the installed voices ("ar", "fr",
    "fr-fr", "en-us"...). A voice file identifier ("roa/fr"), a voice name ("Arabic") and a variant
    suffix ("fr+f3", from espeak-ng-data/voices/!v) are accepted too."""
    return _get_runtime().names()


def available() -> tuple[bool, str]:
    """(ok, detail) for `reelforge doctor`: the library loads, has Arabic and French voices, and speaks."""
    try:
        rt = _get_runtime()
        missing = [lang for lang in ("ar", "fr") if rt.identifier(lang) is None]
        if missing:
            return False, f"espeak-ng {rt.version} has no voice for {', '.join(missing)} ({rt.data_path})"
        speech = synthesize("نعم", voice="ar")
        if not np.any(speech.samples):
            return False, f"espeak-ng {rt.version} produced no audio ({rt.library_path})"
    except (EspeakUnavailable, EspeakError) as exc:
        return False, str(exc)
    return True, (f"espeak-ng {rt.version}, {rt.sample_rate} Hz, {len(rt.voices)} voices incl. ar and fr "
                  f"({rt.library_path})")


def _check_int(name: str, value, bounds: tuple[int, int]) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise EspeakError(f"espeak-ng {name} must be a whole number from {bounds[0]} to {bounds[1]}, "
                          f"not {value!r}")
    if not bounds[0] <= value <= bounds[1]:
        raise EspeakError(f"espeak-ng {name} {value} is out of range {bounds[0]}..{bounds[1]}")
    return int(value)


def synthesize(text: str, *, voice: str, rate: int = 160, pitch: int = 50) -> Speech:
    """Speak `text` with an espeak-ng voice ("ar", "fr", "fr-fr", "en", "fr+f3"...).

    rate: words a minute (80..450); pitch: 0..100, 50 = the voice's normal pitch.
    Returns the audio (float32 mono, 22050 Hz) and one Word per whitespace-separated token of `text`.
    The same arguments always give the same samples. Raises EspeakError for an unknown voice or an
    out-of-range rate or pitch, EspeakUnavailable if the library cannot be loaded or fails.
    """
    global _collector
    if not isinstance(text, str):
        raise EspeakError(f"text to speak must be a string, not {type(text).__name__}")
    rate = _check_int("rate", rate, RATE_RANGE)
    pitch = _check_int("pitch", pitch, PITCH_RANGE)
    # One character in, one character out: espeak reports positions in characters of what it receives.
    clean = text.replace("\x00", " ")
    data = clean.encode("utf-8", "replace")    # a lone surrogate becomes one "?"
    with _LOCK:
        rt = _get_runtime()
        spec = rt.resolve(voice)
        sr = rt.sample_rate
        pcm = np.zeros(0, np.int16)
        events: list[tuple[int, int, int]] = []
        if clean.strip():
            c = _Collector()
            session = _Session(rt)
            with session as lib:
                if lib.espeak_SetVoiceByName(spec.encode("utf-8")) != EE_OK:
                    raise EspeakError(_unknown_voice_message(voice, rt.names()))
                for param, value in ((espeakRATE, rate), (espeakPITCH, pitch)):
                    rc = lib.espeak_SetParameter(param, value, 0)
                    if rc != EE_OK:
                        raise EspeakUnavailable(f"espeak_SetParameter({param}, {value}) failed ({rc})")
                buf = ctypes.create_string_buffer(data)          # NUL-terminated
                _collector = c
                try:
                    rc = lib.espeak_Synth(buf, len(data) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, None, None)
                    lib.espeak_Synchronize()
                finally:
                    _collector = None
            if isinstance(c.error, Exception):
                raise EspeakUnavailable(f"espeak-ng callback failed: {c.error}") from c.error
            if c.error is not None:       # KeyboardInterrupt and the like, as they were
                raise c.error
            if rc != EE_OK:
                raise EspeakUnavailable(f"espeak_Synth failed ({rc})")
            sr = session.sample_rate
            if c.chunks:
                pcm = np.concatenate(c.chunks)
            events = c.events
    samples = pcm.astype(np.float32) / 32768.0
    samples.flags.writeable = False
    return Speech(samples=samples, sample_rate=sr, words=_time_words(clean, events, pcm, sr), timed="engine")


# --- word timing ------------------------------------------------------------------------------------

def _tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of non-space characters: the same split as str.split()."""
    spans, start = [], None
    for i, ch in enumerate(text):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _weight(token: str) -> int:
    """Letters and digits in a token (tatweel excluded): 0 means it is not read aloud on its own."""
    return sum(1 for ch in token if ch != "\u0640" and unicodedata.category(ch)[0] in "LN")


def _voiced_end(mag: np.ndarray, a: int, b: int, threshold: float, min_pause: int) -> int:
    """Where the voice stops in [a, b): b, unless the stretch ends with at least min_pause quiet samples."""
    if b - a <= min_pause or np.any(mag[b - min_pause:b] > threshold):
        return b
    loud = np.flatnonzero(mag[a:b] > threshold)
    return a + int(loud[-1]) + 1 if len(loud) else b


def _time_words(text: str, events: list[tuple[int, int, int]], pcm: np.ndarray, sr: int) -> tuple[Word, ...]:
    spans = _tokens(text)
    if not spans:
        return ()
    n = len(pcm)
    starts = [s for s, _ in spans]
    toks = [text[s:e] for s, e in spans]

    # 1. anchor: the first word event inside each token, in samples
    anchor: dict[int, int] = {}
    last_k, last_t = 0, 0
    for position, _length, sample in events:
        p = position - 1                                     # espeak counts from 1
        k = max(bisect_right(starts, p) - 1, 0)              # the token at p, or before p (in the gap)
        k = max(k, last_k)                                   # events never go back in the text
        t = min(max(sample, last_t), n)
        if k not in anchor:
            anchor[k] = t
        last_k, last_t = k, t

    # 2. segments: an anchored token plus the unanchored wordy tokens read with it
    voiced = [k in anchor or _weight(toks[k]) > 0 for k in range(len(toks))]
    segments: list[list[int]] = []
    pending: list[int] = []           # wordy tokens before the first anchor
    for k in range(len(toks)):
        if k in anchor:
            segments.append(pending + [k])
            pending = []
        elif voiced[k]:
            (segments[-1] if segments else pending).append(k)
    if pending:                       # no word event at all: spread over the whole audio
        segments.append(pending)
    # a segment starts at its event; tokens read before the first event start the audio
    seg_start = [anchor[seg[0]] if seg[0] in anchor else 0 for seg in segments]

    mag = np.abs(pcm.astype(np.int32))
    threshold = (int(mag.max()) if n else 0) * 10 ** (SILENCE_DB / 20)
    min_pause = int(MIN_PAUSE * sr)
    start_of: dict[int, int] = {}
    end_of: dict[int, int] = {}
    for i, seg in enumerate(segments):
        a = seg_start[i]
        b = seg_start[i + 1] if i + 1 < len(segments) else n
        b = max(a, b)
        stop = _voiced_end(mag, a, b, threshold, min_pause)
        weights = [max(_weight(toks[k]), 1) for k in seg]
        total = sum(weights)
        acc = 0
        for k, w in zip(seg, weights):
            start_of[k] = a + (stop - a) * acc // total
            acc += w
        for j, k in enumerate(seg):
            end_of[k] = start_of[seg[j + 1]] if j + 1 < len(seg) else stop

    # 3. silent tokens: zero length where they sit
    words = []
    prev_end = None
    for k, (s, e) in enumerate(spans):
        if k in start_of:
            t0, t1 = start_of[k], end_of[k]
            prev_end = t1
        else:
            nxt = next((start_of[j] for j in range(k + 1, len(spans)) if j in start_of), None)
            t0 = t1 = prev_end if prev_end is not None else (nxt if nxt is not None else 0)
        words.append(Word(toks[k], t0 / sr, t1 / sr, (s, e)))
    return tuple(words)
