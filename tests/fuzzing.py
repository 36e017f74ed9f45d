"""Fuzzing offramp's readers: mutators for scenario files, KTAB CSV/XML and DEU TSV, and a
harness that runs each input under a time and a memory cap.

Each case runs in a forked child (cheap: offramp is already imported) with ``RLIMIT_AS`` set
to the child's current address space plus a headroom, and an interval timer; the parent also
kills a child that overstays. The outcome of a case is one of

- ``ok``: the input was accepted and every step ran;
- ``clean``: offramp refused it with its own error (an ``OfframpError``: ``ScenarioError``,
  ``BargainingInputError``, ``ConflictTooLarge`` ...; exit 2 from the command line, or the
  exit 1 of a reported bargaining input error, never a traceback);
- ``internal``: any other exception (a bug: the traceback is kept);
- ``hang``: over the time cap;
- ``memory``: ``MemoryError`` under the cap, or the child killed by a signal.

Used by the fuzz tests (small budgets, tests/test_fuzz_*.py) and by benchmarks/fuzz_long.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import resource
import select
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.ktab_xml import ktab_xml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO / "tests" / "data"
BAD_KINDS = ("internal", "hang", "memory")
#: The full report (thresholds: ~80 re-rankings per question, variants, Monte Carlo) is run on
#: mutants up to this many feasible states; bigger ones are valid but take minutes, by design.
REPORT_STATES = 50_000


@dataclass
class Outcome:
    kind: str  # ok | clean | internal | hang | memory
    detail: str
    seconds: float


class _Timeout(BaseException):
    """Raised in the child by the interval timer (a BaseException: no `except Exception` in
    offramp may swallow it)."""


def _address_space() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


_PRELOADED = False


def preload() -> None:
    """Import what the targets use once, in the parent, so that each forked child starts warm
    (and runs the code that was on disk when the run began)."""
    global _PRELOADED
    if _PRELOADED:
        return
    import offramp
    import offramp.bargaining
    import offramp.bargaining.deu
    import offramp.cli.main
    import offramp.service.report_content
    import offramp.uncertainty.montecarlo

    offramp.get_builtin("beijing-broker")
    _PRELOADED = True


def capped(
    target: Callable[[object], str],
    arg: object,
    *,
    seconds: float = 20.0,
    memory: int = 1536 << 20,
) -> Outcome:
    """Run ``target(arg)`` in a forked child under a time cap and an address-space cap of
    ``memory`` bytes over what the child starts with. ``target`` returns "ok" or "clean"."""
    preload()
    read_fd, write_fd = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            try:
                limit = _address_space() + memory
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

                def alarm(signum, frame):
                    raise _Timeout()

                signal.signal(signal.SIGALRM, alarm)
                signal.setitimer(signal.ITIMER_REAL, seconds)
                try:
                    kind, detail = target(arg), ""
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except _Timeout:
                kind, detail = "hang", f"over {seconds:g} s"
            except MemoryError:
                kind, detail = "memory", "MemoryError under the cap"
            except BaseException as exc:
                kind = "internal"
                detail = "".join(traceback.format_exception(exc))[-4000:]
            os.write(write_fd, json.dumps({"kind": kind, "detail": detail}).encode())
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    os.close(write_fd)
    deadline = started + seconds + 10.0
    chunks: list[bytes] = []
    killed = False
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
        ready, _, _ = select.select([read_fd], [], [], left)
        if ready:
            data = os.read(read_fd, 65536)
            if not data:
                break
            chunks.append(data)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - started
    if killed:
        return Outcome("hang", f"killed after {elapsed:.1f} s", elapsed)
    try:
        payload = json.loads(b"".join(chunks).decode())
    except ValueError:
        if os.WIFSIGNALED(status):
            return Outcome("memory", f"child killed by signal {os.WTERMSIG(status)}", elapsed)
        return Outcome("internal", f"child exited {status} without a result", elapsed)
    return Outcome(payload["kind"], payload["detail"], elapsed)


# --------------------------------------------------------------------------- targets


def _clean_errors() -> tuple[type[BaseException], ...]:
    """offramp's own errors: every one derives from OfframpError (tests/test_error_hierarchy.py),
    e.g. ScenarioError, BargainingInputError, or ConflictTooLarge for a limit on the work."""
    from offramp.errors import OfframpError

    return (OfframpError,)


def scenario_api(case: tuple[str, int]) -> str:
    """Load a scenario text through the Python API and run what a user runs on it: every
    variant, stability, the evolution, and (for ``depth`` >= 1) the bargaining forecasts,
    (>= 2, and at most `REPORT_STATES` states) the full report with thresholds and a small
    Monte Carlo."""
    import offramp

    text, depth = case
    try:
        scenario = offramp.from_yaml_text(text, "fuzz.yaml")
        scenario.spec.check_variants()
        scenario.stability()
        scenario.analyze()
        if depth >= 1 and scenario.spec.bargaining is not None:
            from offramp.bargaining import forecast
            from offramp.bargaining.registry import REGISTRY

            problem = scenario.spec.bargaining_problem()
            for model in REGISTRY:
                forecast(problem, model)
        if depth >= 2 and scenario.conflict.n_states <= REPORT_STATES:
            from offramp.service.report_content import build_report

            build_report(scenario, variants=True, thresholds=True, samples=8, seed=1)
        return "ok"
    except _clean_errors():
        return "clean"


def scenario_dict(data: object) -> str:
    """``offramp.from_dict`` on arbitrary Python data, then stability."""
    import offramp

    try:
        offramp.from_dict(data).stability()  # type: ignore[arg-type]
        return "ok"
    except _clean_errors():
        return "clean"


def cli(case: tuple[list[str], dict[str, str | bytes]]) -> str:
    """The console entry point with ``argv`` after writing ``files`` (name -> text) to a
    temporary folder (``{dir}`` in argv is replaced by it). Exit 0 is ok; exit 2, or exit 1
    with an ``offramp:`` message and no traceback, is a clean refusal; anything else (an
    "internal error" message, a traceback) is internal."""
    from offramp.cli.main import run

    argv, files = case
    os.environ["OFFRAMP_HISTORY"] = "0"
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            if isinstance(text, bytes):
                Path(tmp, name).write_bytes(text)
            elif text.startswith(_SYMLINK):  # an output target: a link to another file
                Path(tmp, name).symlink_to(text[len(_SYMLINK) :])
            elif text == _FOLDER:
                Path(tmp, name).mkdir()
            else:
                Path(tmp, name).write_text(text, encoding="utf-8", errors="surrogatepass")
        args = [a.replace("{dir}", tmp) for a in argv]
        out, err = io.StringIO(), io.StringIO()
        old = sys.argv
        sys.argv = ["offramp", *args]
        code = 0
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = old
    text = err.getvalue()
    if "Traceback" in text or "internal error" in text.lower():
        raise AssertionError(f"exit {code}: {text[-3000:]}")
    leaked = _CONTROL.search(out.getvalue() + text)
    if leaked:  # nothing the user wrote may reach the terminal as a control sequence
        raise AssertionError(f"control character U+{ord(leaked.group()):04X} printed")
    if code == 0:
        return "ok"
    if code == 2 or (code == 1 and text.startswith("offramp:")):
        return "clean"
    raise AssertionError(f"exit {code}: {text[-3000:]}")


_SYMLINK = "\0symlink:"
_FOLDER = "\0folder"
#: what must never be printed: C0 controls but tab and newline, DEL, C1 (not a terminal, so
#: Rich itself writes no escape sequence)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cli_case(k: int, text: str) -> tuple[list[str], dict[str, str | bytes]]:
    """The command line run on scenario mutant ``k``: validate, analyze (JSON, or text to an
    output target: a new file, a symbolic link, a folder, a missing folder, standard output),
    stability, a Markdown report, or the uncertainty."""
    files: dict[str, str | bytes] = {"s.yaml": text}
    kind = k % 8
    if kind in (0, 4):
        return ["validate", "{dir}/s.yaml"], files
    if kind == 1:
        return ["analyze", "{dir}/s.yaml", "-n", "4", "--no-thresholds", "-f", "json"], files
    if kind == 2:
        return ["stability", "{dir}/s.yaml"], files
    if kind == 3:
        target = ["{dir}/out.md", "{dir}/link.md", "{dir}/folder", "{dir}/no/out.md", "-"][
            (k // 8) % 5
        ]
        files.update({"link.md": _SYMLINK + "real.md", "folder": _FOLDER})
        argv = ["report", "{dir}/s.yaml", "-f", "markdown", "-n", "4", "--no-thresholds"]
        return [*argv, "--no-variants", "-o", target], files
    if kind == 5:
        return ["analyze", "{dir}/s.yaml", "-n", "0", "--no-thresholds", "--full"], files
    if kind == 6:
        return ["uncertainty", "{dir}/s.yaml", "-n", "16", "-w", "1"], files
    return ["analyze", "{dir}/s.yaml", "-n", "4", "--no-thresholds", "-o", "{dir}/o.txt"], files


def bargaining_cli(case: tuple[str, bytes]) -> str:
    """``offramp forecast FILE`` on a KTAB CSV/XML mutant (``offramp eval-deu`` on DEU)."""
    suffix, data = case
    if suffix == ".tsv":
        return bargaining_file(case)
    name = "case" + suffix
    return cli((["forecast", "{dir}/" + name], {name: data}))


def bargaining_file(case: tuple[str, bytes]) -> str:
    """Read a KTAB CSV/XML (suffix .csv/.xml) or DEU TSV (.tsv) file and forecast with every
    model (DEU: score every model on its issues)."""
    from offramp.bargaining import forecast
    from offramp.bargaining.ktab import read_ktab
    from offramp.bargaining.registry import REGISTRY

    suffix, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "case" + suffix)
        path.write_bytes(data)
        try:
            if suffix == ".tsv":
                from offramp.bargaining.deu import read_deu, score

                deu = read_deu(path)
                for name, fn in REGISTRY.items():
                    # the n^3 models on a few issues: a file of 2,000 issues is valid but
                    # takes minutes to score with them, by design
                    issues = deu.issues[:3] if name in ("bdm", "smp") else deu.issues
                    score(name, fn, issues)
            else:
                problem = read_ktab(path)
                for model in REGISTRY:
                    forecast(problem, model)
            return "ok"
        except _clean_errors():
            return "clean"


# --------------------------------------------------------------------------- scenario mutants

_NUMBERS = [
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "1e999",
    "-1e999",
    "1e308",
    "-1e308",
    "1e-320",
    "9" * 400,
    "-0",
    "0x7fffffffffffffff",
    "1e16",
    "3.4e38",
    "0",
    "-1",
]
_TAGS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!foo bar",
    "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!str 12",
    "!!int 12",
    "!!float .inf",
    "!<tag:yaml.org,2002:map> {}",
]
_UNICODE = [
    "\u202e",
    "\u200b",
    "\ufeff",
    "\u0000",
    "\x07",
    "\U0001f4a5",
    "é",
    "ℌ",
    "\u0301",
    "\ud800",
    "𝔘𝔖",
    "\u2028",
    "Ａ",
    "\x85",
]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _numbers_at(lines: list[str]) -> list[int]:
    import re

    return [i for i, ln in enumerate(lines) if re.search(r":\s*-?\d", ln)]


def mutate_scenario(text: str, rng: random.Random, kind: str | None = None) -> tuple[str, str]:
    """One random mutation of a scenario text (of ``kind``, or any); returns (name of the
    mutation, mutant)."""
    lines = _lines(text)
    kind = kind or rng.choice(MUTATIONS)
    i = rng.randrange(len(lines))
    if kind == "delete_lines":
        k = rng.randint(1, 4)
        del lines[i : i + k]
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "deep_nesting":
        depth = rng.choice([30, 40, 100, 300, 1000, 5000])
        if rng.random() < 0.5:
            lines.append("note: " + "[" * depth + "]" * depth)
        else:
            lines.append("note: " + "{a: " * depth + "1" + "}" * depth)
    elif kind == "block_nesting":
        depth = rng.choice([20, 40, 200])
        lines += [" " * (2 * k) + f"k{k}:" for k in range(depth)] + [" " * (2 * depth) + "1"]
    elif kind == "tag":
        idx = _numbers_at(lines) or [i]
        j = rng.choice(idx)
        key = lines[j].split(":", 1)[0]
        lines[j] = f"{key}: {rng.choice(_TAGS)}"
    elif kind == "alias_bomb":
        n = rng.choice([3, 9, 12])
        bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        bomb += [f"a{k}: &a{k} [" + ",".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, n)]
        lines = ["x-bomb:"] + ["  " + b for b in bomb] + lines
    elif kind == "alias_reuse":
        j = rng.randrange(len(lines))
        if ":" in lines[j] and not lines[j].rstrip().endswith(":"):
            key, val = lines[j].split(":", 1)
            lines[j] = f"{key}: &r {val.strip()}"
            k = rng.randrange(len(lines))
            if ":" in lines[k] and k != j:
                kk = lines[k].split(":", 1)[0]
                lines[k] = f"{kk}: *r"
    elif kind == "recursive_alias":
        lines.append("loop: &loop [1, *loop]")
    elif kind == "unicode":
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + rng.choice(_UNICODE) * rng.randint(1, 3) + lines[i][pos:]
    elif kind == "number":
        idx = _numbers_at(lines)
        if idx:
            j = rng.choice(idx)
            key = lines[j].rsplit(":", 1)[0]
            lines[j] = f"{key}: {rng.choice(_NUMBERS)}"
        else:
            lines[i] += " " + rng.choice(_NUMBERS)
    elif kind == "many_options":
        j = next((k for k, ln in enumerate(lines) if ln.strip() == "options:"), None)
        if j is not None:
            indent = " " * (len(lines[j + 1]) - len(lines[j + 1].lstrip()))
            n = rng.choice([5, 12, 25, 40, 300])
            lines[j + 1 : j + 1] = [f"{indent}- name: extra{k}" for k in range(n)]
    elif kind == "deep_statement":
        idx = [k for k, ln in enumerate(lines) if '"' in ln and "." in ln]
        if idx:
            j = rng.choice(idx)
            depth = rng.choice([10, 49, 51, 200, 1000, 3000])
            a, b = lines[j].index('"'), lines[j].rindex('"')
            inner = lines[j][a + 1 : b] or "true"
            style = rng.choice(["paren", "not", "imp"])
            if style == "paren":
                new = "(" * depth + inner + ")" * depth
            elif style == "not":
                new = "!" * depth + "(" + inner + ")"
            else:
                new = " -> ".join([f"({inner})"] * depth)
            lines[j] = lines[j][: a + 1] + new + lines[j][b:]
    elif kind == "long_string":
        lines[i] += " " + "x" * rng.choice([1000, 25_000, 300_000])
    elif kind == "truncate":
        cut = rng.randrange(len(text) + 1)
        return kind, text[:cut]
    elif kind == "flip_chars":
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            p = rng.randrange(len(chars))
            chars[p] = rng.choice(":-[]{}&*!|>'\"#%@`\t ,?")
        return kind, "".join(chars)
    elif kind == "replace_scalar":
        if ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(['[]', '{}', 'null', '~', 'true', '[1, 2]', '{a: 1}'])}"
    elif kind == "multi_document":
        lines += ["---", "format: offramp/1"]
    elif kind == "indent":
        lines[i] = " " * rng.randint(1, 9) + lines[i]
    elif kind == "number_as_text":
        idx = _numbers_at(lines)
        if idx:
            j = rng.choice(idx)
            key = lines[j].rsplit(":", 1)[0]
            lines[j] = f'{key}: "{rng.choice(_TEXT_NUMBERS)}"'
    elif kind == "derived":
        lines = _add_derived(lines, rng)
    elif kind == "markup":
        idx = [k for k, ln in enumerate(lines) if _TEXT_LINE.match(ln)]
        if idx:
            j = rng.choice(idx)
            head = _TEXT_LINE.match(lines[j]).group("head")  # type: ignore[union-attr]
            lines[j] = f'{head}"{rng.choice(_MARKUP)} {rng.choice(_MARKUP)}"'
    return kind, "\n".join(lines)


#: numbers written as YAML text: pydantic reads them as numbers (issue 22, item 4)
_TEXT_NUMBERS = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-Infinity",
    "1e308",
    "-1e308",
    "1e16",
    "1e999",
    "12",
    "0",
    "-1",
    "0x10",
    "1_000",
    " 5 ",
    "1e-320",
]
#: Rich markup and terminal control in texts (issue 22, item 7)
_MARKUP = [
    "[/]",
    "[link=https://evil.invalid]x[/link]",
    "[blink]b[/blink]",
    "[bold]",
    "[/bold]",
    "\\e[31m",
    "\\a",
    "[red on black]",
    "[@click=app.quit]x[/]",
    "\\x9b2J",
]
_TEXT_LINE = re.compile(r"^(?P<head>\s*(?:- )?(?:label|note|ask|title|quote|description): )\S")
#: formulas of derived parameters: overflow, division by zero, huge and odd exponents, cycles
#: (issue 22, items 3 and 5)
_FORMULAS = [
    "{a} * 1e12 * 1e12",
    "1 / ({a} - {a})",
    "{a} ^ 8",
    "{a} ^ 8.0000001",
    "{a} ^ -8",
    "max({a}, 1e12) * 1e12 * 1e12 * 1e12",
    "{b} + 1",
    "clamp({a}, 0, 1)",
    "pct({a})",
    "ratio({a}, {b})",
    "abs(-{a}) / 1e-12",
    "{a} * {b}",
]


def _add_derived(lines: list[str], rng: random.Random) -> list[str]:
    """Derived parameters appended to (or creating) ``parameters:``: a chain of up to 999
    declared in reverse order, a cycle, or hostile formulas over the new names."""
    n = rng.choice([2, 5, 50, 999])
    shape = rng.choice(["chain", "cycle", "formulas"])
    block = ["  fz0: 1"]
    for k in range(n, 0, -1):
        if shape == "chain":
            formula = f"fz{k - 1} + 1"
        elif shape == "cycle":
            formula = f"fz{n if k == 1 else k - 1} * 1"
        else:
            formula = rng.choice(_FORMULAS).format(a=f"fz{k - 1}", b=f"fz{max(k - 2, 0)}")
        block.append(f'  fz{k}: {{formula: "{formula}"}}')
    j = next((k for k, ln in enumerate(lines) if ln.rstrip() == "parameters:"), None)
    if j is None:
        return [*lines, "parameters:", *block]
    return lines[: j + 1] + block + lines[j + 1 :]


MUTATIONS = [
    "delete_lines",
    "duplicate_line",
    "swap_lines",
    "deep_nesting",
    "block_nesting",
    "tag",
    "alias_bomb",
    "alias_reuse",
    "recursive_alias",
    "unicode",
    "number",
    "many_options",
    "deep_statement",
    "long_string",
    "truncate",
    "flip_chars",
    "replace_scalar",
    "multi_document",
    "indent",
    "number_as_text",
    "derived",
    "markup",
]


def scenario_seeds() -> list[str]:
    """The built-in scenarios: every key of the format occurs in one of them."""
    from offramp.scenarios import builtin_text, list_builtin

    return [builtin_text(name) for name in list_builtin()]


def scenario_mutants(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` mutants (1-3 stacked mutations each) of the built-in scenarios."""
    rng = random.Random(seed)
    seeds = scenario_seeds()
    out = []
    for _ in range(count):
        text = rng.choice(seeds)
        names = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            name, text = mutate_scenario(text, rng)
            names.append(name)
        out.append(("+".join(names), text))
    return out


