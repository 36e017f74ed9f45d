"""What keeps the workbench safe to run: loopback by default, a token when exposed, bounded
request bodies. Scenarios are data: they are parsed by ruamel's safe round-trip loader and our
own statement parser, never evaluated, so nothing in a scenario can run code."""

from __future__ import annotations

import ipaddress
import secrets

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 2 * 1024 * 1024  # bytes: scenario files are kilobytes; 2 MB is generous


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"error": f"request body larger than {self.limit // 1024} KB"}, status_code=413
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class TokenGate(BaseHTTPMiddleware):
    """When a token is set, every request must carry it: ``Authorization: Bearer <token>``,
    the ``offramp_token`` cookie (set by visiting ``/?token=<token>`` once) or ``?token=``."""

    def __init__(self, app: ASGIApp, token: str | None):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next) -> Response:
        if not self.token:
            return await call_next(request)
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = (
            given or request.cookies.get("offramp_token") or request.query_params.get("token", "")
        )
        if not secrets.compare_digest(given, self.token):
            return JSONResponse({"error": "a valid token is required"}, status_code=401)
        response = await call_next(request)
        if request.query_params.get("token"):
            response.set_cookie("offramp_token", self.token, httponly=True, samesite="strict")
        return response
