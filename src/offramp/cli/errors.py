"""How the CLI reports failures: located problems for bad input (exit 2), a short note for bugs
(exit 1, traceback only with --debug)."""

from __future__ import annotations

import sys
import traceback

from rich.console import Console

from offramp.scenario.errors import ScenarioError

ISSUES_URL = "https://github.com/offramp-dev/offramp/issues"
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def report_scenario_error(exc: ScenarioError) -> int:
    for problem in exc.problems:
        stderr.print(problem.format(), markup=False)
    n = len(exc.problems)
    if n > 1:
        stderr.print(f"{n} problems found.", markup=False)
    return 2


def report_bug(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    stderr.print(
        f"offramp: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug in offramp, not in your input. Please report it at {ISSUES_URL} "
        "with the scenario file and the command; rerun with --debug to see the traceback.",
        markup=False,
    )
    return 1
