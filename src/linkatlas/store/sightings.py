"""Which sources saw each link: the ``link_sources`` table and its queries.

One row per (source_url, target_url, via): when that source first and last saw a link from that
page to that URL. Every links batch written to the index is folded in with the same merge rule
as the links table (first_seen = minimum, everything else from the latest sighting), so it is
idempotent and order-independent too. A link seen as an ``<a>`` by the crawl and listed by
Ahrefs is one backlink with two sources here, even where the two records differ in kind or
anchor. docs/sources.md.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from linkatlas.model import (
    SIGHTING_COLUMNS,
    SIGHTING_KEY,
    UTC,
    Sighting,
    Source,
    SourceCounts,
    Target,
)
from linkatlas.store.arrow import conform, schema_of
from linkatlas.store.merge import merge_batch
from linkatlas.store.queries import _SCOPE_COLUMN
from linkatlas.store.schema import TableSpec, quote

SIGHTINGS = TableSpec("link_sources", SIGHTING_COLUMNS, SIGHTING_KEY, "last_seen", "first_seen")
SIGHTING_SCHEMA: pa.Schema = schema_of(SIGHTING_COLUMNS)
_COLS = ", ".join(quote(n) for n in SIGHTINGS.names)


def fold_links(con: duckdb.DuckDBPyConnection, links: pa.Table) -> int:
    """Merge the sightings of one (conformed) links batch; returns rows appended."""
    table = links.select(SIGHTINGS.names)
    return merge_batch(con, SIGHTINGS, conform(table, SIGHTING_SCHEMA, "sightings batch"))


def _where(target: Target) -> tuple[str, list[Any]]:
    column = _SCOPE_COLUMN[target.scope]
    # Links inside one registrable domain are not backlinks (docs/link-model.md, internal).
    return f"{column} = ? AND source_domain <> target_domain", [target.value]


def sightings(
    con: duckdb.DuckDBPyConnection, target: Target, *, limit: int | None = None
) -> list[Sighting]:
    """Every source's sighting of the target's backlinks, grouped by backlink (source, target
    URL), backlinks seen by more sources first."""
    where, params = _where(target)
    sql = f"""
        WITH s AS (SELECT {_COLS} FROM link_sources WHERE {where}),
        p AS (SELECT source_url, target_url, count(*) AS n FROM s GROUP BY ALL
              ORDER BY n DESC, source_url, target_url {"LIMIT ?" if limit is not None else ""})
        SELECT {", ".join("s." + quote(n) for n in SIGHTINGS.names)}
        FROM s JOIN p USING (source_url, target_url)
        ORDER BY p.n DESC, s.source_url, s.target_url, s.via"""
    if limit is not None:
        params.append(limit)
    rows = con.execute(sql, params).fetchall()
    names = SIGHTINGS.names
    out = []
    for r in rows:
        fields = dict(zip(names, r, strict=True))
        fields["via"] = Source(fields["via"])
        fields["first_seen"] = fields["first_seen"].astimezone(UTC)
        fields["last_seen"] = fields["last_seen"].astimezone(UTC)
        out.append(Sighting(**fields))
    return out


def source_counts(
    con: duckdb.DuckDBPyConnection, target: Target
) -> dict[str, tuple[dict[str, SourceCounts], int]]:
    """For the units "backlinks" and "refdomains": per source what it saw and how much of it
    another source saw too, and the size of the union of all sources."""
    where, params = _where(target)
    out: dict[str, tuple[dict[str, SourceCounts], int]] = {}
    for unit, key in (("backlinks", "source_url, target_url"), ("refdomains", "source_domain")):
        sql = f"""
            WITH s AS (SELECT {key}, via, min(first_seen) AS fs, max(last_seen) AS ls
                       FROM link_sources WHERE {where} GROUP BY ALL),
            k AS (SELECT {key}, count(*) AS n FROM s GROUP BY ALL)
            SELECT via, count(*), count(*) FILTER (WHERE k.n > 1), min(fs), max(ls),
                   (SELECT count(*) FROM k)
            FROM s JOIN k USING ({key}) GROUP BY via ORDER BY via"""
        rows = con.execute(sql, params).fetchall()
        per = {
            r[0]: SourceCounts(seen=r[1], shared=r[2], first_seen=r[3].astimezone(UTC),
                               last_seen=r[4].astimezone(UTC))
            for r in rows
        }
        out[unit] = (per, int(rows[0][5]) if rows else 0)
    return out
