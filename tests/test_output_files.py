"""The one output writer behind every ``-o PATH`` (issue 22, items 1 and 8): it writes through
links to regular files, streams to FIFOs and character devices, never replaces what is at PATH,
takes ``-o -`` as standard output and fails cleanly (exit 2) where it cannot write."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from pathlib import Path

import pytest

import offramp.scenarios
from tests.cli_runner import invoke
from tests.test_inverse import TOY

CHICKEN = str(Path(offramp.scenarios.__file__).parent / "chicken.yaml")
REPORT = ["report", CHICKEN, "-n", "0", "--no-variants", "--no-thresholds"]


def _commands(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """Every command with ``-o``: its arguments (without ``-o``) and the file suffix it needs."""
    toy = tmp_path / "toy.json"
    toy.write_text(json.dumps(TOY))
    return {
        "analyze": (["analyze", CHICKEN, "-n", "0", "--no-thresholds", "-f", "json"], ".json"),
        "report-html": (REPORT, ".html"),
        "report-markdown": ([*REPORT, "-f", "markdown"], ".md"),
        "map": (
            ["map", "goal", str(toy), "--x", "price=0:10", "--y", "cost=0:8", "-n", "3"],
            ".svg",
        ),
    }


COMMANDS = ["analyze", "report-html", "report-markdown", "map"]


@pytest.mark.parametrize("command", COMMANDS)
def test_report_output_keeps_symlink_target(capsys, tmp_path, command) -> None:
    args, suffix = _commands(tmp_path)[command]
    real = tmp_path / f"real{suffix}"
    real.write_text("old")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(real.name)
    out = invoke(capsys, *args, "-o", str(link))
    assert out.code == 0, out.err
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text() != "old" and real.stat().st_size > 100


@pytest.mark.parametrize("command", COMMANDS)
def test_report_output_keeps_hard_link(capsys, tmp_path, command) -> None:
    args, suffix = _commands(tmp_path)[command]
    first = tmp_path / f"first{suffix}"
    first.write_text("old")
    second = tmp_path / f"second{suffix}"
    os.link(first, second)
    first.chmod(0o640)
    out = invoke(capsys, *args, "-o", str(second))
    assert out.code == 0, out.err
    assert os.path.samefile(first, second) and first.stat().st_nlink == 2
    assert first.read_text() == second.read_text() != "old"
    assert stat.S_IMODE(second.stat().st_mode) == 0o640


def test_report_output_streams_to_fifo(capsys, tmp_path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    out = invoke(capsys, *REPORT, "-f", "markdown", "-o", str(fifo))
    reader.join(timeout=30)
    assert out.code == 0, out.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"# ")


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_report_output_keeps_device_node(capsys, tmp_path) -> None:
    """As root, ``-o`` to a device node streams to it (here a copy of /dev/null), never
    replaces it with a file."""
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    out = invoke(capsys, *REPORT, "-o", str(node))
    assert out.code == 0, out.err
    assert stat.S_ISCHR(node.lstat().st_mode)


def _full_device(tmp_path: Path) -> Path:
    """A full device: as root a copy of /dev/full made in ``tmp_path`` (so that a writer that
    replaced its target could never damage the real one), otherwise /dev/full itself."""
    if os.geteuid() == 0:
        node = tmp_path / "full"
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        return node
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    return Path("/dev/full")


@pytest.mark.parametrize("command", COMMANDS)
def test_output_to_full_device_fails_cleanly(capsys, tmp_path, command) -> None:
    args, _ = _commands(tmp_path)[command]
    full = _full_device(tmp_path)
    out = invoke(capsys, *args, "-o", str(full))
    assert out.code == 2, out
    assert "No space left on device" in out.err and "Traceback" not in out.err
    assert stat.S_ISCHR(full.lstat().st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_output_dash_means_stdout(capsys, tmp_path, monkeypatch, command) -> None:
    monkeypatch.chdir(tmp_path)
    args, _ = _commands(tmp_path)[command]
    out = invoke(capsys, *args, "-o", "-")
    assert out.code == 0, out.err
    assert not (tmp_path / "-").exists()
    start = {"analyze": "{", "report-html": "<!DOCTYPE html>", "report-markdown": "# "}
    assert out.out.lstrip().startswith(start.get(command, "<?xml"))


def test_output_refuses_a_directory(capsys, tmp_path) -> None:
    out = invoke(capsys, *REPORT, "-o", str(tmp_path))
    assert out.code == 2 and "is a directory" in out.err
    assert tmp_path.is_dir()


def test_output_new_file_leaves_no_temporary(capsys, tmp_path) -> None:
    target = tmp_path / "new.html"
    out = invoke(capsys, *REPORT, "-o", str(target))
    assert out.code == 0, out.err
    assert [p.name for p in tmp_path.iterdir()] == ["new.html"]
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_output_dangling_link_creates_its_target(capsys, tmp_path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to("target.md")
    out = invoke(capsys, *REPORT, "-f", "markdown", "-o", str(link))
    assert out.code == 0, out.err
    assert link.is_symlink() and (tmp_path / "target.md").read_text().startswith("# ")


def _as_nobody(fn) -> int:
    """Run ``fn`` in a forked child as an unprivileged user (root ignores permissions);
    return its exit status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            code = fn()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_report_output_into_unsearchable_directory(capsys, tmp_path) -> None:
    locked = tmp_path / "locked"
    (locked / "sub").mkdir(parents=True)
    locked.chmod(0o000)
    tmp_path.chmod(0o755)
    try:

        def child() -> int:
            out = invoke(capsys, *REPORT, "-o", str(locked / "sub" / "r.html"))
            ok = out.code == 2 and "Permission denied" in out.err and "Traceback" not in out.err
            return 0 if ok else 3

        assert _as_nobody(child) == 0
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", CHICKEN, "-n", "0", "--no-thresholds", "-f", "json"],
        ["analyze", CHICKEN, "-n", "0", "--no-thresholds", "-f", "markdown", "-o", "-"],
        ["stability", CHICKEN],
    ],
)
def test_standard_output_on_a_full_device_fails_cleanly(tmp_path, args) -> None:
    """`offramp ... > /dev/full`: exit 2 with the reason, no internal error, no traceback."""
    import subprocess

    full = _full_device(tmp_path)
    with open(full, "w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "offramp.cli.main", *args],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "OFFRAMP_HISTORY": "0"},
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr == "offramp: cannot write the output: No space left on device\n"
