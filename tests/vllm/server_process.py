"""Starting and stopping a model server process for tests: waiting until it is ready by its own
signs, and saying what it was doing when it is not.

A vLLM server loads its model before it answers anything; on a busy machine that can take many
minutes, so the wait is long (VLLM_START_TIMEOUT, 900 s by default) but ends at once when the
process dies. Readiness is the server's own: the process alive, /health answering 200, then
/v1/models listing the served model (the OpenAI routes come up last).
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT_SECONDS = float(os.environ.get("VLLM_START_TIMEOUT", "900"))
STOP_TIMEOUT_SECONDS = 30
LOG_TAIL_LINES = 40


class ServerNotReady(Exception):
    """The server died, or was not ready in time; the message says what it was doing."""


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log_path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not log_path.exists():
        return "(no server log)"
    text = log_path.read_text(errors="replace").rstrip("\n")
    if not text:
        return "(the server log is empty)"
    return "\n".join(text.splitlines()[-lines:])


def _get(url: str, api_key: str | None, timeout: float) -> tuple[int | None, str]:
    """(HTTP status, body) or (None, why there was no answer)."""
    request = urllib.request.Request(url)
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(20000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, str(reason)


def _process_state(process: subprocess.Popen) -> str:
    """'alive (pid N, running|sleeping|...)' from /proc, or how it ended."""
    if process.poll() is not None:
        return f"exited with {process.returncode}"
    states = {
        "R": "running",
        "S": "sleeping",
        "D": "waiting on disk",
        "T": "stopped",
        "Z": "zombie",
    }
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return f"alive (pid {process.pid}, {states.get(fields[0], fields[0])})"
    except (OSError, IndexError):
        return f"alive (pid {process.pid})"


def wait_until_ready(
    process: subprocess.Popen,
    root_url: str,
    *,
    model: str,
    api_key: str | None,
    log_path: Path,
    timeout: float = START_TIMEOUT_SECONDS,
    poll_seconds: float = 1.0,
) -> float:
    """Wait until the server at `root_url` serves `model`; returns the seconds it took.

    Raises ServerNotReady at once if the process exits, or if the server is up but does not
    serve `model`; after `timeout` seconds otherwise, with the last thing the server answered,
    whether its process is alive, and the end of its log.
    """
    started = time.monotonic()
    stage = "no answer yet"
    while True:
        elapsed = time.monotonic() - started
        if process.poll() is not None:
            raise ServerNotReady(
                f"the server exited with {process.returncode} after {elapsed:.0f} s, before it "
                f"was ready (last seen: {stage}); log {log_path}:\n{log_tail(log_path)}"
            )
        status, body = _get(f"{root_url}/health", None, timeout=5)
        if status is None:
            stage = f"/health not answering ({body})"
        elif status != 200:
            stage = f"/health answered {status}"
        else:
            status, body = _get(f"{root_url}/v1/models", api_key, timeout=5)
            if status == 200:
                served = _model_ids(body)
                if model in served:
                    return time.monotonic() - started
                raise ServerNotReady(
                    f"the server is up but does not serve {model!r} (it lists {served}); "
                    f"log {log_path}:\n{log_tail(log_path)}"
                )
            stage = f"/health ok, /v1/models {'not answering' if status is None else status}"
        if elapsed > timeout:
            raise ServerNotReady(
                f"the server was not ready after {elapsed:.0f} s (limit {timeout:.0f} s, "
                f"VLLM_START_TIMEOUT); last seen: {stage}; process {_process_state(process)}; "
                f"the last lines of its log {log_path}:\n{log_tail(log_path)}"
            )
        time.sleep(poll_seconds)


def _model_ids(body: str) -> list[str]:
    try:
        return [str(entry.get("id")) for entry in json.loads(body).get("data", [])]
    except (ValueError, AttributeError):
        return []


def stop(process: subprocess.Popen) -> None:
    """Terminate the server and the processes it spawned; kill them if they linger.

    The server runs in its own process group (start_new_session), so signalling the group
    reaches vLLM's engine-core child too and nothing else.
    """
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
