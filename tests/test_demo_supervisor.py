"""`make demo` keeps its processes running as systemd does in production
(deploy/local/supervise.py): one that dies is started again and the log says so; a stop is
passed on and waited for."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.worker import wait_for

ROOT = Path(__file__).resolve().parents[1]
SUPERVISE = ROOT / "deploy" / "local" / "supervise.py"
# Stands in for a worker: once it is ready, writes its pid to the file it is given; says when
# it was asked to stop, and stops.
WORKER = (
    "import os, signal, sys, time\n"
    "def stop(*_):\n"
    "    print('warm shutdown', flush=True); sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, stop)\n"
    "open(sys.argv[1] + '.new', 'w').write(str(os.getpid()))\n"
    "os.replace(sys.argv[1] + '.new', sys.argv[1])\n"
    "time.sleep(600)\n"
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (dead, not yet collected) is not running
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def running_pid(pid_file: Path) -> int | None:
    """The supervised command's pid, once it is running and ready (the pid the supervisor
    wrote and the one the command wrote agree)."""
    pid = read_pid(pid_file)
    ready = read_pid(pid_file.with_suffix(".ready"))
    return pid if pid is not None and pid == ready and alive(pid) else None


@pytest.fixture
def supervised(tmp_path):
    pid_file = tmp_path / "worker.pid"
    ready_file = pid_file.with_suffix(".ready")
    supervisor = [sys.executable, str(SUPERVISE), "worker", "--pid-file", str(pid_file)]
    process = subprocess.Popen(
        [*supervisor, "--", sys.executable, "-c", WORKER, str(ready_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(lambda: running_pid(pid_file), 30, "the supervised command did not start")
        yield process, pid_file
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_a_worker_that_is_killed_is_started_again_and_the_log_says_so(supervised):
    process, pid_file = supervised
    first = running_pid(pid_file)

    os.kill(first, signal.SIGKILL)

    wait_for(
        lambda: running_pid(pid_file) not in (None, first),
        30,
        "the killed worker was not started again",
    )
    assert not alive(first)
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    log = process.stderr.read()
    assert "[worker] stopped unexpectedly (killed by SIGKILL)" in log
    assert "starting it again" in log


def test_a_worker_that_keeps_dying_is_started_again_more_slowly(supervised):
    process, pid_file = supervised
    for _ in range(3):
        before = running_pid(pid_file)
        os.kill(before, signal.SIGKILL)
        wait_for(
            lambda before=before: running_pid(pid_file) not in (None, before), 30, "not restarted"
        )
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    log = process.stderr.read()
    assert log.count("stopped unexpectedly") == 3
    assert "starting it again." in log  # the first time, at once
    assert "starting it again in 1 s." in log
    assert "starting it again in 2 s." in log


def test_a_stop_is_passed_on_and_waited_for(supervised):
    process, pid_file = supervised
    child = running_pid(pid_file)

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    status = process.wait(30)

    assert time.monotonic() - started < 10
    assert status == 0  # the command's own status: it stopped cleanly
    assert not alive(child)
    assert "warm shutdown" in process.stdout.read()
    assert "stopped unexpectedly" not in process.stderr.read()
