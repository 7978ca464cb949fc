"""The backlink profile of one target, aggregated in DuckDB (definitions in docs/profile.md).

One scan of the target's links (a zone-map-pruned range once the links table is sorted by
target, docs/store.md), joined once with the pages table for what the crawl knows about each
source page (fetch time, language, server address), lands in a temporary table; each section
is then one aggregation over that table or over the per-domain table derived from it. Only
small results (distinct anchors, distinct addresses, weekly counts) come back to Python.
Distinct pages and domains are counted on 64-bit hashes of the strings (``su``, ``sd``): about
twice as fast as distinct strings, and a collision among a million values has a probability
near 1e-8.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import ipaddress
import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb

from linkatlas.extract.anchors import CLASSES, classify
from linkatlas.model import (
    PAGE_COLUMNS,
    UTC,
    AnchorStat,
    Bucket,
    ClassifiedAnchor,
    Profile,
    RefDomain,
    ReferrerVisits,
    SitewideGroup,
    Target,
    VelocitySpike,
    WeekCount,
)
from linkatlas.store.queries import _filters
from linkatlas.store.schema import first

SITEWIDE_MIN_PAGES = 5
SITEWIDE_SHARE = 0.5
BOILERPLATE = ("footer", "sidebar", "header", "navigation")
SPIKE_HISTORY = 4  # weeks of history before a week can be called a spike
SPIKE_WINDOW = 26  # the baseline is the median of at most this many previous weeks
SPIKE_K = 4.0  # threshold = median + K * max(scaled MAD, 1)
SPIKE_MIN_NEW = 5
_SCORED_DOMAIN_GRAPH = "index:domain"
_PAGE_NAMES = {c.name for c in PAGE_COLUMNS}


def _buckets(rows: Sequence[tuple[Any, ...]]) -> tuple[Bucket, ...]:
    return tuple(Bucket(name=str(r[0]), links=r[1], refdomains=r[2], followed=r[3]) for r in rows)


def _stage(con: duckdb.DuckDBPyConnection, target: Target) -> None:
    where, params = _filters(target, follow_only=False)
    ip = "p.ip" if "ip" in _PAGE_NAMES else "''"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _pt AS
        SELECT hash(l.source_url) AS su, hash(l.source_domain) AS sd, l.* EXCLUDE (source_url),
               p.fetched_at, coalesce(nullif(p.language, ''), 'unknown') AS language,
               coalesce({ip}, '') AS ip,
               CASE WHEN l.sponsored THEN 'sponsored' WHEN l.ugc THEN 'ugc'
                    WHEN l.nofollow THEN 'nofollow' WHEN l.passes_credit THEN 'followed'
                    ELSE 'nofollow (page)' END AS relc,
               CASE WHEN regexp_matches(l.source_host, '^[0-9.]+$|:') THEN '(IP address)'
                    ELSE regexp_extract(l.source_host, '[^.]+$') END AS tld
        FROM (SELECT source_url, source_host, source_domain, target_url, anchor, kind, nofollow,
                     sponsored, ugc, passes_credit, placement, first_seen, last_seen
              FROM links WHERE {where}) l
        LEFT JOIN pages p ON p.url = l.source_url""", params)
    # A domain is lost when every link of it was missing from a later fetch of its page; it
    # was lost when the last of them was found missing (docs/link-model.md).
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _pd AS
        SELECT any_value(source_domain) AS source_domain, count(*) AS links,
               count(*) FILTER (WHERE passes_credit) AS followed,
               count(DISTINCT su) AS pages, min(first_seen) AS first_seen,
               max(last_seen) AS last_seen,
               bool_and(coalesce(fetched_at > last_seen, false)) AS lost,
               max(fetched_at) AS lost_at
        FROM _pt GROUP BY sd""")


def profile(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    *,
    top: int = 10,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
    referrals: Sequence[ReferrerVisits] = (),
) -> Profile:
    """Every section of the target's profile (internal links excluded); ``referrals`` are the
    target's referral visits per referring domain, most first (none: traffic unknown)."""
    _stage(con, target)
    try:
        prof = _assemble(con, target, top, tuple(brands), tuple(keywords))
        if not referrals:
            return prof
        linking = first(con.execute(
            "SELECT count(*) FROM _pd WHERE list_contains(?, source_domain)",
            [[r.domain for r in referrals]]).fetchall())[0]
        return dataclasses.replace(
            prof, referrals=tuple(referrals[:top]),
            referral_visits=sum(r.visits for r in referrals), referral_domains=len(referrals),
            referral_domains_linking=int(linking))
    finally:
        for temp in ("_pt", "_pd", "_am", "_pi"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")


def _assemble(con: duckdb.DuckDBPyConnection, target: Target, top: int,
              brands: tuple[str, ...], keywords: tuple[str, ...]) -> Profile:
    tot = first(con.execute("""
        SELECT count(*), count(DISTINCT sd), count(DISTINCT source_host),
               count(DISTINCT su), count(*) FILTER (WHERE passes_credit),
               count(*) FILTER (WHERE nofollow), count(*) FILTER (WHERE sponsored),
               count(*) FILTER (WHERE ugc), count(DISTINCT ip) FILTER (WHERE ip <> '')
        FROM _pt""").fetchall())
    splits = _splits(con)
    sitewide = _sitewide(con)
    subnets, n_subnets = _subnets(con, top)
    classes, classified = _anchor_classes(con, brands, keywords, top)
    weeks = _weeks(con)
    graph, authority = _authority(con)
    pages = con.execute("SELECT target_url, count(*) FROM _pt GROUP BY 1 ORDER BY 2 DESC, 1 "
                        "LIMIT ?", [top]).fetchall()
    links_in_groups = sum(g.links for g in sitewide)
    return Profile(
        target=target, links=tot[0], refdomains=tot[1], followed=tot[4], nofollow=tot[5],
        sponsored=tot[6], ugc=tot[7],
        by_placement={b.name: b.links for b in splits["placement"]},
        by_kind={b.name: b.links for b in splits["kind"]},
        top_refdomains=_top_refdomains(con, top), top_anchors=_top_anchors(con, top),
        top_pages=tuple((r[0], r[1]) for r in pages),
        refhosts=tot[2], ref_pages=tot[3], ref_ips=tot[8], ref_subnets=n_subnets,
        links_once=tot[0] - links_in_groups + len(sitewide),
        rel=splits["relc"], placements=splits["placement"], kinds=splits["kind"],
        subnets=subnets, brand=brands, keywords=keywords, anchor_classes=classes,
        classified_anchors=classified, languages=splits["language"], tlds=splits["tld"],
        authority_graph=graph, authority=authority, sitewide=sitewide, weeks=weeks,
        spikes=_spikes(con, weeks),
    )


def _splits(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Bucket, ...]]:
    names = ("relc", "placement", "kind", "language", "tld")
    sets = ", ".join(f"({n})" for n in names)
    cols = ", ".join(names)
    rows = con.execute(f"""
        SELECT {cols}, count(*), count(DISTINCT sd),
               count(*) FILTER (WHERE passes_credit), GROUPING({cols})
        FROM _pt GROUP BY GROUPING SETS ({sets})""").fetchall()
    out: dict[str, list[tuple[Any, ...]]] = {n: [] for n in names}
    for r in rows:
        # GROUPING() has a 0 bit for the one column this row is grouped by
        grouped = next(i for i, n in enumerate(names) if not r[-1] >> (len(names) - 1 - i) & 1)
        out[names[grouped]].append((r[grouped], *r[len(names):len(names) + 3]))
    return {n: _buckets(sorted(v, key=lambda b: (-b[1], str(b[0])))) for n, v in out.items()}


