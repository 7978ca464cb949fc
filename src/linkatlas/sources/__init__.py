"""Sources: read archive files and yield records. Sources never write anything.

``open_path`` detects the format by content and dispatches: WARC/WARC.gz (``sources.warc``),
Common Crawl WAT (``sources.wat``), ARC/ARC.gz (``sources.arc``). Bad data inside a file
becomes ``Skipped`` records; only a file that cannot be read at all raises ``SourceError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from linkatlas.extract.wat import WatRecord
from linkatlas.model import Capture, Skipped
from linkatlas.sources.arc import read_arc
from linkatlas.sources.detect import detect
from linkatlas.sources.warc import DEFAULT_MAX_BODY, read_warc
from linkatlas.sources.wat import read_wat

__all__ = ["WatRecord", "detect", "open_path", "read_arc", "read_warc", "read_wat"]


def open_path(
    path: str | Path, *, max_body_bytes: int = DEFAULT_MAX_BODY
) -> Iterator[Capture | WatRecord | Skipped]:
    """The records of one archive file, whatever its format; SourceError if it is not one."""
    fmt = detect(path)
    if fmt == "wat":
        return read_wat(path, max_body_bytes=max_body_bytes)
    if fmt == "arc":
        return read_arc(path, max_body_bytes=max_body_bytes)
    return read_warc(path, max_body_bytes=max_body_bytes)
