"""Whisper: transcription with word timestamps, and alignment of a known script onto what was heard.

The script's spelling is kept; whisper supplies only times. Matching survives what whisper does in
practice: Arabic with or without diacritics, alef/ya/ta-marbuta variants, tatweel, numbers written as
digits but heard as words, French elisions, accents and punctuation. The share of script words that
could not be matched is reported as a word error rate, so a skipped or changed line is flagged.

openai-whisper (and torch) are an optional extra: `pip install torch==2.13.0 && pip install
"reelforge[whisper]"`. A model is a name in whisper's own cache or a path to a checkpoint, from the
command line, the voice profile (`options: {model: ...}`) or $REELFORGE_WHISPER_MODEL.
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .errors import ReelforgeError

SAMPLE_RATE = 16000
ENV = "REELFORGE_WHISPER_MODEL"


class ModelMissing(ReelforgeError):
    pass


def model_source(cli: Optional[str] = None, profile: Optional[str] = None) -> Optional[str]:
    return cli or profile or os.environ.get(ENV) or None


@lru_cache(maxsize=2)
def load_model(source: str, device: Optional[str] = None):
    """A whisper model by name (from whisper's cache; never downloaded here) or checkpoint path."""
    try:
        import torch
        import whisper
    except ImportError:
        raise ModelMissing("whisper is not installed: pip install torch==2.13.0 && pip install "
                           '"reelforge[whisper]" (pin torch first: an unpinned torch pulls GBs of CUDA packages)') from None
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    path = Path(source).expanduser()
    if not path.is_file():
        if source not in whisper.available_models():
            raise ModelMissing(f"whisper model '{source}' is neither a file nor a model name "
                               f"({', '.join(whisper.available_models())})")
        cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "whisper"
        url = whisper._MODELS[source]
        path = cache / os.path.basename(url)
        if not path.is_file():
            raise ModelMissing(f"whisper model '{source}' is not in {cache} and cannot be downloaded here; "
                               f"pass --model PATH to a checkpoint (.pt) or set {ENV}")
    try:
        return whisper.load_model(str(path), device=device)
    except Exception as exc:  # torch raises many kinds for a bad file
        raise ModelMissing(f"{path}:1:1: cannot load the whisper checkpoint ({type(exc).__name__}: {exc})") from None


def transcribe(model, samples: np.ndarray, lang: Optional[str] = None) -> tuple[list[tuple[str, float, float]], str]:
    """16 kHz mono float32 → ([(word, start, end)], language). Audio goes in as an array: whisper
    would otherwise call an `ffmpeg` from PATH."""
    result = model.transcribe(np.array(samples, np.float32), language=lang, word_timestamps=True,
                              temperature=0.0, condition_on_previous_text=False, fp16=False, verbose=None)
    words = [(w["word"].strip(), float(w["start"]), float(w["end"]))
             for seg in result.get("segments", []) for w in seg.get("words", []) if w["word"].strip()]
    return words, result.get("language") or (lang or "")


# -- normalisation and alignment ----------------------------------------------------------

ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
                             "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7",
                             "٨": "8", "٩": "9"})
APOSTROPHES = re.compile(r"['’ʼ]")


def normalise(word: str) -> str:
    """A comparison key: no diacritics, tatweel, punctuation, case, elision; folded letter variants."""
    w = ARABIC_MARKS.sub("", word).translate(ARABIC_FOLD)
    w = APOSTROPHES.sub("", w)          # "l'été" and "l été" / "lété" compare equal
    w = "".join(c for c in unicodedata.normalize("NFD", w) if unicodedata.category(c) != "Mn")
    w = re.sub(r"[^\w]", "", w.lower())
    if w.startswith("ال") and len(w) > 3:      # the article is often heard merged or split
        w = w[2:]
    return w


def is_number(word: str) -> bool:
    return bool(re.search(r"\d", word))


@dataclass(frozen=True)
class Alignment:
    times: tuple[tuple[float, float], ...]     # per script word
    wer: float                                 # share of script words not found in what was heard
    matched: int


def align(script_words: Sequence[str], heard: Sequence[tuple[str, float, float]],
          duration: Optional[float] = None) -> Alignment:
    """Give every script word a time from the heard words (difflib blocks; numbers absorb spoken
    number words; unmatched words are spread over the gap between their matched neighbours)."""
    keys = [normalise(w) for w in script_words]
    spoken = [i for i, k in enumerate(keys) if k]      # "!" or "—" alone is not said
    a = [keys[i] for i in spoken]
    b = [normalise(w) for w, _, _ in heard]
    times: list[Optional[tuple[float, float]]] = [None] * len(script_words)
    errors = 0
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                times[spoken[i1 + k]] = heard[j1 + k][1:]
        elif op == "replace":
            span = (heard[j1][1], heard[j2 - 1][2])
            weights = [max(1, len(x)) for x in a[i1:i2]]
            total, acc = sum(weights), 0
            for k, wgt in enumerate(weights):
                t0 = span[0] + (span[1] - span[0]) * acc / total
                acc += wgt
                times[spoken[i1 + k]] = (t0, span[0] + (span[1] - span[0]) * acc / total)
            if not all(is_number(script_words[spoken[i]]) for i in range(i1, i2)):   # "16" heard as "ستة عشر"
                errors += max(i2 - i1, j2 - j1)
        elif op == "delete":
            errors += i2 - i1
        else:   # insert: extra words heard
            errors += j2 - j1
    matched = sum(1 for t in times if t)
    _fill_gaps(times, heard[-1][2] if heard else (duration or 0.0))
    return Alignment(tuple(times), min(1.0, errors / max(1, len(a))), matched)


def _fill_gaps(times: list, end: float) -> None:
    """Words with no time get evenly spaced times between their timed neighbours."""
    i = 0
    while i < len(times):
        if times[i] is not None:
            i += 1
            continue
        j = i
        while j < len(times) and times[j] is None:
            j += 1
        t0 = times[i - 1][1] if i > 0 else 0.0
        t1 = times[j][0] if j < len(times) else max(end, t0)
        step = (t1 - t0) / (j - i)
        for k in range(i, j):
            times[k] = (t0 + step * (k - i), t0 + step * (k - i + 1))
        i = j
