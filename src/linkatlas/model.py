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
    """What was fetched at one URL and what the page says about itself.

    ``ip`` is the server address when the source recorded it (crawl peer, WARC-IP-Address).
    ``terms`` are the page's most frequent content words (lower case, stopwords out, most
    frequent first), ``phrases`` the link-selling and commercial phrases found in its text,
    ``template`` a fingerprint of its markup vocabulary (equal for pages built from one
    template); ``extract.features`` fills them, the audit and the profile read them.
    """

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
    ip: str = ""
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    template: str = ""
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
    ip: str = ""  # the server's address, when the source recorded it

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
    """What extraction makes of one capture: the page record and its links, in page order.

    ``text`` is the page's visible body text as extraction saw it (it may hold private-use
    marker characters around link text); ``extract.features`` reads it, nothing stores it.
    """

    page: Page
    links: list[Link]
    text: str = ""


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
class Bucket:
    """One slice of a profile split (a placement, a kind, an anchor class, a language, a TLD,
    an authority band, a subnet): its links, referring domains and followed links."""

    name: str
    links: int
    refdomains: int
    followed: int = 0


@dataclass(frozen=True, slots=True)
class ClassifiedAnchor:
    """An anchor text pointing at a target, with its class (docs/profile.md)."""

    anchor: str
    kind: str
    cls: str
    links: int
    refdomains: int


@dataclass(frozen=True, slots=True)
class SitewideGroup:
    """One referring host that links to the target from a template position on most of its
    pages: counted once in the editorial figures. ``host_pages`` is 0 when the index holds no
    page records of the host (an imported link list)."""

    host: str
    domain: str
    anchor: str
    kind: str
    placement: str
    pages: int
    host_pages: int
    links: int
    reason: str


@dataclass(frozen=True, slots=True)
class WeekCount:
    """Referring domains gained (first link first seen) and lost (last live link gone) in the
    week starting on ``week`` (a Monday, UTC)."""

    week: _dt.date
    new: int
    lost: int


@dataclass(frozen=True, slots=True)
class VelocitySpike:
    """A week whose new referring domains far exceed the baseline of the weeks before it."""

    week: _dt.date
    new: int
    baseline: float
    threshold: float
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """The backlink profile of a target (sections defined in docs/profile.md).

    Counts exclude internal links. ``links_once`` counts each sitewide group as one link.
    ``authority_graph`` is the scored graph the authority bands come from ('' when no
    ``linkatlas rank`` has run: every domain is then in the band "not scored").
    """

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
    refhosts: int = 0
    ref_pages: int = 0
    ref_ips: int = 0
    ref_subnets: int = 0
    links_once: int = 0
    rel: tuple[Bucket, ...] = ()
    placements: tuple[Bucket, ...] = ()
    kinds: tuple[Bucket, ...] = ()
    subnets: tuple[Bucket, ...] = ()
    brand: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    brand_inferred: bool = False
    keywords_inferred: bool = False
    anchor_classes: tuple[Bucket, ...] = ()
    classified_anchors: tuple[ClassifiedAnchor, ...] = ()
    languages: tuple[Bucket, ...] = ()
    tlds: tuple[Bucket, ...] = ()
    authority_graph: str = ""
    authority: tuple[Bucket, ...] = ()
    sitewide: tuple[SitewideGroup, ...] = ()
    weeks: tuple[WeekCount, ...] = ()
    spikes: tuple[VelocitySpike, ...] = ()
    # Referral visits (store/traffic.py): None when the index holds no traffic for the target.
    referrals: tuple[ReferrerVisits, ...] | None = None
    referral_visits: int = 0
    referral_domains: int = 0
    referral_domains_linking: int = 0
    # Which sources saw the links and capture-recapture estimates (link_sources table) go here.


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


@dataclass(slots=True, kw_only=True)
class ImportedStat:
    """One aggregate row of a third-party export that names no single link.

    ``report`` is ``refdomain`` (a referring domain), ``anchor`` (an anchor text),
    ``linked_page`` (a page of the target that gets links), ``linking_site`` or
    ``linking_page`` (a site or page linking to the target, without the page it links to).
    ``target`` is the property the export is about (a domain, host or URL, as ``Target.value``);
    ``key`` is the domain, anchor, host or URL the row is about. ``links``, ``domains`` and
    ``pages`` are the vendor's counts (0 when the export has none); see docs/imports.md.
    """

    target: str
    via: Source
    report: str
    key: str
    links: int = 0
    domains: int = 0
    pages: int = 0
    first_seen: _dt.datetime = EPOCH
    last_seen: _dt.datetime = EPOCH
    observed_in: str = ""


IMPORTED_STAT_COLUMNS: tuple[Column, ...] = columns_of(ImportedStat)
IMPORTED_STAT_KEY: tuple[str, ...] = ("target", "via", "report", "key")
IMPORTED_REPORTS: tuple[str, ...] = (
    "refdomain", "anchor", "linked_page", "linking_site", "linking_page",
)


@dataclass(frozen=True, slots=True)
class SourcedLink:
    """A link to an audit target with the page that carries it (None when not in the index)."""

    link: Link
    page: Page | None


@dataclass(frozen=True, slots=True)
class Referrer:
    """One referring domain of an audit target and what the index knows about it.

    Counts of ``links``/``followed``/``linking_pages``/``anchors`` are of its links to the
    target; ``pages``, the per-page means and the distinct ``languages``, ``tracking_ids``,
    ``templates``, ``ips`` and ``phrases`` are over all its indexed HTML pages. ``links_back``
    counts links from the target to it; ``authority`` is its 0..100 domain score, None unranked.
    """

    domain: str
    links: int
    followed: int
    linking_pages: int
    anchors: int
    pages: int
    words_per_page: float
    external_per_page: float
    languages: tuple[str, ...] = ()
    tracking_ids: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    links_back: int = 0
    authority: float | None = None


