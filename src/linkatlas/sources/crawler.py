"""The crawl engine: frontier -> politeness -> fetch -> caller -> frontier.

``Crawler(config, frontier, on_capture).run()`` claims URLs from a durable ``Frontier``, queues
them per host (``politeness.HostScheduler``), fetches each one under robots.txt (RFC 9309), the
request-forgery guard and the limits of ``fetch``, hands every response to ``on_capture`` as a
``Capture`` (each redirect hop too, as a 3xx capture) and adds the outlinks it returns, in scope
and canonical, to the frontier. Sources never write to the index: ``on_capture`` does that (and
``on_flush`` is called before outcomes are acknowledged, so a caller can write its batch first).
See docs/crawler.md for every rule and its reason.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import re
import time
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import Literal, Protocol

import aiohttp

from linkatlas import urls
from linkatlas.errors import BlockedURLError, ConfigError
from linkatlas.model import Capture, FetchOutcome, FrontierEntry, Source
from linkatlas.sources import fetch as _fetch
from linkatlas.sources import guard, robots
from linkatlas.sources.politeness import HostScheduler
from linkatlas.sources.scope import Scope, ScopeRules, canonicalize

DEFAULT_USER_AGENT = "linkatlas/0.1 (+https://github.com/linkatlas/linkatlas; crawler)"
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one (uncompressed) file
_LOC = re.compile(rb"<(?:[A-Za-z0-9_]+:)?loc>\s*(.*?)\s*</(?:[A-Za-z0-9_]+:)?loc>", re.S)


class Frontier(Protocol):
    """What the engine needs of a durable frontier (``store.Index.frontier`` implements it)."""

    def add(self, entries: Sequence[FrontierEntry]) -> int:
        """Queue URLs not seen before; how many were new."""

    def claim(self, limit: int, *, exclude_hosts: Collection[str] = (),
              per_host: int = 0) -> list[FrontierEntry]:
        """Move up to ``limit`` queued URLs to in flight, lowest (depth, order) first, at most
        ``per_host`` of one host (0: no cap)."""

    def finish(self, outcomes: Sequence[FetchOutcome]) -> None:
        """Record what became of in-flight URLs."""

    def requeue_inflight(self) -> int:
        """Put URLs a killed run had in flight back in the queue; how many."""

    def host_times(self) -> dict[str, float]:
        """Per host, the earliest time (``time.time()``) its next request may start, as
        recorded by earlier runs (politeness right after a restart)."""

    def record_host_time(self, host: str, when: float) -> None:
        """Persist the earliest time the next request to ``host`` may start."""

    def pending(self) -> int:
        """How many URLs are queued."""


@dataclass(frozen=True, kw_only=True)
class CrawlConfig:
    """Everything a crawl needs to know; see docs/crawler.md for defaults and reasons."""

    name: str = "crawl"
    seeds: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()  # crawl only these hosts (default: the seeds' domains)
    max_depth: int = 5
    max_pages: int = 1000  # 0: no limit
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT
    min_delay: float = 1.0
    per_host_concurrency: int = 1
    global_concurrency: int = 32
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 2.0  # first retry waits this long, then doubles
    max_retry_after: float = 120.0
    crawl_delay_cap: float = 30.0
    respect_robots: bool = True
    sitemaps: bool = True
    max_sitemaps: int = 50  # per origin, sitemap indexes included
    net_policy: guard.NetPolicy = guard.DEFAULT_POLICY
    address_map: Mapping[str, tuple[str, int]] | None = None  # test/demo transport only
    host_budget: int = 10_000
    max_url_length: int = 2048
    calendar_budget: int = 24
    flush_seconds: float = 0.5
    progress_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.min_delay < 0 or self.per_host_concurrency < 1 or self.global_concurrency < 1:
            raise ConfigError("min_delay must be >= 0 and concurrency limits >= 1")
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ConfigError("timeouts must be positive")
        if self.max_redirects < 0 or self.retries < 0 or self.max_body_bytes < 1:
            raise ConfigError("max_redirects and retries must be >= 0, max_body_bytes >= 1")
        if "+http" not in self.user_agent and "@" not in self.user_agent:
            raise ConfigError("the user agent must carry a contact URL (+https://...) or e-mail")


@dataclass
class CrawlStats:
    """What a run did."""

    pages: int = 0
    links: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    blocked_robots: int = 0
    blocked_guard: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # scope and trap rules, by reason
    retries: int = 0
    redirects: int = 0
    truncated: int = 0
    not_parsed: int = 0  # bodies not downloaded or dropped by content-type rules
    robots_fetched: int = 0
    sitemaps_fetched: int = 0
    bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """A snapshot for a progress display."""

    pages: int
    pages_per_second: float
    queued: int
    in_flight: int
    errors: int


@dataclass(slots=True)
class _Job:
    kind: Literal["page", "robots", "sitemap"]
    url: str
    entry: FrontierEntry | None = None
    attempt: int = 0
    hops: int = 0
    level: int = 0  # sitemap index nesting
    origin: str = ""  # robots.txt: the origin it is for (redirects may leave it)


def _origin(url: str) -> str:
    end = url.find("/", url.find("//") + 2)
    return url if end < 0 else url[:end]


class Crawler:
    """A polite, resumable crawler; ``await run()`` once per instance."""

    def __init__(self, config: CrawlConfig, frontier: Frontier,
                 on_capture: Callable[[Capture, FrontierEntry], Sequence[str]], *,
                 progress: Callable[[CrawlProgress], None] | None = None,
                 on_flush: Callable[[], None] | None = None) -> None:
        self.config = c = config
        self.frontier = frontier
        self.on_capture = on_capture
        self.progress = progress
        self.on_flush = on_flush
        rules = ScopeRules(hosts=frozenset(h.lower() for h in c.hosts), max_depth=c.max_depth,
                           include=c.include, exclude=c.exclude,
                           max_url_length=c.max_url_length, host_budget=c.host_budget,
                           calendar_budget=c.calendar_budget)
        self.seeds = [u for u in (canonicalize(s) for s in c.seeds) if u is not None]
        if len(self.seeds) != len(c.seeds):
            bad = [s for s in c.seeds if canonicalize(s) is None]
            raise ConfigError(f"not an http(s) URL: {bad[0]!r}")
        self.scope = Scope.for_seeds(self.seeds, rules)
        self.limits = _fetch.Limits(c.connect_timeout, c.read_timeout, c.total_timeout,
                                    c.max_body_bytes)
        self.stats = CrawlStats()
        self.sched: HostScheduler[_Job] = HostScheduler(c.min_delay, c.per_host_concurrency)
        self._robots: dict[str, tuple[robots.RobotsTxt, float]] = {}
        self._parked: dict[str, list[tuple[str, _Job]]] = {}  # origin -> jobs awaiting robots
        self._sitemaps_left: dict[str, int] = {}
        self._guarded: dict[str, str] = {}  # origins the request-forgery guard refuses
        self._seen: set[str] = set()
        self._adds: list[FrontierEntry] = []
        self._outcomes: list[FetchOutcome] = []
        self._open = 0  # claimed entries without an outcome yet
        self._tasks: dict[asyncio.Task[None], str] = {}
        self._stopping = False
        self._claim_after = 0.0
        self._session: aiohttp.ClientSession | None = None

    def stop(self) -> None:
        """Finish what is in flight, hand the rest back to the frontier, and end ``run``."""
        self._stopping = True

    # --- the loop --------------------------------------------------------------------------

    async def run(self) -> CrawlStats:
        """Crawl until the frontier is empty, ``max_pages`` is reached or ``stop`` is called."""
        c, started = self.config, time.monotonic()
        self.frontier.requeue_inflight()
        self.sched.restore(self.frontier.host_times())
        seeds = [FrontierEntry(u, urls.host(u), 0) for u in self.seeds]
        self._seen.update(self.seeds)
        self._adds.extend(seeds)
        last_flush = last_progress = started
        self._session = _fetch.open_session(user_agent=c.user_agent, limits=self.limits,
                                            policy=c.net_policy, address_map=c.address_map,
                                            concurrency=c.global_concurrency)
        try:
            while True:
                now = time.monotonic()
                due = now - last_flush >= c.flush_seconds
                starving = self.sched.queued_jobs() < c.global_concurrency
                if (self._adds and (due or starving)) or (self._outcomes and due):
                    self._flush()
                    last_flush = now
                if not self._stopping:
                    self._refill(now)
                self._dispatch(now)
                if self.progress is not None and now - last_progress >= c.progress_seconds:
                    last_progress = now
                    self._report(now - started)
                if not self._tasks and not self.sched.queued_jobs() and not self._adds:
                    if self._stopping or self._budget() <= 0 or not self.frontier.pending():
                        break
                    self._claim_after = 0.0
                    if not self._refill(now):
                        break  # the frontier counts URLs it does not hand out: nothing to do
                    continue
                await self._wait(now)
        finally:
            for task in self._tasks:
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._session.close()
            self.sched.drain()
            self._flush()
            if self._open or self._stopping:
                self.frontier.requeue_inflight()  # claimed but never fetched: back to queued
            self.stats.seconds = time.monotonic() - started
            if self.progress is not None:
                self._report(self.stats.seconds)
        return self.stats

    async def _wait(self, now: float) -> None:
        wake = self.sched.next_time()
        timeout = self.config.flush_seconds
        if wake is not None:
            timeout = min(timeout, max(0.0, wake - now))
        if self._claim_after > now:
            timeout = min(timeout, self._claim_after - now)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        else:
            await asyncio.sleep(timeout)

    def _budget(self) -> int:
        if not self.config.max_pages:
            return 1 << 30
        return self.config.max_pages - self.stats.pages - self._open

    def _refill(self, now: float) -> int:
        c = self.config
        queued = self.sched.queued_jobs()
        want = min(4 * c.global_concurrency - queued, self._budget())
        if want <= 0 or now < self._claim_after or (queued >= c.global_concurrency
                                                     and want < c.global_concurrency):
            return 0  # enough work queued: claim in batches, not one URL at a time
        cap = 2 * c.per_host_concurrency + 2
        busy = [h for h, st in self.sched.hosts.items() if len(st.jobs) >= cap]
        # A cap per host keeps one big host from taking every claimed slot while others idle.
        claimed = self.frontier.claim(want, exclude_hosts=busy, per_host=cap)
        self._claim_after = now + 0.2 if len(claimed) < want else 0.0
        self._open += len(claimed)
        for entry in claimed:
            self._queue_page(entry)
        return len(claimed)

    def _queue_page(self, entry: FrontierEntry) -> None:
        rob = self._robots.get(_origin(entry.url))
        if rob is not None and not rob[0].allowed(entry.url, self.config.user_agent):
            self._blocked_by_robots(entry, entry.url)
            return
        self.sched.push(entry.host, _Job("page", entry.url, entry))

    def _dispatch(self, now: float) -> None:
        c, sched = self.config, self.sched
        while len(self._tasks) < c.global_concurrency:
            item = sched.pop_ready(now)
            if item is None:
                return
            host, job = item
            if job.kind != "robots" and c.respect_robots:
                origin = _origin(job.url)
                rob = self._robots.get(origin)
                if rob is None or now - rob[1] > robots.CACHE_SECONDS:
                    parked = self._parked.setdefault(origin, [])
                    parked.append((host, job))
                    if len(parked) > 1:  # robots.txt of this origin is already on its way
                        sched.cancel(host)
                        continue
                    job = _Job("robots", origin + "/robots.txt", origin=origin)
                elif not rob[0].allowed(job.url, c.user_agent):
                    sched.cancel(host)
                    if job.kind == "page" and job.entry is not None:
                        self._blocked_by_robots(job.entry, job.url)
                    continue
            elif job.kind == "page" and not c.respect_robots:
                self._origin_seen(_origin(job.url))
            self.frontier.record_host_time(host, time.time() + self.sched.hosts[host].delay)
            task = asyncio.get_running_loop().create_task(self._run_job(host, job))
            self._tasks[task] = host
            task.add_done_callback(self._tasks.pop)

    def _flush(self) -> None:
        if self._adds:
            adds, self._adds = self._adds, []
            self.frontier.add(adds)
            self._claim_after = 0.0
        if self._outcomes:
            if self.on_flush is not None:
                self.on_flush()
            outcomes, self._outcomes = self._outcomes, []
            self.frontier.finish(outcomes)

    def _report(self, seconds: float) -> None:
        assert self.progress is not None
        s = self.stats
        self.progress(CrawlProgress(s.pages, s.pages / seconds if seconds > 0 else 0.0,
                                    self.sched.queued_jobs() + len(self._adds), len(self._tasks),
                                    sum(s.errors.values())))

    # --- one job ---------------------------------------------------------------------------

    async def _run_job(self, host: str, job: _Job) -> None:
        assert self._session is not None
        c = self.config
        want: tuple[str, ...] | None = _fetch.HTML_TYPES if job.kind == "page" else None
        limits = self.limits
        if job.kind == "robots":
            limits = _fetch.Limits(limits.connect, limits.read, limits.total, robots.MAX_BYTES)
        elif job.kind == "sitemap":
            limits = _fetch.Limits(limits.connect, limits.read, limits.total, SITEMAP_MAX_BYTES)
        try:
            resp: _fetch.Response | _fetch.FetchFailed = await _fetch.fetch(
                self._session, job.url, limits, want=want, address_map=c.address_map)
        except _fetch.FetchFailed as exc:
            resp = exc
        backoff = 0.0
        try:
            if job.kind == "robots":
                self._robots_done(job, resp)
            else:
                backoff = self._handle(host, job, resp)
        finally:
            self.sched.done(host, backoff=backoff)
            self.frontier.record_host_time(host, time.time() + self.sched.hosts[host].delay)

    def _retry_wait(self, job: _Job, resp: _fetch.Response | _fetch.FetchFailed) -> float | None:
        """Seconds to back off before retrying ``job``; None when it must not be retried."""
        c = self.config
        if isinstance(resp, _fetch.FetchFailed):
            transient = resp.kind in _fetch.TRANSIENT_KINDS
            asked = None
        else:
            transient = resp.status in _fetch.RETRY_STATUSES
            asked = resp.retry_after
        if not transient:
            return None
        wait = c.backoff * (2**job.attempt) if asked is None else asked
        return min(wait, c.max_retry_after)

    def _handle(self, host: str, job: _Job, resp: _fetch.Response | _fetch.FetchFailed) -> float:
        """Process a page or sitemap response; the back-off for the host (0: none)."""
        c, s = self.config, self.stats
        wait = self._retry_wait(job, resp)
        if wait is not None and job.attempt < c.retries:
            s.retries += 1
            job.attempt += 1
            self.sched.push(host, job, first=True)
            return wait
        if isinstance(resp, _fetch.FetchFailed):
            if job.kind == "sitemap":
                s.errors["sitemap-" + resp.kind] += 1
            elif resp.kind == "blocked":
                s.blocked_guard += 1
                self._finish(job, "blocked", 0, resp.kind + ": " + str(resp))
            else:
                s.errors[resp.kind] += 1
                self._finish(job, "failed", 0, resp.kind + ": " + str(resp))
            return wait or 0.0
        s.bytes += resp.wire_bytes
        if resp.status in _fetch.REDIRECT_STATUSES and resp.location is not None:
            self._redirect(job, resp)
        elif job.kind == "sitemap":
            self._sitemap_done(job, resp)
        else:
            self._page_done(job, resp)
        return wait or 0.0

    def _capture(self, url: str, final_url: str, resp: _fetch.Response) -> Capture:
        return Capture(url=url, status=resp.status, headers=resp.headers, body=resp.body,
                       fetched_at=_dt.datetime.now(_dt.UTC), via=Source.CRAWL,
                       observed_in=f"crawl:{self.config.name}", final_url=final_url,
                       ip=resp.ip)

    def _redirect(self, job: _Job, resp: _fetch.Response) -> None:
        c, s = self.config, self.stats
        assert resp.location is not None
        s.redirects += 1
        if job.kind == "page" and job.entry is not None:
            self.on_capture(self._capture(job.url, job.url, resp), job.entry)
        try:
            target = guard.check_redirect(job.url, resp.location, c.net_policy)
        except BlockedURLError as exc:
            s.blocked_guard += 1
            self._finish(job, "blocked", resp.status, str(exc))
            return
        canon = canonicalize(target) or target
        host = urls.host(canon)
        if job.hops >= c.max_redirects:
            s.errors["too-many-redirects"] += 1
            self._finish(job, "failed", resp.status, f"more than {c.max_redirects} redirects")
        elif job.kind == "page" and not self.scope.in_scope(canon, host):
            s.skipped["redirect-out-of-scope"] += 1
            self._finish(job, "done", resp.status, f"redirects out of scope to {canon[:200]}")
        elif job.kind == "page" and job.entry is not None and canon == job.entry.url:
            s.errors["redirect-loop"] += 1
            self._finish(job, "failed", resp.status, f"redirect loop back to {canon[:200]}")
        elif job.kind == "page" and canon in self._seen:
            # The target is (or will be) fetched as a frontier URL of its own: following the
            # redirect too would fetch the same page twice.
            self._finish(job, "done", resp.status, f"redirects to a known URL {canon[:200]}")
        else:
            if job.kind == "page":
                self._seen.add(canon)
            self.sched.push(host, _Job(job.kind, canon, job.entry, 0, job.hops + 1, job.level),
                            first=True)

    def _page_done(self, job: _Job, resp: _fetch.Response) -> None:
        s, entry = self.stats, job.entry
        assert entry is not None
        s.truncated += resp.truncated
        s.not_parsed += bool(resp.skipped_body)
        links = self.on_capture(self._capture(entry.url, job.url, resp), entry)
        s.pages += 1
        s.links += len(links)
        state: Literal["done", "failed"] = "done" if resp.status < 500 else "failed"
        if state == "failed":
            s.errors[f"http-{resp.status}"] += 1
        reason = resp.skipped_body or ("truncated" if resp.truncated else "")
        self._finish(job, state, resp.status, reason)
        if job.url != entry.url:
            # Reached through redirects: the frontier learns the final URL as fetched, in the
            # same flush, so neither this run nor a resumed one fetches it again.
            self._adds.append(FrontierEntry(job.url, urls.host(job.url), entry.depth, entry.url))
            self._outcomes.append(FetchOutcome(job.url, state, resp.status,
                                               f"reached by redirect from {entry.url[:200]}"))
        self._enqueue(links, job.url, entry.depth + 1)

    def _enqueue(self, links: Sequence[str], parent: str, depth: int) -> None:
        seen, scope, skipped = self._seen, self.scope, self.stats.skipped
        if len(seen) > 2_000_000:
            seen.clear()  # bound memory; the frontier still de-duplicates
        for link in links:
            url = canonicalize(link)
            if url is None:
                skipped["not-http"] += 1
                continue
            if url in seen:
                continue
            seen.add(url)
            host = urls.host(url)
            reason = scope.check(url, host, depth)
            if reason is None and not scope.admit(host):
                reason = "host-budget"
            if reason is not None:
                skipped[reason] += 1
                continue
            self._adds.append(FrontierEntry(url, host, depth, parent))

    def _finish(self, job: _Job, state: Literal["done", "failed", "blocked", "skipped"],
                status: int, reason: str) -> None:
        if job.entry is not None:
            self._outcomes.append(FetchOutcome(job.entry.url, state, status, reason[:300]))
            self._open -= 1

    def _blocked_by_robots(self, entry: FrontierEntry, url: str) -> None:
        origin = _origin(url)
        if origin in self._guarded:
            self.stats.blocked_guard += 1
            why = self._guarded[origin]
        else:
            self.stats.blocked_robots += 1
            rob = self._robots[origin][0]
            why = "robots.txt " + rob.check(url, self.config.user_agent).explain()
        self._outcomes.append(FetchOutcome(entry.url, "blocked", 0, why))
        self._open -= 1

    # --- robots.txt and sitemaps ------------------------------------------------------------

    def _robots_done(self, job: _Job, resp: _fetch.Response | _fetch.FetchFailed) -> None:
        c = self.config
        origin = job.origin
        if (isinstance(resp, _fetch.Response) and resp.status in _fetch.REDIRECT_STATUSES
                and resp.location and job.hops < max(robots.MAX_REDIRECTS, c.max_redirects)):
            try:
                target = guard.check_redirect(job.url, resp.location, c.net_policy)
            except BlockedURLError:
                target = ""
            if target:
                # Follow on the redirect target's host, through its politeness queue.
                nxt = _Job("robots", target, None, 0, job.hops + 1, origin=origin)
                self.sched.push(urls.host(target), nxt, first=True)
                return
        self.stats.robots_fetched += 1
        status = resp.status if isinstance(resp, _fetch.Response) else None
        policy = robots.policy_for_status(status)
        if policy == "parse" and isinstance(resp, _fetch.Response):
            rob = robots.RobotsTxt.parse(resp.body)
        elif policy == "allow_all":
            rob = robots.RobotsTxt.allow_all()
        else:
            rob = robots.RobotsTxt.disallow_all()
        if isinstance(resp, _fetch.FetchFailed) and resp.kind == "blocked":
            self._guarded[origin] = str(resp)  # the origin itself is refused by the guard
        self._robots[origin] = (rob, time.monotonic())
        delay = rob.crawl_delay(c.user_agent)
        host = urls.host(origin + "/")
        if delay is not None:
            self.sched.set_delay(host, min(delay, c.crawl_delay_cap))
        for phost, pjob in self._parked.pop(origin, []):
            if pjob.kind == "page" and pjob.entry is not None and not rob.allowed(
                    pjob.url, c.user_agent):
                self._blocked_by_robots(pjob.entry, pjob.url)
            else:
                self.sched.push(phost, pjob, first=True)
        self._origin_seen(origin, rob.sitemaps)

    def _origin_seen(self, origin: str, listed: Sequence[str] = ()) -> None:
        """Queue the sitemaps of an origin the first time the crawl meets it."""
        if not self.config.sitemaps or origin in self._sitemaps_left:
            return
        self._sitemaps_left[origin] = self.config.max_sitemaps
        for url in dict.fromkeys([*listed, origin + "/sitemap.xml"]):
            self._queue_sitemap(origin, url, 0)

    def _queue_sitemap(self, origin: str, url: str, level: int) -> None:
        canon = canonicalize(url)
        left = self._sitemaps_left.get(origin, 0)
        if canon is None or left <= 0 or level > 2:
            return
        self._sitemaps_left[origin] = left - 1
        self.sched.push(urls.host(canon), _Job("sitemap", canon, None, 0, 0, level))

    def _sitemap_done(self, job: _Job, resp: _fetch.Response) -> None:
        self.stats.sitemaps_fetched += 1
        if resp.status != 200:
            return
        body = resp.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz served as is (no Content-Encoding)
            d = zlib.decompressobj(31)
            try:
                body = d.decompress(body, SITEMAP_MAX_BYTES)
            except zlib.error:
                self.stats.errors["sitemap-bad-gzip"] += 1
                return
        locs = [unescape(m.decode("utf-8", "replace")) for m in _LOC.findall(body)]
        if not locs and b"<" not in body[:512]:  # a plain-text sitemap: one URL per line
            locs = [ln.strip() for ln in body.decode("utf-8", "replace").splitlines()]
        origin = _origin(job.url)
        if b"<sitemapindex" in body[:4096]:
            for loc in locs:
                self._queue_sitemap(origin, loc, job.level + 1)
        else:
            self._enqueue([u for u in locs if u], job.url, 0)
