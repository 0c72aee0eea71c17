"""`reelforge build`: every script under some folders × its languages × its platforms, incrementally.

Each output's key is `reelforge.contentkey.content_key`; an output whose key file matches and whose
video exists is not rendered again. Jobs run the same pipeline as `reelforge render`, in local worker
processes or on a Dask cluster; one failure never stops the others.
"""
from __future__ import annotations

import os
import re
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Union

from .check import check
from .contentkey import content_key
from .encode import write_atomic
from .errors import ReelforgeError, display
from .load import load_script
from .manifest import write_build_manifest, write_script_manifests
from .pipeline import Output, prepare, render_outputs
from .platforms import registry
from .report import html

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


@dataclass(frozen=True)
class Failure:
    name: str                # id/lang/platform, or the script file that could not be loaded
    error: str


Result = Union[Output, Failure]


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


def shard_of(name: str, n: int) -> int:
    """A stable shard for a job name: the same on every machine and run."""
    return zlib.crc32(name.encode()) % n


def plan(paths: list[Path], draft: bool = False, shard: Optional[tuple[int, int]] = None):
    """(jobs, failures): every output to consider, and the scripts that could not be loaded."""
    jobs, failures, memo = [], [], {}
    for path in discover(paths):
        try:
            script = load_script(path)
        except ReelforgeError as exc:
            failures.append(Failure(display(path), exc.format_message()))
            continue
        for lang in script.languages:
            for platform in script.platforms:
                job = Job(str(path), script.id, lang, platform, content_key(script, lang, platform, draft, memo), draft)
                if shard is None or shard_of(job.name, shard[1]) == shard[0] - 1:
                    jobs.append(job)
    return jobs, failures


def key_file(out: Path, job: Job) -> Path:
    return out / KEYS / job.id / job.lang / f"{job.platform}.key"


def up_to_date(out: Path, job: Job) -> bool:
    kf = key_file(out, job)
    video = out / job.id / job.lang / f"{job.platform}.mp4"
    return video.is_file() and kf.is_file() and kf.read_text().strip() == job.key


def run_job(job: Job, out: str) -> Result:
    """Render one output and check it. Runs in a worker process or on a Dask worker; never raises."""
    try:
        prepared = prepare(load_script(job.script), [job.lang], [job.platform], draft=job.draft)
        [o] = render_outputs(prepared, Path(out))
        o = replace(o, check=check(o.video, registry()[job.platform], job.draft).as_dict())
        write_atomic(key_file(Path(out), job), o.key + "\n")
        return o
    except ReelforgeError as exc:
        return Failure(job.name, exc.format_message())
    except Exception as exc:  # a job's failure is reported, never allowed to stop the others
        return Failure(job.name, f"{type(exc).__name__}: {exc}")


def execute(jobs: list[Job], out: Path, workers: int, scheduler: Optional[str],
            on_done: Callable[[Result], None]) -> list[Result]:
    results = []
    if not jobs:
        return results
    if scheduler:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
        with Client(scheduler) as client:
            futures = client.map(run_job, jobs, out=str(out), pure=False)
            for fut in dask_completed(futures):
                results.append(fut.result())
                on_done(results[-1])
        return results
    if workers <= 1:
        for job in jobs:
            results.append(run_job(job, str(out)))
            on_done(results[-1])
        return results
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


def write_reports(out: Path, results: list[Result]) -> None:
    """OUT/<id>/manifest.json, OUT/manifest.json and OUT/index.html, merged with earlier builds."""
    outputs = [r for r in results if isinstance(r, Output)]
    failures = [asdict(r) for r in results if isinstance(r, Failure)]
    write_script_manifests(out, outputs)
    write_atomic(out / "index.html", html(write_build_manifest(out, outputs, failures), failures))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
