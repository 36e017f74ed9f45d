"""One error hierarchy (issue 22 item 6, issue 23): every exception type offramp defines derives
from :class:`offramp.errors.OfframpError`, so an API caller catching it misses nothing, and the
command line turns each into a message and exit status 2."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import offramp
from offramp.errors import OfframpError

#: BaseException subclasses that are control flow, not errors: a cancelled job is an interrupt
#: (it must pass every ``except Exception``), the web's refusal of a connection likewise.
CONTROL_FLOW = {"offramp.web.jobs.Cancelled", "offramp.web.security._Refused"}


def _modules() -> list[str]:
    names = [offramp.__name__]
    for info in pkgutil.walk_packages(offramp.__path__, prefix="offramp."):
        names.append(info.name)
    return names


def _defined_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except ImportError as exc:  # an optional extra (Dask) not installed
            if exc.name and not exc.name.startswith("offramp"):
                continue
            raise
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == name and issubclass(obj, BaseException):
                found[f"{name}.{obj.__qualname__}"] = obj
    return found


def test_every_offramp_exception_derives_from_offramp_error() -> None:
    found = _defined_exceptions()
    # the walk sees the types the issue names, so it cannot pass by seeing nothing
    for expected in (
        "offramp.bargaining.errors.BargainingInputError",
        "offramp.scenario.statements.StatementError",
        "offramp.history.store.HistoryError",
        "offramp.scenario.errors.ScenarioError",
    ):
        assert expected in found
    outside = [
        name
        for name, cls in found.items()
        if not issubclass(cls, OfframpError)
        and not issubclass(cls, Warning)  # warnings are shown, not raised as errors
        and name not in CONTROL_FLOW
    ]
    assert outside == []
    for name in CONTROL_FLOW:
        assert not issubclass(found[name], Exception), name


@pytest.mark.parametrize(
    "name",
    [
        "offramp.bargaining.errors.BargainingInputError",
        "offramp.scenario.statements.StatementError",
    ],
)
def test_errors_that_were_value_errors_still_are(name) -> None:
    module, _, cls = name.rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), cls), ValueError)


def _many_actors(n: int) -> str:
    actors = "\n".join(
        f"    - {{name: A{i}, capability: {1 + i % 7}, positions: {{x: {i * 37 % 101}}}, "
        "salience: {x: 50}}"
        for i in range(n)
    )
    return f"""format: offramp/1
name: Many actors
decision_makers:
  - name: US
    options:
      - name: tariffs
  - name: CN
    options:
      - name: press
preferences:
  US:
    weights:
      - {{when: "CN.press", value: 1}}
  CN:
    weights:
      - {{when: "US.tariffs", value: 2}}
bargaining:
  dimensions:
    - {{name: x, low: "a", high: "b"}}
  actors:
{actors}
"""


def test_validate_checks_the_bargaining_limits(capsys, tmp_path) -> None:
    """151 actors: over the limit of the bdm and smp models a report compares. `validate`
    says so at the actors (exit 2), and `analyze` exits 2 with the same reason, not 1."""
    from tests.cli_runner import invoke

    path = tmp_path / "many.yaml"
    path.write_text(_many_actors(151))
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2, out
    assert f"{path}:21:5: bargaining.actors: bdm: number of actors" in out.err
    assert "is 151, over the limit of 150" in out.err
    out = invoke(capsys, "analyze", str(path), "-n", "0", "--no-thresholds")
    assert out.code == 2 and "internal error" not in out.err, out.err
    path.write_text(_many_actors(150))
    assert invoke(capsys, "validate", str(path)).code == 0
