"""Rate limits per council API key, counted in Redis (Django's cache).

Two limits: every call a key makes (API_THROTTLE_RATE), and document uploads on their own
(API_UPLOAD_THROTTLE_RATE), since each upload costs reading, OCR and a triage run. They are
per key, not per address: a council's integration may sit behind one gateway with others,
and one key's runaway loop must not take another's share.

DRF's SimpleRateThrottle keeps a list of timestamps that each request reads and writes
back, so parallel requests from one key overwrite each other's entries and slip past the
limit. Here each request is one atomic INCR on a counter for the current window, and the
previous window's count is weighted by how much of it still falls within the last
`duration` seconds (a sliding window approximated by two counters): no burst of twice the
rate at a window's edge, and no lost updates.

If Redis does not answer, requests are let through and the failure logged: the limits
protect the service, they are not a reason for it to fail.
"""

import logging
import math

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from planning.api.authentication import CouncilSystem

logger = logging.getLogger(__name__)


class CouncilKeyThrottle(SimpleRateThrottle):
    """Every request made with one council API key."""

    scope = "council-key"
    rate_setting = "API_THROTTLE_RATE"
    what = "requests"

    def get_rate(self) -> str:
        # Read when the throttle is made, so a changed setting applies (DRF's own reading of
        # DEFAULT_THROTTLE_RATES is fixed when the module is imported).
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.user, CouncilSystem):
            return None  # not a key: authentication or permissions answer first
        return self.cache_format % {"scope": self.scope, "ident": request.user.key.pk}

    def allow_request(self, request, view) -> bool:
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window, elapsed = divmod(now, self.duration)
        current = f"{self.key}:{int(window)}"
        try:
            # The counter lives through the next window too, where it is the previous one.
            self.cache.add(current, 0, timeout=2 * self.duration)
            count = self.cache.incr(current)
            previous = self.cache.get(f"{self.key}:{int(window) - 1}", 0)
            weight = (self.duration - elapsed) / self.duration
            if count + previous * weight <= self.num_requests:
                return True
            # A refused request does not count: a client that waits as told gets in.
            self.cache.decr(current)
        except (RedisError, ValueError):
            # ValueError: the counter expired between add and incr (a clock at the edge).
            logger.warning("Rate limit not checked for %s: the cache did not answer", self.key)
            return True
        self.accepted, self.previous, self.elapsed = count - 1, previous, elapsed
        return False

    def wait(self) -> float:
        """Seconds until one more request fits, rounded up (at least 1)."""
        left_in_window = self.duration - self.elapsed
        if self.accepted >= self.num_requests:
            # This window is full on its own: wait into the next one until this window's
            # weighted share leaves room for one.
            into_next = self.duration * (1 - (self.num_requests - 1) / self.accepted)
            seconds = left_in_window + into_next
        else:
            # Room in this window once enough of the previous one has slid out.
            room = self.num_requests - self.accepted - 1
            seconds = self.duration * (1 - room / self.previous) - self.elapsed
        return max(1, math.ceil(seconds))

    def describe(self) -> str:
        period = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}[self.duration]
        return f"{self.num_requests} {self.what} a {period}"


class DocumentUploadThrottle(CouncilKeyThrottle):
    """Document uploads (POST) by one council API key, on top of its general limit."""

    scope = "document-upload"
    rate_setting = "API_UPLOAD_THROTTLE_RATE"
    what = "document uploads"

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "POST":
            return None
        return super().get_cache_key(request, view)
