"""YAML reading that remembers where every key and value came from.

ruamel.yaml's round-trip loader keeps line and column on every mapping and sequence; we turn the
document into plain Python data (what pydantic validates) plus an index from document paths to
source positions (what error messages need).
"""

from __future__ import annotations

import datetime
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from offramp.errors import OfframpError
from offramp.scenario.errors import Problem, ScenarioError
from offramp.scenario.limits import check_yaml_text, limited_composer

DocPath = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Positions (1-based line and column) of values and keys, by document path."""

    file: str = "<scenario>"
    values: dict[DocPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DocPath, tuple[int, int]] = field(default_factory=dict)
    quoted: set[DocPath] = field(default_factory=set)

    def locate(self, path: DocPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """Best position for ``path``: itself, else the nearest ancestor that is known."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            if not key and p in self.keys:
                return self.keys[p]
            if not p:
                return None, None
            p = p[:-1]

    def statement_column(self, path: DocPath, offset: int) -> tuple[int | None, int | None]:
        """Position of character ``offset`` inside the scalar string at ``path``."""
        line, col = self.locate(path)
        if line is None or col is None or tuple(path) not in self.values:
            return line, col
        extra = 1 if tuple(path) in self.quoted else 0
        return line, col + extra + offset

    def problem(
        self, path: DocPath, message: str, *, key: bool = False, offset: int | None = None
    ) -> Problem:
        from offramp.scenario.errors import format_path

        if offset is not None:
            line, col = self.statement_column(path, offset)
        else:
            line, col = self.locate(path, key=key)
        return Problem(
            message=message, path=format_path(path), file=self.file, line=line, column=col
        )


def _plain(node: Any, path: DocPath, smap: SourceMap) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for k, v in node.items():
            child = (*path, str(k))
            try:
                kl, kc = node.lc.key(k)
                smap.keys[child] = (kl + 1, kc + 1)
                vl, vc = node.lc.value(k)
                smap.values[child] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            if isinstance(v, DoubleQuotedScalarString | SingleQuotedScalarString):
                smap.quoted.add(child)
            out[str(k) if not isinstance(k, bool | int | float) else k] = _plain(v, child, smap)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, v in enumerate(node):
            child = (*path, i)
            try:
                il, ic = node.lc.item(i)
                smap.values[child] = (il + 1, ic + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            if isinstance(v, DoubleQuotedScalarString | SingleQuotedScalarString):
                smap.quoted.add(child)
            items.append(_plain(v, child, smap))
        return items
    if isinstance(node, TaggedScalar):
        tag = str(node.tag.value if hasattr(node.tag, "value") else node.tag)
        raise _TagError(path, tag, str(node.value))
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, datetime.date):  # an unquoted date (or timestamp): kept as ISO text
        return node.isoformat()
    return node


class _TagError(OfframpError):
    """A YAML tag offramp does not read (turned into a located problem by the reader)."""

    def __init__(self, path: DocPath, tag: str, value: str):
        super().__init__(tag)
        self.path, self.tag, self.value = path, tag, value


_STANDARD_TAG = re.compile(r"!![A-Za-z/]+")


def _tag_problem(text: str, file: str, exc: Exception) -> Problem:
    """The refusal of a value a standard YAML tag could not read, at the first such tag."""
    m = _STANDARD_TAG.search(text)
    line = col = None
    tag = "a YAML tag"
    if m is not None:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        tag = m.group()
    reason = str(exc)
    reason = reason if len(reason) <= 120 else reason[:117] + "..."
    return Problem(
        f"YAML cannot read the value tagged {tag} ({reason}): remove the tag, offramp reads "
        "plain values",
        "",
        file,
        line,
        col,
    )


def parse_yaml(text: str, file: str = "<scenario>") -> tuple[Any, SourceMap]:
    """Parse YAML text into plain data and a source map; syntax errors become ScenarioError."""
    check_yaml_text(text, file)  # its type and size, before parsing
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.Composer = limited_composer(file)  # depth and alias expansion, while composing
    smap = SourceMap(file=file)
    try:
        with warnings.catch_warnings():
            # a re-defined anchor is valid YAML (the later one wins, as the scan counts it);
            # ruamel's warning would print its own source lines to the user's terminal
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        hint = " (check indentation, colons and quotes around text that contains ':' or '#')"
        raise ScenarioError(
            [Problem(f"YAML syntax error: {what}{hint}", "", file, line, col)]
        ) from None
    except YAMLError as exc:  # errors without a position, e.g. duplicate keys in odd places
        raise ScenarioError([Problem(f"YAML error: {exc}", "", file, None, None)]) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # a standard tag on a value it cannot read (`!!int` on text, `!!float` on a list):
        # ruamel's constructors raise plain Python errors without a position
        raise ScenarioError([_tag_problem(text, file, exc)]) from None
    if doc is None:
        raise ScenarioError(
            [
                Problem(
                    "the document is empty: a scenario needs at least format, name, "
                    "decision_makers and preferences",
                    "",
                    file,
                    1,
                    1,
                )
            ]
        )
    smap.values[()] = (1, 1)
    try:
        return _plain(doc, (), smap), smap
    except _TagError as exc:
        text = f"{exc.tag} {exc.value}".strip()
        raise ScenarioError(
            [
                smap.problem(
                    exc.path,
                    f"YAML reads the leading '!' of {text!r} as a tag: quote the statement, "
                    f'e.g. "{text}"',
                )
            ]
        ) from None
