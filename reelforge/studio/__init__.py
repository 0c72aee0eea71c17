"""`reelforge studio`: a local web page that previews a project live as its files are edited.

`state.py` holds the long-lived project state (loaded scripts, compositors, the speech cache, renders),
`app.py` the HTTP routes and the security rules, `static/` the page (plain HTML, CSS and JS, no build).
"""
from __future__ import annotations

import socket
import webbrowser
from pathlib import Path

import click

from ..errors import Problem, ReelforgeError, display


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one). A busy port is a usage error."""
    if host in ("0.0.0.0", "::", ""):
        raise ReelforgeError([Problem("--host", 1, 1, "", f"'{host}' is every address, which no Host header names; give "
                                      "the address the page will be opened at (e.g. this machine's LAN address)")])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        remedy = "choose another --port (or leave it out for a free one)" if port else \
            "give an address of this machine (the default is 127.0.0.1)"
        raise ReelforgeError([Problem("--port" if port else "--host", 1, 1, "",
                                      f"cannot listen on {host}:{port}: {exc.strerror or exc}; {remedy}")]) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def server(app, **options):
    """A uvicorn server for the studio app that ends the pages' event streams when it stops (else the
    graceful shutdown would wait for them)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets=None):
            app.close_streams()
            await super().shutdown(sockets)

    return Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on", **options))


def serve(project: Path, host: str = "127.0.0.1", port: int = 0, open_browser: bool = False) -> None:
    """Run the studio until Ctrl-C: bind, print the URL, serve."""
    from ..text import DRAWN
    from .app import create_app

    DRAWN.keep = True           # text blocks remembered: a restarted studio reads what did not change
    sock = bind(host, port)
    port = sock.getsockname()[1]
    app = create_app(project, host, port)
    url = url_of(host, port)
    click.echo(f"reelforge studio: {display(project)} at {url}  (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    server(app).run(sockets=[sock])
