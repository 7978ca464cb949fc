"""Ingest end to end: every real fixture ingests, order does not matter, kill -9 loses nothing."""

from __future__ import annotations

import hashlib
import io
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import fixture_path
from linkatlas import api, sample


def table_digest(db: Path) -> dict[str, str]:
    """Order-independent digest of the links and pages tables, every column."""
    out = {}
    for what in ("links", "pages"):
        buf = io.BytesIO()
        api.export(what, fmt="csv", stream=buf, db=db)  # type: ignore[arg-type]
        header, *rows = buf.getvalue().decode().splitlines()
        out[what] = hashlib.sha256("\n".join([header, *sorted(rows)]).encode()).hexdigest()
    return out


def test_every_fixture_warc_ingests(tmp_path: Path) -> None:
    folder = fixture_path("warc")
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.name.endswith(api.ARCHIVE_SUFFIXES)
    )
    assert len(files) >= 10
    report = api.ingest(files, db=tmp_path / "fx.duckdb")
    assert report.failed_files == {}, report.failed_files
    assert report.files == len(files)
    assert report.pages >= 30 and report.links >= 500
    counts = api.counts(db=tmp_path / "fx.duckdb")
    assert counts["links"] > 0 and counts["pages"] > 0


def test_same_files_twice_or_reordered_give_identical_tables(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz", tmp_path / "c.warc.gz"
    sample.write_warc(sample.build(seed=7), a)
    sample.write_warc(sample.build(seed=7, version=2), b)
    sample.write_warc(sample.build(seed=8), c)
    first, second = tmp_path / "1.duckdb", tmp_path / "2.duckdb"
    api.ingest([a, b, c], db=first)
    api.ingest([c], db=second, batch_size=333)
    api.ingest([b, a], db=second, batch_size=1000)
    api.ingest([a, c, b], db=second)
    assert table_digest(first) == table_digest(second)


def _big_warcs(folder: Path, n: int) -> list[Path]:
    paths = []
    for seed in range(1, n + 1):
        path = folder / f"s{seed}.warc.gz"
        sample.write_warc(sample.build(seed=seed), path)
        paths.append(path)
    return paths


def test_kill_9_during_ingest_loses_nothing(tmp_path: Path) -> None:
    warcs = _big_warcs(tmp_path, 6)

    def command(db: Path) -> list[str]:
        return [sys.executable, "-m", "linkatlas", "ingest", *map(str, warcs), "--db", str(db),
                "--batch-size", "500"]

    # A clean run in a subprocess gives the expected tables and how long a run takes, so the
    # kills land inside the run however fast this machine is.
    reference = tmp_path / "reference.duckdb"
    started = time.perf_counter()
    subprocess.run(command(reference), capture_output=True, timeout=300, check=True)
    duration = time.perf_counter() - started
    expected = table_digest(reference)
    rng = random.Random(2)
    db = tmp_path / "killed.duckdb"
    kills = runs = 0
    # A shared machine's speed changes between runs: a run that finished before its kill does
    # not count, and the loop goes on until five runs were killed (at most 15 runs).
    while kills < 5 and runs < 15:
        runs += 1
        # --force: every killed run re-reads everything, so each kill lands mid-write.
        proc = subprocess.Popen([*command(db), "--force"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 0.9 if kills >= runs - 1 else 0.6) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        if db.exists():  # whatever was committed is readable and consistent
            assert api.counts(db=db)["links"] >= 0
    assert kills >= 3, f"only {kills} of {runs} runs were killed mid-way"
    # The resumed run reads only the files no killed run finished.
    done = subprocess.run(command(db), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert table_digest(db) == expected


@pytest.mark.parametrize("cut", [0.3, 0.55, 0.8])
def test_truncated_gzip_keeps_what_was_read(tmp_path: Path, cut: float) -> None:
    whole = tmp_path / "whole.warc.gz"
    sample.write_warc(sample.build(seed=3), whole)
    data = whole.read_bytes()
    part = tmp_path / "cut.warc.gz"
    part.write_bytes(data[: int(len(data) * cut)])
    report = api.ingest([part], db=tmp_path / "cut.duckdb")
    full = api.ingest([whole], db=tmp_path / "whole.duckdb")
    assert 0 < report.pages < full.pages
    assert report.skipped >= 1 or report.failed_files


def test_hostile_pages_cost_nothing_but_themselves(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    good = b'<html><body><p>See <a href="https://target.example/">our friend</a>.</p></body></html>'
    hostile = [
        b"\x00\xff\xfe" * 5000,  # binary junk sent as HTML
        b"<div>" * 60_000 + b'<a href="https://target.example/deep">deep</a>',  # nesting bomb
        b'<a href="' + b"A" * 200_000 + b'">long href</a>',
        b"<html><head><meta charset=x-no-such-charset></head><body>\xe9\xe8</body>",
        "<a href='https://target.example/\u202e'>\ud7ff bidi</a>".encode(),
        b'<a href="http://[::1">broken</a><a href="javascript:alert(1)">js</a>',
    ]
    warc = tmp_path / "hostile.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, body in enumerate([good, *hostile, good]):
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://site{i}.example/page", "response", payload=BytesIO(body),
                http_headers=head))
    db = tmp_path / "h.duckdb"
    report = api.ingest([warc], db=db)
    assert report.pages + report.skipped == len(hostile) + 2
    assert report.pages >= 2
    sources = {link.source_url for link in api.backlinks("target.example", db=db)}
    assert {"https://site0.example/page", f"https://site{len(hostile) + 1}.example/page"} <= sources


def test_finished_files_are_not_read_again_unless_forced(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    sample.write_warc(sample.build(seed=5), warc)
    db = tmp_path / "r.duckdb"
    first = api.ingest([warc], db=db)
    assert first.pages > 0 and not first.unchanged_files
    again = api.ingest([warc], db=db)
    assert again.unchanged_files == [str(warc)] and again.records == 0
    forced = api.ingest([warc], db=db, force=True)
    assert forced.pages == first.pages
    sample.write_warc(sample.build(seed=5, version=2), warc)  # same path, new content
    changed = api.ingest([warc], db=db)
    assert changed.pages > 0 and not changed.unchanged_files
