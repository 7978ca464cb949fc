"""The ``imported_stats`` table: aggregate rows of third-party exports (docs/imports.md).

Generated from ``model.IMPORTED_STAT_COLUMNS`` exactly as links and pages are: the DuckDB table
(``record_table_ddl``), its Arrow schema and the merge on ``model.IMPORTED_STAT_KEY`` with
``merge_batch`` (latest ``last_seen`` wins, ``first_seen`` widens). An index written before this
table existed gets it on the next writable open; a read-only open of such an index sees none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from linkatlas.errors import InputError, StoreError
from linkatlas.model import (
    IMPORTED_REPORTS,
    IMPORTED_STAT_COLUMNS,
    IMPORTED_STAT_KEY,
    ImportedStat,
    Source,
)
from linkatlas.store.arrow import _records, _to_table, conform, schema_of
from linkatlas.store.merge import merge_batch
from linkatlas.store.schema import TableSpec, first, quote

IMPORTED_STATS = TableSpec(
    "imported_stats", IMPORTED_STAT_COLUMNS, IMPORTED_STAT_KEY, "last_seen", "first_seen"
)
IMPORTED_STAT_SCHEMA: pa.Schema = schema_of(IMPORTED_STAT_COLUMNS)
_COLS = ", ".join(quote(n) for n in IMPORTED_STATS.names)


def stats_to_arrow(stats: Sequence[ImportedStat]) -> pa.Table:
    """A table of ``IMPORTED_STAT_SCHEMA`` holding the rows, in order."""
    return _to_table(stats, IMPORTED_STAT_SCHEMA)


def stats_from_arrow(table: pa.Table) -> list[ImportedStat]:
    """Typed rows back from a table of ``IMPORTED_STAT_SCHEMA``."""
    table = conform(table, IMPORTED_STAT_SCHEMA, "imported stats table")
    try:
        rows: list[ImportedStat] = _records(table, ImportedStat, {"via": Source}, ())
    except KeyError as exc:
        raise StoreError(f"imported stats hold a value the model does not know: {exc}") from exc
    return rows


def write_stats(con: duckdb.DuckDBPyConnection, stats: Sequence[ImportedStat]) -> int:
    """Merge rows into ``imported_stats`` (inside the caller's transaction); rows appended."""
    if not stats:
        return 0
    return merge_batch(con, IMPORTED_STATS, stats_to_arrow(stats))


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = first(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
        [IMPORTED_STATS.name]).fetchall())
    return bool(row and row[0])


def read_stats(
    con: duckdb.DuckDBPyConnection,
    *,
    target: str | None = None,
    report: str | None = None,
    via: str | None = None,
    limit: int | None = None,
) -> list[ImportedStat]:
    """Stored rows, filtered by target value, report and vendor; most links first."""
    if report is not None and report not in IMPORTED_REPORTS:
        raise InputError(f"unknown report {report!r}: choose one of {', '.join(IMPORTED_REPORTS)}")
    if not _exists(con):
        return []
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("target", target), ("report", report), ("via", via)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {_COLS} FROM {IMPORTED_STATS.name}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY links DESC, domains DESC, report, key, target, via"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    table: pa.Table = con.sql(sql, params=params).to_arrow_table()
    return stats_from_arrow(table)


def checksum(con: duckdb.DuckDBPyConnection) -> str:
    """An order-independent digest of the table's model columns (as ``Index.checksum``)."""
    if not _exists(con):
        return "0:0:0"
    text = "concat_ws(chr(31), " + ", ".join(
        f"{quote(n)}::VARCHAR" for n in IMPORTED_STATS.names) + ")"
    row = first(con.execute(
        f"SELECT count(*), coalesce(sum(md5_number_lower({text})::HUGEINT), 0), "
        f"coalesce(bit_xor(md5_number_upper({text})), 0) FROM {IMPORTED_STATS.name}"
    ).fetchall())
    return f"{row[0]}:{int(row[1]):x}:{int(row[2]):x}"
