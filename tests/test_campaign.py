"""Campaign scale: cluster jobs carry their inputs, outputs go to object storage, dead workers are retried."""
from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from reelforge import storage
from reelforge.build import Failure, execute, plan, shipped_blobs, write_reports
from reelforge.bundle import Incomplete, unpack
from reelforge.cli import main
from reelforge.contentkey import content_key
from reelforge.load import load_script
from reelforge.speech import SpeechCache
from reelforge.tts import Audio

from .conftest import REPO

distributed = pytest.importorskip("dask.distributed")

SCRIPT = """\
reelforge: 1
id: {id}
title: {{ar: "حملة", fr: "Campagne"}}
brand: demo
languages: [{langs}]
platforms: [reels]
voice: {{{voices}}}
subtitles: {{burn: true, style: block, sidecar: [srt, vtt]}}
scenes:
  - id: one
    layout: image
    image: ../assets/pic.png
    text: {{{texts}}}
    say: {{{says}}}
    duration: {duration}
"""


def make_project(root: Path, langs="ar, fr", fr="Bonjour à tous.", duration=2, sid="camp") -> Path:
    """A project with copies of the shipped kits, one script and one image asset; a private speech cache."""
    for d in ("brand", "templates", "voices"):
        shutil.copytree(REPO / d, root / d)
    (root / "scripts").mkdir()
    (root / "assets").mkdir()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(root / "assets" / "pic.png")
    codes = [c.strip() for c in langs.split(",")]
    pick = lambda d: ", ".join(f'{c}: "{d[c]}"' for c in codes)
    (root / "scripts" / f"{sid}.yaml").write_text(SCRIPT.format(
        id=sid, langs=langs, voices=", ".join(f"{c}: {c}-offline" for c in codes), duration=duration,
        texts=pick({"ar": "مرحبا", "fr": "Bonjour"}), says=pick({"ar": "مرحبا بكم.", "fr": fr})), "utf-8")
    return root


