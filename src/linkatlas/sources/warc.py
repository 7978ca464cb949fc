"""WARC reader: HTTP responses (and resolvable revisits) of a WARC or WARC.gz file as Captures.

Built on fastwarc. fastwarc stops at the first unreadable record (a corrupt gzip member, an
invalid header line); ``iter_records`` then looks for the next record start after it (the next
gzip member whose text starts with ``WARC/``, or the next ``WARC/1.x`` line in a plain file) and
carries on, so one bad record costs one ``Skipped``, not the rest of the file.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from linkatlas.errors import SourceError
from linkatlas.model import Capture, Skipped
from linkatlas.settings import SETTINGS
from linkatlas.sources import payload
from linkatlas.sources.payload import Headers, PayloadError

DEFAULT_MAX_BODY: int = next(s.default for s in SETTINGS if s.name == "max_body_bytes")
# Bytes of original payloads kept to resolve later revisit records of the same file.
REVISIT_CACHE_BYTES = 64 * 1024 * 1024
_HEADER_ALLOWANCE = 256 * 1024
_SCAN_WINDOW = 1 << 20
_WARC_LINE = re.compile(rb"WARC/\d\.\d+\r?\n")
_RESPONSE = int(WarcRecordType.response)
_REVISIT = int(WarcRecordType.revisit)


def check_file(path: str | Path) -> Path:
    """The path as a Path, or SourceError when it is missing, a directory or unreadable."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"{p}: no such file")
    if p.is_dir():
        raise SourceError(f"{p}: is a directory, not an archive file")
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise SourceError(f"{p}: cannot be opened ({exc.strerror or exc})") from exc
    return p


def _gzip_member_at(data: bytes, index: int) -> bool:
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[index : index + 4096], 8)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def next_record_start(fh: BinaryIO, start: int, gzipped: bool) -> int | None:
    """Offset of the first plausible record start at or after ``start``, or None at EOF."""
    pos = start
    while True:
        # one byte of look-behind so a WARC line can be checked to start a line
        lead = 1 if pos > 0 else 0
        fh.seek(pos - lead)
        data = fh.read(lead + _SCAN_WINDOW + 4096)
        if len(data) <= lead:
            return None
        limit = min(len(data), lead + _SCAN_WINDOW)
        if gzipped:
            idx = data.find(b"\x1f\x8b\x08", lead, limit)
            while idx >= 0:
                if _gzip_member_at(data, idx):
                    return pos - lead + idx
                idx = data.find(b"\x1f\x8b\x08", idx + 1, limit)
        else:
            for match in _WARC_LINE.finditer(data, lead):
                idx = match.start()
                if idx >= limit:
                    break
                if idx == 0 or data[idx - 1 : idx] == b"\n":
                    return pos - lead + idx
        if len(data) <= lead + _SCAN_WINDOW:
            return None
        pos += _SCAN_WINDOW


def _member_end(fh: BinaryIO, start: int) -> int | None:
    """End offset of the gzip member starting at ``start``; None if it is cut off or invalid."""
    fh.seek(start)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pos = start
    try:
        while not inflater.eof:
            chunk = fh.read(1 << 16)
            if not chunk:
                return None
            pos += len(chunk)
            inflater.decompress(chunk, 1 << 16)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
    except zlib.error:
        return None
    return pos - len(inflater.unused_data)


def _unread_tail(fh: BinaryIO, last: int, gzipped: bool) -> int | None:
    """Offset of data after the last record fastwarc returned, if any is left unread."""
    if not gzipped:
        return next_record_start(fh, last + 1, gzipped)
    end = _member_end(fh, last)
    if end is None:
        return last  # the last member itself is cut off: the file was truncated inside it
    fh.seek(end)
    rest = fh.read(64)
    return end if rest.strip(b"\x00\r\n ") else None


def iter_records(path: Path) -> Iterator[tuple[WarcRecord, int] | Skipped]:
    """Every readable record with its file offset; a Skipped for each unreadable stretch."""
    name = path.name
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        start = 0
        # a failure found after a good record: reported once we know where it really was
        pending: Skipped | None = None
        while True:
            fh.seek(start)
            last: int | None = None
            base: int | None = None
            try:
                for record in ArchiveIterator(fh, parse_http=False):
                    if base is None:
                        # fastwarc reports positions from the stream's own tell(), or from 0
                        base = 0 if record.stream_pos >= start else start
                    last = base + record.stream_pos
                    if pending is not None:
                        yield pending
                        pending = None
                    yield record, last
                if pending is not None:
                    yield pending
                # fastwarc ends quietly on a record whose header was cut off: look for one
                tail = _unread_tail(fh, start if last is None else last, gzipped)
                if tail is not None:
                    yield Skipped(f"{name}@{tail}", "truncated or unreadable record at end of file")
                return
            except (OSError, ValueError) as exc:
                reason = f"unreadable record: {exc}"
                if last is None:
                    pending = None
                    yield Skipped(f"{name}@{start}", reason)
                    scan_from = start + 1
                else:
                    pending = Skipped(f"{name}@{last}", f"after this record, {reason}")
                    scan_from = last + 1
            found = next_record_start(fh, scan_from, gzipped)
            if found is None:
                if pending is not None:
                    yield pending
                return
            start = found


