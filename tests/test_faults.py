"""Faults and interruption: real signals to real `reelforge` processes, real environment faults, injected
errors at the publishing step and in the speech cache. Nothing hangs, nothing half-written is left,
nothing earlier is damaged, nothing is written outside OUT or left in TMPDIR."""
from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from reelforge import audio
from reelforge.check import check
from reelforge.encode import probe, write_atomic
from reelforge.ffmpeg import ffmpeg_exe
from reelforge.load import load_script
from reelforge.media import VideoSource
from reelforge.pipeline import render_one
from reelforge.platforms import registry
from reelforge.speech import SpeechCache, voice_lines
from reelforge.timeline import build
from reelforge.errors import ReelforgeError, RenderError

from .conftest import REPO

SCRIPT = """\
reelforge: 1
id: {id}
title: "Essai"
brand: demo
languages: [fr, ar]
platforms: [reels]
voice: {{fr: fr-offline, ar: ar-offline}}
subtitles: {{burn: false, sidecar: [srt, vtt]}}
scenes:
  - id: one
    layout: title
    text: {{fr: "{text}", ar: "مرحبا"}}
    say: {{fr: "{text}.", ar: "مرحبا."}}
    duration: {duration}
    background: {{color: "#102030"}}
"""
EXE = [sys.executable, "-m", "reelforge.cli"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")        # shared by the module: speech is synthesised once


@pytest.fixture
def proj(tmp_path, cache) -> Path:
    for d in ("brand", "templates", "voices"):
        shutil.copytree(REPO / d, tmp_path / d)
    (tmp_path / "scripts").mkdir()
    for i, name in enumerate(("a", "b")):
        write_script(tmp_path, name, f"Bonjour {name}", 3 + i)
    (tmp_path / "tmp").mkdir()
    return tmp_path


def write_script(proj: Path, name: str, text: str, duration: float = 3) -> None:
    (proj / "scripts" / f"{name}.yaml").write_text(SCRIPT.format(id=name, text=text, duration=duration), "utf-8")


def env(proj: Path, cache: Path) -> dict:
    return {**os.environ, "REELFORGE_CACHE": str(cache), "TMPDIR": str(proj / "tmp"), "CI": "1"}


def start(proj, cache, *args) -> subprocess.Popen:
    """`reelforge ARGS` in its own session (a terminal's Ctrl-C reaches the whole process group)."""
    return subprocess.Popen([*EXE, *args], cwd=proj, env=env(proj, cache), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def reelforge(proj, cache, *args, timeout=300, extra_env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=proj, env={**env(proj, cache), **(extra_env or {})},
                          capture_output=True, text=True, timeout=timeout)


def partials(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".partial" in p.name] if folder.exists() else []


def wait_for(cond, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc: psutil is not installed)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def snapshot(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


# -- signals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_build_stops_promptly_and_leaves_no_worker_nor_half_file(proj, cache, how):
    assert reelforge(proj, cache, "build", "scripts", "--draft", "-o", "out", "--jobs", "2").returncode == 0
    before = snapshot(proj / "out")
    for name in ("a", "b"):                                      # everything must be rendered again
        write_script(proj, name, f"Salut {name}", 6)
    proc = start(proj, cache, "build", "scripts", "--draft", "-o", "out", "--jobs", "2")
    wait_for(lambda: any(p.name.endswith(".partial.mp4") for p in partials(proj / "out")))
    workers = children(proc.pid)
    assert len(workers) == 2
    t0 = time.monotonic()
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)                      # what a terminal sends to the foreground group
    else:
        proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    elapsed = time.monotonic() - t0
    print(f"{how}: exit {proc.returncode} after {elapsed:.2f} s")
    assert proc.returncode == (130 if how == "ctrl-c" else 143)
    # prompt: before the fix a build went on for 7-19 s; stragglers are SIGKILLed at 3 s (a loaded
    # machine adds a little), never after the job they were on
    assert elapsed < 6.0, elapsed
    wait_for(lambda: not any(running(w) for w in workers), timeout=3)
    assert not partials(proj / "out")
    after = snapshot(proj / "out")
    for name, data in before.items():            # each output is its earlier set or a complete new one
        if name.endswith(".mp4") and after[name] != data:
            assert probe(proj / "out" / name).get("vcodec") == "h264"
    assert not list((proj / "tmp").iterdir())


def test_workers_exit_when_the_build_is_killed_and_the_next_build_cleans_up(proj, cache):
    proc = start(proj, cache, "build", "scripts", "--draft", "-o", "out", "--jobs", "2")
    wait_for(lambda: any(p.name.endswith(".partial.mp4") for p in partials(proj / "out")))
    workers = children(proc.pid)
    proc.kill()
    proc.communicate(timeout=30)      # a worker holding the pipe would hang here
    wait_for(lambda: not any(running(w) for w in workers), timeout=3)     # PR_SET_PDEATHSIG
    result = reelforge(proj, cache, "build", "scripts", "--draft", "-o", "out", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert not partials(proj / "out")
    assert not list((proj / "tmp").iterdir())


def test_a_pool_worker_killed_mid_job_is_replaced_and_its_jobs_run_again(proj, cache):
    """--retries for local pools: a worker killed from outside (OOM, kill -9) breaks the pool; what it had
    not finished runs again in a new pool, and the build succeeds, saying so."""
    write_script(proj, "b", "Un texte plus long", 8)
    proc = start(proj, cache, "build", "scripts", "--draft", "-o", "out", "--jobs", "2", "--json")
    wait_for(lambda: any(p.name.endswith(".partial.mp4") for p in partials(proj / "out")))
    os.kill(children(proc.pid)[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    assert "RETRIED" in err and "local pool 1, local pool 2" in err, err
    summary = json.loads(out)
    assert not summary["failed"] and summary["retried"] and len(summary["rendered"]) == 4
    for name in ("a", "b"):
        for lang in ("fr", "ar"):
            assert probe(proj / "out" / name / lang / "reels.mp4").get("vcodec") == "h264"
    assert not partials(proj / "out")
    assert json.loads((proj / "out" / "manifest.json").read_text("utf-8"))["retried"]
    assert not list((proj / "tmp").iterdir())


ORPHAN = """\
import multiprocessing, os, signal, time
from reelforge import build
build.ORPHAN_GRACE = 0.5
if os.fork() == 0:
    build._worker_init(os.getppid())
    signal.signal(signal.SIGTERM, signal.SIG_IGN)      # as after a SIGTERM whose exception was swallowed
    print(os.getpid(), flush=True)
    multiprocessing.Queue().get()                      # idle, as a pool worker between jobs
else:
    time.sleep(0.5)
"""


SWALLOWED_CTRL_C = """
import os, signal, sys
from reelforge.cli import exit_on_interrupt

class Finaliser:
    def __del__(self):                  # Ctrl-C lands here: Python swallows the exception of a finaliser
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10000):
            pass

with exit_on_interrupt("stopped"):
    Finaliser()
    sys.exit(1)                         # what a build whose workers' ffmpeg died of the same Ctrl-C returned
"""


def test_a_ctrl_c_swallowed_in_a_finaliser_still_exits_130():
    """Ctrl-C reaches the build and its workers' ffmpeg at once: the workers report failures, and when
    the build's own KeyboardInterrupt landed in a finaliser (swallowed), it exited 1 as a failed build
    (seen once in the suite under load). The interrupt is recorded and ends the command as Ctrl-C."""
    proc = subprocess.run([sys.executable, "-c", SWALLOWED_CTRL_C], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "stopped"


def test_output_piped_to_a_reader_that_stopped_ends_quietly(proj, cache):
    """`reelforge validate ... | head -0`: the reader has gone before anything is written. The command
    ends as one killed by SIGPIPE would (141), with no "internal error" and nothing on stderr."""
    proc = subprocess.Popen([*EXE, "validate", "scripts/a.yaml"], cwd=proj, env=env(proj, cache),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == 141 and err == "", err


def test_a_worker_whose_signal_was_swallowed_still_ends_with_its_parent():
    """Seen once in CI: a build killed, one pool worker went on waiting for work and held the caller's pipe."""
    proc = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    proc.wait(timeout=30)
    wait_for(lambda: not running(worker), timeout=10)
    proc.stdout.close()


def test_render_sigterm_is_a_clean_exit_and_keeps_the_earlier_video(proj, cache):
    assert reelforge(proj, cache, "render", "scripts/b.yaml", "-l", "fr", "--draft", "-o", "out").returncode == 0
    before = snapshot(proj / "out")
    write_script(proj, "b", "Autre texte", 40)      # long enough that the signal lands mid-encode
    proc = start(proj, cache, "render", "scripts/b.yaml", "-l", "fr", "--draft", "-o", "out")
    wait_for(lambda: any(p.name.endswith(".partial.mp4") for p in partials(proj / "out")))
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert time.monotonic() - t0 < 6.0          # prompt (a loaded machine adds a little)
    assert "interrupted" in err and "Traceback" not in err
    assert snapshot(proj / "out") == before and not partials(proj / "out")


def test_stale_partials_of_dead_processes_are_removed_and_only_those(proj, cache):
    proc = start(proj, cache, "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "out")
    wait_for(lambda: any(p.name.endswith(".partial.mp4") for p in partials(proj / "out")))
    proc.kill()                                                  # SIGKILL: no chance to clean up
    proc.communicate(timeout=30)
    folder = proj / "out" / "a" / "fr"
    assert partials(folder)
    mine = folder / f".reels.jpg.reelforge-{os.getpid()}-00ff.partial.jpg"   # a live process's: kept
    foreign = folder / ".reels.mp4.partial"                                   # not reelforge's name: kept
    mine.write_bytes(b"x")
    foreign.write_bytes(b"x")
    result = reelforge(proj, cache, "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert sorted(partials(folder)) == sorted([mine, foreign])
    assert not list((proj / "tmp").iterdir())


# -- publishing an output's files together ---------------------------------------------------------

def test_a_failure_while_publishing_leaves_the_earlier_set_untouched(proj, cache, monkeypatch):
    monkeypatch.setenv("REELFORGE_CACHE", str(cache))
    out = proj / "out"
    script = load_script(proj / "scripts" / "a.yaml")
    render_one(build(script, "fr", registry()["reels"].scaled(0.25), voice_lines(script, "fr", SpeechCache())),
               out, draft=True)
    before = snapshot(out)
    write_script(proj, "a", "Un autre texte", 3)
    script = load_script(proj / "scripts" / "a.yaml")
    tl = build(script, "fr", registry()["reels"].scaled(0.25), voice_lines(script, "fr", SpeechCache()))
    vtt = out / "a" / "fr" / "reels.vtt"
    vtt.unlink()
    (vtt / "blocker").mkdir(parents=True)        # a real fault: the last rename meets a folder
    with pytest.raises(RenderError) as exc:
        render_one(tl, out, draft=True)
    assert "reels.vtt: cannot write" in str(exc.value) and "\n" not in str(exc.value)
    after = snapshot(out)
    del before["a/fr/reels.vtt"]
    assert after == before                      # mp4, jpg and srt were put back: no mixed set
    assert not partials(out)


def test_a_failure_while_writing_leaves_the_earlier_set_untouched(proj, cache, monkeypatch):
    monkeypatch.setenv("REELFORGE_CACHE", str(cache))
    out = proj / "out"
    script = load_script(proj / "scripts" / "a.yaml")
    tl = build(script, "fr", registry()["reels"].scaled(0.25), voice_lines(script, "fr", SpeechCache()))
    render_one(tl, out, draft=True)
    before = snapshot(out)
    import reelforge.pipeline as pipeline

    def full(frame, target, staging, **k):      # the cover's write meets a full disk (see the real one below)
        staging.path(target).write_bytes(b"half a jpeg")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(pipeline, "write_jpeg", full)
    with pytest.raises(RenderError, match=r"reels.jpg: cannot write: No space left on device; the disk is full"):
        render_one(tl, out, draft=True)
    assert snapshot(out) == before and not partials(out)


# -- speech cache ----------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_damaged_speech_cache_entries_are_made_again(proj, tmp_path, damage):
    script = load_script(proj / "scripts" / "a.yaml")
    cache = SpeechCache(tmp_path / "c")
    clean = voice_lines(script, "fr", cache)
    for wav in (tmp_path / "c").rglob("*.wav"):
        data = wav.read_bytes()
        wav.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"RIFF" + os.urandom(200),
                         "flip": data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1:]}[damage])
    err = io.StringIO()
    with redirect_stderr(err):
        again = voice_lines(script, "fr", SpeechCache(tmp_path / "c"))
    assert "damaged speech cache entry" in err.getvalue()
    assert again["one"].duration == clean["one"].duration
    assert (Path(again["one"].audio).read_bytes() == Path(clean["one"].audio).read_bytes())
    assert len(audio.decode(again["one"].audio)) == round(clean["one"].duration * audio.RATE)


# -- environment faults ----------------------------------------------------------------------------

def _read_only(folder: Path):
    """A folder nobody may write into: chmod for a normal user; as root (who ignores modes), the
    immutable attribute. None when neither works here."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        return None
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_output_folder(proj, cache):
    assert reelforge(proj, cache, "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "out").returncode == 0
    before = snapshot(proj / "out")
    undo = _read_only(proj / "out" / "a" / "fr")
    if undo is None:
        pytest.skip("neither chmod (root) nor chattr +i can make a read-only folder here")
    try:
        write_script(proj, "a", "Changement", 3)
        result = reelforge(proj, cache, "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "out")
    finally:
        undo()
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("out/a/fr/") and "cannot write" in line and "-o" in line and "internal error" not in line
    assert snapshot(proj / "out") == before


def test_output_under_a_file_and_output_that_is_a_file(proj, cache):
    (proj / "plain").write_text("x")
    result = reelforge(proj, cache, "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "plain/out")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("plain/out/")
    assert "cannot write: Not a directory; a file stands where a folder is needed" in result.stderr
    result = reelforge(proj, cache, "build", "scripts", "--draft", "-o", "plain")
    assert result.returncode == 2 and "is a file" in result.stderr
    assert (proj / "plain").read_text() == "x"


def test_unwritable_cache(proj, tmp_path):
    (tmp_path / "file").write_text("x")
    result = reelforge(proj, tmp_path / "file" / "cache", "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", "out")
    assert result.returncode == 1, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "cannot write" in line and "REELFORGE_CACHE" in line and "internal error" not in line


def _tiny_tmpfs_ok() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                          capture_output=True).returncode == 0


@pytest.mark.parametrize("where", ["out", "cache"])
def test_disk_full(proj, cache, tmp_path, where):
    """A real full disk: a 64 KB tmpfs mounted in a private mount namespace (needs root: unshare -m)."""
    if not _tiny_tmpfs_ok():
        pytest.skip("no private mount namespace here (not root or no unshare): a real full disk needs one")
    small = tmp_path / "small"
    small.mkdir()
    if where == "cache":
        cache = small
    cmd = " ".join([*EXE, "render", "scripts/a.yaml", "-l", "fr", "--draft", "-o", str(small if where == "out" else proj / "out")])
    result = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {small} && exec {cmd}"],
                            cwd=proj, env=env(proj, cache), capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "No space left on device; the disk is full" in line, result.stderr
    assert ("REELFORGE_CACHE" if where == "cache" else "-o") in line
    assert not partials(proj / "out")


# -- leaks, modes, check, protocols -----------------------------------------------------------------

def test_nothing_is_left_in_tmpdir_and_files_respect_the_umask(proj, cache):
    result = subprocess.run(["sh", "-c", f"umask 027 && exec {' '.join(EXE)} build scripts --draft -o out --jobs 2"],
                            cwd=proj, env=env(proj, cache), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not list((proj / "tmp").iterdir())
    files = [p for p in (proj / "out").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".mp4", ".jpg", ".srt", ".vtt", ".json", ".html", ".key"}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o640}
    old = os.umask(0o022)
    try:
        write_atomic(proj / "x.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((proj / "x.txt").stat().st_mode) == 0o644


def test_check_is_not_fooled_by_metadata_imitating_ffmpeg_logs(tmp_path):
    fake = ("Stream #0:0: Video: h264 (High), yuv420p(progressive), 540x960, 30 fps\n"
            "[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -14.0 LUFS\n"
            "    Threshold: -24.0 LUFS\n\n  Loudness range:\n    LRA:         1.0 LU\n\n  Sample peak:\n"
            "    Peak:       -2.0 dBFS\n\n  True peak:\n    Peak:       -2.0 dBFS\n")
    video = tmp_path / "small.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=4",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-af", "volume=-40dB",
                    "-metadata", f"title={fake}", "-metadata", f"comment={fake}",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(video)], check=True)
    report = check(video, registry()["reels"], draft=True)
    assert (report.facts["width"], report.facts["height"], report.facts["fps"]) == (320, 240, 25)
    assert report.facts["integrated_lufs"] < -40
    assert "size 320×240, expected 540×960" in report.problems


def test_a_playlist_never_reaches_outside(proj, cache, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:duration=1",
                    "-c:v", "libx264", str(outside / "secret.mp4")], check=True)
    os.mkfifo(outside / "fifo.ts")           # opening it would block: reading it would hang the test
    (proj / "assets").mkdir()
    for name, target in (("bg.m3u8", outside / "secret.mp4"), ("bg.mp4", outside / "fifo.ts")):
        (proj / "assets" / name).write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile://{target}\n"
                                            "#EXT-X-ENDLIST\n")
        with pytest.raises(ReelforgeError, match="a playlist or file list, not media"):
            VideoSource(str(proj / "assets" / name), 64, 64)
        with pytest.raises(ReelforgeError, match="a playlist or file list, not media"):
            audio.decode(proj / "assets" / name)
        assert probe(proj / "assets" / name) == {}
        text = (proj / "scripts" / "a.yaml").read_text().replace('background: {color: "#102030"}',
                                                                  f"background: {{video: ../assets/{name}}}")
        (proj / "scripts" / "v.yaml").write_text(text.replace("id: a", "id: v"), "utf-8")
        result = reelforge(proj, cache, "render", "scripts/v.yaml", "-l", "fr", "--draft", "-o", "out", timeout=120)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert not (proj / "out" / "v").exists() or not list((proj / "out" / "v").rglob("*.mp4"))
