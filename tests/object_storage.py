"""A real S3-compatible server process for the tests (moto's server mode,
docs/decisions/0017), and a bucket of each test's own on it.

The server starts once per test session on a free loopback port; each test that asks for
`s3_bucket` gets a new bucket and this process's document storage pointed at it (and can hand
the same settings to a worker it starts: `s3_bucket.environment`).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config

from tests.worker import _end_with_this_process

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "eu-west-2"


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_s3_server(host: str, port: int, *, prefix: list[str] | None = None) -> subprocess.Popen:
    """moto's S3 server on host:port (`prefix` runs it through another command, such as
    `ip netns exec NAME`). Its log goes to this process's stderr only on failure."""
    return subprocess.Popen(
        [*(prefix or []), sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_end_with_this_process,
    )


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}),
    )


def wait_for_s3(endpoint: str, process: subprocess.Popen, timeout: float = 60) -> None:
    client = s3_client(endpoint)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the S3 server at {endpoint} exited with status {process.returncode}")
        try:
            client.list_buckets()
            return
        except Exception:  # not listening yet
            time.sleep(0.2)
    pytest.fail(f"the S3 server at {endpoint} did not answer within {timeout} s")


def storage_environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The settings (config.document_storage) that put documents in `bucket`."""
    return {
        "DOCUMENT_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_REGION": REGION,
    }


@dataclass
class Bucket:
    name: str
    endpoint: str

    @property
    def environment(self) -> dict[str, str]:
        return storage_environment(self.endpoint, self.name)

    def keys(self) -> list[str]:
        listed = s3_client(self.endpoint).list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return s3_client(self.endpoint).get_object(Bucket=self.name, Key=key)["Body"].read()

    def write(self, key: str, data: bytes) -> None:
        s3_client(self.endpoint).put_object(Bucket=self.name, Key=key, Body=data)

    def delete(self, key: str) -> None:
        s3_client(self.endpoint).delete_object(Bucket=self.name, Key=key)


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a moto S3 server for this session."""
    port = _free_loopback_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = start_s3_server("127.0.0.1", port)
    try:
        wait_for_s3(endpoint, process)
        yield endpoint
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)


@pytest.fixture
def s3_bucket(s3_server, settings):
    """A new bucket, and this process's document storage in it for the test."""
    from config.document_storage import document_storage
    from config.env import reading_only

    bucket = Bucket(f"test-{uuid.uuid4().hex[:12]}", s3_server)
    s3_client(s3_server).create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    with reading_only(bucket.environment):
        storage = document_storage()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return bucket
