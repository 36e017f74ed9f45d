"""Stopping the workbench with Ctrl-C (issue 25): the server and its worker pool stop within
seconds, with no traceback from the workers or the lifespan and no "leaked semaphore objects"
warning from Python's resource tracker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from offramp.scenarios import builtin_text


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")
def test_ctrl_c_stops_the_server_cleanly(tmp_path: Path):
    offramp = Path(sys.executable).parent / "offramp"
    if not offramp.exists():
        pytest.skip("needs the installed offramp entry point")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OFFRAMP_HOME": str(tmp_path / "home"), "OFFRAMP_WEB_WORKERS": "2"}
    proc = subprocess.Popen(
        [str(offramp), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    try:
        body = json.dumps({"text": builtin_text("chicken")}).encode()
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/validate",
                    data=body,
                    headers={"content-type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=30) as answer:
                    assert json.loads(answer.read())["ok"]  # the pool's workers are up
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "Traceback" not in err, err
    assert "leaked" not in err, err
