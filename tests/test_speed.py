"""Distinct work only (identical frame streams drawn once, identical encodes written once) and the
YUV path to the encoder."""
from __future__ import annotations

import json

import numpy as np
import pytest

from reelforge.check import check
from reelforge.load import load_script
from reelforge.pipeline import Prepared, frame_key, groups, render_outputs
from reelforge.platforms import platform_for, registry
from reelforge.timeline import build

from .conftest import run


def _prepared(project, platforms):
    script = load_script(project / "ok.yaml")
    tls = [build(script, "fr", platform_for(name, True)) for name in platforms]
    return Prepared(script, True, {}, tls)


def test_identical_frames_are_derived_from_the_data_not_the_names(project):
    job = _prepared(project, ["reels", "shorts", "tiktok", "instagram-feed", "linkedin", "youtube"])
    by_name = {tl.platform.name: tl for tl in job.timelines}
    assert frame_key(by_name["reels"]) == frame_key(by_name["shorts"]) == frame_key(by_name["tiktok"])
    assert frame_key(by_name["instagram-feed"]) == frame_key(by_name["linkedin"])
    assert frame_key(by_name["reels"]) != frame_key(by_name["youtube"])
    shape = [[[tl.platform.name for tl in enc] for enc in g] for g in groups(job.timelines, True)]
    assert shape == [[["reels", "shorts", "tiktok"]], [["instagram-feed", "linkedin"]], [["youtube"]]]


def test_shared_outputs_are_byte_identical_to_separate_renders_and_pass_check(project, tmp_path):
    together = render_outputs(_prepared(project, ["reels", "shorts", "tiktok"]), tmp_path / "together")
    alone = {name: render_outputs(_prepared(project, [name]), tmp_path / name)[0] for name in ("reels", "shorts")}
    got = {o.platform: o for o in together}
    for name in ("reels", "shorts"):     # same encoder settings: the very bytes a separate render writes
        assert got[name].video.read_bytes() == alone[name].video.read_bytes()
        assert got[name].cover.read_bytes() == alone[name].cover.read_bytes()
    assert got["shorts"].shared.startswith("file") and "reels" in " ".join(got["shorts"].shared_with)
    assert "rate cap 10M/20M" in got["tiktok"].shared      # tiktok's 12M cap merged into the stricter 10M
    for o in together:
        assert check(o.video, registry()[o.platform], draft=True).ok, o.platform


def test_render_manifest_names_what_was_shared(project):
    text = (project / "ok.yaml").read_text("utf-8").replace("platforms: [reels, youtube]", "platforms: [reels, shorts]")
    (project / "ok.yaml").write_text(text, "utf-8")
    result = run("render", "ok.yaml", "-l", "fr", "-p", "reels", "-p", "shorts", "--draft", "-o", "out", cwd=project)
    assert result.exit_code == 0, result.output
    entries = {e["platform"]: e for e in json.loads((project / "out" / "test-reel" / "manifest.json").read_text())["outputs"]}
    assert entries["shorts"]["shared_with"] == ["test-reel/fr/reels"] and entries["shorts"]["shared"] == "file"
    assert entries["reels"]["shared_with"] == ["test-reel/fr/shorts"]


def _decode(path, index):
    import av
    with av.open(str(path)) as c:
        for k, frame in enumerate(c.decode(video=0)):
            if k == index:
                return frame.to_ndarray(format="yuv420p")


def test_yuv_conversion_matches_ffmpeg_and_converts_only_what_changed(project):
    import subprocess


    from reelforge.compose import Compositor
    from reelforge.encode import YuvFrames, yuv420
    from reelforge.ffmpeg import ffmpeg_exe

    from .test_render_speed import assert_converted
    tl = build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))
    comp = Compositor(tl)
    convert, frames = YuvFrames(), [comp.frame_at(k / 30) for k in range(0, 90, 3)]
    incremental = [convert(f).copy() for f in frames]
    comp.close()
    h, w = frames[0].shape[:2]
    for k, (f, got) in enumerate(zip(frames, incremental)):
        assert_converted(got, f, k)                    # the changed band only = the whole frame converted
    for f in (frames[0], frames[-1]):                  # the very bytes ffmpeg's own conversion makes
        ref = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
                              "-s", f"{w}x{h}", "-i", "-", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                             input=f.tobytes(), capture_output=True, check=True).stdout
        assert np.array_equal(np.frombuffer(ref, np.uint8), yuv420(f))


