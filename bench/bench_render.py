"""Render speed and memory, measured in one run on the same content. Prints every ratio.

    python bench/bench_render.py            # every figure: floors with and without the motion elements,
                                            # three platforms / one, memory, validate, preview, PSNR of the
                                            # YUV pipe against the RGB pipe, plain moviepy / render
    python bench/bench_render.py --quick    # without the PSNR comparison render
    python bench/bench_render.py --no-moviepy  # without the (slow, ~3 min) plain-moviepy baseline
    python bench/bench_render.py --runs 1   # each render and floor timed once (default: twice, in a palindrome)
    python bench/bench_render.py --no-memory  # without the peak-memory renders

Content: examples/pass-jeunes.yaml in French at 1080×1920, 30 fps (Reels), 4 s a scene, with its
text, images, logo, animations, moving backgrounds and transitions; the voiceover is left out so every
renderer draws the same silent-audio video and speech synthesis does not count. Three variants:
"still text" (every kinetic headline preset replaced by a plain fade, no captions), "example" (as
written: the template's kinetic headlines) and "motion" (the example plus a Lottie animation in
every scene and burned-in `pill` captions, timed from the script's text).
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reelforge.compose import Compositor  # noqa: E402
from reelforge.encode import audio_args, video_args  # noqa: E402
from reelforge.ffmpeg import ffmpeg_exe  # noqa: E402
from reelforge.load import load_script  # noqa: E402
from reelforge.platforms import registry  # noqa: E402
from reelforge.pipeline import render_one  # noqa: E402
from reelforge.timeline import build  # noqa: E402


def bench_script(folder: Path, seconds_per_scene: float, keep_say: bool = False) -> Path:
    """A copy of the example without voiceover (`keep_say`: the text stays, for captions), every scene
    `seconds_per_scene` long."""
    text = (ROOT / "examples" / "pass-jeunes.yaml").read_text("utf-8")
    if not keep_say:
        text = re.sub(r"\n    say:(?: \{[^\n]*\}|\n(?:      [^\n]*\n)+)", "\n", text)
    text = re.sub(r"\n    duration: [^\n]*", "", text)
    text = text.replace("\n    layout:", f"\n    duration: {seconds_per_scene}\n    layout:")
    path = bench_project(folder.parent) / f"bench-{folder.name}.yaml"
    path.write_text(text, "utf-8")
    return path


def bench_project(tmp: Path) -> Path:
    """A copy of the repository's project (brand kits, templates, voices, the examples' assets) in `tmp`:
    the bench's scripts resolve as the example does, and nothing is written into examples/."""
    import shutil
    folder = tmp / "project" / "examples"
    if not folder.is_dir():
        for name in ("brand", "templates", "voices"):
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, tmp / "project" / name)
        shutil.copytree(ROOT / "examples" / "assets", folder / "assets")
    return folder


MOTION = "      - {type: lottie, file: assets/lottie/sun.json, box: [2, 64, 24, 14], colors: {\"#FFC83D\": accent}}\n"


def motion_script(folder: Path, seconds_per_scene: float) -> Path:
    """The bench script with a looping Lottie animation in every scene, and burned-in
    `pill` captions (the voiceover text kept, timed by estimate: no speech is synthesised)."""
    path = bench_script(folder, seconds_per_scene, keep_say=True)
    text = re.sub(r"(\nsubtitles: \{[^\n]*?)style: [\w-]+", r"\1style: pill", path.read_text("utf-8"))
    scenes = text.split("\n  - id: ")
    for i, scene in enumerate(scenes[1:], 1):
        if "\n    elements:\n" in scene:
            scenes[i] = scene.replace("\n    elements:\n", "\n    elements:\n" + MOTION, 1)
        else:
            scenes[i] = scene.rstrip("\n") + "\n    elements:\n" + MOTION
    path.write_text("\n  - id: ".join(scenes), "utf-8")
    return path


