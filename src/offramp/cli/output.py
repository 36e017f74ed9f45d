"""Everything the CLI prints that is not a result: consoles, JSON, files, and failures.

One exit-status policy for every command (the README states it):

- 0 success;
- 2 bad input or usage: a located scenario problem, a bad argument, an unknown name, a file that
  cannot be read or written (every :class:`~offramp.errors.OfframpError`, typer's usage errors,
  and :func:`fail`);
- 1 a bug in offramp (a short note; the traceback only with ``--debug``);
- 130 interrupted.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import tempfile
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from offramp.bargaining.errors import BargainingInputError
from offramp.errors import OfframpError
from offramp.report.terminal import strip_controls
from offramp.scenario.errors import ScenarioError

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class Format(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


PIPED_WIDTH = 100
"""Columns of piped output when ``COLUMNS`` is not set (also the width of text files)."""


def console_width() -> int | None:
    """The one console width policy of every command: ``COLUMNS`` when set (piped or not),
    else the terminal's width, else (piped, redirected) :data:`PIPED_WIDTH`. Tables wider than
    that fold their cells rather than run past it."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return None  # rich asks the terminal
    return PIPED_WIDTH


def console() -> Console:
    """Standard output for results, :func:`console_width` columns wide."""
    return Console(highlight=False, soft_wrap=False, width=console_width())


def prose() -> Console:
    """Standard output for running text (wrapped by the terminal, not cut)."""
    return Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    """Written piece by piece (``json.dump``), not built as one string first: an analysis
    of a million states prints tens of megabytes."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


STDOUT = "-"


def _is_stdout(output: Path | str | None) -> bool:
    return output is None or str(output) == STDOUT


def is_stream(output: Path | None) -> bool:
    """Whether ``output`` is standard output, a FIFO or a character device (streamed to: no
    file name, so no suffix, chooses its format)."""
    if _is_stdout(output):
        return True
    assert output is not None
    try:
        mode = output.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def check_output(output: Path | None, option: str = "--output") -> None:
    """Fail early, before minutes of analysis, on an output path that cannot be written: a
    directory, a block device or a socket at PATH, a missing or unsearchable or read-only
    folder. Standard output (no ``-o`` or ``-o -``) always passes."""
    if _is_stdout(output):
        return
    assert output is not None
    try:
        st = output.stat()  # follows symbolic links
    except FileNotFoundError:
        st = None
    except OSError as exc:  # an unsearchable folder on the way (EACCES), a link loop
        fail(f"cannot write {output}: {exc.strerror}", option=option)
    if st is not None:
        _refuse_kind(output, st.st_mode, option)
        if stat.S_ISREG(st.st_mode) and not os.access(output, os.W_OK):
            fail(f"cannot write {output}: the file is not writable", option=option)
        return
    target = Path(os.path.realpath(output))  # a dangling link: its target is created
    parent = target.parent
    try:
        if not parent.is_dir():
            fail(f"cannot write {output}: directory {parent} does not exist", option=option)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}", option=option)
    if not os.access(parent, os.W_OK | os.X_OK):
        fail(f"cannot write {output}: directory {parent} is not writable", option=option)


def _refuse_kind(output: Path, mode: int, option: str) -> None:
    """Only regular files (written in place), FIFOs and character devices (streamed to) are
    targets; nothing else at PATH is ever written to or replaced."""
    if stat.S_ISDIR(mode):
        fail(f"{output} is a directory; give a file name", option=option)
    if stat.S_ISBLK(mode):
        fail(f"{output} is a block device; offramp does not write to disks", option=option)
    if stat.S_ISSOCK(mode):
        fail(f"{output} is a socket; give a file name", option=option)


def write_output(content: str | bytes, output: Path | None, *, option: str = "--output") -> None:
    """The one writer behind every ``-o PATH`` of the command line.

    - no ``-o`` or ``-o -``: standard output;
    - PATH is a regular file, or a symbolic or hard link to one: the file is rewritten in
      place (the link, the other names, the owner and the mode are kept);
    - PATH is a FIFO or a character device (``/dev/null``, a terminal): streamed to, never
      replaced;
    - nothing at PATH: a new file, written beside it under a temporary name and linked into
      place only when complete (an interrupted write leaves nothing behind, and a file that
      appears meanwhile is not replaced);
    - a directory, a block device or a socket at PATH: refused.

    Every failure (a full device, a permission) is a clean error with exit status 2.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if _is_stdout(output):
        if isinstance(content, str):
            sys.stdout.write(content if content.endswith("\n") else content + "\n")
            sys.stdout.flush()
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    assert output is not None
    check_output(output, option)
    try:
        if os.path.exists(output):
            _write_in_place(output, data)
        else:
            _write_new(Path(os.path.realpath(output)), data)
    except FileExistsError:
        fail(f"cannot write {output}: a file appeared there meanwhile", option=option)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}", option=option)
    stderr().print(f"wrote {strip_controls(output)}", markup=False)


