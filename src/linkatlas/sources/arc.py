"""ARC reader (Internet Archive ARC v1/v2, plain or gzipped per record): HTTP responses as Captures.

fastwarc reads WARC only, and ARC is simple: a ``filedesc://`` header record, then records that
are one header line (``URL IP-address Archive-date Content-type [...] Archive-length``) followed
by that many bytes. Offsets in ``observed_in`` are positions in the uncompressed stream, since
Python's gzip reader does not expose member boundaries.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from linkatlas.model import Capture, Skipped
from linkatlas.sources import payload
from linkatlas.sources.payload import PayloadError
from linkatlas.sources.warc import DEFAULT_MAX_BODY, check_file

_MAX_LINE = 64 * 1024
_READ_ERRORS = (OSError, EOFError, zlib.error)


def read_arc(
    path: str | Path, *, max_body_bytes: int = DEFAULT_MAX_BODY
) -> Iterator[Capture | Skipped]:
    """Captures of the HTTP responses of an ARC or ARC.gz file, in file order."""
    p = check_file(path)
    return _read(p, max_body_bytes)


def _open(path: Path) -> BinaryIO:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _read(path: Path, max_body: int) -> Iterator[Capture | Skipped]:
    name = path.name
    offset = 0
    with _open(path) as fh:
        while True:
            where = f"{name}@{offset}"
            try:
                line = fh.readline(_MAX_LINE)
            except _READ_ERRORS as exc:
                yield Skipped(where, f"unreadable data: {exc}")
                return
            if not line:
                return
            offset += len(line)
            if not line.strip():
                continue
            fields = line.decode("latin-1").split()
            try:
                length = int(fields[-1])
            except (ValueError, IndexError):
                yield Skipped(where, "invalid ARC header line; rest of the file not readable")
                return
            if length < 0:
                yield Skipped(where, "negative ARC record length; rest of the file not readable")
                return
            try:
                block = fh.read(min(length, max_body + 256 * 1024))
                rest = length - len(block)
                while rest > 0:
                    chunk = fh.read(min(rest, 1 << 20))
                    if not chunk:
                        break
                    rest -= len(chunk)
            except _READ_ERRORS as exc:
                yield Skipped(where, f"unreadable data: {exc}")
                return
            offset += length - rest
            if rest > 0:
                yield Skipped(where, "truncated record (shorter than its Archive-length)")
                return
            if len(fields) < 5 or fields[0].startswith("filedesc:"):
                continue
            capture = _capture(fields, block, where, max_body)
            if capture is not None:
                yield capture


def _capture(
    fields: list[str], block: bytes, where: str, max_body: int
) -> Capture | Skipped | None:
    url = fields[0]
    if not url.lower().startswith(("http:", "https:")):
        return None  # dns: and other non-HTTP captures carry no page
    fetched = payload.parse_arc_date(fields[2])
    if fetched is None:
        return Skipped(where, f"invalid ARC archive date {fields[2]!r}")
    try:
        status, headers, raw = payload.split_http(block)
        body, truncated = payload.decode_body(raw, headers, max_body)
    except PayloadError as exc:
        return Skipped(where, str(exc))
    return payload.capture(url, status, headers, body, fetched, where, truncated=truncated,
                           max_body=max_body)
