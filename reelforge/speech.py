"""Voice lines for a script in one language: synthesise (or load recordings), cache, time every word.

Each sentence is synthesised on its own, so sentence times are exact; sentences are joined with the
profile's pause. Results are cached on disk by content (engine, engine version, options, text), and
every cache write is atomic, so parallel renders never read half a file.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .audio import RATE, decode, write_wav
from .encode import atomic_path
from .errors import RenderError, display
from .model import Scene, Script, Voice
from .spoken import Sentence, sentences
from .timeline import Line, Word
from .align import model_source
from .tts import Audio, SpeechError, engines

RECORDING_EXTS = (".wav", ".mp3", ".m4a", ".flac", ".ogg")


def default_cache() -> Path:
    root = os.environ.get("REELFORGE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "reelforge")
    return Path(root)


class SpeechCache:
    """Content-addressed store of synthesised sentences and assembled lines."""

    def __init__(self, root: Optional[Path] = None, enabled: bool = True):
        self.root = (root or default_cache()) / "speech"
        self.enabled = enabled
        self.synth_calls = 0
        self._lock = threading.Lock()

    def path(self, key: str, suffix: str) -> Path:
        return self.root / key[:2] / f"{key}{suffix}"

    def load(self, key: str) -> Optional[Audio]:
        wav, meta = self.path(key, ".wav"), self.path(key, ".json")
        if not (self.enabled and wav.is_file() and meta.is_file()):
            return None
        try:
            info = json.loads(meta.read_text("utf-8"))
            samples = _read_wav(wav)
        except (OSError, ValueError, KeyError):
            return None          # a damaged entry is simply made again
        return Audio(samples, info["rate"], tuple(tuple(w) for w in info["words"]), info["timed"])

    def store(self, key: str, audio: Audio) -> Path:
        wav = self.path(key, ".wav")
        with atomic_path(wav) as tmp:
            write_wav(tmp, audio.samples, audio.rate)
        with atomic_path(self.path(key, ".json")) as tmp:   # the .json last: it marks the entry complete
            tmp.write_text(json.dumps({"rate": audio.rate, "words": audio.words, "timed": audio.timed},
                                      ensure_ascii=False), "utf-8")
        return wav

    def sentence(self, engine, voice: Voice, text: str) -> Audio:
        key = digest([engine.name, engine.version(), voice.language, sorted((k, str(v)) for k, v in voice.options.items()), text])
        cached = self.load(key)
        if cached is not None:
            return cached
        with self._lock:
            self.synth_calls += 1
        audio = engine.synthesize(text, voice)
        self.store(key, audio)
        return audio


def _read_wav(path: Path) -> np.ndarray:
    import wave
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0


def digest(parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:32]


def shown_words(sentence: Sentence, audio: Audio, offset: float) -> list[Word]:
    """Engine word times (one per spoken piece) → times of the words as shown on screen."""
    owners = [i for i, t in enumerate(sentence.tokens) for _ in t.spoken.split()]
    words = audio.words
    if len(words) != len(owners):   # the engine merged or split pieces: fall back to proportional times
        from .tts import estimate_words
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


def find_recording(voice: Voice, scene: Scene, lang: str) -> Optional[Path]:
    folder = Path(voice.options["folder"])
    for stem in (f"{scene.id}.{lang}", f"{lang}/{scene.id}", scene.id):
        for ext in RECORDING_EXTS:
            if (folder / f"{stem}{ext}").is_file():
                return folder / f"{stem}{ext}"
    return None


def scene_line(script: Script, scene: Scene, index: int, lang: str, cache: SpeechCache) -> Line:
    voice = script.voices[lang]
    where = f"scenes[{index}] ({scene.id}).say.{lang}"
    text = scene.say[lang]
    if voice.engine == "recorded":
        path = find_recording(voice, scene, lang)
        if path is None:
            raise RenderError(f"{display(script.path)}:{scene.line}:1: {where}: no recording in {display(voice.options['folder'])}")
        samples = decode(path, where=where)
        from .tts import estimate_words
        words = tuple(Word(w, s, e) for w, s, e in estimate_words(text, samples, RATE))
        return Line(duration=len(samples) / RATE, words=words, audio=str(path), timed="estimate",
                    sentences=((text, 0.0, len(samples) / RATE),))
    engine = engines().get(voice.engine)
    if engine is None:
        raise RenderError(f"{display(script.path)}:{scene.line}:1: {where}: no speech engine '{voice.engine}' is installed")
    pause = float(voice.options.get("sentence_pause", 0.35))
    parts, words, sents, t, timed = [], [], [], 0.0, "engine"
    for k, sentence in enumerate(sentences(text, lang)):
        try:
            audio = cache.sentence(engine, voice, sentence.spoken)
        except SpeechError as exc:
            raise RenderError(f"{display(script.path)}:{scene.line}:1: {where}: {exc}") from None
        samples = audio.samples if audio.rate == RATE else resample(audio.samples, audio.rate)
        if k:
            parts.append(np.zeros(int(pause * RATE), np.float32))
            t += pause
        words += shown_words(sentence, audio, t)
        sents.append((sentence.shown, t, t + len(samples) / RATE))
        parts.append(samples)
        t += len(samples) / RATE
        timed = "engine" if audio.timed == "engine" and timed == "engine" else "estimate"
    samples = np.concatenate(parts) if parts else np.zeros(1, np.float32)
    key = digest(["line", RATE, [float(len(p)) for p in parts], [s[0] for s in sents], voice.name, dict(voice.options)])
    wav = cache.path(key, ".line.wav")
    if not wav.is_file() or not cache.enabled:
        with atomic_path(wav) as tmp:
            write_wav(tmp, samples, RATE)
    return Line(duration=len(samples) / RATE, words=tuple(words), audio=str(wav), timed=timed,
                sentences=tuple(sents))


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling to 48 kHz (ffmpeg's resampler) of a mono float32 signal."""
    import subprocess

    from .ffmpeg import ffmpeg_exe
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "f32le", "-ar", str(rate),
                           "-ac", "1", "-i", "-", "-f", "f32le", "-ar", str(RATE), "-"],
                          input=np.ascontiguousarray(samples, np.float32).tobytes(), capture_output=True, check=True)
    return np.frombuffer(proc.stdout, np.float32)


def whisper_timed(line: Line, text: str, lang: str, source: str) -> Line:
    """Replace estimated word times by whisper's, aligned to the script's own words."""
    from dataclasses import replace

    from .align import align, load_model, transcribe
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
            source = model_source(whisper_model, script.voices[lang].options.get("model"))
            if line.timed == "estimate" and source:
                line = whisper_timed(line, scene.say[lang], lang, source)
            out[scene.id] = line
            if on_line:
                on_line()
    return out
