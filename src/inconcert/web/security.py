"""What stands between the web app and the network: a token when bound beyond loopback,
a Host check against DNS rebinding when bound to loopback, read-only methods, request
size limits, and headers (CSP with no inline script and no remote origin) on every reply.
"""

from __future__ import annotations

import ipaddress
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "inconcert_token"
MAX_URL_BYTES = 4096
MAX_BODY_BYTES = 16 * 1024
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "worker-src blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard:
    """ASGI middleware applying the rules above before any route runs."""

    def __init__(self, app: ASGIApp, token: str | None, loopback_only: bool):
        self.app = app
        self.token = token
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal, set_cookie = self._check(scope)
        send_with_headers = self._headers(send, set_cookie)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, self._limited(receive), send_with_headers)

    def _check(self, scope: Scope) -> tuple[JSONResponse | None, bool]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] not in ("GET", "HEAD"):
            return _refuse(405, "this server only reads: GET and HEAD"), False
        if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
            return _refuse(414, f"request URL longer than {MAX_URL_BYTES} bytes"), False
        length = headers.get("content-length", "0") or "0"
        if not length.isdigit():
            return _refuse(400, "malformed Content-Length"), False
        if int(length) > MAX_BODY_BYTES or "transfer-encoding" in headers:
            return _refuse(413, "request body not accepted"), False
        if self.loopback_only and not is_loopback(headers.get("host", "").rsplit(":", 1)[0]):
            return _refuse(400, "unexpected Host header for a server bound to loopback"), False
        if self.token is None:
            return None, False
        offered = _bearer(headers.get("authorization", "")) or _cookie(headers.get("cookie", ""))
        from_query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])[0]
        for candidate in (offered, from_query):
            if candidate and secrets.compare_digest(candidate.encode(), self.token.encode()):
                return None, candidate is from_query
        return _refuse(401, "token required: open the address printed by `inconcert serve`"), False

    def _headers(self, send: Send, set_cookie: bool) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if set_cookie:
                    headers.append((b"set-cookie", f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode()))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY_BYTES:
                raise ValueError("request body too large")
            return message

        return wrapped


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _bearer(value: str) -> str | None:
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None


def _cookie(value: str) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(value)
    except Exception:
        return None
    morsel = cookie.get(TOKEN_COOKIE)
    return morsel.value if morsel else None
