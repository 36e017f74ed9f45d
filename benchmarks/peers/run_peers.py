"""offramp beside its peers on the same inputs, interleaved, 5 runs each: agreement and speed.

    bash benchmarks/peers/install.sh          # the peers, in benchmarks/peers/.venv
    python benchmarks/peers/run_peers.py      # prints the Markdown table of docs/benchmarks.md

Pure Nash equilibria of random bimatrix games (integer payoffs 0-999, seeded). offramp runs as a
script over its Python API (ours_bimatrix.py: strategies in binary, every size) and, where one
option per strategy fits a state code (n <= 31), end to end from a scenario file written as
one-hot choices (each player picks one of n strategies: ``mutually_exclusive`` plus
``at_least_one``; a player's weight on each cell is its payoff) as ``offramp stability FILE
--concept nash --format json``. The peers run as a script that loads the payoffs and solves
(nashpy: every pure profile tested with ``is_best_response``; Gambit: ``enumpure_solve``).
Every figure is a whole process, start-up included, as a user runs it. Peers that are not
installed are skipped with the reason.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from timing import compare  # noqa: E402

PEER_PYTHON = os.environ.get("PEERS_PYTHON", os.path.join(HERE, ".venv", "bin", "python"))
OFFRAMP = os.path.join(os.path.dirname(sys.executable), "offramp")
SIZES = [int(s) for s in os.environ.get("PEERS_SIZES", "15,50,200").split(",")]
RUNS = 5


def game(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first seeded n x n game with a pure equilibrium (so that agreement means something;
    about a third of random games have none)."""
    seed = n
    while True:
        rng = np.random.default_rng(seed)
        a, b = rng.integers(0, 1000, (n, n)), rng.integers(0, 1000, (n, n))
        if ((a == a.max(axis=0)) & (b == b.max(axis=1, keepdims=True))).any():
            return a, b
        seed += 1


def scenario_text(a: np.ndarray, b: np.ndarray) -> str:
    n, m = a.shape
    lines = ["format: offramp/1", f"name: bimatrix {n}x{m}", "decision_makers:"]
    for dm, k in (("Row", n), ("Col", m)):
        lines += [f"  - name: {dm}", "    options:"] + [f"      - name: s{i}" for i in range(k)]
    groups = [f"[{', '.join(f'Row.s{i}' for i in range(n))}]"]
    groups.append(f"[{', '.join(f'Col.s{j}' for j in range(m))}]")
    lines += ["mutually_exclusive:"] + [f"  - {g}" for g in groups]
    lines += ["at_least_one:"] + [f"  - {g}" for g in groups]
    lines.append("preferences:")
    for dm, pay in (("Row", a), ("Col", b)):
        lines += [f"  {dm}:", "    weights:"]
        for i in range(n):
            for j in range(m):
                lines.append(f'      - {{when: "Row.s{i} & Col.s{j}", value: {int(pay[i, j])}}}')
    return "\n".join(lines) + "\n"


def offramp_equilibria(stdout: str) -> list[list[int]]:
    data = json.loads(stdout)
    taken = {s["id"]: s["taken"] for s in data["states"]}
    out = []
    for sid in data["equilibria"]["nash"]:
        pick = dict(t.split(".") for t in taken[sid])
        out.append([int(pick["Row"][1:]), int(pick["Col"][1:])])
    return sorted(out)


def peer_version(name: str) -> str | None:
    if not os.path.exists(PEER_PYTHON):
        return None
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    got = subprocess.run([PEER_PYTHON, "-c", code], capture_output=True, text=True)
    return got.stdout.strip() if got.returncode == 0 else None


def main() -> None:
    peers = {"nashpy": "peer_nashpy.py", "pygambit": "peer_gambit.py"}
    if os.environ.get("PEERS"):  # e.g. PEERS=pygambit
        peers = {p: s for p, s in peers.items() if p in os.environ["PEERS"].split(",")}
    versions = {p: peer_version(p) for p in peers}
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# offramp {importlib.metadata.version('offramp')}; load {os.getloadavg()[0]:.1f}")
    for peer, version in versions.items():
        if version is None:
            print(f"# {peer}: skipped (not installed: run benchmarks/peers/install.sh)")
    print(
        "# KTAB: skipped (not built here; measured by hand: docs/benchmarks.md); gmcr-py: "
        "skipped (not free "
        "to use: its end user agreement limits installations to purchased licences); "
        "Python BDM port: skipped (none on PyPI; the public ports are Python 2 with no stated "
        "licence)"
    )
    print(
        "| game | sides (peer version) | pure equilibria | agree | offramp wall min / median (s) "
        "| offramp CPU median (s) | peer wall min / median (s) | peer CPU median (s) "
        "| peer / offramp: wall min / median, CPU median |"
    )
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    env = dict(
        os.environ,
        OFFRAMP_HISTORY="0",
        OFFRAMP_LIMIT_STATEMENTS_PER_PREFERENCE="100000",
        OFFRAMP_LIMIT_FILE_BYTES="50000000",
        OFFRAMP_LIMIT_YAML_NODES="2000000",
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            a, b = game(n)
            npz = os.path.join(tmp, f"g{n}.npz")
            np.savez(npz, A=a, B=b)
            yaml = os.path.join(tmp, f"g{n}.yaml")
            with open(yaml, "w") as f:
                f.write(scenario_text(a, b))
            cli = [OFFRAMP, "stability", yaml, "--concept", "nash", "--format", "json"]
            api = [sys.executable, os.path.join(HERE, "ours_bimatrix.py"), npz]
            for peer, script in peers.items():
                if versions[peer] is None:
                    continue
                peer_cmd = [PEER_PYTHON, os.path.join(HERE, script), npz]
                sides = [("Python API", api, json.loads)]
                if 2 * n <= 63:  # one option per strategy fits a state code
                    sides.append(("command line, one-hot YAML", cli, offramp_equilibria))
                for how, ours, parse in sides:
                    cmp = compare(ours, peer_cmd, RUNS, env)
                    mine = sorted(parse(cmp.ours[0].stdout))
                    theirs = sorted(json.loads(cmp.peer[0].stdout))
                    agree = "yes" if mine == theirs else f"NO ({mine} vs {theirs})"
                    ow, pw = cmp.figure("ours", "wall"), cmp.figure("peer", "wall")
                    oc, pc = cmp.figure("ours", "cpu"), cmp.figure("peer", "cpu")
                    r, rc = cmp.ratio("wall"), cmp.ratio("cpu")
                    print(
                        f"| {n}×{n} | offramp ({how}) vs {peer} {versions[peer]} | {len(mine)} "
                        f"| {agree} | {ow[0]:.2f} / {ow[1]:.2f} | {oc[1]:.2f} "
                        f"| {pw[0]:.2f} / {pw[1]:.2f} | {pc[1]:.2f} "
                        f"| {r[0]:.1f}× / {r[1]:.1f}×, {rc[1]:.1f}× |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
