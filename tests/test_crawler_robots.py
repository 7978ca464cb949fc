"""robots.txt rules, sitemaps, the request-forgery guard and resuming a killed crawl."""

from __future__ import annotations

import asyncio
import copy
import gzip
import itertools
from collections.abc import Sequence

from crawler_support import LOOPBACK, MemoryFrontier, Recorder, chain_site, href_links, html, text
from linkatlas.model import Capture, FrontierEntry
from linkatlas.sources.crawler import CrawlConfig, Crawler, CrawlStats

H = "r.example"
HOME = ('<a href="/open/1">o</a> <a href="/private/1">p</a> <a href="/private/2">p</a>'
        '<a href="/open/2">o</a>')


def _links(cap: Capture, entry: FrontierEntry) -> Sequence[str]:
    return href_links(cap.body, cap.final_url)


def _run(server: Recorder, frontier: MemoryFrontier | None = None, **kw: object) -> CrawlStats:
    cfg: dict[str, object] = dict(
        seeds=(f"http://{H}/",), net_policy=LOOPBACK, address_map=server.address_map(),
        min_delay=0.0, sitemaps=False, max_pages=0, connect_timeout=2, read_timeout=2,
        total_timeout=4)
    cfg.update(kw)
    crawler = Crawler(CrawlConfig(**cfg), frontier or MemoryFrontier(), _links)  # type: ignore[arg-type]
    return asyncio.get_event_loop().run_until_complete(crawler.run())


def _site(robots: object) -> dict[str, object]:
    page = html("<p>leaf</p>")
    return {"/": html(HOME), "/robots.txt": robots, "/open/1": page, "/open/2": page,
            "/private/1": page, "/private/2": page}


def _serve(routes: dict[str, dict[str, object]], **kw: object) -> tuple[Recorder, object]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = Recorder(routes, **kw)  # type: ignore[arg-type]
    loop.run_until_complete(server.__aenter__())
    return server, loop


def _close(server: Recorder) -> None:
    loop = asyncio.get_event_loop()
    loop.run_until_complete(server.__aexit__())
    loop.close()


def test_disallowed_urls_are_never_fetched() -> None:
    server, _ = _serve({H: _site(text("User-agent: *\nDisallow: /private\n"))})
    try:
        frontier = MemoryFrontier()
        stats = _run(server, frontier)
        assert sorted(server.paths(H)) == ["/", "/open/1", "/open/2", "/robots.txt"]
        assert stats.blocked_robots == 2
        out = frontier.outcomes[f"http://{H}/private/1"]
        assert out.state == "blocked" and "Disallow: /private" in out.reason
    finally:
        _close(server)


def test_robots_404_allows_all_and_500_disallows_all() -> None:
    server, _ = _serve({H: _site(html("nope", 404)), "s.example": {
        "/": html(HOME), "/robots.txt": html("down", 500)}})
    try:
        stats = _run(server, seeds=(f"http://{H}/", "http://s.example/"))
        assert len(server.paths(H)) == 6  # robots.txt + all five pages
        assert server.paths("s.example") == ["/robots.txt"]
        assert stats.blocked_robots == 1 and stats.pages == 5
    finally:
        _close(server)


def test_robots_redirect_is_followed() -> None:
    site = _site(html("", 301, Location=f"http://{H}/real-robots.txt"))
    site["/real-robots.txt"] = text("User-agent: *\nDisallow: /open/\n")
    server, _ = _serve({H: site})
    try:
        _run(server)
        assert sorted(server.paths(H)) == ["/", "/private/1", "/private/2", "/real-robots.txt",
                                          "/robots.txt"]
    finally:
        _close(server)


def test_crawl_delay_is_honoured_up_to_the_cap() -> None:
    server, _ = _serve({"d.example": {**chain_site("d.example", 4),
                                      "/robots.txt": text("User-agent: *\nCrawl-delay: 0.15\n")},
                        "e.example": {**chain_site("e.example", 4),
                                      "/robots.txt": text("User-agent: *\nCrawl-delay: 60\n")}})
    try:
        _run(server, seeds=("http://d.example/p/0", "http://e.example/p/0"),
             min_delay=0.05, crawl_delay_cap=0.2)
        for host, low, high in (("d.example", 0.15, 0.19), ("e.example", 0.2, 0.5)):
            hits = server.for_host(host)
            gaps = [b.start - a.start for a, b in itertools.pairwise(hits[1:])]
            assert len(gaps) == 3 and all(low - 0.005 <= g < high for g in gaps), gaps
    finally:
        _close(server)


