"""Ingest: WARC, WAT and ARC files read, extracted and merged into the index."""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from linkatlas import settings as _settings
from linkatlas.api._common import ARCHIVE_SUFFIXES, _db, log
from linkatlas.errors import InputError, LinkatlasError, SourceError
from linkatlas.extract import add_features, links_from_page
from linkatlas.extract.wat import WatRecord, from_wat_record
from linkatlas.model import (
    Capture,
    Extracted,
    Link,
    Page,
    Skipped,
)
from linkatlas.sources import open_path
from linkatlas.store import Index


@dataclasses.dataclass(slots=True)
class IngestProgress:
    """Where an ingest is: the file being read and the running totals."""

    path: str
    file_index: int
    files: int
    records: int
    pages: int
    links: int
    skipped: int


@dataclasses.dataclass(slots=True)
class IngestReport:
    """What an ingest did: counts, skips with their reasons, files that could not be read."""

    run_id: int
    files: int = 0
    records: int = 0
    pages: int = 0
    links: int = 0
    skipped: int = 0
    skip_reasons: collections.Counter[str] = dataclasses.field(
        default_factory=collections.Counter
    )
    failed_files: dict[str, str] = dataclasses.field(default_factory=dict)
    unchanged_files: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: each path as given, directories searched for WARC/WAT/ARC files."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)
            )
            if not found:
                raise InputError(f"{path}: no WARC, WAT or ARC files in this directory")
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return out


def _extracted(
    items: Iterator[Capture | WatRecord | Skipped], context_chars: int
) -> Iterator[Extracted | Skipped]:
    """Extraction of each record; a record extraction cannot handle is skipped, not fatal."""
    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        where = item.observed_in
        try:
            if isinstance(item, Capture):
                yield add_features(links_from_page(item, context_chars=context_chars), item.body)
            else:
                result = from_wat_record(item)
                if result is not None:
                    yield result
        except LinkatlasError as exc:
            yield Skipped(where, str(exc))
        except Exception as exc:
            # A hostile page must cost one record, never the run (nor the batches before it).
            # The reason names the exception, so a bug shows up in the skip counts, not silently.
            log.debug("extraction failed on %s", where, exc_info=True)
            yield Skipped(where, f"extraction failed: {type(exc).__name__}: {exc}"[:300])


def _reason_kind(reason: str) -> str:
    return reason.split(":", 1)[0].strip()[:80] or "unknown"


def ingest(
    paths: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    force: bool = False,
    **overrides: Any,
) -> IngestReport:
    """Read WARC, WAT and ARC files into the index; returns what was read, stored and skipped.

    A file a previous run finished (same path, size and mtime) is not read again unless
    ``force``; a file a killed run left half-read is read again (merging is idempotent).
    """
    conf = _settings.load(overrides)
    files = expand_paths(paths)
    batch_size = int(conf["batch_size"])
    started = time.perf_counter()
    with Index(_db(db if db is not None else conf["db"])) as index:
        report = IngestReport(run_id=index.begin_run([str(p) for p in files]))
        status = "failed"
        try:
            for number, path in enumerate(files):
                stat = path.stat()
                key = str(path.resolve())
                mtime = _dt.datetime.fromtimestamp(stat.st_mtime, tz=_dt.UTC)
                if not force and index.file_ingested(key, stat.st_size, mtime):
                    report.unchanged_files.append(str(path))
                    continue
                index.file_started(report.run_id, key, stat.st_size, mtime)
                _ingest_file(index, report, path, key, number, len(files), batch_size, conf,
                             progress)
            status = "done"
        finally:
            report.seconds = time.perf_counter() - started
            stats = {k: getattr(report, k) for k in ("files", "records", "pages", "links")}
            stats["skipped"] = report.skipped
            index.finish_run(report.run_id, status, stats)
        if report.links or report.pages:
            index.optimize(if_needed=True)
    return report


def _ingest_file(
    index: Index,
    report: IngestReport,
    path: Path,
    key: str,
    number: int,
    total: int,
    batch_size: int,
    conf: dict[str, Any],
    progress: Callable[[IngestProgress], None] | None,
) -> None:
    pages: list[Page] = []
    links: list[Link] = []
    records = skipped = 0

    def flush() -> None:
        if pages or links:
            index.write(pages, links)
            report.pages += len(pages)
            report.links += len(links)
            pages.clear()
            links.clear()

    def tick() -> None:
        if progress is not None:
            progress(
                IngestProgress(str(path), number, total, report.records, report.pages,
                               report.links + len(links), report.skipped)
            )

    try:
        items = open_path(path, max_body_bytes=int(conf["max_body_bytes"]))
        stream = _extracted(items, int(conf["context_chars"]))
        for item in stream:
            records += 1
            report.records += 1
            if isinstance(item, Skipped):
                skipped += 1
                report.skipped += 1
                report.skip_reasons[_reason_kind(item.reason)] += 1
                log.info("skipped %s: %s", item.observed_in, item.reason)
            else:
                pages.append(item.page)
                links.extend(item.links)
                if len(links) >= batch_size or len(pages) >= batch_size:
                    flush()
            if records % 200 == 0:
                tick()
        flush()
    except SourceError as exc:
        flush()  # what was read before the failure is kept
        report.failed_files[str(path)] = str(exc)
        log.error("%s", exc)
        index.file_done(report.run_id, key, records, skipped, status="failed")
        tick()
        return
    report.files += 1
    index.file_done(report.run_id, key, records, skipped, status="done")
    tick()
