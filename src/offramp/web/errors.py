"""How the workbench answers what went wrong: bad input with 422 and a message the page can
show (never echoing the input), too much work with 429 and Retry-After, a bug with 500 and
no traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from offramp.errors import OfframpError
from offramp.web.jobs import Busy


def field_errors(exc: RequestValidationError) -> str:
    """Pydantic's errors as one sentence, without echoing the input back."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            where, message = "body", "not valid JSON"
        elif err.get("type") == "finite_number":
            message = "must be a finite number"
        parts.append(f"{where}: {message.removeprefix('Value error, ')}")
    return "; ".join(parts) or "invalid request"


#: FastAPI's answer to a body it cannot decode (JSON that is not UTF-8 text)
_UNPARSED_BODY = "There was an error parsing the body"


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _UNPARSED_BODY:
        # the same answer as any other body that is not JSON
        return JSONResponse({"error": "body: not valid JSON (UTF-8 text)"}, status_code=422)
    detail: object = exc.detail  # a str, or the dict our own routes raise with
    if not isinstance(detail, dict):
        detail = {"error": detail}
    return JSONResponse(detail, status_code=exc.status_code)


async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"error": field_errors(exc)}, status_code=422)


async def bug(request: Request, exc: Exception) -> JSONResponse:
    # a bug, not bad input: say so plainly, without a traceback
    return JSONResponse(
        {"error": f"internal error ({type(exc).__name__}); please report it"},
        status_code=500,
    )


async def input_error(request: Request, exc: OfframpError) -> JSONResponse:
    # bad arguments (a concept that does not cover the conflict, a horizon out of range):
    # the user's input, not a server fault
    return JSONResponse({"error": str(exc)}, status_code=422)


async def busy(request: Request, exc: Busy) -> JSONResponse:
    return JSONResponse(
        {"error": exc.message, "retry_after": exc.retry_after},
        status_code=429,
        headers={"Retry-After": str(exc.retry_after)},
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    # Starlette's class: FastAPI raises it for a body it cannot parse, and its own subclass too.
    # The ignores: Starlette types a handler as taking any Exception; each of these takes the
    # class it is registered for, which is all Starlette ever passes it.
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, bad_request)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, bug)
    app.add_exception_handler(OfframpError, input_error)  # type: ignore[arg-type]
    app.add_exception_handler(Busy, busy)  # type: ignore[arg-type]
