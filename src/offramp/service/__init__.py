"""The service layer: what the CLI and the web both ask for, done once.

- :mod:`.report_content`: everything a report shows, as plain data (analysis, questions with
  thresholds, variants, forecasts, Monte Carlo);
- :mod:`.runs`: recording runs in the history;
- :mod:`.as_of`: the evidence date an analysis asks for (``--as-of``, the workbench's field).

The shells (:mod:`offramp.cli`, :mod:`offramp.web`) call these and render the results.
"""

from typing import TYPE_CHECKING

from offramp.lazy import lazy_exports

if TYPE_CHECKING:  # the names below, imported only when used (start-up time)
    from offramp.service.report_content import build_report
    from offramp.service.runs import record

#: module -> the names it provides: imported on first use (PEP 562, offramp.lazy)
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "offramp.service.report_content": ("build_report",),
        "offramp.service.runs": ("record",),
    },
)

__all__ = ["build_report", "record"]
