"""Every size limit on what a scenario (and a command over it) may ask for, in one place.

offramp reads files from strangers. Each limit here is checked *before* the work it bounds
(parsing, building the document, enumerating states, sampling, sweeping), so that any input
ends in an answer or in a located error that names the limit, never in a ``RecursionError``,
a hang or a machine out of memory. ``docs/scenario-format.md`` (section "Limits") lists them.

Limits on amounts that a real analysis may legitimately need more of (file size, options,
samples, grid points, ...) can be raised with an environment variable named in the message,
``OFFRAMP_LIMIT_<NAME>`` (e.g. ``OFFRAMP_LIMIT_SAMPLES=5000000``). Structural limits (nesting
depth, statement depth, the size of a number, the length of a text) cannot: they protect the
interpreter's stack and the arithmetic, and no sensible scenario comes near them.

The bargaining engine (a lower layer that imports nothing of the scenario package) keeps its
own actor limits in :mod:`offramp.bargaining.limits`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from offramp.conflict.feasible import MAX_OPTIONS
from offramp.scenario.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from ruamel.yaml.composer import Composer


@dataclass(frozen=True)
class Limit:
    """One documented limit: its name, default, what it counts and how to live with it."""

    name: str
    default: int | float
    what: str
    advice: str
    raisable: bool = True

    @property
    def env(self) -> str:
        return f"OFFRAMP_LIMIT_{self.name.upper()}"


_LIMITS = [
    Limit("file_bytes", 2_000_000, "size of a scenario file or text, in bytes", "split it"),
    Limit(
        "yaml_depth",
        32,
        "nesting depth of the YAML document (mappings and lists inside each other)",
        "the format itself nests at most 7 levels; flatten the document",
        raisable=False,
    ),
    Limit(
        "yaml_nodes",
        200_000,
        "number of values in the document, counting every expansion of a YAML alias",
        "avoid aliases that repeat large parts of the document",
    ),
    Limit(
        "text_chars",
        20_000,
        "length of one text (a label, note, statement or key), in characters",
        "shorten it, or move long prose to a source",
        raisable=False,
    ),
    Limit(
        "number_abs",
        1e15,
        "size of a number (absolute value)",
        "rescale it: only ratios and orders of weights matter",
        raisable=False,
    ),
    Limit(
        "statement_depth",
        50,
        "nesting depth of a statement (parentheses, '!' and '->' inside each other)",
        "simplify the statement or split it into several",
        raisable=False,
    ),
    Limit("decision_makers", 50, "number of decision makers", "merge minor actors"),
    Limit(
        "options",
        MAX_OPTIONS,
        "number of options over all decision makers",
        "a state is a 64-bit code; split the conflict, or merge options that always move together",
        raisable=False,
    ),
    Limit("parameters", 1_000, "number of parameters", "drop the ones no weight uses"),
    Limit(
        "statements_per_preference",
        1_000,
        "number of statements in one decision maker's preference",
        "merge statements",
    ),
    Limit("rules", 1_000, "number of feasibility rules (infeasible, groups)", "merge rules"),
    Limit("questions", 200, "number of questions", "split the scenario"),
    Limit("variants", 100, "number of variants", "split the scenario"),
    Limit(
        "enumeration_work",
        2**33,
        "work to enumerate the feasible states: the combinations listed (each decision "
        "maker's choices of its own options, then their product where rules span decision "
        "makers) times the option references of the rules each is tested against (about "
        "10 s on one core at the limit)",
        "write choices as groups of one decision maker's options (mutually_exclusive, "
        "at_least_one), merge options that always move together, or split the conflict",
    ),
    Limit(
        "states",
        2**20,
        "number of feasible states to analyse (a full analysis takes about 30 s of CPU and "
        "3 GB per million states, stability alone about 2 s and 0.4 GB: the limit keeps one "
        "analysis within about a minute)",
        "add feasibility rules (mutually_exclusive, at_least_one, infeasible), merge options "
        "that always move together, or split the conflict",
    ),
    Limit("samples", 1_000_000, "number of Monte Carlo samples", "use fewer samples"),
    Limit(
        "history_results_bytes",
        512_000_000,
        "size of a recorded run's results once decompressed, in bytes",
        "the row is damaged or was written by a run far larger than the rest",
    ),
    Limit("grid_points", 2_000, "number of grid points of a sweep or search", "use a larger step"),
    Limit(
        "workers",
        64,
        "number of worker processes asked for",
        "a process per core is enough (more only add memory and start-up time)",
    ),
]
LIMITS: dict[str, Limit] = {lim.name: lim for lim in _LIMITS}

#: The share of a Monte Carlo's samples that may fail to evaluate (a formula dividing by a drawn
#: zero, a derived value over the number limit) before the run stops with the first failure's
#: located error: below it the bad samples are counted, reported and left out. Judged once
#: ``BAD_SAMPLE_MIN_ATTEMPTS`` samples are in, and at the end of the run.
MAX_BAD_SAMPLE_SHARE = 0.05
BAD_SAMPLE_MIN_ATTEMPTS = 500

#: The largest seed accepted (numpy takes any whole number >= 0; 128 bits is more entropy than
#: its generators hold, and a bound keeps absurd values out of the run history).
MAX_SEED = 2**128 - 1


class LimitError(ScenarioError):
    """Input over a documented limit (a `ScenarioError`: the CLI exits 2 and the API caller
    catches it like any other bad input)."""


def value(name: str) -> int | float:
    """The limit in force: ``OFFRAMP_LIMIT_<NAME>`` if set (raisable limits only), else the
    default."""
    lim = LIMITS[name]
    if not lim.raisable:
        return lim.default
    env = os.environ.get(lim.env)
    if env is None or not env.strip():
        return lim.default
    try:
        number = float(env.strip().replace("_", ""))
    except ValueError:
        number = -1.0
    if not math.isfinite(number) or number < 1:
        raise LimitError(
            [
                Problem(
                    f"{lim.env}={env!r} is not a positive number: write a whole number, "
                    f"e.g. {lim.env}={lim.default}",
                    "",
                    "environment",
                )
            ]
        )
    return int(number) if isinstance(lim.default, int) else number


def message(name: str, found: int | float | str) -> str:
    """The sentence for a limit that is exceeded: what, how much, the limit and the way out."""
    lim = LIMITS[name]
    limit = value(name)
    shown = f"{found:,}" if isinstance(found, int) else str(found)
    limit_txt = f"{limit:,}" if isinstance(limit, int) else f"{limit:g}"
    text = f"{lim.what} is {shown}, over the limit of {limit_txt}; {lim.advice}"
    if lim.raisable:
        text += f", or raise the limit with the environment variable {lim.env}"
    return text


def fail(name: str, found: int | float | str, file: str = "<scenario>", path: str = "") -> None:
    """Raise a `LimitError` for a limit exceeded by something without a finer location."""
    raise LimitError([Problem(message(name, found), path, file)])


def check(name: str, found: int | float, file: str = "<scenario>", path: str = "") -> None:
    """Raise a `LimitError` when ``found`` exceeds the limit ``name``."""
    if found > value(name):
        fail(name, found, file, path)


def read_text(path: Any) -> str:
    """A scenario file's text, read no further than the size limit (a FIFO or ``/dev/zero``
    has no size to check beforehand), with the newline translation of ``Path.read_text``.
    Raises OSError and UnicodeDecodeError as reading does, `LimitError` past the limit."""
    from pathlib import Path

    p = Path(path)
    limit = int(value("file_bytes"))
    if p.is_file():
        check("file_bytes", p.stat().st_size, str(p))
    with p.open("rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        fail("file_bytes", f"more than {limit:,}", str(p))
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- YAML before building


def check_yaml_text(text: str | bytes | bytearray, file: str = "<scenario>") -> None:
    """Check that YAML text is text and within the size limit, before it is parsed."""
    if isinstance(text, bytes | bytearray):
        size = len(text)
    elif isinstance(text, str):
        size = len(text.encode("utf-8", errors="surrogatepass"))
    else:
        raise ScenarioError(
            [Problem(f"expected YAML text (a str), got a {type(text).__name__}", "", file)]
        )
    check("file_bytes", size, file)


def limited_composer(file: str = "<scenario>") -> type[Composer]:
    """A ruamel ``Composer`` that checks nesting depth and alias expansion *while* it composes,
    in the one pass that builds the document: composing recurses once per level (a deep
    document would end in a ``RecursionError``), and an alias bomb of a few hundred bytes
    composes to a small graph that expands to gigabytes once turned into plain data.

    Set it as ``YAML(typ="rt").Composer`` before ``load``. Each value counts once, a collection
    once more when it closes, and an alias as many values as the node it names expands to; a
    collection deeper than ``yaml_depth`` or a running count above ``yaml_nodes`` is refused at
    the event that crosses the limit, and so is an alias to a collection that contains it (a
    recursive document). The parser below the composer is iterative, so it is safe on any
    input; syntax errors propagate as ruamel's own exceptions (the caller locates them).
    """
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent, CollectionStartEvent

    max_depth = value("yaml_depth")
    max_nodes = value("yaml_nodes")

    def refused(text: str, mark: Any) -> LimitError:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        return LimitError([Problem(text, "", file, line, col)])

    def over(name: str, found: int, mark: Any) -> LimitError:
        return refused(message(name, found), mark)

    class LimitedComposer(Composer):
        """Composer with offramp's YAML limits (see `limited_composer`)."""

        def __init__(self, loader: Any = None) -> None:
            super().__init__(loader)
            self.open_counts: list[int] = []  # values so far inside each open collection
            self.open_anchors: set[str] = set()
            self.expanded: dict[int, int] = {}  # id(anchored node) -> values it expands to
            self.total = 0

        def count(self, added: int, mark: Any, inside: int | None = None) -> None:
            """Add ``added`` values to the document and ``inside`` (default: the same) to
            the collection that holds them."""
            self.total += added
            if self.open_counts:
                self.open_counts[-1] += added if inside is None else inside
            if self.total > max_nodes:
                raise over("yaml_nodes", self.total, mark)

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent):
                if event.anchor in self.open_anchors:
                    raise refused(
                        f"the alias *{event.anchor} refers to a node that contains it; a "
                        "scenario cannot be recursive",
                        event.start_mark,
                    )
                node = super().compose_node(parent, index)
                self.count(self.expanded.get(id(node), 1), event.start_mark)
                return node
            anchor = event.anchor
            if not isinstance(event, CollectionStartEvent):
                node = super().compose_node(parent, index)
                if anchor:
                    self.expanded[id(node)] = 1
                self.count(1, event.start_mark)
                return node
            if len(self.open_counts) + 1 > max_depth:
                raise over("yaml_depth", len(self.open_counts) + 1, event.start_mark)
            self.open_counts.append(1)
            if anchor:
                self.open_anchors.add(anchor)
            node = super().compose_node(parent, index)
            size = self.open_counts.pop()
            if anchor:
                self.open_anchors.discard(anchor)
                self.expanded[id(node)] = size
            # the collection itself counts once, when it closes; its holder gains all of it
            self.count(1, node.end_mark, inside=size)
            return node

    return LimitedComposer


