"""`reelforge build`: every script under some folders × its languages × its platforms, incrementally.

Each output's key is `reelforge.contentkey.content_key`; an output whose key file matches and whose
video exists is not rendered again. Jobs run the same pipeline as `reelforge render`, in local worker
processes or on a Dask cluster; one failure never stops the others.

Outputs go to a folder or an fsspec URL (`reelforge.storage`). On a cluster each job carries its inputs
(`reelforge.bundle`: files by content, each scattered once per build and shared by the jobs that use
it), unpacked into a private folder on the worker; a job whose worker dies is run again elsewhere, at
most `retries` times, and reported.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, Optional, Union

from . import storage
from .bundle import Bundle, blobs as read_blobs, collect, unpack
from .check import check
from .contentkey import content_key
from .encode import die_with_parent, sweep_partials
from .config.limits import read_capped
from .errors import Problem, ReelforgeError, display
from .load import load_script
from .manifest import write_build_manifest, write_script_manifests
from .pipeline import (OUT_HINT, Interrupted, Output, frame_platform, prepare, raise_interrupted, render_outputs,
                       signal_pending)
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
    bundle: Optional[Bundle] = None    # the input files by content, for a job run on another machine
    shown: str = ""          # the script's path as the user reads it (manifests)

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
        bundle = collect(script, memo)
        for lang in script.languages:
            for platform in script.platforms:
                job = Job(str(path), script.id, lang, platform, content_key(script, lang, platform, draft, memo), draft,
                          bundle, display(path))
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


def key_name(job: Job) -> str:
    return f"{KEYS}/{job.name}.key"


def key_file(out: Path, job: Job) -> Path:
    return out / key_name(job)


def up_to_date(out: Union[Path, str], job: Job) -> bool:
    """Is the output published at `out` (a folder or a URL) with the job's key?"""
    dest = storage.target(out)
    return (dest.read_text(key_name(job)) or "").strip() == job.key and dest.exists(f"{job.name}.mp4")


def run_job(job: Job, out: str) -> Result:
    """Render one output and check it. Runs in a worker process or on a Dask worker; never raises."""
    return run_jobs((job,), out)[0]


def run_jobs(jobs: tuple[Job, ...], out: str, blobs: Optional[Mapping[str, bytes]] = None) -> list[Result]:
    """Render outputs of one script and language together (identical frames drawn once, identical files
    encoded once: see pipeline.render_outputs) and check each. `out` is a folder (rendered straight
    into it, as `render` does) or an fsspec URL (rendered into a private folder, then each file put at its
    name). With `blobs` (a cluster job) the inputs are first unpacked from the job's bundle into a private
    folder, and the content key computed there must be the planned one. The key file is written last.
    Never raises: one result per job."""
    work = None
    try:
        first, dest = jobs[0], storage.target(out, OUT_HINT)
        if blobs is not None or dest.url:
            work = Path(tempfile.mkdtemp(prefix="reelforge-job-", dir=_scratch()))
        script = load_script(unpack(first.bundle, blobs, work / "project") if blobs is not None else first.script)
        if blobs is not None and any(content_key(script, j.lang, j.platform, j.draft) != j.key for j in jobs):
            return [Failure(j.name, "the inputs unpacked on the worker do not give the planned content key: install "
                                    "the same reelforge version on the workers as on the machine that plans the build")
                    for j in jobs]
        folder = work / "out" if dest.url else dest.root
        prepared = prepare(script, [first.lang], [j.platform for j in jobs], draft=first.draft)
        outputs = {o.platform: o for o in render_outputs(prepared, folder)}
        results: list[Result] = []
        for job in jobs:
            o = outputs[job.platform]
            o = replace(o, script=job.shown or o.script, check=check(o.video, registry()[job.platform], job.draft).as_dict())
            if dest.url:
                o = publish(dest, folder, o)
            dest.put_text(key_name(job), o.key + "\n")
            results.append(o)
        return results
    except ReelforgeError as exc:
        return [Failure(job.name, exc.format_message()) for job in jobs]
    except Exception as exc:  # a job's failure is reported, never allowed to stop the others
        return [Failure(job.name, f"{type(exc).__name__}: {exc}") for job in jobs]
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def publish(dest: storage.Target, folder: Path, o: Output) -> Output:
    """Put each file of `o` (rendered under `folder`) at the same name in `dest`, the video last (each put
    is atomic); `o` with its paths relative to the output root."""
    rel = lambda f: Path(f).relative_to(folder)
    for f in [f for f in o.files if f != o.video] + [o.video]:
        dest.put_file(f, rel(f).as_posix())
    return replace(o, video=rel(o.video), cover=rel(o.cover), files=[rel(f) for f in o.files])


def _scratch() -> Optional[str]:
    """The Dask worker's own folder when running on one (removed with the worker), else the temp folder."""
    if "distributed" not in sys.modules:        # not on a Dask worker, and no need to import it
        return None
    try:
        return sys.modules["distributed"].get_worker().local_directory
    except (AttributeError, ValueError):
        return None


