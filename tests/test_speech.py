"""Voiceover: offline engine for real, gTTS mocked at the HTTP boundary, recordings, cache, mixing, loudness."""
from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import numpy as np
import pytest
import requests

from reelforge import audio
from reelforge.errors import ReelforgeError
from reelforge.ffmpeg import ffmpeg_exe
from reelforge.load import load_script
from reelforge.speech import SpeechCache, voice_lines, voice_problems
from reelforge.spoken import sentences
from reelforge.tts import estimate_words

from .conftest import VALID, run


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REELFORGE_CACHE", str(tmp_path / "cache"))


def tone(path: Path, seconds: float, freq: int = 440, codec=()) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency={freq}:duration={seconds}", *codec, str(path)], check=True)
    return path


def test_spoken_text_is_kept_apart_from_the_shown_text():
    fr = sentences("Inscrivez-vous avant le 30/06/2025. Ouvert à 14h30 !", "fr")
    assert [s.shown for s in fr] == ["Inscrivez-vous avant le 30/06/2025.", "Ouvert à 14h30 !"]
    assert fr[0].spoken == "Inscrivez-vous avant le 30 juin 2025."
    assert fr[1].spoken == "Ouvert à 14 heures 30 !"
    ar = sentences("سجّل قبل 30/06/2025. تخفيض 50% في النقل", "ar")
    assert ar[0].spoken == "سجّل قبل 30 يونيو 2025."
    assert ar[1].spoken == "تخفيض 50 بالمائة في النقل"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_offline_voice_times_every_shown_word(project, lang):
    script = load_script(project / "ok.yaml")
    cache = SpeechCache()
    lines = voice_lines(script, lang, cache)
    assert set(lines) == {"hook", "points"}
    hook = lines["hook"]
    shown = script.scenes[0].say[lang].split()
    assert [w.text for w in hook.words] == shown              # the date stays one shown word
    starts = [w.start for w in hook.words]
    assert starts == sorted(starts) and hook.words[-1].end <= hook.duration + 1e-6
    assert hook.timed == "engine"
    samples = audio.decode(hook.audio)
    assert np.sqrt((samples ** 2).mean()) > 0.02               # audible
    assert abs(len(samples) / 48000 - hook.duration) < 0.01


def test_cache_makes_the_second_render_synthesis_free(project):
    script = load_script(project / "ok.yaml")
    first = SpeechCache()
    voice_lines(script, "fr", first)
    assert first.synth_calls >= 2
    second = SpeechCache()
    again = voice_lines(script, "fr", second)
    assert second.synth_calls == 0
    assert again["hook"].duration > 0
    fresh = SpeechCache(enabled=False)
    voice_lines(script, "fr", fresh)
    assert fresh.synth_calls == first.synth_calls
    assert not list(first.root.rglob("*.partial*"))


# -- gTTS, mocked at the HTTP boundary ----------------------------------------------------

def gtts_response(mp3: bytes, status: int = 200) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    b64 = base64.b64encode(mp3).decode()
    r._content = (')]}\'\n\n[["wrb.fr","jQ1olc","[\\"' + b64 + '\\"]",null,null,null,"generic"]]').encode() \
        if status == 200 else b"error"
    r._content_consumed = True
    r.request = requests.Request("POST", "https://translate.example/batchexecute").prepare()
    return r


@pytest.fixture
def gtts_project(project):
    text = VALID.replace("voice: {ar: ar-offline, fr: fr-offline}", "voice: {ar: ar-gtts, fr: fr-gtts}")
    (project / "g.yaml").write_text(text, encoding="utf-8")
    return project


def test_gtts_success_retry_and_offline_message(gtts_project, tmp_path, monkeypatch):
    mp3 = tone(tmp_path / "t.mp3", 1.2, codec=("-c:a", "libmp3lame")).read_bytes()
    calls = []
    answers = iter([429, 503] + [200] * 50)

    def send(self, request, **kw):
        calls.append(kw.get("timeout"))
        return gtts_response(mp3, next(answers))
    monkeypatch.setattr(requests.Session, "send", send)
    monkeypatch.setattr("reelforge.tts.gtts_engine.time.sleep", lambda s: None)
    script = load_script(gtts_project / "g.yaml")
    lines = voice_lines(script, "fr", SpeechCache())
    assert calls[:3] and all(t is not None for t in calls)     # every request has a timeout
    assert len(calls) >= 4                                      # two failures retried
    assert lines["hook"].timed == "estimate"
    assert lines["hook"].duration > 1.0

    def offline(self, request, **kw):
        raise requests.exceptions.ConnectionError("no route to host")
    monkeypatch.setattr(requests.Session, "send", offline)
    result = run("render", "g.yaml", "-l", "ar", "-p", "reels", "--draft", "--no-cache", "-o", "out", cwd=gtts_project)
    assert result.exit_code == 1
    assert "scenes[0] (hook).say.ar: gTTS cannot reach the network" in result.output
    assert "use the offline voice (ar-offline)" in result.output
    assert not (gtts_project / "out").exists() or not list((gtts_project / "out").rglob("*.mp4"))


def test_gtts_gives_up_after_retries(gtts_project, tmp_path, monkeypatch):
    monkeypatch.setattr(requests.Session, "send", lambda self, request, **kw: gtts_response(b"", 500))
    monkeypatch.setattr("reelforge.tts.gtts_engine.time.sleep", lambda s: None)
    script = load_script(gtts_project / "g.yaml")
    with pytest.raises(ReelforgeError, match=r"gTTS answered HTTP 500 after 4 tries"):
        voice_lines(script, "fr", SpeechCache())


