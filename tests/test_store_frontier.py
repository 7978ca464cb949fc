"""The durable crawl frontier: order, claims, outcomes, and what survives a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from linkatlas.extract import make_link
from linkatlas.model import FetchOutcome, FrontierEntry, Page
from linkatlas.store import Index


def entry(url: str, depth: int = 0) -> FrontierEntry:
    return FrontierEntry(url=url, host=url.split("/")[2], depth=depth)


def page(url: str) -> Page:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return Page(url=url, final_url=url, host=url.split("/")[2], domain="a.example", status=200,
                fetched_at=now)


def test_claims_follow_depth_then_discovery_order(tmp_path: Path) -> None:
    with Index(tmp_path / "f.duckdb") as index:
        front = index.frontier("t")
        assert front.add([entry("https://a.example/2", 1), entry("https://a.example/1", 0),
                          entry("https://b.example/x", 1), entry("https://a.example/1", 0)]) == 3
        assert front.pending() == 3
        first = front.claim(2)
        assert [e.url for e in first] == ["https://a.example/1", "https://a.example/2"]
        assert [e.url for e in front.claim(5, exclude_hosts={"b.example"})] == []
        assert [e.url for e in front.claim(5)] == ["https://b.example/x"]
        front.finish([FetchOutcome("https://a.example/1", "done", 200)])
        front.close()
        assert front.counts() == {"done": 1, "inflight": 2}
        # a URL already known is not queued again, whatever its state
        front.add([entry("https://a.example/1")])
        front.flush()
        assert front.counts() == {"done": 1, "inflight": 2}


def test_uncommitted_work_is_redone_after_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    with Index(db) as index:
        front = index.frontier("t")
        front.add([entry("https://a.example/1"), entry("https://a.example/2")])
        claimed = front.claim(2)
        assert len(claimed) == 2
        link = make_link("https://a.example/1", "https://c.example/")
        # fetched and extracted, discovered a URL, but never flushed: a crash here...
        front.finish([FetchOutcome("https://a.example/1", "done", 200)])
        front.stage([page("https://a.example/1")], [link])
        front.add([entry("https://a.example/3", 1)])
        front.record_host_time("a.example", 123.0)
    with Index(db) as index:  # ...loses only that, and the page goes back in the queue
        front = index.frontier("t")
        assert index.counts()["links"] == 0
        assert front.requeue_inflight() == 2
        assert front.counts() == {"queued": 2}
        assert front.host_times() == {}
        front.claim(1)
        front.finish([FetchOutcome("https://a.example/1", "done", 200)])
        front.stage([page("https://a.example/1")], [link])
        front.add([entry("https://a.example/3", 1)])
        front.record_host_time("a.example", 456.0)
        front.close()
    with Index(db) as index:
        front = index.frontier("t")
        assert index.counts()["links"] == 1
        assert front.counts() == {"done": 1, "queued": 2}
        assert front.host_times() == {"a.example": 456.0}
        assert index.frontier("other").pending() == 0  # crawls are separate


def test_claims_can_be_capped_per_host(tmp_path: Path) -> None:
    with Index(tmp_path / "f.duckdb") as index:
        front = index.frontier("t")
        front.add([entry(f"https://a.example/{i}") for i in range(10)]
                  + [entry(f"https://b.example/{i}") for i in range(3)])
        got = front.claim(8, per_host=2)
        assert [e.url for e in got] == ["https://a.example/0", "https://a.example/1",
                                        "https://b.example/0", "https://b.example/1"]
