"""Imports of Search Console, Ahrefs, Semrush, Majestic and Moz exports into the index."""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import time
from pathlib import Path
from typing import Any

from linkatlas import settings as _settings
from linkatlas.api._common import _db, _reader, log, parse_target
from linkatlas.errors import InputError
from linkatlas.model import ImportedStat, Link, Skipped, Source
from linkatlas.sources.imports import Section, open_export, parse_source
from linkatlas.store import Index


@dataclasses.dataclass(slots=True)
class ImportReport:
    """What one export import did: the reports found, rows read, records written, skips."""

    path: str
    source: str = ""
    target: str = ""
    reports: list[str] = dataclasses.field(default_factory=list)
    rows: int = 0
    links: int = 0
    stats: int = 0
    skipped: int = 0
    skip_reasons: collections.Counter[str] = dataclasses.field(
        default_factory=collections.Counter
    )
    seconds: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class ExportShape:
    """What a table of an export file was recognised as (``inspect_export``)."""

    path: str
    table: str
    source: str
    report: str
    target: str
    header_row: int


def _check_path(path: str | Path) -> Path:
    file = Path(path)
    if file.is_dir():
        raise InputError(f"{file}: a directory, not an export file")
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    if file.suffix.lower() == ".parquet":
        raise InputError(f"{file}: a Parquet file is merged with import_parquet "
                         "('linkatlas import' does so for .parquet files)")
    return file


def _target_value(target: str | None) -> str | None:
    return None if target is None else parse_target(target).value


def inspect_export(
    path: str | Path, *, source: str | Source | None = None, target: str | None = None
) -> list[ExportShape]:
    """What each table of an export is (vendor, report, target) without importing anything;
    InputError when the file has no known shape, needs --target, or is ambiguous."""
    file = _check_path(path)
    shapes: list[ExportShape] = []
    for section in open_export(file, source=source, target=_target_value(target)):
        if isinstance(section, Section):
            shapes.append(ExportShape(str(file), section.name, section.spec.vendor.value,
                                      section.title, section.target, section.header_row))
    return shapes


def import_file(
    path: str | Path,
    *,
    source: str | Source | None = None,
    target: str | None = None,
    db: str | Path | None = None,
    **overrides: Any,
) -> ImportReport:
    """Import one vendor export (CSV, TSV, XLSX or a zip of them) into the index.

    Rows naming a linking page and a target page become links (``via`` the vendor); aggregate
    rows (referring domains, anchors, Search Console tables) become imported stats. The file
    is checked before the index is opened, so an unknown shape writes nothing.
    """
    conf = _settings.load(overrides)
    batch_size = int(conf["batch_size"])
    file = _check_path(path)
    parse_source(source)  # a wrong --source fails before any work starts
    inspect_export(file, source=source, target=target)
    started = time.perf_counter()
    report = ImportReport(path=str(file))
    stat = file.stat()
    with Index(_db(db if db is not None else conf["db"])) as index:
        run_id = index.begin_run([str(file)])
        key = str(file.resolve())
        index.file_started(run_id, key, stat.st_size,
                           _dt.datetime.fromtimestamp(stat.st_mtime, tz=_dt.UTC))
        status = "failed"
        try:
            _import_sections(index, report, file, source, _target_value(target), batch_size)
            status = "done"
        finally:
            report.seconds = time.perf_counter() - started
            index.file_done(run_id, key, report.rows, report.skipped, status=status)
            index.finish_run(run_id, status, {"files": 1 if status == "done" else 0,
                                              "records": report.rows, "links": report.links,
                                              "skipped": report.skipped})
        if report.links:
            index.optimize(if_needed=True)
    return report


def _import_sections(index: Index, report: ImportReport, file: Path,
                     source: str | Source | None, target: str | None, batch_size: int) -> None:
    links: list[Link] = []
    stats: list[ImportedStat] = []

    def flush() -> None:
        if links:
            index.write([], links)
            report.links += len(links)
            links.clear()
        if stats:
            index.write_stats(stats)
            report.stats += len(stats)
            stats.clear()

    vendors: list[str] = []
    for section in open_export(file, source=source, target=target):
        if isinstance(section, Skipped):
            report.skip_reasons[section.reason] += 1
            log.info("skipped %s: %s", section.observed_in, section.reason)
            continue
        report.reports.append(section.title)
        if section.spec.vendor.value not in vendors:
            vendors.append(section.spec.vendor.value)
        if section.target and not report.target:
            report.target = section.target
        for record in section.records:
            report.rows += 1
            if isinstance(record, Skipped):
                report.skipped += 1
                report.skip_reasons[record.reason.split(":", 1)[0]] += 1
                log.info("skipped %s: %s", record.observed_in, record.reason)
            elif isinstance(record, Link):
                links.append(record)
            else:
                stats.append(record)
            if len(links) >= batch_size or len(stats) >= batch_size:
                flush()
        flush()
    report.source = ",".join(vendors)


def imported_stats(
    *,
    target: str | None = None,
    report: str | None = None,
    source: str | Source | None = None,
    db: str | Path | None = None,
    limit: int | None = None,
) -> list[ImportedStat]:
    """Aggregate rows imported from vendor exports (referring domains, anchors, GSC tables)."""
    vendor = parse_source(source)
    value = _target_value(target)
    with _reader(db) as index:
        return index.imported_stats(target=value, report=report,
                                    via=vendor.value if vendor else None, limit=limit)

