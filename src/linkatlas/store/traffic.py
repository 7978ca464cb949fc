"""The ``referrals`` table: referral visits per day, referrer, landing page and file.

Rows are ``model.Referral`` records; the table is generated from ``REFERRAL_COLUMNS`` like links
and pages. A file's rows are replaced as a whole (``replace_file``): the merge key holds
``observed_in`` (``name#fingerprint`` of the file's first 64 KiB), and rows with the same
fingerprint are replaced whatever the file is now called, so reading a file again (or its
rotated, renamed, gzipped copy) changes nothing while two files add up. Queries sum visits over
files and filter on the landing page: a domain target is the ``site`` column, a host target the
landing URL's host, a URL target the landing URL.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from linkatlas.errors import InputError
from linkatlas.model import (
    DeadPage,
    LandingVisits,
    Referral,
    ReferrerVisits,
    ReferringPageVisits,
    Target,
)
from linkatlas.store.arrow import conform, schema_of
from linkatlas.store.schema import REFERRALS, first, quote, record_table_ddl

REFERRAL_SCHEMA: pa.Schema = schema_of(REFERRALS.columns)
_HOST_SQL = "regexp_extract(landing_url, '^[a-z]+://([^/:?#]+)', 1)"


def referrals_to_arrow(rows: Sequence[Referral]) -> pa.Table:
    """A table of ``REFERRAL_SCHEMA`` holding the records, in order."""
    arrays = [pa.array([getattr(r, f.name) for r in rows], type=f.type) for f in REFERRAL_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=REFERRAL_SCHEMA)


def exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the index has a referrals table (indexes made before it have none)."""
    row = first(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'referrals' "
        "AND schema_name = 'main'").fetchall())
    return bool(row and row[0])


def replace_file(
    con: duckdb.DuckDBPyConnection, observed_in: str, site: str, rows: Iterable[Referral]
) -> tuple[int, int]:
    """Replace what one file gave for ``site`` by ``rows`` (caller holds the transaction).

    Returns (rows removed, rows written). The table is created on first use, so indexes made
    before it existed need no migration.
    """
    con.execute(record_table_ddl(REFERRALS))
    # ``name#fingerprint``: the fingerprint is the file's identity, whatever it is called now.
    same = "site = ? AND (observed_in = ? OR suffix(observed_in, ?))"
    params = [site, observed_in, "#" + observed_in.rpartition("#")[2]]
    removed = first(con.execute(f"SELECT count(*) FROM referrals WHERE {same}",
                                params).fetchall())[0]
    con.execute(f"DELETE FROM referrals WHERE {same}", params)
    # The file's old rows are gone and a tally has one row per key: a plain insert is the merge.
    cols = ", ".join(quote(n) for n in REFERRALS.names)
    written = 0
    for chunk in _batched(rows):
        batch = conform(referrals_to_arrow(chunk), REFERRAL_SCHEMA, "referrals batch")
        con.register("_referrals_batch", batch)
        try:
            con.execute(f"INSERT INTO referrals SELECT {cols}, {REFERRALS.key_hash_sql()} "
                        "FROM _referrals_batch")
        finally:
            con.unregister("_referrals_batch")
        written += batch.num_rows
    return int(removed), written


def _batched(rows: Iterable[Referral], size: int = 100_000) -> Iterator[tuple[Referral, ...]]:
    it = iter(rows)
    while chunk := tuple(itertools.islice(it, size)):
        yield chunk


def _where(target: Target) -> tuple[str, list[Any]]:
    if target.scope == "domain":
        return "site = ?", [target.value]
    if target.scope == "host":
        return f"{_HOST_SQL} = ?", [target.value]
    if target.scope == "url":
        return "landing_url = ?", [target.value]
    raise InputError(f"unknown target scope {target.scope!r} (domain, host or url)")


def _limit(limit: int | None, params: list[Any]) -> str:
    if limit is None:
        return ""
    if limit < 0:
        raise InputError(f"limit must be >= 0, got {limit}")
    params.append(limit)
    return " LIMIT ?"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    if not exists(con):
        return []
    return con.execute(sql, params).fetchall()


