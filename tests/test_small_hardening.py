"""Issue 22, item 14: the small ones. API pages not served, a time limit on request headers,
the Origin check comparing the scheme, offramp's error format for a body that is not UTF-8,
history folders 0700 whatever the umask, the exponent error quoting the exponent written, and
uncertain bargaining positions kept on the 0-100 scale."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time

import pytest
from fastapi.testclient import TestClient

import offramp
from offramp.history.private import private_dir
from offramp.scenario.errors import ScenarioError
from offramp.scenario.expressions import FormulaError, parse
from offramp.scenarios import builtin_text
from offramp.web import create_app
from offramp.web.server import HeaderTimeoutProtocol
from tests.test_web_defences import raw


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


def test_openapi_and_docs_are_not_served(client) -> None:
    for path in ("/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path


def test_non_utf8_json_body_gets_offramps_error_format(client) -> None:
    answer = client.post(
        "/api/validate",
        content=b'{"text": "\xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json() == {"error": "body: not valid JSON (UTF-8 text)"}


def _serve(app, header_seconds: float):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    protocol = type("P", (HeaderTimeoutProtocol,), {"header_seconds": header_seconds})
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", http=protocol)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    return port, server, thread


def test_request_headers_that_never_finish_are_cut_off() -> None:
    port, server, thread = _serve(create_app(), header_seconds=0.5)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            started = time.monotonic()
            assert slow.recv(1024) == b""  # closed by the server, not by our timeout
            assert time.monotonic() - started < 3
        # a normal request on the same server is answered
        status, _, _ = raw(port, "GET", "/")
        assert status == 200
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def test_origin_check_compares_the_scheme() -> None:
    port, server, thread = _serve(create_app(), header_seconds=10)
    try:
        body = b'{"text": "format: offramp/1"}'
        ok = raw(port, "POST", "/api/validate", body, {"Origin": f"http://127.0.0.1:{port}"})
        assert ok[0] != 403
        for origin in (f"https://127.0.0.1:{port}", f"ftp://127.0.0.1:{port}"):
            status, _, _ = raw(port, "POST", "/api/validate", body, {"Origin": origin})
            assert status == 403, origin
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def test_history_parent_folders_are_private_whatever_the_umask(tmp_path) -> None:
    old = os.umask(0)
    try:
        private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for path in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


def test_exponent_error_shows_the_exponent_written() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("a^8.0000001")
    assert "exponent 8.0000001 is too large" in caught.value.message
    with pytest.raises(FormulaError, match="exponent -9 is too large"):
        parse("a^-9")


def test_uncertain_bargaining_position_outside_the_scale_is_refused() -> None:
    text = builtin_text("beijing-broker")
    old = "          settlement: {type: triangular, low: 35, mode: 45, high: 60}"
    assert text.count(old) == 1
    bad = text.replace(old, "          settlement: {type: uniform, low: 90, high: 200}")
    with pytest.raises(ScenarioError) as caught:
        offramp.from_yaml_text(bad, "b.yaml")
    problem = caught.value.problems[0]
    assert problem.path == "bargaining.actors[0].uncertain.positions.settlement.high"
    assert "200 is outside the 0-100 scale" in problem.message and problem.line is not None
