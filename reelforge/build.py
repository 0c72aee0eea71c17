"""`reelforge build`: every script under some folders × its languages × its platforms, incrementally.

Each output has a key that hashes everything that shapes it (the script's content in that language,
the template chain, the brand kit's files, the voice profile, the assets, the platform profile and
reelforge's version). An output whose key file matches and whose video exists is not rendered again.
Jobs run in local worker processes or on a Dask cluster; one failure never stops the others.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Optional

from . import __version__
from .encode import write_atomic
from .errors import ReelforgeError, display
from .model import Script
from .platforms import registry

KEYS = ".reelforge"          # OUT/.reelforge/<id>/<lang>/<platform>.key
KIT_DIRS = {"brand", "templates", "voices", ".reelforge"}


@dataclass(frozen=True)
class Job:
    script: str              # absolute path
    id: str
    lang: str
    platform: str
    key: str
    draft: bool = False

    @property
    def name(self) -> str:
        return f"{self.id}/{self.lang}/{self.platform}"


def discover(paths: list[Path]) -> list[Path]:
    """Script files: YAML files whose first key is `reelforge:` (kits and hidden folders skipped)."""
    found = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.y*ml"))
        for f in files:
            rel = f.relative_to(root) if root.is_dir() else Path(f.name)
            if any(part in KIT_DIRS or part.startswith(".") for part in rel.parts[:-1]) or f.name.startswith("."):
                continue
            try:
                head = f.read_text("utf-8", errors="replace")[:4000]
            except OSError:
                continue
            if re.search(r"^reelforge\s*:", head, re.M):
                found.append(f.resolve())
    return sorted(dict.fromkeys(found))


def file_digest(path, memo: dict) -> str:
    path = str(path)
    if path not in memo:
        memo[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).is_file() else "missing"
    return memo[path]


def job_key(script: Script, lang: str, platform: str, draft: bool, memo: Optional[dict] = None) -> str:
    """Everything that shapes one output, and nothing that does not (another language's text)."""
    memo = {} if memo is None else memo
    pick = lambda text: (text or {}).get(lang)
    also = script.subtitles.also.get(lang)

    def scene_facts(s):
        bg = s.background
        return {"id": s.id, "layout": s.layout, "say": pick(s.say), "also": (s.say or {}).get(also) if also else None,
                "texts": {k: pick(v) for k, v in s.texts.items()},
                "bullets": {k: [pick(b) for b in v] for k, v in s.bullets.items()},
                "images": {k: file_digest(v, memo) for k, v in s.images.items()},
                "background": None if bg is None else [bg.kind, bg.colors, bg.direction, bg.fit, bg.zoom, bg.start,
                                                       bg.loop, file_digest(bg.file, memo) if bg.file else None],
                "duration": s.duration, "transition": None if s.transition is None else asdict(s.transition),
                "elements": [[e.type, e.box, pick(e.text), file_digest(e.file, memo) if e.file else None, e.shape,
                              e.color, e.style, e.start, e.end, repr(e.animate)] for e in s.elements]}
    voice = script.voices.get(lang)
    recordings = []
    if voice and voice.engine == "recorded":
        folder = Path(voice.options["folder"])
        recordings = [(p.name, file_digest(p, memo)) for p in sorted(folder.rglob("*")) if p.is_file()]
    facts = {
        "reelforge": __version__, "lang": lang, "draft": draft, "id": script.id, "title": pick(script.title),
        "digits": script.digits, "subtitles": [script.subtitles.burn, script.subtitles.style,
                                               script.subtitles.sidecar, also],
        "music": None if script.music is None else [file_digest(script.music.file, memo), script.music.volume_db,
                                                    script.music.duck_db],
        "scenes": [scene_facts(s) for s in script.scenes],
        "template": [file_digest(p, memo) for p in script.template.chain],
        "brand": [(str(p.relative_to(script.brand.path)), file_digest(p, memo))
                  for p in sorted(script.brand.path.rglob("*")) if p.is_file()],
        "voice": None if voice is None else [voice.engine, voice.language, sorted((k, str(v)) for k, v in voice.options.items()),
                                             recordings],
        "platform": asdict(registry()[platform]),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def shard_of(name: str, n: int) -> int:
    """A stable shard for a job name: the same on every machine and run."""
    return zlib.crc32(name.encode()) % n


def plan(paths: list[Path], draft: bool = False, shard: Optional[tuple[int, int]] = None):
    """(jobs, failures): every output to consider, and the scripts that could not be loaded."""
    from .load import load_script
    jobs, failures, memo = [], [], {}
    for path in discover(paths):
        try:
            script = load_script(path)
        except ReelforgeError as exc:
            failures.append({"name": display(path), "ok": False, "error": exc.format_message()})
            continue
        for lang in script.languages:
            for platform in script.platforms:
                job = Job(str(path), script.id, lang, platform, job_key(script, lang, platform, draft, memo), draft)
                if shard is None or shard_of(job.name, shard[1]) == shard[0] - 1:
                    jobs.append(job)
    return jobs, failures


def key_file(out: Path, job: Job) -> Path:
    return out / KEYS / job.id / job.lang / f"{job.platform}.key"


def up_to_date(out: Path, job: Job) -> bool:
    kf = key_file(out, job)
    video = out / job.id / job.lang / f"{job.platform}.mp4"
    return video.is_file() and kf.is_file() and kf.read_text().strip() == job.key


def run_job(job: Job, out: str) -> dict:
    """Render one output and check it. Runs in a worker process or on a Dask worker; never raises."""
    from .check import check
    from .load import load_script
    from .render import check as precheck
    from .render import platform_for, render_one
    from .speech import SpeechCache, voice_lines
    from .timeline import build
    out_dir = Path(out)
    start = time.perf_counter()
    try:
        script = load_script(job.script)
        lines = voice_lines(script, job.lang, SpeechCache())
        precheck(script, [job.lang], [job.platform], {job.lang: lines})
        tl = build(script, job.lang, platform_for(job.platform, job.draft), lines)
        o = render_one(tl, out_dir, job.draft)
        report = check(o.video, registry()[job.platform], job.draft)
        write_atomic(key_file(out_dir, job), job.key + "\n")
        return {"name": job.name, "ok": True, "id": job.id, "lang": job.lang, "platform": job.platform,
                "script": display(job.script), "seconds": round(time.perf_counter() - start, 2),
                "duration": round(o.duration, 3), "files": [str(f.relative_to(out_dir)) for f in o.files],
                "timing": o.timing, "check": report.as_dict(), "key": job.key}
    except ReelforgeError as exc:
        return {"name": job.name, "ok": False, "error": exc.format_message()}
    except Exception as exc:  # a job's failure is reported, never allowed to stop the others
        return {"name": job.name, "ok": False, "error": f"{type(exc).__name__}: {exc}"}


def execute(jobs: list[Job], out: Path, workers: int, scheduler: Optional[str],
            on_done: Callable[[dict], None]) -> list[dict]:
    results = []
    if not jobs:
        return results
    if scheduler:
        from dask.distributed import Client, as_completed
        with Client(scheduler) as client:
            futures = client.map(run_job, jobs, out=str(out), pure=False)
            for fut in as_completed(futures):
                results.append(fut.result())
                on_done(results[-1])
        return results
    if workers <= 1:
        for job in jobs:
            results.append(run_job(job, str(out)))
            on_done(results[-1])
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(run_job, job, str(out)) for job in jobs]
        for fut in as_completed(futures):
            results.append(fut.result())
            on_done(results[-1])
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def write_reports(out: Path, results: list[dict], failures: list[dict], skipped: list[Job]) -> None:
    """OUT/manifest.json, OUT/<id>/manifest.json and OUT/index.html, merged with earlier builds."""
    path = out / "manifest.json"
    old = {}
    if path.is_file():
        try:
            old = {o["name"]: o for o in json.loads(path.read_text("utf-8")).get("outputs", [])}
        except (ValueError, KeyError, TypeError):
            old = {}
    for r in results:
        if r.get("ok"):
            old[r["name"]] = r
    live = {j.name for j in skipped} | {r["name"] for r in results if r.get("ok")}
    outputs = sorted((o for name, o in old.items() if name in live or (out / name).with_suffix(".mp4").is_file()),
                     key=lambda o: o["name"])
    failed = [r for r in results if not r.get("ok")] + failures
    data = {"reelforge": __version__, "outputs": outputs, "failures": failed}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    by_script: dict[str, list] = {}
    for o in outputs:
        by_script.setdefault(o["id"], []).append(o)
    for sid, outs in by_script.items():
        write_atomic(out / sid / "manifest.json", json.dumps(
            {"id": sid, "script": outs[0]["script"], "reelforge": __version__, "outputs": outs},
            ensure_ascii=False, indent=2) + "\n")
    from .report import html
    write_atomic(out / "index.html", html(outputs, failed))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
