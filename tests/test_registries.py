"""The registries are the single source (docs/architecture.md, "Where a new thing goes"): a
solution concept and a bargaining model registered at run time appear in every list, and no
module outside ``conflict/concepts/`` names a concept id.

The registration test runs in a fresh interpreter (the toy concept and model must not leak
into the other tests, and the command line's help is built when it is imported)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from offramp.conflict.concepts import REGISTRY

SRC = Path(__file__).resolve().parents[1] / "src" / "offramp"

#: String constants equal to a concept id that are not concept ids, with the reason.
NOT_CONCEPTS = {
    ("history/store.py", "seq"): "the run's sequence number, a column of the history table",
    ("bargaining/nash.py", "nash"): "the Nash bargaining solution's model id (bargaining registry)",
    ("bargaining/evaluation.py", "nash"): "the Nash bargaining model's family, by model id",
}


def test_no_module_outside_the_concepts_names_a_concept_id() -> None:
    keys = set(REGISTRY)
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("conflict/concepts/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = isinstance(node, ast.Constant) and node.value in keys
            if named and (rel, node.value) not in NOT_CONCEPTS:
                found.append(f"{rel}:{node.lineno}: {node.value!r}")
    ids = "|".join(sorted(keys))
    for path in sorted((SRC / "web" / "static").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        for k, line in enumerate(text.splitlines(), 1):
            # a quoted id, or a concept's key read from the JSON (runs have a `seq` number)
            by_key = rf"(settles_at|equilibria|settles_probability|stable|concepts)\.({ids})\b"
            if re.search(rf"""["'`]({ids})["'`]""", line) or re.search(by_key, line):
                found.append(f"web/static/{path.name}:{k}: {line.strip()[:80]}")
    assert not found, "concept ids named outside conflict/concepts/:\n" + "\n".join(found)


TOY = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from concurrent.futures import Future
    from dataclasses import dataclass
    from typing import ClassVar

    import numpy as np

    from offramp.bargaining.protocol import BargainingModel
    from offramp.bargaining.registry import register as register_model
    from offramp.conflict.concepts import register
    from offramp.conflict.concepts.base import Concept


    def everything_stable(view):
        return np.ones(view.model.n_states, dtype=bool)


    register(
        Concept(
            key="toy",
            label="Toy stability (TOY)",
            short="TOY",
            glossary="Toy stability: every state is stable (a concept registered by a test).",
            reference="a test",
            stable=everything_stable,
            by_default=False,
        )
    )


    @dataclass(frozen=True)
    class ToyModel(BargainingModel):
        name: ClassVar[str] = "toy-model"
        description: ClassVar[str] = "the first actor's position (a model registered by a test)"
        reference: ClassVar[str] = "a test"
        in_reports: ClassVar[bool] = True

        def predict(self, problem):
            return np.asarray(problem.positions[0], dtype=float)

        def forecast(self, problem):
            return self.one_round(problem, self.predict(problem))


    register_model(ToyModel)

    from offramp.cli.main import run  # after the registrations: --help lists them


    def cli(*args):
        sys.argv = ["offramp", *args]
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
        return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


    class InlinePool:  # the web's work in this process (spawned workers would not know the toy)
        size = 1

        def submit(self, fn, *args):
            future = Future()
            future.set_result(fn(*args))
            return future

        def reset_broken(self):
            pass


    scenario, question_file = sys.argv[1], sys.argv[2]
    found = {
        "help": cli("stability", "--help"),
        "stability": cli("stability", scenario, "--concept", "toy", "--format", "json"),
        "typo": cli("stability", scenario, "--concept", "tyo"),
        "analyze": cli("analyze", question_file, "--format", "json", "-n", "0"),
        "markdown": cli("analyze", question_file, "--format", "markdown", "-n", "0"),
        "forecast": cli("forecast", question_file, "--model", "toy-model", "--format", "json"),
        "bad_model": cli("forecast", question_file, "--model", "toy-mdl"),
    }
    from fastapi.testclient import TestClient

    from offramp.web import create_app

    text = open(question_file, encoding="utf-8").read()
    with TestClient(create_app(pool=InlinePool()), base_url="http://127.0.0.1") as client:
        analysed = client.post("/api/analyze", json={"text": text})
        state = client.post("/api/state", json={"text": text, "state": 1, "concept": "toy"})
        found["web_analyze"] = {"code": analysed.status_code, "out": analysed.text}
        found["web_state"] = {"code": state.status_code, "out": state.text}
    sys.__stdout__.write(json.dumps(found))
    """
)


def test_a_concept_and_a_model_registered_at_run_time_are_everywhere(tmp_path) -> None:
    from offramp.scenarios import builtin_text

    base = builtin_text("beijing-broker")  # a conflict with a bargaining section
    question = textwrap.dedent(
        """\
        questions:
          - id: toy-question
            ask: Is the status quo stable under the toy concept?
            holds_when: "true"
            concept: toy
        """
    )
    assert "\nquestions:" in base
    with_toy = base.replace("\nquestions:\n", "\n" + question + "", 1)
    with_toy = with_toy.replace(question, question.rstrip("\n") + "\n", 1)
    scenario = tmp_path / "toy.yaml"
    scenario.write_text(with_toy, encoding="utf-8")
    game = tmp_path / "pd.yaml"
    game.write_text(builtin_text("prisoners-dilemma"), encoding="utf-8")
    script = tmp_path / "toy.py"
    script.write_text(TOY, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(game), str(scenario)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)

    # the CLI's choices
    assert found["help"]["code"] == 0 and "toy" in found["help"]["out"]
    assert found["typo"]["code"] == 2 and "did you mean 'toy'?" in found["typo"]["err"]
    assert found["bad_model"]["code"] == 2 and "toy-model" in found["bad_model"]["err"]
    # the JSON
    assert found["stability"]["code"] == 0, found["stability"]["err"]
    stability = json.loads(found["stability"]["out"])
    assert stability["equilibria"]["toy"] == [1, 2, 3, 4]  # every state is stable
    # the format's concept: and the analysis JSON
    assert found["analyze"]["code"] == 0, found["analyze"]["err"]
    analysis = json.loads(found["analyze"]["out"])
    (q,) = [q for q in analysis["questions"] if q["id"] == "toy-question"]
    assert q["concept"] == "toy"
    assert "toy" in analysis["equilibria"]
    assert "toy-model" in analysis["bargaining"]["models"]
    forecast = json.loads(found["forecast"]["out"])
    assert found["forecast"]["code"] == 0 and forecast["model"] == "toy-model"
    # the reports
    assert found["markdown"]["code"] == 0, found["markdown"]["err"]
    assert "Toy stability (TOY)" in found["markdown"]["out"]
    assert "every state is stable (a concept registered by a test)" in found["markdown"]["out"]
    # the web
    assert found["web_analyze"]["code"] == 200, found["web_analyze"]["out"][:500]
    assert json.loads(found["web_analyze"]["out"])["concepts"]["toy"] == "Toy stability (TOY)"
    assert found["web_state"]["code"] == 200, found["web_state"]["out"][:500]
