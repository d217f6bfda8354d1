"""A real vLLM server on this CPU machine, for integration tests of the `llm` engine.

`vllm_server` (session scope) runs deploy/model-server/cpu-test/setup.sh (a no-op once done),
starts the server with the tiny locally generated model on a free loopback port, waits until it
is ready (tests/vllm/server_process.py: up to VLLM_START_TIMEOUT, 900 s by default, as long as
the process lives) and stops it at the end of the session. Tests that use it are marked `vllm`.

The model is random: its text is noise, but vLLM's constrained decoding still forces its output
into the requested JSON schema, which is what these tests rely on.

`smollm2_server` does the same with SmolLM2-135M-Instruct, a real (weak) instruction-tuned
model: for the few tests of what a real model's answers do to the client (cut off, invented
quotes, repetition). It starts only when such a test runs.
"""

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.vllm.server_process import (
    ServerNotReady,
    free_loopback_port,
    stop,
    wait_until_ready,
)

ROOT = Path(__file__).resolve().parents[2]
CPU_TEST_DIR = ROOT / "deploy" / "model-server" / "cpu-test"
SETUP_TIMEOUT_SECONDS = 1200
MODEL = "tiny"
SMOLLM2 = "smollm2"


@dataclass(frozen=True)
class VllmServer:
    base_url: str  # "http://127.0.0.1:PORT/v1", what an OpenAI client takes
    model: str
    api_key: str
    root_url: str  # without /v1: /health and /metrics live here
    log_path: Path
    start_seconds: float


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


@pytest.fixture(scope="session")
def vllm_server(tmp_path_factory):
    yield from _serve(MODEL, tmp_path_factory)


@pytest.fixture(scope="session")
def smollm2_server(tmp_path_factory):
    yield from _serve(SMOLLM2, tmp_path_factory)


def _serve(model: str, tmp_path_factory):
    _run_setup()
    port = free_loopback_port()
    api_key = secrets.token_urlsafe(24)
    root_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp(f"vllm-{model}") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(CPU_TEST_DIR / "serve.sh"), str(port), api_key, model],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        try:
            start_seconds = wait_until_ready(
                process, root_url, model=model, api_key=api_key, log_path=log_path
            )
        except ServerNotReady as error:
            pytest.fail(f"the vLLM test server did not start: {error}", pytrace=False)
        yield VllmServer(
            base_url=f"{root_url}/v1",
            model=model,
            api_key=api_key,
            root_url=root_url,
            log_path=log_path,
            start_seconds=start_seconds,
        )
    finally:
        stop(process)
