"""Batch build speed, measured in one run. Prints the figures and the targets.

    python bench/bench_build.py

All examples (every language × platform) are built with --draft (half size) so the run stays in
minutes on a 2-core machine: --jobs 1, then --jobs 2 from scratch; a rebuild with nothing changed;
a rebuild after one script's French text changed, against that script's own render of the same
outputs. `--shipping`: the cost of jobs that carry their inputs to a cluster (see `shipping`).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args, cwd, env):
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reelforge.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0,):
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def main():
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        for d in ("brand", "templates", "voices", "examples"):
            shutil.copytree(ROOT / d, repo / d)
        env = dict(os.environ, REELFORGE_CACHE=str(Path(tmp) / "cache"), PYTHONPATH=str(ROOT))
        run(["render", "examples/pass-jeunes.yaml", "-l", "fr", "-p", "reels", "--draft", "-o", str(Path(tmp) / "warm")],
            repo, env)      # warm the speech cache for the French voice once, as a designer's machine would be
        t1, out = run(["build", "examples", "--draft", "--jobs", "1", "-o", "out1", "--json"], repo, env)
        n = len(json.loads(out)["rendered"])
        t2, _ = run(["build", "examples", "--draft", "--jobs", "2", "-o", "out2", "--json"], repo, env)
        t0, out = run(["build", "examples", "--draft", "-o", "out2", "--json"], repo, env)
        assert json.loads(out)["rendered"] == []
        script = repo / "examples" / "pass-jeunes.yaml"
        script.write_text(script.read_text("utf-8").replace("Le Pass Jeunes, c'est pour toi",
                                                            "Le Pass Jeunes est pour toi"), "utf-8")
        tc, out = run(["build", "examples", "--draft", "-o", "out2", "--json"], repo, env)
        changed = json.loads(out)["rendered"]
        # the same outputs rendered on their own: the Arabic ones change too (their caption line is French)
        langs = [a for lang in sorted({name.split("/")[1] for name in changed}) for a in ("-l", lang)]
        tr, _ = run(["render", "examples/pass-jeunes.yaml", *langs, "--draft", "-o", "alone"], repo, env)
        print(f"build of all examples ({n} outputs, draft): --jobs 1 {t1:.1f} s, --jobs 2 {t2:.1f} s "
              f"(speed-up {t1 / t2:.2f}x)")
        print(f"no-change rebuild: {t0:.2f} s  (target < 2 s)")
        print(f"one script changed: rebuilt {len(changed)} outputs ({', '.join(changed)}) in {tc:.1f} s; "
              f"that script's own render of them {tr:.1f} s; overhead {tc - tr:+.1f} s  (target <= +2 s)")


# --- shipping inputs to a cluster (issue 18): `python bench/bench_build.py --shipping` -------------------

def shipping():
    """What carrying inputs costs a cluster build of the examples (--draft): the distinct files and bytes
    scattered against what per-job copies would be; the client's read + scatter; each batch's unpack, load
    and key check on a worker; and the same build on a local 2-worker Dask cluster (jobs carry their inputs)
    against `--jobs 2` local processes (read the project in place)."""
    from dask.distributed import Client, LocalCluster
    from reelforge.build import execute, plan, same_frames, shipped_blobs
    from reelforge.bundle import unpack
    from reelforge.contentkey import content_key
    from reelforge.load import load_script
    from reelforge.pipeline import prepare
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        for d in ("brand", "templates", "voices", "examples"):
            shutil.copytree(ROOT / d, repo / d)
        os.environ["REELFORGE_CACHE"] = str(Path(tmp) / "cache")       # the workers inherit it
        jobs, _ = plan([repo / "examples"], draft=True)
        batches = same_frames(jobs)
        t = time.perf_counter()
        blobs = shipped_blobs(jobs)
        t_read = time.perf_counter() - t
        distinct = sum(len(b) for b in blobs.values())
        sizes = {h: len(b) for h, b in blobs.items()}
        per_job = sum(b[0].bundle.size(sizes) for b in batches)
        t = time.perf_counter()
        for i, batch in enumerate(batches):
            script = load_script(unpack(batch[0].bundle, blobs, Path(tmp) / "unpack" / str(i)))
            assert all(content_key(script, j.lang, j.platform, j.draft) == j.key for j in batch)
        t_unpack = (time.perf_counter() - t) / len(batches)
        for path in {j.script for j in jobs}:      # warm the speech cache, so both builds find every line in it
            script = load_script(path)
            prepare(script, script.languages, script.platforms, draft=True)
        t = time.perf_counter()
        failed = [r for r in execute(jobs, Path(tmp) / "local", 2, None, lambda r: None) if not hasattr(r, "video")]
        t_local = time.perf_counter() - t
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, local_directory=str(Path(tmp) / "workers")) as cluster:
            with Client(cluster.scheduler_address) as client:
                t = time.perf_counter()
                client.scatter(list(blobs.values()), hash=False)
                t_scatter = time.perf_counter() - t
            t = time.perf_counter()
            failed += [r for r in execute(jobs, Path(tmp) / "cluster", 1, cluster.scheduler_address, lambda r: None,
                                          blobs=blobs) if not hasattr(r, "video")]
            t_cluster = time.perf_counter() - t
        assert not failed, failed
        differ = [p.relative_to(Path(tmp) / "cluster").as_posix() for p in sorted((Path(tmp) / "cluster").rglob("*"))
                  if p.suffix in (".mp4", ".jpg", ".srt", ".vtt")
                  and (Path(tmp) / "local" / p.relative_to(Path(tmp) / "cluster")).read_bytes() != p.read_bytes()]
        same = not differ or f"False: {', '.join(differ)}"
        print(f"examples, --draft: {len(jobs)} outputs in {len(batches)} jobs; inputs shipped once: "
              f"{len(blobs)} files, {distinct / 1e6:.1f} MB (per-job copies would be {per_job / 1e6:.1f} MB)")
        print(f"client: read {t_read:.2f} s + scatter to 2 workers {t_scatter:.2f} s; worker: unpack + load + key "
              f"check {t_unpack:.2f} s a job ({t_unpack * len(batches):.1f} s in all)")
        print(f"build on a 2-worker LocalCluster (inputs shipped) {t_cluster:.1f} s vs --jobs 2 local processes "
              f"{t_local:.1f} s ({(t_cluster / t_local - 1) * 100:+.1f}%); shipping cost "
              f"{(t_read + t_scatter + t_unpack * len(batches) / 2) / t_cluster * 100:.1f}% of the cluster build; "
              f"videos byte-identical: {same}")


if __name__ == "__main__":
    shipping() if "--shipping" in sys.argv else main()