# --------------------------------------------------------------------------- bargaining mutants


def bargaining_seeds() -> list[tuple[str, bytes]]:
    """The shared KTAB CSV cases, the same cases as KTAB XML, and the DEU file."""
    out: list[tuple[str, bytes]] = []
    ktab = SHARED / "ktab"
    for name in ("dummyData_3Dim.csv", "SOE-Policy.csv"):
        path = ktab / name
        out.append((".csv", path.read_bytes()))
        out.append((".xml", ktab_xml(path).encode()))
    lines = (SHARED / "deu3" / "deu3-dev.tsv").read_bytes().split(b"\n")
    out.append((".tsv", b"\n".join(lines[:40])))  # a slice: whole-file runs are slow
    return out


_CELLS = [
    b"nan",
    b"NaN",
    b"inf",
    b"-inf",
    b"1e999",
    b"-1",
    b"1e308",
    b"",
    b'"',
    b'""',
    b"abc",
    b"0",
    b"100",
    b"100.0000001",
    b"1e-320",
    b"\x00",
    b"\xff\xfe",
    b"9" * 400,
    b"10000",
    b"3000",
]


def mutate_bargaining(suffix: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One random mutation of a KTAB CSV/XML or DEU TSV file."""
    lines = data.split(b"\n")
    kind = rng.choice(BARGAINING_MUTATIONS)
    i = rng.randrange(len(lines))
    sep = b"\t" if suffix == ".tsv" else b","
    if kind == "delete_line":
        del lines[i]
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "cell":
        if suffix == ".xml":
            import re

            matches = list(re.finditer(rb">([^<>]*)<", data))
            if matches:
                m = rng.choice(matches)
                data = data[: m.start(1)] + rng.choice(_CELLS) + data[m.end(1) :]
            return kind, data
        cells = lines[i].split(sep)
        cells[rng.randrange(len(cells))] = rng.choice(_CELLS)
        lines[i] = sep.join(cells)
    elif kind == "many_actors":
        n = rng.choice([20, 160, 400, 3000, 20_000])
        if suffix == ".csv" and len(lines) > 2:
            head = lines[0].split(b",")
            if len(head) > 2:
                head[2] = str(int(n) + len(lines) - 3).encode()
            lines[0] = b",".join(head)
            row = lines[2].split(b",")
            extra = [b",".join([b"X%d" % k, *row[1:]]) for k in range(n)]
            lines[3:3] = extra
        elif suffix == ".xml":
            import re

            m = re.search(rb"<Actor>.*?</Actor>", data, re.S)
            if m:
                actor = m.group(0)
                more = b"".join(
                    re.sub(rb"<name>.*?</name>", b"<name>X%d</name>" % k, actor) for k in range(n)
                )
                data = data[: m.end()] + more + data[m.end() :]
            return kind, data
        else:
            lines += [lines[-1]] * min(n, 2000)
    elif kind == "many_columns":
        lines[i] += sep * rng.choice([10, 1000, 100_000])
    elif kind == "long_field":
        lines[i] += b"x" * rng.choice([1000, 200_000])
    elif kind == "xml_nesting":
        depth = rng.choice([100, 10_000, 200_000])
        data = data.replace(b"</Scenario>", b"<a>" * depth + b"</a>" * depth + b"</Scenario>")
        return kind, data
    elif kind == "xml_entities":
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE Scenario [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(
                b'<!ENTITY a%d "' % k + (b"&a;" if k == 1 else b"&a%d;" % (k - 1)) * 10 + b'">'
                for k in range(1, 9)
            )
            + b"]><Scenario><name>&a8;</name></Scenario>"
        )
        xxe = (
            b'<?xml version="1.0"?><!DOCTYPE Scenario [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Scenario><name>&x;</name></Scenario>"
        )
        return kind, rng.choice([bomb, xxe])
    elif kind == "unicode":
        lines[i] += rng.choice(_UNICODE).encode("utf-8", "surrogatepass")
    elif kind == "truncate":
        return kind, data[: rng.randrange(len(data) + 1)]
    elif kind == "flip_bytes":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return kind, bytes(buf)
    elif kind == "bom_crlf":
        return kind, b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    elif kind == "header_counts":
        head = lines[0].split(sep)
        k = rng.randrange(len(head))
        head[k] = rng.choice([b"0", b"-1", b"1e9", b"2.5", b"nan", b"1000000", b"4000"])
        lines[0] = sep.join(head)
    return kind, b"\n".join(lines)


BARGAINING_MUTATIONS = [
    "delete_line",
    "duplicate_line",
    "cell",
    "cell",
    "many_actors",
    "many_columns",
    "long_field",
    "xml_nesting",
    "xml_entities",
    "unicode",
    "truncate",
    "flip_bytes",
    "bom_crlf",
    "header_counts",
]


def bargaining_mutants(count: int, seed: int) -> list[tuple[str, str, bytes]]:
    """``count`` (mutation names, suffix, bytes) mutants of the shared bargaining cases."""
    rng = random.Random(seed)
    seeds = bargaining_seeds()
    out = []
    for _ in range(count):
        suffix, data = rng.choice(seeds)
        names = []
        for _ in range(rng.choice([1, 1, 2])):
            name, data = mutate_bargaining(suffix, data, rng)
            names.append(name)
        out.append(("+".join(names), suffix, data))
    return out