def batch_name(jobs: tuple[Job, ...]) -> str:
    return ",".join(j.name for j in jobs)


def run_shipped(jobs: tuple[Job, ...], out: str, blobs: Mapping[str, bytes], retries: int, topic: str) -> list[Result]:
    """run_jobs on a Dask worker. Each attempt is logged as an event of `topic` (worker address): when a
    worker dies mid-job the scheduler runs the task again elsewhere, and an attempt that finds more than
    `retries` earlier ones gives up with a failure naming the dead workers."""
    from distributed import get_client, get_worker
    worker = get_worker()
    name = batch_name(jobs)
    earlier = [m["worker"] for _, m in get_client().get_events(topic) if m.get("batch") == name]
    if len(earlier) > retries:
        why = f"the workers running it died ({', '.join(earlier)}); not run again (--retries {retries})"
        return [Failure(j.name, why) for j in jobs]
    worker.log_event(topic, {"batch": name, "worker": worker.address})
    return run_jobs(jobs, out, blobs)


def project_root(job: Job) -> Path:
    return Path(job.script).parents[len(Path(job.bundle.script).parts) - 1]


def shipped_blobs(jobs: list[Job]) -> dict[str, bytes]:
    """Every input file of `jobs`, by sha256, each read once."""
    scripts = {j.script: j for j in jobs}.values()
    return read_blobs((project_root(j), j.bundle) for j in scripts)


def same_frames(jobs: list[Job]) -> list[tuple[Job, ...]]:
    """`jobs` grouped so the pool does shared work once: same script, language and frame-shaping platform
    facts (size, fps, safe area; see pipeline.frame_platform). The render checks the frames themselves."""
    out: dict[tuple, list[Job]] = {}
    for job in jobs:
        key = (job.script, job.lang, job.draft, frame_platform(platform_for(job.platform, job.draft)))
        out.setdefault(key, []).append(job)
    return [tuple(g) for g in out.values()]


def execute(jobs: list[Job], out: Union[Path, str], workers: int, scheduler: Optional[str],
            on_done: Callable[[Result], None], *, retries: int = 2, blobs: Optional[Mapping[str, bytes]] = None,
            on_retry: Optional[Callable[[str, list[str]], None]] = None) -> list[Result]:
    """Run every job; on KeyboardInterrupt (Ctrl-C, or SIGTERM as pipeline.Interrupted) stop the workers
    at once, cancel what is pending and re-raise. On a cluster (`scheduler`), `blobs` are the jobs' input
    files (read from the project when not given); `on_retry(batch, workers)` hears of each job run more
    than once because its workers died."""
    results = []
    if not jobs:
        return results
    batches = same_frames(jobs)
    if scheduler:
        return on_cluster(batches, str(out), scheduler, retries, blobs or shipped_blobs(jobs), on_done, on_retry)
    if workers <= 1:
        for batch in batches:
            for r in run_jobs(batch, str(out)):
                results.append(r)
                on_done(r)
        return results
    return in_pools(batches, out, workers, retries, on_done, on_retry)


def in_pools(batches: list[tuple[Job, ...]], out: Union[Path, str], workers: int, retries: int,
             on_done: Callable[[Result], None], on_retry=None) -> list[Result]:
    """The batches in a pool of local worker processes. A worker killed from outside (OOM, kill) breaks
    the pool, and every batch it had not finished fails with it: those are run again in a new pool, each
    at most `retries` more times, after the dead worker's temporary files are removed; then they fail,
    not the build."""
    results: list[Result] = []
    attempts: dict[str, list[str]] = {}
    pending, generation = batches, 0
    while pending:
        generation += 1
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
        try:
            futures = {pool.submit(_pool_job, batch, str(out)): batch for batch in pending}
            pending = []
            for fut in as_completed(futures):
                batch = futures[fut]
                name = batch_name(batch)
                attempts.setdefault(name, []).append(f"local pool {generation}")
                try:
                    done = fut.result()
                except BrokenProcessPool as exc:
                    if len(attempts[name]) <= retries:
                        pending.append(batch)
                        continue
                    done = [Failure(job.name, f"the worker process was stopped {len(attempts[name])} times ({exc})")
                            for job in batch]
                for r in done:
                    results.append(r)
                    on_done(r)
        except BaseException:
            _stop(pool, out)
            raise
        pool.shutdown()
        if pending and isinstance(out, Path):
            sweep_partials(out)
    for name, ws in sorted(attempts.items()):
        if len(ws) > 1 and on_retry:
            on_retry(name, ws)
    return results


