"""The model of the sample web: sites, pages, the links each page is meant to carry.

Frozen records only; ``sites.build`` fills them. ``ExpectedLink`` is the ground truth of a page:
every hyperlink the generator wrote into it (``<a>``, ``<area>``, ``<link rel=canonical>``, and
the ``Location`` of a 3xx), so extraction quality can be checked against it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from linkatlas.model import LinkKind, Placement, header_value


@dataclass(frozen=True, slots=True)
class ExpectedLink:
    """One link the generator placed on a page, as a correct extractor should report it.

    ``target_url`` is absolute and normalised; ``href`` is the attribute as written (it may be
    relative). ``tags`` name the case the link exercises (``anchor:exact``, ``network``,
    ``signature``, ``author-box``, ``sponsored-post`` ...).
    """

    target_url: str
    anchor: str
    placement: Placement
    rel: str = ""
    kind: LinkKind = LinkKind.A
    href: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SamplePage:
    """One URL of the sample web and the HTTP response it gives."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    title: str = ""
    lang: str = "en"
    truth: tuple[ExpectedLink, ...] = ()
    emails: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    tracking_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        return header_value(self.headers, name)

    @property
    def content_type(self) -> str:
        """The Content-Type header, or ''."""
        return self.header("Content-Type") or ""


@dataclass(frozen=True, slots=True)
class SampleSite:
    """One host of the sample web: its role, its pages and how it behaves towards crawlers.

    ``robots_txt`` is None when the site has no robots.txt (the URL answers 404).
    ``dynamic`` renders URLs that are not stored (the crawl trap's endless calendar); it
    returns None for a URL it does not own.
    """

    host: str
    name: str
    role: str
    pages: tuple[SamplePage, ...]
    robots_txt: str | None
    latency_ms: int = 0
    template: str = "landmark"
    tags: tuple[str, ...] = ()
    dynamic: Callable[[str], SamplePage | None] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def origin(self) -> str:
        """The scheme and host every URL of the site starts with."""
        return f"https://{self.host}"


@dataclass(frozen=True, slots=True)
class Change:
    """One deliberate difference of version 2 from version 1, for monitoring tests.

    ``kind`` is one of ``link_removed``, ``rel_changed``, ``page_deleted``,
    ``page_redirected``, ``link_added``.
    """

    kind: str
    source_url: str
    target_url: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SampleWeb:
    """The whole generated web of one seed and version."""

    seed: int
    version: int
    sites: tuple[SampleSite, ...]
    target_host: str
    brand: str
    competitors: tuple[str, ...]
    fetched_at: _dt.datetime
    changes: tuple[Change, ...] = ()
    _index: dict[str, SamplePage] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for site in self.sites:
            for p in site.pages:
                self._index[p.url] = p

    def pages(self) -> Iterator[SamplePage]:
        """Every stored page, site by site, in a stable order."""
        for site in self.sites:
            yield from site.pages

    def page(self, url: str) -> SamplePage | None:
        """The page at ``url`` (stored or rendered by a site's dynamic part), or None."""
        found = self._index.get(url)
        if found is not None:
            return found
        site = self.site(url.split("/")[2] if url.count("/") >= 2 else "")
        if site is not None and site.dynamic is not None:
            return site.dynamic(url)
        return None

    def site(self, host: str) -> SampleSite | None:
        """The site of that host, or None."""
        for site in self.sites:
            if site.host == host:
                return site
        return None

    def ip_of(self, host: str) -> str:
        """The server address the archive records for a host (198.18.0.0/15, RFC 2544).

        Every site has its own /24 except the link network, whose sites share one /24 (cheap
        hosting bought together: the footprint the profile and the audit look for).
        """
        for i, site in enumerate(self.sites):
            if site.host == host:
                return f"198.19.77.{10 + i}" if site.role == "network" else f"198.18.{10 + i}.20"
        return ""

    def by_role(self, role: str) -> tuple[SampleSite, ...]:
        """The sites that play ``role``."""
        return tuple(s for s in self.sites if s.role == role)

    def links_to(self, host: str) -> Iterator[tuple[SamplePage, ExpectedLink]]:
        """Every expected link whose target is on ``host``, with the page that carries it."""
        prefix = f"https://{host}/"
        for p in self.pages():
            for link in p.truth:
                if link.target_url.startswith(prefix):
                    yield p, link
