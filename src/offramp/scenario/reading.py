"""Reading a scenario document: text or dict -> validated document, with located errors.

Validation happens in layers so that each error can say precisely what is wrong: YAML syntax
(ruamel), structure and types (pydantic), then meaning (names, statements, parameters: see
:mod:`offramp.scenario.spec`), and finally what needs the state space
(:mod:`offramp.scenario.compile`).
"""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

import offramp.scenario.limits as limits
from offramp.scenario.bargaining_document import (
    ActorUncertainty,
    BargainingActor,
    BargainingDimension,
    BargainingSection,
    Shift,
    ShiftChange,
)
from offramp.scenario.distributions import KEYS as DISTRIBUTION_KEYS
from offramp.scenario.document import (
    DecisionMaker,
    NotedStatement,
    Option,
    OptionGroup,
    Parameter,
    Preference,
    Question,
    ScenarioDocument,
    Source,
    Variant,
    Weight,
)
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.validation import problems_from_validation
from offramp.scenario.yaml_source import SourceMap, parse_yaml


def _keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


FIELDS_AT: dict[tuple[Any, ...], list[str]] = {
    (): _keys(ScenarioDocument),
    ("sources", "*"): _keys(Source),
    ("decision_makers", "*"): _keys(DecisionMaker),
    ("decision_makers", "*", "options", "*"): _keys(Option),
    ("infeasible", "*"): _keys(NotedStatement),
    ("mutually_exclusive", "*"): _keys(OptionGroup),
    ("at_least_one", "*"): _keys(OptionGroup),
    ("parameters", "@"): _keys(Parameter),
    ("preferences", "@"): _keys(Preference),
    ("preferences", "@", "prioritization", "*"): _keys(NotedStatement),
    ("preferences", "@", "ranking", "*"): _keys(NotedStatement),
    ("preferences", "@", "ranking", "*", "*"): _keys(NotedStatement),
    ("preferences", "@", "weights", "*"): _keys(Weight),
    ("preferences", "@", "weights", "*", "distribution"): list(DISTRIBUTION_KEYS),
    ("parameters", "@", "distribution"): list(DISTRIBUTION_KEYS),
    ("preferences", "@", "prioritization", "*", "any_order", "*"): _keys(NotedStatement),
    ("questions", "*"): _keys(Question),
    ("bargaining",): _keys(BargainingSection),
    ("bargaining", "dimensions", "*"): _keys(BargainingDimension),
    ("bargaining", "actors", "*"): _keys(BargainingActor),
    ("bargaining", "actors", "*", "uncertain"): _keys(ActorUncertainty),
    ("bargaining", "shifts", "*"): _keys(Shift),
    ("bargaining", "shifts", "*", "actors", "@"): _keys(ShiftChange),
    ("variants", "*"): _keys(Variant),
}


def document_from_data(data: Any, smap: SourceMap) -> ScenarioDocument:
    """Validate parsed data as a scenario document; problems point into ``smap``'s file.
    Sizes and numbers are checked against :mod:`.limits` first."""
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                smap.problem(
                    (),
                    "a scenario must be a mapping of keys "
                    "(format, name, decision_makers, preferences, ...)",
                )
            ]
        )
    limits.check_data(data, smap.problem, smap.file, strict_types=False)
    limits.check_counts(data, smap.problem)
    try:
        document = ScenarioDocument.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, data, smap, FIELDS_AT)) from None
    limits.check_coerced(document, data, smap.problem, smap.file)  # "nan", "1e308" as text
    return document


def read_text(path: str | FsPath) -> str:
    """A scenario file's text; unreadable files are a located ScenarioError."""
    p = FsPath(path)
    try:
        return limits.read_text(p)  # no further than the size limit
    except FileNotFoundError:
        raise ScenarioError([Problem(f"no such file: {p}", "", str(p))]) from None
    except IsADirectoryError:
        raise ScenarioError(
            [Problem(f"{p} is a directory, not a scenario file", "", str(p))]
        ) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", "", str(p))]
        ) from None
    except OSError as exc:
        raise ScenarioError(
            [Problem(f"cannot read the file: {exc.strerror}", "", str(p))]
        ) from None
    except ValueError as exc:  # e.g. a NUL character in the path
        raise ScenarioError([Problem(f"cannot read the file: {exc}", "", repr(str(p)))]) from None


def parse_text(text: str, file: str) -> tuple[ScenarioDocument, dict[str, Any], SourceMap]:
    """YAML text -> (document, plain data, source map)."""
    data, smap = parse_yaml(text, file)
    return document_from_data(data, smap), data, smap


def parse_dict(
    data: dict[str, Any], name: str
) -> tuple[ScenarioDocument, dict[str, Any], SourceMap]:
    """A Python dict with the format's keys -> (document, plain data, source map)."""
    smap = SourceMap(file=name)
    limits.check_data(data, smap.problem, name, strict_types=True)  # before copying it
    plain = json.loads(json.dumps(data))  # detach from the caller's objects, JSON types only
    return document_from_data(plain, smap), plain, smap
