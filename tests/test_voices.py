"""Professional voices: edge (Microsoft neural, mocked at edge-tts's streaming call, never the
network) and piper (offline neural, run for real on a tiny ONNX voice built here)."""
from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import unescape

import aiohttp
import edge_tts
import numpy as np
import pytest

from reelforge.errors import ReelforgeError
from reelforge.ffmpeg import ffmpeg_exe
from reelforge.load import load_script
from reelforge.platforms import registry as platforms
from reelforge.speech import SpeechCache, voice_lines
from reelforge.timeline import VOICE_LEAD, build
from reelforge.tts.edge_engine import words_from_boundaries

from .conftest import VALID, run


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REELFORGE_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def mp3(tmp_path_factory) -> bytes:
    """Real MP3 bytes, as the service sends them (24 kHz mono), made by the bundled ffmpeg."""
    path = tmp_path_factory.mktemp("mp3") / "voice.mp3"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=300:duration=4", "-ar", "24000", "-ac", "1", "-c:a", "libmp3lame",
                    "-b:a", "48k", str(path)], check=True)
    return path.read_bytes()


TICK = 10_000_000


def boundaries(text: str) -> list[dict]:
    """The WordBoundary events the mock sends: word k at 0.1 + 0.4 k s, lasting 0.3 s."""
    return [{"type": "WordBoundary", "offset": int((0.1 + 0.4 * k) * TICK), "duration": int(0.3 * TICK),
             "text": w.strip(".,!?؟،")} for k, w in enumerate(text.split())]


