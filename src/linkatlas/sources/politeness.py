"""Per-host politeness: when may the next request to a host start (O(log n) per request).

Every request (pages, redirect hops, robots.txt, sitemaps, retries) goes through one
``HostScheduler``. A host is *ready* when fewer than ``per_host`` requests to it are in flight
and its ``next_start`` has passed: ``delay`` after the previous request started and after the
previous response ended (or a longer back-off after a 429/503). Ready times sit in
a heap keyed by host; stale heap entries are re-checked when popped, so each request costs a
couple of heap operations. Times are ``time.monotonic()``; ``restore`` takes wall-clock times
persisted by a previous run so politeness holds right after a restart.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

J = TypeVar("J")


@dataclass(slots=True)
class HostState(Generic[J]):
    """One host's queue of jobs, in-flight count and timing."""

    delay: float
    next_start: float = 0.0
    in_flight: int = 0
    queued: bool = False  # an entry for this host is in the ready heap
    jobs: deque[J] = field(default_factory=deque)


class HostScheduler(Generic[J]):
    """Jobs queued per host; ``pop_ready`` hands out the next job whose host may be asked now."""

    def __init__(self, min_delay: float, per_host: int) -> None:
        self.min_delay = min_delay
        self.per_host = max(1, per_host)
        self.hosts: dict[str, HostState[J]] = {}
        self._heap: list[tuple[float, str]] = []
        self._jobs = 0

    def state(self, host: str) -> HostState[J]:
        """The state of ``host`` (created with the default delay)."""
        st = self.hosts.get(host)
        if st is None:
            st = self.hosts[host] = HostState(self.min_delay)
        return st

    def restore(self, not_before: Mapping[str, float]) -> None:
        """Apply a previous run's earliest next start per host (``time.time()``, the delay that
        host had, robots Crawl-delay included, already added)."""
        offset = time.time() - time.monotonic()
        for host, when in not_before.items():
            st = self.state(host)
            st.next_start = max(st.next_start, when - offset)

    def set_delay(self, host: str, delay: float) -> None:
        """Use ``delay`` (never below the minimum) between request starts to ``host``."""
        st = self.state(host)
        new = max(self.min_delay, delay)
        st.next_start += new - st.delay if st.in_flight or st.next_start else 0.0
        st.delay = new

    def push(self, host: str, job: J, *, first: bool = False) -> None:
        """Queue ``job`` for ``host`` (at the front with ``first``)."""
        st = self.state(host)
        if first:
            st.jobs.appendleft(job)
        else:
            st.jobs.append(job)
        self._jobs += 1
        self._wake(host, st)

    def _wake(self, host: str, st: HostState[J]) -> None:
        if not st.queued and st.jobs and st.in_flight < self.per_host:
            st.queued = True
            heapq.heappush(self._heap, (st.next_start, host))

    def pop_ready(self, now: float) -> tuple[str, J] | None:
        """The next (host, job) that may start at ``now``, marked started; None if none."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, host = heapq.heappop(heap)
            st = self.hosts[host]
            st.queued = False
            if not st.jobs or st.in_flight >= self.per_host:
                continue
            if st.next_start > now:  # moved by a back-off since it was pushed
                self._wake(host, st)
                continue
            job = st.jobs.popleft()
            self._jobs -= 1
            st.in_flight += 1
            st.next_start = now + st.delay
            self._wake(host, st)
            return host, job
        return None

    def cancel(self, host: str) -> None:
        """Undo the start of a job that sent no request (robots said no, already parked)."""
        st = self.hosts[host]
        st.in_flight -= 1
        st.next_start -= st.delay
        self._wake(host, st)

    def done(self, host: str, *, backoff: float = 0.0, now: float | None = None) -> None:
        """A request to ``host`` ended; ``backoff`` seconds from now before the next one."""
        st = self.hosts[host]
        st.in_flight -= 1
        end = time.monotonic() if now is None else now
        # The delay also runs from the end of the response: the server then sees at least
        # ``delay`` between two arrivals even when the first one waited for a new connection.
        st.next_start = max(st.next_start, end + max(st.delay, backoff))
        self._wake(host, st)

    def next_time(self) -> float | None:
        """When the earliest queued host becomes ready (monotonic), or None."""
        return self._heap[0][0] if self._heap else None

    def queued_jobs(self) -> int:
        """Jobs waiting in all host queues."""
        return self._jobs

    def queued_for(self, host: str) -> int:
        """Jobs waiting for ``host``."""
        st = self.hosts.get(host)
        return len(st.jobs) if st else 0

    def drain(self) -> list[J]:
        """Remove and return every queued job (at the end of a run)."""
        out: list[J] = []
        for st in self.hosts.values():
            out.extend(st.jobs)
            st.jobs.clear()
            st.queued = False
        self._heap.clear()
        self._jobs = 0
        return out
