"""Which reader a file needs, decided by its content (not its name)."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Literal

from fastwarc.warc import ArchiveIterator, WarcRecordType

from linkatlas.errors import SourceError
from linkatlas.sources.warc import check_file

Format = Literal["warc", "wat", "arc"]
_PROBE_BYTES = 64 * 1024
_PROBE_RECORDS = 8
_HTTP_TYPES = frozenset(
    int(t) for t in (WarcRecordType.request, WarcRecordType.response, WarcRecordType.revisit)
)
_METADATA = int(WarcRecordType.metadata)


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        raw = fh.read(_PROBE_BYTES)
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, _PROBE_BYTES)
    except zlib.error as exc:
        raise SourceError(f"{path}: gzip data is corrupt at the start ({exc})") from exc


def _is_wat(path: Path) -> bool:
    """True when the first metadata records carry a WAT JSON envelope and no HTTP record comes."""
    try:
        for n, record in enumerate(ArchiveIterator(str(path), parse_http=False)):
            rtype = int(record.record_type)
            if rtype in _HTTP_TYPES:
                return False
            if rtype == _METADATA:
                ctype = (record.headers.get("Content-Type") or "").lower()
                start = record.reader.read(256).lstrip()
                return ctype.startswith("application/json") and start.startswith(b"{") and (
                    b'"Envelope"' in start or b'"Container"' in start
                )
            if n >= _PROBE_RECORDS:
                return False
    except (OSError, ValueError):
        return False
    return False


def detect(path: str | Path) -> Format:
    """``warc``, ``wat`` or ``arc``; SourceError for anything else (or a missing file)."""
    p = check_file(path)
    head = _head(p)
    text = head.lstrip(b"\r\n")
    if text.startswith(b"filedesc://"):
        return "arc"
    if text.startswith((b"WARC/1.", b"WARC/0.")):
        return "wat" if _is_wat(p) else "warc"
    if not head:
        raise SourceError(f"{p}: empty file, not a WARC, WAT or ARC archive")
    shown = head[:16].decode("latin-1").encode("unicode_escape").decode("ascii")
    raise SourceError(f"{p}: not a WARC, WAT or ARC archive (starts with {shown!r})")
