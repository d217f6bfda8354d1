"""A real vLLM server on this CPU machine, for integration tests of the `llm` engine.

`vllm_server` (session scope) runs deploy/model-server/cpu-test/setup.sh (a no-op once done),
starts the server with the tiny locally generated model on a free loopback port, waits for
/health and stops it at the end of the session. Tests that use it are marked `vllm`.

The model is random: its text is noise, but vLLM's constrained decoding still forces its output
into the requested JSON schema, which is what these tests rely on.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CPU_TEST_DIR = ROOT / "deploy" / "model-server" / "cpu-test"
SETUP_TIMEOUT_SECONDS = 1200
START_TIMEOUT_SECONDS = float(os.environ.get("VLLM_START_TIMEOUT", "180"))
STOP_TIMEOUT_SECONDS = 30
LOG_TAIL_CHARACTERS = 6000


@dataclass(frozen=True)
class VllmServer:
    base_url: str  # "http://127.0.0.1:PORT/v1", what an OpenAI client takes
    model: str
    api_key: str
    root_url: str  # without /v1: /health and /metrics live here
    log_path: Path
    start_seconds: float


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(log_path: Path) -> str:
    if not log_path.exists():
        return "(no server log)"
    return log_path.read_text(errors="replace")[-LOG_TAIL_CHARACTERS:]


def _is_healthy(root_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{root_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _run_setup() -> None:
    result = subprocess.run(
        [str(CPU_TEST_DIR / "setup.sh")],
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            "deploy/model-server/cpu-test/setup.sh failed "
            f"(exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server and the engine process it spawned; kill them if they linger.

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


@pytest.fixture(scope="session")
def vllm_server(tmp_path_factory):
    _run_setup()
    port = _free_loopback_port()
    api_key = secrets.token_urlsafe(24)
    root_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("vllm") / "server.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(CPU_TEST_DIR / "serve.sh"), str(port), api_key],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = started + START_TIMEOUT_SECONDS
        while not _is_healthy(root_url):
            if process.poll() is not None:
                pytest.fail(
                    f"the vLLM server exited with {process.returncode} before it was healthy; "
                    f"log {log_path}:\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the vLLM server was not healthy after {START_TIMEOUT_SECONDS:.0f} s; "
                    f"log {log_path}:\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(1)
        yield VllmServer(
            base_url=f"{root_url}/v1",
            model="tiny",
            api_key=api_key,
            root_url=root_url,
            log_path=log_path,
            start_seconds=time.monotonic() - started,
        )
    finally:
        _stop(process)
