"""Start-up imports only what the command runs: ``import offramp`` and the command line's start
load none of the web, plotting, scipy or Dask modules (they cost start-up time, and Dask is an
optional extra). Checked in a fresh interpreter, since the test process has imported them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.probes import probe

HEAVY = ("scipy", "matplotlib", "dask", "distributed", "fastapi", "starlette", "uvicorn", "joblib")
ELMIRA = Path(__file__).resolve().parents[1] / "src" / "offramp" / "scenarios" / "elmira.yaml"


def loaded_after(code: str) -> set[str]:
    out = probe(f"import sys\n{code}\nprint(__import__('json').dumps(sorted(sys.modules)))")
    return set(json.loads(out.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith("offramp.web"))


@pytest.mark.parametrize(
    "code",
    [
        "import offramp",
        "import offramp.cli.main",
        # the command line's start and a small analysis, as `offramp stability FILE` runs it
        "import sys, contextlib, io\n"
        "from offramp.cli.entry import run\n"
        f"sys.argv = ['offramp', 'stability', {str(ELMIRA)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    run()",
        "import sys, contextlib, io\n"
        "from offramp.cli.entry import run\n"
        "sys.argv = ['offramp', '--help']\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    run()",
    ],
    ids=["import offramp", "import the command line", "offramp stability", "offramp --help"],
)
def test_start_up_does_not_import_what_it_does_not_use(code) -> None:
    assert heavy(loaded_after(code)) == []


def test_import_offramp_loads_no_analysis_until_used() -> None:
    """The package's names are imported on first use (PEP 562), and resolve to the same
    objects as their modules' names."""
    assert not any(m.startswith("offramp.analysis") for m in loaded_after("import offramp"))
    import offramp
    from offramp.analysis.scenario import load

    assert offramp.load is load
    assert set(offramp.__all__) <= set(dir(offramp))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        offramp.nothing  # noqa: B018


def test_writing_figures_leaves_the_users_matplotlib_backend_alone(tmp_path) -> None:
    """A notebook's backend is its own: offramp draws on the Agg canvas explicitly instead of
    switching pyplot's backend (``matplotlib.use``) when its figure modules are imported."""
    probe = (
        "import matplotlib\n"
        "matplotlib.use('pdf')\n"
        "import offramp\n"
        "from offramp.report import answer_map_figure, figures\n"
        "scenario = offramp.get_builtin('elmira')\n"
        "report = offramp.build_report(scenario, samples=0)\n"
        f"written = figures.write_figures(report, scenario, {str(tmp_path)!r})\n"
        "print(matplotlib.get_backend(), len(written))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=300,
        env={"OFFRAMP_HISTORY": "0", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    backend, count = out.stdout.split()
    assert backend == "pdf"
    assert int(count) > 0 and any(tmp_path.rglob("*.png"))


def test_help_needs_neither_numpy_nor_the_scenario_format() -> None:
    """``offramp --help`` and a command's help draw the registries' names when the page is
    drawn (cli/help.py), so the command line's start loads no numpy, pydantic or scenario
    format: the 0.2 s start-up goal (docs/benchmarks.md, Start-up)."""
    code = (
        "import sys, contextlib, io\n"
        "from offramp.cli.entry import run\n"
        "sys.argv = ['offramp', '--help']\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    run()"
    )
    loaded = loaded_after(code)
    costly = ("numpy", "pydantic", "ruamel", "offramp.scenario.document", "offramp.conflict")
    assert sorted(m for m in loaded if m.startswith(costly)) == []


def test_a_commands_help_lists_the_registries_names(capsys) -> None:
    """The late-filled option texts show the registries' real names and defaults."""
    from offramp.bargaining.registry import DEFAULT_MODEL, REGISTRY
    from offramp.conflict.concepts import CONCEPTS, DEFAULT_CONCEPT
    from tests.cli_runner import invoke

    forecast = " ".join(invoke(capsys, "forecast", "--help").out.split())
    assert all(name in forecast for name in REGISTRY)
    assert f"[default: {DEFAULT_MODEL}]" in forecast and "{models}" not in forecast
    stability = " ".join(invoke(capsys, "explain", "1", "--help").out.split())
    assert all(key in stability for key in CONCEPTS)
    assert f"[default: {DEFAULT_CONCEPT}]" in stability
    assert "{concepts}" not in stability and "{default_concept}" not in stability
