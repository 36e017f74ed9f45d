"""Start-up imports only what the command runs: ``import offramp`` and the command line's start
load none of the web, plotting, scipy or Dask modules (they cost start-up time, and Dask is an
optional extra). Checked in a fresh interpreter, since the test process has imported them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("scipy", "matplotlib", "dask", "distributed", "fastapi", "starlette", "uvicorn", "joblib")
ELMIRA = Path(__file__).resolve().parents[1] / "src" / "offramp" / "scenarios" / "elmira.yaml"


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(__import__('json').dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"OFFRAMP_HISTORY": "0", "PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith("offramp.web"))


@pytest.mark.parametrize(
    "code",
    [
        "import offramp",
        "import offramp.cli.main",
        # the command line's start and a small analysis, as `offramp stability FILE` runs it
        "import sys, contextlib, io\n"
        "from offramp.cli.main import run\n"
        f"sys.argv = ['offramp', 'stability', {str(ELMIRA)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    run()",
        "import sys, contextlib, io\n"
        "from offramp.cli.main import run\n"
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
    assert set(offramp.__all__) <= set(dir(offramp)) | set(offramp._EXPORTS)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        offramp.nothing  # noqa: B018
