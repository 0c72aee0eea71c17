"""piper: offline neural voices (`piper-tts`, VITS models run by onnxruntime), from a voice model the
user has: `model: path/to/voice.onnx` with its `voice.onnx.json` beside it, or a model name looked up
in the project's `voices/models/`, then in `$REELFORGE_PIPER_MODELS`. reelforge never downloads
models: a missing one is a located error saying where voices come from and where to put them.

Word times, best first: piper's phoneme alignments (the model's per-phoneme durations, which
piper-tts exposes by patching the loaded model in memory; every VITS voice has them), grouped into
words at the phonemizer's word breaks, when there is one group per word ("engine"); else whisper
alignment when a whisper model is configured (`whisper_model:` here, `render --whisper-model` or
$REELFORGE_WHISPER_MODEL: "whisper"); else the pause-snapped estimate ("estimate").
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
import unicodedata
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from ..config.options import INVALID, Number, Schema, Str
from ..errors import display
from . import Audio, SpeechError, estimate_words

ENV = "REELFORGE_PIPER_MODELS"
VOICES_URL = "https://huggingface.co/rhasspy/piper-voices"
PUNCTUATION = set(",.;:!?¡¿…—–-\"«»()'،؛؟")
_LOCK = threading.Lock()          # one synthesis at a time per process: onnxruntime uses every core


def model_folders(project: Path | None, base: Path | None) -> list[Path]:
    """Where a model name is looked up: the project's voices/models/, the profile's models/, $REELFORGE_PIPER_MODELS."""
    out = []
    for folder in ((project / "voices" / "models") if project else None, (base / "models") if base else None,
                   Path(os.environ[ENV]).expanduser() if os.environ.get(ENV) else None):
        if folder is not None and folder not in out:
            out.append(folder)
    return out


def find_model(value: str, project: Path | None, base: Path | None) -> tuple[Path | None, str]:
    """(the .onnx file, "") or (None, why it is missing and where voices come from)."""
    explicit = value.endswith(".onnx") or "/" in value or os.sep in value
    if explicit:
        path = Path(value).expanduser()
        path = path if path.is_absolute() else (base or Path.cwd()) / path
        candidates = [path]
    else:
        candidates = [folder / f"{value}.onnx" for folder in model_folders(project, base)]
    for path in candidates:
        if path.is_file():
            config = Path(f"{path}.json")
            if not config.is_file():
                return None, (f"the piper model {display(path)} has no voice config beside it ({config.name}); "
                              f"download both files of the voice from {VOICES_URL}")
            return path.resolve(), ""
    where = (display(candidates[0]) if explicit else
             " nor ".join(display(c.parent) + "/" for c in candidates) +
             ("" if os.environ.get(ENV) else f" (${ENV} is not set)"))
    home = display(candidates[0].parent) if candidates else "voices/models"
    return None, (f"piper voice model '{value}' not found in {where}; reelforge never downloads models: "
                  f"get the .onnx and its .onnx.json from {VOICES_URL} (e.g. ar/ar_JO/kareem/medium, "
                  f"fr/fr_FR/siwis/medium) and put both in {home}/ or in the folder ${ENV} names")


class Model(Str):
    """A piper voice model: a path to a .onnx (its .onnx.json beside it) or a name in a voices folder."""

    def check(self, value, pos, where, ctx):
        value = super().check(value, pos, where, ctx)
        if value is INVALID or value is None:
            return value
        path, why = find_model(value, getattr(ctx, "project", None), getattr(ctx, "base", None))
        if path is None:
            ctx.error(pos, where, why)
            return INVALID
        return str(path)

    def json(self):
        return {"type": "string", "description": "a .onnx path (its .onnx.json beside it) or a voice name "
                                                 "in voices/models/ or $REELFORGE_PIPER_MODELS"}


@lru_cache(maxsize=16)
def model_digest(path: str, *stamp) -> str:
    """sha256 of the model and its voice config, hashed once per (path, mtime, size) stamp."""
    h = hashlib.sha256()
    for name in (path, path + ".json"):
        with open(name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=4)
def load(path: str, mtime: float):
    """The loaded voice (patched in memory to give phoneme alignments when the onnx package is there)."""
    try:
        from piper import PiperVoice
    except ImportError:
        raise SpeechError('piper-tts is not installed: pip install "reelforge[piper]"') from None
    try:
        return PiperVoice.load(path, include_alignments=True)
    except Exception as exc:      # onnxruntime and json errors: a broken model is one line
        raise SpeechError(f"cannot load the piper model {display(path)} ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:160] if str(exc) else ''})") from None


def phoneme_words(sentences) -> int:
    """How many words the phonemizer made (groups between spaces and punctuation)."""
    count = 0
    for phonemes in sentences:
        inside = False
        for p in phonemes:
            if p in ("^", "$", " ") or p in PUNCTUATION:
                inside = False
            elif not inside:
                count, inside = count + 1, True
    return count


def words_from_alignments(text: str, chunks, count=None) -> tuple[tuple[str, float, float], ...] | None:
    """Word times from piper's phoneme alignments, one per whitespace-separated word of `text`, or
    None when they are missing or the phonemizer's words cannot be matched to the text's. When a
    word is read as several ("2025" → "deux mille vingt-cinq"), `count(word)` (the phonemizer's words
    for it alone) groups them."""
    spans, t, start, end = [], 0, None, None
    rate = None
    for chunk in chunks:
        rate = chunk.sample_rate
        if not chunk.phoneme_alignments:
            return None
        for a in chunk.phoneme_alignments:
            if a.phoneme in ("^", "$", " ") or a.phoneme in PUNCTUATION:
                if start is not None:
                    spans.append((start, end))
                    start = None
            else:
                start = t if start is None else start
                end = t + int(a.num_samples)
            t += int(a.num_samples)
        if start is not None:
            spans.append((start, end))
            start = None
    words = text.split()
    spoken = [w for w in words if any(unicodedata.category(c)[0] in "LN" for c in w)]
    if rate is None:
        return None
    if len(spans) != len(spoken) and count is not None:
        counts = [max(1, count(w)) for w in spoken]
        if sum(counts) == len(spans):
            grouped, i = [], 0
            for n in counts:
                grouped.append((spans[i][0], spans[i + n - 1][1]))
                i += n
            spans = grouped
    if len(spans) != len(spoken):
        return None
    out, k, last = [], 0, 0.0
    for w in words:              # a word without letters ("!", "—") is an instant at the previous end
        if w in spoken[k:k + 1]:
            a, b = spans[k]
            out.append((w, a / rate, b / rate))
            last, k = b / rate, k + 1
        else:
            out.append((w, last, last))
    return tuple(out)


class PiperEngine:
    name = "piper"
    offline = True
    whisper_option = "whisper_model"     # `model` is the voice model here: speech.py asks this one
    options = Schema({
        "model": Model(help="the voice model: a .onnx path (its .onnx.json beside it) or a voice name looked up "
                            "in voices/models/, then $REELFORGE_PIPER_MODELS; never downloaded"),
        "speaker": Str(None, help="a multi-speaker model's speaker: a number or a name of its speaker_id_map"),
        "length_scale": Number(0.3, 3, None, help="phoneme length: above 1 speaks slower; default: the model's"),
        "noise_scale": Number(0, 2, None, help="generator noise (expressiveness); default: the model's"),
        "sentence_pause": Number(0, 5, 0.35, help="seconds of silence between sentences"),
        "whisper_model": Str(None, help="a whisper model (name or .pt) to time words when piper gives no alignments"),
    })

    def needs(self) -> str:
        have = importlib.util.find_spec("piper") is not None
        return ("needs piper-tts (" + ("installed" if have else 'missing: pip install "reelforge[piper]"')
                + f") and a voice model (.onnx + .onnx.json) in voices/models/ or ${ENV}")

    def aligned(self) -> bool:
        """Whether piper-tts can give phoneme alignments here (it patches the model with onnx)."""
        return all(importlib.util.find_spec(m) is not None for m in ("piper", "onnx"))

    def version(self) -> str:
        try:
            return f"piper-tts {version('piper-tts')}"
        except PackageNotFoundError:
            return "piper-tts missing"

    def identity(self, voice) -> str:
        """The model's content: a model replaced in place (same path) must not reuse cached speech."""
        path = str(voice.options["model"])
        try:
            st = os.stat(path)
            cfg = os.stat(path + ".json")
        except OSError:
            return "missing"
        return model_digest(path, st.st_mtime_ns, st.st_size, cfg.st_mtime_ns, cfg.st_size)

    def voice(self, voice):
        path = str(voice.options["model"])
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            raise SpeechError(f"the piper model {display(path)} is gone; put it back or change `model:`") from None
        return load(path, mtime)

    def speaker_id(self, model, voice):
        speaker = voice.options.get("speaker")
        count = model.config.num_speakers
        if speaker is None:
            return None
        names = model.config.speaker_id_map or {}
        if str(speaker).isdigit() and int(speaker) < max(count, 1):
            return int(speaker)
        if speaker in names:
            return names[speaker]
        raise SpeechError(f"piper model {Path(voice.options['model']).name} has no speaker '{speaker}' "
                          f"({'speakers 0-' + str(count - 1) if count > 1 else 'it has one speaker'}"
                          + (f": {', '.join(sorted(names)[:8])}" if names else "") + ")")

    def synthesize(self, text: str, voice) -> Audio:
        from piper import SynthesisConfig
        model = self.voice(voice)
        opts = voice.options
        config = SynthesisConfig(speaker_id=self.speaker_id(model, voice), length_scale=opts.get("length_scale"),
                                 noise_scale=opts.get("noise_scale"), normalize_audio=True, volume=0.9)
        try:
            with _LOCK:
                chunks = list(model.synthesize(text, syn_config=config, include_alignments=True))
        except Exception as exc:
            raise SpeechError(f"piper could not speak this sentence ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:160] if str(exc) else ''})") from None
        rate = model.config.sample_rate
        if not chunks:
            return Audio(np.zeros(int(0.1 * rate), np.float32), rate, (), "estimate")
        samples = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
        words = words_from_alignments(text, chunks, lambda w: phoneme_words(model.phonemize(w)))
        if words is not None:
            return Audio(samples, rate, words, "engine")
        return Audio(samples, rate, estimate_words(text, samples, rate), "estimate")


ENGINE = PiperEngine()
