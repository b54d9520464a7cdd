"""The workbench's guard, one pure ASGI middleware: Host check (DNS rebinding), access token,
CSRF (double-submit cookie) and the security headers on every response.

Pure ASGI rather than BaseHTTPMiddleware so a urlencoded form's CSRF field can be read here
and the body replayed to the endpoint unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrftoken"
AUTH_COOKIE = "textmine_auth"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_FORM = 512 * 1024  # a name, a token, or a grid selection (about 40 bytes per answer)
MAX_JSON = 8 * 1024 * 1024  # a whole codebook of 1,000 themes with examples is well under 1 MB
# Nothing from outside, no inline script, never framed.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
           (b"cache-control", b"no-store")]
OPEN_PATHS = ("/login", "/static/")  # reachable without the access token
STREAMED_PATHS = ("/api/waves",)  # a survey export: streamed to disk under its own, larger cap

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


def auth_cookie_value(token: str) -> str:
    """What the login cookie holds: derived from the token, so the token itself is never stored."""
    return hmac.new(token.encode(), b"textmine-workbench-session", hashlib.sha256).hexdigest()


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


class Guard:
    """ASGI middleware in front of every request: Host header, access token, CSRF on state
    changes, and the security headers (CSP and the rest) on every response."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: set[str] | None, token: str | None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts  # None: any Host (a wildcard bind, guarded by the token)
        self.token = token

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path, method = scope["path"], scope["method"]
        is_api = path.startswith("/api/")
        cookies = _cookies(headers.get("cookie", ""))
        if self.allowed_hosts is not None and headers.get("host", "").lower() not in self.allowed_hosts:
            await _refuse(send, 400, "onbekende Host-header (alleen het adres waarop de workbench draait)", True)
            return
        # another site's page (or another port on this machine) may not call the API or change
        # anything, not even by a GET that holds an answer; browsers say where a request comes from
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none") and (
                is_api or method not in SAFE_METHODS):
            await _refuse(send, 403, "verzoek van een andere site geweigerd (open de workbench zelf)", True)
            return
        if self.token and not path.startswith(OPEN_PATHS) and not self._authorised(headers, cookies):
            await _refuse(send, 401, "toegangstoken ontbreekt of klopt niet (log in of stuur "
                          "'Authorization: Bearer TOKEN')", is_api or "text/html" not in headers.get("accept", ""),
                          location="/login" if not is_api else None)
            return
        new_csrf = None
        csrf = cookies.get(CSRF_COOKIE)
        if not csrf or len(csrf) < 20:
            csrf = new_csrf = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrftoken"] = csrf
        if method not in SAFE_METHODS:
            sent = headers.get(CSRF_HEADER)
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if not sent and ctype == "application/x-www-form-urlencoded":
                body = await _read_body(receive)
                if body is None:
                    await _refuse(send, 413, "formulier te groot", is_api)
                    return
                sent = (parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD) or [None])[0]
                receive = _replay(body)
            elif path not in STREAMED_PATHS:
                # read here, capped, so that no endpoint holds an unbounded JSON body in memory
                body = await _read_body(receive, MAX_JSON)
                if body is None:
                    await _refuse(send, 413, f"verzoek te groot (meer dan {MAX_JSON // (1024 * 1024)} MB)", is_api)
                    return
                receive = _replay(body)
            if new_csrf is not None or not _same(sent, cookies.get(CSRF_COOKIE)):
                await _refuse(send, 403, "CSRF-token ontbreekt of klopt niet (haal eerst een pagina op en stuur "
                              "de csrftoken-cookie terug in de X-CSRF-Token-header)", is_api)
                return

        started_response = False

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
                # the server's own time, for scripts/bench_serve.py and the browser's devtools
                # a header the endpoint set itself wins (the published files' preview: its own CSP)
                own = {k.lower() for k, _v in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in own] + [(b"server-timing",
                                          f"app;dur={1000 * (time.perf_counter() - started):.1f}".encode())]
                if new_csrf is not None:
                    extra.append((b"set-cookie", f"{CSRF_COOKIE}={new_csrf}; Path=/; SameSite=Strict".encode()))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette's own 500 is sent outside this middleware, without the headers: send ours (one
            # line, no detail), then let the server log the traceback
            if not started_response:
                await _refuse(send, 500, "interne fout: dit verzoek liep mis (het serverlog zegt waarom)",
                              is_api or "text/html" not in headers.get("accept", ""))
            raise

    def _authorised(self, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        assert self.token
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and _same(auth[7:].strip(), self.token):
            return True
        return _same(cookies.get(AUTH_COOKIE), auth_cookie_value(self.token))


def _cookies(raw: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header counts as none
        return {}
    return {k: m.value for k, m in jar.items()}


async def _read_body(receive: Callable, limit: int = MAX_FORM) -> bytes | None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body"):
            return body


def _replay(body: bytes) -> Callable:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return receive


async def _refuse(send: Callable, status: int, text: str, as_json: bool, location: str | None = None) -> None:
    if as_json:
        body, ctype = json.dumps({"error": text}, ensure_ascii=False).encode(), b"application/json"
    else:
        from html import escape

        link = f'<p><a href="{location}">Inloggen</a></p>' if location else ""
        body = (f'<!doctype html><html lang="nl"><meta charset="utf-8"><title>textmine</title>'
                f"<p>{escape(text)}</p>{link}</html>").encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())] + HEADERS})
    await send({"type": "http.response.body", "body": body})
