"""Audio in numpy and through ffmpeg: decode, place the voice lines, duck the music, normalise loudness.

All mixing happens at 48 kHz in float32. The final mix is loudness-normalised in two passes with
ffmpeg's loudnorm (measure, then apply linearly) to the platform's target.
"""
from __future__ import annotations

import json
import re
import subprocess
import wave
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .errors import RenderError, display
from .ffmpeg import ffmpeg_exe

RATE = 48000


def decode(path: Path | str, channels: int = 1, rate: int = RATE, where: str = "") -> np.ndarray:
    """Any audio or video file → float32 samples (frames × channels, or 1-D for mono)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), "-vn",
           "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(rate), "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0 or not proc.stdout:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"{display(path)}:1:1: {where + ': ' if where else ''}cannot read the audio "
                          f"({why[-1][:160] if why else 'no audio stream'}); re-export it as WAV or MP3")
    data = np.frombuffer(proc.stdout, dtype=np.float32)
    return data if channels == 1 else data.reshape(-1, channels)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """float32 in [-1, 1] (mono or frames × channels) → 16-bit PCM WAV."""
    data = np.clip(samples, -1, 1)
    channels = 1 if data.ndim == 1 else data.shape[1]
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((data * 32767).astype("<i2").tobytes())


def db(x: float) -> float:
    return 10 ** (x / 20)


def envelope(voice: np.ndarray, rate: int, attack: float = 0.08, release: float = 0.35,
             window: float = 0.05, threshold_db: float = -42.0) -> np.ndarray:
    """0..1 per sample: how much voice is present, with a smooth attack and a slower release."""
    n = max(1, int(rate * window))
    frames = len(voice) // n + 1
    padded = np.zeros(frames * n, np.float32)
    padded[: len(voice)] = voice
    rms = np.sqrt((padded.reshape(frames, n) ** 2).mean(axis=1) + 1e-12)
    on = (20 * np.log10(rms) > threshold_db).astype(np.float32)
    # hold through the short gaps between words
    hold = int(0.25 / window)
    held = np.convolve(on, np.ones(2 * hold + 1, np.float32), mode="same") > 0
    out = np.empty(frames, np.float32)
    a, r = window / attack, window / release
    level = 0.0
    for i, target in enumerate(held.astype(np.float32)):
        level += (target - level) * (a if target > level else r)
        level = min(1.0, max(0.0, level))
        out[i] = level
    return np.repeat(out, n)[: len(voice)]


def music_bed(path: Path, duration: float, volume_db: float, duck_db: float, voice: np.ndarray,
              fade: float = 1.0) -> np.ndarray:
    """Music looped or trimmed to `duration`, faded in/out, at `volume_db`, ducked by `duck_db` under the voice."""
    src = decode(path, channels=2, where="music.file")
    n = int(round(duration * RATE))
    reps = -(-n // max(1, len(src)))
    bed = np.tile(src, (reps, 1))[:n].copy()
    ramp = np.ones(n, np.float32)
    k = min(n // 2, int(fade * RATE))
    if k:
        ramp[:k] = np.linspace(0, 1, k, dtype=np.float32)
        ramp[n - k:] = np.linspace(1, 0, k, dtype=np.float32)
    duck = 1 + (db(duck_db) - 1) * envelope(voice[:n] if len(voice) >= n else np.pad(voice, (0, n - len(voice))), RATE)
    return bed * (ramp * duck * db(volume_db))[:, None]


def mix(duration: float, lines: Sequence[tuple[float, np.ndarray]], music: Optional[tuple] = None) -> np.ndarray:
    """Voice lines placed at their start times (seconds), plus an optional ducked music bed → stereo."""
    n = int(round(duration * RATE))
    voice = np.zeros(n, np.float32)
    for start, samples in lines:
        i = int(round(start * RATE))
        seg = samples[: max(0, n - i)]
        voice[i:i + len(seg)] += seg
    out = np.repeat(voice[:, None], 2, axis=1)
    if music is not None:
        path, volume_db, duck_db = music
        out += music_bed(path, duration, volume_db, duck_db, voice)
    return out


def loudnorm(src: Path, dst: Path, target: float, true_peak: float) -> dict:
    """Two-pass EBU R128 normalisation to `target` LUFS; returns the second pass's report."""
    base = f"loudnorm=I={target}:TP={true_peak}:LRA=11"
    first = _loudnorm_pass(src, f"{base}:print_format=json", None)
    if first.get("input_i") in (None, "-inf") or float(first["input_i"]) < -70:
        raise ValueError("silent")
    second_filter = (f"{base}:measured_I={first['input_i']}:measured_TP={first['input_tp']}"
                     f":measured_LRA={first['input_lra']}:measured_thresh={first['input_thresh']}"
                     f":offset={first['target_offset']}:linear=true:print_format=json")
    return _loudnorm_pass(src, second_filter, dst)


def _loudnorm_pass(src: Path, filt: str, dst: Optional[Path]) -> dict:
    out = ["-f", "null", "-"] if dst is None else ["-ar", str(RATE), "-c:a", "pcm_s16le", "-y", str(dst)]
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(src), "-af", filt, *out],
                          capture_output=True, text=True)
    m = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", proc.stderr)
    if proc.returncode != 0 or not m:
        raise RenderError(f"{display(src)}:1:1: loudness normalisation failed: {proc.stderr.strip()[-200:]}")
    return json.loads(m.group(0))


def measure(path: Path) -> dict:
    """Integrated loudness (LUFS), true peak (dBTP) and sample peak of a media file (ffmpeg ebur128)."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-vn",
                           "-af", "ebur128=peak=true+sample", "-f", "null", "-"], capture_output=True, text=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    def grab(label):
        m = re.search(label + r":\s+(-?[\d.]+|-inf)", summary)
        return float(m.group(1)) if m and m.group(1) != "-inf" else float("-inf")
    return {"integrated": grab(r"I"), "true_peak": grab(r"True peak:\s+Peak"), "sample_peak": grab(r"Sample peak:\s+Peak"),
            "lra": grab(r"LRA")}