# --------------------------------------------------------------------------- plain data


#: control characters refused in a scenario's texts: C0 except tab, line feed and carriage
#: return, DEL and C1 (printed to a terminal they are escape sequences: issue 22, item 7)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def check_data(data: Any, locate: Any, file: str = "<scenario>", *, strict_types: bool) -> None:
    """Walk plain data without recursion: depth, node count, text length, and every number
    finite and of sensible size. ``locate(path)`` gives the problem for a path (the source map's
    ``problem``). With ``strict_types`` (data from Python rather than YAML), values must be
    JSON-like: dicts with text keys, lists, text, numbers, booleans and None.

    Raises a `ScenarioError` listing the problems found (at most 20)."""
    problems: list[Problem] = []
    max_depth = value("yaml_depth")
    max_nodes = value("yaml_nodes")
    max_text = value("text_chars")
    max_abs = value("number_abs")
    nodes = 0
    todo: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while todo and len(problems) < 20:
        node, path = todo.pop()
        nodes += 1
        if nodes > max_nodes:
            problems.append(Problem(message("yaml_nodes", nodes), "", file))
            break
        if len(path) > max_depth:
            problems.append(locate(path[: int(max_depth)], message("yaml_depth", len(path))))
            break
        if isinstance(node, dict):
            for key, item in node.items():
                if strict_types and not isinstance(key, str):
                    problems.append(locate(path, f"key {key!r} is not text: keys must be strings"))
                    continue
                if isinstance(key, str) and len(key) > max_text:
                    problems.append(locate(path, message("text_chars", len(key))))
                    continue
                todo.append((item, (*path, str(key))))
        elif isinstance(node, list | tuple):
            todo.extend((item, (*path, i)) for i, item in enumerate(node))
        elif isinstance(node, str):
            if len(node) > max_text:
                problems.append(locate(path, message("text_chars", len(node))))
            elif (control := _CONTROL.search(node)) is not None:
                problems.append(
                    locate(
                        path,
                        f"the text contains the control character U+{ord(control.group()):04X} "
                        "(terminal escape codes, bells, NUL ...): remove it; tabs and line "
                        "breaks are fine",
                    )
                )
        elif _is_number(node):
            problem = _number_problem(node, max_abs)
            if problem:
                problems.append(locate(path, problem))
        elif strict_types and node is not None and not isinstance(node, bool):
            problems.append(
                locate(
                    path,
                    f"a value of type {type(node).__name__}: use text, numbers, booleans, "
                    "lists and dicts (as in a YAML file)",
                )
            )
    if problems:
        raise ScenarioError(problems)