def _top_refdomains(con: duckdb.DuckDBPyConnection, top: int) -> tuple[RefDomain, ...]:
    rows = con.execute("""
        WITH d AS (SELECT * FROM _pd ORDER BY links DESC, source_domain LIMIT ?),
        a AS (SELECT source_domain, anchor, count(*) AS n FROM _pt
              WHERE source_domain IN (SELECT source_domain FROM d) GROUP BY ALL)
        SELECT d.source_domain, d.links, d.followed, d.pages, d.first_seen, d.last_seen,
               (SELECT first(anchor ORDER BY n DESC, anchor) FROM a
                WHERE a.source_domain = d.source_domain)
        FROM d ORDER BY d.links DESC, d.source_domain""", [top]).fetchall()
    return tuple(RefDomain(domain=r[0], links=r[1], followed_links=r[2], pages=r[3],
                           first_seen=r[4].astimezone(UTC), last_seen=r[5].astimezone(UTC),
                           top_anchor=r[6]) for r in rows)


def _top_anchors(con: duckdb.DuckDBPyConnection, top: int) -> tuple[AnchorStat, ...]:
    rows = con.execute("""
        SELECT anchor, count(*), count(DISTINCT sd),
               count(*) FILTER (WHERE passes_credit)
        FROM _pt GROUP BY anchor ORDER BY 2 DESC, 3 DESC, 1 LIMIT ?""", [top]).fetchall()
    return tuple(AnchorStat(anchor=r[0], links=r[1], refdomains=r[2], followed_links=r[3])
                 for r in rows)


