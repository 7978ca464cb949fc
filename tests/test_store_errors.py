"""Clear errors: a locked index names its holder; corrupt and foreign files say what they are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from linkatlas.errors import StoreError, StoreLockedError
from linkatlas.store import Index
from store_gen import gen_batch

CHILD = Path(__file__).with_name("store_kill_child.py")


def test_second_writer_gets_locked_error_naming_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "i.duckdb"
    with Index(db) as ix:
        ix.write(*gen_batch(1, 2, 2))
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), "hold", str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=rf"locked by process {proc.pid}\b") as info:
            Index(db)
        assert "one process may write" in str(info.value)
        with pytest.raises(StoreLockedError, match=str(proc.pid)):
            Index(db, read_only=True)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    with Index(db) as ix:  # the lock goes with its holder
        assert ix.counts()["links"] == 4


def test_not_a_duckdb_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"GIF89a" + os.urandom(5000))
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"\(not a DuckDB database file\)"):
            Index(junk, read_only=read_only)
    assert junk.read_bytes()[:6] == b"GIF89a"  # never overwritten


def test_truncated_index_file(tmp_path: Path) -> None:
    db = tmp_path / "i.duckdb"
    with Index(db) as ix:
        ix.write(*gen_batch(2, 20, 10))
        ix.optimize()  # checkpoint: the data lives in the main file
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError), Index(db, read_only=True) as ix:
        ix.counts()
        ix.backlinks  # noqa: B018
        ix.export("links", tmp_path / "x.parquet", "parquet")


def test_foreign_duckdb_file_is_refused_read_only(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE links (a INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a linkatlas index"):
        Index(db, read_only=True)
    with pytest.raises(StoreError, match="table links does not have the expected columns"):
        Index(db)


def test_missing_index_read_only_and_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no index at"):
        Index(tmp_path / "absent.duckdb", read_only=True)
    with pytest.raises(StoreError, match="is a directory"):
        Index(tmp_path)


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "i.duckdb"
    Index(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="schema version 99"):
        Index(db)



class _RefusingCheckpoints:
    """A connection whose CHECKPOINT DuckDB refuses ``times`` times, as it does while another
    connection of the same instance (a serving process's reader) has a write transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, times: int) -> None:
        self._con, self.times, self.tries = con, times, 0

    def execute(self, sql: str, *args: object) -> object:
        if sql.strip().upper() == "CHECKPOINT":
            self.tries += 1
            if self.tries <= self.times:
                raise duckdb.TransactionException(
                    "TransactionContext Error: Cannot CHECKPOINT: there are other write "
                    "transactions active. Try using FORCE CHECKPOINT to wait until all active "
                    "transactions are finished")
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


@pytest.mark.parametrize("refusals", [2, 100])
def test_optimize_survives_a_refused_checkpoint(tmp_path: Path, refusals: int) -> None:
    """A refused CHECKPOINT is retried, then left to DuckDB: the sort is committed and the
    job that asked for it does not fail (it failed a live crawl job in CI under load)."""
    db = tmp_path / "i.duckdb"
    with Index(db) as index:
        index.write(*gen_batch(0, 100))
        real = index._con
        proxy = _RefusingCheckpoints(real, refusals)
        index._con = proxy  # type: ignore[assignment]
        try:
            assert index.optimize() is True
        finally:
            index._con = real
        assert proxy.tries == (refusals + 1 if refusals < 6 else 6)
        assert index.counts()["links"] == 2_000  # 100 pages x 20 links
    with Index(db, read_only=True) as again:
        assert again.counts()["links"] == 2_000


def test_optimize_reports_other_checkpoint_failures(tmp_path: Path) -> None:
    class Broken(_RefusingCheckpoints):
        def execute(self, sql: str, *args: object) -> object:
            if sql.strip().upper() == "CHECKPOINT":
                raise duckdb.IOException("IO Error: could not write file: No space left")
            return self._con.execute(sql, *args)

    with Index(tmp_path / "i.duckdb") as index:
        index.write(*gen_batch(0, 100))
        real = index._con
        index._con = Broken(real, 0)  # type: ignore[assignment]
        try:
            with pytest.raises(StoreError, match="checkpoint"):
                index.optimize()
        finally:
            index._con = real
