"""WAT reader: Common Crawl's whirlwind WAT, malformed JSON, cut-off files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from conftest import fixture_path
from linkatlas import sources
from linkatlas.extract.wat import WatRecord, from_wat_record
from linkatlas.model import Skipped
from linkatlas.sources import read_wat


def metadata_record(body: bytes, *, ctype: str = "application/json") -> bytes:
    """One gzip member holding a WAT metadata record with ``body``."""
    head = (
        "WARC/1.0\r\nWARC-Type: metadata\r\nWARC-Target-URI: https://example.org/\r\n"
        "WARC-Date: 2024-05-31T01:17:49Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + body + b"\r\n\r\n")


def write_wat(path: Path, envelopes: list[Any]) -> Path:
    """A WAT file: the whirlwind warcinfo member, then one metadata record per item."""
    whirlwind = fixture_path("warc/cc-whirlwind/whirlwind.warc.wat.gz").read_bytes()
    parts = [whirlwind]
    for item in envelopes:
        body = item if isinstance(item, bytes) else json.dumps(item).encode()
        parts.append(metadata_record(body))
    path.write_bytes(b"".join(parts))
    return path


def test_whirlwind_wat() -> None:
    out = list(read_wat(fixture_path("warc/cc-whirlwind/whirlwind.warc.wat.gz")))
    assert len(out) == 1
    rec = out[0]
    assert isinstance(rec, WatRecord)
    assert rec.observed_in.startswith("whirlwind.warc.wat.gz@")
    meta = rec.envelope["WARC-Header-Metadata"]
    assert meta["WARC-Target-URI"] == "https://an.wikipedia.org/wiki/Escopete"
    # this fixture's only WAT record describes the *request*: no page, no links
    assert meta["WARC-Type"] == "request"
    assert from_wat_record(rec) is None


def test_bad_json_is_skipped_and_reading_continues(tmp_path: Path) -> None:
    good = {"Envelope": {"WARC-Header-Metadata": {"WARC-Type": "response"}}}
    path = write_wat(
        tmp_path / "x.wat.gz",
        [b'{"Envelope": {"broken', good, b'["a list"]', {"no": "envelope"}, good],
    )
    assert sources.detect(path) == "wat"
    out = list(sources.open_path(path))
    kinds = [type(r).__name__ for r in out]
    assert kinds == ["WatRecord", "Skipped", "WatRecord", "Skipped", "Skipped", "WatRecord"]
    reasons = [r.reason for r in out if isinstance(r, Skipped)]
    assert "malformed WAT JSON" in reasons[0]
    assert all("Envelope" in r for r in reasons[1:])


def test_truncated_wat_keeps_earlier_records(tmp_path: Path) -> None:
    env = {"Envelope": {"WARC-Header-Metadata": {"WARC-Type": "response"}, "pad": "x" * 5000}}
    full = write_wat(tmp_path / "full.wat.gz", [env, env, env])
    data = full.read_bytes()
    cut = tmp_path / "cut.wat.gz"
    cut.write_bytes(data[: len(data) - 200])
    out = list(read_wat(cut))
    assert [type(r).__name__ for r in out] == ["WatRecord"] * 3 + ["Skipped"]


def test_non_json_metadata_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "m.warc.gz"
    path.write_bytes(
        fixture_path("warc/cc-whirlwind/whirlwind.warc.wat.gz").read_bytes()
        + metadata_record(b"fetchTimeMs: 12\r\n", ctype="application/warc-fields")
    )
    assert [type(r) for r in read_wat(path)] == [WatRecord]
