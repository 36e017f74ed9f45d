"""Every documented limit (offramp.scenario.limits, offramp.bargaining.limits) is checked before
the work it bounds, through the Python API and the command line: the API raises offramp's own
errors (ScenarioError with located problems, BargainingInputError), the CLI exits 2 (1 for a
refused bargaining input) with the limit and how to raise it, and nothing raises
RecursionError, OverflowError, MemoryError or a bare ValueError from deep inside."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

import offramp
from offramp.bargaining import BargainingInputError, BargainingProblem, read_ktab
from offramp.bargaining.registry import REGISTRY
from offramp.scenario.errors import ScenarioError
from offramp.scenario.limits import LIMITS, LimitError, check_seed, limit_table, value
from offramp.scenario.statements import Catalogue, OptionRef, StatementError, parse_statement
from tests.cli_runner import invoke
from tests.test_bad_input import BASE, check

LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$", re.M)


def _error(text: str, file: str = "t.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        offramp.from_yaml_text(text, file)
    return info.value


def _located(err: ScenarioError, line: int, col: int | None, *fragments: str) -> None:
    hits = [
        p
        for p in err.problems
        if p.line == line and (col is None or p.column == col)
        if all(f in p.message for f in fragments)
    ]
    assert hits, err


# --------------------------------------------------------------------------- the table itself


def test_every_limit_is_documented_with_its_default() -> None:
    doc = Path(__file__).parent.parent / "docs" / "scenario-format.md"
    text = doc.read_text()
    for what, default, how in limit_table():
        row = f"| {what} | {default} | {how if how == 'fixed' else f'`{how}`'} |"
        assert row in text, row


def test_raisable_limit_follows_its_environment_variable(monkeypatch) -> None:
    monkeypatch.setenv("OFFRAMP_LIMIT_QUESTIONS", "1")
    assert value("questions") == 1
    monkeypatch.setenv("OFFRAMP_LIMIT_QUESTIONS", "lots")
    with pytest.raises(LimitError, match="OFFRAMP_LIMIT_QUESTIONS='lots' is not a positive"):
        value("questions")
    monkeypatch.setenv("OFFRAMP_LIMIT_STATEMENT_DEPTH", "100000")  # fixed: ignored
    assert value("statement_depth") == LIMITS["statement_depth"].default


# --------------------------------------------------------------------------- YAML


@pytest.mark.parametrize("depth", [33, 300, 100_000])
def test_deep_flow_nesting_is_refused_at_its_place(depth: int) -> None:
    text = BASE + "note: " + "[" * depth + "]" * depth + "\n"
    err = _error(text)
    # level 1 is the top mapping; the 32nd "[" opens level 33, at column 6 + 32
    _located(err, 20, 38, "nesting depth of the YAML document", "limit of 32")


def test_deep_block_nesting_is_refused() -> None:
    text = BASE + "".join(" " * (2 * k) + f"k{k}:\n" for k in range(400)) + " " * 800 + "1\n"
    err = _error(text)
    assert "nesting depth" in str(err) and "RecursionError" not in str(err)


def test_alias_bomb_is_refused_before_it_expands() -> None:
    bomb = "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"a{k}: &a{k} [" + ",".join([f"*a{k - 1}"] * 9) + "]\n" for k in range(1, 9)
    )
    assert len(bomb) < 500  # a few hundred bytes that would expand to 9^9 values
    started = time.perf_counter()
    err = _error(bomb)
    assert time.perf_counter() - started < 2
    assert isinstance(err, LimitError)
    assert "counting every expansion of a YAML alias" in str(err)
    assert "OFFRAMP_LIMIT_YAML_NODES" in str(err)
    assert err.problems[0].line is not None


def test_alias_that_contains_itself_is_refused() -> None:
    err = _error(BASE + "note: &a [1, *a]\n")
    _located(err, 20, 14, "alias *a refers to a node that contains it")


def test_aliases_within_the_limit_still_work() -> None:
    text = BASE.replace("value: 2}", "value: &m 2}").replace("value: -1}", "value: *m}")
    scenario = offramp.from_yaml_text(text)
    assert scenario.spec.preferences["CN"].values == [2.0, 2.0]


def _expanded_count(data) -> int:
    """Values in plain data, aliases expanded: each key, scalar and collection once."""
    if isinstance(data, dict):
        return 1 + sum(1 + _expanded_count(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(_expanded_count(v) for v in data)
    return 1


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [1, 2, {c: 3}]\n",
        "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n",
        "a: &x {k: &y [1, [2, 3]]}\nb: [*x, *y, *y]\nc: &z 4\nd: *z\n",
        "a: &x [1]\na2: &x [1, 2, 3]\nb: *x\n",  # a re-defined anchor: the later one counts
    ],
)
def test_yaml_value_count_is_the_expanded_document(monkeypatch, text: str) -> None:
    """The count the composer checks while composing is the number of values of the plain
    data it becomes, every alias expanded: the limit admits exactly that many."""
    from offramp.scenario.yaml_source import parse_yaml

    data, _ = parse_yaml(text)
    n = _expanded_count(data)
    monkeypatch.setenv("OFFRAMP_LIMIT_YAML_NODES", str(n))
    assert parse_yaml(text)[0] == data
    monkeypatch.setenv("OFFRAMP_LIMIT_YAML_NODES", str(n - 1))
    with pytest.raises(LimitError, match="number of values in the document"):
        parse_yaml(text)


def test_yaml_depth_limit_admits_exactly_its_depth() -> None:
    from offramp.scenario.yaml_source import parse_yaml

    limit = int(value("yaml_depth"))
    inside = "[" * (limit - 1) + "]" * (limit - 1)  # the top mapping is level 1
    assert parse_yaml(f"a: {inside}\n")[0]["a"] is not None
    with pytest.raises(LimitError, match="nesting depth"):
        parse_yaml(f"a: [{inside}]\n")


def test_file_size_limit_before_reading(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(BASE + "description: " + "x" * 5000 + "\n")
    monkeypatch.setenv("OFFRAMP_LIMIT_FILE_BYTES", "2000")
    with pytest.raises(LimitError, match=r"size of a scenario file.*over the limit of 2,000"):
        offramp.load(path)
    out = invoke(capsys, "validate", str(path))
    assert out.code == 2 and "OFFRAMP_LIMIT_FILE_BYTES" in out.err
    with pytest.raises(LimitError):
        offramp.from_yaml_text(path.read_text())
    monkeypatch.delenv("OFFRAMP_LIMIT_FILE_BYTES")
    assert offramp.load(path).name == "Test"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_files_are_read_no_further_than_the_limit(monkeypatch) -> None:
    from offramp.bargaining.deu import read_deu

    monkeypatch.setenv("OFFRAMP_LIMIT_FILE_BYTES", "100000")
    monkeypatch.setenv("OFFRAMP_LIMIT_INPUT_BYTES", "100000")
    started = time.perf_counter()
    with pytest.raises(LimitError, match="more than 100,000"):
        offramp.load("/dev/zero")
    for reader in (read_ktab, read_deu):
        with pytest.raises(BargainingInputError, match="more than 100,000"):
            reader("/dev/zero")
    assert time.perf_counter() - started < 5


def test_from_yaml_text_refuses_what_is_not_text() -> None:
    for bad in (12, None, ["format: offramp/1"]):
        with pytest.raises(ScenarioError, match="expected YAML text"):
            offramp.from_yaml_text(bad)  # type: ignore[arg-type]


def test_a_path_with_a_nul_character_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="cannot read the file"):
        offramp.load("bad\x00name.yaml")


def test_text_length_limit() -> None:
    err = _error(BASE.replace("name: Test", "name: " + "x" * 20_001))
    _located(err, 2, 7, "length of one text", "20,001", "limit of 20,000")


# --------------------------------------------------------------------------- statements


def _catalogue() -> Catalogue:
    return Catalogue([OptionRef(0, "A", "x"), OptionRef(1, "A", "y")])


@pytest.mark.parametrize(
    "text",
    [
        "(" * 300 + "A.x" + ")" * 300,
        "!" * 1200 + "A.x",
        " -> ".join(["A.x"] * 600),
        "(" * 51 + "A.x" + ")" * 51,
    ],
)
def test_deep_statements_are_refused_with_the_column(text: str) -> None:
    with pytest.raises(StatementError, match=r"nesting depth of a statement .* limit of 50") as e:
        parse_statement(text, _catalogue())
    assert 0 <= e.value.offset < len(text)


def test_statement_depth_at_the_limit_parses_and_evaluates() -> None:
    from offramp.scenario.statements import evaluate_codes

    codes = np.arange(4, dtype=np.uint64)
    x = (codes & 1).astype(bool)
    y = (codes >> 1 & 1).astype(bool)
    for text, want in [
        ("(" * 50 + "A.x" + ")" * 50, x),
        ("!" * 50 + "A.x", x),  # an even number of negations
        ("!" * 49 + "A.x", ~x),
        (" -> ".join(["A.y"] * 50 + ["A.x"]), ~y | x),
    ]:
        expr = parse_statement(text, _catalogue())
        np.testing.assert_array_equal(evaluate_codes(expr, codes), want)


def test_deep_statement_in_a_file_is_located(capsys, tmp_path) -> None:
    text = BASE.replace('"CN.press"', '"' + "(" * 200 + "CN.press" + ")" * 200 + '"', 1)
    check(capsys, tmp_path, text, 14, 60, "nesting depth of a statement")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("literal", "fragment"),
    [
        (".nan", "not a number"),
        (".inf", "an infinite number"),
        ("-.inf", "an infinite number"),
        ("1e999", "an infinite number"),
        ("9" * 400, "an integer of 400 digits"),
        ("1e16", "1e+16"),
    ],
)
def test_non_finite_and_absurd_weights_are_refused_where_read(
    capsys, tmp_path, literal, fragment
) -> None:
    text = BASE.replace("value: 2}", f"value: {literal}}}")
    check(capsys, tmp_path, text, 18, 36, fragment)
    err = _error(text)
    _located(err, 18, 36, fragment)


def test_infinite_distribution_bound_is_refused_by_validate(capsys, tmp_path) -> None:
    text = BASE.replace(
        "value: 2}",
        "distribution: {type: normal, mean: 1, sd: 1, low: -.inf, high: 5}}",
    )
    check(capsys, tmp_path, text, 18, 79, "an infinite number")


def test_infinite_question_range_and_parameter(capsys, tmp_path) -> None:
    text = BASE + "parameters:\n  p: {value: .inf}\n"
    check(capsys, tmp_path, text, 21, 14, "infinite")


def test_from_dict_rejects_non_finite_deep_cyclic_and_foreign_values() -> None:
    base = offramp.from_yaml_text(BASE).spec.data
    bad = {**base, "parameters": {"p": float("nan")}}
    with pytest.raises(ScenarioError, match=r"parameters\.p: not a number"):
        offramp.from_dict(bad)
    deep: dict = {}
    node = deep
    for _ in range(10_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ScenarioError, match="nesting depth"):
        offramp.from_dict({**base, "note": deep})
    cyclic: dict = {"format": "offramp/1"}
    cyclic["self"] = cyclic
    with pytest.raises(ScenarioError, match="nesting depth"):
        offramp.from_dict(cyclic)
    with pytest.raises(ScenarioError, match="a value of type int64"):
        offramp.from_dict({**base, "parameters": {"p": np.int64(3)}})
    with pytest.raises(ScenarioError, match="key 3 is not text"):
        offramp.from_dict({**base, "parameters": {3: 1.0}})


def test_parameter_override_must_be_finite() -> None:
    scenario = offramp.get_builtin("beijing-broker")
    name = next(iter(scenario.spec.parameters))
    for bad in (float("nan"), float("inf"), 1e300):
        with pytest.raises(LimitError, match=f"parameter '{name}'"):
            scenario.with_changes({name: bad})


# --------------------------------------------------------------------------- counts


def _with_questions(n: int) -> str:
    q = "".join(f"  - {{ask: 'q{k}?', holds_when: 'CN.press'}}\n" for k in range(n))
    return BASE + "questions:\n" + q


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"),
    [
        ("questions", _with_questions(3), 21, "number of questions is 3"),
        (
            "decision_makers",
            BASE.replace("preferences:", "  - {name: X, options: [{name: a}]}\npreferences:"),
            4,
            "number of decision makers is 3",
        ),
        (
            "parameters",
            BASE + "parameters: {a: 1, b: 2, c: 3}\n",
            20,
            "number of parameters is 3",
        ),
        (
            "statements_per_preference",
            BASE.replace('      - "!US.tariffs"\n', '      - "!US.tariffs"\n      - "true"\n'),
            14,
            "number of statements in one decision maker's preference is 3",
        ),
        (
            "variants",
            BASE
            + "variants:\n"
            + "".join(f"  - {{name: v{k}, remove_options: [CN.press]}}\n" for k in range(3)),
            21,
            "number of variants is 3",
        ),
        (
            "rules",
            BASE + "infeasible: [CN.press, US.relief, US.tariffs]\n",
            20,
            "number of feasibility rules",
        ),
    ],
)
def test_count_limits_name_the_limit_and_its_variable(
    capsys, tmp_path, monkeypatch, name, text, line, fragment
) -> None:
    monkeypatch.setenv(f"OFFRAMP_LIMIT_{name.upper()}", "2")
    out = check(capsys, tmp_path, text, line, None, fragment, "over the limit of 2")
    assert f"OFFRAMP_LIMIT_{name.upper()}" in out.err
    monkeypatch.delenv(f"OFFRAMP_LIMIT_{name.upper()}")
    path = tmp_path / "bad.yaml"
    assert invoke(capsys, "validate", str(path)).code in (0, 2)  # the default limit is far


def test_enumeration_work_is_refused_before_enumerating(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OFFRAMP_LIMIT_ENUMERATION_WORK", "4")
    # each DM's combinations of its own options: US 2^2, CN 2^1, no rule
    out = check(capsys, tmp_path, BASE, 4, 3, "3 options, 6 combinations", "is 6")
    assert "OFFRAMP_LIMIT_ENUMERATION_WORK" in out.err
    # a group local to US: its 4 combinations tested against 2 references, CN's 2 against none
    text = BASE + "mutually_exclusive: [[US.tariffs, US.relief]]\n"
    check(capsys, tmp_path, text, 4, 3, "2 option references", "is 14")
    # a statement across DMs: the product of the choices (4 x 2) against its 4 references
    monkeypatch.setenv("OFFRAMP_LIMIT_ENUMERATION_WORK", "39")
    text = BASE + 'infeasible: ["US.tariffs & !(CN.press | US.tariffs -> US.relief)"]\n'
    check(capsys, tmp_path, text, 4, 3, "8 combinations of the decision makers' choices", "is 40")


# --------------------------------------------------------------------------- run parameters


def test_seed_must_be_a_whole_number_from_zero() -> None:
    for bad in (-1, -(2**70), 2**128, 1.5, True):
        with pytest.raises(LimitError, match="give a whole number from 0"):
            check_seed(bad)  # type: ignore[arg-type]
    assert check_seed(2**100) == 2**100
    from offramp.uncertainty.montecarlo import monte_carlo

    with pytest.raises(LimitError, match="seed -1"):
        monte_carlo(offramp.get_builtin("chicken"), 4, seed=-1)


@pytest.mark.parametrize(
    "args",
    [
        ("analyze", "--seed", "-1", "-n", "4"),
        ("uncertainty", "--seed", "-5", "-n", "4", "-w", "1"),
        ("analyze", "-n", "100000000", "--no-thresholds", "--no-variants"),
    ],
)
def test_cli_seed_and_samples_exit_2(capsys, monkeypatch, args) -> None:
    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    out = invoke(capsys, *args)
    assert out.code == 2, out
    assert out.err.startswith("offramp: --s"), out.err
    assert "Traceback" not in out.err


def test_worker_count_is_checked_before_the_pool_starts(capsys, monkeypatch) -> None:
    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    out = invoke(capsys, "uncertainty", "-n", "4", "-w", "100000")
    assert out.code == 2, out
    assert "number of worker processes asked for is 100,000, over the limit of 64" in out.err
    assert "OFFRAMP_LIMIT_WORKERS" in out.err


def test_sweep_and_threshold_ranges_must_be_finite(capsys, monkeypatch) -> None:
    from offramp.analysis.sweeps import parse_param_spec, threshold

    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    for spec in ("x=0:inf:1", "x=-inf:0:1", "x=0:1:nan", "x=0:1e300:1e290", "x=0:1e9:1"):
        with pytest.raises(ValueError, match=r"finite numbers|number of grid points"):
            parse_param_spec(spec)
    scenario = offramp.get_builtin("beijing-broker")
    name = next(iter(scenario.spec.parameters))
    out = invoke(capsys, "sweep", "-p", f"{name}=0:inf:1")
    assert out.code == 2 and "must be finite numbers" in out.err
    q = scenario.spec.questions[0]
    out = invoke(capsys, "threshold", q.id, "--param", name, "--range", "0:inf")
    assert out.code == 2 and "an infinite number" in out.err, out
    with pytest.raises(LimitError, match="infinite"):
        threshold(scenario.spec, q, name, (0.0, float("inf")))
    with pytest.raises(LimitError, match="tolerance"):
        threshold(scenario.spec, q, name, (0.0, 1.0), tol=0.0)
    with pytest.raises(LimitError, match="grid points"):
        threshold(scenario.spec, q, name, (0.0, 1.0), grid=10**6)


def test_threshold_bisection_ends_where_floats_cannot_split() -> None:
    from offramp.analysis.sweeps import threshold

    scenario = offramp.get_builtin("beijing-broker")
    name = next(iter(scenario.spec.parameters))
    q = scenario.spec.questions[0]
    started = time.perf_counter()
    threshold(scenario.spec, q, name, (1e14, 1e14 + 1.0), tol=1e-30)  # below float spacing
    assert time.perf_counter() - started < 60


# --------------------------------------------------------------------------- bargaining


def _problem(n: int, d: int = 1) -> BargainingProblem:
    rng = np.random.default_rng(0)
    return BargainingProblem(
        actors=[f"a{i}" for i in range(n)],
        dimensions=[f"x{k}" for k in range(d)],
        capabilities=rng.uniform(1, 100, n),
        positions=rng.uniform(0, 100, (n, d)),
        saliences=rng.uniform(0.1, 1, (n, d)) / d,
    )


@pytest.mark.parametrize("model", ["bdm", "smp"])
def test_cubic_models_refuse_many_actors_before_allocating(model: str, monkeypatch) -> None:
    problem = _problem(1000)
    started = time.perf_counter()
    with pytest.raises(BargainingInputError, match=r"actors\^3.*limit of 150") as e:
        REGISTRY[model](problem)
    assert "OFFRAMP_LIMIT_CUBIC_ACTORS" in str(e.value)
    assert time.perf_counter() - started < 1
    with pytest.raises(BargainingInputError, match="actors\\^3 x dimensions"):
        REGISTRY[model](_problem(120, 10))
    monkeypatch.setenv("OFFRAMP_MEMORY_LIMIT", "1M")
    with pytest.raises(BargainingInputError, match="over the memory budget"):
        REGISTRY[model](_problem(40))
    monkeypatch.delenv("OFFRAMP_MEMORY_LIMIT")
    assert REGISTRY[model](_problem(40)).forecast.shape == (1,)
    assert REGISTRY["median"](problem).forecast.shape == (1,)  # the cheap models take any size


def test_ktab_actor_count_is_checked_before_reading_rows(tmp_path: Path, capsys) -> None:
    path = tmp_path / "many.csv"
    path.write_text("big,case,100000,1\nActor,Description,Power,P,S\na,b,1,50,50\n")
    with pytest.raises(BargainingInputError, match=r"number of actors .* limit of 2,000") as e:
        read_ktab(path)
    assert (e.value.line, e.value.column) == (1, 10)
    out = invoke(capsys, "forecast", str(path))
    assert out.code == 2 and "OFFRAMP_LIMIT_ACTORS" in out.err and "Traceback" not in out.err


def test_bargaining_problem_rejects_non_finite_numbers() -> None:
    with pytest.raises(BargainingInputError, match="finite"):
        BargainingProblem(["a", "b"], ["x"], [1.0, np.inf], [[1.0], [2.0]], [[0.5], [0.5]])


def test_long_csv_lines_are_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "c,d,2,1" + "," * 200_000 + "\nActor,Description,Power,P,S\na,x,1,50,50\nb,x,1,60,50\n"
    )
    started = time.perf_counter()
    assert read_ktab(path).n_actors == 2
    assert time.perf_counter() - started < 2


def test_deu_field_over_csv_limit_is_a_located_error(tmp_path: Path) -> None:
    from offramp.bargaining.deu import read_deu

    path = tmp_path / "deu.tsv"
    path.write_text("isnr\tpcom\tscom\tout\n1\t" + '"' + "x" * 200_000 + "\n")
    with pytest.raises(BargainingInputError, match="not readable as TSV"):
        read_deu(path)


def test_dask_workers_are_checked_before_the_cluster_starts(capsys, monkeypatch) -> None:
    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    out = invoke(capsys, "uncertainty", "-n", "4", "--dask", "local", "-w", "100000")
    assert out.code == 2, out
    assert "over the limit of 64" in out.err and "Traceback" not in out.err
