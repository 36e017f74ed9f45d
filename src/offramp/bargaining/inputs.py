"""What every bargaining model reads: a `BargainingProblem`, and readers for KTAB's files.

Scales, fixed once here so that no model has to guess:

- positions on 0-100 (what 0 and 100 mean is the dimension's business);
- saliences on 0-1 (KTAB's files and the DEU data use 0-100; the readers divide by 100);
- capabilities: any positive numbers (only ratios matter to every model).

The readers never raise anything but `BargainingInputError`, which carries the file, line and
column of the problem so that the command line can print ``file:line:col: message``.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
import xml.parsers.expat as expat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from offramp.errors import OfframpError
from offramp.resources import memory_budget


class BargainingInputError(OfframpError, ValueError):
    """Bad bargaining input, located in its file (line and column are 1-based, may be None).
    An :class:`~offramp.errors.OfframpError` (and a ``ValueError``, as it always was)."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def format(self) -> str:
        """``file:line:col: message``, the form editors and compilers use."""
        if self.file is None:
            return self.message
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.format()


# --------------------------------------------------------------------------- limits
#
# Bargaining inputs come from files written by strangers, and two models (bdm, smp) compare
# every actor with every pair of actors: their arrays grow as n^3. Every limit below is checked
# before the work it bounds, says its value, and names the environment variable that raises it
# (docs/scenario-format.md, "Limits", lists them next to the scenario limits).

#: name -> (default, what it counts)
BARGAINING_LIMITS: dict[str, tuple[int, str]] = {
    "actors": (2_000, "number of actors in a bargaining problem"),
    "dimensions": (1_000, "number of dimensions in a bargaining problem"),
    "input_bytes": (20_000_000, "size of a bargaining input file, in bytes"),
    "cubic_actors": (
        150,
        "number of actors for the bdm and smp models, whose work grows as actors^3 "
        "(smp: about 6 s at 150 actors, 15 s at 200)",
    ),
    "cubic_work": (
        150**3 * 4,
        "work of the bdm and smp models, actors^3 x dimensions (about 6 s for bdm at the limit)",
    ),
}

#: Peak bytes per actor^3 of one dimension's round, measured with tracemalloc (bdm 17-18,
#: smp 33-34 at 60 and 120 actors), with a margin.
CUBIC_BYTES = {"bdm": 24, "smp": 40}


def bargaining_limit(name: str) -> int:
    """The limit in force: ``OFFRAMP_LIMIT_<NAME>`` if set to a positive number, else the
    default."""
    default, _ = BARGAINING_LIMITS[name]
    env = os.environ.get(f"OFFRAMP_LIMIT_{name.upper()}", "").strip()
    if not env:
        return default
    try:
        value = float(env.replace("_", ""))
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 1:
        raise BargainingInputError(
            f"environment variable OFFRAMP_LIMIT_{name.upper()}={env!r} is not a positive number"
        )
    return int(value)


def limit_message(name: str, found: int) -> str:
    """'<what> is <found>, over the limit of <limit>; ... raise it with ...'."""
    _, what = BARGAINING_LIMITS[name]
    return (
        f"{what} is {found:,}, over the limit of {bargaining_limit(name):,}; raise the limit "
        f"with the environment variable OFFRAMP_LIMIT_{name.upper()} if you need more"
    )


def check_problem_size(n_actors: int, n_dimensions: int, file: str | None = None) -> None:
    """Actors and dimensions within their limits (readers call this before allocating)."""
    if n_actors > bargaining_limit("actors"):
        raise BargainingInputError(limit_message("actors", n_actors), file, 1 if file else None)
    if n_dimensions > bargaining_limit("dimensions"):
        raise BargainingInputError(
            limit_message("dimensions", n_dimensions), file, 1 if file else None
        )


def check_cubic_model(problem: BargainingProblem, model: str) -> None:
    """Refuse, before any allocation, a bdm or smp run whose n^3 arrays or time are over the
    limits: the actor limit for these models, and the memory budget for the largest array
    set of one round (``CUBIC_BYTES`` x n^3)."""
    n = problem.n_actors
    if n > bargaining_limit("cubic_actors"):
        raise BargainingInputError(
            f"{model}: {limit_message('cubic_actors', n)}; the models 'offramp', 'compromise' "
            "and 'median' handle any number of actors"
        )
    work = n**3 * problem.n_dimensions
    if work > bargaining_limit("cubic_work"):
        raise BargainingInputError(
            f"{model}: {n} actors on {problem.n_dimensions} dimensions: "
            f"{limit_message('cubic_work', work)}; the models 'offramp', 'compromise' and "
            "'median' handle any size"
        )
    need = CUBIC_BYTES.get(model, 40) * n**3
    budget = memory_budget()
    if need > budget:
        raise BargainingInputError(
            f"{model}: {n} actors need about {need / 2**30:.1f} GiB (the model's arrays grow "
            f"as actors^3), over the memory budget of {budget / 2**30:.1f} GiB; use fewer "
            "actors, another model, or raise OFFRAMP_MEMORY_LIMIT"
        )


