"""What the index holds about a set of sites (registrable domains): pages and internal links.

Used by the removal-request contacts: the sites' pages with addresses or a contact-like URL or
title, and their internal links whose URL or anchor looks like a contact page. The caller passes
the pattern (an RE2 regular expression) so the index returns a few rows per site, not whole
sites, and all sites are read in one query each (a disavow file lists thousands).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from linkatlas.model import Link, Page
from linkatlas.store.arrow import links_from_arrow, pages_from_arrow
from linkatlas.store.schema import LINKS, PAGES, quote

MAX_PER_SITE = 500


def site_pages(con: duckdb.DuckDBPyConnection, domains: Sequence[str],
               pattern: str) -> list[Page]:
    """Pages of the domains holding addresses, or whose URL or title matches ``pattern``
    (at most ``MAX_PER_SITE`` per domain, shortest URLs first)."""
    cols = ", ".join(quote(n) for n in PAGES.names)
    sql = (f"SELECT {cols} FROM pages WHERE domain IN (SELECT unnest(?::VARCHAR[])) AND "
           "(len(emails) > 0 OR regexp_matches(url, ?) OR regexp_matches(title, ?)) "
           "QUALIFY row_number() OVER (PARTITION BY domain ORDER BY length(url), url) <= ? "
           "ORDER BY domain, length(url), url")
    params = [list(domains), pattern, pattern, MAX_PER_SITE]
    return pages_from_arrow(con.sql(sql, params=params).to_arrow_table())


def site_links(con: duckdb.DuckDBPyConnection, domains: Sequence[str],
               pattern: str) -> list[Link]:
    """Internal links of the domains whose target URL or anchor matches ``pattern``, one per
    target URL (seen on the shortest source URL), at most ``MAX_PER_SITE`` per domain."""
    cols = ", ".join(quote(n) for n in LINKS.names)
    sql = (f"WITH hits AS (SELECT {cols} FROM links "
           "WHERE source_domain IN (SELECT unnest(?::VARCHAR[])) AND internal AND "
           "(regexp_matches(target_url, ?) OR regexp_matches(anchor, ?)) "
           "QUALIFY row_number() OVER (PARTITION BY target_url "
           "ORDER BY length(source_url), source_url, position) = 1) "
           f"SELECT {cols} FROM hits QUALIFY row_number() OVER (PARTITION BY source_domain "
           "ORDER BY length(target_url), target_url) <= ? ORDER BY source_domain, target_url")
    params = [list(domains), pattern, pattern, MAX_PER_SITE]
    return links_from_arrow(con.sql(sql, params=params).to_arrow_table())