def check_coerced(document: Any, data: Any, locate: Any, file: str = "<scenario>") -> None:
    """The numbers of a validated document, checked again after coercion: pydantic reads the
    text ``"nan"``, ``"inf"`` or ``"1e308"`` where a number is expected as that number, so
    the check of :func:`check_data` on the written values does not see them. Every number
    of the document (``model_dump`` by alias: the paths of the file) is finite and within the
    number limit, or a located `ScenarioError` says which text was read as what."""

    def original(path: tuple[Any, ...]) -> Any:
        node = data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def locate_text(path: tuple[Any, ...], problem: str) -> Problem:
        written = original(path)
        if isinstance(written, str):
            problem = f"the text {written!r} is read as a number: {problem}"
        result: Problem = locate(path, problem)
        return result

    dumped = document.model_dump(by_alias=True, exclude_unset=True)
    check_data(dumped, locate_text, file, strict_types=False)


def _number_problem(x: int | float, max_abs: float) -> str | None:
    if isinstance(x, float) and math.isnan(x):
        return "not a number (.nan): give a finite number"
    if isinstance(x, float) and math.isinf(x):
        return (
            "an infinite number (.inf, or a literal too large for a float such as 1e999): "
            "give a finite number"
        )
    if abs(x) > max_abs:
        shown = f"{x:.3g}" if isinstance(x, float) else f"an integer of {len(str(abs(x)))} digits"
        return message("number_abs", shown)
    return None


