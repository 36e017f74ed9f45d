"""Measure the report models' track record on DEU III dev, with the uncertainty of who wins.

Run from the project root (the DEU file is read from ../shared, beside the project):

    python scripts/track_record.py [--deu PATH] [--replicates 2000]

For each model a scenario report compares (``REPORT_MODELS``) it prints the nested
cross-validated mean absolute error (leave one proposal out) and, for the model with the
lowest error, the difference of its errors to every other model's with a 95% bootstrap
interval over proposals (the independent units). Paste the output into
src/offramp/report/track_record.py: reports say "trust X" only when every such interval
excludes zero (issue 20, item 6). Deterministic: the folds are fixed, the bootstrap seeded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from offramp.bargaining.deu import read_deu
from offramp.bargaining.evaluation import (
    Dataset,
    bootstrap_difference,
    cross_validate,
    family_for,
)
from offramp.bargaining.registry import REPORT_MODELS


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deu", default=str(here.parent / "shared/data/deu3/deu3-dev.tsv"))
    parser.add_argument("--replicates", type=int, default=2000)
    args = parser.parse_args()
    data = Dataset.from_issues(read_deu(args.deu).issues)
    results = {name: cross_validate(family_for(name), data, None) for name in REPORT_MODELS}
    mae = {name: float(r.errors.mean()) for name, r in results.items()}
    best = min(mae, key=mae.__getitem__)
    print("DEU_DEV_MAE = {")
    for name in sorted(mae, key=mae.__getitem__):
        print(f'    "{name}": {mae[name]:.2f},')
    print("}")
    print(f"#: {best} minus each other model (negative: {best} better), 95% interval")
    print("DEU_DEV_GAINS = {")
    for name in sorted(mae, key=mae.__getitem__):
        if name == best:
            continue
        d = bootstrap_difference(
            results[best].errors, results[name].errors, data.groups, args.replicates
        )
        print(f'    ("{best}", "{name}"): ({d.mean:.2f}, {d.low:.2f}, {d.high:.2f}),')
    print("}")


if __name__ == "__main__":
    main()
