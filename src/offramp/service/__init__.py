"""The service layer: what the CLI and the web both ask for, done once.

- :mod:`.report_content`: everything a report shows, as plain data (analysis, questions with
  thresholds, variants, forecasts, Monte Carlo);
- :mod:`.runs`: recording runs in the history;
- :mod:`.as_of`: the evidence date an analysis asks for (``--as-of``, the workbench's field).

The shells (:mod:`offramp.cli`, :mod:`offramp.web`) call these and render the results.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.service.report_content import build_report
    from offramp.service.runs import record

#: exported name -> (module, name there): imported on first use (PEP 562)
_EXPORTS = {
    "build_report": ("offramp.service.report_content", "build_report"),
    "record": ("offramp.service.runs", "record"),
}


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


__all__ = ["build_report", "record"]
