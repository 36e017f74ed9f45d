"""Readers and the scenario section: good input parses, bad input is located precisely."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from offramp.bargaining import (
    BargainingInputError,
    forecast,
    read_ktab_csv,
    read_ktab_xml,
)
from offramp.bargaining.ktab import read_ktab_csv_text
from offramp.scenario.bargaining_problem import problem_from_section
from tests.ktab_xml import ktab_xml

from .conftest import KTAB


def test_ktab_csv_reader_scales() -> None:
    p = read_ktab_csv(KTAB / "dummyData_3Dim.csv")
    assert p.n_actors == 7 and p.dimensions == ["Pstn1", "Pstn2", "Pstn3"]
    assert p.positions[0, 1] == pytest.approx(6.37)
    assert p.saliences[0, 0] == pytest.approx(0.4953)  # 0-100 in the file, 0-1 inside
    assert p.capabilities[2] == pytest.approx(129.643)


def test_ktab_xml_gives_the_same_problem_and_run(tmp_path: Path) -> None:
    xml = tmp_path / "case.xml"
    xml.write_text(ktab_xml(KTAB / "dummyData_3Dim.csv"))
    a = read_ktab_csv(KTAB / "dummyData_3Dim.csv")
    b = read_ktab_xml(xml)
    assert a.actors == b.actors and a.dimensions == b.dimensions
    assert np.allclose(a.positions, b.positions) and np.allclose(a.saliences, b.saliences)
    fa, fb = forecast(a, "smp"), forecast(b, "smp")
    assert np.allclose(fa.rounds[-1], fb.rounds[-1])


def test_ktab_xml_rejects_non_default_parameters(tmp_path: Path) -> None:
    xml = tmp_path / "case.xml"
    text = ktab_xml(KTAB / "dummyData_3Dim.csv").replace(
        "<Dimensions>",
        "<ModelParameters>\n<VotingRule>Binary</VotingRule></ModelParameters><Dimensions>",
    )
    xml.write_text(text)
    with pytest.raises(BargainingInputError) as err:
        read_ktab_xml(xml)
    assert err.value.line == 4 and "VotingRule" in err.value.message


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("s,d,2,1\nA,D,P,X,S\na,x,10,50,50\nb,x,oops,20,30\n", (4, 5), "capability"),
        ("s,d,2,1\nA,D,P,X,S\na,x,10,50,50\nb,x,5,20\n", (4, None), "columns"),
        ("s,d,3,1\nA,D,P,X,S\na,x,10,50,50\nb,x,5,20,30\n", (5, 1), "declares 3 actors"),
        ("s,d,2,1\nA,D,P,X,S\na,x,10,150,50\nb,x,5,20,30\n", (3, 8), "outside"),
        ("s,d,2,1\nA,D,P,X,S,X2\na,x,10,50,50\nb,x,5,20,30\n", (2, 1), "headers"),
        ("s,d,2,2\nA,D,P,X,S,Y,T\na,x,10,50,60,1,50\nb,x,5,20,30,1,1\n", (3, 16), "at most 100"),
    ],
)
def test_ktab_csv_errors_are_located(text: str, where: tuple, words: str) -> None:
    with pytest.raises(BargainingInputError) as err:
        read_ktab_csv_text(text, "case.csv")
    line, col = where
    assert err.value.line == line
    if col is not None:
        assert err.value.column == col
    assert words in err.value.message
    assert err.value.format().startswith(f"case.csv:{line}:")


SECTION = {
    "dimensions": [
        {"name": "settlement", "low": "maximal demands", "high": "full restoration"},
        {"name": "tariffs", "label": "US tariffs on China", "low": "none", "high": "embargo"},
    ],
    "actors": [
        {
            "name": "US",
            "capability": 100,
            "positions": {"settlement": 60, "tariffs": 50},
            "salience": {"settlement": 40, "tariffs": 50},
        },
        {
            "name": "CN",
            "capability": 80,
            "positions": {"settlement": 30, "tariffs": 0},
            "salience": {"settlement": 20, "tariffs": 70},
        },
    ],
}


def test_section_builds_a_problem() -> None:
    p = problem_from_section(SECTION, "test")
    assert p.actors == ["US", "CN"] and p.dimensions == ["settlement", "tariffs"]
    assert p.saliences[1, 1] == pytest.approx(0.7)
    assert p.dimension_labels["tariffs"] == "US tariffs on China"
    assert forecast(p, "compromise").forecast[0] == pytest.approx(
        (100 * 0.4 * 60 + 80 * 0.2 * 30) / (100 * 0.4 + 80 * 0.2)
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda s: s["actors"][0]["positions"].update({"setlement": 5}),
            "actors[0].positions.setlement: unknown dimension 'setlement' "
            "(did you mean 'settlement'?)",
        ),
        (
            lambda s: s["actors"][1]["positions"].pop("tariffs"),
            "actors[1].positions: missing position on dimension 'tariffs'",
        ),
        (
            lambda s: s["actors"][1]["positions"].update({"tariffs": 120}),
            "actors[1].positions.tariffs",
        ),
        (lambda s: s["actors"][0]["salience"].update({"tariffs": 70}), "total 110"),
        (lambda s: s["actors"][0].update({"capability": 0}), "actors[0].capability"),
        (lambda s: s["actors"][0].update({"colour": "red"}), "actors[0].colour"),
    ],
)
def test_section_errors_name_the_path(change, words: str) -> None:
    import copy

    bad = copy.deepcopy(SECTION)
    change(bad)
    with pytest.raises(BargainingInputError) as err:
        problem_from_section(bad, "test")
    assert words in str(err.value)


def test_unknown_model_is_an_input_error() -> None:
    p = problem_from_section(SECTION, "test")
    with pytest.raises(BargainingInputError, match="unknown model 'nope'"):
        forecast(p, "nope")