def finite(x: float, what: str, file: str = "<scenario>", path: str = "") -> float:
    """``x`` as a float if it is finite and within the number limit; a `LimitError` if not."""
    try:
        y = float(x)
    except (TypeError, ValueError, OverflowError):
        raise LimitError([Problem(f"{what}: {x!r} is not a number", path, file)]) from None
    problem = _number_problem(y, value("number_abs"))
    if problem:
        raise LimitError([Problem(f"{what}: {problem}", path, file)])
    return y


# --------------------------------------------------------------------------- document counts


def _len(x: Any) -> int:
    return len(x) if isinstance(x, list | dict) else 0


def check_counts(data: dict[str, Any], locate: Any) -> None:
    """Counts of decision makers, options, parameters, rules, statements, questions and
    variants, checked on the plain document before it is validated and resolved."""
    problems: list[Problem] = []

    def over(name: str, found: int, path: tuple[Any, ...]) -> None:
        if found > value(name):
            problems.append(locate(path, message(name, found)))

    dms = data.get("decision_makers")
    over("decision_makers", _len(dms), ("decision_makers",))
    if isinstance(dms, list):
        options = sum(_len(dm.get("options")) for dm in dms if isinstance(dm, dict))
        over("options", options, ("decision_makers",))
    over("parameters", _len(data.get("parameters")), ("parameters",))
    rules = sum(_len(data.get(k)) for k in ("infeasible", "mutually_exclusive", "at_least_one"))
    over("rules", rules, ("infeasible",) if data.get("infeasible") else ("mutually_exclusive",))
    over("questions", _len(data.get("questions")), ("questions",))
    over("variants", _len(data.get("variants")), ("variants",))
    prefs = data.get("preferences")
    if isinstance(prefs, dict):
        for dm, pref in prefs.items():
            if isinstance(pref, dict):
                for form in ("prioritization", "ranking", "weights"):
                    entries = pref.get(form)
                    count = _count_statements(entries)
                    over("statements_per_preference", count, ("preferences", str(dm), form))
    if problems:
        raise LimitError(problems)


