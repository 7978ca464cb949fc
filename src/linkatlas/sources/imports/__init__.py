"""Imports of third-party link exports: Search Console, Ahrefs, Semrush, Majestic, Moz.

``open_export(path, source=None, target=None)`` yields one ``Section`` per table of the file
(a CSV, an XLSX sheet, a member of a zip) whose header matches a known report, after finding
the header among the first rows and the vendor from it when ``source`` is not given. Each
section streams ``Link`` records (rows naming a linking page and a target page), ``ImportedStat``
records (aggregate rows: referring domains, anchors, Search Console tables) and ``Skipped``
records (rows with a bad URL). A file none of whose tables has a known shape raises one
``InputError`` that lists the columns each report needs. Nothing here writes; see
docs/imports.md.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from linkatlas import urls
from linkatlas.errors import InputError, LinkatlasError
from linkatlas.model import UTC, ImportedStat, Link, Skipped, Source
from linkatlas.sources.imports import ahrefs, gsc, majestic, moz, semrush
from linkatlas.sources.imports.columns import LINK, Match, ReportSpec, best_matches, describe
from linkatlas.sources.imports.rows import RowReader
from linkatlas.sources.imports.tables import Table, open_tables

__all__ = [
    "REPORTS",
    "VENDORS",
    "Section",
    "open_export",
    "parse_source",
    "target_from_name",
]

log = logging.getLogger("linkatlas")

REPORTS: dict[Source, tuple[ReportSpec, ...]] = {
    Source.GSC: gsc.REPORTS,
    Source.AHREFS: ahrefs.REPORTS,
    Source.SEMRUSH: semrush.REPORTS,
    Source.MAJESTIC: majestic.REPORTS,
    Source.MOZ: moz.REPORTS,
}
VENDORS: tuple[str, ...] = tuple(s.value for s in REPORTS)
_HEADER_SCAN = 10  # vendors put at most a title line or two above the header
_PREFIXES = ("https___", "http___", "sc-domain_", "sc-domain-")
_HOST_AT_START = re.compile(
    r"((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59}))"
    r"(?=$|[^a-z0-9.-]|-)", re.IGNORECASE,
)


def parse_source(text: str | Source | None) -> Source | None:
    """The vendor a user named (gsc, ahrefs, semrush, majestic, moz), or None for 'guess'."""
    if text is None or isinstance(text, Source):
        return text
    name = text.strip().lower()
    aliases = {"google": "gsc", "search-console": "gsc", "searchconsole": "gsc"}
    name = aliases.get(name, name)
    if name not in VENDORS:
        raise InputError(f"unknown source {text!r}: choose one of {', '.join(VENDORS)}")
    return Source(name)


def target_from_name(name: str) -> str | None:
    """The site an export file name starts with (``example.com-Latest links-2024-05-01.csv``,
    ``https___www.example.com_-backlinks.csv``), as a target value, or None."""
    stem = name.rsplit("/", 1)[-1]
    stem = re.sub(r"(\.(csv|tsv|txt|xlsx|zip))+$", "", stem, flags=re.IGNORECASE)
    for prefix in _PREFIXES:
        if stem.lower().startswith(prefix):
            stem = stem[len(prefix):]
            break
    match = _HOST_AT_START.match(stem)
    if match is None:
        return None
    try:
        scope, value = urls.parse_target(match.group(1).lower())
    except LinkatlasError:
        return None
    return value if scope in ("domain", "host") else None


@dataclass(slots=True)
class Section:
    """One table of an export matched to a vendor report, and its records (streamed once)."""

    name: str
    spec: ReportSpec
    target: str
    header_row: int
    records: Iterator[Link | ImportedStat | Skipped]

    @property
    def title(self) -> str:
        """The report's name, e.g. 'Ahrefs backlinks'."""
        return self.spec.title


def _non_empty(row: Sequence[str]) -> bool:
    return any(cell.strip() for cell in row)


