"""Bookkeeping of ingest runs and the files each run read (tables ingest_runs, ingest_files)."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

from linkatlas.errors import InputError
from linkatlas.model import UTC
from linkatlas.store.schema import first

RUN_STATUSES = ("running", "done", "failed", "interrupted")
_COUNTERS = ("files", "records", "pages", "links", "skipped")


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One ingest run as recorded in the index."""

    id: int
    started_at: _dt.datetime
    finished_at: _dt.datetime | None
    status: str
    paths: tuple[str, ...]
    files: int
    records: int
    pages: int
    links: int
    skipped: int
    stats: dict[str, int]


def _check_status(status: str) -> None:
    if status not in RUN_STATUSES:
        raise InputError(f"unknown run status {status!r} (one of {', '.join(RUN_STATUSES)})")


def begin_run(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> int:
    """Record a new run; runs left 'running' by a dead writer become 'interrupted'."""
    # Only one process can hold the writer, so any run still 'running' now died mid-way.
    con.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'")
    con.execute("UPDATE ingest_files SET status = 'interrupted' WHERE status = 'running'")
    row = first(
        con.execute(
            "INSERT INTO ingest_runs (id, started_at, status, paths) "
            "VALUES (nextval('ingest_run_ids'), now(), 'running', ?) RETURNING id",
            [list(paths)],
        ).fetchall()
    )
    assert row is not None  # RETURNING of a one-row insert
    return int(row[0])


def file_started(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    path: str,
    size: int | None = None,
    mtime: _dt.datetime | None = None,
) -> None:
    """Record that a run started reading a file."""
    con.execute(
        "INSERT OR REPLACE INTO ingest_files (run_id, path, size, mtime, started_at, status) "
        "VALUES (?, ?, ?, ?, now(), 'running')",
        [run_id, path, size, mtime],
    )


def file_done(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    path: str,
    records: int,
    skipped: int,
    status: str = "done",
) -> None:
    """Record that a run finished a file (inserting the row if file_started was not called)."""
    _check_status(status)
    con.execute(
        "INSERT INTO ingest_files (run_id, path, started_at, finished_at, status, records, "
        "skipped) VALUES (?, ?, now(), now(), ?, ?, ?) ON CONFLICT DO UPDATE SET "
        "finished_at = now(), status = excluded.status, records = excluded.records, "
        "skipped = excluded.skipped",
        [run_id, path, status, records, skipped],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: int, status: str, stats: Mapping[str, int]
) -> None:
    """Close a run with its status and counters (known counters get their own columns)."""
    _check_status(status)
    values = [int(stats.get(name, 0)) for name in _COUNTERS]
    sets = ", ".join(f"{name} = ?" for name in _COUNTERS)
    con.execute(
        f"UPDATE ingest_runs SET finished_at = now(), status = ?, {sets}, stats = ? WHERE id = ?",
        [status, *values, json.dumps(dict(stats), sort_keys=True), run_id],
    )


def file_ingested(
    con: duckdb.DuckDBPyConnection, path: str, size: int | None, mtime: _dt.datetime | None
) -> bool:
    """Whether some run finished this exact file (same path, size and mtime)."""
    row = first(
        con.execute(
            "SELECT count(*) FROM ingest_files WHERE path = ? AND status = 'done' "
            "AND size IS NOT DISTINCT FROM ? AND mtime IS NOT DISTINCT FROM ?",
            [path, size, mtime],
        ).fetchall()
    )
    return bool(row and row[0])


def runs(con: duckdb.DuckDBPyConnection) -> list[RunInfo]:
    """Every recorded run, oldest first."""
    rows = con.execute(
        "SELECT id, started_at, finished_at, status, paths, files, records, pages, links, "
        "skipped, stats FROM ingest_runs ORDER BY id"
    ).fetchall()
    return [
        RunInfo(
            id=r[0],
            started_at=r[1].astimezone(UTC),
            finished_at=r[2].astimezone(UTC) if r[2] is not None else None,
            status=r[3],
            paths=tuple(r[4]),
            files=r[5],
            records=r[6],
            pages=r[7],
            links=r[8],
            skipped=r[9],
            stats={str(k): int(v) for k, v in json.loads(r[10]).items()},
        )
        for r in rows
    ]
