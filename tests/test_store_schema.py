"""One column list: model dataclasses, Arrow/Parquet schema and DuckDB tables agree."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from linkatlas.errors import StoreError
from linkatlas.model import Link, LinkKind, Page, Placement, Source
from linkatlas.store import (
    LINK_SCHEMA,
    PAGE_SCHEMA,
    Index,
    links_from_arrow,
    links_to_arrow,
    pages_from_arrow,
    pages_to_arrow,
)
from store_gen import T0, gen_batch

_ARROW_FOR_PY = {
    "str": pa.string(),
    "LinkKind": pa.string(),
    "Placement": pa.string(),
    "Source": pa.string(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "_dt.datetime": pa.timestamp("us", tz="UTC"),
    "tuple[str, ...]": pa.list_(pa.string()),
}
_DUCK_FOR_ARROW = {
    str(pa.string()): "VARCHAR",
    str(pa.int64()): "BIGINT",
    str(pa.bool_()): "BOOLEAN",
    str(pa.timestamp("us", tz="UTC")): "TIMESTAMP WITH TIME ZONE",
    str(pa.list_(pa.string())): "VARCHAR[]",
}


@pytest.mark.parametrize(
    ("cls", "schema", "table"), [(Link, LINK_SCHEMA, "links"), (Page, PAGE_SCHEMA, "pages")]
)
def test_model_arrow_duckdb_and_parquet_agree(
    tmp_path: Path, cls: type, schema: pa.Schema, table: str
) -> None:
    fields = dataclasses.fields(cls)
    # the dataclass annotations are strings (postponed evaluation): map them by their text
    assert [(f.name, _ARROW_FOR_PY[str(f.type)]) for f in fields] == [
        (f.name, f.type) for f in schema
    ]
    path = tmp_path / "i.duckdb"
    pages, links = gen_batch(1, 3, 4)
    with Index(path) as ix:
        ix.write(pages, links)
        out = tmp_path / f"{table}.parquet"
        assert ix.export(table, out, "parquet") == (len(links) if table == "links" else 3)
    assert pq.read_schema(out).remove_metadata().equals(schema)
    con = duckdb.connect(str(path), read_only=True)
    try:
        cols = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "ORDER BY column_index",
            [table],
        ).fetchall()
    finally:
        con.close()
    # the one internal column is the merge-key hash (docs/store.md)
    assert cols[-1] == ("_key", "UBIGINT")
    assert cols[:-1] == [(f.name, _DUCK_FOR_ARROW[str(f.type)]) for f in schema]


def test_links_round_trip_through_arrow_with_types_restored() -> None:
    _, links = gen_batch(2, 4, 6)
    links[0] = dataclasses.replace(
        links[0],
        kind=LinkKind.CANONICAL,
        placement=Placement.COMMENT,
        via=Source.MAJESTIC,
        first_seen=dt.datetime(2023, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )
    back = links_from_arrow(links_to_arrow(links))
    assert back == links
    assert back[0].kind is LinkKind.CANONICAL and isinstance(back[0].placement, Placement)
    assert back[0].first_seen.utcoffset() == dt.timedelta(0)
    assert back[0].first_seen == dt.datetime(2023, 5, 1, 10, 0, tzinfo=dt.UTC)


def test_pages_round_trip_through_arrow() -> None:
    pages, _ = gen_batch(4, 6, 2)
    assert any(p.tracking_ids for p in pages)
    assert pages_from_arrow(pages_to_arrow(pages)) == pages


def test_queries_return_what_was_written(tmp_path: Path) -> None:
    _, links = gen_batch(5, 2, 10)
    with Index(tmp_path / "i.duckdb") as ix:
        ix.write([], links)
        assert ix.outlinks(links[0].source_url) == [
            x for x in links if x.source_url == links[0].source_url
        ]


def test_csv_export_streams_and_reads_back(tmp_path: Path) -> None:
    pages, links = gen_batch(6, 5, 8)
    with Index(tmp_path / "i.duckdb") as ix:
        ix.write(pages, links)
        buf = io.BytesIO()
        assert ix.export("links", None, "csv", stream=buf) == len(links)
        pbuf = io.BytesIO()
        assert ix.export("pages", None, "csv", stream=pbuf) == len(pages)
    table = pacsv.read_csv(io.BytesIO(buf.getvalue()))
    assert table.column_names == LINK_SCHEMA.names
    assert sorted(table.column("source_url").to_pylist()) == sorted(x.source_url for x in links)
    ptable = pacsv.read_csv(
        io.BytesIO(pbuf.getvalue()), convert_options=pacsv.ConvertOptions(strings_can_be_null=False)
    )
    ids = {r["url"]: r["tracking_ids"] for r in ptable.to_pylist()}
    assert ids == {p.url: " ".join(p.tracking_ids) for p in pages}


def test_parquet_import_merges_and_validates_schema(tmp_path: Path) -> None:
    pages, links = gen_batch(7, 10, 10)
    out = tmp_path / "links.parquet"
    with Index(tmp_path / "a.duckdb") as a:
        a.write(pages, links)
        a.export("links", out, "parquet")
        ref = a.checksum("links")
    with Index(tmp_path / "b.duckdb") as b:
        assert b.import_parquet("links", out) == len(links)
        assert b.import_parquet("links", out) == len(links)  # merging twice changes nothing
        assert b.checksum("links") == ref

        table = pq.read_table(out)
        bad = table.drop_columns(["anchor"]).append_column("colour", pa.array(["r"] * len(table)))
        pq.write_table(bad, tmp_path / "bad.parquet")
        with pytest.raises(StoreError, match=r"missing columns: anchor; extra columns: colour"):
            b.import_parquet("links", tmp_path / "bad.parquet")
        # Spark-style file: naive timestamps and int32 positions are cast, not refused
        spark = table.set_column(
            table.schema.get_field_index("last_seen"),
            "last_seen",
            table.column("last_seen").cast(pa.timestamp("us")),
        ).set_column(
            table.schema.get_field_index("position"),
            "position",
            table.column("position").cast(pa.int32()),
        )
        pq.write_table(spark, tmp_path / "spark.parquet")
        b.import_parquet("links", tmp_path / "spark.parquet")
        assert b.checksum("links") == ref

        (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
        with pytest.raises(StoreError, match="not a readable Parquet file"):
            b.import_parquet("links", tmp_path / "junk.parquet")
        with pytest.raises(StoreError, match="no such file"):
            b.import_parquet("links", tmp_path / "absent.parquet")
        assert b.checksum("links") == ref  # failed imports left nothing behind


def test_bad_enum_value_in_import_is_a_store_error(tmp_path: Path) -> None:
    _, links = gen_batch(8, 1, 3)
    table = links_to_arrow(links)
    table = table.set_column(
        table.schema.get_field_index("kind"), "kind", pa.array(["a", "bogus", "a"])
    )
    with pytest.raises(StoreError, match="bogus"):
        links_from_arrow(table)


def test_runs_are_recorded_and_stale_runs_marked_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "i.duckdb"
    with Index(path) as ix:
        first = ix.begin_run(["a.warc.gz"])
        ix.file_started(first, "a.warc.gz", 123, T0)
    with Index(path) as ix:  # the first writer went away without finishing its run
        second = ix.begin_run(["a.warc.gz", "b.warc.gz"])
        ix.file_started(second, "a.warc.gz", 123, T0)
        ix.file_done(second, "a.warc.gz", records=10, skipped=1)
        ix.file_done(second, "b.warc.gz", records=5, skipped=0)
        ix.finish_run(
            second,
            "done",
            {"files": 2, "records": 15, "links": 40, "pages": 14, "skipped": 1, "bytes": 999},
        )
        assert ix.file_ingested("a.warc.gz", 123, T0)
        assert not ix.file_ingested("a.warc.gz", 124, T0)
        runs = ix.runs()
    assert [(r.id, r.status) for r in runs] == [(first, "interrupted"), (second, "done")]
    done = runs[1]
    assert (done.files, done.records, done.links, done.pages, done.skipped) == (2, 15, 40, 14, 1)
    assert done.stats["bytes"] == 999 and done.paths == ("a.warc.gz", "b.warc.gz")
    assert done.finished_at is not None and done.finished_at >= done.started_at
    with Index(path, read_only=True) as ro:
        assert ro.counts()["runs"] == 2
        with pytest.raises(StoreError, match="read-only"):
            ro.write([], gen_batch(9, 1, 1)[1])
