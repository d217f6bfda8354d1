from django.db import models


class Lease(models.Model):
    """One holder at a time for a named piece of work, until `expires_at` (database time).

    A row, not a session's lock: it outlives a database restart and a connection that was cut
    without a goodbye (a host that lost power), and lapses by itself when its holder stops
    renewing it. leases.services is the only writer.
    """

    name = models.CharField(max_length=200, primary_key=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} (held by {self.holder} until {self.expires_at:%H:%M:%S})"