def test_sitemaps_from_robots_and_well_known_path_feed_the_frontier() -> None:
    def urlset(*paths: str) -> str:
        locs = "".join(f"<url><loc>http://{H}{p}</loc></url>" for p in paths)
        return f'<?xml version="1.0"?><urlset xmlns="x">{locs}</urlset>'

    index = (f'<sitemapindex xmlns="x"><sitemap><loc>http://{H}/sm1.xml.gz</loc></sitemap>'
             "</sitemapindex>")
    site = _site(text(f"User-agent: *\nSitemap: http://{H}/index.xml\n"))
    site.update({"/index.xml": text(index, content_type="application/xml"),
                 "/sm1.xml.gz": text(gzip.compress(urlset("/deep/a", "/deep/b?x=1&amp;y=2")
                                                   .encode()),
                                     content_type="application/x-gzip"),
                 "/sitemap.xml": text(urlset("/deep/c", "/open/1"), content_type="text/xml"),
                 "/deep/a": html("a"), "/deep/b": html("b"), "/deep/c": html("c")})
    server, _ = _serve({H: site})
    try:
        stats = _run(server, sitemaps=True)
        paths = server.paths(H)
        for p in ("/deep/a", "/deep/b?x=1&y=2", "/deep/c", "/index.xml", "/sm1.xml.gz",
                  "/sitemap.xml"):
            assert paths.count(p) == 1, (p, paths)
        assert stats.sitemaps_fetched == 3
    finally:
        _close(server)


def test_guard_is_on_by_default() -> None:
    server, _ = _serve({H: _site(text("User-agent: *\nAllow: /\n"))})
    try:
        frontier = MemoryFrontier()
        stats = _run(server, frontier, net_policy=CrawlConfig().net_policy)
        assert server.hits == []  # loopback is refused before any connection
        assert stats.blocked_guard == 1 and stats.pages == 0
        assert frontier.outcomes[f"http://{H}/"].state == "blocked"
    finally:
        _close(server)


class SnapshotFrontier(MemoryFrontier):
    """A frontier whose durable state is what it held at the last ``snapshot``."""

    def snapshot(self) -> MemoryFrontier:
        clone = MemoryFrontier()
        clone.__dict__.update(copy.deepcopy(self.__dict__))
        return clone


def test_resume_after_kill_loses_nothing_and_refetches_only_in_flight() -> None:
    pages = 30
    server, loop = _serve({"k.example": chain_site("k.example", pages, fanout=2)})
    try:
        frontier = SnapshotFrontier()
        cfg = dict(seeds=("http://k.example/p/0",), net_policy=LOOPBACK, max_pages=0,
                   address_map=server.address_map(), min_delay=0.03, sitemaps=False,
                   flush_seconds=0.05, max_depth=100)

        async def killed() -> MemoryFrontier:
            crawler = Crawler(CrawlConfig(**cfg), frontier, _links)  # type: ignore[arg-type]
            task = asyncio.ensure_future(crawler.run())
            while len(server.for_host("k.example")) < 12:
                await asyncio.sleep(0.005)
            durable = frontier.snapshot()  # kill -9: nothing after this point is kept
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return durable

        durable = loop.run_until_complete(killed())  # type: ignore[attr-defined]
        in_flight = {u for u, s in durable.state.items() if s == "inflight"}
        before = len(server.hits)
        stats = _run(server, durable, **cfg)
        fetched = [h.path for h in server.for_host("k.example") if h.path != "/robots.txt"]
        assert sorted(set(fetched)) == sorted(f"/p/{n}" for n in range(pages))  # none lost
        twice = {p for p in fetched if fetched.count(p) > 1}
        assert {f"http://k.example{p}" for p in twice} <= in_flight
        hits = server.for_host("k.example")
        assert all(b.start - a.start >= 0.028 for a, b in itertools.pairwise(hits))
        assert stats.pages == len(server.hits) - before - 1  # minus the second robots.txt
    finally:
        _close(server)
