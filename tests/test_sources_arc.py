"""ARC reader: the pywb ARC sample, plain and gzipped, and cut-off files."""

from __future__ import annotations

import gzip
from pathlib import Path

from conftest import fixture_path
from linkatlas.model import Capture, Skipped
from linkatlas.sources import read_arc


def test_example_arc() -> None:
    out = list(read_arc(fixture_path("warc/warc-samples/example.arc.gz")))
    assert len(out) == 1
    cap = out[0]
    assert isinstance(cap, Capture)
    assert cap.url == "http://example.com/" and cap.status == 200
    assert cap.header("content-type") == "text/html"
    assert cap.fetched_at.isoformat() == "2014-02-16T05:02:21+00:00"
    assert cap.body.startswith(b"<!doctype html>") and len(cap.body) == 1270
    assert cap.observed_in.startswith("example.arc.gz@")


def test_truncated_arc_is_skipped_not_raised(tmp_path: Path) -> None:
    plain = gzip.decompress(fixture_path("warc/warc-samples/example.arc.gz").read_bytes())
    for cut in (50, len(plain) // 2, len(plain) - 5):
        path = tmp_path / f"cut{cut}.arc"
        path.write_bytes(plain[:cut])
        out = list(read_arc(path))
        assert [type(r) for r in out] == [Skipped], cut
    data = fixture_path("warc/warc-samples/example.arc.gz").read_bytes()
    path = tmp_path / "cut.arc.gz"
    path.write_bytes(data[: len(data) - 30])
    out = list(read_arc(path))
    assert [type(r) for r in out] == [Skipped]


def test_two_records_and_a_bad_header(tmp_path: Path) -> None:
    plain = gzip.decompress(fixture_path("warc/warc-samples/example.arc.gz").read_bytes())
    first_record = plain[plain.index(b"\nhttp://") + 1 :]
    path = tmp_path / "x.arc"
    path.write_bytes(plain + b"\n" + first_record + b"\nnot an arc header line\n")
    out = list(read_arc(path))
    assert [type(r) for r in out] == [Capture, Capture, Skipped]
    assert out[0].observed_in != out[1].observed_in
