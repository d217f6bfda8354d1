"""A real Celery worker process against the real Redis and the test database, for tests of
the queue itself (use with django_db(transaction=True): the worker sees committed rows only).

`private_redis` gives a test a Redis server of its own, which it may stop and start again to
see what an outage of the broker does; workers and this process send to it for that test.
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def queue(settings):
    # A queue of our own, so no other worker sharing this Redis takes our tasks.
    settings.TRIAGE_TASK_QUEUE = f"triage-test-{uuid.uuid4().hex[:8]}"
    settings.TRIAGE_RECOVERY_QUEUE = settings.TRIAGE_TASK_QUEUE
    yield settings.TRIAGE_TASK_QUEUE
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(settings.TRIAGE_TASK_QUEUE, f"{settings.TRIAGE_TASK_QUEUE}-recovery")
    client.close()


PR_SET_PDEATHSIG = 1


def _end_with_this_process() -> None:
    """Run in the child before it starts: the kernel stops it if the test process dies (a
    test run interrupted), so no worker outlives its tests."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Worker:
    """A worker on `queue`; with beat=True it also runs the periodic sweep (sent to `queue`).
    `redis_url` is its broker (the shared test Redis unless a test brings its own)."""

    def __init__(
        self,
        queue: str,
        *,
        beat: bool = False,
        redis_url: str | None = None,
        consume: list[str] | None = None,
        **env,
    ):
        database = connection.settings_dict
        passed = {
            "DATABASE_URL": f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}",
            "REDIS_URL": redis_url or settings.REDIS_URL,
            "TRIAGE_TASK_QUEUE": queue,
            # Recovery in the same queue unless a test gives it a lane (and a worker) of its own.
            "TRIAGE_RECOVERY_QUEUE": queue,
            **{key: str(value) for key, value in env.items()},
        }
        self.consume = consume or [queue]
        self.env = {
            **os.environ,
            **passed,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            # The test settings ignore the environment but for what is named here.
            "TRIAGE_TEST_SETTINGS_FROM_ENV": ",".join(passed),
        }
        self.queue = queue
        self.beat = beat
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                ",".join(self.consume),
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
                *(
                    ["--beat", f"--schedule={tempfile.mkdtemp(prefix='beat-')}/schedule"]
                    if self.beat
                    else []
                ),
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            preexec_fn=_end_with_this_process,
        )
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(message)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server (the one deploy/local/services.sh starts) on a free loopback port.

    It keeps nothing on disk, so `stop` then `start` is a broker restart that loses every
    message it held, queued or unacknowledged: the worst case for the runs in flight.
    """

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (deploy/local/setup.sh installs it)")
        self.binary = binary
        self.directory = directory
        self.port = _free_loopback_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_for(self.answers, 30, f"the private Redis did not start on port {self.port}")
        return self

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def clients(self) -> int:
        """Connections from others (a worker, this process's sender), this probe's excluded."""
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return len(client.client_list()) - 1
        except redis.RedisError:
            return 0
        finally:
            client.close()

    def stop(self) -> None:
        """Gone at once, as in a crash: nothing is saved, every connection is cut."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def _send_tasks_to(url: str) -> None:
    """Make this process's Celery app publish to `url`. Kombu keeps one pool per broker for the
    whole process: the app drops its references and finds (or makes) the pool for `url`."""
    app = current_app
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of this test's own, started; this process sends tasks to it until the end."""
    server = PrivateRedis(tmp_path).start()
    shared = current_app.conf.broker_url
    _send_tasks_to(server.url)
    try:
        yield server
    finally:
        private_pool = current_app._pool
        _send_tasks_to(shared)
        if private_pool is not None:
            private_pool.force_close_all()
        server.stop()
