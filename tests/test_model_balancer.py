"""deploy/production/model-servers/nginx-models.conf, run for real: nginx in front of two
model servers (the fake OpenAI-compatible server standing in for vLLM hosts) spreads the model
client's requests over both, sends every request to the one left when the other is down, and
never sends a request that reached a host to the other one (each costs GPU minutes)."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.triage.fake_model_server import NO_FINDINGS, FakeModelServer
from triage.llm_client import LLMClient

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "production" / "model-servers" / "nginx-models.conf"
SCHEMA = {"type": "object", "properties": {"findings": {"type": "array", "maxItems": 1}}}

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="deploy/local/setup.sh")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_installed_here(hosts: list[FakeModelServer], port: int) -> str:
    """The production file with its two GPU hosts and its address replaced by loopback ones."""
    text = CONFIG.read_text()
    for number, host in enumerate(hosts, start=1):
        address = host.base_url.removeprefix("http://").removesuffix("/v1")
        text = text.replace(f"gpu-{number}.council.internal:8000", address)
    assert "council.internal:8000 " not in text  # every host was replaced
    return text.replace("listen 8000;", f"listen 127.0.0.1:{port};")


@pytest.fixture
def hosts():
    servers = [FakeModelServer(), FakeModelServer()]
    for server in servers:
        server.responder = lambda body: ("json", NO_FINDINGS)
        server.__enter__()
    yield servers
    for server in servers:
        with contextlib.suppress(OSError):  # one the test stopped already
            server.__exit__(None, None, None)


@pytest.fixture
def balancer(hosts, tmp_path):
    port = free_port()
    (tmp_path / "models.conf").write_text(as_installed_here(hosts, port))
    (tmp_path / "nginx.conf").write_text(
        # As root, nginx's workers would otherwise run as nobody, who cannot enter tmp_path.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/models.conf;
}}
"""
    )
    command = ["nginx", "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
    command += ["-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {process.stderr.read()}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def ask(client: LLMClient):
    return client.complete_json(system="system", user="text", schema_name="t", schema=SCHEMA)


def client_for(url: str) -> LLMClient:
    return LLMClient(base_url=url, model="fake-model", retries=0, timeout_seconds=10)


def test_requests_are_spread_over_both_hosts(hosts, balancer):
    client = client_for(balancer)
    for _ in range(8):
        assert ask(client).data == NO_FINDINGS

    answered = [len(host.requests) for host in hosts]
    assert sum(answered) == 8  # nothing sent twice
    assert min(answered) >= 2, answered


def test_a_host_that_is_down_is_stepped_around(hosts, balancer):
    client = client_for(balancer)
    down, up = hosts
    down.__exit__(None, None, None)  # connections to it are now refused

    for _ in range(6):
        assert ask(client).data == NO_FINDINGS  # with no retry of the client's own

    assert len(up.requests) == 6
    assert len(down.requests) == 0


def test_an_error_from_a_host_is_not_sent_to_the_other(hosts, balancer):
    for host in hosts:
        host.responder = lambda body: ("status", 500)
    request = urllib.request.Request(
        f"{balancer}/chat/completions",
        data=json.dumps({"model": "fake-model", "messages": []}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(request, timeout=10)

    assert answered.value.code == 500  # the host's own answer, passed on
    assert sum(len(host.requests) for host in hosts) == 1
