"""The service layer: what the CLI and the web both ask for, done once.

- :mod:`.report_content`: everything a report shows, as plain data (analysis, questions with
  thresholds, variants, forecasts, Monte Carlo);
- :mod:`.runs`: recording runs in the history.

The shells (:mod:`offramp.cli`, :mod:`offramp.web`) call these and render the results.
"""

from offramp.service.report_content import build_report
from offramp.service.runs import record

__all__ = ["build_report", "record"]
