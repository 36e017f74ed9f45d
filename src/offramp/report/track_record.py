"""How well each forecast model has done on real decisions, for the report's sentence on why
models disagree and which to trust.

The figures are the bargaining package's own scores: the mean absolute error (0-100 scale) of
each model on the 180 scored issues of DEU III dev (EU legislative decisions; Thomson et al.
2012), GDP capabilities — measured by ``offramp eval deu shared/data/deu3/deu3-dev.tsv --model
all --cv`` and documented in docs/methods/deu-evaluation.md. Models without fitted parameters
(compromise, median, smp, bdm) are scored as they are; the fitted default is scored
out-of-sample. Whatever ``offramp.bargaining`` publishes is preferred, so that the report never
contradicts the package: ``default_model_info()`` (the default's nested cross-validated error,
and the compromise model's, as the model-selection run recorded them) and ``TRACK_RECORD``
(model -> MAE, or model -> {"mae": ...}). tests/test_report_words.py re-measures the fast
models against these figures.

References: Thomson, R., Arregui, J., Leuffen, D., et al. (2012). A new dataset on
decision-making in the European Union before and after the 2004 and 2007 enlargements
(DEUII). Journal of European Public Policy 19(4).
"""

from __future__ import annotations

#: DEU III dev, 180 issues, GDP capability, nested cross-validation (leave one proposal out):
#: ``python scripts/track_record.py`` (docs/methods/deu-evaluation.md).
DEU_DEV_MAE = {
    "offramp": 19.38,
    "compromise": 20.48,
    "smp": 23.50,
    "median": 24.37,
    "bdm": 28.13,
}


#: The best model's errors minus each other report model's on the same held-out issues:
#: (mean, 95% interval low, high), bootstrapped over proposals (2,000 replicates, seed 0), from
#: ``python scripts/track_record.py``. A lead whose interval reaches zero is not evidence that
#: the best model is better: reports then call the models indistinguishable on the record.
DEU_DEV_GAINS: dict[tuple[str, str], tuple[float, float, float]] = {
    ("offramp", "compromise"): (-1.11, -2.18, 0.07),
    ("offramp", "smp"): (-4.12, -6.27, -1.91),
    ("offramp", "median"): (-4.99, -7.55, -2.50),
    ("offramp", "bdm"): (-8.76, -12.57, -5.02),
}


def gains() -> dict[tuple[str, str], tuple[float, float, float]]:
    """(a, b) -> mean, low, high of MAE(a) - MAE(b) on held-out issues (negative: a better)."""
    return dict(DEU_DEV_GAINS)


def model_errors() -> dict[str, float]:
    """Model -> mean absolute error on real decisions (lower is better)."""
    import offramp.bargaining as bargaining

    out = dict(DEU_DEV_MAE)
    info_of = getattr(bargaining, "default_model_info", None)
    info = info_of() if callable(info_of) else None
    if isinstance(info, dict):
        if isinstance(info.get("nested_cv_mae"), int | float) and info.get("name"):
            out[str(info["name"])] = float(info["nested_cv_mae"])
        if isinstance(info.get("compromise_nested_cv_mae"), int | float):
            out["compromise"] = float(info["compromise_nested_cv_mae"])
    published = getattr(bargaining, "TRACK_RECORD", None)
    if isinstance(published, dict):
        for model, value in published.items():
            mae = value.get("mae") if isinstance(value, dict) else value
            if isinstance(mae, int | float):
                out[str(model)] = float(mae)
    return out
