"""Limits and resilience against the sample server's misbehaving host on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import pytest

from crawler_support import LOOPBACK, MemoryFrontier
from linkatlas import extract
from linkatlas.model import Capture, FrontierEntry
from linkatlas.sample import build
from linkatlas.sample.misbehave import CHARSET_ANCHOR, CHARSET_TARGET, HOST
from linkatlas.sample.server import SampleServer
from linkatlas.sources import fetch
from linkatlas.sources.crawler import CrawlConfig, Crawler

T = TypeVar("T")
BASE = f"https://{HOST}"


def _with_server(body: Callable[[SampleServer], Awaitable[T]]) -> T:
    async def main() -> T:
        async with SampleServer(build(seed=7)) as server:
            return await body(server)

    return asyncio.run(main())


async def _get(server: SampleServer, path: str, **limits: float) -> fetch.Response:
    kw: dict[str, float] = {"connect": 2.0, "read": 2.0, "total": 5.0,
                            "max_body_bytes": 1 << 20}
    kw.update(limits)
    lim = fetch.Limits(kw["connect"], kw["read"], kw["total"], int(kw["max_body_bytes"]))
    amap = server.address_map()
    session = fetch.open_session(user_agent="t (+http://x)", limits=lim, policy=LOOPBACK,
                                 address_map=amap)
    try:
        return await fetch.fetch(session, BASE + path, lim, address_map=amap)
    finally:
        await session.close()


def _kind(server_path: str, **limits: float) -> tuple[str, float]:
    async def body(server: SampleServer) -> tuple[str, float]:
        t0 = time.monotonic()
        with pytest.raises(fetch.FetchFailed) as info:
            await _get(server, server_path, **limits)
        return info.value.kind, time.monotonic() - t0

    return _with_server(body)


def test_slow_drip_hits_the_read_timeout() -> None:
    kind, took = _kind("/drip?ms=400&bytes=50", read=0.2, total=5)
    assert kind == "read-timeout" and took < 2


def test_hang_hits_the_total_timeout() -> None:
    kind, took = _kind("/hang", read=10, total=0.5)
    assert kind == "total-timeout" and 0.45 < took < 2


def test_drip_under_the_read_timeout_still_ends_at_the_total_timeout() -> None:
    kind, took = _kind("/drip?ms=50&bytes=1000", read=1, total=0.6)
    assert kind == "total-timeout" and took < 2


def test_endless_body_is_truncated_at_the_cap() -> None:
    resp = _with_server(lambda s: _get(s, "/endless", max_body_bytes=200_000))
    assert resp.truncated and len(resp.body) == 200_000 and resp.status == 200


def test_gzip_bomb_is_refused_quickly() -> None:
    kind, took = _kind("/bomb", max_body_bytes=2_000_000)
    assert kind == "decompression-bomb" and took < 3


def test_connection_reset_is_a_connection_error() -> None:
    kind, _ = _kind("/reset")
    assert kind == "connection"


def test_wrong_content_types_are_not_downloaded_or_parsed() -> None:
    async def body(server: SampleServer) -> list[fetch.Response]:
        return [await _get(server, p) for p in ("/html-as-png", "/pdf-as-html",
                                                 "/no-content-type")]

    png, pdf, untyped = _with_server(body)
    assert png.body == b"" and png.skipped_body == "content-type image/png"
    assert pdf.body == b"" and pdf.skipped_body.startswith("binary body")
    assert untyped.body.startswith(b"<!DOCTYPE html>") and not untyped.skipped_body


def test_retry_after_header_forms() -> None:
    assert fetch.parse_retry_after("7") == 7.0
    assert fetch.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert fetch.parse_retry_after("soon") is None


def _crawl(server: SampleServer, seeds: Sequence[str], **kw: object
           ) -> tuple[Crawler, MemoryFrontier, list[Capture]]:
    caps: list[Capture] = []

    def on_capture(cap: Capture, entry: FrontierEntry) -> Sequence[str]:
        caps.append(cap)
        return [link.target_url for link in extract.links_from_page(cap).links]

    cfg: dict[str, object] = dict(
        seeds=tuple(seeds), hosts=(HOST,), net_policy=LOOPBACK,
        address_map=server.address_map(), min_delay=0.0, sitemaps=False, max_pages=0,
        connect_timeout=2, read_timeout=2, total_timeout=4, backoff=0.05)
    cfg.update(kw)
    frontier = MemoryFrontier()
    crawler = Crawler(CrawlConfig(**cfg), frontier, on_capture)  # type: ignore[arg-type]
    return crawler, frontier, caps


def test_redirect_loop_is_stopped_and_each_hop_reported() -> None:
    async def body(server: SampleServer) -> None:
        crawler, frontier, caps = _crawl(server, [BASE + "/loop/a"], max_redirects=5)
        stats = await crawler.run()
        assert [c.status for c in caps] == [302, 302]
        assert [c.url for c in caps] == [BASE + "/loop/a", BASE + "/loop/b"]
        assert frontier.outcomes[BASE + "/loop/a"].state == "failed"
        assert stats.errors["redirect-loop"] == 1
        assert len(server.log_for(HOST)) == 1 + 2  # robots.txt + 2 hops, no more

    _with_server(body)


def test_redirects_stop_at_max_redirects() -> None:
    async def body(server: SampleServer) -> None:
        crawler, frontier, caps = _crawl(server, [BASE + "/loop/a"], max_redirects=1)
        stats = await crawler.run()
        assert [c.status for c in caps] == [302, 302]
        assert frontier.outcomes[BASE + "/loop/a"].state == "failed"
        assert stats.errors["too-many-redirects"] == 1

    _with_server(body)


def test_reset_is_retried_with_backoff_then_failed() -> None:
    async def body(server: SampleServer) -> None:
        crawler, frontier, _ = _crawl(server, [BASE + "/reset"], retries=2)
        stats = await crawler.run()
        tries = [e for e in server.log_for(HOST) if e.path == "/reset"]
        assert len(tries) == 3 and stats.retries == 2
        assert tries[2].time - tries[1].time >= 0.09  # doubled back-off (0.05, then 0.1)
        assert frontier.outcomes[BASE + "/reset"].state == "failed"
        assert stats.errors["connection"] == 1

    _with_server(body)


def test_calendar_trap_stops_and_session_ids_are_dropped() -> None:
    async def body(server: SampleServer) -> None:
        seed = BASE + "/calendar?month=2025-06&sid=abc&utm_source=x"
        crawler, _frontier, caps = _crawl(server, [seed], max_depth=1000)
        stats = await crawler.run()
        fetched = {c.url for c in caps}
        assert all("sid=" not in u and "utm_" not in u for u in fetched)
        assert len(fetched) == len(caps)  # every month once, despite a fresh sid per page
        assert stats.skipped["calendar"] >= 1
        assert 20 <= stats.pages <= 60
        assert BASE + "/calendar?month=2025-07" in fetched

    _with_server(body)


def test_meta_charset_page_is_decoded_by_its_meta_tag() -> None:
    async def body(server: SampleServer) -> None:
        crawler, _, caps = _crawl(server, [BASE + "/meta-charset"], max_depth=0)
        await crawler.run()
        links = extract.links_from_page(caps[0]).links
        assert [(lk.target_url, lk.anchor) for lk in links] == [(CHARSET_TARGET,
                                                                  CHARSET_ANCHOR)]

    _with_server(body)


def test_content_type_rules_in_a_crawl() -> None:
    async def body(server: SampleServer) -> None:
        seeds = [BASE + p for p in ("/html-as-png", "/pdf-as-html", "/no-content-type")]
        crawler, frontier, _caps = _crawl(server, seeds, max_depth=0)
        stats = await crawler.run()
        assert stats.pages == 3 and stats.not_parsed == 2
        assert stats.links == 1  # only the untyped HTML page was parsed
        assert frontier.outcomes[seeds[0]].reason == "content-type image/png"

    _with_server(body)
