"""`reelforge studio` on a warm server: save → updated frame latency, and memory over an hour of editing.

    python bench/bench_studio.py [--edits 600] [--latency 20]      (--edits 0 / --latency 0: one of the two)

A copy of the repository's examples, brand, templates and voices in a temporary folder; the studio in
this process (a thread) on 127.0.0.1; a client that does what the page does: it listens to the event
stream, and on each change asks for the frame at the playhead, then the view.

- latency: the headline of a typical scene (`pass-jeunes` in French, Reels, scene `who`: bullets over a
  moving background) is edited and saved; measured from just before the write until the new frame's
  JPEG has arrived (the watcher's notice, the reload, validation, timeline and the frame drawn).
- memory: `--edits` cycles, each an edit of that headline (a new text every time), the frame, the view,
  and five scrubs within 4 s of the playhead (every 10th cycle anywhere in the video); every 20th cycle
  the contact sheet too. RSS of the
  process every 50 cycles.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reelforge.studio import bind, server as studio_server  # noqa: E402
from reelforge.studio.app import create_app  # noqa: E402



def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Client:
    def __init__(self, port: int):
        self.port = port
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        conn.request("GET", "/api/events", headers={"Host": f"127.0.0.1:{self.port}"})
        r = conn.getresponse()
        kind = None
        while True:
            line = r.readline()
            if not line:
                return
            line = line.decode().strip()
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                self.events.put((time.perf_counter(), kind, json.loads(line[5:])))

    def get(self, path: str, **params) -> tuple[bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        conn.request("GET", f"{path}?{urlencode(params)}", headers={"Host": f"127.0.0.1:{self.port}"})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        assert r.status == 200, (path, r.status, body[:300])
        return body, dict(r.getheaders())

    def change(self, timeout: float = 30.0) -> float:
        while True:
            at, kind, _ = self.events.get(timeout=timeout)
            if kind == "change":
                return at


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=600)
    ap.add_argument("--latency", type=int, default=20)
    ap.add_argument("--script", default="examples/pass-jeunes.yaml")
    ap.add_argument("--scene", default="who")
    ap.add_argument("--headline", default="Qui peut s'inscrire ?", help="the French text edited in that scene")
    args = ap.parse_args()
    SCRIPT, HEADLINE = args.script, args.headline
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        for d in ("examples", "brand", "templates", "voices"):
            shutil.copytree(REPO / d, root / d)
        path = root / SCRIPT
        original = path.read_text("utf-8")
        assert HEADLINE in original
        sock = bind("127.0.0.1", 0)
        port = sock.getsockname()[1]
        srv = studio_server(create_app(root, "127.0.0.1", port))
        thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not srv.started:
            time.sleep(0.05)
        c = Client(port)
        q = {"script": SCRIPT, "lang": "fr", "platform": "reels"}
        view = json.loads(c.get("/api/view", **q)[0])
        assert view["ready"] and not view["problems"], view["problems"]
        scene = next(s for s in view["scenes"] if s["id"] == args.scene)
        t = round((scene["start"] + scene["end"]) / 2, 2)
        duration = view["duration"]
        c.get("/api/frame", t=t, **q)
        c.get("/api/sheet", **q)
        print(f"warm: {SCRIPT} fr reels, {duration:.1f} s, playhead {t} s in scene '{args.scene}'; RSS {rss_mb():.0f} MB")

        counter = [0]

        def edit() -> float:
            counter[0] += 1
            before = time.perf_counter()
            path.write_text(original.replace(HEADLINE, f"{HEADLINE[:-1]}{counter[0]}{HEADLINE[-1]}"), "utf-8")
            return before

        def frame_after_save() -> tuple[float, float, float]:
            cpu = time.process_time()
            before = edit()
            noticed = c.change()
            body, headers = c.get("/api/frame", t=t, **q)
            done = time.perf_counter()
            assert headers.get("x-stale") == "0"
            return done - before, noticed - before, time.process_time() - cpu

        # warm-up edits (first reload after the change path is taken)
        for _ in range(2):
            frame_after_save()
            c.get("/api/view", **q)
        lat, notice, cpus = [], [], []
        load = os.getloadavg()[0]
        for _ in range(args.latency):
            total, seen, cpu = frame_after_save()
            lat.append(total)
            notice.append(seen)
            cpus.append(cpu)
            c.get("/api/view", **q)
            time.sleep(0.2)
        lat.sort()
        if lat:                             # --latency 0: the memory run alone
            print(f"save → updated frame, {len(lat)} edits: median {statistics.median(lat):.3f} s, "
                  f"p90 {lat[int(0.9 * (len(lat) - 1))]:.3f} s, max {lat[-1]:.3f} s "
                  f"(the watcher's notice alone: median {statistics.median(notice):.3f} s); CPU of the process "
                  f"per save → frame: median {statistics.median(cpus):.3f} s; load average {load:.1f} → "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        rng = random.Random(7)
        samples = [(0, rss_mb())]
        started = time.perf_counter()
        for k in range(1, args.edits + 1):
            frame_after_save()
            c.get("/api/view", **q)
            for _ in range(5):          # scrubbing around the edited scene, now and then far away
                near = rng.uniform(max(0.0, t - 4), min(duration, t + 4))
                c.get("/api/frame", t=round(rng.uniform(0, duration) if k % 10 == 0 else near, 2), **q)
            if k % 20 == 0:
                c.get("/api/sheet", **q)
            if k % 50 == 0:
                samples.append((k, rss_mb()))
                print(f"  {k} edits: RSS {samples[-1][1]:.0f} MB ({time.perf_counter() - started:.0f} s)", flush=True)
        rss = [m for _, m in samples]
        print(f"memory over {args.edits} edit/scrub cycles: RSS {rss[0]:.0f} MB after warm-up, peak {max(rss):.0f} MB, "
              f"end {rss[-1]:.0f} MB; second half grew {rss[-1] - rss[len(rss) // 2]:+.0f} MB")
        srv.should_exit = True
        thread.join(15)


if __name__ == "__main__":
    main()
