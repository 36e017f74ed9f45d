"""Load test of the web workbench, on loopback only: N concurrent analyses of the built-in
scenario, then a burst of job starts, against a server in its own process.

    python benchmarks/bench_web_load.py                 # 50 concurrent analyses
    python benchmarks/bench_web_load.py --clients 50 --deadline 100
    python benchmarks/bench_web_load.py --app some.module:create_app   # another app factory

It stops by itself: every request has a timeout, the whole run a deadline (``--deadline``
seconds), and the server process is terminated at the end. It binds 127.0.0.1 only and sends
nothing anywhere else. Prints latency percentiles and the count of each status code; the
figures in docs/benchmarks.md ("Web workbench under load") come from it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

SERVER = """
import sys, importlib, uvicorn
module, _, name = sys.argv[1].partition(":")
app = getattr(importlib.import_module(module), name)()
if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="error")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: dict | None, timeout: float):
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data else {}
        conn.request(method, path, data, headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        return response.status, time.perf_counter() - started, response.getheaders(), payload
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, time.perf_counter() - started, [], b""


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))] if xs else float("nan")


def fmt(xs: list[float]) -> str:
    if not xs:
        return "none"
    return (
        f"n={len(xs)} min {min(xs):.2f}  p50 {percentile(xs, 50):.2f}  "
        f"p90 {percentile(xs, 90):.2f}  max {max(xs):.2f} s"
    )


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped too
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=20, help="concurrent job starts in phase 2")
    ap.add_argument("--deadline", type=float, default=100.0, help="seconds for the whole run")
    ap.add_argument("--app", default="offramp.web:create_app")
    ap.add_argument("--no-retry", dest="retry", action="store_false", help="take 429 as final")
    args = ap.parse_args()
    deadline = time.monotonic() + args.deadline

    from offramp.scenarios import builtin_text

    text = builtin_text("beijing-broker")
    port = free_port()
    with open(os.devnull, "w") as devnull:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, args.app, str(port)],
            stdout=devnull,
            env={**os.environ, "OFFRAMP_HISTORY": "0"},
        )
    try:
        while request(port, "GET", "/api/scenarios", None, 1)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                print("server did not start", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.2)
        warm = request(port, "POST", "/api/analyze", {"text": text}, 60)
        print(
            f"warm-up analysis: {warm[0]} in {warm[1]:.2f} s (starts the worker pool)", flush=True
        )

        # phase 1: N analyses at once
        barrier = threading.Barrier(args.clients)

        def one(i: int):
            """One client: posts, and on 429 waits the Retry-After it was given and posts
            again (as the page tells its user to), until answered or out of time."""
            barrier.wait()
            start, tries, first = time.perf_counter(), 0, None
            while True:
                left = deadline - 5 - time.monotonic()
                # each client its own text (a comment differs), so no cache can answer for it
                body = {"text": f"{text}\n# client {i}\n"}
                status, seconds, headers, _ = request(
                    port, "POST", "/api/analyze", body, max(1.0, left)
                )
                tries += 1
                first = first or (status, seconds)
                if status != 429 or not args.retry or left < 1:
                    return status, first, time.perf_counter() - start, tries
                hint = float({k.lower(): v for k, v in headers}.get("retry-after", 1))
                time.sleep(max(0.0, min(hint, deadline - 5 - time.monotonic())))

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as ex:
            answers = list(ex.map(one, range(args.clients)))
        wall = time.perf_counter() - t0
        firsts = {}
        for a in answers:
            firsts[a[1][0]] = firsts.get(a[1][0], 0) + 1
        finals = {}
        for a in answers:
            finals[a[0]] = finals.get(a[0], 0) + 1
        first_ok = [a[1][1] for a in answers if a[1][0] == 200]
        first_busy = [a[1][1] for a in answers if a[1][0] == 429]
        done = [a[2] for a in answers if a[0] == 200]
        print(f"\n{args.clients} concurrent analyses ({args.app}): wall {wall:.1f} s", flush=True)
        print(f"  first answers: {firsts}", flush=True)
        print(f"  {fmt(first_ok)} for the first answers that were 200", flush=True)
        if first_busy:
            print(f"  {fmt(first_busy)} for the 429s (Retry-After)", flush=True)
        if args.retry:
            tries = sum(a[3] for a in answers)
            print(f"  after retrying as told: {finals}, {tries} requests in all", flush=True)
            print(f"  {fmt(done)} from first request to the analysis", flush=True)

        # phase 2: a burst of sweep jobs from one client (caps: 429 + Retry-After beyond them)
        if time.monotonic() < deadline - 10:
            body = {"text": text, "parameter": "trade_relief", "low": 0, "high": 10, "step": 1}
            with ThreadPoolExecutor(args.jobs) as ex:
                starts = list(
                    ex.map(
                        lambda _: request(port, "POST", "/api/jobs/sweep", body, 30),
                        range(args.jobs),
                    )
                )
            codes = {}
            for a in starts:
                codes[a[0]] = codes.get(a[0], 0) + 1
            print(f"\n{args.jobs} concurrent sweep starts: status codes {codes}", flush=True)
            for a in starts:
                if a[0] == 200:
                    job = json.loads(a[3])["id"]
                    request(port, "DELETE", f"/api/jobs/{job}", None, 10)
        threads = len(os.listdir(f"/proc/{server.pid}/task")) if os.path.isdir("/proc") else -1
        print(f"\nserver threads at the end: {threads}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