# -- recorded voices ----------------------------------------------------------------------

def recorded_project(project: Path, tmp_path: Path, scenes=("hook", "points")) -> Path:
    rec = project / "recordings"
    rec.mkdir()
    for sid in scenes:
        tone(rec / f"{sid}.fr.wav", 2.0, 220)
    (project / "voices" / "fr-studio.yaml").write_text(
        "reelforge-voice: 1\nengine: recorded\nlanguage: fr\noptions: {folder: ../recordings}\n")
    text = VALID.replace("fr: fr-offline}", "fr: fr-studio}")
    (project / "r.yaml").write_text(text, encoding="utf-8")
    return project / "r.yaml"


def test_recorded_voice_uses_the_files(project, tmp_path):
    script = load_script(recorded_project(project, tmp_path))
    lines = voice_lines(script, "fr", SpeechCache())
    assert abs(lines["hook"].duration - 2.0) < 0.05
    assert lines["hook"].timed == "estimate"


def test_missing_recordings_are_all_listed(project, tmp_path):
    path = recorded_project(project, tmp_path, scenes=())
    msgs = [str(p) for p in voice_problems(load_script(path))]
    assert any("no recording for scene 'hook'" in m for m in msgs)
    assert any("no recording for scene 'points'" in m for m in msgs)
    assert all("r.yaml:" in m and ".say.fr: no recording" in m for m in msgs)     # located at each scene


def test_corrupt_recording_names_the_scene(project, tmp_path):
    path = recorded_project(project, tmp_path)
    (project / "recordings" / "points.fr.wav").write_bytes(b"RIFF....WAVEjunk")
    script = load_script(path)
    with pytest.raises(ReelforgeError, match=r"scenes\[1\] \(points\)\.say\.fr: cannot read the audio"):
        voice_lines(script, "fr", SpeechCache())


# -- mixing and loudness ------------------------------------------------------------------

def test_music_is_ducked_under_the_voice(tmp_path):
    music = tone(tmp_path / "m.wav", 3.0, 330)
    voice = np.zeros(int(6 * 48000), np.float32)
    voice[48000: 2 * 48000] = 0.3 * np.sin(np.arange(48000) * 2 * np.pi * 200 / 48000)   # speech 1–2 s
    out = audio.music_bed(music, 6.0, -20, -12, voice)
    rms = lambda a, b: float(np.sqrt((out[int(a * 48000):int(b * 48000)] ** 2).mean()))
    under, between = rms(1.4, 1.8), rms(3.5, 4.5)
    assert 20 * np.log10(between / under) > 8          # about 12 dB lower under the voice
    assert rms(0, 0.05) < rms(3.5, 4.5)                # faded in
    assert out.shape == (6 * 48000, 2)                 # looped to length


def test_render_meets_the_loudness_target(project, tmp_path):
    tone(project / "assets" / "music.wav", 4.0, 330)
    text = VALID.replace("vars:", "music: {file: assets/music.wav, volume_db: -18, duck_db: -10}\nvars:")
    (project / "m.yaml").write_text(text, encoding="utf-8")
    result = run("render", "m.yaml", "-l", "fr", "-p", "reels", "--draft", "-o", "out", cwd=project)
    assert result.exit_code == 0, result.output
    m = audio.measure(project / "out" / "test-reel" / "fr" / "reels.mp4")
    assert abs(m["integrated"] - (-14)) <= 1.0, m
    assert m["true_peak"] <= -1.5, m                   # the platform's target, measured on the encoded AAC


def test_explicit_duration_shorter_than_speech_is_an_error(project):
    text = VALID.replace("    transition: slide\n", "    transition: slide\n    duration: 1\n")
    (project / "d.yaml").write_text(text, encoding="utf-8")
    result = run("render", "d.yaml", "-l", "fr", "-p", "reels", "--draft", "-o", "out", cwd=project)
    assert result.exit_code == 2
    assert "scenes[0].duration: 1 s is shorter than its fr voiceover" in result.output


def test_say_in_a_script_the_voice_cannot_speak(project):
    text = VALID.replace('fr: "Inscrivez-vous au Pass Jeunes avant le {deadline}."', 'fr: "سجل الآن"')
    (project / "x.yaml").write_text(text, encoding="utf-8")
    result = run("validate", "x.yaml", cwd=project)
    assert result.exit_code == 2
    assert "scenes[0].say.fr: the voice 'fr-offline' speaks fr, but this text is in Arabic script" in result.output


def test_estimated_times_snap_sentences_to_pauses():
    rate = 16000
    tone = lambda s: (0.3 * np.sin(np.arange(int(s * rate)) * 2 * np.pi * 180 / rate)).astype(np.float32)
    silence = lambda s: np.zeros(int(s * rate), np.float32)
    # a short first sentence, a pause at 1.0–1.6 s, a long second one
    audio = np.concatenate([tone(1.0), silence(0.6), tone(3.0)])
    words = estimate_words("Bonjour à tous. Inscrivez-vous vite au programme national jeunesse.", audio, rate)
    second = [w for w in words if w[0] == "Inscrivez-vous"][0]
    assert abs(second[1] - 1.6) < 0.05          # starts where speech resumes, not by character share
    assert words[2][2] <= 1.05                  # "tous." ends before the pause
