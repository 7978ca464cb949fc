"""What the index holds about one site (a domain or a host): pages and internal links.

Used by the removal-request contacts: the site's pages with addresses or a contact-like URL or
title, and its internal links whose URL or anchor looks like a contact page. The caller passes
the pattern (an RE2 regular expression) so the index returns a few rows, not a whole site.
"""

from __future__ import annotations

from typing import Any, Literal

import duckdb

from linkatlas import urls
from linkatlas.model import Link, Page
from linkatlas.store.arrow import links_from_arrow, pages_from_arrow
from linkatlas.store.schema import LINKS, PAGES, quote

Scope = Literal["domain", "host"]
MAX_PAGES = 500
MAX_LINKS = 500


def _site_filter(scope: Scope, site: str, domain_col: str, host_col: str) -> tuple[str, list[Any]]:
    if scope == "domain":
        return f"{domain_col} = ?", [site]
    # A host and its subdomains; the domain column narrows the scan first.
    return (f"{domain_col} = ? AND ({host_col} = ? OR {host_col} LIKE ?)",
            [urls.registrable_domain(site), site, "%." + site])


def site_pages(con: duckdb.DuckDBPyConnection, scope: Scope, site: str,
               pattern: str) -> list[Page]:
    """Pages of the site holding addresses, or whose URL or title matches ``pattern``."""
    where, params = _site_filter(scope, site, "domain", "host")
    cols = ", ".join(quote(n) for n in PAGES.names)
    sql = (f"SELECT {cols} FROM pages WHERE {where} AND (len(emails) > 0 OR "
           "regexp_matches(url, ?) OR regexp_matches(title, ?)) ORDER BY length(url), url LIMIT ?")
    table = con.sql(sql, params=[*params, pattern, pattern, MAX_PAGES]).to_arrow_table()
    return pages_from_arrow(table)


def site_links(con: duckdb.DuckDBPyConnection, scope: Scope, site: str,
               pattern: str) -> list[Link]:
    """Internal links of the site whose target URL or anchor matches ``pattern``, one per
    target URL (the first seen on the shortest source URL)."""
    where, params = _site_filter(scope, site, "source_domain", "source_host")
    cols = ", ".join(quote(n) for n in LINKS.names)
    sql = (f"SELECT {cols} FROM links WHERE {where} AND internal AND "
           "(regexp_matches(target_url, ?) OR regexp_matches(anchor, ?)) "
           "QUALIFY row_number() OVER (PARTITION BY target_url "
           "ORDER BY length(source_url), source_url, position) = 1 "
           "ORDER BY target_url LIMIT ?")
    table = con.sql(sql, params=[*params, pattern, pattern, MAX_LINKS]).to_arrow_table()
    return links_from_arrow(table)