def still_text(tl):
    """The timeline with every kinetic (word-by-word) enter preset replaced by a plain fade."""
    from dataclasses import replace

    from reelforge.animation import pose

    def plain(item):
        a = item.animate
        if a.enter == "none" or not pose(a.enter, 0.5, False, entering=True).kinetic:
            return item
        return replace(item, animate=replace(a, enter="fade"))
    return replace(tl, scenes=tuple(replace(st, items=tuple(plain(i) for i in st.items)) for st in tl.scenes))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def own_cpu() -> tuple[float, float]:
    """CPU seconds of this process (Python: composing, converting, piping) and of its finished children
    (ffmpeg)."""
    import resource
    return tuple(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))


class Clock:
    """Wall and CPU seconds (this process and its finished children, ffmpeg included) of each call; on a
    shared machine the CPU ratio is the steadier one. Printed: the fastest run, and `python`, the CPU
    seconds this process spent in the run of fewest CPU seconds (the rest is ffmpeg's)."""

    def __init__(self):
        self.walls, self.cpus, self.python = [], [], float("inf")

    def __call__(self, fn) -> "Clock":
        w, (p, c) = time.perf_counter(), own_cpu()
        fn()
        (p1, c1), wall = own_cpu(), time.perf_counter() - w
        if p1 + c1 - p - c < min(self.cpus, default=float("inf")):
            self.python = p1 - p
        self.walls.append(wall)
        self.cpus.append(p1 + c1 - p - c)
        return self

    @property
    def wall(self) -> float:
        return min(self.walls)

    @property
    def cpu(self) -> float:
        return min(self.cpus)

    def ratio(self, other: "Clock") -> str:
        """The ratio of the two measures' mean times: timed in a palindrome (see main), a steady drift of
        the machine's speed weighs the same on both."""
        mean = lambda xs: sum(xs) / len(xs)
        return f"{mean(self.walls) / mean(other.walls):.2f} (CPU {mean(self.cpus) / mean(other.cpus):.2f})"

    def __str__(self) -> str:
        return f"{self.wall:7.1f} s (CPU {self.cpu:6.1f} s)"


def peak_rss_mb(script: Path, out: Path) -> float:
    code = ("import resource,sys; sys.path.insert(0, %r)\n"
            "from reelforge.load import load_script; from reelforge.pipeline import render_one\n"
            "from reelforge.timeline import build; from reelforge.platforms import registry; from pathlib import Path\n"
            "tl = build(load_script(%r), 'fr', registry()['reels']); render_one(tl, Path(%r), draft=False)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)") % (str(ROOT), str(script), str(out))
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1])


def decoded_psnr(a: Path, b: Path) -> tuple[float, float]:
    """PSNR (dB) of two videos' decoded yuv420p frames, over all frames and at the worst frame."""
    import av
    import numpy as np

    def frames(path):
        with av.open(str(path)) as c:
            for f in c.decode(video=0):
                yield f.to_ndarray(format="yuv420p").astype(np.float32)
    total, n, worst = 0.0, 0, 0.0
    for x, y in zip(frames(a), frames(b)):
        mse = float(np.mean((x - y) ** 2))
        total, n, worst = total + mse, n + 1, max(worst, mse)
    db = lambda m: 99.0 if m == 0 else 10 * np.log10(255 ** 2 / m)
    return db(total / max(n, 1)), db(worst)


