"""WARC reader: every fixture readable, bad data skipped and counted, revisits resolved."""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from pathlib import Path

import brotli
import pytest

from conftest import fixture_path
from linkatlas import sources
from linkatlas.model import UTC, Capture, Skipped
from linkatlas.sources import payload
from linkatlas.sources.warc import read_warc

# (captures, skipped) per fixture file: responses + revisits whose original is in the same file.
EXPECTED = {
    "warc/cc-warc-resiliparse/cc-main-2020-34-excerpt.warc.gz": (16, 0),
    "warc/cc-wat-link-extraction-tests/link-extraction-test.warc": (9, 0),
    "warc/cc-whirlwind/whirlwind.warc.gz": (1, 0),
    "warc/cc-whirlwind/whirlwind.warc.wet.gz": (0, 0),  # conversion records only
    "warc/warc-samples/IAH-urls-wget.warc.gz": (16, 0),
    # 3 responses + 9 revisits; only the example.com revisit has its original in this file
    "warc/warc-samples/dupes.warc.gz": (4, 8),
    "warc/warc-samples/example-wget-1-14.warc.gz": (1, 0),
    "warc/warc-samples/example-wpull.warc.gz": (1, 0),
    "warc/warc-samples/example.warc.gz": (3, 0),
    "warc/warc-samples/iana.warc.gz": (48 + 123, 0),
    "warc/warc-samples/example.arc.gz": (1, 0),
    "conformance/warcio-torture/standard-torture-missing.warc": (0, 0),
    "conformance/warcio-torture/standard-torture-validate-record.warc": (0, 0),
    # two odd-but-parseable records, then a "WARC/invalid" header that ends the file
    "conformance/warcio-torture/standard-torture-validate-field.warc": (0, 1),
}


def counts(records: list[object]) -> tuple[int, int]:
    c = Counter(type(r).__name__ for r in records)
    return c["Capture"], c["Skipped"]


def warc_record(http: bytes, *, rtype: str = "response", extra: str = "") -> bytes:
    head = (
        f"WARC/1.1\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: <http://x.test/page>\r\n"
        f"WARC-Date: 2021-03-04T05:06:07.123456789Z\r\nWARC-Record-ID: <urn:uuid:{id(http)}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\n{extra}"
        f"Content-Length: {len(http)}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def test_every_fixture_file_is_listed_and_readable() -> None:
    root = fixture_path("warc")
    on_disk = {
        str(p.relative_to(root.parent))
        for p in root.rglob("*")
        if p.is_file() and p.suffix in {".gz", ".warc", ".arc"}
    }
    # the WAT file goes to the WAT reader; its test lives in test_sources_wat.py
    on_disk.discard("warc/cc-whirlwind/whirlwind.warc.wat.gz")
    assert on_disk <= set(EXPECTED), on_disk - set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_fixture_counts(relative: str) -> None:
    records = list(sources.open_path(fixture_path(relative)))
    assert counts(records) == EXPECTED[relative]
    for r in records:
        if isinstance(r, Capture):
            assert r.fetched_at.utcoffset() == UTC.utcoffset(None)
            assert r.url.startswith(("http://", "https://")) and not r.url.startswith("<")
            assert 100 <= r.status <= 599
            assert r.observed_in.startswith(Path(relative).name + "@")
        else:
            assert isinstance(r, Skipped) and r.reason and "\n" not in r.reason


def test_chunked_bodies_are_decoded() -> None:
    caps = [c for c in read_warc(fixture_path("warc/warc-samples/iana.warc.gz"))]
    home = next(c for c in caps if isinstance(c, Capture) and c.url == "http://www.iana.org/")
    assert home.header("Transfer-Encoding") == "chunked"
    assert home.body.startswith(b"<!doctype html>")
    assert home.body.rstrip().endswith(b"</html>")


def test_revisits_resolve_to_the_original_body() -> None:
    caps = [c for c in read_warc(fixture_path("warc/warc-samples/iana.warc.gz"))]
    assert all(isinstance(c, Capture) for c in caps)
    css = [c for c in caps if isinstance(c, Capture) and c.url.endswith("/print.css")]
    assert len(css) > 2
    first = css[0]
    assert all(c.body == first.body and len(c.body) > 1000 for c in css)
    assert len({c.fetched_at for c in css}) == len(css)  # each keeps its own date
    assert len({c.observed_in for c in css}) == len(css)


def test_revisit_without_original_is_skipped() -> None:
    out = list(read_warc(fixture_path("warc/warc-samples/dupes.warc.gz")))
    skipped = [r for r in out if isinstance(r, Skipped)]
    assert skipped and all("original" in s.reason for s in skipped)
    resolved = [r for r in out if isinstance(r, Capture) and r.url == "http://example.com"]
    assert resolved and resolved[0].body.startswith(b"<!doctype html>")


def test_redirects_are_yielded() -> None:
    out = list(read_warc(fixture_path("warc/warc-samples/IAH-urls-wget.warc.gz")))
    redirects = [c for c in out if isinstance(c, Capture) and 300 <= c.status < 400]
    assert redirects and all(c.header("Location") for c in redirects)


@pytest.mark.parametrize("fraction", [0.001, 0.05, 0.3, 0.5, 0.77, 0.999])
def test_truncated_gzip_keeps_earlier_records(tmp_path: Path, fraction: float) -> None:
    data = fixture_path("warc/warc-samples/iana.warc.gz").read_bytes()
    full = [r for r in read_warc(fixture_path("warc/warc-samples/iana.warc.gz"))]
    cut = int(len(data) * fraction)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:cut])
    out = list(sources.open_path(path))
    caps = [r for r in out if isinstance(r, Capture)]
    # every capture before the cut point is intact and equal to the full read
    assert [c.body for c in caps] == [c.body for c in full[: len(caps)] if isinstance(c, Capture)]
    offsets = [int(c.observed_in.split("@")[1]) for c in full]
    complete = sum(1 for nxt in offsets[1:] if nxt <= cut)
    assert len(caps) >= complete
    skipped = [r for r in out if isinstance(r, Skipped)]
    assert len(skipped) <= 1
    assert len(caps) < len(full)