def local_cluster(tmp_path):
    """Two worker processes on loopback, each with its own work folder; they inherit the environment."""
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address=None, local_directory=str(tmp_path / "workers"))


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """A private speech cache, the cwd elsewhere than the project, and a local cluster."""
    monkeypatch.setenv("REELFORGE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    with local_cluster(tmp_path) as c:
        yield c


def files_of(out: Path) -> dict[str, bytes]:
    """Every output file (videos, covers, sidecars, keys), by path; manifests and the report page hold render
    times, so they are compared by content elsewhere."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".mp4", ".jpg", ".srt", ".vtt", ".key")}


def run(jobs, out, scheduler=None, **kw):
    results = execute(jobs, out, 1, scheduler, lambda r: None, **kw)
    assert not [r for r in results if isinstance(r, Failure)], results
    return results


def test_the_content_key_and_bundle_do_not_depend_on_where_the_project_is(tmp_path, monkeypatch):
    monkeypatch.setenv("REELFORGE_CACHE", str(tmp_path / "cache"))
    project = make_project(tmp_path / "p")
    jobs, failures = plan([project / "scripts"])
    assert not failures and len(jobs) == 2
    bundle = jobs[0].bundle
    names = [rel for rel, _ in bundle.files]
    assert bundle.script == "scripts/camp.yaml" and "scripts/camp.yaml" in names
    assert "assets/pic.png" in names and "templates/explainer.yaml" in names
    assert "brand/demo/brand.yaml" in names and any(n.startswith("brand/demo/fonts/") for n in names)
    assert "voices/ar-offline.yaml" in names and "voices/fr-offline.yaml" in names
    assert not any(n.startswith("brand/sahel/") for n in names)      # another kit: not this script's input
    # unpacked elsewhere, the model gives the same keys
    blobs = shipped_blobs(jobs)
    assert len(blobs) == len({h for _, h in bundle.files})
    script = load_script(unpack(bundle, blobs, tmp_path / "w"))
    assert [content_key(script, j.lang, j.platform, j.draft) for j in jobs] == [j.key for j in jobs]
    # a file whose content is not the one planned is refused, not rendered
    digest = dict(bundle.files)["assets/pic.png"]
    with pytest.raises(Incomplete, match="assets/pic.png"):
        unpack(bundle, {**blobs, digest: b"changed"}, tmp_path / "w2")


def test_cluster_jobs_carry_their_inputs_and_match_a_local_build(tmp_path, cluster):
    project = make_project(tmp_path / "project")
    jobs, _ = plan([project / "scripts"], draft=True)
    run(jobs, tmp_path / "local")
    # plan again, read the inputs, then take the project away before any job runs
    jobs, _ = plan([project / "scripts"], draft=True)
    blobs = shipped_blobs(jobs)
    project.rename(tmp_path / "gone")
    results = run(jobs, tmp_path / "remote", cluster.scheduler_address, blobs=blobs)
    write_reports(tmp_path / "remote", results)
    local, remote = files_of(tmp_path / "local"), files_of(tmp_path / "remote")
    assert len(local) == 2 * 5 and local.keys() == remote.keys()
    assert [k for k in local if local[k] != remote[k]] == []            # byte-identical
    manifest = json.loads((tmp_path / "remote" / "manifest.json").read_text("utf-8"))
    assert sorted(o["name"] for o in manifest["outputs"]) == ["camp/ar/reels", "camp/fr/reels"]
    assert all((tmp_path / "remote" / f).is_file() for o in manifest["outputs"] for f in o["files"])
    assert not list((tmp_path / "workers").rglob("reelforge-job-*"))    # private work folders removed


@pytest.fixture
def s3(monkeypatch):
    """An S3-compatible server (moto) on loopback, with one bucket."""
    moto_server = pytest.importorskip("moto.server")
    s3fs = pytest.importorskip("s3fs")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for k, v in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                 "AWS_ENDPOINT_URL": f"http://{host}:{port}", "FSSPEC_S3_ENDPOINT_URL": f"http://{host}:{port}"}.items():
        monkeypatch.setenv(k, v)
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem(endpoint_url=f"http://{host}:{port}")
    fs.mkdir("campaign")
    yield fs
    s3fs.S3FileSystem.clear_instance_cache()
    server.stop()


def test_outputs_to_object_storage_and_a_fresh_rebuild_renders_nothing(tmp_path, s3, monkeypatch):
    project = make_project(tmp_path / "project", langs="fr")
    monkeypatch.chdir(project)
    monkeypatch.setenv("REELFORGE_CACHE", "s3://campaign/cache")   # the speech cache shared through the bucket
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "local-cache"))   # and each machine's local copy
    build = ["build", "scripts", "--draft", "--json", "-o", "s3://campaign/out"]
    with local_cluster(tmp_path) as cluster:
        first = CliRunner().invoke(main, [*build, "--scheduler", cluster.scheduler_address])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout[first.stdout.index("{"):])
    assert summary["rendered"] == ["camp/fr/reels"] and summary["report"] == "s3://campaign/out/index.html"
    s3.invalidate_cache()
    names = {p.split("campaign/", 1)[1] for p in s3.find("campaign")}
    assert {"out/camp/fr/reels.mp4", "out/camp/fr/reels.jpg", "out/camp/fr/reels.srt", "out/camp/fr/reels.vtt",
            "out/.reelforge/camp/fr/reels.key", "out/camp/manifest.json", "out/manifest.json",
            "out/index.html"} <= names
    assert any(n.startswith("cache/speech/") and n.endswith(".entry") for n in names)
    assert not [n for n in names if "partial" in n]
    manifest = json.loads(s3.cat_file("campaign/out/manifest.json"))
    assert manifest["outputs"][0]["files"][0] == "camp/fr/reels.mp4"
    assert s3.cat_file("campaign/out/camp/fr/reels.mp4")[4:8] == b"ftyp"
    # a fresh machine: no local output, another local cache; the keys are read from the bucket
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh"))
    again = CliRunner().invoke(main, build)
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout[again.stdout.index("{"):])
    assert summary["rendered"] == [] and summary["skipped"] == 1
    # a store that cannot be written, a URL no filesystem serves: one line each, no traceback
    bad = CliRunner().invoke(main, ["build", "scripts", "-o", "s3://no-such-bucket/out"])
    assert bad.exit_code == 1 and bad.output.startswith("s3://no-such-bucket/out/") and "Traceback" not in bad.output
    assert len(bad.output.strip().splitlines()) == 1, bad.output
    bad = CliRunner().invoke(main, ["build", "scripts", "-o", "nosuch://x"])
    assert bad.exit_code == 2 and "-o nosuch://x" in bad.output
    # an edited text is rendered again and published over the old one
    script = project / "scripts" / "camp.yaml"
    script.write_text(script.read_text("utf-8").replace("Bonjour à tous.", "Bonsoir à tous."), "utf-8")
    third = CliRunner().invoke(main, [*build, "--jobs", "1"])
    assert json.loads(third.stdout[third.stdout.index("{"):])["rendered"] == ["camp/fr/reels"], third.output


def test_a_worker_killed_mid_job_is_retried_elsewhere(tmp_path, cluster):
    project = make_project(tmp_path / "project", langs="fr", duration=6,
                           fr="Une phrase assez longue pour que le rendu dure quelques secondes.")
    jobs, _ = plan([project / "scripts"], draft=True)
    out, retried, results = tmp_path / "out", [], []
    worker = threading.Thread(target=lambda: results.extend(execute(
        jobs, out, 1, cluster.scheduler_address, lambda r: None, retries=2,
        on_retry=lambda name, ws: retried.append((name, ws)))))
    worker.start()
    with distributed.Client(cluster.scheduler_address) as client:
        started = []
        while worker.is_alive() and not started:      # the first attempt logs its start, then renders
            started = [m["worker"] for topic, events in client.get_events().items()
                       if topic.startswith("reelforge-attempts-") for _, m in events]
            time.sleep(0.05)
        assert started, "the job never started"
        pids = client.run(os.getpid)
        os.kill(pids[started[0]], signal.SIGKILL)       # the worker process dies mid-job
        worker.join()
    assert [type(r).__name__ for r in results] == ["Output"], results
    assert retried and retried[0][0] == "camp/fr/reels" and retried[0][1][0] == started[0]
    assert len(retried[0][1]) == 2 and retried[0][1][1] != started[0]
    write_reports(out, results, [{"name": n, "workers": ws} for n, ws in retried])
    assert json.loads((out / "manifest.json").read_text("utf-8"))["retried"][0]["name"] == "camp/fr/reels"
    assert (out / "camp" / "fr" / "reels.mp4").is_file()
    assert not list(out.rglob("*.partial*"))


def test_the_shared_speech_cache_is_whole_under_concurrent_writers(tmp_path, capsys):
    pytest.importorskip("fsspec")
    url = f"memory://speech-{os.getpid()}"
    audio = Audio(np.linspace(-0.5, 0.5, 2400, dtype="float32"), 24000, (("bonjour", 0.0, 0.1),), "engine")
    writers = [SpeechCache(tmp_path / f"w{i}", shared=url) for i in range(4)]
    threads = [threading.Thread(target=w.store, args=("ab" * 16, audio)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader = SpeechCache(tmp_path / "reader", shared=url)
    got = reader.load("ab" * 16)
    assert got is not None and got.words == audio.words and len(got.samples) == 2400
    assert (tmp_path / "reader" / "speech" / "ab" / f"{'ab' * 16}.wav").is_file()     # copied locally
    shared = storage.target(url + "/speech")
    shared.put_text(f"cd/{'cd' * 16}.entry", b'{"sha256": "0", "samples": 1}\nRIFF')   # damaged: made again
    assert reader.load("cd" * 16) is None and "damaged shared speech cache entry" in capsys.readouterr().err
    assert shared.exists(f"cd/{'cd' * 16}.entry")         # a reader never deletes a shared entry