def _write_in_place(output: Path, data: bytes) -> None:
    """Through links to a regular file (truncated then written), or streamed to a FIFO or a
    character device (no truncation, no replacement)."""
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(output, flags)
    try:
        mode = os.fstat(fd).st_mode
        _refuse_kind(output, mode, "--output")  # it may have changed since the check
        regular = stat.S_ISREG(mode)
        if regular and data:
            _reserve(fd, len(data))  # a full disk fails here, with the old content intact
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if regular:
            os.ftruncate(fd, len(data))
            os.fsync(fd)
    finally:
        os.close(fd)


def _reserve(fd: int, size: int) -> None:
    """Allocate ``size`` bytes before overwriting, where the file system can say so."""
    if not hasattr(os, "posix_fallocate"):
        return
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        # EOPNOTSUPP, EINVAL...: the file system cannot reserve; write and see


def _write_new(target: Path, data: bytes) -> None:
    parent = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; an output is not
        try:
            os.link(tmp, target)  # fails if something is at target: never replaces it
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if os.path.lexists(target):
                raise FileExistsError(target) from None
            os.rename(tmp, target)
            return
    finally:
        Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fail(message: str, *, option: str | None = None, status: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``message`` (prefixed by the option it concerns) and exit; bad input by default."""
    prefix = f"{option}: " if option else ""
    stderr().print(f"offramp: {prefix}{strip_controls(message)}", markup=False)
    raise typer.Exit(status)


def report_input_error(exc: OfframpError) -> int:
    """Bad input: each problem located (file:line:col: path: message), exit 2."""
    if isinstance(exc, ScenarioError):
        for problem in exc.problems:
            stderr().print(strip_controls(problem.format()), markup=False)
        if len(exc.problems) > 1:
            stderr().print(f"{len(exc.problems)} problems found.", markup=False)
    elif isinstance(exc, BargainingInputError):  # located by its reader (file:line:col)
        stderr().print(strip_controls(exc.format()), markup=False)
    else:
        stderr().print(f"offramp: {strip_controls(exc)}", markup=False)
    return EXIT_BAD_INPUT


def issues_url() -> str | None:
    """The project's issue tracker as its package metadata gives it (Project-URL), if any."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("offramp").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("issues", "bug tracker", "tracker", "repository"):
            return str(url).strip()
    return None


def report_bug(exc: BaseException, debug: bool) -> int:
    """An internal error: what happened, where to report it, how to see the traceback."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    url = issues_url()
    where = f"Please report it at {url}" if url else "Please report it to the offramp maintainers"
    how = "" if debug else "; rerun with --debug to see the traceback"
    stderr().print(
        f"offramp: internal error: {type(exc).__name__}: {strip_controls(exc)}\n"
        f"This is a bug in offramp, not in your input. {where}, with the scenario file and the "
        f"command{how}.",
        markup=False,
    )
    return EXIT_BUG
