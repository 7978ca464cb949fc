"""A small cache of verb results, dropped whenever a job may have changed the index.

Every job runs in this process (``web.jobs``), so the queue's ``generation`` (bumped after each
job) says exactly when cached rows may be stale; nothing else writes while the server owns the
file. Paging or re-sorting a big table then costs a Python sort, not a new scan of the index.
Entries are bounded in number (``size``) and in records (``max_rows``, counting each entry's
``weight``): 420,000 backlinks held as records take about 0.6 GB, so a few big targets are all
a cache should keep.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ResultCache:
    """Least-recently-used results keyed by (key, generation); thread-safe."""

    def __init__(self, size: int = 16, max_rows: int = 1_000_000) -> None:
        self.size = size
        self.max_rows = max_rows
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self._generation = -1
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, generation: int | None, compute: Callable[[], T],
            weight: Callable[[T], int] = lambda _v: 1) -> T:
        """The cached result of ``compute`` for ``key``, computed afresh after a job ran;
        ``generation`` None (a job is writing right now) computes without caching. ``weight``
        says how many records a result holds (for ``max_rows``)."""
        if generation is None:
            return compute()
        with self._lock:
            if generation != self._generation:
                self._items.clear()
                self._weights.clear()
                self._generation = generation
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                found: T = self._items[key]
                return found
            self.misses += 1
        value = compute()  # outside the lock: two first views may both compute, none waits
        with self._lock:
            if generation == self._generation:
                self._items[key] = value
                self._weights[key] = max(1, weight(value))
                while len(self._items) > 1 and (len(self._items) > self.size or sum(
                        self._weights.values()) > self.max_rows):
                    old, _ = self._items.popitem(last=False)
                    del self._weights[old]
        return value


def cached(state: Any, key: Hashable, compute: Callable[[], T],
           weight: Callable[[T], int] = lambda _v: 1) -> T:
    """``compute()`` through the app's cache (``app.state``: ``cache`` and ``jobs``)."""
    cache: ResultCache = state.cache
    return cache.get(key, state.jobs.generation, compute, weight)
