"""Batch build speed, measured in one run. Prints the figures and the targets.

    python bench/bench_build.py

All examples (every language × platform) are built with --draft (half size) so the run stays in
minutes on a 2-core machine: --jobs 1, then --jobs 2 from scratch; a rebuild with nothing changed;
a rebuild after one script's French text changed, against that script's own render of the same
outputs.
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
        tr, _ = run(["render", "examples/pass-jeunes.yaml", "-l", "fr", "--draft", "-o", "alone"], repo, env)
        print(f"build of all examples ({n} outputs, draft): --jobs 1 {t1:.1f} s, --jobs 2 {t2:.1f} s "
              f"(speed-up {t1 / t2:.2f}x)")
        print(f"no-change rebuild: {t0:.2f} s  (target < 2 s)")
        print(f"one script changed: rebuilt {len(changed)} outputs ({', '.join(changed)}) in {tc:.1f} s; "
              f"that script's own render of them {tr:.1f} s; overhead {tc - tr:+.1f} s  (target <= +2 s)")


if __name__ == "__main__":
    main()
