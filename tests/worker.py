"""A real Celery worker process against the real Redis and the test database, for tests of
the queue itself (use with django_db(transaction=True): the worker sees committed rows only)."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def queue(settings):
    # A queue of our own, so no other worker sharing this Redis takes our tasks.
    settings.TRIAGE_TASK_QUEUE = f"triage-test-{uuid.uuid4().hex[:8]}"
    yield settings.TRIAGE_TASK_QUEUE
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(settings.TRIAGE_TASK_QUEUE)
    client.close()


class Worker:
    """A worker on `queue`; with beat=True it also runs the periodic sweep (sent to `queue`)."""

    def __init__(self, queue: str, *, beat: bool = False, **env):
        database = connection.settings_dict
        passed = {
            "DATABASE_URL": f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "TRIAGE_TASK_QUEUE": queue,
            **{key: str(value) for key, value in env.items()},
        }
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
                self.queue,
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
