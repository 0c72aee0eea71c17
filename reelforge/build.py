"""`reelforge build`: every script under some folders × its languages × its platforms, incrementally.

Each output's key is `reelforge.contentkey.content_key`; an output whose key file matches and whose
video exists is not rendered again. Jobs run the same pipeline as `reelforge render`, in local worker
processes or on a Dask cluster; one failure never stops the others.
"""
from __future__ import annotations

import os
import re
import signal
import threading
import time
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Union

from .check import check
from .contentkey import content_key
from .encode import die_with_parent, write_atomic
from .config.limits import read_capped
from .errors import Problem, ReelforgeError, display
from .load import load_script
from .manifest import write_build_manifest, write_script_manifests
from .pipeline import OUT_HINT, Interrupted, Output, frame_platform, prepare, render_outputs
from .platforms import platform_for, registry
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
        files = [root] if root.exists() and not root.is_dir() else sorted(root.rglob("*.y*ml"))
        for f in files:
            rel = f.relative_to(root) if root.is_dir() else Path(f.name)
            if any(part in KIT_DIRS or part.startswith(".") for part in rel.parts[:-1]) or f.name.startswith("."):
                continue
            try:
                head = read_capped(f, 4000)[:4000].decode("utf-8", errors="replace")
            except IsADirectoryError:
                continue
            except OSError:         # a FIFO, device or socket named like a script: the loader reports it
                found.append(f.resolve())
                continue
            if re.search(r"^reelforge\s*:", head, re.M):
                found.append(f.resolve())
    return sorted(dict.fromkeys(found))


def shard_of(name: str, n: int) -> int:
    """A stable shard for a job name: the same on every machine and run."""
    return zlib.crc32(name.encode()) % n


def plan(paths: list[Path], draft: bool = False, shard: Optional[tuple[int, int]] = None):
    """(jobs, failures): every output to consider, and the scripts that could not be loaded."""
    jobs, failures, memo, ids = [], [], {}, {}
    for path in discover(paths):
        try:
            script = load_script(path)
            same_id(script, ids)
        except ReelforgeError as exc:
            failures.append(Failure(display(path), exc.format_message()))
            continue
        for lang in script.languages:
            for platform in script.platforms:
                job = Job(str(path), script.id, lang, platform, content_key(script, lang, platform, draft, memo), draft)
                if shard is None or shard_of(job.name, shard[1]) == shard[0] - 1:
                    jobs.append(job)
    return jobs, failures


def same_id(script, ids: dict) -> None:
    """Record the script's id in `ids` (id -> path); a ReelforgeError naming both files when another
    script has it: both would write the same outputs."""
    other = ids.setdefault(script.id, script.path)
    if other != script.path:
        raise ReelforgeError([Problem(display(script.path), *script.pos.get("id", (1, 1)), "id",
                                      f"'{script.id}' is also the id of {display(other)}: both would write "
                                      f"OUT/{script.id}; give each script its own `id:`")])


def key_file(out: Path, job: Job) -> Path:
    return out / KEYS / job.id / job.lang / f"{job.platform}.key"


def up_to_date(out: Path, job: Job) -> bool:
    kf = key_file(out, job)
    video = out / job.id / job.lang / f"{job.platform}.mp4"
    return video.is_file() and kf.is_file() and kf.read_text().strip() == job.key


def run_job(job: Job, out: str) -> Result:
    """Render one output and check it. Runs in a worker process or on a Dask worker; never raises."""
    return run_jobs((job,), out)[0]


def run_jobs(jobs: tuple[Job, ...], out: str) -> list[Result]:
    """Render outputs of one script and language together (identical frames drawn once, identical files
    encoded once: see pipeline.render_outputs) and check each. Never raises: one result per job."""
    try:
        first = jobs[0]
        prepared = prepare(load_script(first.script), [first.lang], [j.platform for j in jobs], draft=first.draft)
        outputs = {o.platform: o for o in render_outputs(prepared, Path(out))}
        results: list[Result] = []
        for job in jobs:
            o = outputs[job.platform]
            o = replace(o, check=check(o.video, registry()[job.platform], job.draft).as_dict())
            write_atomic(key_file(Path(out), job), o.key + "\n", OUT_HINT)
            results.append(o)
        return results
    except ReelforgeError as exc:
        return [Failure(job.name, exc.format_message()) for job in jobs]
    except Exception as exc:  # a job's failure is reported, never allowed to stop the others
        return [Failure(job.name, f"{type(exc).__name__}: {exc}") for job in jobs]