def _count_statements(entries: Any) -> int:
    if not isinstance(entries, list):
        return 0
    count = 0
    for e in entries:
        if isinstance(e, list):
            count += len(e)
        elif isinstance(e, dict) and isinstance(e.get("any_order"), list):
            count += len(e["any_order"])
        else:
            count += 1
    return count


def option_references(expr: Any) -> int:
    """Options named in a statement tree (walked without recursion, and without importing the
    statements module, which imports this one)."""
    count, todo = 0, [expr]
    while todo:
        node = todo.pop()
        if hasattr(node, "index"):
            count += 1
        todo.extend(getattr(node, "args", ()))
        todo.extend(getattr(node, k) for k in ("arg", "left", "right") if hasattr(node, k))
    return count


def check_enumeration(
    scenario: Any, work: int, combinations: int, references: int, what: str
) -> None:
    """Refuse a state enumeration whose cost is over the limit, before it starts: the codes
    listed (each decision maker's choices, and their product) times the option references of
    the feasibility rules each is tested against (see :mod:`offramp.conflict.feasible`)."""
    if work > value("enumeration_work"):
        p = scenario.source.problem(("decision_makers",), "")
        raise LimitError(
            [
                Problem(
                    f"{len(scenario.options)} options, {combinations:,} {what} and "
                    f"{references} option references in the feasibility rules: "
                    f"{message('enumeration_work', work)}",
                    p.path,
                    p.file,
                    p.line,
                    p.column,
                )
            ]
        )


def check_seed(seed: int) -> int:
    """A seed is a whole number from 0 to 2^128 - 1 (numpy takes no negative seed)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise LimitError(
            [
                Problem(
                    f"seed {seed!r}: give a whole number from 0 to 2^128 - 1",
                    "--seed",
                    "offramp",
                )
            ]
        )
    return seed


def check_samples(n: int) -> int:
    """The number of Monte Carlo samples: at least 1, at most the limit."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise LimitError(
            [Problem(f"samples {n!r}: give a whole number of at least 1", "", "offramp")]
        )
    check("samples", n, "offramp", "--samples")
    return n


def check_workers(n: int) -> int:
    """The worker processes a run asks for: at least 1, at most the limit (each is a Python
    process with offramp and numpy loaded, ~100 MB)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        why = f"workers {n!r}: give a whole number of at least 1"
        raise LimitError([Problem(why, "--workers", "offramp")])
    check("workers", n, "offramp", "--workers")
    return n


def check_range(
    low: float, high: float, what: str, file: str = "<scenario>"
) -> tuple[float, float]:
    """A search or sweep range: two finite numbers of sensible size with low < high."""
    lo, hi = finite(low, f"{what} low end", file), finite(high, f"{what} high end", file)
    if not lo < hi:
        raise LimitError([Problem(f"{what}: need low < high, got {lo:g} and {hi:g}", "", file)])
    return lo, hi


def limit_table() -> Iterable[tuple[str, str, str]]:
    """(what, default, how to raise) rows, for the docs and ``--help`` texts."""
    for lim in _LIMITS:
        default = f"{lim.default:,}" if isinstance(lim.default, int) else f"{lim.default:g}"
        yield lim.what, default, (lim.env if lim.raisable else "fixed")


__all__ = [
    "LIMITS",
    "MAX_SEED",
    "Limit",
    "LimitError",
    "check",
    "check_counts",
    "check_data",
    "check_enumeration",
    "check_range",
    "check_samples",
    "check_seed",
    "check_workers",
    "check_yaml_text",
    "fail",
    "finite",
    "limited_composer",
    "message",
    "value",
]