class Service:
    """Stands in for Microsoft's service behind `edge_tts.Communicate.stream`: records each request
    and answers with real MP3 audio and word boundaries, or fails as told."""

    def __init__(self, mp3: bytes, failures=()):
        self.mp3, self.failures, self.requests = mp3, list(failures), []

    def install(self, monkeypatch):
        service = self

        async def stream(com):
            text = unescape(b"".join(com.texts).decode("utf-8"))
            service.requests.append({"text": text, "voice": com.tts_config.voice, "rate": com.tts_config.rate,
                                     "pitch": com.tts_config.pitch, "volume": com.tts_config.volume,
                                     "boundary": com.tts_config.boundary,
                                     "timeouts": (com.session_timeout.sock_connect, com.session_timeout.sock_read)})
            if service.failures:
                raise service.failures.pop(0)
            yield {"type": "audio", "data": service.mp3[: len(service.mp3) // 2]}
            for event in boundaries(text):
                yield event
            yield {"type": "audio", "data": service.mp3[len(service.mp3) // 2:]}
        monkeypatch.setattr(edge_tts.Communicate, "stream", stream)
        monkeypatch.setattr("reelforge.tts.edge_engine.time.sleep", lambda s: None)
        return self


def http(status: int) -> aiohttp.ClientResponseError:
    return aiohttp.WSServerHandshakeError(None, (), status=status, message="refused")


EDGE_SCRIPT = VALID.replace("voice: {ar: ar-offline, fr: fr-offline}", "voice: {ar: ar-ma-edge, fr: fr-edge}") \
    .replace('say: {ar: "سجّل في Pass Jeunes قبل {deadline}.", fr: "Inscrivez-vous au Pass Jeunes avant le {deadline}."}',
             'say: {ar: "مرحبا بكم في جواز الشباب", fr: "Bienvenue au Pass Jeunes, inscrivez-vous vite"}') \
    .replace('say: {ar: "تخفيضات في النقل والثقافة والرياضة.", fr: "Des réductions sur le transport, la culture et le sport."}',
             'say: {ar: "تخفيضات في النقل. والثقافة والرياضة.", fr: "Des réductions. Et du sport."}')


@pytest.fixture
def edge_project(project):
    (project / "e.yaml").write_text(EDGE_SCRIPT, encoding="utf-8")
    return project


def test_word_boundaries_become_one_time_per_word():
    events = [("Bonjour", 0.1, 0.5), ("l", 0.6, 0.65), ("ami", 0.65, 0.9), ("30", 1.0, 1.2), ("juin", 1.2, 1.5)]
    words = words_from_boundaries("Bonjour, l'ami — 30 juin.", events, 2.0)
    assert words == (("Bonjour,", 0.1, 0.5), ("l'ami", 0.6, 0.9), ("—", 0.9, 0.9), ("30", 1.0, 1.2),
                     ("juin.", 1.2, 1.5))
    # one boundary for two written words: shared by letters; an unknown boundary is skipped
    words = words_from_boundaries("Pass Jeunes ici", [("PassJeunes", 0.0, 1.0), ("zzz", 1.0, 1.1),
                                                      ("ici", 1.2, 1.4)], 2.0)
    assert words[0] == ("Pass", 0.0, pytest.approx(0.4)) and words[1] == ("Jeunes", pytest.approx(0.4), 1.0)
    assert words[2] == ("ici", 1.2, 1.4)
    # harakat and case do not stop a match; times are clamped to the audio
    assert words_from_boundaries("سجّل الآن", [("سجل", 0.1, 0.4), ("الان", 0.5, 9.0)], 1.0) == \
        (("سجّل", 0.1, 0.4), ("الآن", 0.5, 1.0))


def test_edge_lines_have_the_service_word_times(edge_project, mp3, monkeypatch):
    service = Service(mp3).install(monkeypatch)
    script = load_script(edge_project / "e.yaml")
    lines = voice_lines(script, "fr", SpeechCache())
    hook = lines["hook"]
    assert hook.timed == "engine"
    assert [(w.text, round(w.start, 6), round(w.end, 6)) for w in hook.words] == [
        (w, round(0.1 + 0.4 * k, 6), round(0.4 + 0.4 * k, 6))
        for k, w in enumerate("Bienvenue au Pass Jeunes, inscrivez-vous vite".split())]
    assert abs(hook.duration - 4.0) < 0.1                       # the decoded MP3
    first = service.requests[0]
    assert first["voice"].endswith("(fr-FR, DeniseNeural)") and first["boundary"] == "WordBoundary"
    assert (first["rate"], first["pitch"], first["volume"]) == ("+0%", "+0Hz", "+0%")
    assert first["timeouts"] == (20, 20)                        # every request has timeouts
    # two sentences, each a request, joined by the profile's pause
    points = lines["points"]
    assert [r["text"] for r in service.requests[1:]] == ["Des réductions.", "Et du sport."]
    second = points.sentences[1][1]
    assert second == pytest.approx(points.sentences[0][2] + 0.35, abs=1e-3)
    assert points.words[2].start == pytest.approx(second + 0.1, abs=1e-3)


def test_edge_retries_429_and_5xx_then_speaks(edge_project, mp3, monkeypatch):
    service = Service(mp3, [http(429), http(503), aiohttp.ClientConnectionError("reset")]).install(monkeypatch)
    waits = []
    monkeypatch.setattr("reelforge.tts.edge_engine.time.sleep", waits.append)
    script = load_script(edge_project / "e.yaml")
    lines = voice_lines(script, "fr", SpeechCache())
    assert lines["hook"].timed == "engine"
    assert len(service.requests) == 4 + 2                       # 3 failures, then hook, then 2 sentences
    assert waits == [1.0, 3.0, 8.0]


@pytest.mark.parametrize("failure, message", [
    (http(403), "edge (Microsoft speech) answered HTTP 403 (refused) after 1 try; use the offline voice (ar-offline)"),
    (http(429), "edge (Microsoft speech) answered HTTP 429 (too many requests) after 4 tries; use the offline voice (ar-offline)"),
    (aiohttp.ClientConnectionError("no route to host"),
     "edge cannot reach Microsoft's speech service (no route to host) after 4 tries; use the offline voice (ar-offline)"),
    (TimeoutError(), "edge cannot reach Microsoft's speech service (TimeoutError) after 4 tries"),
])
def test_edge_failure_is_one_line_naming_scene_and_offline_profile(edge_project, mp3, monkeypatch, failure, message):
    Service(mp3, [failure] * 10).install(monkeypatch)
    result = run("render", "e.yaml", "-l", "ar", "-p", "reels", "--draft", "--no-cache", "-o", "out", cwd=edge_project)
    assert result.exit_code == 1
    assert "scenes[0] (hook).say.ar: " + message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 2
    assert not (edge_project / "out").exists() or not list((edge_project / "out").rglob("*.mp4"))


@pytest.mark.parametrize("options, where, what", [
    ("{voice: Jamal}", "options.voice", "invalid value 'Jamal': expected a neural voice name"),
    ('{rate: "10%"}', "options.rate", "invalid value '10%': expected a signed percentage"),
    ('{pitch: "+5%"}', "options.pitch", "invalid value '+5%': expected signed hertz"),
    ('{volume: loud}', "options.volume", "invalid value 'loud'"),
    ("{timeout: 0}", "options.timeout", "out of range"),
    ("{speed: 2}", "options", "speed"),
])
def test_edge_options_are_checked_with_positions(project, options, where, what):
    (project / "voices" / "bad.yaml").write_text(
        f"reelforge-voice: 1\nengine: edge\nlanguage: ar\noptions: {options}\n", encoding="utf-8")
    (project / "b.yaml").write_text(VALID.replace("ar: ar-offline", "ar: bad"), encoding="utf-8")
    with pytest.raises(ReelforgeError) as err:
        load_script(project / "b.yaml")
    text = str(err.value)
    assert "bad.yaml:4:" in text and where in text and what in text, text


def test_ar_ma_edge_render_gets_word_exact_karaoke(edge_project, mp3, monkeypatch):
    Service(mp3).install(monkeypatch)
    script = load_script(edge_project / "e.yaml")
    assert script.voices["ar"].name == "ar-ma-edge" and script.voices["ar"].options["voice"] == "ar-MA-JamalNeural"
    lines = voice_lines(script, "ar", SpeechCache())
    tl = build(script, "ar", platforms()["reels"].scaled(0.25), lines)
    scene = tl.scenes[0]
    said = "مرحبا بكم في جواز الشباب".split()
    caps = [i for i in scene.items if i.kind == "caption" and i.name == "captions" and i.highlight is not None]
    assert caps
    # every highlight after an event's first word starts exactly when the service said the word
    starts = {round(0.1 + 0.4 * k + VOICE_LEAD, 6) for k in range(len(said))}
    inner = [i for k, i in enumerate(caps) if k and caps[k - 1].text == i.text]
    assert inner and all(round(i.start, 6) in starts for i in inner), [(i.text, i.start) for i in caps]
    assert [w.text for w in lines["hook"].words] == said
    from reelforge.pipeline import render_one
    out = render_one(tl, edge_project / "out", draft=True)
    assert out.timing == {"hook": "engine", "points": "engine"}


# -- piper: a tiny ONNX voice with piper's signature, run by the real piper-tts and onnxruntime ----------

onnx = pytest.importorskip("onnx")
pytest.importorskip("piper")


def tiny_voice(folder: Path, name: str = "tiny", rate: int = 16000, speakers: int = 1, aligned: bool = True) -> Path:
    """A piper voice model with the real signature (inputs `input` [1, N] int64, `input_lengths` [1],
    `scales` [3] float32, `sid` [1] when multi-speaker; output `output` [1, 1, 1, samples]): a 220 Hz
    sine of 4 × 256 samples (× length_scale) per phoneme id. Its per-phoneme widths go through a Ceil
    node, as in a VITS voice, which piper-tts exposes as alignments (`aligned=False`: an Identity)."""
    from onnx import TensorProto as T
    from onnx import helper
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP
    inputs = [helper.make_tensor_value_info("input", T.INT64, [1, "N"]),
              helper.make_tensor_value_info("input_lengths", T.INT64, [1]),
              helper.make_tensor_value_info("scales", T.FLOAT, [3])]
    if speakers > 1:
        inputs.append(helper.make_tensor_value_info("sid", T.INT64, [1]))

    def const(n, v, kind=T.FLOAT, dims=()):
        return helper.make_node("Constant", [], [n], value=helper.make_tensor(n, kind, list(dims), v if dims else [v]))
    nodes = [const("zero", 0.0), const("frames", 4.0), const("hop", 256.0), const("one", 1.0),
             const("omega", 2 * np.pi * 220 / rate), const("amp", 0.5), const("idx1", [1], T.INT64, [1]),
             const("shape", [1, 1, 1, -1], T.INT64, [4]),
             helper.make_node("Cast", ["input"], ["ids"], to=T.FLOAT),
             helper.make_node("Mul", ["ids", "zero"], ["z"]),
             helper.make_node("Gather", ["scales", "idx1"], ["length_scale"], axis=0),
             helper.make_node("Mul", ["frames", "length_scale"], ["w0"]),
             helper.make_node("Add", ["z", "w0"], ["w"]),
             helper.make_node("Unsqueeze", ["w", "idx1"], ["w3"]),
             helper.make_node("Ceil" if aligned else "Identity", ["w3"], ["w_ceil"]),
             helper.make_node("ReduceSum", ["w_ceil"], ["frames_total"], keepdims=0),
             helper.make_node("Mul", ["frames_total", "hop"], ["total"]),
             helper.make_node("Range", ["zero", "total", "one"], ["t"]),
             helper.make_node("Mul", ["t", "omega"], ["phase"]),
             helper.make_node("Sin", ["phase"], ["s"]),
             helper.make_node("Mul", ["s", "amp"], ["wave"]),
             helper.make_node("Reshape", ["wave", "shape"], ["output"])]
    graph = helper.make_graph(nodes, "tiny-piper", inputs,
                              [helper.make_tensor_value_info("output", T.FLOAT, [1, 1, 1, "S"])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.onnx"
    onnx.save(model, path)
    ids = DEFAULT_PHONEME_ID_MAP
    Path(f"{path}.json").write_text(json.dumps({
        "audio": {"sample_rate": rate}, "espeak": {"voice": "fr"}, "phoneme_type": "espeak",
        "num_symbols": max(i for v in ids.values() for i in v) + 1, "num_speakers": speakers,
        "speaker_id_map": {f"s{k}": k for k in range(speakers)} if speakers > 1 else {},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_id_map": ids}), encoding="utf-8")
    return path


def piper_project(project: Path, options: str) -> Path:
    (project / "voices" / "fr-piper.yaml").write_text(
        f"reelforge-voice: 1\nengine: piper\nlanguage: fr\noptions: {options}\n", encoding="utf-8")
    (project / "p.yaml").write_text(VALID.replace("fr: fr-offline}", "fr: fr-piper}"), encoding="utf-8")
    return project / "p.yaml"


def test_piper_speaks_with_a_model_in_voices_models(project):
    tiny_voice(project / "voices" / "models")
    script = load_script(piper_project(project, "{model: tiny}"))
    assert script.voices["fr"].options["model"] == str((project / "voices" / "models" / "tiny.onnx").resolve())
    lines = voice_lines(script, "fr", SpeechCache())
    hook = lines["hook"]
    assert hook.timed == "engine"                                 # piper's phoneme alignments
    assert [w.text for w in hook.words] == script.scenes[0].say["fr"].split()   # "2025" read as 3 words: one
    assert hook.words[0].start == pytest.approx(2 * 1024 / 16000)   # after the BOS id and its pad
    ends = [w.end for w in hook.words]
    assert ends == sorted(ends) and ends[-1] <= hook.duration
    samples = decode_line(hook)
    assert np.sqrt((samples ** 2).mean()) > 0.1                   # the model's sine, normalised
    from reelforge.pipeline import render_one
    tl = build(script, "fr", platforms()["reels"].scaled(0.25), lines)
    out = render_one(tl, project / "out", draft=True)
    assert out.timing == {"hook": "engine", "points": "engine"}   # the manifest's timing source


def test_piper_model_replaced_in_place_is_not_served_from_the_cache(project, tmp_path):
    tiny_voice(project / "voices" / "models")
    script = load_script(piper_project(project, "{model: tiny}"))
    cache = SpeechCache(tmp_path / "cache")
    first = voice_lines(script, "fr", cache)["hook"]
    calls = cache.synth_calls
    assert voice_lines(script, "fr", cache)["hook"].audio == first.audio and cache.synth_calls == calls
    tiny_voice(project / "voices" / "models", rate=22050)         # same path, another voice
    again = voice_lines(load_script(project / "p.yaml"), "fr", cache)["hook"]
    assert cache.synth_calls > calls and again.audio != first.audio


def decode_line(line):
    from reelforge.audio import decode
    return decode(line.audio)


def test_piper_model_by_env_folder_path_and_speaker(project, tmp_path, monkeypatch):
    tiny_voice(tmp_path / "models", "duo", speakers=2)
    monkeypatch.setenv("REELFORGE_PIPER_MODELS", str(tmp_path / "models"))
    script = load_script(piper_project(project, "{model: duo, speaker: s1, length_scale: 0.5}"))
    hook = voice_lines(script, "fr", SpeechCache())["hook"]
    assert hook.words[0].start == pytest.approx(2 * 512 / 16000)   # length_scale reached the model
    tiny_voice(project / "elsewhere", "solo")
    script = load_script(piper_project(project, "{model: ../elsewhere/solo.onnx}"))   # relative to the profile
    assert voice_lines(script, "fr", SpeechCache())["hook"].timed == "engine"
    script = load_script(piper_project(project, "{model: duo, speaker: s9}"))
    with pytest.raises(ReelforgeError, match=r"scenes\[0\] \(hook\)\.say\.fr: piper model duo.onnx has no speaker 's9' "
                                             r"\(speakers 0-1: s0, s1\)"):
        voice_lines(script, "fr", SpeechCache())


def test_missing_piper_model_says_where_voices_come_from(project, monkeypatch):
    monkeypatch.delenv("REELFORGE_PIPER_MODELS", raising=False)
    with pytest.raises(ReelforgeError) as err:
        load_script(piper_project(project, "{model: fr_FR-siwis-medium}"))
    text = str(err.value)
    assert "fr-piper.yaml:4:18: options.model: piper voice model 'fr_FR-siwis-medium' not found in " in text
    assert "voices/models/" in text and "$REELFORGE_PIPER_MODELS is not set" in text
    assert "never downloads" in text and "https://huggingface.co/rhasspy/piper-voices" in text
    tiny_voice(project / "voices" / "models", "nojson")
    (project / "voices" / "models" / "nojson.onnx.json").unlink()
    with pytest.raises(ReelforgeError, match=r"has no voice config beside it \(nojson.onnx.json\)"):
        load_script(piper_project(project, "{model: nojson}"))


@pytest.mark.parametrize("options, what", [
    ("{model: tiny, length_scale: 9}", "options.length_scale: 9 is out of range"),
    ("{model: tiny, noise_scale: -1}", "options.noise_scale: -1 is out of range"),
    ("{length_scale: 1}", "options: missing required key 'model'"),
])
def test_piper_options_are_checked_with_positions(project, options, what):
    tiny_voice(project / "voices" / "models")
    with pytest.raises(ReelforgeError) as err:
        load_script(piper_project(project, options))
    assert "fr-piper.yaml:4:" in str(err.value) and what in str(err.value), str(err.value)


def test_piper_without_alignments_is_timed_by_whisper_or_estimated(project, monkeypatch):
    tiny_voice(project / "voices" / "models", "plain", aligned=False)
    script = load_script(piper_project(project, "{model: plain}"))
    assert voice_lines(script, "fr", SpeechCache())["hook"].timed == "estimate"
    calls = []

    def whisper_timed(line, text, lang, source):
        calls.append(source)
        return replace(line, timed="whisper")
    monkeypatch.setattr("reelforge.speech.whisper_timed", whisper_timed)
    script = load_script(piper_project(project, "{model: plain, whisper_model: small}"))
    assert voice_lines(script, "fr", SpeechCache())["hook"].timed == "whisper"
    assert calls and calls[0] == "small"                          # not the voice model's path


def test_voices_lists_needs_and_timing_and_says_with_new_engines(project, mp3, monkeypatch):
    tiny_voice(project / "voices" / "models")
    piper_project(project, "{model: tiny}")
    (project / "voices" / "ar-piper.yaml").write_text(
        "reelforge-voice: 1\nengine: piper\nlanguage: ar\noptions: {model: ar_JO-kareem-medium}\n", encoding="utf-8")
    out = run("voices", cwd=project).output
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert "online" in lines["edge"] and "word boundaries" in lines["edge"]
    assert "offline" in lines["piper"] and "voices/models/" in lines["piper"] and "phoneme alignments" in lines["piper"]
    assert "online; word times exact" in lines["ar-ma-edge"] and "online; word times estimated" in lines["ar-gtts"]
    assert "offline, model tiny.onnx present; word times exact" in lines["fr-piper"]
    assert "INVALID" in lines["ar-piper"] and "piper-voices" in lines["ar-piper"]
    service = Service(mp3).install(monkeypatch)
    said = run("voices", "say", "ar-ma-edge", "مرحبا بكم", "-o", "edge.wav", cwd=project)
    assert said.exit_code == 0, said.output
    assert "ar-ma-edge (edge, ar) said: مرحبا بكم" in said.output and service.requests
    said = run("voices", "say", "fr-piper", "Bonjour à tous.", "-o", "piper.wav", cwd=project)
    assert said.exit_code == 0, said.output
    import wave
    for name in ("edge.wav", "piper.wav"):
        with wave.open(str(project / name)) as w:
            assert w.getnframes() / w.getframerate() > 0.5


# -- a scene may switch voice profiles ---------------------------------------------------------------

def test_a_scene_switches_voice_profiles(project, mp3, monkeypatch):
    service = Service(mp3).install(monkeypatch)
    text = VALID.replace("    layout: bullets\n", "    layout: bullets\n    voice: fr-edge\n") \
                .replace("    layout: title\n", "    layout: title\n    voice: {ar: ar-offline}\n")
    (project / "s.yaml").write_text(text, encoding="utf-8")
    script = load_script(project / "s.yaml")
    assert script.scenes[1].voices["fr"].name == "fr-edge" and script.scenes[0].voices["ar"].name == "ar-offline"
    lines = voice_lines(script, "fr", SpeechCache())
    assert lines["hook"].timed == "engine" and not any("Inscrivez" in r["text"] for r in service.requests)  # espeak
    assert [r["text"] for r in service.requests] == ["Des réductions sur le transport, la culture et le sport."]
    assert lines["points"].words[0].start == pytest.approx(0.1)   # the mocked service's first boundary


def test_lint_and_preview_stay_offline_when_one_scene_speaks_online(project, mp3, monkeypatch):
    service = Service(mp3).install(monkeypatch)
    text = VALID.replace("    layout: bullets\n", "    layout: bullets\n    voice: {fr: fr-edge}\n")
    (project / "s.yaml").write_text(text, encoding="utf-8")
    assert run("lint", "s.yaml", cwd=project).exit_code in (0, 1)
    assert run("preview", "s.yaml", "-l", "fr", "--at", "1", "-o", "p.png", cwd=project).exit_code == 0
    assert service.requests == []                   # fr is estimated, not fetched; ar still speaks offline


@pytest.mark.parametrize("value, message", [
    ("nope", "scenes[1].voice: unknown voice 'nope'"),
    ("{de: fr-offline}", "13: scenes[1].voice.de: 'de' is not one of the script's languages (ar, fr)"),
    ("english", "scenes[1].voice: the voice 'english' speaks en, which is not one of the script's languages (ar, fr)"),
    ("[1]", "scenes[1].voice: expected a mapping"),
])
def test_a_scene_voice_is_checked_with_its_position(project, value, message):
    (project / "voices" / "english.yaml").write_text("reelforge-voice: 1\nengine: espeak\nlanguage: en\n", encoding="utf-8")
    text = VALID.replace("    layout: bullets\n", f"    layout: bullets\n    voice: {value}\n")
    (project / "s.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ReelforgeError) as err:
        load_script(project / "s.yaml")
    line = text.splitlines().index(f"    voice: {value}") + 1
    where = f"s.yaml:{line}:" + ("" if message.startswith("13:") else "12: ")
    assert where + message in str(err.value), str(err.value)
