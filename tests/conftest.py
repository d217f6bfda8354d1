import uuid

import pytest

from tests.browser import browser  # noqa: F401  (a fixture: the session's Chromium)
from tests.factories import CouncilFactory, UserFactory
from tests.object_storage import s3_bucket, s3_server  # noqa: F401  (fixtures: a real S3 server)
from tests.worker import (  # noqa: F401  (fixtures: a Celery queue and a Redis of the test's own)
    private_redis,
    queue,
)


@pytest.fixture
def southwark(db):
    return CouncilFactory(code="E09000028", name="London Borough of Southwark")


@pytest.fixture
def trafford(db):
    return CouncilFactory(code="E08000009", name="Trafford Council")


@pytest.fixture
def officer(southwark):
    return UserFactory(username="alice", council=southwark)


@pytest.fixture(autouse=True)
def cache_of_our_own(settings):
    # The cache (the API's rate-limit counters) is a real Redis shared by every test run on
    # this machine: each test keys its entries under a prefix of its own, so no counter is
    # shared, and nothing needs clearing (entries expire with their windows).
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


# Tests that share one costly server run in the same xdist process (`make test` runs with
# `--dist loadgroup`), so it is started once, not once per process.
SHARED_SERVERS = ("vllm", "multihost")


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in SHARED_SERVERS:
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(marker))