@dataclass(frozen=True, slots=True)
class SharedTrait:
    """A tracking id, template print, server address or IPv4 /24 subnet that several referring
    domains share."""

    kind: Literal["tracking_id", "template", "ip", "subnet"]
    value: str
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuditData:
    """Everything the audit reads from the index about one target (``store.auditdata``).

    ``interlinks`` are (source domain, target domain, links) among the referring domains;
    ``target_terms`` the target site's terms with their summed rank weights; ``term_df`` the
    document frequency of the terms involved over ``documents`` sampled pages; ``duplicates``
    maps a linking page to the other domains (the target's among them) with the same text.
    """

    target: Target
    links: tuple[SourcedLink, ...]
    referrers: tuple[Referrer, ...]
    shared: tuple[SharedTrait, ...]
    interlinks: tuple[tuple[str, str, int], ...]
    target_terms: tuple[tuple[str, float], ...]
    target_languages: tuple[tuple[str, int], ...]
    target_titles: tuple[str, ...]
    term_df: tuple[tuple[str, int], ...]
    documents: int
    duplicates: tuple[tuple[str, tuple[str, ...]], ...] = ()


# -- referral traffic (sources.traffic, store.traffic, docs/traffic.md) ------------------------


@dataclass(slots=True, kw_only=True)
class Referral:
    """Visits from one referrer to one landing page of a site over one period, from one file.

    ``day`` and ``until`` are ISO dates (``YYYY-MM-DD``): the first and last day the row covers
    (equal for daily rows; a GA4 export without a Date column covers its whole range). The
    referrer is unknown (all three fields empty) for common-format logs and for direct hits
    kept because they landed on a 404/410 page; ``referrer_url`` is empty when only the
    referring host is known (GA4 session source). ``status`` is 0 when unknown (GA4).
    ``via`` is ``log`` or ``ga4``; ``observed_in`` names the file and a fingerprint of its
    first bytes, so re-reading a file (or its rotated copy) replaces its rows.
    """

    site: str
    day: str
    until: str
    referrer_url: str
    referrer_host: str
    referrer_domain: str
    landing_url: str
    status: int
    visits: int
    via: str
    observed_in: str


REFERRAL_COLUMNS: tuple[Column, ...] = columns_of(Referral)
REFERRAL_KEY: tuple[str, ...] = (
    "site", "day", "until", "referrer_url", "referrer_host", "landing_url", "status", "via",
    "observed_in",
)


@dataclass(frozen=True, slots=True)
class ReferrerVisits:
    """Referral visits to a target from one referring domain, and the days they span."""

    domain: str
    visits: int
    referring_pages: int
    landing_pages: int
    first_day: _dt.date
    last_day: _dt.date


@dataclass(frozen=True, slots=True)
class ReferringPageVisits:
    """Referral visits to a target from one referring page."""

    referrer_url: str
    domain: str
    visits: int
    landing_pages: int
    first_day: _dt.date
    last_day: _dt.date


@dataclass(frozen=True, slots=True)
class LandingVisits:
    """Visits to one landing page (with the status it answered): all, and those with a
    known referrer, from how many referring domains."""

    landing_url: str
    status: int
    visits: int
    referred_visits: int
    referring_domains: int
    first_day: _dt.date
    last_day: _dt.date


@dataclass(frozen=True, slots=True)
class DeadPage:
    """A landing page that answered 404 or 410 and still gets visits, with its top referrers."""

    landing_url: str
    status: int
    visits: int
    referred_visits: int
    referring_domains: int
    top_referrers: tuple[str, ...]
    first_day: _dt.date
    last_day: _dt.date


@dataclass(slots=True, kw_only=True)
class Sighting:
    """One source's record of one link (source page -> target URL): when that source first and
    last saw it. The ``link_sources`` table keeps one row per (source_url, target_url, via),
    written with every link batch; see docs/sources.md."""

    source_url: str
    target_url: str
    source_domain: str
    target_host: str
    target_domain: str
    via: Source
    first_seen: _dt.datetime
    last_seen: _dt.datetime
    observed_in: str = ""


SIGHTING_COLUMNS: tuple[Column, ...] = columns_of(Sighting)
SIGHTING_KEY: tuple[str, ...] = ("source_url", "target_url", "via")


@dataclass(frozen=True, slots=True)
class LinkSources:
    """A backlink (source page -> target URL) and every source that saw it."""

    source_url: str
    target_url: str
    seen: tuple[Sighting, ...]


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """What one source saw of one unit of a target's backlinks: items, items some other source
    saw too, and the span of its sightings."""

    seen: int
    shared: int
    first_seen: _dt.datetime | None = None
    last_seen: _dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """What one source saw of a target's backlinks (unit: "backlinks" are source page ->
    target URL pairs, "refdomains" referring domains) and a capture-recapture estimate of what
    it misses. ``shared`` counts the items some other source also saw; ``estimate`` is the
    Chapman estimate of the whole population from this source against all the others (None
    when no other source saw anything of it), ``missed`` = estimate - seen, with ``low`` and
    ``high`` the 95% interval of the estimate (docs/sources.md)."""

    via: str
    unit: str
    seen: int
    shared: int
    others: int
    union: int
    estimate: float | None
    missed: float | None
    low: float | None
    high: float | None
    first_seen: _dt.datetime | None = None
    last_seen: _dt.datetime | None = None
