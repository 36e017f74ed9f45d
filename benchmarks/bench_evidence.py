"""Cost of derived parameters: formula parsing and evaluation, and their share of a Monte Carlo.

    python benchmarks/bench_evidence.py

(1) parse the built-in scenario's longest formula; evaluate it per sample (scalar, as the Monte
Carlo does) and vectorised over 100,000 samples. (2) Monte Carlo of the built-in scenario,
1,000 samples in-process, as shipped (four derived parameters re-evaluated per sample) and
with every derived parameter replaced by its point value and its figures' ranges dropped
(fewer uncertain inputs, so fewer distinct rankings for the rank cache), reported
with the time spent re-deriving alone.
"""

from __future__ import annotations

import copy
import time

import numpy as np

import offramp
from offramp.scenario.expressions import evaluate, parse
from offramp.uncertainty.montecarlo import monte_carlo


def best(f, repeat: int = 5) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    s = offramp.default()
    d = s.spec.derivation
    longest = max(d.derived.values(), key=lambda p: len(p.formula))
    n_parse = 1000
    t_parse = best(lambda: [parse(longest.formula) for _ in range(n_parse)]) / n_parse
    env = {**d.figure_points(), **s.spec.parameters}
    n_eval = 10_000
    t_eval = best(lambda: [evaluate(longest.node, env) for _ in range(n_eval)]) / n_eval
    big = {k: np.full(100_000, v) for k, v in env.items()}
    t_vec = best(lambda: evaluate(longest.node, big))
    t_derive = best(lambda: [d.values(s.spec.parameters) for _ in range(1000)]) / 1000
    print(f"longest formula: {len(longest.formula)} characters ({longest.name})")
    print(f"parse: {t_parse * 1e6:.1f} us; evaluate (scalar): {t_eval * 1e6:.1f} us")
    print(f"evaluate over 100,000 samples (vectorised): {t_vec * 1e3:.2f} ms")
    print(f"all {len(d.derived)} derived parameters of one sample: {t_derive * 1e6:.1f} us")

    fixed = copy.deepcopy(s.spec.data)
    for name in d.derived:
        fixed["parameters"][name] = s.spec.parameters[name]
    fixed.pop("evidence")
    plain = offramp.from_dict(fixed)
    for label, sc in (("as shipped (derived)", s), ("derived values fixed", plain)):
        t = time.perf_counter()
        mc = monte_carlo(sc, 1000, seed=0)
        print(
            f"Monte Carlo 1,000 samples, {label}: {time.perf_counter() - t:.2f} s "
            f"({len(mc.input_names)} uncertain inputs)"
        )
    print(f"re-deriving 1,000 samples alone: {t_derive * 1000:.3f} s")


if __name__ == "__main__":
    main()
