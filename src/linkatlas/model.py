"""The records every layer passes: ``Link``, ``Page`` and ``Capture``.

Standard library only. ``LINK_COLUMNS`` and ``PAGE_COLUMNS`` are the one column list from which
the DuckDB tables, the Arrow/Parquet schema (and later the Spark schema) are generated; see
``docs/link-model.md`` for the merge keys and how first/last seen widen on re-sighting.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import typing
from dataclasses import dataclass
from typing import Literal, NamedTuple


class Placement(enum.StrEnum):
    """Where on the source page a link sits."""

    CONTENT = "content"
    NAVIGATION = "navigation"
    HEADER = "header"
    FOOTER = "footer"
    SIDEBAR = "sidebar"
    COMMENT = "comment"
    UNKNOWN = "unknown"


class LinkKind(enum.StrEnum):
    """How the link is expressed in the source document or protocol."""

    A = "a"  # <a href> with text
    IMAGE = "image"  # <a href> whose anchor is an image (anchor = its alt text)
    AREA = "area"  # <area href> in an image map
    CANONICAL = "canonical"  # <link rel=canonical> or Link: rel=canonical header
    ALTERNATE = "alternate"  # <link rel=alternate> (hreflang, feeds, amp)
    LINK = "link"  # any other <link href> worth keeping
    REFRESH = "refresh"  # <meta http-equiv=refresh>
    REDIRECT = "redirect"  # HTTP 3xx Location
    IMPORTED = "imported"  # a row of a third-party export (kind unknown)


class Source(enum.StrEnum):
    """How linkatlas observed a link or page."""

    CRAWL = "crawl"
    WARC = "warc"
    WAT = "wat"
    GSC = "gsc"
    AHREFS = "ahrefs"
    SEMRUSH = "semrush"
    MAJESTIC = "majestic"
    MOZ = "moz"


UTC = _dt.UTC
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True, kw_only=True)
class Link:
    """One hyperlink from a source URL to a target URL, as observed.

    URLs are normalised (``urls.normalize``); hosts are lower-case punycode; domains are
    registrable domains. ``anchor`` is the visible text, or the image alt text for image links.
    ``passes_credit`` is False when rel (nofollow, sponsored, ugc), page-level meta robots or
    X-Robots-Tag withhold ranking credit. ``position`` is the 0-based order of the link among
    all links of the page; ``occurrence`` counts earlier links on the same page with the same
    target, kind and anchor (it is part of the merge key).
    """

    source_url: str
    target_url: str
    source_host: str
    source_domain: str
    target_host: str
    target_domain: str
    anchor: str = ""
    kind: LinkKind = LinkKind.A
    rel: str = ""
    nofollow: bool = False
    sponsored: bool = False
    ugc: bool = False
    passes_credit: bool = True
    internal: bool = False
    placement: Placement = Placement.UNKNOWN
    context_before: str = ""
    context_after: str = ""
    position: int = 0
    occurrence: int = 0
    first_seen: _dt.datetime = EPOCH
    last_seen: _dt.datetime = EPOCH
    via: Source = Source.WARC
    observed_in: str = ""

    def merge_key(self) -> tuple[str, str, str, str, int]:
        """The identity of a link across sightings (see docs/link-model.md)."""
        return (self.source_url, self.target_url, self.kind.value, self.anchor, self.occurrence)


@dataclass(slots=True, kw_only=True)
class Page:
    """What was fetched at one URL and what the page says about itself."""

    url: str
    final_url: str
    host: str
    domain: str
    status: int
    fetched_at: _dt.datetime
    content_type: str = ""
    charset: str = ""
    content_length: int = 0
    title: str = ""
    language: str = ""
    word_count: int = 0
    canonical: str = ""
    meta_robots: str = ""
    x_robots_tag: str = ""
    internal_links: int = 0
    external_links: int = 0
    tracking_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    via: Source = Source.WARC
    observed_in: str = ""


@dataclass(slots=True, kw_only=True)
class Capture:
    """One HTTP response as a source delivers it, before extraction.

    ``headers`` keeps order and duplicates; names are as sent. ``url`` is the requested URL,
    ``final_url`` the URL after redirects the fetcher followed (equal for WARC records).
    ``observed_in`` says where it came from (``file.warc.gz@offset``, a crawl run id).
    """

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: _dt.datetime
    via: Source = Source.WARC
    observed_in: str = ""
    final_url: str = ""

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        return header_value(self.headers, name)


def header_value(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The first header of that name in an ordered header list (case-insensitive), or None."""
    lname = name.lower()
    for key, value in headers:
        if key.lower() == lname:
            return value
    return None


