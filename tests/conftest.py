import pytest

from tests.browser import browser  # noqa: F401  (a fixture: the session's Chromium)
from tests.factories import CouncilFactory, UserFactory
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
