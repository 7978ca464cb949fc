"""In-memory rate limits of the public quick-report form: token buckets keyed by a string.

One ``Bucket`` per (limit, key): ``capacity`` requests at once, refilled at ``capacity /
period`` per second. A refusal says how many seconds until one request fits again, which the
form answers as ``429`` with ``Retry-After``. Memory is bounded: at most ``max_keys`` keys per
limit, the least recently used forgotten first (a forgotten key starts full again, which errs
towards letting a request through, never towards refusing one wrongly).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


@dataclasses.dataclass(frozen=True, slots=True)
class Rate:
    """``capacity`` requests per ``period`` seconds (0 capacity: no limit)."""

    capacity: int
    period: float


class RateLimiter:
    """Token buckets for one kind of key (client address, email, target site)."""

    def __init__(self, name: str, rate: Rate, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        tokens, when = self._buckets.get(key, (float(self.rate.capacity), now))
        refill = (now - when) * self.rate.capacity / self.rate.period
        return min(float(self.rate.capacity), tokens + refill)

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may make a request (0: it may now); takes nothing."""
        if self.rate.capacity <= 0:
            return 0
        with self._lock:
            missing = 1.0 - self._level(key, self._clock())
        if missing <= 0:
            return 0
        return max(1, math.ceil(missing * self.rate.period / self.rate.capacity))

    def take(self, key: str) -> None:
        """Spend one request of ``key``'s bucket (call after every check passed)."""
        if self.rate.capacity <= 0:
            return
        with self._lock:
            now = self._clock()
            level = self._level(key, now)
            self._buckets[key] = (max(0.0, level - 1.0), now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)


# Checking every bucket and taking from each is one step: two requests handled at once (the
# form runs in FastAPI's thread pool) could otherwise both see the last token and both take it.
_CHECK = threading.Lock()


def check_all(limits: list[tuple[RateLimiter, str]]) -> tuple[str, int] | None:
    """The limit a request exceeds with the longest wait (seconds), or None; when none is
    exceeded, one request is taken from every bucket (all or nothing, atomically)."""
    with _CHECK:
        worst: tuple[str, int] | None = None
        for limiter, key in limits:
            wait = limiter.retry_after(key)
            if wait and (worst is None or wait > worst[1]):
                worst = (limiter.name, wait)
        if worst is None:
            for limiter, key in limits:
                limiter.take(key)
        return worst
