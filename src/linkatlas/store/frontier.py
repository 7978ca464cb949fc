"""The durable crawl frontier: queued, in-flight and finished URLs of a named crawl.

The crawler (``sources.crawler``) sees it through a structural protocol; this class keeps its
state in the index file. Durability rule: a fetched page's outcome, the URLs it discovered and
its extracted pages and links are committed in ONE transaction (``flush``). A ``kill -9``
therefore loses only work since the last flush; those URLs are still ``inflight`` in the file,
and ``requeue_inflight`` puts them back at the next start: no URL is lost, and only pages that
were in flight (fetched but not yet committed) are fetched twice.

Flushes happen when ``stage``/``finish`` buffers pass a size, when ``claim`` runs dry while
discovered URLs wait in the buffer, after ``flush_seconds``, and on ``close``.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from linkatlas.model import FetchOutcome, FrontierEntry, Link, Page
from linkatlas.store.arrow import links_to_arrow, pages_to_arrow

if TYPE_CHECKING:
    from linkatlas.store.index import Index

# A killed crawler's successor needs about this long to start; host times further ahead than
# this (long Crawl-delays) are written at once rather than at the next flush.
RESTART_GAP = 0.5

_ENTRY_SCHEMA = pa.schema([
    ("url", pa.string()), ("host", pa.string()), ("depth", pa.int32()), ("parent", pa.string()),
    ("ord", pa.int64()),
])


class StoredFrontier:
    """The frontier of one named crawl, kept in the index and flushed in batches."""

    def __init__(self, index: Index, crawl: str, *, flush_links: int = 20_000,
                 flush_pages: int = 500, flush_seconds: float = 2.0) -> None:
        self.index = index
        self.crawl = crawl
        self.flush_links = flush_links
        self.flush_pages = flush_pages
        self.flush_seconds = flush_seconds
        self._adds: dict[str, FrontierEntry] = {}
        self._outcomes: list[FetchOutcome] = []
        self._hosts: dict[str, float] = {}
        self._pages: list[Page] = []
        self._links: list[Link] = []
        self._last_flush = time.monotonic()
        con = index._con
        row = con.execute("SELECT coalesce(max(ord), 0) FROM frontier WHERE crawl = ?",
                          [crawl]).fetchone()
        self._order = int(row[0]) if row else 0

    # -- the crawler's protocol -------------------------------------------------------------

    def add(self, entries: Sequence[FrontierEntry]) -> int:
        """Buffer URLs for the frontier; returns how many are new to the buffer."""
        new = 0
        for entry in entries:
            if entry.url not in self._adds:
                self._order += 1
                self._adds[entry.url] = FrontierEntry(entry.url, entry.host, entry.depth,
                                                      entry.parent, self._order)
                new += 1
        return new

    def claim(self, limit: int, *, exclude_hosts: Collection[str] = (),
              per_host: int = 0) -> list[FrontierEntry]:
        """Queued URLs, lowest (depth, order) first, at most ``per_host`` per host (0: no cap),
        marked in flight; flushes when needed."""
        if self._adds and (self._due() or not self._has_queued()):
            self.flush()
        excluded = list(exclude_hosts)
        con = self.index._con
        with self.index._transaction("claim frontier URLs"):
            cap = (" QUALIFY row_number() OVER (PARTITION BY host ORDER BY depth, ord) <= "
                   f"{int(per_host)}") if per_host > 0 else ""
            rows = con.execute(
                "SELECT url, host, depth, parent, ord FROM frontier WHERE crawl = ? "
                f"AND state = 'queued' AND NOT list_contains(?, host){cap} "
                "ORDER BY depth, ord LIMIT ?", [self.crawl, excluded, limit]).fetchall()
            if rows:
                con.execute(
                    "UPDATE frontier SET state = 'inflight', updated_at = now() "
                    "WHERE crawl = ? AND list_contains(?, url)", [self.crawl, [r[0] for r in rows]])
        return [FrontierEntry(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def finish(self, outcomes: Sequence[FetchOutcome]) -> None:
        """Buffer what became of fetched URLs (committed with their pages at the next flush)."""
        self._outcomes.extend(outcomes)
        self._maybe_flush()

    def requeue_inflight(self) -> int:
        """Put back in the queue what a killed run had in flight; returns how many."""
        con = self.index._con
        with self.index._transaction("requeue frontier URLs"):
            row = con.execute("SELECT count(*) FROM frontier WHERE crawl = ? AND state = "
                              "'inflight'", [self.crawl]).fetchone()
            con.execute("UPDATE frontier SET state = 'queued' WHERE crawl = ? AND state = "
                        "'inflight'", [self.crawl])
        return int(row[0]) if row else 0

    def host_times(self) -> dict[str, float]:
        """Per host, the earliest time (time.time()) of its next request, for politeness on
        restart."""
        rows = self.index._con.execute(
            "SELECT host, last_fetch FROM crawl_hosts WHERE crawl = ?", [self.crawl]).fetchall()
        out = {r[0]: float(r[1]) for r in rows}
        out.update(self._hosts)
        return out

    def record_host_time(self, host: str, when: float) -> None:
        """Remember when the next request to a host may start (persisted at the next flush;
        at once when that is far enough ahead that a quick restart could otherwise beat it)."""
        self._hosts[host] = max(when, self._hosts.get(host, 0.0))
        if when - time.time() > RESTART_GAP:
            self.index._con.execute(
                "INSERT OR REPLACE INTO crawl_hosts VALUES (?, ?, ?)", [self.crawl, host, when])

    def pending(self) -> int:
        """Queued URLs, committed and buffered."""
        row = self.index._con.execute(
            "SELECT count(*) FROM frontier WHERE crawl = ? AND state = 'queued'",
            [self.crawl]).fetchone()
        return (int(row[0]) if row else 0) + len(self._adds)

    # -- what the caller adds ---------------------------------------------------------------

    def stage(self, pages: Sequence[Page], links: Sequence[Link]) -> None:
        """Buffer extracted pages and links, committed with the frontier at the next flush."""
        self._pages.extend(pages)
        self._links.extend(links)
        self._maybe_flush()

    def counts(self) -> dict[str, int]:
        """URLs of this crawl by state (committed)."""
        rows = self.index._con.execute(
            "SELECT state, count(*) FROM frontier WHERE crawl = ? GROUP BY state",
            [self.crawl]).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def close(self) -> None:
        """Commit everything buffered."""
        self.flush()

    # -- flushing ---------------------------------------------------------------------------

    def _due(self) -> bool:
        return time.monotonic() - self._last_flush >= self.flush_seconds

    def _has_queued(self) -> bool:
        row = self.index._con.execute(
            "SELECT 1 FROM frontier WHERE crawl = ? AND state = 'queued' LIMIT 1",
            [self.crawl]).fetchone()
        return row is not None

    def _maybe_flush(self) -> None:
        if (len(self._links) >= self.flush_links or len(self._pages) >= self.flush_pages
                or self._due()):
            self.flush()

    def flush(self) -> None:
        """Commit buffered pages, links, discovered URLs, outcomes and host times at once."""
        self._last_flush = time.monotonic()
        if not (self._adds or self._outcomes or self._hosts or self._pages or self._links):
            return
        con = self.index._con
        entries = list(self._adds.values())
        with self.index._transaction("write crawl results"):
            self.index._merge_arrow(
                pages_to_arrow(self._pages) if self._pages else None,
                links_to_arrow(self._links) if self._links else None,
            )
            if entries:
                batch = pa.table(
                    [[e.url for e in entries], [e.host for e in entries],
                     [e.depth for e in entries], [e.parent for e in entries],
                     [e.order for e in entries]], schema=_ENTRY_SCHEMA)
                con.register("_frontier_batch", batch)
                con.execute(
                    "INSERT INTO frontier SELECT ?, b.url, b.host, b.depth, b.parent, b.ord, "
                    "'queued', 0, '', now() FROM _frontier_batch b WHERE NOT EXISTS (SELECT 1 "
                    "FROM frontier f WHERE f.crawl = ? AND f.url = b.url)",
                    [self.crawl, self.crawl])
                con.unregister("_frontier_batch")
            if self._outcomes:
                last = list({o.url: o for o in self._outcomes}.values())  # one row per URL
                outcome_table = pa.table({
                    "url": [o.url for o in last],
                    "state": [o.state for o in last],
                    "status": pa.array([o.status for o in last], pa.int32()),
                    "reason": [o.reason[:500] for o in last],
                })
                con.register("_frontier_done", outcome_table)
                con.execute(
                    "UPDATE frontier f SET state = d.state, status = d.status, reason = d.reason, "
                    "updated_at = now() FROM _frontier_done d WHERE f.crawl = ? AND f.url = d.url",
                    [self.crawl])
                con.unregister("_frontier_done")
            if self._hosts:
                con.executemany(
                    "INSERT OR REPLACE INTO crawl_hosts VALUES (?, ?, ?)",
                    [[self.crawl, host, when] for host, when in self._hosts.items()])
        self._adds.clear()
        self._outcomes.clear()
        self._hosts.clear()
        self._pages.clear()
        self._links.clear()
