"""Reading export tables: CSV/TSV in any encoding the vendors write, XLSX, and zips of them.

``open_tables(path)`` yields one ``Table`` per sheet of data: a CSV or TSV file is one table, an
XLSX workbook one per worksheet, a zip (Search Console exports a zip of CSVs) one per member.
Rows are lists of strings, streamed; a table never holds its file in memory.

Encoding: a BOM decides (UTF-8, UTF-16 LE/BE as Ahrefs writes); UTF-16 without a BOM is told by
its NUL bytes; otherwise the whole file is checked as UTF-8 and read as cp1252 (what Excel on
Windows saves) when it is not. The delimiter is the one of comma, tab and semicolon that the
first five lines hold most often outside quotes.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from linkatlas.errors import SourceError

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
_DELIMITERS = (",", "\t", ";")
_SAMPLE = 64 * 1024
_CHUNK = 1 << 20
# Anchors and page titles can be long, but a field past this is a broken quote, not data.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(slots=True)
class Table:
    """Rows of one sheet of data: ``name`` names it in messages (``file.zip/member.csv``)."""

    name: str
    rows: Iterator[list[str]]
    encoding: str = ""
    delimiter: str = ""


def sniff_encoding(head: bytes) -> str | None:
    """The encoding a BOM or UTF-16 NUL pattern announces in the first bytes, else None."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"  # the codec reads the BOM and drops it
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        # ASCII text in UTF-16 has a NUL in every other byte: odd ones for LE, even ones for BE.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        if odd > 0.4 * half and even < 0.05 * half:
            return "utf-16-le"
        if even > 0.4 * half and odd < 0.05 * half:
            return "utf-16-be"
    return None


def _is_utf8(stream: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(line: str) -> str:
    """Comma, tab or semicolon: whichever the text holds most often outside quotes (comma on
    a tie)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _text_rows(opener: Any, name: str) -> Table:
    """A CSV/TSV table from ``opener()`` (a fresh binary stream on each call)."""
    with opener() as raw:
        head = raw.read(_SAMPLE)
    encoding = sniff_encoding(head)
    if encoding is None:
        with opener() as raw:
            encoding = "utf-8" if _is_utf8(raw) else "cp1252"
    first = head.decode(encoding, errors="replace").lstrip("\ufeff")
    first_line = first.splitlines()[0] if first else ""
    # Excel writes a "sep=;" line before the header to say which delimiter it used.
    hint = first_line.rstrip("\r\n").lower()
    skip_hint = hint.startswith("sep=") and len(hint) <= 6
    if skip_hint:
        delimiter = "\t" if hint[4:] in ("\t", "\\t") else (hint[4:5] or ",")
    else:
        # Several lines, so that a title line above the header cannot decide alone.
        delimiter = sniff_delimiter("\n".join(first.splitlines()[:5]))

    def rows() -> Iterator[list[str]]:
        with opener() as raw:
            # cp1252 leaves five bytes undefined; a stray one must not stop the file.
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            try:
                for number, row in enumerate(reader):
                    if number == 0:
                        if row and row[0].startswith("\ufeff"):
                            row[0] = row[0][1:]
                        if skip_hint:
                            continue
                    yield row
            except csv.Error as exc:
                raise SourceError(f"{name}: line {reader.line_num}: {exc}") from exc

    return Table(name, rows(), encoding, delimiter)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_tables(data: IO[bytes], name: str) -> Iterator[Table]:
    import openpyxl  # only XLSX files pay for the import

    try:
        book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise SourceError(f"{name}: not a readable XLSX workbook ({exc})") from exc
    try:
        for sheet in book.worksheets:
            rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
            yield Table(f"{name}:{sheet.title}" if len(book.worksheets) > 1 else name, rows,
                        "xlsx", "")
    finally:
        book.close()


def _is_xlsx(head: bytes, name: str) -> bool:
    return head.startswith(b"PK") and name.lower().endswith((".xlsx", ".xlsm"))


def open_tables(path: Path) -> Iterator[Table]:
    """The tables of a CSV/TSV, XLSX or zip file; SourceError when it cannot be read at all."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if _is_xlsx(head, path.name):
        with path.open("rb") as fh:
            yield from _xlsx_tables(fh, path.name)
        return
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        yield from _zip_tables(path)
        return
    yield _text_rows(lambda: path.open("rb"), path.name)


def _zip_tables(path: Path) -> Iterator[Table]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path}: not a readable zip file ({exc})") from exc
    with archive:
        members = sorted(
            m for m in archive.namelist()
            if m.lower().endswith(TABLE_SUFFIXES) and not m.startswith("__MACOSX/")
        )
        if not members:
            raise SourceError(f"{path}: the zip holds no CSV, TSV or XLSX file")
        for member in members:
            label = f"{path.name}/{member}"
            if member.lower().endswith(".xlsx"):
                with archive.open(member) as fh:
                    yield from _xlsx_tables(io.BytesIO(fh.read()), label)
            else:
                yield _text_rows(lambda m=member: archive.open(m), label)
