"""Leases: one holder at a time, lapsing by database time when the holder stops renewing."""

import threading

import pytest
from django.db import connection

from leases import services as leases
from leases.models import Lease
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_claimant_gets_a_free_lease():
    assert leases.acquire("job", "first", 30)
    assert not leases.acquire("job", "second", 30)
    assert leases.acquire("job", "first", 30)  # the holder may take it again


def test_a_lease_that_lapsed_is_taken_by_the_next_claimant():
    assert leases.acquire("job", "dead", 0.2)

    wait_for(lambda: leases.acquire("job", "next", 30), 10, "the lapsed lease was never taken")

    assert not leases.renew("job", "dead", 30)
    assert Lease.objects.get(name="job").holder == "next"


def test_a_released_lease_is_free_at_once():
    assert leases.acquire("job", "first", 30)
    leases.release("job", "first")
    assert leases.acquire("job", "second", 30)


def test_holding_waits_for_the_holder_and_keeps_its_lease_renewed():
    entered = threading.Event()
    leave = threading.Event()
    order = []

    def first():
        with leases.holding("job", 0.6):
            order.append("first in")
            entered.set()
            leave.wait(10)
            order.append("first out")
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    entered.wait(10)
    # Several lease lengths pass: renewals keep the holder in.
    waiting = threading.Thread(target=lambda: (_second(order), connection.close()))
    waiting.start()
    wait_for(lambda: Lease.objects.filter(name="job").count() == 1, 5, "no lease row")
    expiry = Lease.objects.get(name="job").expires_at
    wait_for(
        lambda: Lease.objects.get(name="job").expires_at > expiry, 5, "the lease was not renewed"
    )
    assert order == ["first in"]
    leave.set()
    thread.join(10)
    waiting.join(10)
    assert order == ["first in", "first out", "second in"]


def _second(order):
    with leases.holding("job", 0.6, poll_seconds=0.05):
        order.append("second in")


def test_a_holder_that_lost_its_lease_is_told_so():
    with leases.holding("job", 30) as held:
        Lease.objects.filter(name="job").update(holder="someone else")
        assert not held.still_held(30)