def cli_seconds(*args: str, env=None, runs: int = 3) -> float:
    """Best wall time of `reelforge ARGS` in a fresh process (imports included)."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reelforge.cli", *args], cwd=ROOT, check=True, capture_output=True,
                       env=env)
        best = min(best, time.perf_counter() - t)
    return best


def command_times(tmp: Path) -> dict[str, tuple[float, float]]:
    """`validate` and `preview --at 7` of the example in fresh processes, with their own cache folder:
    (first run with nothing remembered, best of three next runs). The preview's speech cache is warm in
    both (synthesised by a run before, whose memo is then deleted), as a designer's machine would be.
    Python's bytecode is compiled first, as an installed package's is."""
    import os
    import shutil
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "reelforge")], check=True,
                   capture_output=True)
    env = dict(os.environ, REELFORGE_CACHE=str(tmp / "cmd-cache"))
    memo = tmp / "cmd-cache" / "memo"
    out = {}
    validate = ("validate", "examples/pass-jeunes.yaml")
    out["validate"] = cli_seconds(*validate, env=env, runs=1), cli_seconds(*validate, env=env)
    preview = ("preview", "examples/pass-jeunes.yaml", "--at", "7", "-o", str(tmp / "p.png"))
    cli_seconds(*preview, env=env, runs=1)          # the speech cache
    shutil.rmtree(memo, ignore_errors=True)
    out["preview"] = cli_seconds(*preview, env=env, runs=1), cli_seconds(*preview, env=env)
    return out


def load_note() -> str:
    import os
    return "load average %.2f %.2f %.2f on %d cores" % (*os.getloadavg(), os.cpu_count() or 0)


def floor_commands(tl, video: Path, tmp: Path) -> tuple[list[str], list[str], Path]:
    """The encoder floors of a rendered `video`: ffmpeg alone encoding the very same RGB frames (from a raw
    file, written here) with the same settings -- RGB→YUV conversion and x264, nothing else; and the
    true floor, x264 re-encoding the rendered file (decoded YUV, no RGB→YUV), same settings."""
    raw = tmp / "frames.rgb"
    comp = Compositor(tl)
    with open(raw, "wb") as fh:
        for frame in comp.frames():
            fh.write(memoryview(frame).cast("B"))
    comp.close()
    p = tl.platform
    rgb = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{p.width}x{p.height}", "-r", str(p.fps), "-i", str(raw),
           "-f", "lavfi", "-i", f"anullsrc=r={p.audio_rate}:cl=stereo", "-map", "0:v", "-map", "1:a",
           *video_args(p, False), *audio_args(p), "-t", f"{tl.duration:.3f}", "-movflags", "+faststart",
           str(tmp / "floor.mp4")]
    yuv = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(video),
           *video_args(p, False), *audio_args(p), "-movflags", "+faststart", str(tmp / "reencoded.mp4")]
    return rgb, yuv, raw


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the YUV/RGB comparison render (PSNR)")
    ap.add_argument("--no-moviepy", action="store_true", help="skip the (slow) plain-moviepy baseline")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory renders (15 s and 60 s)")
    ap.add_argument("--runs", type=int, default=2, help="renders and floors timed this many times, in a palindrome (even: a steady "
                    "drift cancels out; default 2)")
    args = ap.parse_args()
    import os

    from reelforge.pipeline import Prepared, render_outputs
    from reelforge.preview import preview_frame
    print(f"start: {load_note()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # the bench's own cache: nothing it learns is left in the user's, nothing of theirs is used
        os.environ["REELFORGE_CACHE"] = str(tmp / "cache")
        scripts = []
        try:
            # memory first: a child inherits its parent's RSS high-water mark on Linux, so measure while
            # this process is still small
            m15 = m60 = None
            if not args.no_memory:
                short, long_ = bench_script(tmp / "m15", 2.5), bench_script(tmp / "m60", 10.0)
                m15, m60 = peak_rss_mb(short, tmp / "o15"), peak_rss_mb(long_, tmp / "o60")
            commands = command_times(tmp)
            main_script, motion = bench_script(tmp / "main", 4.0), motion_script(tmp / "motion", 4.0)
            scripts += [main_script, motion]
            script = load_script(main_script)
            tl = build(script, "fr", registry()["reels"])
            variants = {"still text": still_text(tl), "example": tl,
                        "motion": build(load_script(motion), "fr", registry()["reels"])}
            vertical = [build(script, "fr", registry()[n]) for n in ("reels", "shorts", "tiktok")]
            renders = {name: Clock() for name in variants}
            three, floors = Clock(), {}
            # each render timed beside its own floors, in a palindrome (render, floors, floors reversed,
            # render, ...): this machine's speed drifts by more than the margins measured, and over a
            # palindrome a steady drift weighs the same on every measure
            for name, v in variants.items():
                render = lambda: renders[name](lambda: render_one(v, tmp / name, draft=False))
                render()
                video = next((tmp / name).rglob("reels.mp4"))
                rgb_cmd, yuv_cmd, raw = floor_commands(v, video, tmp)
                rgb, yuv = Clock(), Clock()
                steps = [render, lambda: yuv(lambda: subprocess.run(yuv_cmd, check=True)),
                         lambda: rgb(lambda: subprocess.run(rgb_cmd, check=True))]
                if name == "example":
                    steps.append(lambda: three(lambda: render_outputs(Prepared(script, False, {}, vertical),
                                                                      tmp / "three")))
                for k in range(args.runs):
                    for step in (steps if k % 2 == 0 else steps[::-1])[1 if k == 0 else 0:]:
                        step()
                raw.unlink()
                floors[name] = rgb, yuv
            preview_frame(script, "fr", "reels", 7.0)            # warm: fonts, images (a long-lived studio)
            t_preview_warm = timed(lambda: preview_frame(script, "fr", "reels", 9.0))
            p = tl.platform
            print(f"content: {tl.duration:.1f} s at {p.width}x{p.height}, {p.fps} fps, {len(tl.scenes)} scenes;"
                  f" wall and CPU seconds (this process and ffmpeg), fastest of {args.runs} run(s); "
                  "ratios: of the runs' mean times, timed in a palindrome (render, floors, floors, render)")
            for name, one in renders.items():
                rgb, yuv = floors[name]
                print(f"[{name}]")
                print(f"  reelforge render (reels)     {one}   of which Python (compose, convert, pipe) {one.python:.1f} s")
                print(f"  encoder floor (raw RGB→x264) {rgb}   render / RGB floor = {one.ratio(rgb)}  (target <= 1.3)")
                print(f"  re-encode of the output      {yuv}   render / YUV re-encode floor = {one.ratio(yuv)}"
                      "  (target <= 1.15)")
            one = renders["example"]
            print(f"reels + shorts + tiktok (example) {three}   three vertical / one = {three.ratio(one)}"
                  "  (target <= 1.3)")
            if m15:
                print(f"peak memory: 15 s render {m15:.0f} MB, 60 s render {m60:.0f} MB, ratio {m60 / m15:.2f}  (target <= 1.2)")
            (v_cold, v_warm), (p_cold, p_warm) = commands["validate"], commands["preview"]
            print(f"validate examples/pass-jeunes.yaml  fresh process: {v_cold:.2f} s with nothing remembered, "
                  f"{v_warm:.2f} s after  (target < 1)")
            print(f"preview --at 7 (warm speech cache)  fresh process: {p_cold:.2f} s with nothing remembered, "
                  f"{p_warm:.2f} s after  (target < 0.5); in a long-lived process {t_preview_warm:.2f} s")
            t_render, t_floor = one.wall, floors["example"][0].wall
            if not args.quick:      # the same render through the former RGB pipe: what the YUV path changes
                os.environ["REELFORGE_PIPE"] = "rgb"
                try:
                    rgb = Clock()(lambda: render_one(tl, tmp / "rgb", draft=False))
                finally:
                    del os.environ["REELFORGE_PIPE"]
                mean_db, worst_db = decoded_psnr(next((tmp / "example").rglob("reels.mp4")),
                                                 next((tmp / "rgb").rglob("reels.mp4")))
                print(f"RGB-pipe render (example)    {rgb}   YUV / RGB pipe = {one.ratio(rgb)}; decoded, YUV vs RGB "
                      f"pipe: PSNR {mean_db:.1f} dB (worst frame {worst_db:.1f} dB)")
            if not args.no_moviepy:
                sys.path.insert(0, str(ROOT / "bench"))
                import plain_moviepy
                t_mp = timed(lambda: plain_moviepy.write(tl, tmp / "moviepy.mp4"))
                print(f"plain moviepy                {t_mp:7.1f} s   moviepy / render = {t_mp / t_render:.1f}x"
                      f"   moviepy / floor = {t_mp / t_floor:.1f}x")
            print(f"end: {load_note()}")
        finally:
            for s in scripts:
                s.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
