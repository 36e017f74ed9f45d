"""JSON output of stability at scale: the streamed contract form and the compact form say the
same as the in-memory result, and the command picks the compact form for large conflicts."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import offramp
from offramp.conflict import result as result_module
from tests import strategies
from tests.cli_runner import invoke

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _written(result, form: str) -> str:
    out = io.StringIO()
    result.write_json(out, form)
    return out.getvalue()


def _from_compact(data: dict, model) -> tuple[list[int], dict]:
    def ids(ranges):
        return [k for a, b in ranges for k in range(a, b + 1)]

    stable = {c: {dm: ids(r) for dm, r in per.items()} for c, per in data["stable"].items()}
    eq = {c: ids(r) for c, r in data["equilibria"].items()}
    return data["states"]["codes"], {"stable": stable, "equilibria": eq}


@SETTINGS
@given(strategies.scenarios())
def test_streamed_and_compact_forms_match_the_result(data):
    result = offramp.from_dict(data).stability()
    model = result.model
    contract = result.to_dict()
    # small: byte for byte what the contract's json.dumps gives
    assert _written(result, "auto") == json.dumps(contract, indent=2, ensure_ascii=False) + "\n"
    # streamed piece by piece (as for a large conflict), the same document
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(result_module, "FULL_JSON_MAX_STATES", 0)
        mp.setattr(result_module, "SMALL_JSON_STATES", 0)
        mp.setattr(result_module, "_CHUNK", 3)
        assert json.loads(_written(result, "full")) == contract
        compact = json.loads(_written(result, "auto"))
    assert compact == json.loads(json.dumps(result.compact_dict()))
    assert compact["form"] == "compact"
    codes, sets = _from_compact(compact, model)
    assert codes == [int(c) for c in model.codes]
    for k, code in enumerate(codes):  # the options taken, from the bit codes
        names = [n for b, n in enumerate(compact["options"]) if code >> b & 1]
        assert names == contract["states"][k]["taken"]
    assert sets["stable"] == contract["stable"]
    assert sets["equilibria"] == contract["equilibria"]


def test_id_ranges():
    flags = np.array([1, 1, 0, 1, 0, 0, 1, 1, 1], dtype=bool)
    assert result_module.id_ranges(flags) == [[1, 2], [4, 4], [7, 9]]
    assert result_module.id_ranges(np.zeros(3, dtype=bool)) == []


def test_unknown_form_is_an_input_error():
    from tests.test_cli import PD

    result = offramp.load(PD).stability()
    with pytest.raises(offramp.InputError):
        result.write_json(io.StringIO(), "tiny")


def test_command_writes_the_compact_form_for_large_conflicts(capsys, monkeypatch, tmp_path):
    from tests.test_cli import ELMIRA

    monkeypatch.setenv("OFFRAMP_HISTORY", "0")
    full = invoke(capsys, "stability", ELMIRA, "--format", "json")
    assert full.code == 0 and "form" not in json.loads(full.out)
    monkeypatch.setattr(result_module, "FULL_JSON_MAX_STATES", 5)
    compact = invoke(capsys, "stability", ELMIRA, "--format", "json")
    assert compact.code == 0 and json.loads(compact.out)["form"] == "compact"
    forced = invoke(capsys, "stability", ELMIRA, "--format", "json", "--json-form", "full")
    assert json.loads(forced.out) == json.loads(full.out)
    bad = invoke(capsys, "stability", ELMIRA, "--format", "json", "--json-form", "tiny")
    assert bad.code == 2 and "--json-form" in bad.err