def check_input_size(size: int, file: str) -> None:
    """A bargaining input file within the size limit (checked before reading it)."""
    if size > bargaining_limit("input_bytes"):
        raise BargainingInputError(limit_message("input_bytes", size), file)


def read_limited(path: str | Path) -> bytes:
    """A bargaining input file's bytes, read no further than the size limit (a FIFO or
    ``/dev/zero`` has no size to check beforehand). Raises OSError as reading does."""
    p = Path(path)
    limit = bargaining_limit("input_bytes")
    if p.is_file():
        check_input_size(p.stat().st_size, str(path))
    with p.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise BargainingInputError(
            f"size of a bargaining input file is more than {limit:,} bytes, over the limit; "
            "raise it with the environment variable OFFRAMP_LIMIT_INPUT_BYTES if you need more",
            str(path),
        )
    return data


def read_text_limited(path: str | Path) -> str:
    """`read_limited` decoded as UTF-8 (a BOM dropped), newlines as ``Path.read_text``."""
    text = read_limited(path).decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class BargainingProblem:
    """Actors with a capability and, on each dimension, a position (0-100) and a salience (0-1).

    ``reference_point`` (the status quo if no agreement is reached, per dimension, may hold NaN),
    ``voting_rule`` ("QMV", "Unan", ...) and ``procedure`` ("COD", "CNS", ...) are optional
    context that some forecasters use.
    ``accommodation`` is KTAB's ideal-adjustment matrix (None = identity).
    ``scale`` is the position scale: the values that stand for 0 and 100 (KTAB's and DEU's
    scale, and a scenario's). Every model is invariant to an affine change of it: the same
    problem with positions a·x + b and scale (b, 100a + b) gives the forecast a·f + b (models
    that work on a fixed internal scale, such as SMP's 0-1, map through it). When not given
    it is (0, 100) if every position lies there, else the span of the positions (data in
    other units, e.g. years).
    """

    actors: list[str]
    dimensions: list[str]
    capabilities: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    name: str = ""
    description: str = ""
    reference_point: np.ndarray | None = None
    voting_rule: str | None = None
    procedure: str | None = None
    accommodation: np.ndarray | None = None
    dimension_labels: dict[str, str] = field(default_factory=dict)
    scale: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        self.capabilities = np.asarray(self.capabilities, dtype=float).reshape(-1)
        n = len(self.actors)
        d = len(self.dimensions)
        self.positions = np.asarray(self.positions, dtype=float).reshape(n, d)
        self.saliences = np.asarray(self.saliences, dtype=float).reshape(n, d)
        if self.capabilities.shape != (n,):
            raise BargainingInputError(f"expected {n} capabilities, got {self.capabilities.size}")
        if n < 2:
            raise BargainingInputError("a bargaining problem needs at least 2 actors")
        if d < 1:
            raise BargainingInputError("a bargaining problem needs at least 1 dimension")
        check_problem_size(n, d)
        for what, arr in (
            ("capabilities", self.capabilities),
            ("positions", self.positions),
            ("saliences", self.saliences),
        ):
            if not np.all(np.isfinite(arr)):
                raise BargainingInputError(f"{what} must be finite numbers (no NaN or infinity)")
        if self.reference_point is not None:
            self.reference_point = np.asarray(self.reference_point, dtype=float).reshape(d)
        if self.scale is None:
            lo, hi = float(np.min(self.positions)), float(np.max(self.positions))
            if lo >= 0.0 and hi <= 100.0:
                self.scale = (0.0, 100.0)
            else:
                self.scale = (lo, hi if hi > lo else lo + 1.0)
        else:
            low, high = (float(v) for v in self.scale)
            if not (np.isfinite(low) and np.isfinite(high) and low != high):
                raise BargainingInputError(
                    f"the position scale needs two different finite ends (got {low:g}, {high:g})"
                )
            self.scale = (low, high)

    @property
    def scale_span(self) -> float:
        """high - low of the position scale (negative for a reversed scale)."""
        assert self.scale is not None
        return self.scale[1] - self.scale[0]

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_dimensions(self) -> int:
        return len(self.dimensions)


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