def test_a_changed_rectangle_converted_alone_gives_the_whole_frames_bytes():
    """Only the rectangle that changed is converted (with a margin for the chroma filter, and rewritten
    a margin beyond, where the chroma read the changed pixels): the bytes are those of the whole frame's
    conversion, at the frame's edges too; changed_box finds the rectangle."""

    from reelforge.encode import YuvFrames, changed_box, yuv420
    rng = np.random.default_rng(7)
    before = rng.integers(0, 256, (96, 64, 3), dtype=np.uint8)
    for x0, y0, x1, y1 in ((10, 20, 30, 41), (0, 0, 5, 3), (50, 80, 64, 96), (0, 33, 64, 34), (0, 0, 64, 96)):
        after = before.copy()
        after[y0:y1, x0:x1] = rng.integers(0, 256, (y1 - y0, x1 - x0, 3), dtype=np.uint8)
        assert changed_box(after, before) == (x0 & ~1, y0 & ~1, min(64, (x1 + 1) & ~1), min(96, (y1 + 1) & ~1))
        convert = YuvFrames()
        convert(before)
        assert np.array_equal(convert(after), yuv420(after))
    assert changed_box(before, before.copy()) is None


def test_gradients_computed_on_a_row_or_column_equal_the_per_pixel_formula():
    """layers.gradient broadcasts a row and a column instead of a pixel grid: the same floats, the same
    bytes as the plain per-pixel formula (a + (b - a) * t + dither, clipped)."""

    from reelforge.layers import gradient
    w, h, c0, c1 = 54, 96, (12, 200, 90, 255), (250, 30, 160, 255)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ts = {"vertical": yy / (h - 1), "horizontal": xx / (w - 1), "diagonal": (xx / (w - 1) + yy / (h - 1)) / 2,
          "radial": np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2) / np.sqrt(2)}
    dither = ((xx + yy) % 2 * 0.5 + 0.25).astype(np.float32)[..., None]
    a, b = np.array(c0[:3], np.float32), np.array(c1[:3], np.float32)
    for direction, t in ts.items():
        if direction in ("vertical", "horizontal"):     # the ramp as linspace makes it
            n = h if direction == "vertical" else w
            ramp = np.linspace(0, 1, n, dtype=np.float32)
            t = np.broadcast_to(ramp[:, None] if direction == "vertical" else ramp[None, :], (h, w))
        want = np.clip(a + (b - a) * np.clip(t, 0, 1)[..., None] + dither, 0, 255).astype(np.uint8)
        assert np.array_equal(gradient(w, h, c0, c1, direction), want), direction


def test_cached_kinetic_words_and_moved_sprites_draw_the_same_frames(project):
    """Kinetic words keep their masked pixels from the first frame on, and a sprite only moved is blended
    as is: frames drawn with those caches warm equal frames drawn by a fresh compositor, one at a time."""

    from reelforge.compose import Compositor
    tl = build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))
    first = {i.animate.enter for i in tl.scenes[0].items}
    assert first & {"sweep", "underline", "rise", "pop-words", "slide-words"}, first     # kinetic words on screen
    warm = Compositor(tl)
    times = [k / 30 for k in range(0, 60)]
    drawn = [warm.frame_at(t).copy() for t in times]          # in order: every cache warm from frame 0
    warm.close()
    for t, got in list(zip(times, drawn))[::7]:
        fresh = Compositor(tl)
        assert np.array_equal(fresh.frame_at(t), got), t
        fresh.close()


