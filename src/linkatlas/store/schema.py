"""DDL generated from the model column lists, and the one place duckdb errors are translated.

Each stored record table carries the model's columns, in model order, plus one internal column
``_key``: a 64-bit hash of the merge key (lower half of its MD5, stable across DuckDB
versions, unlike ``hash()``). It only narrows the search for existing rows; identity is always
the full key, so a hash collision costs time, never correctness. See docs/store.md.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from linkatlas.errors import StoreError, StoreLockedError
from linkatlas.model import (
    LINK_COLUMNS,
    LINK_KEY,
    PAGE_COLUMNS,
    PAGE_KEY,
    REFERRAL_COLUMNS,
    REFERRAL_KEY,
    Column,
)

SCHEMA_VERSION = 2

_SQL_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMPTZ",
    "list[str]": "VARCHAR[]",
}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A stored record table: its columns, merge key, and the columns that order sightings."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    seen: str  # the observation time: the latest sighting wins
    first_seen: str | None  # widened to the minimum on re-sighting, if the table has one

    @property
    def names(self) -> list[str]:
        """The model column names, in order."""
        return [c.name for c in self.columns]

    def tie_break(self) -> list[str]:
        """Columns ordering two sightings of one key, most significant first (all descending)."""
        rest = [n for n in self.names if n not in self.key and n not in (self.seen, "observed_in")]
        return [self.seen, "observed_in", *rest]

    def key_hash_sql(self, alias: str = "") -> str:
        """SQL for the 64-bit key hash of a row (``alias.`` prefixed columns)."""
        parts = ", ".join(f"{alias}{k}::VARCHAR" for k in self.key)
        return f"md5_number_lower(concat_ws(chr(31), {parts}))"


LINKS = TableSpec("links", LINK_COLUMNS, LINK_KEY, "last_seen", "first_seen")
PAGES = TableSpec("pages", PAGE_COLUMNS, PAGE_KEY, "fetched_at", None)
SPECS = {"links": LINKS, "pages": PAGES}
# Referral visits from access logs and GA4 exports (store/traffic.py, docs/traffic.md).
REFERRALS = TableSpec("referrals", REFERRAL_COLUMNS, REFERRAL_KEY, "day", None)


def first(rows: list[Any]) -> Any:
    """The first row of a fully fetched result, or None (DuckDB wants results drained)."""
    return rows[0] if rows else None


def quote(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def record_table_ddl(spec: TableSpec, name: str | None = None) -> str:
    """CREATE TABLE for a record table (or a copy called ``name``): model columns, ``_key``."""
    cols = [f"{quote(c.name)} {_SQL_TYPES[c.type]} NOT NULL" for c in spec.columns]
    cols.append("_key UBIGINT NOT NULL")
    return f"CREATE TABLE IF NOT EXISTS {name or spec.name} ({', '.join(cols)})"


def sql_type(column: Column) -> str:
    """The DuckDB type of a model column."""
    return _SQL_TYPES[column.type]


BOOKKEEPING_DDL: Sequence[str] = (
    "CREATE TABLE IF NOT EXISTS meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "CREATE SEQUENCE IF NOT EXISTS ingest_run_ids START 1",
    """CREATE TABLE IF NOT EXISTS ingest_runs (
        id BIGINT PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
        status VARCHAR NOT NULL, paths VARCHAR[] NOT NULL,
        files BIGINT NOT NULL DEFAULT 0, records BIGINT NOT NULL DEFAULT 0,
        pages BIGINT NOT NULL DEFAULT 0, links BIGINT NOT NULL DEFAULT 0,
        skipped BIGINT NOT NULL DEFAULT 0, stats VARCHAR NOT NULL DEFAULT '{}')""",
    """CREATE TABLE IF NOT EXISTS ingest_files (
        run_id BIGINT NOT NULL, path VARCHAR NOT NULL, size BIGINT, mtime TIMESTAMPTZ,
        started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ, status VARCHAR NOT NULL,
        records BIGINT NOT NULL DEFAULT 0, skipped BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, path))""",
    # The durable crawl frontier (store/frontier.py): one row per URL of a named crawl.
    """CREATE TABLE IF NOT EXISTS frontier (
        crawl VARCHAR NOT NULL, url VARCHAR NOT NULL, host VARCHAR NOT NULL,
        depth INTEGER NOT NULL, parent VARCHAR NOT NULL, ord BIGINT NOT NULL,
        state VARCHAR NOT NULL, status INTEGER NOT NULL DEFAULT 0,
        reason VARCHAR NOT NULL DEFAULT '', updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (crawl, url))""",
    """CREATE TABLE IF NOT EXISTS crawl_hosts (
        crawl VARCHAR NOT NULL, host VARCHAR NOT NULL, last_fetch DOUBLE NOT NULL,
        PRIMARY KEY (crawl, host))""",
    # Link graphs (store/graph.py): built from the links table or imported, and their scores.
    """CREATE TABLE IF NOT EXISTS graph_catalog (
        name VARCHAR NOT NULL, level VARCHAR NOT NULL, source VARCHAR NOT NULL,
        nodes BIGINT NOT NULL, edges BIGINT NOT NULL, options VARCHAR NOT NULL,
        dropped VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS graph_nodes (graph VARCHAR NOT NULL, id BIGINT NOT NULL, "
    "name VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS graph_edges (graph VARCHAR NOT NULL, src BIGINT NOT NULL, "
    "dst BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS scores (
        graph VARCHAR NOT NULL, id BIGINT NOT NULL, name VARCHAR NOT NULL,
        pagerank DOUBLE NOT NULL, harmonic DOUBLE, score DOUBLE NOT NULL,
        rank BIGINT NOT NULL, version INTEGER NOT NULL, method VARCHAR NOT NULL,
        computed_at TIMESTAMPTZ NOT NULL)""",
)

_PID = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


def translate(exc: duckdb.Error, action: str, path: str) -> StoreError:
    """The StoreError (or StoreLockedError) a duckdb exception means for the user."""
    text = str(exc).strip()
    match = _PID.search(text)
    if match or "Could not set lock" in text:
        holder = f"process {match.group(2)} ({match.group(1)})" if match else "another process"
        return StoreLockedError(
            f"index {path} is locked by {holder}: only one process may write to it at a time"
        )
    if "not a valid DuckDB database file" in text or "Failed to read database header" in text:
        return StoreError(f"{path} is not a linkatlas index (not a DuckDB database file)")
    first = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"index {path}: {action} failed: {first}")


@contextlib.contextmanager
def translated(action: str, path: str) -> Iterator[None]:
    """Turn any duckdb error raised inside the block into a StoreError."""
    try:
        yield
    except duckdb.Error as exc:
        raise translate(exc, action, path) from exc