def _detect(table: Table, specs: Sequence[ReportSpec]
            ) -> tuple[Match | None, int, list[list[str]], list[str]]:
    """The header match, its 1-based row, the rows read so far, and the first non-empty row."""
    peeked: list[list[str]] = []
    first: list[str] = []
    seen = 0
    for row in table.rows:
        peeked.append(row)
        if not _non_empty(row):
            continue
        first = first or row
        matches = best_matches(row, specs)
        if len(matches) > 1:
            names = ", ".join(m.spec.title for m in matches)
            raise InputError(
                f"{table.name}: the columns fit more than one tool's export ({names}): "
                f"pass --source {'|'.join(m.spec.vendor.value for m in matches)}"
            )
        if matches:
            return matches[0], len(peeked), peeked, first
        seen += 1
        if seen >= _HEADER_SCAN:
            break
    return None, 0, peeked, first


def _resolve_target(spec: ReportSpec, target: str | None, names: Sequence[str],
                    table: str) -> str:
    if spec.report == LINK:
        return target or ""
    if target:
        return target
    for name in names:
        guessed = target_from_name(name)
        if guessed:
            return guessed
    raise InputError(
        f"{table} is a {spec.title} export, which does not say which site it is about: "
        "pass --target (a domain, host or URL)"
    )


def _records(table: Table, reader: RowReader, rows: Iterator[list[str]], start: int
             ) -> Iterator[Link | ImportedStat | Skipped]:
    for number, row in enumerate(rows, start=start):
        if not _non_empty(row):
            continue
        try:
            yield reader.read(row, number)
        except LinkatlasError as exc:
            yield Skipped(f"{reader.name}#{number}", str(exc))
        except Exception as exc:
            # A hostile cell must cost one row, never the file; the reason names the bug.
            log.debug("import failed on %s#%d", table.name, number, exc_info=True)
            yield Skipped(f"{reader.name}#{number}",
                          f"row failed: {type(exc).__name__}: {exc}"[:300])


def open_export(
    path: str | Path, *, source: str | Source | None = None, target: str | None = None
) -> Iterator[Section | Skipped]:
    """The matched tables of an export file (and a ``Skipped`` per unmatched table of a zip or
    workbook that has matched ones); ``InputError`` when no table has a known shape.

    ``target`` is a ``Target.value`` (the site the export is about); without it, reports that
    need one take it from the file name or raise ``InputError``.
    """
    file = Path(path)
    vendor = parse_source(source)
    specs = [s for v, group in REPORTS.items() if vendor in (None, v) for s in group]
    mtime = _dt.datetime.fromtimestamp(file.stat().st_mtime, tz=UTC)
    unknown: list[tuple[str, list[str]]] = []
    matched = 0
    for table in open_tables(file):
        match, header_row, peeked, first = _detect(table, specs)
        if match is None:
            unknown.append((table.name, first))
            continue
        names = [table.name.split("/")[-1].split(":")[0], file.name]
        site = _resolve_target(match.spec, target, names, table.name)
        reader = RowReader(match, name=table.name.rsplit("/", 1)[-1], target=site,
                           default_seen=mtime)
        rest = itertools.chain(peeked[header_row:], table.rows)
        matched += 1
        yield Section(table.name, match.spec, site, header_row,
                      _records(table, reader, rest, header_row + 1))
    if not matched:
        name, header = unknown[0] if unknown else (file.name, [])
        found = ", ".join(h.strip() for h in header if h.strip())[:300] or "none"
        # A binary file read as cp1252 would print control characters into the terminal.
        found = "".join(ch if ch.isprintable() else "?" for ch in found)
        who = f"a {vendor.value} export" if vendor else "an export linkatlas knows"
        raise InputError(
            f"{name}: not {who} (columns found: {found}). Expected one of: "
            f"{describe(specs)}"
        )
    for name, _header in unknown:
        yield Skipped(name, "no known export columns in this table")
