"""What keeps the workbench safe to run: loopback by default, a token when exposed, the Host
header checked against the bound address (so a DNS-rebinding page cannot reach a token-less
server), cross-origin requests refused, bounded request bodies read within a time limit, and
security headers on every response.

Scenarios are data: they are parsed by ruamel's safe round-trip loader and our own statement
parser, never evaluated, so nothing in a scenario can run code.

References: OWASP, "DNS rebinding" and "HTTP security response headers" cheat sheets; RFC 9110
(Host, 413, 421, 429 and Retry-After); W3C Content Security Policy Level 3.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 2 * 1024 * 1024  # bytes: scenario files are kilobytes; 2 MB is generous
BODY_SECONDS = 10.0  # a client has this long to send its request body (slow-loris guard)
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def content_security_policy(script: str, style: str) -> str:
    """Only the page's own inline script and style (by hash), requests to this origin only,
    never framed. Hashes rather than 'unsafe-inline': injected markup could not run a script
    even if an escaping bug let it in."""
    import base64
    import hashlib

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    return (
        "default-src 'none'; "
        f"script-src {digest(script)}; style-src {digest(style)}; "
        "img-src 'self' data: blob:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def split_host(value: str) -> tuple[str, int | None]:
    """``name:port`` / ``[v6]:port`` / ``name`` to (name lowercased, port or None)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    else:
        name, port = value, ""
    try:
        return name, int(port) if port else None
    except ValueError:
        return name, -1


def bearer(value: bytes) -> bytes:
    """The token of an ``Authorization: Bearer <token>`` header, whatever the scheme's case
    (RFC 9110 §11.1: schemes are case-insensitive); b"" for any other scheme."""
    scheme, _, rest = value.strip().partition(b" ")
    return rest.strip() if scheme.lower() == b"bearer" else b""


def same_token(given: bytes, token: bytes) -> bool:
    """Constant-time comparison of raw bytes: any byte content (non-ASCII included) is just a
    wrong token, never an error."""
    return bool(given) and hmac.compare_digest(given, token)


class Guard:
    """One ASGI middleware for every request-level rule, in this order:

    1. **Host**: without a token the server is loopback-only, so the Host header must name a
       loopback address (or one of ``allowed_hosts``) with the port the request came in on
       (421 otherwise). A rebinding page has the attacker's name in Host, so it is refused.
       With a token (the CLI sets one beyond loopback) the token is the defence: another
       origin can read neither it nor its cookie.
    2. **Origin**: a request that says it comes from another origin (``Origin``, or
       ``Sec-Fetch-Site: cross-site``) is refused (403); no CORS header is ever sent, so
       browsers keep other sites' scripts from reading answers.
    3. **Token**, when set: ``Authorization: Bearer`` (any case), the ``offramp_token`` cookie
       or ``?token=``; compared as bytes in constant time (401 otherwise).
    4. **Body**: at most ``max_body`` bytes (413, whether or not Content-Length is declared),
       sent within ``body_seconds`` (408).
    5. **Headers** on every response: CSP, nosniff, frame-ancestors 'none' / X-Frame-Options.
    """

    def __init__(
        self,
        app: ASGIApp,
        token: str | None = None,
        max_body: int = MAX_BODY,
        body_seconds: float = BODY_SECONDS,
        allowed_hosts: tuple[str, ...] = (),
        csp: str = "default-src 'none'; frame-ancestors 'none'",
    ):
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.max_body = max_body
        self.body_seconds = body_seconds
        self.allowed_hosts = tuple(h.lower() for h in allowed_hosts)
        self.csp = csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for name, value in scope.get("headers", []):
            headers.setdefault(name.lower(), value)
        host = headers.get(b"host", b"").decode("latin-1")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*SECURITY_HEADERS, (b"content-security-policy", self.csp)]
                names = {n for n, _ in extra}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        refusal = self._refusal(scope, headers, host)
        if refusal is not None:
            await _error(send_secured, *refusal)
            return
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_body
            except ValueError:
                too_big = True
            if too_big:
                await _error(send_secured, 413, self._too_large())
                return
        seen = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_seconds
        body_done = False

        async def limited() -> Message:
            nonlocal seen, body_done
            if body_done:  # after the body only a disconnect can come: no time limit
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                why = f"the request body took longer than {self.body_seconds:g} s"
                raise _Refused(408, why) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _Refused(413, self._too_large())
                body_done = not message.get("more_body", False)
            return message

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_secured(message)

        try:
            await self.app(scope, limited, tracked)
        except _Refused as exc:
            if not started:
                await _error(send_secured, exc.status, exc.message)
            return

    def _too_large(self) -> str:
        return (
            f"request body larger than {self.max_body // 1024} KB: scenario files are "
            "kilobytes; use the CLI for anything bigger"
        )

    def _refusal(
        self, scope: Scope, headers: dict[bytes, bytes], host: str
    ) -> tuple[int, str] | None:
        if not self.token and not self._host_ok(scope, host):
            return (
                421,
                f"Host '{host}' is not this server's address: open the workbench at "
                "http://127.0.0.1:<port>/ (a page from another site cannot use it)",
            )
        origin = headers.get(b"origin")
        if origin is not None and origin != b"null":
            scheme, _, rest = origin.decode("latin-1").partition("://")
            name, port = split_host(rest)
            same_scheme = scheme.lower() == str(scope.get("scheme", "http")).lower()
            if not same_scheme or (name, port or _default_port(origin)) != self._host_key(
                host, scope
            ):
                return 403, "cross-origin requests are not accepted"
        elif origin == b"null" or headers.get(b"sec-fetch-site") == b"cross-site":
            return 403, "cross-origin requests are not accepted"
        if self.token:
            given = bearer(headers.get(b"authorization", b""))
            given = given or _cookie(headers.get(b"cookie", b"")).encode("utf-8", "replace")
            given = given or _query(scope).get("token", "").encode("utf-8", "replace")
            if not same_token(given, self.token):
                return 401, "a valid token is required"
        return None

    def _host_key(self, host: str, scope: Scope) -> tuple[str, int | None]:
        name, port = split_host(host)
        return name, port or (443 if scope.get("scheme") == "https" else 80)

    def _host_ok(self, scope: Scope, host: str) -> bool:
        name, port = self._host_key(host, scope)
        server = scope.get("server") or (None, None)
        bound_port = server[1] if server[1] is not None else port
        if port != bound_port:
            return False
        if name in self.allowed_hosts or name == str(server[0]).lower():
            return True
        return bool(server[0]) and is_loopback(str(server[0])) and is_loopback(name)


def _default_port(origin: bytes) -> int:
    return 443 if origin.startswith(b"https:") else 80


def _query(scope: Scope) -> dict[str, str]:
    raw = scope.get("query_string", b"").decode("latin-1")
    return dict(parse_qsl(raw, keep_blank_values=True))


def _cookie(raw: bytes) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except CookieError:
        return ""
    morsel = jar.get("offramp_token")
    return morsel.value if morsel else ""


class _Refused(BaseException):
    """A BaseException, not an Exception: the framework's body parser turns any Exception
    into a 400, and this must reach the Guard to become a 413/408."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def _error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