def test_truncated_gzip_at_record_header_is_reported(tmp_path: Path) -> None:
    data = fixture_path("warc/warc-samples/iana.warc.gz").read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: 41238 + 20])  # 20 bytes into the member of a response record
    out = list(read_warc(path))
    assert counts(out) == (4, 1)
    assert out[-1] == Skipped("cut.warc.gz@41238", "truncated or unreadable record at end of file")


def test_corrupt_gzip_member_costs_one_record(tmp_path: Path) -> None:
    data = bytearray(fixture_path("warc/warc-samples/iana.warc.gz").read_bytes())
    data[41238 + 30 : 41238 + 60] = b"x" * 30  # inside the compressed screen.css response
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(bytes(data))
    out = list(read_warc(path))
    errors = [r for r in out if isinstance(r, Skipped) and "unreadable" in r.reason]
    assert len(errors) == 1
    caps = [r for r in out if isinstance(r, Capture)]
    assert any(c.url == "http://www.iana.org/time-zones" for c in caps)  # far after the damage
    assert not any(c.observed_in == "bad.warc.gz@41238" for c in caps)


def test_garbage_in_plain_warc_resyncs(tmp_path: Path) -> None:
    plain = gzip.decompress(fixture_path("warc/warc-samples/iana.warc.gz").read_bytes())
    i = plain.index(b"WARC/1.0", plain.index(b"WARC-Type: response", 50_000) - 200)
    path = tmp_path / "bad.warc"
    path.write_bytes(plain[:i] + b"GARBAGE\r\n" + plain[i + 8 :])
    out = list(read_warc(path))
    reasons = Counter(r.reason.split(":")[0] for r in out if isinstance(r, Skipped))
    # the lost record was the original of later revisits: those are skipped, not wrong
    assert reasons == {
        "after this record, unreadable record": 1,
        "revisit whose original response is not earlier in this file": reasons[
            "revisit whose original response is not earlier in this file"
        ],
    }
    assert counts(out)[0] + counts(out)[1] - 1 == 171 - 1


def test_plain_and_gzip_give_the_same_captures(tmp_path: Path) -> None:
    src = fixture_path("warc/warc-samples/iana.warc.gz")
    path = tmp_path / "iana.warc"
    path.write_bytes(gzip.decompress(src.read_bytes()))
    a = [(c.url, c.status, c.body) for c in read_warc(src) if isinstance(c, Capture)]
    b = [(c.url, c.status, c.body) for c in read_warc(path) if isinstance(c, Capture)]
    assert a == b