def test_a_known_frame_decoded_back_matches_within_tolerance(project, tmp_path):
    """The YUV path end to end: frame 45 of the encoded file, decoded, is within x264's loss of the
    composed frame converted here (mean absolute error < 2 levels, PSNR > 35 dB)."""

    from reelforge.compose import Compositor
    from reelforge.encode import yuv420
    [o] = render_outputs(_prepared(project, ["reels"]), tmp_path)
    tl = build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))
    comp = Compositor(tl)
    want = yuv420(comp.frame_at(45 / 30)).astype(float)
    comp.close()
    got = _decode(o.video, 45).reshape(-1).astype(float)
    mse = np.mean((got - want) ** 2)
    assert np.mean(np.abs(got - want)) < 2 and 10 * np.log10(255 ** 2 / max(mse, 1e-9)) > 35


def test_build_groups_jobs_whose_frames_are_identical():
    from reelforge.build import Job, same_frames
    jobs = [Job("/s.yaml", "s", lang, name, "k") for lang in ("fr", "ar")
            for name in ("reels", "shorts", "tiktok", "instagram-feed", "linkedin", "youtube")]
    batches = [[(j.lang, j.platform) for j in b] for b in same_frames(jobs)]
    assert [("fr", "reels"), ("fr", "shorts"), ("fr", "tiktok")] in batches
    assert [("ar", "instagram-feed"), ("ar", "linkedin")] in batches
    assert [("fr", "youtube")] in batches and len(batches) == 6


def _convert_in_worker(queue):
    from reelforge.encode import yuv420
    queue.put(int(yuv420(np.full((16, 16, 3), 200, np.uint8))[0]))


def test_a_forked_worker_converts_after_its_parent_did():
    """build's pool workers are forked from a process that has converted frames already: the converter
    they inherit must work there (swscale's slice threads do not survive a fork: it hung)."""
    from multiprocessing import get_context
    from reelforge.encode import yuv420
    expected = int(yuv420(np.full((16, 16, 3), 200, np.uint8))[0])
    ctx = get_context("fork")
    queue = ctx.Queue()
    worker = ctx.Process(target=_convert_in_worker, args=(queue,))
    worker.start()
    worker.join(60)
    if worker.is_alive():
        worker.kill()
        pytest.fail("a forked worker hung converting a frame")
    assert queue.get(timeout=5) == expected


def test_the_encoders_pipe_is_widened_to_the_systems_limit():
    """A 1080×1920 frame is 3 MB: through a 64 KB pipe it crosses in fifty writes, each waking ffmpeg."""
    import fcntl
    import os

    from reelforge.encode import _widen
    limit = int(open("/proc/sys/fs/pipe-max-size").read())
    r, w = os.pipe()
    with os.fdopen(w, "wb") as pipe:
        _widen(pipe)
        assert fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_GETPIPE_SZ", 1032)) == limit
    os.close(r)


def test_frames_spliced_into_the_pipe_arrive_whole_though_their_arrays_are_dropped(tmp_path):
    """The YUV path hands each frame's pages to the pipe (vmsplice) instead of copying them: encode_many
    keeps each buffer alive until ffmpeg has read it, so frames made and dropped one after another (their
    memory reused at once) arrive as they were. Checked on ffmpeg's own md5 of the raw frames received."""
    import hashlib

    import reelforge.encode as enc
    if enc._VMSPLICE is None:
        pytest.skip("no vmsplice here: frames are written")
    w, h, n = 96, 64, 40            # frames far smaller than the pipe: many are in it at once
    rng = np.random.default_rng(7)
    frames = [rng.integers(0, 256, (h, w, 3), np.uint8) for _ in range(n)]
    want = hashlib.md5(b"".join(enc.yuv420(f).tobytes() for f in frames)).hexdigest()
    md5 = tmp_path / "md5.txt"

    def command(p, duration, tmp, audio, draft, fmt):
        return [enc.ffmpeg_exe(), "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", fmt, "-s", f"{w}x{h}",
                "-i", "-", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-f", "md5", str(md5)]

    def made():                     # each frame a new array, nothing else refers to it once sent
        for f in frames:
            yield np.array(f)
    old = enc._command
    enc._command = command
    try:
        enc.encode_many(made(), [(platform_for("reels", True), tmp_path / "x.mp4", None)], 1.0)
    finally:
        enc._command = old
    assert md5.read_text().strip().split("=")[-1] == want
