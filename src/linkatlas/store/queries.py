"""Read queries over the index, each returning typed model rows.

Target filters hit ``target_domain``, ``target_host`` or ``target_url``; after
``Index.optimize()`` the links table is sorted on exactly those columns, so DuckDB's per-row-group
min/max (zone maps) skip everything but the few row groups of the target.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from linkatlas.errors import InputError
from linkatlas.model import UTC, AnchorStat, Link, Placement, RefDomain, Target
from linkatlas.store.arrow import links_from_arrow
from linkatlas.store.schema import LINKS, first, quote

_SCOPE_COLUMN = {"domain": "target_domain", "host": "target_host", "url": "target_url"}
LINK_COLS = ", ".join(quote(n) for n in LINKS.names)
BACKLINK_ORDER = "passes_credit DESC, source_domain, source_url, position, occurrence, target_url"


def _filters(
    target: Target,
    *,
    follow_only: bool,
    include_internal: bool = False,
    placement: str | None = None,
) -> tuple[str, list[Any]]:
    column = _SCOPE_COLUMN.get(target.scope)
    if column is None:
        raise InputError(f"unknown target scope {target.scope!r} (domain, host or url)")
    where = [f"{column} = ?"]
    params: list[Any] = [target.value]
    if not include_internal:
        where.append("NOT internal")
    if follow_only:
        where.append("passes_credit")
    if placement is not None:
        try:
            params.append(Placement(placement).value)
        except ValueError:
            names = ", ".join(p.value for p in Placement)
            raise InputError(f"unknown placement {placement!r} (one of {names})") from None
        where.append("placement = ?")
    return " AND ".join(where), params


def _limit(limit: int | None, params: list[Any]) -> str:
    if limit is None:
        return ""
    if limit < 0:
        raise InputError(f"limit must be >= 0, got {limit}")
    params.append(limit)
    return " LIMIT ?"


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pa.Table:
    table: pa.Table = con.sql(sql, params=params).to_arrow_table()
    return table


def backlinks(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    *,
    follow_only: bool = False,
    placement: str | None = None,
    limit: int | None = None,
    include_internal: bool = False,
) -> list[Link]:
    """Links pointing at the target: followed first, then by source domain and URL."""
    where, params = _filters(
        target, follow_only=follow_only, include_internal=include_internal, placement=placement
    )
    sql = f"SELECT {LINK_COLS} FROM links WHERE {where} ORDER BY {BACKLINK_ORDER}"
    sql += _limit(limit, params)
    return links_from_arrow(_arrow(con, sql, params))


def refdomains(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    *,
    follow_only: bool = False,
    limit: int | None = None,
) -> list[RefDomain]:
    """Referring domains of the target (internal links excluded), most links first."""
    where, params = _filters(target, follow_only=follow_only)
    sql = f"""
        WITH l AS (SELECT source_domain, source_url, anchor, passes_credit, first_seen, last_seen
                   FROM links WHERE {where}),
        a AS (SELECT source_domain, anchor, count(*) AS n FROM l GROUP BY ALL),
        t AS (SELECT source_domain, first(anchor ORDER BY n DESC, anchor) AS top_anchor
              FROM a GROUP BY source_domain)
        SELECT l.source_domain, count(*), count(*) FILTER (WHERE passes_credit),
               count(DISTINCT source_url), min(first_seen), max(last_seen), any_value(top_anchor)
        FROM l JOIN t USING (source_domain)
        GROUP BY l.source_domain ORDER BY 2 DESC, 1"""
    sql += _limit(limit, params)
    rows = con.execute(sql, params).fetchall()
    return [
        RefDomain(
            domain=r[0],
            links=r[1],
            followed_links=r[2],
            pages=r[3],
            first_seen=r[4].astimezone(UTC),
            last_seen=r[5].astimezone(UTC),
            top_anchor=r[6],
        )
        for r in rows
    ]


def anchors(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    *,
    follow_only: bool = False,
    limit: int | None = None,
) -> list[AnchorStat]:
    """Anchor texts of links to the target (internal links excluded), most used first."""
    where, params = _filters(target, follow_only=follow_only)
    sql = f"""
        SELECT anchor, count(*), count(DISTINCT source_domain),
               count(*) FILTER (WHERE passes_credit)
        FROM links WHERE {where} GROUP BY anchor ORDER BY 2 DESC, 3 DESC, 1"""
    sql += _limit(limit, params)
    rows = con.execute(sql, params).fetchall()
    return [AnchorStat(anchor=r[0], links=r[1], refdomains=r[2], followed_links=r[3]) for r in rows]


def outlinks(con: duckdb.DuckDBPyConnection, url: str, *, limit: int | None = None) -> list[Link]:
    """Links found on the page ``url``, in page order."""
    params: list[Any] = [url]
    sql = (
        f"SELECT {LINK_COLS} FROM links WHERE source_url = ? "
        "ORDER BY position, occurrence, target_url, kind, anchor"
    )
    sql += _limit(limit, params)
    return links_from_arrow(_arrow(con, sql, params))


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Pages, links, distinct domains (sources, targets and pages) and ingest runs."""
    row = first(
        con.execute(
            """SELECT (SELECT count(*) FROM pages), (SELECT count(*) FROM links),
                  (SELECT count(*) FROM (SELECT source_domain FROM links
                                         UNION SELECT target_domain FROM links
                                         UNION SELECT domain FROM pages)),
                  (SELECT count(*) FROM ingest_runs)"""
        ).fetchall()
    )
    assert row is not None  # an aggregate always returns one row
    return {"pages": row[0], "links": row[1], "domains": row[2], "runs": row[3]}
