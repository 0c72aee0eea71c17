"""Voice lines for a script in one language: synthesise (or take each scene from the engine's file,
e.g. recordings), cache, time every word. Engines are plugins: see `reelforge.tts`.

Each sentence is synthesised on its own, so sentence times are exact; sentences are joined with the
profile's pause. Results are cached on disk by content (engine, engine version, options, text), and
every cache write is atomic, so parallel renders never read half a file.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import threading
import wave
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .align import align, load_model, model_source, transcribe
from .audio import RATE, decode, write_wav
from .encode import write_atomic
from .errors import Problem, RenderError, display
from . import spoken as spoken_module, tts as tts_module
from .memo import cache_root, code_digest
from .model import Scene, Script, Voice
from .registry import TTS, PluginError
from .spoken import Sentence, sentences
from .tts import Audio, Line, SpeechError, Word, estimate_words


def shared_cache() -> Optional[str]:
    """$REELFORGE_CACHE when it is an fsspec URL (s3://bucket/speech-cache): a cache shared by machines."""
    root = os.environ.get("REELFORGE_CACHE", "")
    return root if "://" in root else None


CACHE_HINT = "or set REELFORGE_CACHE to a writable folder"


class SpeechCache:
    """Content-addressed store of synthesised sentences and assembled lines.

    An entry is a .wav and a .json written after it (marking it complete) that records the WAV's
    sample count and SHA-256; an entry that does not match them is discarded, noted on stderr and made
    again. With a URL in $REELFORGE_CACHE, sentences are also shared through it, each entry one object
    (its JSON line, then the WAV) put in one atomic write (`reelforge.storage`), so concurrent writers of
    the same key each leave a whole entry and a reader never sees a partial one; the local folder keeps
    a copy, and the assembled lines (files the encoder reads)."""

    def __init__(self, root: Optional[Path] = None, enabled: bool = True, shared: Optional[str] = None):
        self.root = (root or cache_root()) / "speech"
        self.enabled = enabled
        url = shared or (shared_cache() if root is None else None)
        self.shared = None
        if url:
            from .storage import target
            self.shared = target(url.rstrip("/") + "/speech", CACHE_HINT)
        self.synth_calls = 0
        self._lock = threading.Lock()

    def path(self, key: str, suffix: str) -> Path:
        return self.root / key[:2] / f"{key}{suffix}"

    def load(self, key: str) -> Optional[Audio]:
        wav, meta = self.path(key, ".wav"), self.path(key, ".json")
        if not self.enabled:
            return None
        if not (wav.is_file() and meta.is_file()):
            return self._load_shared(key)
        try:
            return _entry(json.loads(meta.read_text("utf-8")), wav.read_bytes())
        except (OSError, ValueError, KeyError, TypeError, EOFError, wave.Error) as exc:
            print(f"note: {display(wav)}: damaged speech cache entry ({exc}); synthesising it again", file=sys.stderr)
            for f in (meta, wav):
                f.unlink(missing_ok=True)
            return None

    def _load_shared(self, key: str) -> Optional[Audio]:
        """The entry from the shared cache, copied to the local folder; None when absent or damaged (a
        damaged shared entry is noted and replaced by the next store, never deleted by a reader)."""
        name = f"{key[:2]}/{key}.entry"
        data = self.shared.read_bytes(name) if self.shared else None
        if data is None:
            return None
        try:
            head, _, body = data.partition(b"\n")
            info = json.loads(head)
            audio = _entry(info, body)
        except (ValueError, KeyError, TypeError, EOFError, wave.Error) as exc:
            print(f"note: {self.shared}/{name}: damaged shared speech cache entry ({exc}); synthesising it again",
                  file=sys.stderr)
            return None
        if audio is not None:
            self._store_local(key, body, info)
        return audio

    def store(self, key: str, audio: Audio) -> Audio:
        """Store `audio`; it as a later load gives it (16-bit samples), so a render is the same whether its
        speech was just synthesised or came from a cache."""
        data = io.BytesIO()
        write_wav(data, audio.samples, audio.rate)
        info = {"rate": audio.rate, "words": audio.words, "timed": audio.timed, "samples": len(audio.samples),
                "sha256": hashlib.sha256(data.getvalue()).hexdigest()}
        self._store_local(key, data.getvalue(), info)
        if self.shared:
            try:
                self.shared.put_text(f"{key[:2]}/{key}.entry",
                                     json.dumps(info, ensure_ascii=False).encode("utf-8") + b"\n" + data.getvalue())
            except RenderError as exc:      # the shared cache saves time; a render never fails for it
                print(f"note: the shared speech cache is not writable: {exc}", file=sys.stderr)
        return _entry(json.loads(json.dumps(info)), data.getvalue())

    def _store_local(self, key: str, data: bytes, info: dict) -> Path:
        wav = self.path(key, ".wav")
        write_atomic(wav, data, CACHE_HINT)
        write_atomic(self.path(key, ".json"), json.dumps(info, ensure_ascii=False), CACHE_HINT)   # last: complete
        return wav

    def sentence(self, engine, voice: Voice, text: str) -> Audio:
        key = sentence_key(engine, voice, text)
        cached = self.load(key)
        if cached is not None:
            return cached
        with self._lock:
            self.synth_calls += 1
        return self.store(key, engine.synthesize(text, voice))

    def known_line(self, key: str) -> Optional[Line]:
        """A line assembled by an earlier run (its record, and the WAV it names unchanged): a warm
        `preview` or `lint` reads no sentence and resamples nothing."""
        meta = self.path(key, ".line.json")
        if not self.enabled or not meta.is_file():
            return None
        try:
            info = json.loads(meta.read_text("utf-8"))
            if hashlib.sha256(Path(info["audio"]).read_bytes()).hexdigest() != info["sha256"]:
                return None         # the WAV was damaged or replaced: assembled again (and rewritten)
            return Line(duration=info["duration"], words=tuple(Word(*w) for w in info["words"]), audio=info["audio"],
                        timed=info["timed"], sentences=tuple(tuple(x) for x in info["sentences"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def remember_line(self, key: str, line: Line) -> None:
        info = {"duration": line.duration, "words": [[w.text, w.start, w.end] for w in line.words], "audio": line.audio,
                "timed": line.timed, "sentences": [list(x) for x in line.sentences],
                "sha256": hashlib.sha256(Path(line.audio).read_bytes()).hexdigest()}
        if self.enabled:
            write_atomic(self.path(key, ".line.json"), json.dumps(info, ensure_ascii=False), CACHE_HINT)

    def line(self, key: str, samples: np.ndarray) -> Path:
        """An assembled line's WAV, rewritten unless the file holds exactly these samples."""
        wav = self.path(key, ".line.wav")
        data = io.BytesIO()
        write_wav(data, samples, RATE)
        try:
            same = self.enabled and wav.read_bytes() == data.getvalue()
        except OSError:
            same = False
        if not same:
            write_atomic(wav, data.getvalue(), CACHE_HINT)
        return wav


def _entry(info: dict, data: bytes) -> Optional[Audio]:
    """A cache entry's Audio from its JSON record and WAV bytes; None for an entry of an earlier reelforge
    (no checksum: made again, silently); ValueError when the WAV does not match the record."""
    if "sha256" not in info:
        return None
    if hashlib.sha256(data).hexdigest() != info["sha256"]:
        raise ValueError("its checksum does not match")
    samples = _read_wav(io.BytesIO(data))
    if len(samples) != info["samples"]:
        raise ValueError(f"{len(samples)} samples instead of {info['samples']}")
    return Audio(samples, info["rate"], tuple(tuple(w) for w in info["words"]), info["timed"])


def _read_wav(f) -> np.ndarray:
    with wave.open(f, "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0


def sentence_key(engine, voice: Voice, text: str) -> str:
    """The cache key of one sentence's audio: everything the engine's output depends on."""
    return digest([engine.name, engine.version(), voice.language,
                   sorted((k, str(v)) for k, v in voice.options.items()), text, *identity(engine, voice)])


def identity(engine, voice: Voice) -> list[str]:
    """The engine's own part of a voice's cache key (e.g. the content of a model file replaced in place);
    empty for engines without one, whose keys stay as they were."""
    return [engine.identity(voice)] if hasattr(engine, "identity") else []


def digest(parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:32]


def shown_words(sentence: Sentence, audio: Audio, offset: float) -> list[Word]:
    """Engine word times (one per spoken piece) → times of the words as shown on screen."""
    owners = [i for i, t in enumerate(sentence.tokens) for _ in t.spoken.split()]
    words = audio.words
    if len(words) != len(owners):   # the engine merged or split pieces: fall back to proportional times
        words = estimate_words(" ".join(t.shown for t in sentence.tokens), audio.samples, audio.rate)
        owners = list(range(len(sentence.tokens)))
    spans: dict[int, list[float]] = {}
    for owner, (_, start, end) in zip(owners, words):
        s = spans.setdefault(owner, [start, end])
        s[0], s[1] = min(s[0], start), max(s[1], end)
    out, last = [], 0.0
    for i, token in enumerate(sentence.tokens):
        start, end = spans.get(i, (last, last))
        out.append(Word(token.shown, offset + start, offset + end))
        last = end
    return out


def engine_of(voice: Voice):
    """The voice's engine of the `reelforge.tts` registry; a missing or broken plugin is a SpeechError."""
    try:
        return TTS[voice.engine]
    except KeyError:
        raise SpeechError(f"no speech engine '{voice.engine}' is installed") from None
    except PluginError as exc:
        raise SpeechError(str(exc)) from None


def offline(voice: Voice) -> bool:
    """Whether the voice speaks without the network (its engine says so)."""
    return bool(getattr(TTS.get(voice.engine), "offline", False))


def voice_problems(script: Script) -> list[Problem]:
    """What each voice's engine finds wrong before speaking (e.g. missing recordings), all at once."""
    out, seen = [], set()
    used = list(script.voices.items()) + [(lang, v) for s in script.scenes for lang, v in getattr(s, "voices", {}).items()]
    for lang, voice in used:
        check = getattr(TTS.get(voice.engine), "problems", None)
        if check is None or lang not in script.languages or (lang, id(voice)) in seen:
            continue
        seen.add((lang, id(voice)))
        speaks = {f"scenes[{i}]" for i, s in enumerate(script.scenes) if scene_voice(script, s, lang) is voice}
        out += [p for p in check(voice, script, lang)       # only the scenes this profile speaks
                if not p.where.startswith("scenes[") or p.where.partition(".")[0] in speaks]
    return out


def lexicon(script: Script, lang: str) -> dict[str, str]:
    """The pronunciation lexicon for one language: the brand kit's `pronounce:`, then the script's on top."""
    out = {}
    for entries in (script.brand.pronounce, script.pronounce):
        out.update({written: said[lang] for written, said in entries.items() if lang in said})
    return out


def speaks_offline(script: Script, lang: str) -> bool:
    """Whether every voice that speaks `lang` in the script (its own and the scenes' `voice:`) is offline:
    then preview and lint can use the real lines without touching the network."""
    return lang in script.voices and all(offline(scene_voice(script, sc, lang)) for sc in script.scenes) \
        and offline(script.voices[lang])


def scene_voice(script: Script, scene: Scene, lang: str) -> Voice:
    """The profile that speaks a scene: its own `voice:` for the language, else the script's."""
    return getattr(scene, "voices", {}).get(lang) or script.voices[lang]


def scene_line(script: Script, scene: Scene, index: int, lang: str, cache: SpeechCache) -> Line:
    voice = scene_voice(script, scene, lang)
    where = f"scenes[{index}] ({scene.id}).say.{lang}"
    try:
        engine = engine_of(voice)
        if hasattr(engine, "scene_audio"):
            return take_line(engine, voice, scene, lang, where)
        return synthesized_line(engine, voice, scene.say[lang], lang, cache, lexicon(script, lang))
    except SpeechError as exc:
        raise RenderError(f"{display(script.path)}:{scene.line}:1: {where}: {exc}") from None


def take_line(engine, voice: Voice, scene: Scene, lang: str, where: str) -> Line:
    """A whole scene from the engine's file, its words timed by the engine or estimated."""
    path, words = engine.scene_audio(voice, scene, lang)
    samples = decode(path, where=where)
    text = scene.say[lang]
    timed = "estimate" if words is None else "engine"
    words = estimate_words(text, samples, RATE) if words is None else words
    return Line(duration=len(samples) / RATE, words=tuple(Word(w, s, e) for w, s, e in words), audio=str(path),
                timed=timed, sentences=((text, 0.0, len(samples) / RATE),))


def synthesized_line(engine, voice: Voice, text: str, lang: str, cache: SpeechCache,
                     lexicon: Optional[dict[str, str]] = None) -> Line:
    """Sentence by sentence (each cached), joined by the profile's pause."""
    pause = float(voice.options.get("sentence_pause", 0.35))
    said = sentences(text, lang, lexicon)
    record = digest(["line", RATE, pause, code_digest(sys.modules[__name__], spoken_module, tts_module),
                     [[sentence_key(engine, v, t) for v, t in voice_runs(engine, voice, s) or [(voice, s.spoken)]]
                      for s in said],
                     [[(t.shown, t.spoken) for t in s.tokens] for s in said]])
    known = cache.known_line(record)
    if known is not None:
        return known
    parts, words, sents, t, timed = [], [], [], 0.0, "engine"
    spoken = []
    for k, sentence in enumerate(said):
        audio = sentence_audio(engine, voice, sentence, cache)
        samples = audio.samples if audio.rate == RATE else resample(audio.samples, audio.rate)
        if k:
            parts.append(np.zeros(int(pause * RATE), np.float32))
            t += pause
        words += shown_words(sentence, audio, t)
        sents.append((sentence.shown, t, t + len(samples) / RATE))
        spoken.append(sentence.runs())
        parts.append(samples)
        t += len(samples) / RATE
        timed = "engine" if audio.timed == "engine" and timed == "engine" else "estimate"
    samples = np.concatenate(parts) if parts else np.zeros(1, np.float32)
    key = digest(["line", RATE, [float(len(p)) for p in parts], [s[0] for s in sents], spoken, voice.name,
                  dict(voice.options), *identity(engine, voice)])
    wav = cache.line(key, samples)
    line = Line(duration=len(samples) / RATE, words=tuple(words), audio=str(wav), timed=timed,
                sentences=tuple(sents))
    cache.remember_line(record, line)
    return line


JOIN_MARGIN = 0.03      # seconds of silence kept on each side where two voices meet inside a sentence


def voice_runs(engine, voice: Voice, sentence: Sentence) -> Optional[list[tuple[Voice, str]]]:
    """The stretches of a sentence read by another voice, each with its voice, when the engine can
    switch (`voice_for(voice, lang)`) and the sentence has any; None when it is said whole by `voice`."""
    runs = sentence.runs()
    switch = getattr(engine, "voice_for", None)
    if switch is None or not any(lang for lang, _ in runs):
        return None
    return [(switch(voice, lang) if lang else voice, text) for lang, text in runs]


def sentence_audio(engine, voice: Voice, sentence: Sentence, cache: SpeechCache) -> Audio:
    """One sentence. Stretches read by another voice (Latin words inside Arabic) are synthesised with
    that voice when the engine can switch (`voice_for(voice, lang)`), trimmed of the silence at the
    joins and put end to end; each stretch's word times are offset by where it starts."""
    runs = voice_runs(engine, voice, sentence)
    if runs is None:
        return cache.sentence(engine, voice, sentence.spoken)
    parts, words, timed, rate, at = [], [], "engine", None, 0
    for i, (run_voice, text) in enumerate(runs):
        audio = cache.sentence(engine, run_voice, text)
        rate = rate or audio.rate
        samples = audio.samples if audio.rate == rate else resample(audio.samples, audio.rate, rate)
        loud = np.flatnonzero(np.abs(samples) > max(1e-4, float(np.abs(samples).max(initial=0)) * 0.01))
        margin = int(JOIN_MARGIN * rate)
        head = max(0, int(loud[0]) - margin) if i and loud.size else 0
        tail = min(len(samples), int(loud[-1]) + margin) if i < len(runs) - 1 and loud.size else len(samples)
        kept = samples[head:tail]
        for text_, start, end in audio.words:
            s_, e_ = (min(max(x * rate - head, 0), len(kept)) for x in (start, end))
            words.append((text_, (at + s_) / rate, (at + e_) / rate))
        parts.append(kept)
        at += len(kept)
        timed = timed if audio.timed == "engine" else "estimate"
    return Audio(np.concatenate(parts).astype(np.float32), rate, tuple(words), timed)


def resample(samples: np.ndarray, rate: int, to: int = RATE) -> np.ndarray:
    """Band-limited resampling (ffmpeg's libswresample in process, through PyAV; the same samples as the
    ffmpeg binary's default, without a process per sentence), to 48 kHz by default, of mono float32."""
    import av
    resampler = av.AudioResampler(format="flt", layout="mono", rate=to)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, np.float32)[None, :], format="flt", layout="mono")
    frame.sample_rate = rate
    out = [f.to_ndarray()[0] for f in (*resampler.resample(frame), *resampler.resample(None))]
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def whisper_timed(line: Line, text: str, lang: str, source: str) -> Line:
    """Replace estimated word times by whisper's, aligned to the script's own words."""
    samples = decode(line.audio, rate=16000)
    heard, _ = transcribe(load_model(source), samples, lang)
    shown = text.split()
    result = align(shown, heard, duration=len(samples) / 16000)
    words = tuple(Word(w, s, e) for w, (s, e) in zip(shown, result.times))
    return replace(line, words=words, timed="whisper", wer=result.wer)


def voice_lines(script: Script, lang: str, cache: SpeechCache, on_line: Optional[Callable[[], None]] = None,
                whisper_model: Optional[str] = None) -> dict[str, Line]:
    """Scene id → voiceover line, for every scene with a `say` text in `lang`."""
    out = {}
    if lang not in script.voices:
        return out
    for i, scene in enumerate(script.scenes):
        if scene.say and scene.say.get(lang, "").strip():
            line = scene_line(script, scene, i, lang, cache)
            voice = scene_voice(script, scene, lang)
            option = getattr(TTS.get(voice.engine), "whisper_option", "model")   # piper's `model` is its voice
            source = model_source(whisper_model, voice.options.get(option))
            if line.timed == "estimate" and source:
                line = whisper_timed(line, scene.say[lang], lang, source)
            out[scene.id] = line
            if on_line:
                on_line()
    return out
