"""Choose offramp's default forecaster by nested cross-validation, and print the evidence.

Run from the project root (the DEU file is read from ../shared, beside the project):

    python scripts/choose_default_model.py [--deu PATH] [--inner 5] [--replicates 2000]

Prints, as Markdown to paste into docs/methods/deu-evaluation.md:

1. every candidate family (each registered model with its grid, the power mean on a finer grid,
   two stackings): in-sample MAE (the family fitted on every issue), nested-CV MAE (leave one
   proposal out; parameters chosen on the training proposals), coverage of the 80% interval on
   held-out proposals, and the nested-CV difference to the compromise model with a 95%
   bootstrap interval over proposals;
2. the whole choice (`Selection`: family, grid and parameters chosen by inner grouped CV on the
   training proposals) under the same outer loop, with and without the slow process models;
3. the choice refitted on the whole file: the ``CHOSEN`` line for
   src/offramp/bargaining/default_forecaster.py, the ``DEFAULT_CHOICE`` figures for
   src/offramp/bargaining/registry.py and each model's ``interval_half_width`` (see
   src/offramp/bargaining/intervals.py).

Deterministic: the folds are fixed and the bootstrap is seeded.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from offramp.bargaining.deu import read_deu
from offramp.bargaining.evaluation import (
    Dataset,
    Selection,
    bootstrap_difference,
    candidate_families,
    cross_validate,
    family_for,
    in_sample,
)
from offramp.bargaining.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEU = ROOT.parent / "shared" / "data" / "deu3" / "deu3-dev.tsv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deu", type=Path, default=DEFAULT_DEU)
    ap.add_argument("--inner", type=int, default=5, help="inner grouped folds of the choice")
    ap.add_argument("--replicates", type=int, default=2000, help="bootstrap replicates")
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = Dataset.from_issues(read_deu(args.deu).issues)
    print(f"file: {args.deu.name}: {len(data)} scored issues, {data.n_groups} proposals")
    print("outer loop: leave one proposal out; bootstrap: proposals resampled, seed 0\n")

    families = candidate_families(include_slow=True)
    base = cross_validate(family_for("compromise"), data)
    choice = {}
    for slow in (False, True):
        sel = Selection(candidate_families(include_slow=slow), args.inner, "offramp")
        cv = cross_validate(sel, data)
        d = bootstrap_difference(cv.errors, base.errors, data.groups, args.replicates)
        fitted, mae_in = in_sample(sel, data)
        choice[slow] = (cv, d, fitted, mae_in)
    rows = []
    print(
        "| model (family) | fitted on the whole file | in-sample MAE | nested-CV MAE "
        "| 80% coverage | nested-CV − compromise [95% CI] |"
    )
    print("|---|---|---|---|---|---|")
    cv, d, fitted, mae_in = choice[False]
    print(
        f"| **offramp** (the whole choice) | {fitted.model.label()} | {mae_in:.2f} | "
        f"**{cv.mae:.2f}** | {cv.coverage:.0%} | {d.mean:+.2f} [{d.low:+.2f}, {d.high:+.2f}] |"
    )
    for fam in families:
        fitted, mae_in = in_sample(fam, data)
        fcv = cross_validate(fam, data)
        fd = bootstrap_difference(fcv.errors, base.errors, data.groups, args.replicates)
        rows.append((fam.label, fcv))
        print(
            f"| {fam.label} | {fitted.model.label()} | {mae_in:.2f} | {fcv.mae:.2f} | "
            f"{fcv.coverage:.0%} | {fd.mean:+.2f} [{fd.low:+.2f}, {fd.high:+.2f}] |"
        )
    print()
    for slow in (False, True):
        cv, d, fitted, _ = choice[slow]
        chosen: dict[str, int] = {}
        for f in cv.folds:
            chosen[f["family"]] = chosen.get(f["family"], 0) + 1
        which = "with" if slow else "without"
        print(
            f"the whole choice ({which} bdm, smp; inner {args.inner}-fold): "
            f"nested-CV MAE {cv.mae:.2f} ({cv.mae / base.mae:.3f} x compromise {base.mae:.2f}), "
            f"80% coverage {cv.coverage:.0%}, difference {d.mean:+.2f} "
            f"[{d.low:+.2f}, {d.high:+.2f}], better in {d.share_better:.0%} of replicates; "
            f"families chosen in the {len(cv.folds)} folds: {chosen}; "
            f"on the whole file: {fitted.model.label()}"
        )
    cv, d, fitted, _ = choice[False]
    same = choice[True][2].model == fitted.model
    print(f"\nthe slow models change the choice: {'no' if same else 'YES'}")
    goal = cv.mae <= 0.97 * base.mae
    print(
        f"goal (nested-CV MAE <= 0.97 x compromise = {0.97 * base.mae:.2f}): "
        f"{'reached' if goal else 'NOT reached'} ({cv.mae:.2f})\n"
    )
    print("# src/offramp/bargaining/default_forecaster.py")
    print(f"CHOSEN = {fitted.model!r}\n")
    print("# src/offramp/bargaining/registry.py")
    print(f"DEFAULT_CHOICE: nested_cv_mae={cv.mae:.4f}, compromise_nested_cv_mae={base.mae:.4f}\n")
    print("# each model's interval_half_width (80% quantile of nested-CV absolute errors)")
    half = {"offramp": float(np.quantile(cv.errors, 0.8))}
    by_label = dict(rows)
    for name in REGISTRY:
        if name in by_label:
            half[name] = float(np.quantile(by_label[name].errors, 0.8))
    for k, v in half.items():
        print(f"{k}: interval_half_width = {v:.2f}")
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
