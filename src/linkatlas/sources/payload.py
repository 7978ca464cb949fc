"""HTTP payload helpers shared by the WARC and ARC readers: header parsing, body decoding, dates.

Archives store the HTTP message as the server sent it, or as the crawler decided to keep it:
some writers keep ``Transfer-Encoding: chunked`` framing and compressed bodies, others decode
them but leave the headers in place. Decoding is therefore tolerant: a body that does not look
encoded is taken as already decoded; one that looks encoded but cannot be decoded is an error.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import logging
import re
import zlib

import brotli  # type: ignore[import-untyped,unused-ignore]

from linkatlas.extract.headers import parse_warc_date as parse_warc_date
from linkatlas.model import UTC, Capture, Source, header_value

log = logging.getLogger("linkatlas.sources")

Headers = tuple[tuple[str, str], ...]

_STATUS_RE = re.compile(rb"^HTTP/\d+(?:\.\d+)?\s+(\d{3})")
_CHUNK_SIZE_RE = re.compile(rb"[0-9A-Fa-f]+[ \t]*(?:;[^\r\n]*)?\r?\n")


class PayloadError(ValueError):
    """An HTTP message inside a record cannot be parsed or decoded (one-line message)."""


def split_http(block: bytes) -> tuple[int, Headers, bytes]:
    """Status, ordered headers and raw body of an HTTP response message."""
    match = _STATUS_RE.match(block)
    if match is None:
        raise PayloadError("no HTTP status line")
    crlf = block.find(b"\r\n\r\n")
    lf = block.find(b"\n\n")
    if crlf < 0 and lf < 0:
        head, body = block, b""
    elif lf < 0 or (0 <= crlf < lf):
        head, body = block[:crlf], block[crlf + 4 :]
    else:
        head, body = block[:lf], block[lf + 2 :]
    headers: list[tuple[str, str]] = []
    for raw in head.decode("latin-1").splitlines()[1:]:
        if raw[:1] in (" ", "\t") and headers:
            # obsolete line folding: a continuation of the previous header value
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {raw.strip()}")
            continue
        name, sep, value = raw.partition(":")
        if sep and name.strip():
            headers.append((name.strip(), value.strip()))
    return int(match.group(1)), tuple(headers), body


def dechunk(body: bytes) -> bytes:
    """Undo chunked transfer coding; a body that is not chunk-framed is returned unchanged."""
    if _CHUNK_SIZE_RE.match(body) is None:
        return body
    out: list[bytes] = []
    pos = 0
    size_total = len(body)
    while pos < size_total:
        match = _CHUNK_SIZE_RE.match(body, pos)
        if match is None:
            if not out:
                return body
            break  # trailing garbage or trailers after a broken last chunk: keep what we have
        size = int(match.group().split(b";", 1)[0].strip(), 16)
        start = match.end()
        if size == 0:
            break
        out.append(body[start : start + size])
        pos = start + size
        if body.startswith(b"\r\n", pos):
            pos += 2
        elif body.startswith(b"\n", pos):
            pos += 1
    return b"".join(out)


def _inflate(data: bytes, wbits: int, limit: int) -> tuple[bytes, bool]:
    obj = zlib.decompressobj(wbits)
    out = obj.decompress(data, limit)
    return out, bool(obj.unconsumed_tail)


def _unbrotli(data: bytes, limit: int) -> tuple[bytes, bool]:
    obj = brotli.Decompressor()
    parts = [obj.process(data, output_buffer_limit=limit)]
    total = len(parts[0])
    while not obj.is_finished() and total <= limit:
        part = obj.process(b"", output_buffer_limit=limit)
        if not part:
            break
        parts.append(part)
        total += len(part)
    out = b"".join(parts)
    return out[:limit], total > limit


def _looks_decoded(data: bytes) -> bool:
    head = data[:64].lstrip()
    return not head or head[:1] == b"<" or all(b >= 0x09 and b != 0x7F for b in head[:32])


def decode_one(data: bytes, coding: str, limit: int) -> tuple[bytes, bool]:
    """Undo one Content-Encoding; returns the bytes and whether they were cut at ``limit``."""
    try:
        if coding in ("gzip", "x-gzip"):
            if not data.startswith(b"\x1f\x8b"):
                return data, False  # writer stored it decoded but kept the header
            return _inflate(data, 16 + zlib.MAX_WBITS, limit)
        if coding == "deflate":
            try:
                return _inflate(data, zlib.MAX_WBITS, limit)
            except zlib.error:
                return _inflate(data, -zlib.MAX_WBITS, limit)
        if coding == "br":
            return _unbrotli(data, limit)
    except (zlib.error, brotli.error) as exc:
        if _looks_decoded(data):
            return data, False
        raise PayloadError(f"cannot decode Content-Encoding {coding}: {exc}") from exc
    raise PayloadError(f"unsupported Content-Encoding {coding}")


def decode_body(raw: bytes, headers: Headers, limit: int) -> tuple[bytes, bool]:
    """The entity body with transfer and content codings undone, capped at ``limit`` bytes."""
    te = header_value(headers, "Transfer-Encoding")
    body = dechunk(raw) if te is not None and "chunked" in te.lower() else raw
    truncated = False
    ce = header_value(headers, "Content-Encoding")
    if ce is not None and body:
        codings = [c.strip().lower() for c in ce.split(",") if c.strip()]
        for coding in reversed(codings):
            if coding == "identity":
                continue
            body, cut = decode_one(body, coding, limit)
            truncated = truncated or cut
    if len(body) > limit:
        body, truncated = body[:limit], True
    return body, truncated


def parse_arc_date(value: str) -> _dt.datetime | None:
    """An ARC archive date (YYYYMMDDhhmmss, UTC, possibly shorter) as an aware datetime."""
    digits = value.strip()
    if not digits.isdigit() or len(digits) < 8:
        return None
    digits = (digits + "0000000000")[:14]
    try:
        return _dt.datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def strip_uri(value: str | None) -> str:
    """A WARC-Target-URI without the ``<...>`` wrapper some writers add."""
    if not value:
        return ""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text


def capture(
    url: str, status: int, headers: Headers, body: bytes, fetched: _dt.datetime, where: str,
    *, truncated: bool, max_body: int, ip: str = "",
) -> Capture:
    """The Capture of one archived response (a body cut at ``max_body`` is logged)."""
    if truncated:
        log.info("%s: body cut at %d bytes (max_body_bytes)", where, max_body)
    return Capture(
        url=url, status=status, headers=headers, body=body, fetched_at=fetched,
        via=Source.WARC, observed_in=where, final_url=url, ip=_ip_or_blank(ip),
    )


def _ip_or_blank(text: str) -> str:
    """A recorded server address in canonical form, or '' when it is not an IP address."""
    try:
        return str(ipaddress.ip_address(text.strip("[] "))) if text else ""
    except ValueError:
        return ""
