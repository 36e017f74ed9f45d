"""The workbench under abuse and load (issue 11, item 4), on loopback only: the Host header
against DNS rebinding, no CORS, size and time limits, caps with 429 + Retry-After, one
executor policy that cannot deadlock, prompt cancel, jobs of vanished clients cancelled,
security headers, and every bad request answered with a 4xx and a message, never a 500."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

from offramp.scenarios import builtin_text
from offramp.web import create_app
from offramp.web.app import download_name
from offramp.web.security import bearer, same_token, split_host
from tests.cli_runner import invoke

TEXT = builtin_text("beijing-broker")
CHICKEN = builtin_text("chicken")

# A variant whose status quo a feasibility rule removes: `offramp validate` exits 2 on it.
INFEASIBLE_VARIANT = CHICKEN + (
    'infeasible:\n  - "Row.dare & Col.dare"\n'
    "variants:\n  - name: both-dare\n    status_quo: [Row.dare, Col.dare]\n"
)


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


def serve(app):
    """Run ``app`` with uvicorn on a free loopback port; returns (port, stop)."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=5)

    return port, stop


@pytest.fixture(scope="module")
def live():
    port, stop = serve(create_app(queue=2))
    yield port
    stop()


def raw(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
        headers.setdefault("Content-Length", str(len(body)))
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders()
    if body is not None:
        conn.send(body)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def wait_job(client, job_id: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["status"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


# ---------------------------------------------------------------------- Host, Origin, token
def test_host_header_must_be_the_bound_loopback_address(live) -> None:
    for host in (f"127.0.0.1:{live}", f"localhost:{live}", f"LOCALHOST:{live}"):
        status, _, _ = raw(live, "GET", "/api/scenarios", headers={"Host": host})
        assert status == 200, host
    for host in (f"evil.example:{live}", "evil.example", f"127.0.0.1:{live + 1}", ""):
        status, _, body = raw(live, "GET", "/api/scenarios", headers={"Host": host})
        assert status == 421, host
        assert "is not this server's address" in json.loads(body)["error"]
    # a rebinding page would POST the alias bomb or start jobs: refused before any work
    status, _, _ = raw(
        live,
        "POST",
        "/api/jobs/uncertainty",
        json.dumps({"text": TEXT}).encode(),
        {"Host": f"attacker.example:{live}"},
    )
    assert status == 421


def test_cross_origin_requests_are_refused_and_no_cors(live) -> None:
    body = json.dumps({"text": CHICKEN}).encode()
    status, headers, _ = raw(
        live, "POST", "/api/validate", body, {"Origin": f"http://127.0.0.1:{live}"}
    )
    assert status == 200
    for origin in ("http://evil.example", f"http://localhost:{live + 1}", "null"):
        status, headers, _ = raw(live, "POST", "/api/validate", body, {"Origin": origin})
        assert status == 403, origin
        assert not any(k.lower().startswith("access-control") for k in headers)
    status, _, _ = raw(live, "POST", "/api/validate", body, {"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    status, headers, _ = raw(
        live,
        "OPTIONS",
        "/api/validate",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert status >= 400 and not any(k.lower().startswith("access-control") for k in headers)


def test_token_bytes_and_scheme() -> None:
    guarded = TestClient(create_app(token="s3cret"), raise_server_exceptions=False)
    ok = {"Authorization": b"bearer s3cret"}
    assert guarded.get("/api/scenarios", headers=ok).status_code == 200
    assert guarded.get("/api/scenarios", headers={"Authorization": b"BEARER s3cret"}).is_success
    for bad in ("Bearer s3crét".encode(), "Bearer ☃".encode(), b"Bearer \xff\xfe", b"Basic s3cret"):
        r = guarded.get("/api/scenarios", headers={"Authorization": bad})
        assert r.status_code == 401 and r.json()["error"] == "a valid token is required"
    assert guarded.get("/api/scenarios?token=%E2%98%83").status_code == 401
    cookie = {"Cookie": "offramp_token=☃".encode()}
    assert guarded.get("/api/scenarios", headers=cookie).status_code == 401
    # a non-ASCII token of its own works too (bytes compared, whatever they are)
    snow = TestClient(create_app(token="snow☃man"), raise_server_exceptions=False)
    header = {"Authorization": "Bearer snow☃man".encode()}
    assert snow.get("/api/scenarios", headers=header).status_code == 200


@given(st.binary(max_size=40), st.binary(max_size=40))
def test_same_token_is_plain_equality_of_bytes(a: bytes, b: bytes) -> None:
    assert same_token(a, b) == (a == b and a != b"")
    assert same_token(a, a) == (a != b"")


@given(st.binary(max_size=30))
def test_bearer_takes_any_case_of_the_scheme(token: bytes) -> None:
    for scheme in (b"Bearer", b"bearer", b"BeArEr"):
        assert bearer(scheme + b" " + token) == token.strip()
    assert bearer(b"Basic " + token) == b""


def test_split_host() -> None:
    assert split_host("LocalHost:8000") == ("localhost", 8000)
    assert split_host("[::1]:9") == ("::1", 9)
    assert split_host("example.org") == ("example.org", None)
    assert split_host("a:b") == ("a", -1)


# ---------------------------------------------------------------------- headers and limits
def test_security_headers_on_every_response(client) -> None:
    page = client.get("/")
    for r in (page, client.get("/api/scenarios"), client.get("/api/jobs/nope")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert not any(k.lower().startswith("access-control") for k in r.headers)
    # the CSP allows exactly the page's own inline script and style, by hash
    csp = page.headers["content-security-policy"]
    for tag in ("script", "style"):
        inline = re.search(rf"<{tag}>(.*?)</{tag}>", page.text, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp


def test_body_size_limit_without_content_length(live) -> None:
    small_port, stop = serve(create_app(max_body=10_000))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", small_port, timeout=30)
        conn.putrequest("POST", "/api/validate")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        payload = json.dumps({"text": "x" * 50_000}).encode()
        for i in range(0, len(payload), 4096):
            piece = payload[i : i + 4096]
            conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        assert response.status == 413
        assert "larger than 9 KB" in json.loads(response.read())["error"]
    finally:
        stop()


def test_slow_request_body_gets_408() -> None:
    port, stop = serve(create_app(body_seconds=0.5))
    try:
        conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        conn.sendall(
            b"POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"text": ' % port
        )
        started = time.monotonic()
        answer = ""
        while "}" not in answer:  # the status line and headers may come before the body
            piece = conn.recv(4096).decode()
            if not piece:
                break
            answer += piece
        assert answer.startswith("HTTP/1.1 408"), answer
        assert "took longer than 0.5 s" in answer
        assert time.monotonic() - started < 5
        conn.close()
    finally:
        stop()


# ---------------------------------------------------------------------- 4xx, never 500
def test_infeasible_variant_is_bad_for_the_web_as_for_the_cli(client, capsys, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(INFEASIBLE_VARIANT)
    cli = invoke(capsys, "validate", str(path))
    assert cli.code == 2
    web = client.post("/api/validate", json={"text": INFEASIBLE_VARIANT, "file": str(path)})
    assert web.status_code == 200 and web.json()["ok"] is False
    problem = web.json()["problems"][0]
    assert "is infeasible" in problem["message"]
    assert f"{path}:{problem['line']}:{problem['column']}: {problem['path']}" in cli.err
    assert problem["message"].split(":")[0] in cli.err
    for endpoint, extra in (("/api/analyze", {}), ("/api/report", {"format": "json"})):
        r = client.post(endpoint, json={"text": INFEASIBLE_VARIANT, **extra})
        assert r.status_code == 422 and "is infeasible" in r.json()["problems"][0]["message"]
    r = client.post("/api/state", json={"text": INFEASIBLE_VARIANT, "state": 1})
    assert r.status_code == 422


@pytest.mark.parametrize(
    "name",
    ['Will "Beijing" broker?', "Ωmega — 北京 ☃", "a/b\\c;d", "..", "\u202eevil", "x" * 300],
)
def test_any_scenario_name_downloads(client, name: str) -> None:
    text = CHICKEN.replace('name: "Chicken"', "name: " + json.dumps(name))
    r = client.post("/api/report", json={"text": text, "format": "json", "samples": 0})
    assert r.status_code == 200, r.text
    header = r.headers["content-disposition"]
    header.encode("latin-1")  # a legal header value
    plain = re.fullmatch(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S+)', header)
    assert plain, header
    assert re.fullmatch(r"offramp-report-[A-Za-z0-9._-]+\.json", plain.group(1))
    full = unquote(plain.group(2))
    assert full.startswith("offramp-report-") and full.endswith(".json")
    assert not re.search(r'[/\\"\x00-\x1f]', full)
    assert json.loads(r.text)["scenario"] == name


@given(st.text(max_size=80), st.sampled_from(["html", "md", "json"]))
def test_download_name_is_always_a_safe_header(name: str, ext: str) -> None:
    header = download_name(name, ext)
    header.encode("latin-1")
    match = re.fullmatch(
        r'attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'(\S+)', header
    )
    assert match, header
    full = unquote(match.group(2), errors="strict")
    assert not re.search(r'[/\\"\x00-\x1f\x7f]', full) and full.endswith("." + ext)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/validate", '{"text": "\\ud800"}'),
        ("/api/analyze", '{"text": "x", "variant": "\\udfff"}'),
        ("/api/state", '{"text": "x", "state": 1e999999}'),
        (
            "/api/jobs/sweep",
            '{"text": "x", "parameter": "p", "low": 1e999999, "high": 1, "step": 1}',
        ),
        ("/api/jobs/uncertainty", '{"text": "x", "samples": 1e999999}'),
        ("/api/jobs/uncertainty", '{"text": "x", "seed": -1}'),
        ("/api/report", '{"text": "x", "samples": -1e999999}'),
        ("/api/report", '{"text": "x", "format": "exe"}'),
        ("/api/validate", '{"text": "x", "extra": 1}'),
        ("/api/validate", "{not json"),
        ("/api/validate", '["text"]'),
        ("/api/validate", ""),
    ],
)
def test_bad_json_bodies_are_422_with_a_message(client, path: str, body: str) -> None:
    r = client.post(path, content=body.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    message = r.json()["error"]
    assert isinstance(message, str) and message
    assert "\\ud800" not in message and "Traceback" not in message


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
FIELDS = ["text", "file", "variant", "state", "concept", "parameter", "low", "high", "step"]
FIELDS += ["samples", "seed", "workers", "format"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["/api/validate", "/api/analyze", "/api/state", "/api/report"]),
    st.dictionaries(st.sampled_from(FIELDS), JSONISH, max_size=5),
)
def test_random_json_bodies_never_get_a_500(client, path: str, body: dict) -> None:
    body.setdefault("text", CHICKEN if len(body) % 2 else "format: offramp/1\n")
    payload = json.dumps(body, allow_nan=True).encode()
    r = client.post(path, content=payload, headers={"Content-Type": "application/json"})
    assert r.status_code < 500, (body, r.text)
    if r.status_code >= 400:
        assert r.json()["error"]


@example(0.0, 1.310727152782908e263, 7.291161808232057e-46)  # found: (TO-FROM)/STEP = inf
@settings(max_examples=60, deadline=None)
@given(
    st.one_of(st.floats(), st.integers(), st.text(max_size=12)),
    st.one_of(st.floats(), st.integers(), st.text(max_size=12)),
    st.one_of(st.floats(), st.integers(), st.text(max_size=12)),
)
def test_sweep_form_values_get_a_message_never_a_500(client, low, high, step) -> None:
    body = {"text": TEXT, "parameter": "trade_relief", "low": low, "high": high, "step": step}
    r = client.post(
        "/api/jobs/sweep",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    if r.status_code == 200:
        client.delete(f"/api/jobs/{r.json()['id']}")
        wait_job(client, r.json()["id"])
    else:
        assert r.status_code in (422, 429), r.text
        assert r.json()["error"]


def test_sweep_errors_are_the_clis(client, capsys, tmp_path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(TEXT)
    for low, high, step in [("10", "0", "1"), ("0", "10", "0"), ("", "10", "1")]:
        web = client.post(
            "/api/jobs/sweep",
            json={
                "text": TEXT,
                "parameter": "trade_relief",
                "low": low,
                "high": high,
                "step": step,
            },
        )
        assert web.status_code == 422
        cli = invoke(capsys, "sweep", str(path), "--param", f"trade_relief={low}:{high}:{step}")
        assert cli.code == 2
        assert web.json()["error"] in cli.err.replace("\n", " ") or web.json()["error"] in cli.err


# ---------------------------------------------------------------------- jobs, caps, executor
def test_job_caps_per_client_and_in_total() -> None:
    app = TestClient(create_app(max_jobs=3, max_jobs_per_client=2))
    long = {"text": TEXT, "parameter": "trade_relief", "low": 0, "high": 100, "step": 0.1}
    first = [app.post("/api/jobs/sweep", json=long) for _ in range(2)]
    assert all(r.status_code == 200 for r in first)
    third = app.post("/api/jobs/sweep", json=long)
    assert third.status_code == 429
    assert int(third.headers["retry-after"]) >= 1
    assert "2 jobs of yours are running" in third.json()["error"]
    for r in first:
        app.delete(f"/api/jobs/{r.json()['id']}")
        assert wait_job(app, r.json()["id"], 5)["status"] == "cancelled"
    assert app.post("/api/jobs/sweep", json=long).status_code == 200  # room again


def test_jobs_total_cap() -> None:
    app = create_app(max_jobs=1, max_jobs_per_client=5)
    c = TestClient(app)
    long = {"text": TEXT, "parameter": "trade_relief", "low": 0, "high": 100, "step": 0.1}
    job = c.post("/api/jobs/sweep", json=long).json()
    other = TestClient(app, client=("10.0.0.2", 5000))
    r = other.post("/api/jobs/sweep", json=long)
    assert r.status_code == 429 and "running 1 jobs already" in r.json()["error"]
    c.delete(f"/api/jobs/{job['id']}")
    wait_job(c, job["id"], 5)


def test_monte_carlo_with_any_workers_never_deadlocks_and_agrees() -> None:
    """The loky failure: jobs asking for different worker counts at once. Each must finish,
    with the same numbers as an in-process run, and a default job must work afterwards."""
    import offramp
    from offramp.uncertainty.montecarlo import monte_carlo

    app = TestClient(create_app(max_jobs=8, max_jobs_per_client=8))
    started = [
        app.post(
            "/api/jobs/uncertainty", json={"text": TEXT, "samples": 600, "seed": 3, "workers": w}
        )
        for w in (1, 2, 3, 64)
    ]
    started.append(
        app.post("/api/jobs/uncertainty", json={"text": TEXT, "samples": 600, "seed": 3})
    )
    expected = monte_carlo(offramp.get_builtin("beijing-broker"), 600, 3).to_dict()
    for r in started:
        assert r.status_code == 200, r.text
        status = wait_job(app, r.json()["id"], 120)
        assert status["status"] == "done", status
        got = status["result"]
        for key in ("questions", "settles_probability", "equilibrium_probability", "sensitivity"):
            assert got[key] == expected[key], key
        assert got["samples"] == 600


def test_cancel_takes_effect_within_a_second() -> None:
    app = TestClient(create_app())
    for kind, body in (
        ("uncertainty", {"text": TEXT, "samples": 200_000}),
        ("sweep", {"text": TEXT, "parameter": "trade_relief", "low": 0, "high": 199, "step": 0.1}),
    ):
        job = app.post(f"/api/jobs/{kind}", json=body).json()
        while app.get(f"/api/jobs/{job['id']}").json()["done"] == 0:
            time.sleep(0.05)
        asked = time.monotonic()
        app.delete(f"/api/jobs/{job['id']}")
        status = wait_job(app, job["id"], 5)
        assert time.monotonic() - asked < 1.0, kind
        assert status["status"] == "cancelled" and status["reason"] == "cancelled by the user"
        assert status["done"] < status["total"]


def test_jobs_of_a_vanished_client_are_cancelled() -> None:
    app = TestClient(create_app(job_idle_seconds=0.5))
    job = app.post("/api/jobs/uncertainty", json={"text": TEXT, "samples": 200_000}).json()
    time.sleep(1.5)  # nobody asks: the page has gone
    status = app.get(f"/api/jobs/{job['id']}").json()
    assert status["status"] == "cancelled"
    assert "nobody asked about the job" in status["reason"]
    assert status["done"] < 200_000
    beacon = app.post("/api/jobs/uncertainty", json={"text": TEXT, "samples": 200_000}).json()
    assert app.post(f"/api/jobs/{beacon['id']}/cancel").status_code == 200  # the page's beacon
    assert wait_job(app, beacon["id"], 5)["status"] == "cancelled"


def test_bounded_queue_answers_429_with_retry_after(live) -> None:
    body = json.dumps({"text": TEXT}).encode()
    with ThreadPoolExecutor(8) as ex:
        answers = list(ex.map(lambda _: raw(live, "POST", "/api/analyze", body), range(8)))
    statuses = sorted(a[0] for a in answers)
    assert statuses.count(200) >= 2 and 429 in statuses, statuses
    for status, headers, data in answers:
        if status == 429:
            assert int(headers["retry-after"]) >= 1
            assert "try again" in json.loads(data)["error"]


def test_a_worker_that_dies_is_a_clear_error_and_the_pool_recovers() -> None:
    import os
    import signal

    from offramp.web.pool import SharedPool

    pool = SharedPool(1)
    app = TestClient(create_app(pool=pool), raise_server_exceptions=False)
    try:
        assert app.post("/api/validate", json={"text": CHICKEN}).json()["ok"]
        with ThreadPoolExecutor(1) as ex:
            long = {"text": TEXT, "format": "json", "samples": 20_000}
            pending = ex.submit(app.post, "/api/report", json=long)
            time.sleep(1.5)
            for pid in list(pool._pool._processes):  # as if the OOM killer took it
                os.kill(pid, signal.SIGKILL)
            r = pending.result(timeout=60)
        assert r.status_code == 422 and "worker process running this died" in r.json()["error"]
        assert app.post("/api/validate", json={"text": CHICKEN}).json()["ok"]  # a new pool
    finally:
        pool.shutdown()


def test_a_queued_request_whose_client_goes_is_dropped() -> None:
    from offramp.web.pool import SharedPool

    pool = SharedPool(1)
    app = create_app(pool=pool)
    port, stop = serve(app)
    try:
        raw(port, "POST", "/api/validate", json.dumps({"text": CHICKEN}).encode())  # warm
        busy = json.dumps({"text": TEXT, "format": "json", "samples": 3_000}).encode()
        with ThreadPoolExecutor(1) as ex:
            running = ex.submit(raw, port, "POST", "/api/report", busy)
            while app.state.admission.admitted < 1:
                time.sleep(0.02)
            body = json.dumps({"text": TEXT}).encode()
            gone = socket.create_connection(("127.0.0.1", port))
            gone.sendall(
                b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                b"application/json\r\nContent-Length: %d\r\n\r\n" % (port, len(body)) + body
            )
            while app.state.admission.admitted < 2:
                time.sleep(0.02)
            gone.close()  # the tab is closed while the analysis waits for the worker
            deadline = time.monotonic() + 3
            while app.state.admission.admitted > 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert app.state.admission.admitted == 1  # dropped from the queue, never run
            assert running.result(timeout=120)[0] == 200
    finally:
        stop()
        pool.shutdown()