LogicalType = Literal["str", "int", "bool", "timestamp", "list[str]"]


class Column(NamedTuple):
    """One column of a stored table: its name and its logical type."""

    name: str
    type: LogicalType


_PY_TO_LOGICAL: dict[object, LogicalType] = {
    str: "str",
    int: "int",
    bool: "bool",
    _dt.datetime: "timestamp",
    tuple[str, ...]: "list[str]",
    LinkKind: "str",
    Placement: "str",
    Source: "str",
}


def columns_of(cls: type) -> tuple[Column, ...]:
    """The column list of a record dataclass, in field order."""
    hints = typing.get_type_hints(cls)
    return tuple(Column(f.name, _PY_TO_LOGICAL[hints[f.name]]) for f in dataclasses.fields(cls))


LINK_COLUMNS: tuple[Column, ...] = columns_of(Link)
PAGE_COLUMNS: tuple[Column, ...] = columns_of(Page)
LINK_KEY: tuple[str, ...] = ("source_url", "target_url", "kind", "anchor", "occurrence")
PAGE_KEY: tuple[str, ...] = ("url",)


@dataclass(slots=True)
class Extracted:
    """What extraction makes of one capture: the page record and its links, in page order."""

    page: Page
    links: list[Link]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record a source or stage could not use: where it was and why, in one line."""

    observed_in: str
    reason: str


@dataclass(frozen=True, slots=True)
class RefDomain:
    """One referring domain of a target, aggregated over its links."""

    domain: str
    links: int
    followed_links: int
    pages: int
    first_seen: _dt.datetime
    last_seen: _dt.datetime
    top_anchor: str


@dataclass(frozen=True, slots=True)
class AnchorStat:
    """One anchor text pointing at a target, aggregated."""

    anchor: str
    links: int
    refdomains: int
    followed_links: int


@dataclass(frozen=True, slots=True)
class Target:
    """What a query is about: a registrable domain, a host, or one URL (normalised)."""

    scope: Literal["domain", "host", "url"]
    value: str


@dataclass(frozen=True, slots=True)
class Profile:
    """The backlink profile of a target at a glance."""

    target: Target
    links: int
    refdomains: int
    followed: int
    nofollow: int
    sponsored: int
    ugc: int
    by_placement: dict[str, int]
    by_kind: dict[str, int]
    top_refdomains: tuple[RefDomain, ...]
    top_anchors: tuple[AnchorStat, ...]
    top_pages: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """A URL waiting in (or taken from) a crawl frontier.

    ``url`` is normalised (tracking and session parameters already removed); ``depth`` counts
    link hops from a seed (a seed is 0, a sitemap URL counts as a seed); ``order`` is the
    discovery order the frontier assigns (first come, first served within a depth).
    """

    url: str
    host: str
    depth: int = 0
    parent: str = ""
    order: int = 0


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What became of one frontier URL: ``state`` is done, failed, blocked (robots or scope
    or the request-forgery guard) or skipped; ``status`` the HTTP status (0 if none)."""

    url: str
    state: Literal["done", "failed", "blocked", "skipped"]
    status: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class GraphInfo:
    """A stored link graph: its name (``index:domain``, ``import:ukwa``), level and size.

    ``level`` is ``domain``, ``host``, ``page`` or ``node``; ``source`` says where the edges came
    from (``index``, or the imported file); ``dropped`` counts input edges left out (self-loops,
    duplicate pairs, links that pass no credit) by reason.
    """

    name: str
    level: str
    source: str
    nodes: int
    edges: int
    built_at: _dt.datetime
    options: str = ""
    dropped: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorityRow:
    """One node of a ranked graph: raw PageRank and harmonic centrality (None when it was not
    computed), score 0..100, rank."""

    graph: str
    id: int
    name: str
    pagerank: float
    harmonic: float | None
    score: float
    rank: int
    version: int


@dataclass(frozen=True, slots=True)
class Contribution:
    """A referring node and the share of a node's incoming PageRank it provides."""

    name: str
    share: float
    score: float


@dataclass(frozen=True, slots=True)
class Authority:
    """A node's score explained: where it stands and which referring nodes give it authority.

    ``if_link_from`` / ``pagerank_gain`` / ``score_gain`` answer "what would one more followed
    link from that node change" (first-order estimate, docs/authority.md).
    """

    row: AuthorityRow
    nodes: int
    referring: int
    contributors: tuple[Contribution, ...]
    if_link_from: str | None = None
    pagerank_gain: float | None = None
    score_gain: float | None = None
    already_linked: bool = False