def on_cluster(batches: list[tuple[Job, ...]], out: str, scheduler: str, retries: int, blobs: Mapping[str, bytes],
               on_done: Callable[[Result], None], on_retry=None) -> list[Result]:
    """The batches on a Dask cluster, each a task of run_shipped. Each distinct input file is scattered once
    and shared by every job that uses it. Scattered data lives only on workers: when a dying worker took
    a job's inputs with it, the scheduler cancels the job, and it is submitted again (inputs scattered
    again), within the same `retries`."""
    from concurrent.futures import CancelledError
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed
    topic = f"reelforge-attempts-{uuid.uuid4().hex}"
    results: list[Result] = []
    with Client(scheduler) as client:
        shipped: dict = {}

        def ship(hashes) -> None:
            hashes = sorted(h for h in set(hashes) if h in blobs)
            shipped.update(zip(hashes, client.scatter([blobs[h] for h in hashes], hash=False)))

        def submit(batch):
            inputs = {h: shipped[h] for _, h in batch[0].bundle.files if h in shipped}
            return client.submit(run_shipped, batch, out, inputs, retries, topic, pure=False)

        ship(h for batch in batches for _, h in batch[0].bundle.files)
        futures = {submit(batch): batch for batch in batches}
        again: dict[str, int] = {}
        pending = dask_completed(list(futures))
        try:
            for fut in pending:
                batch = futures.pop(fut)
                try:
                    done = fut.result()
                except CancelledError as exc:      # its inputs died with a worker
                    name = batch_name(batch)
                    again[name] = again.get(name, 0) + 1
                    if again[name] <= retries:
                        ship(h for _, h in batch[0].bundle.files if shipped[h].status != "finished")
                        refut = submit(batch)
                        futures[refut] = batch
                        pending.add(refut)
                        continue
                    done = [Failure(j.name, f"its inputs were lost with dying workers {again[name]} times ({exc})")
                            for j in batch]
                except Exception as exc:      # KilledWorker (the scheduler's allowed-failures), a worker without reelforge
                    done = [Failure(j.name, f"{type(exc).__name__}: {exc}") for j in batch]
                for r in done:
                    results.append(r)
                    on_done(r)
        except BaseException:
            client.cancel(list(futures))
            raise
        attempts: dict[str, list[str]] = {}
        for _, m in client.get_events(topic):
            attempts.setdefault(m["batch"], []).append(m["worker"])
        for name, ws in sorted(attempts.items()):
            if len(ws) > 1 and on_retry:
                on_retry(name, ws)
    return results


def _stop(pool: ProcessPoolExecutor, out) -> None:
    """End the workers now: SIGTERM (each removes its temporary files and stops its ffmpeg), SIGKILL for
    any still running after 3 s, whose temporary files under `out` are then removed here. The pool then
    fails every pending job, so none starts."""
    procs = list((pool._processes or {}).values())
    for proc in procs:
        proc.terminate()
    deadline = time.monotonic() + 3
    killed = False
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()
            killed = True
    if killed and isinstance(out, Path):
        sweep_partials(out)
    pool.shutdown(wait=True)     # the pool notices its dead workers and marks every pending future failed


_in_job = False       # in a pool worker: whether a job is running (SIGTERM then unwinds it)


def _worker_init(parent: int) -> None:
    """Pool worker setup: Ctrl-C is the parent's to handle; SIGTERM stops the worker; the worker ends
    when its parent dies (PR_SET_PDEATHSIG on Linux, and a check of the parent pid every second)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_sigterm)
    signal_pending().clear()
    die_with_parent()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


ORPHAN_GRACE = 5.0      # seconds an orphaned worker has to unwind its job before it is ended outright


def _watch_parent(parent: int) -> None:
    """SIGTERM once the parent is gone (if PR_SET_PDEATHSIG did not already stop the worker), then the
    end: a signal's exception can be swallowed (raised in a finaliser) and nothing must run orphaned."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE)
    os._exit(128 + signal.SIGTERM)


def _worker_sigterm(signum, frame):
    if _in_job:
        raise_interrupted(signum, frame)      # unwinds the job: temporary files removed, ffmpeg killed
    os._exit(128 + signum)


def _pool_job(jobs: tuple[Job, ...], out: str) -> list[Result]:
    """run_jobs in a pool worker; the worker exits once an interrupted job has cleaned up, and after a
    job that finished although a signal came (its exception swallowed after the last frame)."""
    global _in_job
    try:
        _in_job = True
        result = run_jobs(jobs, out)
        _in_job = False
    except Interrupted as exc:
        os._exit(exc.code)
    if signal_pending():
        os._exit(128 + signal_pending()[0])
    return result


def write_reports(out: Union[Path, str], results: list[Result], retried: Optional[list[dict]] = None) -> None:
    """OUT/<id>/manifest.json, OUT/manifest.json and OUT/index.html (a folder or a URL), merged with earlier
    builds; `retried`: the jobs run again because their workers died ({name, workers})."""
    dest = storage.target(out, OUT_HINT)
    outputs = [r for r in results if isinstance(r, Output)]
    failures = [asdict(r) for r in results if isinstance(r, Failure)]
    write_script_manifests(dest, outputs)
    dest.put_text("index.html", html(write_build_manifest(dest, outputs, failures, retried or []), failures))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
