"""WAT reader: the JSON metadata records of a Common Crawl WAT file as ``WatRecord``s.

A WAT file is a WARC file whose ``metadata`` records carry ``application/json`` with an
``Envelope``; one per WARC record of the crawl (request, response, metadata). Every valid
envelope is yielded; ``extract.wat.from_wat_record`` decides which ones describe a page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from fastwarc.warc import WarcRecordType

from linkatlas.extract.wat import WatRecord
from linkatlas.model import Skipped
from linkatlas.sources.warc import DEFAULT_MAX_BODY, check_file, iter_records

_METADATA = int(WarcRecordType.metadata)
# WAT envelopes are small; CC caps the link list, so 4x the body cap is generous.
_JSON_FACTOR = 4


def read_wat(
    path: str | Path, *, max_body_bytes: int = DEFAULT_MAX_BODY
) -> Iterator[WatRecord | Skipped]:
    """Every WAT JSON envelope of a WAT file, in file order, and a Skipped for each bad one."""
    p = check_file(path)
    return _read(p, max_body_bytes * _JSON_FACTOR)


def _read(path: Path, limit: int) -> Iterator[WatRecord | Skipped]:
    for item in iter_records(path):
        if isinstance(item, Skipped):
            yield item
            continue
        record, offset = item
        if int(record.record_type) != _METADATA:
            continue
        ctype = (record.headers.get("Content-Type") or "").lower()
        if not ctype.startswith("application/json"):
            continue
        where = f"{path.name}@{offset}"
        try:
            data: bytes = record.reader.read(limit)
        except (OSError, ValueError) as exc:
            yield Skipped(where, f"unreadable record: {exc}")
            continue
        if len(data) < int(record.content_length):
            reason = "JSON larger than the limit" if len(data) >= limit else "truncated record"
            yield Skipped(where, reason)
            continue
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as exc:
            yield Skipped(where, f"malformed WAT JSON: {exc}")
            continue
        envelope = doc.get("Envelope") if isinstance(doc, dict) else None
        if not isinstance(envelope, dict):
            yield Skipped(where, "WAT JSON has no Envelope object")
            continue
        yield WatRecord(envelope=envelope, observed_in=where)