def _anchor_classes(
    con: duckdb.DuckDBPyConnection, brands: tuple[str, ...], keywords: tuple[str, ...], top: int
) -> tuple[tuple[Bucket, ...], tuple[ClassifiedAnchor, ...]]:
    rows = con.execute("""
        SELECT anchor, kind, count(*), count(DISTINCT sd) FROM _pt
        GROUP BY anchor, kind ORDER BY 3 DESC, 4 DESC, 1, 2""").fetchall()
    cls = [classify(r[0], r[1], brands, keywords) for r in rows]
    # lists as parameters, not an Arrow table: registering one imports pyarrow's pandas glue
    con.execute("CREATE OR REPLACE TEMP TABLE _am AS SELECT unnest(?) AS anchor, "
                "unnest(?) AS kind, unnest(?) AS cls",
                [[r[0] for r in rows], [r[1] for r in rows], cls])
    found = {r[0]: r for r in con.execute("""
        SELECT m.cls, count(*), count(DISTINCT p.sd),
               count(*) FILTER (WHERE p.passes_credit)
        FROM _pt p JOIN _am m ON m.anchor = p.anchor AND m.kind = p.kind
        GROUP BY m.cls""").fetchall()}
    buckets = tuple(Bucket(name=c, links=found[c][1], refdomains=found[c][2],
                           followed=found[c][3]) for c in CLASSES if c in found)
    classified = tuple(ClassifiedAnchor(anchor=r[0], kind=r[1], cls=c, links=r[2],
                                        refdomains=r[3]) for r, c in zip(rows[:top], cls,
                                                                         strict=False))
    return buckets, classified


def _subnets(con: duckdb.DuckDBPyConnection, top: int) -> tuple[tuple[Bucket, ...], int]:
    # Per (address, domain) first: far fewer rows than links. IPv4 /24s are then cut in SQL;
    # the (rarer) IPv6 and odd addresses go through ``subnet`` in Python.
    con.execute("""CREATE OR REPLACE TEMP TABLE _pi AS
                   SELECT ip, sd, count(*) AS n, count(*) FILTER (WHERE passes_credit) AS f
                   FROM _pt WHERE ip <> '' GROUP BY ALL""")
    v4 = r"regexp_matches(ip, '^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$')"
    nets = rf"""SELECT regexp_extract(ip, '^(.*)\.', 1) || '.0/24' AS net, sd, n, f
                FROM _pi WHERE {v4}"""
    count = first(con.execute(f"SELECT count(DISTINCT net) FROM ({nets})").fetchall())[0]
    ranked = con.execute(f"""
        SELECT net, sum(n)::BIGINT, count(DISTINCT sd), sum(f)::BIGINT
        FROM ({nets}) GROUP BY net ORDER BY 3 DESC, 2 DESC, 1 LIMIT ?""", [top]).fetchall()
    links: dict[str, int] = defaultdict(int)
    followed: dict[str, int] = defaultdict(int)
    domains: dict[str, set[int]] = defaultdict(set)
    for ip, sd, n, f in con.execute(f"SELECT ip, sd, n, f FROM _pi WHERE NOT {v4}").fetchall():
        net = subnet(ip)
        if net is not None:
            links[net] += n
            followed[net] += f
            domains[net].add(sd)
    rows = [(r[0], r[1], r[2], r[3]) for r in ranked]
    rows += [(net, links[net], len(domains[net]), followed[net]) for net in links]
    rows.sort(key=lambda r: (-r[2], -r[1], r[0]))
    return _buckets(rows[:top]), int(count) + len(links)


