"""Durability: a writer killed with SIGKILL loses no committed batch and leaves no partial one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from linkatlas.store import Index
from store_gen import gen_batch

CHILD = Path(__file__).with_name("store_kill_child.py")
PER_BATCH_LINKS = 40 * 25
PER_BATCH_PAGES = 40

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")


def _run_and_kill(db: Path, start: int, rng: random.Random) -> set[int]:
    """Start a writer, kill -9 it a little after a few commits; the batches it reported."""
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), "write", str(db), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported: set[int] = set()
    wanted = rng.randint(1, 4)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 20
        while len(reported) < wanted:
            line = proc.stdout.readline()
            assert line, f"writer died early: {proc.stderr.read() if proc.stderr else ''}"
            reported.add(int(line.split()[1]))
            assert time.monotonic() < deadline
        time.sleep(rng.uniform(0.0, 0.08))  # land anywhere in the next write
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
    reported.update(int(line.split()[1]) for line in out.splitlines() if line.strip())
    assert proc.returncode == -signal.SIGKILL
    return reported


def _markers(ix: Index, what: str, tmp: Path) -> Counter[str]:
    out = tmp / f"{what}.parquet"
    ix.export(what, out, "parquet")  # type: ignore[arg-type]
    return Counter(pq.read_table(out, columns=["observed_in"]).column(0).to_pylist())


def test_kill_minus_9_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "i.duckdb"
    rng = random.Random(int(os.environ.get("LINKATLAS_KILL_SEED", "11")))
    committed: set[int] = set()
    for round_ in range(5):
        reported = _run_and_kill(db, round_ * 1000, rng)
        committed |= reported
        with Index(db, read_only=True) as ix:
            links = _markers(ix, "links", tmp_path)
            pages = _markers(ix, "pages", tmp_path)
        present = {int(m.split("-")[1]) for m in links}
        # every reported batch is whole; the only extra one is the batch committed just
        # before the kill but not yet printed; none is partial
        assert committed <= present
        assert present - committed <= {max(reported) + 1}
        committed |= present
        assert all(n == PER_BATCH_LINKS for n in links.values()), links
        assert all(n == PER_BATCH_PAGES for n in pages.values()), pages
        assert set(pages) == set(links)

    with Index(db) as ix:  # a new writer opens, writes and finishes
        run = ix.begin_run(["after-kill"])
        ix.write(*gen_batch(99_999, 5, 5, observed_in="batch-99999"))
        ix.finish_run(run, "done", {"links": 25})
        statuses = [r.status for r in ix.runs()]
    assert statuses == ["interrupted"] * 5 + ["done"]
    with Index(db, read_only=True) as ix:
        assert ix.counts()["links"] == PER_BATCH_LINKS * len(committed) + 25
