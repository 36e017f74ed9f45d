"""Readers for KTAB's files (CSV and XML) into a `BargainingProblem`.

The readers never raise anything but `BargainingInputError`, which carries the file, line and
column of the problem so that the command line can print ``file:line:col: message``; every
file is read within the size limit (:mod:`offramp.bargaining.limits`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat as expat
from pathlib import Path

import numpy as np

from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.limits import (
    bargaining_limit,
    check_input_size,
    check_problem_size,
    limit_message,
    read_limited,
    read_text_limited,
)
from offramp.bargaining.problem import BargainingProblem


def _split_csv_line(text: str, sep: str = ",") -> list[tuple[str, int]]:
    """Split one CSV line into (field, 1-based column) pairs; double quotes group a field.

    Written by hand (rather than with the csv module) so that each field keeps its column.
    """
    fields: list[tuple[str, int]] = []
    i = 0
    n = len(text)
    while True:
        start = i
        buf: list[str] = []
        quoted = False
        while i < n and text[i] in " \t" and text[i] != sep:
            i += 1
        if i < n and text[i] == '"':
            quoted = True
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(text[i])
                i += 1
            while i < n and text[i] != sep:
                i += 1
        else:
            i = start
            while i < n and text[i] != sep:
                buf.append(text[i])
                i += 1
        value = "".join(buf)
        fields.append((value if quoted else value.strip(), start + 1))
        if i >= n:
            break
        i += 1  # skip the separator
    return fields


def _number(
    value: str,
    what: str,
    file: str | None,
    line: int | None,
    column: int | None,
    low: float | None = None,
    high: float | None = None,
) -> float:
    """Parse a number or raise an error that says which value, where, and the allowed range."""
    try:
        x = float(value)
    except ValueError:
        raise BargainingInputError(
            f"{what}: expected a number, got {value!r}", file, line, column
        ) from None
    if not np.isfinite(x):
        raise BargainingInputError(
            f"{what}: expected a finite number, got {value!r}", file, line, column
        )
    if (low is not None and x < low) or (high is not None and x > high):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise BargainingInputError(
            f"{what}: {x:g} is outside the allowed range [{lo}, {hi}]", file, line, column
        )
    return x


def _drop_trailing_empty(fields: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """KTAB's files often end lines with a comma; an empty last field is not a value."""
    end = len(fields)
    while end and fields[end - 1][0] == "":
        end -= 1  # one slice at the end: slicing per field was quadratic in long lines
    return fields[:end]


