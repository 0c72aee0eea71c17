"""`reelforge studio`: the page driven in a real headless browser (Debian's chromium through Playwright),
and the server's security rules (path traversal, symbolic links, Host header, POST actions) over HTTP."""
from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from reelforge.cli import main
from reelforge.studio import bind, server as studio_server
from reelforge.studio.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

TINY = """\
reelforge: 1
id: tiny
title: {ar: "تجربة", fr: "Essai"}
brand: demo
template: explainer
languages: [ar, fr]
platforms: [reels]
voice: {ar: ar-offline, fr: fr-offline}
subtitles: {burn: true, style: karaoke, sidecar: [srt]}
scenes:
  - id: hook
    layout: title
    text: {ar: "مرحبا بكم", fr: "Bonjour à tous"}
    say: {ar: "مرحبا بكم.", fr: "Bonjour à tous."}
    transition: fade
  - id: end
    layout: end
    text: {ar: "شكرا", fr: "Merci"}
    duration: 2
"""


@pytest.fixture
def studio_project(tmp_path: Path) -> Path:
    """`reelforge init` (scripts/hello.yaml, the demo kit, explainer, offline voices) plus a tiny script."""
    folder = tmp_path / "proj"
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    (folder / "scripts" / "tiny.yaml").write_text(TINY, "utf-8")
    (tmp_path / "secret.txt").write_text("outside the project\n", "utf-8")
    (tmp_path / "secret.yaml").write_text(TINY, "utf-8")
    return folder


@pytest.fixture
def server(studio_project):
    """The studio on 127.0.0.1, a free port, in a thread; stopped at the end of the test."""
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(studio_project, "127.0.0.1", port)
    srv = studio_server(app)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        thread.join(0.05)
    assert srv.started, "the studio did not start"
    srv.app_ref = app
    yield srv, port
    srv.should_exit = True
    thread.join(15)
    sock.close()
    assert not thread.is_alive(), "the studio did not stop"


