"""Serving the workbench: uvicorn with a time limit on request headers.

uvicorn's HTTP/1.1 protocol closes an idle keep-alive connection, but a client that opens a
connection and sends its request line and headers a byte at a time (or never finishes them) is
held open for ever: a few hundred such connections exhaust the server ("slowloris"). The
protocol below arms a timer when a connection opens and after every response; if the next
request's headers are not complete when it fires, the connection is closed. The body has its
own limits (size and time: :mod:`offramp.web.security`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: seconds a client has to send a request's line and headers
HEADER_SECONDS = 10.0


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers take too long."""

    header_seconds = HEADER_SECONDS
    _header_timer: asyncio.TimerHandle | None = None

    # uvicorn's own H11Protocol narrows the transport the same way (and ignores it likewise):
    # asyncio's BaseProtocol types it as a BaseTransport, a stream server passes a Transport
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_seconds, self._headers_overdue)

    def _headers_overdue(self) -> None:
        """Still waiting for a request's headers (the client's side idle or part-way through
        them): close the connection. A request being read or answered is left alone."""
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        ):
            self.transport.close()


def serve(app: Any, host: str, port: int, *, header_seconds: float = HEADER_SECONDS) -> None:
    """Run ``app`` until interrupted, with the header time limit."""
    import uvicorn

    protocol = type(
        "OfframpHTTPProtocol", (HeaderTimeoutProtocol,), {"header_seconds": header_seconds}
    )
    # no lifespan events (the app uses none): Ctrl-C stops the server without the lifespan's
    # "CancelledError" traceback; the worker pool is stopped at exit (web/pool.py)
    uvicorn.run(app, host=host, port=port, log_level="warning", http=protocol, lifespan="off")