def read_ktab_csv_text(text: str, file: str = "<text>") -> BargainingProblem:
    """Parse KTAB's CSV scenario format (see docs/methods/bargaining-smp.md).

    Line 1: ``scenario name, description, number of actors, number of dimensions``;
    line 2: headers (``Actor, Description, Power`` then a position and a salience header per
    dimension); then one row per actor: ``name, description, capability, position_1,
    salience_1, ...`` with positions and saliences on 0-100 and an actor's saliences summing to
    at most 100, as KTAB requires.
    """
    check_input_size(len(text), file)
    lines = text.splitlines()
    if text.startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if not lines or not lines[0].strip():
        raise BargainingInputError(
            "empty file: a KTAB CSV starts with 'name, description, actors, dimensions'", file, 1, 1
        )
    head = _drop_trailing_empty(_split_csv_line(lines[0]))
    if len(head) < 4:
        raise BargainingInputError(
            f"line 1 must hold 'scenario name, description, number of actors, number of "
            f"dimensions' (4 fields), found {len(head)}",
            file,
            1,
            1,
        )
    name = head[0][0]
    desc = head[1][0]
    n_act = _number(head[2][0], "number of actors", file, 1, head[2][1], 2)
    n_dim = _number(head[3][0], "number of dimensions", file, 1, head[3][1], 1)
    if n_act > bargaining_limit("actors"):
        raise BargainingInputError(limit_message("actors", int(n_act)), file, 1, head[2][1])
    if n_dim > bargaining_limit("dimensions"):
        raise BargainingInputError(limit_message("dimensions", int(n_dim)), file, 1, head[3][1])
    if n_act != int(n_act) or n_dim != int(n_dim):
        raise BargainingInputError(
            "numbers of actors and dimensions must be whole numbers", file, 1, head[2][1]
        )
    na, nd = int(n_act), int(n_dim)
    width = 3 + 2 * nd
    if len(lines) < 2:
        raise BargainingInputError("missing line 2 (column headers)", file, 2, 1)
    hdr = _drop_trailing_empty(_split_csv_line(lines[1]))
    if len(hdr) != width:
        raise BargainingInputError(
            f"line 2 (headers) has {len(hdr)} columns; {nd} dimension(s) need {width}: "
            "Actor, Description, Power, then a position and a salience header per dimension",
            file,
            2,
            1,
        )
    dims = [hdr[3 + 2 * k][0] or f"Dim{k + 1}" for k in range(nd)]
    actors: list[str] = []
    caps = np.empty(na)
    pos = np.empty((na, nd))
    sal = np.empty((na, nd))
    rows = [(i + 1, ln) for i, ln in enumerate(lines) if i >= 2 and ln.strip()]
    if len(rows) != na:
        where = rows[na][0] if len(rows) > na else len(lines) + 1
        raise BargainingInputError(
            f"line 1 declares {na} actors but the file has {len(rows)} actor rows; "
            "fix the count on line 1 or the rows",
            file,
            where,
            1,
        )
    for a, (lineno, ln) in enumerate(rows):
        f = _drop_trailing_empty(_split_csv_line(ln))
        if len(f) != width:
            raise BargainingInputError(
                f"actor row has {len(f)} columns, expected {width} (name, description, "
                f"capability, then position and salience for each of {nd} dimension(s))",
                file,
                lineno,
                f[min(len(f), width) - 1][1] if f else 1,
            )
        if not f[0][0]:
            raise BargainingInputError("actor name is empty", file, lineno, f[0][1])
        actors.append(f[0][0])
        caps[a] = _number(f[2][0], "capability", file, lineno, f[2][1], 0.0, 1e8)
        if caps[a] <= 0:
            raise BargainingInputError("capability must be positive", file, lineno, f[2][1])
        total = 0.0
        for k in range(nd):
            pv, pc = f[3 + 2 * k]
            sv, sc = f[4 + 2 * k]
            pos[a, k] = _number(pv, f"position on {dims[k]}", file, lineno, pc, 0.0, 100.0)
            sal[a, k] = _number(sv, f"salience on {dims[k]}", file, lineno, sc, 0.0, 100.0)
            total += sal[a, k]
            if total > 100.0:
                raise BargainingInputError(
                    f"the saliences of {actors[-1]} add up to {total:g} > 100; KTAB needs each "
                    "actor's saliences to total at most 100",
                    file,
                    lineno,
                    sc,
                )
        if total <= 0:
            raise BargainingInputError(
                f"{actors[-1]} has zero salience on every dimension; give it some salience",
                file,
                lineno,
                f[4][1],
            )
    if len(set(actors)) != len(actors):
        dup = next(x for x in actors if actors.count(x) > 1)
        raise BargainingInputError(
            f"actor {dup!r} appears twice", file, rows[actors.index(dup)][0], 1
        )
    return BargainingProblem(
        actors=actors,
        dimensions=dims,
        capabilities=caps,
        positions=pos,
        saliences=sal / 100.0,
        name=name,
        description=desc,
    )


