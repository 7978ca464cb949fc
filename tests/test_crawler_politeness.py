"""Politeness proven on a recording server: per-host delay, per-host and global concurrency,
back-off on 429/503 with Retry-After, and politeness right after a restart."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence

from aiohttp import web

from crawler_support import LOOPBACK, MemoryFrontier, Recorder, chain_site, href_links, html
from linkatlas.model import Capture, FrontierEntry
from linkatlas.sources.crawler import CrawlConfig, Crawler
from linkatlas.sources.politeness import HostScheduler

HOSTS = [f"site{i}.example" for i in range(6)]


def _links(cap: Capture, entry: FrontierEntry) -> Sequence[str]:
    return href_links(cap.body, cap.final_url)


def _config(server: Recorder, **kw: object) -> CrawlConfig:
    base: dict[str, object] = dict(
        seeds=tuple(f"http://{h}/p/0" for h in server.routes), net_policy=LOOPBACK,
        address_map=server.address_map(), min_delay=0.05, global_concurrency=4,
        max_pages=0, sitemaps=False, connect_timeout=2, read_timeout=2, total_timeout=5)
    base.update(kw)
    return CrawlConfig(**base)  # type: ignore[arg-type]


def _violations(server: Recorder, host: str, delay: float) -> list[tuple[str, float]]:
    hits = server.for_host(host)
    # 2 ms of slack: the server stamps arrival after the client's clock said "go"
    return [(b.path, b.start - a.start) for a, b in itertools.pairwise(hits)
            if b.start - a.start < delay - 0.002]


def test_delay_and_concurrency_limits_hold_on_six_hosts() -> None:
    async def main() -> None:
        async with Recorder({h: chain_site(h, 12) for h in HOSTS}, latency=0.01) as server:
            frontier = MemoryFrontier()
            stats = await Crawler(_config(server), frontier, _links).run()
            assert stats.pages == 12 * len(HOSTS)
            for host in HOSTS:
                assert len(server.for_host(host)) == 13  # 12 pages + robots.txt, nothing twice
                assert _violations(server, host, 0.05) == []
                assert server.max_in_flight[host] == 1
            assert server.global_max <= 4
            assert server.global_max >= 2  # hosts really were crawled side by side

    asyncio.run(main())


def test_per_host_concurrency_two_and_global_limit() -> None:
    async def main() -> None:
        async with Recorder({h: chain_site(h, 20, fanout=6) for h in HOSTS[:3]},
                            latency=0.05) as server:
            cfg = _config(server, min_delay=0.0, per_host_concurrency=2, global_concurrency=5)
            stats = await Crawler(cfg, MemoryFrontier(), _links).run()
            assert stats.pages == 60
            assert max(server.max_in_flight.values()) == 2
            assert server.global_max <= 5

    asyncio.run(main())


def test_retry_after_on_429_and_503_is_honoured() -> None:
    count = {"n": 0}

    async def flaky(request: web.Request) -> web.StreamResponse:
        count["n"] += 1
        if count["n"] == 1:
            return web.Response(status=429, headers={"Retry-After": "1"})
        if count["n"] == 2:
            return web.Response(status=503, headers={"Retry-After": "1"})
        return web.Response(text='<a href="/p/1">x</a>', content_type="text/html")

    async def main() -> None:
        site = chain_site("a.example", 3)
        site["/p/0"] = flaky
        async with Recorder({"a.example": site}) as server:
            stats = await Crawler(_config(server, retries=3), MemoryFrontier(), _links).run()
            hits = [h for h in server.for_host("a.example") if h.path != "/robots.txt"]
            assert [h.path for h in hits[:3]] == ["/p/0"] * 3
            assert hits[1].start - hits[0].start >= 0.99
            assert hits[2].start - hits[1].start >= 0.99
            assert hits[3].start - hits[2].start < 0.5  # the back-off ended with success
            assert stats.retries == 2 and stats.pages == 3

    asyncio.run(main())


def test_retries_give_up_and_report_status() -> None:
    async def main() -> None:
        site = {"/robots.txt": html("", 404), "/p/0": html("busy", 503, **{"Retry-After": "0"})}
        async with Recorder({"b.example": site}) as server:
            frontier = MemoryFrontier()
            stats = await Crawler(_config(server, retries=2, seeds=("http://b.example/p/0",)),
                                  frontier, _links).run()
            assert server.paths("b.example").count("/p/0") == 3
            assert frontier.outcomes["http://b.example/p/0"].state == "failed"
            assert stats.errors["http-503"] == 1

    asyncio.run(main())


def test_politeness_holds_right_after_restart() -> None:
    async def main() -> None:
        async with Recorder({"c.example": chain_site("c.example", 6)}) as server:
            frontier = MemoryFrontier()
            cfg = _config(server, min_delay=0.4, seeds=("http://c.example/p/0",), max_pages=2)
            await Crawler(cfg, frontier, _links).run()
            first_end = time.monotonic()
            cfg2 = _config(server, min_delay=0.4, seeds=("http://c.example/p/0",), max_pages=2)
            await Crawler(cfg2, frontier, _links).run()
            hits = server.for_host("c.example")
            assert _violations(server, "c.example", 0.4) == []
            assert len([h for h in hits if h.start > first_end - 0.05]) >= 1
            fetched = [h.path for h in hits if h.path != "/robots.txt"]
            assert len(fetched) == len(set(fetched)) == 4  # resumed, nothing fetched twice

    asyncio.run(main())


def test_scheduler_orders_hosts_by_ready_time() -> None:
    s: HostScheduler[str] = HostScheduler(min_delay=1.0, per_host=1)
    for job in ("a1", "a2"):
        s.push("a", job)
    s.push("b", "b1")
    first = s.pop_ready(100.0)
    second = s.pop_ready(100.0)
    assert {first, second} == {("a", "a1"), ("b", "b1")}
    assert s.pop_ready(100.0) is None  # a is busy
    s.done("a", now=100.2)
    assert s.pop_ready(101.0) is None  # the delay runs from the end of the response too
    assert s.pop_ready(101.2) == ("a", "a2")
    s.done("a", backoff=5.0, now=101.2)
    s.push("a", "a3")
    assert s.pop_ready(106.0) is None and s.pop_ready(106.2) == ("a", "a3")