def _date(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


def referrer_domains(
    con: duckdb.DuckDBPyConnection, target: Target, limit: int | None = None
) -> list[ReferrerVisits]:
    """Referral visits to the target per referring domain, most visits first."""
    where, params = _where(target)
    sql = (
        "SELECT referrer_domain, sum(visits), count(DISTINCT nullif(referrer_url, '')), "
        "count(DISTINCT nullif(landing_url, '')), min(day), max(until) FROM referrals "
        f"WHERE {where} AND referrer_domain <> '' GROUP BY referrer_domain "
        "ORDER BY 2 DESC, 1" + _limit(limit, params)
    )
    return [ReferrerVisits(r[0], int(r[1]), int(r[2]), int(r[3]), _date(r[4]), _date(r[5]))
            for r in _rows(con, sql, params)]


def referring_pages(
    con: duckdb.DuckDBPyConnection, target: Target, limit: int | None = None
) -> list[ReferringPageVisits]:
    """Referral visits to the target per referring page (when the page is known)."""
    where, params = _where(target)
    sql = (
        "SELECT referrer_url, any_value(referrer_domain), sum(visits), "
        "count(DISTINCT nullif(landing_url, '')), min(day), max(until) FROM referrals "
        f"WHERE {where} AND referrer_url <> '' GROUP BY referrer_url "
        "ORDER BY 3 DESC, 1" + _limit(limit, params)
    )
    return [ReferringPageVisits(r[0], r[1], int(r[2]), int(r[3]), _date(r[4]), _date(r[5]))
            for r in _rows(con, sql, params)]


_LANDING_SELECT = (
    "SELECT landing_url, status, sum(visits), "
    "sum(CASE WHEN referrer_host <> '' THEN visits ELSE 0 END), "
    "count(DISTINCT nullif(referrer_domain, '')), min(day), max(until)"
)


def landing_pages(
    con: duckdb.DuckDBPyConnection, target: Target, limit: int | None = None
) -> list[LandingVisits]:
    """Visits per landing page of the target and the status it answered, most visits first."""
    where, params = _where(target)
    sql = (
        f"{_LANDING_SELECT} FROM referrals WHERE {where} AND landing_url <> '' "
        "GROUP BY landing_url, status ORDER BY 3 DESC, 1, 2" + _limit(limit, params)
    )
    return [LandingVisits(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), _date(r[5]),
                          _date(r[6])) for r in _rows(con, sql, params)]


def dead_pages(
    con: duckdb.DuckDBPyConnection, target: Target, limit: int | None = None, top: int = 5
) -> list[DeadPage]:
    """Landing pages that answered 404 or 410, most referred visits first, with top referrers."""
    where, params = _where(target)
    sql = (
        f"{_LANDING_SELECT} FROM referrals WHERE {where} AND status IN (404, 410) "
        "GROUP BY landing_url, status ORDER BY 4 DESC, 3 DESC, 1, 2" + _limit(limit, params)
    )
    rows = _rows(con, sql, params)
    if not rows:
        return []
    refs: dict[tuple[str, int], list[str]] = {}
    for url, status, referrer in con.execute(
        "SELECT landing_url, status, coalesce(nullif(referrer_url, ''), referrer_host) AS ref "
        f"FROM referrals WHERE {where} AND status IN (404, 410) AND referrer_host <> '' "
        "GROUP BY landing_url, status, ref ORDER BY sum(visits) DESC, ref",
        params[: len(params) - (1 if limit is not None else 0)],
    ).fetchall():
        found = refs.setdefault((url, int(status)), [])
        if len(found) < top:
            found.append(referrer)
    return [DeadPage(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]),
                     tuple(refs.get((r[0], int(r[1])), ())), _date(r[5]), _date(r[6]))
            for r in rows]


def checksum(con: duckdb.DuckDBPyConnection) -> str:
    """An order-independent digest of every referral row: equal tables, equal digest."""
    if not exists(con):
        return "0:0:0"
    text = "concat_ws(chr(31), " + ", ".join(
        f"{quote(n)}::VARCHAR" for n in REFERRALS.names) + ")"
    row = first(con.execute(
        f"SELECT count(*), coalesce(sum(md5_number_lower({text})::HUGEINT), 0), "
        f"coalesce(bit_xor(md5_number_upper({text})), 0) FROM referrals").fetchall())
    return f"{row[0]}:{int(row[1]):x}:{int(row[2]):x}"
