"""The offline speech engine: real espeak-ng synthesis from the espeakng-loader wheel, no mocks."""
from __future__ import annotations

import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from reelforge.tts import espeak
from reelforge.tts.espeak import EspeakError, Speech, synthesize

AR = "سجّل في جواز الشباب قبل نهاية الشهر"
FR = "Inscrivez-vous au Pass Jeunes avant le 30 juin."
SENTENCES = {"ar": AR, "fr": FR}


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def part(speech: Speech, start: float, end: float) -> np.ndarray:
    sr = speech.sample_rate
    return speech.samples[int(round(start * sr)):int(round(end * sr))]


def check_timings(speech: Speech, text: str) -> None:
    words = speech.words
    assert [w.text for w in words] == text.split()
    assert all(text[w.span[0]:w.span[1]] == w.text for w in words)
    for w in words:
        assert 0.0 <= w.start <= w.end <= speech.duration + 1e-9, w
    for a, b in zip(words, words[1:]):
        assert a.start <= b.start and a.end <= b.start + 1e-9, (a, b)


@pytest.fixture(scope="module")
def speech() -> dict[str, Speech]:
    return {lang: synthesize(text, voice=lang) for lang, text in SENTENCES.items()}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_sentence_is_audible_with_one_timed_word_per_word(speech, lang):
    s, text = speech[lang], SENTENCES[lang]
    assert s.timed == "engine"
    assert s.samples.dtype == np.float32 and s.samples.ndim == 1
    assert s.sample_rate == espeak.sample_rate() >= 16000
    assert 0.5 <= s.duration <= 10.0
    assert np.abs(s.samples).max() <= 1.0
    assert rms(s.samples) > 0.03
    check_timings(s, text)
    assert len(s.words) == len(text.split())
    assert s.words[0].start == 0.0
    assert s.words[-1].end > 0.8 * s.duration
    for w in s.words:   # every word has a length, and what it covers is speech
        assert w.end - w.start > 0.05, w
        assert rms(part(s, w.start, w.end)) > 0.02, w


def test_word_times_follow_the_audio_across_a_pause():
    s = synthesize("Bonjour. Merci beaucoup.", voice="fr")
    check_timings(s, "Bonjour. Merci beaucoup.")
    hello, thanks = s.words[0], s.words[1]
    assert thanks.start - hello.end > 0.15           # the sentence pause is not inside either word
    assert rms(part(s, hello.end, thanks.start)) < 0.005
    assert rms(part(s, thanks.start, thanks.end)) > 0.02


def test_positions_map_back_through_multibyte_text():
    # Arabic letters (2 bytes), shadda, RLM (3 bytes), Latin words and digits read by the Arabic voice
    text = "\u200fسجّل في Pass Jeunes قبل 30/06/2025. التسجيل مجاني"
    s = synthesize(text, voice="ar")
    check_timings(s, text)
    assert all(w.end > w.start for w in s.words)
    date = s.words[5]
    assert date.text == "30/06/2025." and date.end - date.start > 1.0    # read as several words, one token


def test_tokens_espeak_merges_or_does_not_voice():
    text = "« parce que » l'école — 12,5 % 🙂 ok"
    s = synthesize(text, voice="fr")
    check_timings(s, text)
    by_text = {w.text: w for w in s.words}
    for silent in ("«", "»", "—"):
        assert by_text[silent].start == by_text[silent].end
    for spoken in ("parce", "que", "l'école", "12,5", "%", "🙂", "ok"):
        assert by_text[spoken].end > by_text[spoken].start, spoken


def test_faster_rate_is_shorter():
    slow = synthesize(FR, voice="fr", rate=120)
    fast = synthesize(FR, voice="fr", rate=250)
    assert fast.duration < 0.75 * slow.duration
    check_timings(slow, FR)
    check_timings(fast, FR)
    assert fast.words[-1].start < slow.words[-1].start


def test_pitch_changes_the_sound_not_the_words():
    low = synthesize(FR, voice="fr", pitch=20)
    high = synthesize(FR, voice="fr", pitch=80)
    assert not np.array_equal(low.samples[:2000], high.samples[:2000])
    assert [w.text for w in low.words] == [w.text for w in high.words]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_same_input_same_audio(speech, lang):
    first = synthesize(SENTENCES[lang], voice=lang)
    second = synthesize(SENTENCES[lang], voice=lang)
    assert np.array_equal(first.samples, second.samples)
    assert first.words == second.words
    assert np.array_equal(first.samples, speech[lang].samples)   # also after other calls in between


def test_threads_are_serialised_and_deterministic(speech):
    results: dict[int, Speech] = {}

    def work(i: int) -> None:
        lang = "ar" if i % 2 else "fr"
        results[i] = synthesize(SENTENCES[lang], voice=lang)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, s in results.items():
        assert np.array_equal(s.samples, speech["ar" if i % 2 else "fr"].samples)


def test_voice_names_users_write():
    names = espeak.voices()
    assert {"ar", "fr", "fr-fr", "en"} <= set(names)
    reference = synthesize("Bonjour", voice="fr").samples
    for alias in ("fr-fr", "FR", "roa/fr", "French (France)"):
        assert np.array_equal(synthesize("Bonjour", voice=alias).samples, reference), alias
    female = synthesize("Bonjour", voice="fr+f3")
    assert rms(female.samples) > 0.02 and not np.array_equal(female.samples, reference)


@pytest.mark.parametrize("voice, expected", [
    ("ar-ma", "unknown espeak-ng voice 'ar-ma'; close names: ar"),
    ("frnch", "unknown espeak-ng voice 'frnch'; close names: fr"),
    ("fr+nobody", "unknown espeak-ng voice variant 'nobody' in 'fr+nobody'"),
    ("", "espeak-ng voice must be a name such as 'ar' or 'fr', not ''"),
])
def test_unknown_voice(voice, expected):
    with pytest.raises(EspeakError) as info:
        synthesize("Bonjour", voice=voice)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert message.startswith(expected) and "\n" not in message


@pytest.mark.parametrize("options, expected", [
    ({"rate": 40}, "espeak-ng rate 40 is out of range 80..450"),
    ({"pitch": 101}, "espeak-ng pitch 101 is out of range 0..100"),
    ({"rate": "fast"}, "espeak-ng rate must be a whole number from 80 to 450, not 'fast'"),
])
def test_bad_options(options, expected):
    with pytest.raises(EspeakError, match=f"^{expected}$"):
        synthesize("Bonjour", voice="fr", **options)


def test_blank_text_is_empty_speech():
    s = synthesize("  \n ", voice="ar")
    assert len(s.samples) == 0 and s.words == () and s.sample_rate == espeak.sample_rate()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_wav_file_is_valid(speech, lang):
    s = speech[lang]
    path = s.write_wav(Path(f"/tmp/espeak_{lang}.wav"))
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, s.sample_rate)
        assert w.getnframes() == len(s.samples)
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert np.array_equal(pcm.astype(np.float32) / 32768.0, s.samples)   # lossless: the engine's own 16 bits
    assert abs(w.getnframes() / s.sample_rate - s.duration) < 1e-9


def test_available_reports_library_and_version():
    ok, detail = espeak.available()
    assert ok, detail
    version = espeak.version()
    assert version[0].isdigit() and "." in version
    assert f"espeak-ng {version}" in detail and "libespeak-ng" in detail
