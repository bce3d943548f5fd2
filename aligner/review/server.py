"""The editor's web server: loopback only, one random token, nothing outside the output folder.

Starlette (routing, requests, responses) on uvicorn (the HTTP/1.1 server): a
small, well-kept pair, where a hand-written ``http.server`` handler would have
to get parsing and concurrency right itself.  The server writes files, so it
refuses every request that does not prove it comes from the page it served:

* it listens on 127.0.0.1 and ::1 only, sockets bound here, never on a wildcard;
* every request carries the random token of this run (``?token=`` or the
  ``X-Review-Token`` header), compared in constant time;
* a ``Host`` or ``Origin`` that is not the loopback address and port served is
  refused, which defeats DNS rebinding (a hostile name resolved to 127.0.0.1);
* no request names a path: the page, its script and style come from the package,
  and everything written goes into the output folder under fixed names.
"""

from __future__ import annotations

import errno
import hmac
import json
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from aligner.review.edits import EditError
from aligner.review.session import ReviewSession, StaleEdit

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_HEADER = "x-review-token"
MAX_BODY = 64 * 1024 * 1024  # a save carries whole documents; far below what would hurt
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the URL carries the token
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}
BIND_ATTEMPTS = 20  # free ports tried until 127.0.0.1 and ::1 share one


def _asset(name: str) -> str:
    return resources.files("aligner.review").joinpath("static", name).read_text("utf-8")


class Guard:
    """ASGI middleware: refuses any request without the token or with a foreign Host/Origin."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app, self.token = app, token
        self.hosts = {f"127.0.0.1:{port}", f"[::1]:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    def refusal(self, scope: Scope) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if headers.get("host") not in self.hosts:
            return "Host is not the loopback address this editor serves"
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return "Origin is not this editor"
        sent = headers.get(TOKEN_HEADER) or next(
            iter(parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])),
            "")
        if not hmac.compare_digest(sent.encode(), self.token.encode()):
            return "missing or wrong access token: open the URL `ruzh-align review` printed"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the editor has none: nothing to upgrade to
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] == "http":
            reason = self.refusal(scope)
            if reason is not None:
                await PlainTextResponse(reason, 403, headers=SECURITY_HEADERS)(scope, receive,
                                                                               send)
                return
        await self.app(scope, receive, send)


def create_app(session: ReviewSession, token: str, port: int) -> ASGIApp:
    """The editor's routes behind the Guard."""
    page = _asset("editor.html").replace("{{TOKEN}}", token)

    async def index(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    async def script(request: Request) -> Response:
        return Response(_asset("editor.js"), media_type="text/javascript; charset=utf-8",
                        headers=SECURITY_HEADERS)

    async def style(request: Request) -> Response:
        return Response(_asset("editor.css"), media_type="text/css; charset=utf-8",
                        headers=SECURITY_HEADERS)

    async def state(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(session.editor_state),
                            headers=SECURITY_HEADERS)

    async def save(request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "a save is sent as application/json"}, 415,
                                headers=SECURITY_HEADERS)
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return JSONResponse({"error": "request too large"}, 413, headers=SECURITY_HEADERS)
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "the request is not JSON"}, 400,
                                headers=SECURITY_HEADERS)
        try:
            answer = await run_in_threadpool(session.save, payload)
        except EditError as error:
            return JSONResponse({"error": str(error)}, 400, headers=SECURITY_HEADERS)
        except StaleEdit as error:
            return JSONResponse({"error": str(error)}, 409, headers=SECURITY_HEADERS)
        except OSError as error:  # nothing was written (see write_outputs)
            return JSONResponse({"error": f"not saved, the files are as before: {error}"}, 500,
                                headers=SECURITY_HEADERS)
        return JSONResponse(answer, headers=SECURITY_HEADERS)

    app = Starlette(routes=[
        Route("/", index, methods=["GET"]),
        Route("/editor.js", script, methods=["GET"]),
        Route("/editor.css", style, methods=["GET"]),
        Route("/api/state", state, methods=["GET"]),
        Route("/api/save", save, methods=["POST"]),
    ])
    return Guard(app, token, port)


def bind_loopback(port: int = 0) -> list[socket.socket]:
    """Listening sockets on 127.0.0.1 and (where the machine has IPv6) ::1, on one port.

    With port 0 the system picks a free IPv4 port; if ::1 has that port taken, another
    is tried, so both addresses always serve the same URL.
    """
    for _ in range(BIND_ATTEMPTS):
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            v4.bind(("127.0.0.1", port))
        except OSError as error:
            v4.close()
            raise OSError(error.errno, f"cannot listen on 127.0.0.1 port {port}: "
                                       f"{error.strerror}") from None
        chosen = v4.getsockname()[1]
        if not socket.has_ipv6:
            return _listening([v4])
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            v6.bind(("::1", chosen))
        except OSError as error:
            v6.close()
            if error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                return _listening([v4])  # no IPv6 loopback on this machine
            v4.close()
            if port:
                raise OSError(error.errno, f"cannot listen on ::1 port {port}: "
                                           f"{error.strerror}") from None
            continue
        return _listening([v4, v6])
    raise OSError(errno.EADDRINUSE, "no free port shared by 127.0.0.1 and ::1")


def _listening(sockets: list[socket.socket]) -> list[socket.socket]:
    """Listen at once, so the URL is reachable as soon as it is printed (the server may still
    be starting: connections wait in the backlog)."""
    for sock in sockets:
        sock.listen(128)
    return sockets


class ReviewServer:
    """The editor for ``out_dir``, bound but not yet serving (``run`` serves until Ctrl-C)."""

    def __init__(self, out_dir: Path, port: int = 0, token: str | None = None) -> None:
        self.session = ReviewSession(out_dir)
        self.sockets = bind_loopback(port)
        self.port = self.sockets[0].getsockname()[1]
        self.token = token or secrets.token_urlsafe(24)
        self.url = f"http://127.0.0.1:{self.port}/?token={self.token}"
        config = uvicorn.Config(create_app(self.session, self.token, self.port),
                                log_level="warning", lifespan="off", proxy_headers=False,
                                server_header=False, access_log=False)
        self.server = uvicorn.Server(config)

    @property
    def addresses(self) -> list[str]:
        """The addresses listened on, for the record."""
        return [sock.getsockname()[0] for sock in self.sockets]

    def run(self) -> None:
        """Serve until Ctrl-C (or until ``stop``)."""
        try:
            # uvicorn shuts down on Ctrl-C, then re-raises it for whoever else listens: here
            # Ctrl-C is the ordinary way to close the editor, not an error
            self.server.run(sockets=self.sockets)
        except KeyboardInterrupt:
            pass
        finally:
            for sock in self.sockets:
                sock.close()

    def stop(self) -> None:
        self.server.should_exit = True
