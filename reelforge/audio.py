"""Audio in numpy and through ffmpeg: decode, place the voice lines, duck the music, normalise loudness.

All mixing happens at 48 kHz in float32. The final mix is measured by ffmpeg's ebur128, brought to
the platform's loudness by a linear gain and held under its true-peak target by an oversampled
limiter, checked on a trial AAC encoding (see `loudnorm`).
"""
from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path
from typing import BinaryIO, Optional, Sequence

import numpy as np

from .errors import RenderError, display
from .ffmpeg import ffmpeg_exe
from .media import input_args

RATE = 48000


def decode(path: Path | str, channels: int = 1, rate: int = RATE, where: str = "") -> np.ndarray:
    """Any audio or video file → float32 samples (frames × channels, or 1-D for mono)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *input_args(path, where), "-vn",
           "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(rate), "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0 or not proc.stdout:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"{display(path)}:1:1: {where + ': ' if where else ''}cannot read the audio "
                          f"({why[-1][:160] if why else 'no audio stream'}); re-export it as WAV or MP3")
    data = np.frombuffer(proc.stdout, dtype=np.float32)
    return data if channels == 1 else data.reshape(-1, channels)


def write_wav(path: Path | BinaryIO, samples: np.ndarray, rate: int) -> None:
    """float32 in [-1, 1] (mono or frames × channels) → 16-bit PCM WAV, to a file or a binary stream."""
    data = np.clip(samples, -1, 1)
    channels = 1 if data.ndim == 1 else data.shape[1]
    with wave.open(path if hasattr(path, "write") else str(path), "wb") as w:
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


TRIAL_CODEC = ("-c:a", "aac", "-b:a", "160k", "-ar", str(RATE), "-ac", "2")   # the platforms' encoding
PEAK_MARGIN = 0.1       # dB the encoded true peak stays under the target, so a rounded reading never exceeds it


def loudnorm(src: Path, dst: Path, target: float, true_peak: float, codec=TRIAL_CODEC) -> dict:
    """Normalise `src` into `dst` to `target` LUFS with the true peak of the *encoded* audio at most
    `true_peak` dBTP, and return what was measured on that encoding (`integrated`, `true_peak`, ...).

    ebur128 measures; a linear gain sets the loudness; a limiter at 4× the sample rate (so it sees
    inter-sample peaks) holds the peaks under a ceiling. AAC encoding adds overshoot, so the result is
    encoded with `codec` and measured by ebur128: while its true peak is above the target, the ceiling
    is lowered by the excess (and the gain corrected if the limiter cost loudness), at most 4 times."""
    loudness = measure(src)["integrated"]
    if loudness < -70:
        raise ValueError("silent")
    gain, ceiling = target - loudness, true_peak - 0.3
    for _ in range(4):
        _limit(src, dst, gain, ceiling)
        got = _encoded(dst, codec)
        excess = got["true_peak"] - (true_peak - PEAK_MARGIN)
        if excess <= 0 and abs(got["integrated"] - target) <= 0.3:
            break
        ceiling -= max(excess, 0) + (0.1 if excess > 0 else 0)
        gain += target - got["integrated"] if abs(got["integrated"] - target) > 0.3 else 0
    return got


def _limit(src: Path, dst: Path, gain: float, ceiling: float) -> None:
    limit = min(1.0, max(0.0625, db(ceiling)))
    filt = (f"volume={gain:.3f}dB,aresample={4 * RATE},"
            f"alimiter=limit={limit:.5f}:attack=1:release=60:level=false:latency=true,aresample={RATE}")
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *input_args(src),
                           "-af", filt, "-ar", str(RATE), "-c:a", "pcm_s16le", "-y", str(dst)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"{display(src)}:1:1: loudness normalisation failed: {proc.stderr.strip()[-200:]}")


def _encoded(path: Path, codec) -> dict:
    """ebur128's figures for `path` once encoded with `codec` (what the viewer hears). The trial encode
    is piped into the measuring ffmpeg: no file is written, so nothing can be left behind."""
    encoder = subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *input_args(path),
                                *codec, "-f", "adts", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        return measure(path, inputs=["-f", "aac", "-i", "pipe:0"], stdin=encoder.stdout)
    finally:
        encoder.stdout.close()
        encoder.kill()
        encoder.wait()


SUMMARY = re.compile(r"\[Parsed_ebur128_\d+ @ 0x[0-9a-f]+\] Summary:\s+Integrated loudness:\s+I:\s+(?P<I>-?[\d.]+|-inf) LUFS\s+Threshold:[^\n]*\s+"
                     r"Loudness range:\s+LRA:\s+(?P<LRA>-?[\d.]+|-inf) LU\s+(?:[^\n]*\n)*?\s*"
                     r"Sample peak:\s+Peak:\s+(?P<SP>-?[\d.]+|-inf) dBFS\s+"
                     r"True peak:\s+Peak:\s+(?P<TP>-?[\d.]+|-inf) dBFS\n")


def measure(path: Path, inputs=None, stdin=None) -> dict:
    """Integrated loudness (LUFS), true peak (dBTP) and sample peak of a media file (ffmpeg ebur128).

    Only the filter's final summary is read, as a whole block, and the last one: it is printed when the
    filter closes, after anything taken from the file (whose metadata may imitate it)."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", *(inputs or input_args(path)), "-vn",
                           "-af", "ebur128=peak=true+sample:framelog=verbose", "-f", "null", "-"],
                          stdin=stdin if stdin is not None else subprocess.DEVNULL, capture_output=True, text=True)
    m = ([None] + list(SUMMARY.finditer(proc.stderr)))[-1] if proc.returncode == 0 else None
    if m is None:
        raise RenderError(f"{display(path)}:1:1: cannot measure the loudness: "
                          f"{(proc.stderr.strip().splitlines() or ['no summary from ffmpeg'])[-1][:160]}")
    value = lambda k: float(m[k])      # noqa: E731  ("-inf" parses as float too)
    return {"integrated": value("I"), "true_peak": value("TP"), "sample_peak": value("SP"), "lra": value("LRA")}
