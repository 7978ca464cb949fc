"""Test helpers for the crawler: an in-memory Frontier and a recording multi-host server."""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field

from aiohttp import web

from linkatlas.model import FetchOutcome, FrontierEntry
from linkatlas.sources.guard import parse_allow_net

LOOPBACK = parse_allow_net(["127.0.0.0/8"])


class MemoryFrontier:
    """The Frontier protocol in memory (the store implements the durable one)."""

    def __init__(self) -> None:
        self.state: dict[str, str] = {}
        self.entries: dict[str, FrontierEntry] = {}
        self.outcomes: dict[str, FetchOutcome] = {}
        self._heap: list[tuple[int, int, str]] = []
        self._order = 0
        self.times: dict[str, float] = {}
        self.claims = 0

    def add(self, entries: Sequence[FrontierEntry]) -> int:
        new = 0
        for e in entries:
            if e.url in self.state:
                continue
            self._order += 1
            self.state[e.url] = "queued"
            self.entries[e.url] = FrontierEntry(e.url, e.host, e.depth, e.parent, self._order)
            heapq.heappush(self._heap, (e.depth, self._order, e.url))
            new += 1
        return new

    def claim(self, limit: int, *, exclude_hosts: Collection[str] = (),
              per_host: int = 0) -> list[FrontierEntry]:
        self.claims += 1
        out: list[FrontierEntry] = []
        skipped: list[tuple[int, int, str]] = []
        excluded = set(exclude_hosts)
        taken: dict[str, int] = {}
        while self._heap and len(out) < limit:
            item = heapq.heappop(self._heap)
            url = item[2]
            if self.state[url] != "queued":
                continue
            host = self.entries[url].host
            if host in excluded or (per_host and taken.get(host, 0) >= per_host):
                skipped.append(item)
                continue
            taken[host] = taken.get(host, 0) + 1
            self.state[url] = "inflight"
            out.append(self.entries[url])
        for item in skipped:
            heapq.heappush(self._heap, item)
        return out

    def finish(self, outcomes: Sequence[FetchOutcome]) -> None:
        for o in outcomes:
            assert self.state.get(o.url) == "inflight", (o.url, self.state.get(o.url))
            self.state[o.url] = o.state
            self.outcomes[o.url] = o

    def requeue_inflight(self) -> int:
        n = 0
        for url, st in self.state.items():
            if st == "inflight":
                self.state[url] = "queued"
                e = self.entries[url]
                heapq.heappush(self._heap, (e.depth, e.order, url))
                n += 1
        return n

    def host_times(self) -> dict[str, float]:
        return dict(self.times)

    def record_host_time(self, host: str, when: float) -> None:
        self.times[host] = when

    def pending(self) -> int:
        return sum(1 for s in self.state.values() if s == "queued")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hit:
    """One request the server saw (monotonic times)."""

    host: str
    path: str
    start: float
    end: float = 0.0


@dataclass
class Recorder:
    """A loopback server routing by Host header; records every request per host."""

    routes: dict[str, dict[str, Handler]]
    hits: list[Hit] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    global_max: int = 0
    latency: float = 0.0
    port: int = 0
    _runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = request.headers.get("Host", "").split(":")[0]
        hit = Hit(host, request.path_qs, time.monotonic())
        self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), self.in_flight[host])
        self.global_max = max(self.global_max, sum(self.in_flight.values()))
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            site = self.routes.get(host, {})
            handler = site.get(request.path) or site.get("*")
            if handler is None:
                return web.Response(status=404, text="not found")
            return await handler(request)
        finally:
            self.in_flight[host] -= 1
            hit.end = time.monotonic()
            self.hits.append(hit)

    async def __aenter__(self) -> Recorder:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def address_map(self) -> dict[str, tuple[str, int]]:
        """Every routed host -> this server."""
        return {h: ("127.0.0.1", self.port) for h in self.routes}

    def for_host(self, host: str) -> list[Hit]:
        """Requests to ``host`` by start time."""
        return sorted((h for h in self.hits if h.host == host), key=lambda h: h.start)

    def paths(self, host: str) -> list[str]:
        """Paths requested of ``host`` in order."""
        return [h.path for h in self.for_host(host)]


def html(body: str, status: int = 200, **headers: str) -> Handler:
    """A handler answering with an HTML page."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=body, content_type="text/html",
                            headers=headers)

    return handler


def text(body: str | bytes, status: int = 200, content_type: str = "text/plain",
         **headers: str) -> Handler:
    """A handler answering with a fixed body."""

    async def handler(request: web.Request) -> web.StreamResponse:
        data = body.encode() if isinstance(body, str) else body
        return web.Response(status=status, body=data, headers={"Content-Type": content_type,
                                                               **headers})

    return handler


def chain_site(host: str, pages: int, fanout: int = 3) -> dict[str, Handler]:
    """A site of ``pages`` pages /p/0.. each linking to the next ``fanout`` pages."""

    async def page(request: web.Request) -> web.StreamResponse:
        n = int(request.path.rsplit("/", 1)[1]) if request.path.startswith("/p/") else 0
        if n >= pages:
            return web.Response(status=404, text="gone")
        links = "".join(f'<a href="/p/{m}">p{m}</a> ' for m in range(n + 1, n + 1 + fanout)
                        if m < pages)
        return web.Response(text=f"<html><body>{links}</body></html>", content_type="text/html")

    return {"*": page, "/robots.txt": text("User-agent: *\nAllow: /\n")}


def href_links(body: bytes, base: str) -> list[str]:
    """A tiny link extractor for tests that do not need the real one."""
    import re

    from linkatlas import urls

    out = []
    for m in re.finditer(rb'href="([^"]*)"', body):
        u = urls.resolve(m.group(1).decode().replace("&amp;", "&"), base)
        if u:
            out.append(u)
    return out
