"""Leases: one holder for a named piece of work, across hosts and database restarts.

`acquire` takes a lease that is free or has lapsed, in one statement whose result decides
(so two claimants never both win); `renew` extends it only while the same holder has it;
`release` gives it up. Times are the database's (`now()`), so hosts whose clocks disagree
still agree on when a lease lapses. `holding` keeps a lease renewed from a thread while a
block runs, and tells the block whether it still has it at the end.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from django.db import DatabaseError, connection

from leases.models import Lease

logger = logging.getLogger(__name__)

_TABLE = Lease._meta.db_table


def new_holder() -> str:
    """A name for one claimant: this host and process, and which claim of theirs."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def acquire(name: str, holder: str, seconds: float) -> bool:
    """Take the lease `name` for `seconds` if no one holds it (or their lease has lapsed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_TABLE} (name, holder, expires_at)
            VALUES (%s, %s, now() + make_interval(secs => %s))
            ON CONFLICT (name) DO UPDATE
               SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
             WHERE {_TABLE}.expires_at < now() OR {_TABLE}.holder = EXCLUDED.holder
            RETURNING holder
            """,
            [name, holder, seconds],
        )
        return cursor.fetchone() is not None


def renew(name: str, holder: str, seconds: float) -> bool:
    """Extend the lease if `holder` still has it; False once it lapsed and another took it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET expires_at = now() + make_interval(secs => %s) "
            "WHERE name = %s AND holder = %s",
            [seconds, name, holder],
        )
        return cursor.rowcount == 1


def release(name: str, holder: str) -> None:
    Lease.objects.filter(name=name, holder=holder).delete()


@dataclass
class Held:
    name: str
    holder: str
    lost: threading.Event = field(default_factory=threading.Event)

    def still_held(self, seconds: float) -> bool:
        """Renew now and say whether this holder still has the lease (call it inside the
        transaction that writes the result, so a holder that lost the lease writes nothing)."""
        return not self.lost.is_set() and renew(self.name, self.holder, seconds)


@contextmanager
def holding(name: str, seconds: float, *, poll_seconds: float = 0.5) -> Iterator[Held]:
    """Wait for the lease `name`, then hold it, renewed every third of `seconds` by a thread
    (with its own database connection, reconnecting after a restart), until the block ends.

    A holder that dies stops renewing: the lease lapses `seconds` later and a waiter takes
    it. A database outage shorter than about two thirds of `seconds` loses nothing.
    """
    held = Held(name, new_holder())
    while not acquire(name, held.holder, seconds):
        time.sleep(poll_seconds)
    stop = threading.Event()

    def keep() -> None:
        try:
            while not stop.wait(seconds / 3):
                try:
                    if not renew(name, held.holder, seconds):
                        held.lost.set()
                        logger.warning("lease %s lapsed and was taken by another", name)
                        return
                except DatabaseError as error:
                    logger.warning("could not renew lease %s yet: %s", name, error)
                    with suppress(DatabaseError):
                        connection.close()
        finally:
            connection.close()

    keeper = threading.Thread(target=keep, name=f"lease-{name}", daemon=True)
    keeper.start()
    try:
        yield held
    finally:
        stop.set()
        keeper.join(timeout=seconds)
        try:
            release(name, held.holder)
        except DatabaseError as error:  # it lapses by itself
            logger.warning("could not release lease %s: %s", name, error)
