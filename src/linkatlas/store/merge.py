"""The write path: merge one Arrow batch into a record table with set-based SQL.

Steps (inside the caller's transaction; docs/store.md has the figures):

1. ``_stage``: the batch, its key hash computed, de-duplicated per key with the merge rule.
2. ``_cand``: rowids of stored rows whose ``_key`` is in the stage (a scan of one 8-byte
   column); ``_old``: those rows, confirmed on the full key.
3. No old rows: insert the stage. Otherwise merge stage and old rows with the same rule, keep
   only the merged rows that differ from what is stored, delete those stored rows by rowid and
   insert their merged version.

The merge rule (docs/link-model.md) is a commutative, associative choice, so any order or
batching of the same sightings gives the same rows.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from linkatlas.store.schema import TableSpec, first, quote


def _dedup_sql(spec: TableSpec, source: str) -> str:
    """SQL keeping one row per key from ``source``: the latest sighting, first_seen widened."""
    part = ", ".join(["_key", *(quote(k) for k in spec.key)])
    order = ", ".join(f"{quote(c)} DESC" for c in spec.tie_break())
    cols = ", ".join(quote(n) for n in spec.names)
    widen = ""
    if spec.first_seen:
        fs = quote(spec.first_seen)
        widen = f", min({fs}) OVER (PARTITION BY {part}) AS _fs"
    inner = (
        f"SELECT {cols}, _key, row_number() OVER (PARTITION BY {part} ORDER BY {order}) AS _rn"
        f"{widen} FROM {source}"
    )
    outer = ", ".join(
        "_fs AS " + quote(n) if n == spec.first_seen else quote(n) for n in spec.names
    )
    return f"SELECT {outer}, _key FROM ({inner}) WHERE _rn = 1"


def _key_match(spec: TableSpec, left: str, right: str) -> str:
    conds = [f"{left}._key = {right}._key"]
    conds += [f"{left}.{quote(k)} = {right}.{quote(k)}" for k in spec.key]
    return " AND ".join(conds)


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = first(con.execute(sql).fetchall())
    return int(row[0]) if row else 0


def merge_batch(con: duckdb.DuckDBPyConnection, spec: TableSpec, batch: pa.Table) -> int:
    """Merge ``batch`` (already of the table's Arrow schema) into ``spec.name``.

    Returns the number of rows appended to the table (new keys plus changed rows).
    """
    if batch.num_rows == 0:
        return 0
    cols = ", ".join(quote(n) for n in spec.names)
    con.register("_batch", batch)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _stage AS "
            f"SELECT {cols}, {spec.key_hash_sql()} AS _key FROM _batch"
        )
    finally:
        con.unregister("_batch")
    # Distinct hashes imply distinct keys: the window de-duplication is only paid when needed.
    if _count(con, "SELECT count(*) - count(DISTINCT _key) FROM _stage"):
        con.execute("CREATE OR REPLACE TEMP TABLE _stage AS " + _dedup_sql(spec, "_stage"))
    # Scanning the 8-byte hash column of the big table is the only cost that grows with it.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _cand AS "
        f"SELECT rowid AS _rid FROM {spec.name} SEMI JOIN _stage USING (_key)"
    )
    if _count(con, "SELECT count(*) FROM _cand") == 0:
        con.execute(f"INSERT INTO {spec.name} SELECT {cols}, _key FROM _stage")
        return _count(con, "SELECT count(*) FROM _stage")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _old AS SELECT o.* FROM "
        f"(SELECT rowid AS _rid, {cols}, _key FROM {spec.name} "
        f"WHERE rowid IN (SELECT _rid FROM _cand)) o "
        f"SEMI JOIN _stage s ON {_key_match(spec, 'o', 's')}"
    )
    both = f"(SELECT {cols}, _key FROM _old UNION ALL SELECT {cols}, _key FROM _stage)"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _changed AS "
        + _dedup_sql(spec, both)
        + f" EXCEPT SELECT {cols}, _key FROM _old"
    )
    con.execute(
        f"DELETE FROM {spec.name} WHERE rowid IN (SELECT o._rid FROM _old o "
        f"SEMI JOIN _changed c ON {_key_match(spec, 'o', 'c')})"
    )
    con.execute(f"INSERT INTO {spec.name} SELECT {cols}, _key FROM _changed")
    return _count(con, "SELECT count(*) FROM _changed")


def drop_temps(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging tables of the last merge (they live until the connection closes)."""
    for name in ("_stage", "_cand", "_old", "_changed"):
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