def read_ktab_csv(path: str | Path) -> BargainingProblem:
    """Read a KTAB CSV scenario file; see `read_ktab_csv_text`."""
    p = Path(path)
    try:
        text = read_text_limited(p)
    except FileNotFoundError:
        raise BargainingInputError("no such file", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BargainingInputError(f"cannot read the file: {exc}", str(path)) from None
    return read_ktab_csv_text(text, str(path))


def _parse_xml_with_lines(data: bytes, file: str) -> tuple[ET.Element, dict[int, int]]:
    """Parse XML into an ElementTree, remembering each element's source line (for errors)."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = builder.start(tag, attrs)
        lines[id(el)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BargainingInputError(
            f"not well-formed XML: {expat.ErrorString(exc.code)}", file, exc.lineno, exc.offset + 1
        ) from None
    return builder.close(), lines


def read_ktab_xml(path: str | Path) -> BargainingProblem:
    """Read KTAB's XML scenario format (``Scenario`` with ``Dimensions/dName`` and
    ``Actors/Actor`` holding ``name``, ``description``, ``capability``, ``Position/dCoord`` and
    ``Salience/dSal``; an optional ``IdealAdjustment`` of ``iaPair`` elements sets the
    accommodation matrix). Model parameters in the file other than KTAB's defaults are
    reported as an error, because offramp's SMP implements the defaults only.
    """
    file = str(path)
    try:
        data = read_limited(path)
    except FileNotFoundError:
        raise BargainingInputError("no such file", file) from None
    except OSError as exc:
        raise BargainingInputError(f"cannot read the file: {exc}", file) from None
    root, lines = _parse_xml_with_lines(data, file)

    def line_of(el: ET.Element) -> int | None:
        return lines.get(id(el))

    def child(el: ET.Element, tag: str) -> ET.Element:
        c = el.find(tag)
        if c is None:
            raise BargainingInputError(f"<{el.tag}> lacks a <{tag}> element", file, line_of(el))
        return c

    def text(el: ET.Element, tag: str) -> str:
        c = child(el, tag)
        t = (c.text or "").strip()
        if not t:
            raise BargainingInputError(f"<{tag}> is empty", file, line_of(c))
        return t

    def num(
        el: ET.Element, what: str, low: float | None = None, high: float | None = None
    ) -> float:
        return _number((el.text or "").strip(), what, file, line_of(el), None, low, high)

    if root.tag != "Scenario":
        raise BargainingInputError(
            f"root element is <{root.tag}>, expected <Scenario>", file, line_of(root)
        )
    params = root.find("ModelParameters")
    if params is not None:
        defaults = {
            "VictoryProbModel": "Linear",
            "VotingRule": "Prop",
            "PCEModel": "Conditional",
            "StateTransitions": "Deterministic",
            "BigRRange": "Mid",
            "BigRAdjust": "OneThird",
            "ThirdPartyCommit": "SemiCommit",
            "InterVecBrgn": "S2P2",
            "BargnModel": "InitOnlyInterp",
        }
        for key, want in defaults.items():
            el = params.find(key)
            if el is not None and (el.text or "").strip() not in ("", want):
                raise BargainingInputError(
                    f"{key} = {(el.text or '').strip()!r}: offramp's smp implements KTAB's "
                    f"default ({want}) only; remove the element or set it to {want}",
                    file,
                    line_of(el),
                )
    name = (root.findtext("name") or "").strip()
    desc = (root.findtext("desc") or "").strip()
    dims_el = child(root, "Dimensions")
    dims = [(d.text or "").strip() for d in dims_el.findall("dName")]
    if not dims:
        raise BargainingInputError("<Dimensions> has no <dName>", file, line_of(dims_el))
    actors_el = child(root, "Actors")
    actor_els = actors_el.findall("Actor")
    check_problem_size(len(actor_els), len(dims), file)
    names: list[str] = []
    caps: list[float] = []
    pos: list[list[float]] = []
    sal: list[list[float]] = []
    for a in actor_els:
        names.append(text(a, "name"))
        cap_el = child(a, "capability")
        c = num(cap_el, "capability", 0.0)
        if c <= 0:
            raise BargainingInputError("capability must be positive", file, line_of(cap_el))
        caps.append(c)
        coords = child(a, "Position").findall("dCoord")
        sals = child(a, "Salience").findall("dSal")
        for what, els in (("Position/dCoord", coords), ("Salience/dSal", sals)):
            if len(els) != len(dims):
                raise BargainingInputError(
                    f"actor {names[-1]!r} has {len(els)} {what} values, expected {len(dims)}",
                    file,
                    line_of(a),
                )
        pos.append([num(e, f"position of {names[-1]}", 0.0, 100.0) for e in coords])
        sal.append([num(e, f"salience of {names[-1]}", 0.0, 100.0) for e in sals])
        if sum(sal[-1]) > 100.0:
            raise BargainingInputError(
                f"the saliences of {names[-1]} add up to {sum(sal[-1]):g} > 100", file, line_of(a)
            )
    if len(names) < 2:
        raise BargainingInputError("<Actors> needs at least 2 <Actor>", file, line_of(actors_el))
    acc = None
    adj = root.find("IdealAdjustment")
    if adj is not None:
        acc = np.eye(len(names))
        for pair in adj.findall("iaPair"):
            who = text(pair, "adjustingIdeal")
            ref = text(pair, "referencePos")
            for nm in (who, ref):
                if nm not in names:
                    raise BargainingInputError(
                        f"unknown actor {nm!r} in <iaPair>", file, line_of(pair)
                    )
            acc[names.index(who), names.index(ref)] = num(child(pair, "adjust"), "adjust", 0.0, 1.0)
    return BargainingProblem(
        actors=names,
        dimensions=dims,
        capabilities=np.array(caps),
        positions=np.array(pos),
        saliences=np.array(sal) / 100.0,
        name=name,
        description=desc,
        accommodation=acc,
    )


def read_ktab(path: str | Path) -> BargainingProblem:
    """Read a KTAB scenario, CSV or XML, chosen by extension (then by content)."""
    p = Path(path)
    if p.suffix.lower() == ".xml":
        return read_ktab_xml(p)
    if p.suffix.lower() == ".csv":
        return read_ktab_csv(p)
    try:
        with p.open("rb") as fh:
            head = fh.read(200).decode("utf-8-sig", errors="replace").lstrip()
    except FileNotFoundError:
        raise BargainingInputError("no such file", str(path)) from None
    except OSError as exc:
        raise BargainingInputError(f"cannot read the file: {exc}", str(path)) from None
    return read_ktab_xml(p) if head.startswith("<") else read_ktab_csv(p)