def get(port: int, path: str, host: str | None = None, method: str = "GET", body=None, headers=None):
    """One raw request: the path is sent exactly as written (no client-side normalisation of `..`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        data = json.dumps(body).encode() if body is not None else b""
        if method == "POST":
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data or None)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


# -- security ------------------------------------------------------------------------------------

def test_serves_project_files(server):
    _, port = server
    status, body = get(port, "/files/scripts/tiny.yaml")
    assert status == 200 and b"id: tiny" in body
    status, body = get(port, "/static/studio.js")
    assert status == 200 and b"EventSource" in body
    status, body = get(port, "/")
    assert status == 200 and b"reelforge studio" in body


@pytest.mark.parametrize("path", [
    "/files/../secret.txt",
    "/files/%2e%2e/secret.txt",
    "/files/scripts/%2E%2E/%2e%2e/secret.txt",
    "/files/scripts/..%2f..%2fsecret.txt",
    "/files//etc/passwd",
    "/files/%2Fetc%2Fpasswd",
    "/files/./scripts/tiny.yaml",
    "/files/scripts\\..\\..\\secret.txt",
    "/static/../state.py",
    "/static/%2e%2e/app.py",
    "/static/%2e%2e/%2e%2e/cli.py",
    "/api/view?script=../secret.yaml",
    "/api/view?script=%2e%2e/secret.yaml",
    "/api/frame?script=/etc/passwd",
    "/api/view?script=" + "/tmp/x.yaml",
])
def test_no_path_traversal(server, path):
    _, port = server
    status, body = get(port, path)
    assert status in (400, 403, 404), (path, status, body[:200])
    assert b"outside the project" not in body and b"root:" not in body and b"import" not in body


def test_symlinks_out_of_the_project_are_refused(server, studio_project):
    _, port = server
    outside = studio_project.parent
    (studio_project / "leak.txt").symlink_to(outside / "secret.txt")
    (studio_project / "up").symlink_to(outside, target_is_directory=True)
    (studio_project / "scripts" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (studio_project / "inner.yaml").symlink_to(studio_project / "scripts" / "tiny.yaml")
    for path in ("/files/leak.txt", "/files/up/secret.txt", "/files/scripts/leak.yaml",
                 "/api/view?script=scripts/leak.yaml", "/api/view?script=up/secret.yaml"):
        status, body = get(port, path)
        assert status in (400, 403, 404), (path, status)
        assert b"outside the project" not in body
    status, body = get(port, "/files/inner.yaml")       # a link that stays inside is a project file
    assert status == 200 and b"id: tiny" in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost.evil.example:{port}",
                                  "", "127.0.0.1"])
def test_wrong_host_header_is_refused(server, host):
    _, port = server
    status, body = get(port, "/api/scripts", host=host.format(port=port))
    assert status == 403 and b"Host" in body
    status, _ = get(port, "/files/scripts/tiny.yaml", host=host.format(port=port))
    assert status == 403


def test_right_host_headers_pass(server):
    _, port = server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, body = get(port, "/api/scripts", host=host)
        assert status == 200
        assert json.loads(body)["scripts"] == ["scripts/hello.yaml", "scripts/tiny.yaml"]


def test_only_render_actions_are_posts(server):
    srv, port = server
    posts = [r.path for r in srv.app_ref.starlette.routes if "POST" in (getattr(r, "methods", None) or ())]
    assert posts == ["/api/render"]
    for path in ("/api/frame", "/api/view", "/files/scripts/tiny.yaml", "/api/events", "/"):
        status, _ = get(port, path, method="POST", body={}, headers={"Content-Type": "application/json"})
        assert status == 405, path
    # a form posted by another site, or JSON from another origin, never starts anything
    status, _ = get(port, "/api/render", method="POST", body={"script": "scripts/tiny.yaml"},
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _ = get(port, "/api/render", method="POST", body={"script": "scripts/tiny.yaml"},
                    headers={"Content-Type": "application/json", "Origin": "http://evil.example"})
    assert status == 403
    status, _ = get(port, "/api/render", method="POST", body={"script": "../secret.yaml"},
                    headers={"Content-Type": "application/json"})
    assert status == 400
    status, body = get(port, "/api/render")
    assert status == 200 and json.loads(body)["status"] == "idle"


def test_busy_port_is_one_line_exit_2(studio_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["studio", str(studio_project), "--port", str(port)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("--port:1:1: cannot listen on 127.0.0.1:")
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


# -- the page, in a real browser ------------------------------------------------------------------

def frame_png(page) -> str:
    """SHA-256 of the JPEG the page shows as the frame (not a screenshot: a stale frame is dimmed)."""
    return page.evaluate("""async () => {
        const data = await (await fetch(document.querySelector('#frame').src)).arrayBuffer();
        const hash = await crypto.subtle.digest('SHA-256', data);
        return [...new Uint8Array(hash)].map(b => b.toString(16).padStart(2, '0')).join(''); }""")


def wait_frame(page, after: int) -> None:
    page.wait_for_function(f"Number(document.querySelector('#frame').dataset.n || 0) > {after}", timeout=60_000)


def frames_seen(page) -> int:
    return int(page.evaluate("document.querySelector('#frame').dataset.n || 0"))


def test_studio_in_a_browser(server, studio_project):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)"
    _, port = server
    script = studio_project / "scripts" / "tiny.yaml"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#live.on")
            wait_frame(page, 0)

            # pick a script: the tiny one, in French
            assert page.locator("#script option").all_inner_texts() == ["scripts/hello.yaml", "scripts/tiny.yaml"]
            n = frames_seen(page)
            page.select_option("#script", "scripts/tiny.yaml")
            page.wait_for_function("document.querySelector('#title').textContent === 'تجربة'")
            wait_frame(page, n)
            n = frames_seen(page)
            page.select_option("#lang", "fr")
            page.wait_for_function("document.querySelector('#title').textContent === 'Essai'")
            wait_frame(page, n)
            # the real timeline: two scenes, a fade between them, the voice line and its captions
            assert page.locator("#lane-scenes .block").all_inner_texts() == ["1. hook", "2. end"]
            assert page.locator("#lane-transitions .block").all_inner_texts() == ["fade"]
            assert page.locator("#lane-voice .block").count() == 1
            assert "Bonjour" in page.locator("#captions").inner_text()
            assert page.locator("#problems li.ok").inner_text() == "valid"

            # scrub: the frame changes
            start = frame_png(page)
            n = frames_seen(page)
            page.evaluate("""() => { const s = document.querySelector('#scrubber');
                                     s.value = '1.5'; s.dispatchEvent(new Event('input')); }""")
            wait_frame(page, n)
            assert page.evaluate("document.querySelector('#frame').dataset.t") == "1.500"
            at_15 = frame_png(page)
            assert at_15 != start
            assert page.locator("#clock").inner_text() == "1.50 s"

            # edit the YAML on disk: the frame at the playhead changes, without a page reload
            page.evaluate("window.notReloaded = true")
            version = page.evaluate("document.querySelector('#frame').dataset.version")
            script.write_text(TINY.replace("Bonjour à tous", "Salut la compagnie"), "utf-8")
            page.wait_for_function(f"document.querySelector('#frame').dataset.version !== '{version}'", timeout=60_000)
            page.wait_for_function("document.querySelector('#captions').textContent.includes('Salut')")
            edited = frame_png(page)
            assert edited != at_15
            assert page.evaluate("window.notReloaded") is True

            # break it: the located error shows in place, the last good frame stays
            broken = TINY.replace("Bonjour à tous", "Salut la compagnie").replace("layout: end", "layout: nowhere")
            line = broken.splitlines().index("    layout: nowhere") + 1
            script.write_text(broken, "utf-8")
            page.wait_for_function("document.querySelector('#problems').textContent.includes('nowhere')", timeout=60_000)
            problem = page.locator("#problems li").first.inner_text()
            assert problem.startswith(f"scripts/tiny.yaml:{line}:") or f"tiny.yaml:{line}:" in problem, problem
            assert page.locator("#stale").is_visible()
            assert page.locator("#render-draft").is_disabled()
            assert frame_png(page) == edited

            # fixed again, then a draft render plays in the page with its captions track
            script.write_text(TINY, "utf-8")
            page.wait_for_function("document.querySelector('#problems li.ok') !== null", timeout=60_000)
            assert not page.locator("#stale").is_visible()
            page.wait_for_function("!document.querySelector('#render-draft').disabled")
            page.click("#render-draft")
            # 'playing' fires as playback starts, when the clock may still read 0: wait for it to move
            page.wait_for_function("""() => { const v = document.querySelector('#video');
                return v.dataset.played === '1' && (v.currentTime > 0 || v.ended); }""", timeout=240_000)
            state = page.evaluate("""() => { const v = document.querySelector('#video');
                return {t: v.currentTime, ended: v.ended, src: v.currentSrc, w: v.videoWidth,
                        track: v.querySelector('track').src, cues: v.textTracks[0].cues ? v.textTracks[0].cues.length : -1}; }""")
            assert state["t"] > 0 or state["ended"], state
            assert "/files/out/studio/tiny/fr/reels.mp4" in state["src"] and state["w"] == 540, state
            assert state["track"].split("?")[0].endswith(".vtt")
            page.wait_for_function("document.querySelector('#video').textTracks[0].cues.length > 0", timeout=30_000)
            assert page.locator("#render-progress").evaluate("b => b.value") == 1
            assert (studio_project / "out" / "studio" / "tiny" / "fr" / "reels.mp4").is_file()
            assert errors == []
        finally:
            browser.close()
