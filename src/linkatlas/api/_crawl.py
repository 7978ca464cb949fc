"""Crawling, verification of one page, and robots.txt checks."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from linkatlas import settings as _settings
from linkatlas import urls
from linkatlas.api._common import _db, log, parse_target
from linkatlas.errors import InputError
from linkatlas.extract import add_features, links_from_page
from linkatlas.model import (
    Capture,
    FrontierEntry,
    LinkKind,
    Target,
)
from linkatlas.sources.crawler import CrawlConfig, Crawler, CrawlProgress, CrawlStats
from linkatlas.sources.fetch import Limits as FetchLimits
from linkatlas.sources.guard import parse_allow_net
from linkatlas.sources.robots import RobotsTxt, Verdict
from linkatlas.sources.verify import Verification, verify_page
from linkatlas.store import Index

# Links the crawler follows: hyperlinks and the ways a page sends a client elsewhere.
FOLLOW_KINDS = frozenset({LinkKind.A, LinkKind.IMAGE, LinkKind.AREA, LinkKind.CANONICAL,
                          LinkKind.REFRESH, LinkKind.REDIRECT})


@dataclasses.dataclass(slots=True)
class CrawlReport:
    """What a crawl did, and where its frontier stands."""

    name: str
    stats: CrawlStats
    frontier: dict[str, int]
    skipped_pages: int = 0


def crawl(
    seeds: Sequence[str],
    *,
    db: str | Path | None = None,
    name: str = "crawl",
    allow_net: Sequence[str] = (),
    address_map: dict[str, tuple[str, int]] | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
    context_chars: int | None = None,
    **options: Any,
) -> CrawlReport:
    """Crawl from the seeds into the index; a crawl of the same name resumes where it stopped.

    ``options`` are ``CrawlConfig`` fields (max_pages, max_depth, hosts, include, exclude,
    min_delay, per_host_concurrency, global_concurrency, user_agent, timeouts, ...).
    """
    conf = _settings.load({"context_chars": context_chars})
    try:
        config = CrawlConfig(name=name, seeds=tuple(seeds), net_policy=parse_allow_net(allow_net),
                             address_map=address_map, **options)
    except TypeError as exc:
        raise InputError(f"unknown crawl option: {exc}") from exc
    chars = int(conf["context_chars"])
    with Index(_db(db if db is not None else conf["db"])) as index:
        frontier = index.frontier(name)
        skipped = 0

        def on_capture(capture: Capture, entry: FrontierEntry) -> list[str]:
            nonlocal skipped
            try:
                result = add_features(links_from_page(capture, context_chars=chars), capture.body)
            except Exception:  # one hostile page costs itself, never the crawl
                log.debug("extraction failed on %s", capture.url, exc_info=True)
                skipped += 1
                return []
            frontier.stage([result.page], result.links)
            return [link.target_url for link in result.links if link.kind in FOLLOW_KINDS]

        crawler = Crawler(config, frontier, on_capture, progress=progress)
        try:
            stats = asyncio.run(crawler.run())
        finally:
            frontier.close()
        index.optimize(if_needed=True)
        return CrawlReport(name=name, stats=stats, frontier=frontier.counts(),
                           skipped_pages=skipped)




def verify(
    page_url: str,
    to: str | Target,
    *,
    allow_net: Sequence[str] = (),
    address_map: dict[str, tuple[str, int]] | None = None,
    follow_redirectors: bool = False,
    timeout: float = 30.0,
) -> Verification:
    """Fetch one page (guarded) and say whether it links to ``to`` and passes credit.

    A fetch failure (blocked URL, network, too many redirects) is a ``fetch-failed`` verdict,
    not an exception; a bad target or page URL raises InputError.
    """
    tgt = to if isinstance(to, Target) else parse_target(to)
    text = page_url.strip()
    if "://" not in text:
        text = "https://" + text  # as parse_target does for a URL without a scheme
    if urls.parts(text) is None:
        raise InputError(f"{page_url!r} is not a page URL (like https://example.com/page)")
    if timeout <= 0:
        raise InputError("--timeout must be positive")
    limits = FetchLimits(connect=min(10.0, timeout), read=min(20.0, timeout), total=timeout)
    return asyncio.run(verify_page(text, tgt, policy=parse_allow_net(allow_net),
                                   address_map=address_map,
                                   follow_redirectors=follow_redirectors, limits=limits))


def robots_check(robots_file: str | Path, urls_: Sequence[str], agent: str) -> list[Verdict]:
    """For each URL, whether the robots.txt file lets ``agent`` fetch it, and the deciding rule."""
    path = Path(robots_file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    parsed = RobotsTxt.parse(content)
    return [parsed.check(url, agent) for url in urls_]
