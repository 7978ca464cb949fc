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
