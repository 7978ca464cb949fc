"""What the index knows about given hosts, in a few set-based queries (for host spam scoring).

One row per asked host, all zeros when the index has never seen it. Only successful (2xx)
pages count towards words and outbound links, so redirects and error pages do not make a host
look thin. Analytics/ad IDs are compared across registrable domains: a site's own www and
bare hosts sharing an ID is normal, unrelated domains sharing one is a link-network sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from linkatlas.store.schema import first

HOST_GRAPH = "index:host"  # the graph `linkatlas rank` builds at host level


@dataclass(frozen=True, slots=True)
class HostStats:
    """Index facts about one host: pages, words, outbound links, referrers, shared IDs."""

    host: str
    pages: int = 0  # 2xx pages fetched from the host
    words: int = 0  # words over those pages
    external_links: int = 0  # links to other hosts on those pages
    refdomains: int = 0  # distinct domains with a link to the host (internal links excluded)
    shared_tracking_domains: int = 0  # other domains whose pages carry one of its tracking IDs
    authority: float | None = None  # score in the host graph, when `linkatlas rank` has run


_PAGES_SQL = """
SELECT host, count(*), sum(word_count), sum(external_links)
FROM pages WHERE host IN (SELECT unnest(?::VARCHAR[])) AND status BETWEEN 200 AND 299
GROUP BY host"""

_REFDOMAINS_SQL = """
SELECT target_host, count(DISTINCT source_domain)
FROM links WHERE target_host IN (SELECT unnest(?::VARCHAR[])) AND NOT internal
GROUP BY target_host"""

_TRACKING_SQL = """
WITH mine AS (
    SELECT DISTINCT host, domain, unnest(tracking_ids) AS tid
    FROM pages WHERE host IN (SELECT unnest(?::VARCHAR[]))),
theirs AS (
    SELECT DISTINCT domain, unnest(tracking_ids) AS tid
    FROM pages WHERE len(tracking_ids) > 0)
SELECT mine.host, count(DISTINCT theirs.domain)
FROM mine JOIN theirs ON theirs.tid = mine.tid AND theirs.domain <> mine.domain
GROUP BY mine.host"""

_AUTHORITY_SQL = """
SELECT name, score FROM scores
WHERE graph = ? AND name IN (SELECT unnest(?::VARCHAR[]))"""


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = first(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall())
    return bool(row and row[0])


def host_stats(con: duckdb.DuckDBPyConnection, hosts: Sequence[str]) -> list[HostStats]:
    """Index facts for each host, in the order asked (duplicates answered once each)."""
    wanted = list(dict.fromkeys(hosts))
    pages = {r[0]: r[1:] for r in con.execute(_PAGES_SQL, [wanted]).fetchall()}
    refs = dict(con.execute(_REFDOMAINS_SQL, [wanted]).fetchall())
    shared = dict(con.execute(_TRACKING_SQL, [wanted]).fetchall())
    authority: dict[str, float] = {}
    if _has_table(con, "scores"):
        authority = dict(con.execute(_AUTHORITY_SQL, [HOST_GRAPH, wanted]).fetchall())
    out: dict[str, HostStats] = {}
    for host in wanted:
        n, words, external = pages.get(host, (0, 0, 0))
        out[host] = HostStats(
            host=host,
            pages=int(n),
            words=int(words or 0),
            external_links=int(external or 0),
            refdomains=int(refs.get(host, 0)),
            shared_tracking_domains=int(shared.get(host, 0)),
            authority=float(authority[host]) if host in authority else None,
        )
    return [out[h] for h in hosts]
