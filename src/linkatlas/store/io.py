"""Export of the record tables to Parquet or CSV, streamed in batches."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from linkatlas.errors import InputError, StoreError
from linkatlas.store.arrow import LINK_SCHEMA, PAGE_SCHEMA
from linkatlas.store.schema import SPECS, quote

What = Literal["links", "pages"]
Format = Literal["parquet", "csv"]
SCHEMAS = {"links": LINK_SCHEMA, "pages": PAGE_SCHEMA}
_ORDER = {
    "links": "target_domain, target_host, target_url, source_url, kind, anchor, occurrence",
    "pages": "domain, host, url",
}
_BATCH_ROWS = 100_000


def check_what(what: str) -> pa.Schema:
    """The Arrow schema of an exportable table, or InputError."""
    if what not in SCHEMAS:
        raise InputError(f"unknown table {what!r} (links or pages)")
    return SCHEMAS[what]


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    # CSV has no lists: list columns are written space-separated (ids and emails hold no spaces).
    return pa.schema(
        [pa.field(f.name, pa.string(), False) if pa.types.is_list(f.type) else f for f in schema]
    )


def _select(what: str, csv: bool) -> str:
    spec = SPECS[what]
    schema = SCHEMAS[what]
    cols = []
    for field in schema:
        if csv and pa.types.is_list(field.type):
            cols.append(f"array_to_string({quote(field.name)}, ' ') AS {quote(field.name)}")
        else:
            cols.append(quote(field.name))
    return f"SELECT {', '.join(cols)} FROM {spec.name} ORDER BY {_ORDER[what]}"


def export(
    con: duckdb.DuckDBPyConnection,
    what: str,
    path: Path | None,
    fmt: str,
    stream: BinaryIO | None = None,
    formula_pattern: str | None = None,
) -> int:
    """Write a table to ``path`` (or a binary ``stream``, CSV only); returns rows written.

    With ``formula_pattern`` (CSV only), text cells matching it get an apostrophe in front of
    group 1: the caller's formula-injection rule (``report.csvout.FORMULA_PATTERN``), applied
    here in Arrow because the rows never pass through Python.
    """
    schema = check_what(what)
    if fmt not in ("parquet", "csv"):
        raise InputError(f"unknown export format {fmt!r} (parquet or csv)")
    if path is None and stream is None:
        raise InputError("export needs a path or a stream")
    if fmt == "parquet" and path is None:
        raise InputError("Parquet export needs a file path (it cannot be streamed)")
    csv = fmt == "csv"
    out_schema = _csv_schema(schema) if csv else schema
    reader = con.sql(_select(what, csv)).to_arrow_reader(_BATCH_ROWS)
    rows = 0
    try:
        sink: str | BinaryIO = str(path) if path is not None else stream  # type: ignore[assignment]
        writer: pq.ParquetWriter | pacsv.CSVWriter
        if csv:
            writer = pacsv.CSVWriter(sink, out_schema)
        else:
            writer = pq.ParquetWriter(sink, out_schema, compression="zstd")
        with writer:
            for batch in reader:
                table = pa.Table.from_batches([batch]).cast(out_schema)
                if csv and formula_pattern is not None:
                    table = _neutralised(table, formula_pattern)
                writer.write_table(table)
                rows += table.num_rows
            if rows == 0 and not csv:
                writer.write_table(out_schema.empty_table())
    except OSError as exc:
        raise StoreError(f"cannot write {what} export to {path or 'stream'}: {exc}") from exc
    return rows


def _neutralised(table: pa.Table, pattern: str) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = pc.replace_substring_regex(
                table.column(i), pattern=pattern, replacement="'\\1", max_replacements=1
            )
            table = table.set_column(i, field, column)
    return table


def read_parquet(what: str, path: Path) -> pq.ParquetFile:
    """Open a Parquet file for import, or StoreError with a clear line."""
    check_what(what)
    try:
        return pq.ParquetFile(str(path))
    except FileNotFoundError as exc:
        raise StoreError(f"{path}: no such file") from exc
    except (OSError, pa.ArrowInvalid) as exc:
        raise StoreError(f"{path}: not a readable Parquet file ({exc})") from exc
