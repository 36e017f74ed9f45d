"""Record (or compare) the JSON outputs that the architecture refactor must keep identical.

``python -m tests.golden.record`` rewrites the files in ``tests/golden/data``; the test
``tests/test_golden.py`` compares against them. Timings and versions are dropped first.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
#: The vendored reference cases (tests/data); paths under it are written as "<shared>" in the
#: recorded outputs, as when they were read from ../shared/data.
SHARED = HERE.parent / "data"
BUILTIN = ("beijing-broker", "elmira", "chicken", "prisoners-dilemma")
VOLATILE = {"seconds", "elapsed", "duration", "offramp_version", "run_id", "timing", "timings"}


def cases() -> list[tuple[str, list[str]]]:
    """(golden file name, CLI arguments) for every recorded output."""
    out: list[tuple[str, list[str]]] = []
    files = {f"builtin-{n}": f"@{n}" for n in BUILTIN}
    for yaml in sorted((SHARED / "conflicts").glob("*.yaml")):
        files[f"shared-{yaml.stem}"] = str(yaml)
    for key, f in files.items():
        for cmd in ("stability", "analyze"):
            out.append((f"{key}.{cmd}", [cmd, f, "--format", "json"]))
    for model in ("offramp", "compromise", "median", "bdm", "smp"):
        out.append(
            (
                f"builtin-beijing-broker.forecast-{model}",
                ["forecast", "--model", model, "--format", "json"],
            )
        )
    out.append(
        (
            "builtin-beijing-broker.uncertainty",
            ["uncertainty", "-n", "500", "--seed", "1", "--format", "json"],
        )
    )
    out.append(
        (
            "deu3-dev.eval",
            ["eval", "deu", str(SHARED / "deu3" / "deu3-dev.tsv"), "--format", "json"],
        )
    )
    return out


def scrub(value):
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str) and value.startswith(str(SHARED)):
        return value.replace(str(SHARED), "<shared>")
    return value


def produce(args: list[str]) -> dict:
    import os
    import tempfile

    from typer.testing import CliRunner

    from offramp.cli.main import app

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["OFFRAMP_HOME"] = tmp
        resolved = []
        for a in args:
            if a.startswith("@"):
                from offramp.scenarios import builtin_text

                p = Path(tmp) / f"{a[1:]}.yaml"
                p.write_text(builtin_text(a[1:]), encoding="utf-8")
                a = str(p)
            resolved.append(a)
        result = CliRunner().invoke(app, resolved)
    if result.exit_code != 0:
        raise RuntimeError(f"offramp {' '.join(args)} exited {result.exit_code}: {result.output}")
    data = scrub(json.loads(result.stdout))
    if isinstance(data, dict) and "file" in data:
        data["file"] = Path(data["file"]).name
    return data


def main() -> int:
    DATA.mkdir(exist_ok=True)
    for name, args in cases():
        (DATA / f"{name}.json").write_text(
            json.dumps(produce(args), indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print("recorded", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
