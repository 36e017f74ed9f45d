"""How a request's work reaches the shared pool: behind the bounded queue, given up when the
client goes or the time limit passes, and its ``(kind, payload)`` outcome (see
:mod:`offramp.web.work`) turned into the answer or a 4xx."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

from offramp.web.jobs import Admission, Busy, Jobs
from offramp.web.pool import SharedPool


@dataclass
class Workbench:
    """What the endpoints share: the pool, the running jobs, the queue of synchronous
    requests and the time limit of one request (kept in ``app.state.workbench``)."""

    pool: SharedPool
    jobs: Jobs
    admission: Admission
    request_seconds: float
    token: str | None
    page_html: str

    async def in_pool(
        self, request: Request, fn: Callable[..., tuple[str, Any]], *args: Any
    ) -> tuple[str, Any]:
        """Run one task in the pool behind the bounded queue; give up (and drop the task if it
        has not started) when the client goes or the time limit passes."""
        admission, pool, limit = self.admission, self.pool, self.request_seconds
        admission.enter()
        started = time.monotonic()
        future = pool.submit(fn, *args)
        future.add_done_callback(
            lambda f: admission.leave(None if f.cancelled() else time.monotonic() - started)
        )
        waiting = asyncio.wrap_future(future)
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=0.25)
            if done:
                try:
                    outcome: tuple[str, Any] = waiting.result()
                    return outcome
                except BrokenProcessPool:  # the worker died (killed, out of memory): a new pool
                    pool.reset_broken()
                    raise HTTPException(
                        422,
                        "the worker process running this died (out of memory?); try a smaller "
                        "scenario, or the CLI",
                    ) from None
            if await request.is_disconnected():
                future.cancel()
                raise HTTPException(499, "the client went away")
            if time.monotonic() - started > limit:
                if future.cancel():
                    raise Busy(f"the request waited {limit:g} s for a free worker", 10)
                raise HTTPException(
                    422,
                    f"this took longer than the workbench's limit of {limit:g} s: "
                    "run it with the CLI, which has no time limit",
                )

    async def run(self, request: Request, fn: Callable[..., tuple[str, Any]], *args: Any) -> Any:
        """:meth:`in_pool`, its outcome unwrapped by :func:`answer`."""
        return answer(*await self.in_pool(request, fn, *args))


def workbench(request: Request) -> Workbench:
    """The app's :class:`Workbench`."""
    bench: Workbench = request.app.state.workbench
    return bench


def answer(kind: str, payload: Any) -> Any:
    """The payload of an ``("ok", payload)`` outcome; a 422 carrying the problems otherwise."""
    if kind == "problems":
        raise HTTPException(422, {"error": "the scenario has problems", "problems": payload})
    if kind == "error":
        raise HTTPException(422, {"error": payload, "problems": [{"message": payload}]})
    return payload


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""
