"""Distinct work only (identical frame streams drawn once, identical encodes written once) and the
YUV path to the encoder."""
from __future__ import annotations

import json

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

    import numpy as np

    from reelforge.compose import Compositor
    from reelforge.encode import YuvFrames, yuv420
    from reelforge.ffmpeg import ffmpeg_exe
    tl = build(load_script(project / "ok.yaml"), "fr", platform_for("reels", True))
    comp = Compositor(tl)
    convert, frames = YuvFrames(), [comp.frame_at(k / 30) for k in range(0, 90, 3)]
    incremental = [convert(f).copy() for f in frames]
    comp.close()
    h, w = frames[0].shape[:2]
    for f, got in zip(frames, incremental):
        assert np.array_equal(got, yuv420(f))          # the changed band only = the whole frame converted
    f = frames[-1]
    ref = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                          "-i", "-", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         input=f.tobytes(), capture_output=True, check=True).stdout
    diff = np.abs(np.frombuffer(ref, np.uint8).astype(int) - yuv420(f))
    assert diff[:w * h].max() <= 1                   # luma: within 1 of swscale
    assert diff[w * h:].max() <= 8 and diff[w * h:].mean() < 0.5    # chroma: swscale filters vertically


def test_a_known_frame_decoded_back_matches_within_tolerance(project, tmp_path):
    """The YUV path end to end: frame 45 of the encoded file, decoded, is within x264's loss of the
    composed frame converted here (mean absolute error < 2 levels, PSNR > 35 dB)."""
    import numpy as np

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
