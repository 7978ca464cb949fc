"""A few pages of each of several sites, fetched politely: the home page, then pages it picks.

For looking at a site rather than crawling it (removal-request contacts): per site, robots.txt
(RFC 9309, honoured), the home page, then up to ``max_pages - 1`` URLs that the caller's
``choose`` picks from the site and its home page's extraction, one at a time with ``delay``
seconds between requests. Every request and redirect goes through the request-forgery guard.
Sites are fetched concurrently (``concurrency`` at a time). Never writes anything.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import aiohttp

from linkatlas import urls
from linkatlas.errors import BlockedURLError, FetchError
from linkatlas.extract import links_from_page
from linkatlas.model import Capture, Extracted, Source
from linkatlas.sources import fetch as _fetch
from linkatlas.sources import guard, robots
from linkatlas.sources.crawler import DEFAULT_USER_AGENT

MAX_REDIRECTS = 5


@dataclass(slots=True)
class FetchedPage:
    """One fetched page: the capture and what extraction made of it."""

    capture: Capture
    extracted: Extracted


@dataclass(slots=True)
class SiteFetch:
    """What was fetched of one site, and each URL that could not be, with the reason."""

    site: str
    pages: list[FetchedPage] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


Choose = Callable[[str, Extracted], Sequence[str]]  # (site, home page) -> URLs


async def _get(session: aiohttp.ClientSession, url: str, limits: _fetch.Limits,
               policy: guard.NetPolicy, address_map: Mapping[str, tuple[str, int]] | None,
               want: tuple[str, ...] | None = _fetch.HTML_TYPES) -> tuple[_fetch.Response, str]:
    """The final response and URL, redirects followed by hand under the guard; FetchError."""
    current = guard.check_url(url, policy).url
    seen = [current]
    while True:
        resp = await _fetch.fetch(session, current, limits, want=want, address_map=address_map)
        if resp.status not in _fetch.REDIRECT_STATUSES or not resp.location:
            return resp, current
        if len(seen) > MAX_REDIRECTS:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url[:100]!r}")
        try:
            current = guard.check_redirect(current, resp.location, policy)
        except BlockedURLError as exc:
            raise BlockedURLError(f"{exc} (redirect from {current[:100]})") from None
        if current in seen:
            raise FetchError(f"redirect loop at {current[:100]!r}")
        seen.append(current)


class _SiteFetcher:
    def __init__(self, session: aiohttp.ClientSession, limits: _fetch.Limits,
                 policy: guard.NetPolicy, address_map: Mapping[str, tuple[str, int]] | None,
                 user_agent: str, delay: float) -> None:
        self.session, self.limits, self.policy = session, limits, policy
        self.address_map, self.agent, self.delay = address_map, user_agent, delay
        self.robots: dict[str, robots.RobotsTxt] = {}
        self.unreachable: dict[str, str] = {}  # origin -> why nothing there may be fetched

    async def _robots(self, origin: str) -> robots.RobotsTxt:
        if origin not in self.robots:
            lim = _fetch.Limits(self.limits.connect, self.limits.read, self.limits.total,
                                robots.MAX_BYTES)
            try:
                resp, _ = await _get(self.session, origin + "/robots.txt", lim, self.policy,
                                     self.address_map, want=None)
            except FetchError as exc:
                self.robots[origin] = robots.RobotsTxt.disallow_all()
                self.unreachable[origin] = f"site unreachable ({exc})"
            else:
                if 200 <= resp.status < 300:
                    self.robots[origin] = robots.RobotsTxt.parse(resp.body)
                elif 400 <= resp.status < 500:
                    self.robots[origin] = robots.RobotsTxt.allow_all()
                else:  # RFC 9309: a server error means the site is off limits for now
                    self.robots[origin] = robots.RobotsTxt.disallow_all()
                    self.unreachable[origin] = f"robots.txt answered HTTP {resp.status}"
            await asyncio.sleep(self.delay)
        return self.robots[origin]

    async def page(self, url: str, out: SiteFetch) -> FetchedPage | None:
        """One page (robots.txt first), or None with the reason recorded in ``out``."""
        parts = urls.parts(url)
        origin = f"{parts.protocol}//{parts.hostname}" if parts else url
        if parts and parts.port:
            origin += f":{parts.port}"
        try:
            verdict = (await self._robots(origin)).check(url, self.agent)
            if not verdict.allowed:
                out.failures.append((url, self.unreachable.get(origin,
                                                               "disallowed by robots.txt")))
                return None
            resp, final = await _get(self.session, url, self.limits, self.policy,
                                     self.address_map)
        except FetchError as exc:
            out.failures.append((url, str(exc)))
            return None
        finally:
            await asyncio.sleep(self.delay)
        if resp.status >= 400 or not resp.body:
            out.failures.append((url, f"HTTP {resp.status}" + (f", {resp.skipped_body}"
                                                               if resp.skipped_body else "")))
            return None
        capture = Capture(url=url, final_url=final, status=resp.status, headers=resp.headers,
                          body=resp.body, fetched_at=_dt.datetime.now(_dt.UTC),
                          via=Source.CRAWL, observed_in="contacts", ip=resp.ip)
        try:
            extracted = links_from_page(capture)
        except Exception as exc:  # a hostile page is one failure, not a traceback
            out.failures.append((url, f"cannot read the page: {type(exc).__name__}"))
            return None
        fetched = FetchedPage(capture, extracted)
        out.pages.append(fetched)
        return fetched


async def _site(fetcher: _SiteFetcher, site: str, choose: Choose, max_pages: int,
                gate: asyncio.Semaphore) -> SiteFetch:
    out = SiteFetch(site)
    async with gate:
        home = None
        # Some sites answer on plain HTTP only, and some domains only on their www host.
        starts = [f"https://{site}/", f"http://{site}/"]
        if urls.registrable_domain(site) == site:
            starts += [f"https://www.{site}/", f"http://www.{site}/"]
        for start in starts:
            home = await fetcher.page(start, out)
            if home is not None:
                break
        if home is None:
            return out
        done = {home.capture.url, home.capture.final_url}
        for url in choose(site, home.extracted):
            if len(out.pages) >= max_pages:
                break
            if url not in done:
                done.add(url)
                await fetcher.page(url, out)
    return out


async def _all(sites: Sequence[str], choose: Choose, *, max_pages: int, policy: guard.NetPolicy,
               address_map: Mapping[str, tuple[str, int]] | None, limits: _fetch.Limits,
               user_agent: str, delay: float, concurrency: int) -> list[SiteFetch]:
    session = _fetch.open_session(user_agent=user_agent, limits=limits, policy=policy,
                                  address_map=address_map, concurrency=concurrency * 2)
    try:
        fetcher = _SiteFetcher(session, limits, policy, address_map, user_agent, delay)
        gate = asyncio.Semaphore(concurrency)
        return list(await asyncio.gather(*(_site(fetcher, s, choose, max_pages, gate)
                                           for s in sites)))
    finally:
        await session.close()


def fetch_sites(
    sites: Sequence[str],
    choose: Choose,
    *,
    max_pages: int = 4,
    policy: guard.NetPolicy = guard.DEFAULT_POLICY,
    address_map: Mapping[str, tuple[str, int]] | None = None,
    limits: _fetch.Limits | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    delay: float = 1.0,
    concurrency: int = 8,
) -> list[SiteFetch]:
    """For each site (a host), its home page and the pages ``choose`` picks, in site order."""
    lim = limits or _fetch.Limits(total=30.0)
    return asyncio.run(_all(sites, choose, max_pages=max_pages, policy=policy,
                            address_map=address_map, limits=lim, user_agent=user_agent,
                            delay=delay, concurrency=concurrency))