def test_content_encodings_are_decoded(tmp_path: Path) -> None:
    html = b"<html><a href='/x'>x</a></html>" * 10
    gz = gzip.compress(html)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(gz), gz)
    records = [
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gz,
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked,
        b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n" + zlib.compress(html),
        b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n" + brotli.compress(html),
        # a writer that decoded the body but kept the headers
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + html,
        b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n" + b"\xff\xfe\x00\x01" * 8,
        b"HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\n\r\n" + b"\x28\xb5\x2f\xfd",
        b"not http at all\r\n\r\nbody",
    ]
    path = tmp_path / "enc.warc"
    path.write_bytes(b"".join(warc_record(r) for r in records))
    out = list(read_warc(path))
    assert [c.body for c in out[:5] if isinstance(c, Capture)] == [html] * 5
    assert [type(r).__name__ for r in out[5:]] == ["Skipped"] * 3
    reasons = [r.reason for r in out[5:] if isinstance(r, Skipped)]
    assert "br" in reasons[0] and "zstd" in reasons[1] and "status line" in reasons[2]
    first = out[0]
    assert isinstance(first, Capture)
    assert first.url == "http://x.test/page"
    assert first.fetched_at.microsecond == 123456 and first.fetched_at.tzinfo is not None


def test_bodies_are_capped(tmp_path: Path) -> None:
    html = b"<p>" + b"a" * 100_000
    path = tmp_path / "big.warc"
    plain = b"HTTP/1.1 200 OK\r\n\r\n" + html
    coded = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(html)
    path.write_bytes(warc_record(plain) + warc_record(coded))
    out = list(read_warc(path, max_body_bytes=1000))
    assert [len(c.body) for c in out if isinstance(c, Capture)] == [1000, 1000]


def test_payload_helpers() -> None:
    status, headers, body = payload.split_http(b"HTTP/1.0 404\nX-A: 1\n  folded\nX-A: 2\n\nbody")
    assert (status, headers, body) == (404, (("X-A", "1 folded"), ("X-A", "2")), b"body")
    assert payload.dechunk(b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n") == b"abcde"
    assert payload.dechunk(b"<html>") == b"<html>"
    assert payload.dechunk(b"5\r\nab") == b"ab"  # cut short: keep what is there
    assert payload.parse_warc_date("2017-03-06T04:03:53Z") is not None
    assert payload.parse_warc_date("not-a-date") is None
    assert payload.parse_arc_date("20140216050221") is not None
    assert payload.parse_arc_date("2014x") is None
    assert payload.strip_uri(" <http://a/> ") == "http://a/"
    with pytest.raises(payload.PayloadError):
        payload.split_http(b"garbage")


def test_non_http_records_are_silent(tmp_path: Path) -> None:
    dns = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: dns:example.com\r\n"
        b"WARC-Date: 2021-01-01T00:00:00Z\r\nContent-Type: text/dns\r\nContent-Length: 7\r\n\r\n"
        b"1.2.3.4\r\n\r\n"
    )
    path = tmp_path / "dns.warc"
    path.write_bytes(dns + warc_record(b"HTTP/1.1 200 OK\r\n\r\nhi"))
    out = list(read_warc(path))
    assert counts(out) == (1, 0)


@pytest.mark.parametrize(
    "relative",
    [
        "warc/warc-samples/iana.warc.gz",
        "warc/warc-samples/IAH-urls-wget.warc.gz",
        "warc/cc-warc-resiliparse/cc-main-2020-34-excerpt.warc.gz",
        "warc/cc-whirlwind/whirlwind.warc.gz",
    ],
)
def test_bodies_match_warcio(relative: str) -> None:
    """Our decoded bodies agree with warcio's (an independent reader) record by record."""
    warcio = pytest.importorskip("warcio.archiveiterator")
    path = fixture_path(relative)
    reference: dict[int, bytes] = {}
    with path.open("rb") as fh:
        it = warcio.ArchiveIterator(fh)
        for rec in it:
            if rec.rec_type == "response" and rec.http_headers is not None:
                reference[it.get_record_offset()] = rec.content_stream().read()
    ours = {
        int(c.observed_in.rsplit("@", 1)[1]): c.body
        for c in read_warc(path)
        if isinstance(c, Capture)
    }
    assert reference and set(reference) <= set(ours)
    assert [pos for pos, body in reference.items() if ours[pos] != body] == []