def subnet(address: str) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address, or None when it is not one."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _sitewide(con: duckdb.DuckDBPyConnection) -> tuple[SitewideGroup, ...]:
    places = ", ".join(f"'{p}'" for p in BOILERPLATE)
    rows = con.execute(f"""
        WITH t AS (
            SELECT source_host, anchor, kind, placement, count(DISTINCT su) AS pages
            FROM _pt GROUP BY ALL HAVING count(DISTINCT su) >= ?),
        h AS (SELECT source_host, count(DISTINCT su) AS linking FROM _pt
              WHERE source_host IN (SELECT source_host FROM t) GROUP BY 1),
        c AS (SELECT host, count(*) AS crawled FROM pages
              WHERE host IN (SELECT source_host FROM t) AND status BETWEEN 200 AND 299
              GROUP BY 1),
        q AS (
            SELECT t.*, coalesce(c.crawled, 0) AS crawled,
                   CASE WHEN coalesce(c.crawled, 0) > 0 AND t.pages >= ? * c.crawled
                        THEN 'on most of its pages'
                        ELSE 'same anchor and position on most linking pages' END AS reason
            FROM t JOIN h USING (source_host) LEFT JOIN c ON c.host = t.source_host
            WHERE (coalesce(c.crawled, 0) > 0 AND t.pages >= ? * c.crawled)
               OR (t.placement IN ({places}) AND t.pages >= ? * h.linking)),
        g AS (SELECT p.source_host, any_value(p.source_domain) AS domain,
                     count(DISTINCT p.su) AS pages, count(*) AS links
              FROM _pt p JOIN q ON q.source_host = p.source_host AND q.anchor = p.anchor
                   AND q.kind = p.kind AND q.placement = p.placement
              GROUP BY 1),
        best AS (SELECT source_host, arg_max(q, q.pages) AS tpl FROM q GROUP BY 1)
        SELECT g.source_host, g.domain, best.tpl.anchor, best.tpl.kind, best.tpl.placement,
               g.pages, best.tpl.crawled, g.links, best.tpl.reason
        FROM g JOIN best USING (source_host) ORDER BY g.pages DESC, g.source_host""",
        [SITEWIDE_MIN_PAGES, SITEWIDE_SHARE, SITEWIDE_SHARE, SITEWIDE_SHARE]).fetchall()
    return tuple(SitewideGroup(host=r[0], domain=r[1], anchor=r[2], kind=r[3], placement=r[4],
                               pages=r[5], host_pages=r[6], links=r[7], reason=r[8])
                 for r in rows)


def _weeks(con: duckdb.DuckDBPyConnection) -> tuple[WeekCount, ...]:
    # first_seen at the epoch means "unknown" (an import without dates): no week for it
    rows = con.execute("""
        SELECT w, sum(n) FILTER (WHERE what = 'new'), sum(n) FILTER (WHERE what = 'lost') FROM (
            SELECT date_trunc('week', first_seen)::DATE AS w, 'new' AS what, count(*) AS n
            FROM _pd WHERE first_seen > TIMESTAMPTZ '1970-01-02' GROUP BY 1
            UNION ALL
            SELECT date_trunc('week', lost_at)::DATE, 'lost', count(*) FROM _pd
            WHERE lost GROUP BY 1) GROUP BY w ORDER BY w""").fetchall()
    if not rows:
        return ()
    got = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in rows}
    week, last = rows[0][0], rows[-1][0]
    out = []
    while week <= last:
        new, lost = got.get(week, (0, 0))
        out.append(WeekCount(week=week, new=new, lost=lost))
        week += _dt.timedelta(days=7)
    return tuple(out)


