"""The studio's HTTP side: routes, live updates (server-sent events), and the security rules.

Security: every request must carry the Host the server is bound to (DNS rebinding: a page from another
site whose name resolves to 127.0.0.1 sends its own name); files are served only from inside the project
(no `..`, no absolute paths, no dot-files, symbolic links resolved and kept inside) and from the page's
own assets; the only POST is reelforge's own render action, which must be JSON from this origin.
"""
from __future__ import annotations

import asyncio
import json
import mimetypes
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .state import Project

STATIC = Path(__file__).parent / "static"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
TYPES = {".vtt": "text/vtt; charset=utf-8", ".srt": "text/plain; charset=utf-8", ".mp4": "video/mp4"}


def safe_file(root: Path, rel: str) -> Optional[Path]:
    """`rel` as a regular file inside `root` (resolved), or None: no `..`, no absolute path, no empty or
    dot segment, no backslash or NUL, no symbolic link leading out."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    try:
        real = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) and real.is_file() else None


class Guard:
    """ASGI middleware: the Host header must name the bound address:port; a POST must be JSON from this origin."""

    def __init__(self, app, hosts: set[str]):
        self.app, self.hosts = app, {h.encode() for h in hosts}
        self.origins = {b"http://" + h for h in self.hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope["headers"])
            why = None
            if headers.get(b"host") not in self.hosts:
                why = "wrong Host header: the studio answers only to the address it is bound to"
            elif scope.get("method") not in (None, "GET", "HEAD"):
                origin = headers.get(b"origin")
                if origin is not None and origin not in self.origins:
                    why = "cross-origin request refused"
                elif not headers.get(b"content-type", b"").startswith(b"application/json"):
                    why = "actions are JSON requests from the studio page"
            if why:
                await Response(why + "\n", 403, media_type="text/plain")(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Hub:
    """Server-sent events to every open page."""

    def __init__(self):
        self.queues: set[asyncio.Queue] = set()

    def subscribe(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue(maxsize=256)
        self.queues.add(q)
        return q

    def publish(self, event: Optional[dict]) -> None:
        for q in list(self.queues):
            try:
                q.put_nowait(event)
            except asyncio.QueueFull:      # a page that stopped reading: it reloads everything on reconnect
                pass


def allowed_hosts(host: str, port: int) -> set[str]:
    name = f"[{host}]" if ":" in host else host
    hosts = {f"{name}:{port}"}
    if host in LOOPBACK:
        hosts |= {f"localhost:{port}", f"127.0.0.1:{port}"} if host != "::1" else {f"localhost:{port}"}
    return hosts


def studio_filter(root: Path):
    """Which changed paths matter: not the studio's outputs, not hidden or temporary files."""
    from watchfiles import DefaultFilter

    default = DefaultFilter()

    def keep(change, path: str) -> bool:
        try:
            rel = Path(path).relative_to(root)
        except ValueError:
            return False
        if not rel.parts or rel.parts[0] == "out" or any(p.startswith(".") for p in rel.parts):
            return False
        return default(change, path) and not path.endswith((".partial", "~", ".swp", ".tmp"))
    return keep


def create_app(project_dir: Path, host: str, port: int, watch: bool = True) -> Guard:
    project = Project(Path(project_dir))
    hub = Hub()

    @asynccontextmanager
    async def lifespan(app):
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        project.render.notify = lambda state: loop.call_soon_threadsafe(hub.publish, {"type": "render", **state})
        task = None
        if watch:
            from watchfiles import awatch

            async def watcher():
                async for changes in awatch(project.root, watch_filter=studio_filter(project.root), stop_event=stop,
                                            step=20, debounce=1000):
                    version = project.changed()
                    files = sorted({Path(p).relative_to(project.root).as_posix() for _, p in changes})
                    hub.publish({"type": "change", "version": version, "files": files})
            task = asyncio.create_task(watcher())
        yield
        stop.set()
        hub.publish(None)
        if task:
            await asyncio.wait([task], timeout=2)

    def params(request: Request):
        q = request.query_params
        script = q.get("script", "")
        if safe_file(project.root, script) is None or not script.endswith((".yaml", ".yml")):
            return None
        return project.view(script, q.get("lang") or None, q.get("platform") or None)

    def bad(what="unknown or unsafe script path", code=400):
        return JSONResponse({"error": what}, code)

    def scripts(request):
        return JSONResponse({"project": project.root.name, "scripts": project.scripts(), "version": project.version})

    def view(request):
        v = params(request)
        return bad() if v is None else JSONResponse(project.describe(v))

    def frame(request):
        v = params(request)
        if v is None:
            return bad()
        if v.timeline is None:
            return JSONResponse(project.describe(v), 409)
        try:
            t = float(request.query_params.get("t", "0"))
        except ValueError:
            return bad("t: a number of seconds")
        data, at = project.frame(v, t if t == t else 0.0)
        return Response(data, media_type="image/jpeg", headers={
            "Cache-Control": "no-store", "X-Version": str(v.version), "X-Stale": "1" if v.problems else "0",
            "X-Time": f"{at:.3f}"})

    def sheet(request):
        v = params(request)
        if v is None:
            return bad()
        if v.timeline is None:
            return JSONResponse(project.describe(v), 409)
        return Response(project.sheet(v), media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    def lint(request):
        v = params(request)
        if v is None:
            return bad()
        if v.model is None:
            return JSONResponse({"findings": [], "version": v.version})
        return JSONResponse({"findings": project.lint(v), "version": v.version})

    async def render(request):
        if request.method == "GET":
            return JSONResponse(project.render.state)
        try:
            body = await request.json()
            script, draft = str(body["script"]), bool(body.get("draft", True))
            lang, plat = body.get("lang"), body.get("platform")
        except (ValueError, KeyError, TypeError):
            return bad("a JSON body {script, lang, platform, draft}")
        if safe_file(project.root, script) is None:
            return bad()
        from starlette.concurrency import run_in_threadpool
        v = await run_in_threadpool(project.view, script, lang or None, plat or None)
        if v.model is None or v.problems:
            return JSONResponse({"status": "refused", "problems": [p for p in project.describe(v)["problems"]]}, 409)
        state = project.render.start(v, draft)
        return JSONResponse(state, 409 if "refused" in state else 202)

    def files(request):
        path = safe_file(project.root, request.path_params["path"])
        if path is None:
            return Response("not found\n", 404, media_type="text/plain")
        kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return FileResponse(path, media_type=kind, headers={"Cache-Control": "no-store"})

    async def events(request):
        q = hub.subscribe()

        async def stream():
            try:
                yield f"event: hello\ndata: {json.dumps({'version': project.version})}\n\n"
                while True:
                    try:
                        event = await asyncio.wait_for(q.get(), 15)
                    except asyncio.TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if event is None:
                        return
                    yield f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
            finally:
                hub.queues.discard(q)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    def index(request):
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-store"})

    app = Starlette(routes=[
        Route("/", index),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/scripts", scripts),
        Route("/api/view", view),
        Route("/api/frame", frame),
        Route("/api/sheet", sheet),
        Route("/api/lint", lint),
        Route("/api/render", render, methods=["GET", "POST"]),
        Route("/api/events", events),
        Route("/files/{path:path}", files),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ], lifespan=lifespan)
    app.state.project, app.state.hub = project, hub
    guarded = Guard(app, allowed_hosts(host, port))
    guarded.starlette = app
    guarded.close_streams = lambda: hub.publish(None)
    return guarded
