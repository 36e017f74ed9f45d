"""Decision-making in the European Union (DEU) files: reading them and scoring forecasts.

A DEU file is tab-separated with a header line, then (line 2) one row of GDP figures in the
position columns, then one row per controversial issue: identifiers and procedure, the
positions (0-100) of the Commission, the Parliament and the member states, their saliences
(0-100), the reference point ``rp`` and the outcome ``out``. Each issue becomes a
one-dimensional `BargainingProblem` (saliences rescaled to 0-1) and is scored by the absolute
error of the forecast on the 0-100 scale.

Capability, by default, is GDP / max GDP from line 2 (the proxy used by the file's providers
and the baselines quoted for it). The literature also uses Council votes (QMV weights) and
equal weights; both are offered (`CAPABILITY_SCHEMES`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.limits import read_text_limited
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.result import Forecast

#: Council votes under the Nice Treaty QMV weighting (2007-2014, Croatia from 2013), by the
#: DEU column suffix. Commission and Parliament, which do not vote in the Council, get the
#: largest member-state weight: both are agenda setters whose consent a law needs.
NICE_VOTES: dict[str, float] = {
    "de": 29,
    "fr": 29,
    "it": 29,
    "uk": 29,
    "es": 27,
    "pl": 27,
    "ro": 14,
    "nl": 13,
    "be": 12,
    "cz": 12,
    "el": 12,
    "hu": 12,
    "pt": 12,
    "at": 10,
    "bu": 10,
    "se": 10,
    "dk": 7,
    "ie": 7,
    "lt": 7,
    "sk": 7,
    "fi": 7,
    "cr": 7,
    "cy": 4,
    "ee": 4,
    "lv": 4,
    "lu": 4,
    "si": 4,
    "mt": 3,
    "com": 29,
    "ep": 29,
}

CAPABILITY_SCHEMES = ("gdp", "votes", "equal")


@dataclass
class DEUIssue:
    """One controversial issue: its problem (1 dimension), outcome and where it came from."""

    issue: str
    proposal: str
    procedure: str
    voting_rule: str
    problem: BargainingProblem
    outcome: float | None
    reference_point: float | None
    line: int


@dataclass
class DEUData:
    """All issues of a DEU file, and the capability scheme that built their problems."""

    issues: list[DEUIssue]
    actors: list[str]
    capability_scheme: str

    def scored(self) -> list[DEUIssue]:
        """The issues with an outcome (the ones a forecast can be scored on)."""
        return [x for x in self.issues if x.outcome is not None]


def _cell(
    row: list[str], col: int, file: str, line: int, what: str, low: float = 0.0, high: float = 100.0
) -> float | None:
    text = row[col].strip() if col < len(row) else ""
    if text == "":
        return None
    try:
        x = float(text)
    except ValueError:
        raise BargainingInputError(
            f"{what}: expected a number, got {text!r}", file, line, col + 1
        ) from None
    if not np.isfinite(x) or x < low or x > high:
        raise BargainingInputError(
            f"{what}: {text} is outside [{low:g}, {high:g}]", file, line, col + 1
        )
    return x


def read_deu(path: str | Path, capability: str = "gdp") -> DEUData:
    """Read a DEU-format file into one-dimensional problems (see the module docstring).

    An actor takes part in an issue when it has a position. A position without a salience gets
    salience 0, i.e. no weight in the weighted models: that is the reading under which the
    published baselines for these files (weighted mean 20.5, median 24.4) are reproduced.
    Columns are reported as fields (1-based), since a TSV has no character columns to speak of.
    """
    if capability not in CAPABILITY_SCHEMES:
        raise BargainingInputError(
            f"unknown capability scheme {capability!r}; choose one of "
            f"{', '.join(CAPABILITY_SCHEMES)}"
        )
    file = str(path)
    try:
        text = read_text_limited(path)
    except FileNotFoundError:
        raise BargainingInputError("no such file", file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BargainingInputError(f"cannot read the file: {exc}", file) from None
    reader = csv.reader(text.splitlines(), delimiter="\t")
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a field over csv's size limit
        raise BargainingInputError(f"not readable as TSV: {exc}", file, reader.line_num) from None
    if not rows:
        raise BargainingInputError("empty file: expected a tab-separated header line", file, 1, 1)
    header = [h.strip() for h in rows[0]]
    need = ("isnr", "pcom", "scom", "out")
    for key in need:
        if key not in header:
            raise BargainingInputError(
                f"header lacks column {key!r}; a DEU file has isnr, the p* position columns, the "
                "s* salience columns, rp and out (tab-separated)",
                file,
                1,
                1,
            )
    pcol = header.index("pcom")
    scol = header.index("scom")
    pnames = []
    c = pcol
    while c < len(header) and header[c].startswith("p") and c < scol:
        pnames.append(header[c][1:])
        c += 1
    n = len(pnames)
    if header[scol : scol + n] != ["s" + x for x in pnames]:
        raise BargainingInputError(
            "the salience columns (s*) must follow the position columns (p*) in the same order",
            file,
            1,
            scol + 1,
        )
    width = len(header)
    if len(rows) < 2:
        raise BargainingInputError(
            "missing line 2 (GDP per actor in the position columns)", file, 2, 1
        )
    for lineno, row in enumerate(rows, start=1):
        if lineno > 1 and any(x.strip() for x in row) and len(row) != width:
            raise BargainingInputError(
                f"row has {len(row)} tab-separated fields, the header has {width}",
                file,
                lineno,
                min(len(row), width),
            )
    gdp = np.array(
        [
            _cell(rows[1], pcol + k, file, 2, f"GDP of {pnames[k]}", 0.0, 1e12) or 0.0
            for k in range(n)
        ]
    )
    if capability == "gdp":
        if np.max(gdp) <= 0:
            raise BargainingInputError("line 2 holds no positive GDP figure", file, 2, pcol + 1)
        caps = gdp / np.max(gdp)
    elif capability == "votes":
        caps = np.array([NICE_VOTES.get(x, np.nan) for x in pnames], dtype=float)
        if np.any(~np.isfinite(caps)):
            missing = [x for x, v in zip(pnames, caps, strict=True) if not np.isfinite(v)]
            raise BargainingInputError(
                f"no Council vote weight known for {missing}", file, 1, pcol + 1
            )
        caps = caps / np.max(caps)
    else:
        caps = np.ones(n)
    col = {h: i for i, h in enumerate(header)}
    issues: list[DEUIssue] = []
    for lineno, row in enumerate(rows[2:], start=3):
        if not any(x.strip() for x in row):
            continue
        isnr = row[col["isnr"]].strip()
        pos = [
            _cell(row, pcol + k, file, lineno, f"{isnr}: position of {pnames[k]}") for k in range(n)
        ]
        sal = [
            _cell(row, scol + k, file, lineno, f"{isnr}: salience of {pnames[k]}") for k in range(n)
        ]
        take = [k for k in range(n) if pos[k] is not None]
        if len(take) < 2:
            continue  # nothing to forecast with fewer than two positions
        s = np.array([sal[k] if sal[k] is not None else 0.0 for k in take]) / 100.0
        rp = (
            _cell(row, col["rp"], file, lineno, f"{isnr}: reference point") if "rp" in col else None
        )
        out = _cell(row, col["out"], file, lineno, f"{isnr}: outcome")
        vote = row[col["counvte"]].strip() if "counvte" in col else ""
        problem = BargainingProblem(
            actors=[pnames[k] for k in take],
            dimensions=[isnr],
            capabilities=caps[take],
            positions=np.array([[pos[k]] for k in take]),
            saliences=s[:, None],
            name=isnr,
            reference_point=None if rp is None else np.array([rp]),
            voting_rule=vote or None,
            procedure=(row[col["proc"]].strip() if "proc" in col else "") or None,
        )
        issues.append(
            DEUIssue(
                issue=isnr,
                proposal=row[col["prnr"]].strip() if "prnr" in col else isnr,
                procedure=row[col["proc"]].strip() if "proc" in col else "",
                voting_rule=vote,
                problem=problem,
                outcome=out,
                reference_point=rp,
                line=lineno,
            )
        )
    return DEUData(issues=issues, actors=pnames, capability_scheme=capability)


@dataclass
class DEUScore:
    """Mean absolute error of one model over the scored issues, with every prediction."""

    model: str
    mae: float
    predictions: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """The contract's ``eval deu --format json`` object."""
        return {
            "model": self.model,
            "issues": len(self.predictions),
            "mae": self.mae,
            "predictions": self.predictions,
        }


def score(
    model: str, forecaster: Callable[[BargainingProblem], Forecast], issues: Iterable[DEUIssue]
) -> DEUScore:
    """Forecast every scored issue and return the MAE on the 0-100 scale."""
    preds: list[dict[str, Any]] = []
    errors: list[float] = []
    for x in issues:
        if x.outcome is None:
            continue
        f = forecaster(x.problem)
        y = float(np.asarray(f.forecast).reshape(-1)[0])
        preds.append({"issue": x.issue, "predicted": y, "outcome": x.outcome})
        errors.append(abs(y - x.outcome))
    mae = float(np.mean(errors)) if errors else float("nan")
    return DEUScore(model=model, mae=mae, predictions=preds)