def spike_weeks(weeks: Sequence[WeekCount]) -> list[tuple[int, float, float]]:
    """(index, baseline, threshold) of every week whose new referring domains exceed the
    median + K x scaled MAD of up to SPIKE_WINDOW previous weeks (at least SPIKE_HISTORY)."""
    found = []
    for i in range(SPIKE_HISTORY, len(weeks)):
        prev = [w.new for w in weeks[max(0, i - SPIKE_WINDOW):i]]
        median = statistics.median(prev)
        mad = statistics.median(abs(n - median) for n in prev) * 1.4826
        threshold = median + SPIKE_K * max(mad, 1.0)
        if weeks[i].new >= SPIKE_MIN_NEW and weeks[i].new > threshold:
            found.append((i, float(median), float(threshold)))
    return found


def _spikes(con: duckdb.DuckDBPyConnection, weeks: Sequence[WeekCount]
            ) -> tuple[VelocitySpike, ...]:
    out = []
    for i, baseline, threshold in spike_weeks(weeks):
        week = weeks[i].week
        names = [r[0] for r in con.execute(
            "SELECT source_domain FROM _pd WHERE date_trunc('week', first_seen)::DATE = ? "
            "ORDER BY links DESC, source_domain LIMIT 50", [week]).fetchall()]
        out.append(VelocitySpike(week=week, new=weeks[i].new, baseline=baseline,
                                 threshold=threshold, domains=tuple(names)))
    return tuple(out)


def _authority(con: duckdb.DuckDBPyConnection) -> tuple[str, tuple[Bucket, ...]]:
    """Authority bands of the referring domains from the domain graph's scores."""
    graph = first(con.execute("""
        SELECT s.graph FROM scores s JOIN graph_catalog c ON c.name = s.graph
        WHERE c.level = 'domain' GROUP BY s.graph
        ORDER BY s.graph = ? DESC, max(s.computed_at) DESC LIMIT 1""",
        [_SCORED_DOMAIN_GRAPH]).fetchall())
    name = graph[0] if graph else ""
    rows = con.execute("""
        SELECT CASE WHEN s.score IS NULL THEN 'not scored'
                    ELSE printf('%d-%d', b * 10, b * 10 + 10) END AS band,
               sum(d.links)::BIGINT, count(*), sum(d.followed)::BIGINT, min(b)
        FROM _pd d
        LEFT JOIN scores s ON s.graph = ? AND s.name = d.source_domain,
        LATERAL (SELECT least(floor(s.score / 10), 9)::INTEGER AS b)
        GROUP BY 1 ORDER BY min(b) NULLS LAST""", [name]).fetchall()
    return name, _buckets([r[:4] for r in rows])


def site_texts(con: duckdb.DuckDBPyConnection, domain: str, *, limit: int = 300
               ) -> tuple[list[str], list[list[str]]]:
    """Titles (home pages first, then shorter URLs) and term lists of the domain's own HTML
    pages, for inferring its brand and keywords."""
    terms = "terms" if "terms" in _PAGE_NAMES else "[]::VARCHAR[]"
    rows = con.execute(f"""
        SELECT title, {terms} FROM pages
        WHERE domain = ? AND status = 200 AND content_type LIKE '%html%'
        ORDER BY regexp_matches(url, '^https?://[^/]+/$') DESC, length(url), url
        LIMIT ?""", [domain, limit]).fetchall()
    return [r[0] for r in rows if r[0]], [list(r[1]) for r in rows]