def same_frames(jobs: list[Job]) -> list[tuple[Job, ...]]:
    """`jobs` grouped so the pool does shared work once: same script, language and frame-shaping platform
    facts (size, fps, safe area; see pipeline.frame_platform). The render checks the frames themselves."""
    out: dict[tuple, list[Job]] = {}
    for job in jobs:
        key = (job.script, job.lang, job.draft, frame_platform(platform_for(job.platform, job.draft)))
        out.setdefault(key, []).append(job)
    return [tuple(g) for g in out.values()]


def execute(jobs: list[Job], out: Path, workers: int, scheduler: Optional[str],
            on_done: Callable[[Result], None]) -> list[Result]:
    """Run every job; on KeyboardInterrupt (Ctrl-C, or SIGTERM as pipeline.Interrupted) stop the workers
    at once, cancel what is pending and re-raise."""
    results = []
    if not jobs:
        return results
    batches = same_frames(jobs)
    if scheduler:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
        with Client(scheduler) as client:
            futures = client.map(run_jobs, batches, out=str(out), pure=False)
            try:
                for fut in dask_completed(futures):
                    for r in fut.result():
                        results.append(r)
                        on_done(r)
            except BaseException:
                client.cancel(futures)
                raise
        return results
    if workers <= 1:
        for batch in batches:
            for r in run_jobs(batch, str(out)):
                results.append(r)
                on_done(r)
        return results
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(_pool_job, batch, str(out)): batch for batch in batches}
        for fut in as_completed(futures):
            try:
                done = fut.result()
            except BrokenProcessPool as exc:      # a worker killed from outside: its jobs fail, not the build
                done = [Failure(job.name, f"the worker process was stopped ({exc})") for job in futures[fut]]
            for r in done:
                results.append(r)
                on_done(r)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now: SIGTERM (each removes its temporary files and stops its ffmpeg), SIGKILL for
    any still running after 3 s. The pool then fails every pending job, so none starts."""
    procs = list((pool._processes or {}).values())
    for proc in procs:
        proc.terminate()
    deadline = time.monotonic() + 3
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()
    pool.shutdown(wait=True)     # the pool notices its dead workers and marks every pending future failed


_in_job = False       # in a pool worker: whether a job is running (SIGTERM then unwinds it)


def _worker_init(parent: int) -> None:
    """Pool worker setup: Ctrl-C is the parent's to handle; SIGTERM stops the worker; the worker ends
    when its parent dies (PR_SET_PDEATHSIG on Linux, and a check of the parent pid every second)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_sigterm)
    die_with_parent()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def _worker_sigterm(signum, frame):
    signal.signal(signum, signal.SIG_IGN)
    if _in_job:
        raise Interrupted(signum)      # unwinds the job: temporary files removed, ffmpeg killed
    os._exit(128 + signum)


def _pool_job(jobs: tuple[Job, ...], out: str) -> list[Result]:
    """run_jobs in a pool worker; the worker exits once an interrupted job has cleaned up."""
    global _in_job
    try:
        _in_job = True
        result = run_jobs(jobs, out)
        _in_job = False
        return result
    except Interrupted as exc:
        os._exit(exc.code)


def write_reports(out: Path, results: list[Result]) -> None:
    """OUT/<id>/manifest.json, OUT/manifest.json and OUT/index.html, merged with earlier builds."""
    outputs = [r for r in results if isinstance(r, Output)]
    failures = [asdict(r) for r in results if isinstance(r, Failure)]
    write_script_manifests(out, outputs)
    write_atomic(out / "index.html", html(write_build_manifest(out, outputs, failures), failures), OUT_HINT)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
