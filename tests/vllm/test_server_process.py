"""The wait for the vLLM test server, with small stand-in processes instead of vLLM: it ends when
the server is ready, at once when the process dies, and otherwise only after its limit, saying
what the server was doing. (Not marked `vllm`: nothing here starts vLLM.)"""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.vllm.server_process import ServerNotReady, free_loopback_port, stop, wait_until_ready

# A stand-in server: /health answers `health`, /v1/models answers `models` (a status, or 200
# with the listed model ids); both only once it has "loaded" for `load_seconds`.
STAND_IN = textwrap.dedent(
    """
    import json, sys, time
    from http.server import BaseHTTPRequestHandler, HTTPServer

    port, load_seconds = int(sys.argv[1]), float(sys.argv[2])
    health, models = sys.argv[3], sys.argv[4]
    print("loading the model", flush=True)
    time.sleep(load_seconds)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/health":
                self.send_response(int(health))
                self.end_headers()
            elif self.path == "/v1/models":
                status = 200 if models.startswith("list:") else int(models)
                body = json.dumps({"data": [{"id": name} for name in models[5:].split(",")]})
                self.send_response(status)
                self.end_headers()
                self.wfile.write(body.encode())

    print("serving", flush=True)
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()
    """
)


def start(log_path: Path, *argv: str) -> subprocess.Popen:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, *argv],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_stand_in(tmp_path, *, load_seconds=0.0, health="200", models="list:tiny"):
    port = free_loopback_port()
    log_path = tmp_path / "server.log"
    process = start(log_path, "-c", STAND_IN, str(port), str(load_seconds), health, models)
    return process, f"http://127.0.0.1:{port}", log_path


def wait(process, root_url, log_path, timeout):
    return wait_until_ready(
        process,
        root_url,
        model="tiny",
        api_key="key",
        log_path=log_path,
        timeout=timeout,
        poll_seconds=0.2,
    )


def test_it_returns_once_the_server_serves_the_model(tmp_path):
    process, root_url, log_path = start_stand_in(tmp_path, load_seconds=1)
    try:
        waited = wait(process, root_url, log_path, timeout=60)
    finally:
        stop(process)

    assert waited >= 1


def test_it_gives_up_after_its_limit_saying_what_the_server_was_doing(tmp_path):
    log_path = tmp_path / "server.log"
    script = "import time; print('loading weights 1/3', flush=True); time.sleep(120)"
    process = start(log_path, "-c", script)
    try:
        with pytest.raises(ServerNotReady) as raised:
            wait(process, "http://127.0.0.1:9", log_path, timeout=1.5)
    finally:
        stop(process)

    message = str(raised.value)
    assert "not ready after" in message
    assert "limit 2 s" in message
    assert "/health not answering" in message
    assert f"alive (pid {process.pid}" in message
    assert message.endswith("loading weights 1/3")


def test_it_fails_at_once_when_the_process_dies(tmp_path):
    log_path = tmp_path / "server.log"
    script = "import sys; print('RuntimeError: no usable CPU backend', flush=True); sys.exit(3)"
    process = start(log_path, "-c", script)
    started = time.monotonic()
    try:
        with pytest.raises(ServerNotReady) as raised:
            wait(process, "http://127.0.0.1:9", log_path, timeout=600)
    finally:
        stop(process)

    assert time.monotonic() - started < 60
    assert "exited with 3" in str(raised.value)
    assert "no usable CPU backend" in str(raised.value)


def test_it_waits_for_the_models_route_after_health(tmp_path):
    process, root_url, log_path = start_stand_in(tmp_path, models="503")
    try:
        with pytest.raises(ServerNotReady) as raised:
            wait(process, root_url, log_path, timeout=1.5)
    finally:
        stop(process)

    assert "/health ok, /v1/models 503" in str(raised.value)


def test_it_fails_at_once_when_the_server_lists_another_model(tmp_path):
    process, root_url, log_path = start_stand_in(tmp_path, models="list:other")
    try:
        with pytest.raises(ServerNotReady) as raised:
            wait(process, root_url, log_path, timeout=600)
    finally:
        stop(process)

    assert "does not serve 'tiny'" in str(raised.value)
    assert "['other']" in str(raised.value)


# serve.sh's arguments as vLLM's parser reads them: --api-key takes one or more values, so a
# key written as a separate word that begins with "-" would be taken for the next flag.
RECORDING_PYTHON = textwrap.dedent(
    """\
    #!{python}
    import argparse, json, sys
    parser = argparse.ArgumentParser()
    parser.add_argument("-m")
    parser.add_argument("--api-key", nargs="+")
    parser.add_argument("--port")
    known, _ = parser.parse_known_args()
    print(json.dumps({{"api_key": known.api_key, "port": known.port}}))
    """
)


@pytest.mark.parametrize("key", ["plainKey123", "-startsWithDash", "--double_dash"])
def test_serve_sh_passes_any_generated_key_to_the_server_intact(tmp_path, key):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(RECORDING_PYTHON.format(python=sys.executable))
    python.chmod(0o755)
    serve = (
        Path(__file__).resolve().parents[2] / "deploy" / "model-server" / "cpu-test" / "serve.sh"
    )

    result = subprocess.run(
        [str(serve), "8123", key, "tiny"],
        env={"PATH": "/usr/bin:/bin", "VLLM_VENV": str(venv), "VLLM_CACHE_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert '"api_key": ["' + key + '"]' in result.stdout
    assert '"port": "8123"' in result.stdout