class _RevisitCache:
    """Original payloads by record id and payload digest, bounded in bytes (oldest evicted)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.entries: OrderedDict[str, tuple[int, Headers, bytes]] = OrderedDict()

    def put(self, keys: list[str], entry: tuple[int, Headers, bytes]) -> None:
        size = len(entry[2])
        if size > self.budget:
            return
        for key in keys:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= len(old[2])
            self.entries[key] = entry
            self.used += size
        while self.used > self.budget and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.used -= len(dropped[2])

    def get(self, keys: list[str]) -> tuple[int, Headers, bytes] | None:
        for key in keys:
            if key and key in self.entries:
                return self.entries[key]
        return None


def _read_block(record: WarcRecord, limit: int) -> tuple[bytes, bool]:
    """The record block up to ``limit`` bytes, and whether it is complete (not cut off)."""
    block: bytes = record.reader.read(limit)
    expected = int(record.content_length)
    if len(block) >= limit:
        rest = int(record.reader.consume())
        return block, len(block) + rest >= expected
    return block, len(block) >= expected


def _is_http(record: WarcRecord, block: bytes, url: str, revisit: bool) -> bool:
    ctype = (record.headers.get("Content-Type") or "").lower()
    if ctype.startswith("application/http") or block.startswith(b"HTTP/"):
        return True
    # revisits often carry no HTTP headers at all (empty block, no Content-Type)
    return revisit and not ctype and url.lower().startswith(("http:", "https:"))


def read_warc(
    path: str | Path,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    revisit_cache_bytes: int = REVISIT_CACHE_BYTES,
) -> Iterator[Capture | Skipped]:
    """Captures of the HTTP responses and resolvable revisits of a WARC file, in file order."""
    p = check_file(path)
    return _read(p, max_body_bytes, revisit_cache_bytes)


def _read(path: Path, max_body: int, cache_bytes: int) -> Iterator[Capture | Skipped]:
    cache = _RevisitCache(cache_bytes)
    reported = ""  # a record already skipped as truncated is not reported again at the tail
    for item in iter_records(path):
        if isinstance(item, Skipped):
            if item.observed_in != reported:
                yield item
            continue
        record, offset = item
        rtype = int(record.record_type)
        if rtype != _RESPONSE and rtype != _REVISIT:
            continue
        where = f"{path.name}@{offset}"
        try:
            for out in _capture(record, where, max_body, cache, rtype == _REVISIT):
                if isinstance(out, Skipped):
                    reported = where
                yield out
        except (OSError, ValueError) as exc:
            reported = where
            yield Skipped(where, f"unreadable record: {exc}")


def _capture(
    record: WarcRecord, where: str, max_body: int, cache: _RevisitCache, revisit: bool
) -> Iterator[Capture | Skipped]:
    whead = record.headers
    url = payload.strip_uri(whead.get("WARC-Target-URI"))
    block, complete = _read_block(record, max_body + _HEADER_ALLOWANCE)
    if not _is_http(record, block, url, revisit):
        return
    if not complete:
        yield Skipped(where, "truncated record (block shorter than its Content-Length)")
        return
    if not url:
        yield Skipped(where, "record has no WARC-Target-URI")
        return
    fetched = payload.parse_warc_date(whead.get("WARC-Date"))
    if fetched is None:
        yield Skipped(where, f"invalid WARC-Date {whead.get('WARC-Date')!r}")
        return
    status: int
    headers: Headers
    if revisit:
        original = cache.get(
            [whead.get("WARC-Refers-To") or "", whead.get("WARC-Payload-Digest") or ""]
        )
        if original is None:
            yield Skipped(where, "revisit whose original response is not earlier in this file")
            return
        status, headers, body = original
        if block.startswith(b"HTTP/"):
            own_status, own_headers, _ = payload.split_http(block)
            # a 304 revisit (server-not-modified) means "same as the original"
            if own_status != 304:
                status, headers = own_status, own_headers
        truncated = False
    else:
        try:
            status, headers, raw = payload.split_http(block)
            body, truncated = payload.decode_body(raw, headers, max_body)
        except PayloadError as exc:
            yield Skipped(where, str(exc))
            return
        keys = [k for k in (whead.get("WARC-Record-ID"), whead.get("WARC-Payload-Digest")) if k]
        if keys:
            cache.put(keys, (status, headers, body))
    yield payload.capture(url, status, headers, body, fetched, where, truncated=truncated,
                          max_body=max_body, ip=(whead.get("WARC-IP-Address") or "").strip())
