"""Fuzz the workbench's HTTP API in-process (no network): every endpoint with mutated scenario
texts, wrong types, absurd numbers and unicode; counts the answers by class. The product's
promise is no 5xx, ever: every bad request gets a 4xx with a message.

    python benchmarks/fuzz_web.py [--count N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from offramp.scenarios import builtin_text
from offramp.web import create_app
from tests.fuzzing import mutate_scenario

ODD = [None, True, -1, 0, 1e308, -1e308, "", "ü" * 50, "\u202e", [], {}, "1e999", "nan", 2**70]
#: endpoint -> the fields it takes besides text, file and variant
ENDPOINTS = {
    "validate": (),
    "analyze": (),
    "state": ("state", "concept"),
    "report": ("format", "samples"),
    "inverse": ("goal", "norm"),
    "map": ("goal", "x", "x_low", "x_high", "y", "y_low", "y_high", "steps"),
    "jobs/sweep": ("parameter", "low", "high", "step"),
}


PARAMETRIC = """format: offramp/1
name: parametric
decision_makers:
  - {name: A, options: [{name: help}]}
  - {name: B, options: [{name: pay}]}
status_quo: []
parameters:
  gain: {value: 2, distribution: {type: uniform, low: 0, high: 6}}
  cost: {value: 3, distribution: {type: uniform, low: 0, high: 6}}
preferences:
  A: {weights: [{when: A.help & B.pay, value: gain}, {when: A.help, value: -cost}]}
  B: {weights: [{when: A.help, value: 4}, {when: B.pay, value: -1}]}
questions:
  - {id: helps, ask: Does A help?, holds_when: A.help}
"""


def body(rng: random.Random, texts: list[str], fields: tuple[str, ...]) -> dict:
    text = rng.choice(texts)
    if rng.random() < 0.7:
        text, _ = mutate_scenario(text, rng)
    out: dict = {"text": text}
    extras = {
        "variant": rng.choice([None, "nope", "no-oil-sanctions"]),
        "state": rng.choice([1, 4, 0, -3, 10**9, "x"]),
        "concept": rng.choice(["seq", "gmr", "sim", "lh", "nope", 3]),
        "format": rng.choice(["html", "markdown", "json", "pdf"]),
        "samples": rng.choice([0, 10, -1, 10**9]),
        "goal": rng.choice(["chicken", "Row.swerve", "((", "x" * 3000, "Row.swerve & Col.swerve"]),
        "norm": rng.choice(["l1", "linf", "l2"]),
        "parameter": rng.choice(["gain", "nope", ""]),
        "low": rng.choice([0, -1e308, "0", "a"]),
        "high": rng.choice([10, 1e308, "inf"]),
        "step": rng.choice([1, 0, -1, "0.5"]),
        "x": rng.choice(["gain", "nope"]),
        "x_low": rng.choice([0, 5]),
        "x_high": rng.choice([15, 0]),
        "y": rng.choice(["cost", "nope"]),
        "y_low": 0,
        "y_high": rng.choice([6, -6]),
        "steps": rng.choice([5, 1, 500]),
    }
    for key in fields:
        if rng.random() < 0.9:
            out[key] = extras[key]
    if rng.random() < 0.3:  # a field of the wrong type, or an unknown one
        out[rng.choice([*out, "extra"])] = rng.choice(ODD)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = [builtin_text(n) for n in ("chicken", "prisoners-dilemma", "elmira")] + [PARAMETRIC]
    client = TestClient(create_app(), raise_server_exceptions=False)
    counts: Counter = Counter()
    codes: Counter = Counter()
    five = []
    started = time.perf_counter()
    for k in range(args.count):
        endpoint = rng.choice(list(ENDPOINTS))
        if rng.random() < 0.1:  # not JSON at all, or JSON of the wrong shape
            raw = rng.choice([b"{", b"[]", b"\xff\xfe", json.dumps(rng.choice(ODD)).encode()])
            response = client.post(f"/api/{endpoint}", content=raw)
        else:
            response = client.post(f"/api/{endpoint}", json=body(rng, texts, ENDPOINTS[endpoint]))
        counts[f"{response.status_code // 100}xx"] += 1
        codes[response.status_code] += 1
        if response.status_code >= 500:
            five.append((k, endpoint, response.text[:200]))
        if endpoint == "jobs/sweep" and response.status_code == 200:
            client.post(f"/api/jobs/{response.json()['id']}/cancel")
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "requests": args.count,
                "seed": args.seed,
                "by_class": dict(counts),
                "by_code": dict(sorted(codes.items())),
                "seconds": elapsed,
            }
        )
    )
    for item in five[:10]:
        print("5xx:", item)
    return 1 if five else 0


if __name__ == "__main__":
    sys.exit(main())
