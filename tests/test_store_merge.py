"""Merge semantics of Index.write: identity, widening of first/last seen, latest wins, ties."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

from linkatlas.extract import make_link
from linkatlas.model import Link, Page, Placement, Source, Target
from linkatlas.store import Index
from store_gen import T0, gen_batch

SRC = "https://blog.example.org/post"
DST = "https://target.com/"


def _link(seen: dt.datetime, **kw: object) -> Link:
    link = make_link(SRC, DST, anchor="target", seen=seen, observed_in="a.warc.gz@1")
    return dataclasses.replace(link, **kw) if kw else link


def _only(ix: Index) -> Link:
    rows = ix.backlinks(Target("url", DST))
    assert len(rows) == 1
    return rows[0]


def test_resighting_widens_first_and_last_seen_and_takes_latest_attributes(tmp_path: Path) -> None:
    later = T0 + dt.timedelta(days=10)
    with Index(tmp_path / "i.duckdb") as ix:
        ix.write([], [_link(later, placement=Placement.FOOTER, observed_in="b.warc.gz@9")])
        ix.write([], [_link(T0, placement=Placement.CONTENT, rel="nofollow", passes_credit=False)])
        row = _only(ix)
        assert row.first_seen == T0
        assert row.last_seen == later
        # the older sighting written second must not overwrite the attributes of the newer one
        assert row.placement is Placement.FOOTER
        assert row.passes_credit is True
        assert row.observed_in == "b.warc.gz@9"
        even_later = later + dt.timedelta(days=1)
        ix.write([], [_link(even_later, nofollow=True, passes_credit=False)])
        row = _only(ix)
        assert (row.first_seen, row.last_seen) == (T0, even_later)
        assert row.nofollow is True and row.passes_credit is False
        assert ix.counts()["links"] == 1


def test_occurrence_and_anchor_are_part_of_identity(tmp_path: Path) -> None:
    with Index(tmp_path / "i.duckdb") as ix:
        ix.write([], [_link(T0), _link(T0, occurrence=1), _link(T0, anchor="other")])
        assert ix.counts()["links"] == 3
        # position is not part of the key: a moved link is the same link
        ix.write([], [_link(T0 + dt.timedelta(days=1), position=7)])
        assert ix.counts()["links"] == 3


def test_tie_on_time_is_broken_by_observed_in_then_other_attributes(tmp_path: Path) -> None:
    a = _link(T0, observed_in="a.warc.gz@1", placement=Placement.SIDEBAR)
    b = _link(T0, observed_in="b.warc.gz@1", placement=Placement.CONTENT)
    c = _link(T0, observed_in="b.warc.gz@1", placement=Placement.HEADER)  # same source as b
    for order in ([a, b, c], [c, b, a], [b, a, c]):
        path = tmp_path / f"{order[0].placement}.duckdb"
        with Index(path) as ix:
            for link in order:  # one write each: merge against the stored row
                ix.write([], [link])
            row = _only(ix)
            assert row.observed_in == "b.warc.gz@1"
            # equal time and observed_in: the greater remaining tuple wins; 'header' > 'content'
            assert row.placement is Placement.HEADER
        with Index(tmp_path / "batch.duckdb") as ix:  # all in one batch: same answer
            ix.write([], order)
            assert _only(ix).placement is Placement.HEADER


def test_pages_merge_on_url_latest_fetch_wins(tmp_path: Path) -> None:
    def page(at: dt.datetime, status: int, where: str) -> Page:
        return Page(
            url=SRC,
            final_url=SRC,
            host="blog.example.org",
            domain="example.org",
            status=status,
            fetched_at=at,
            via=Source.CRAWL,
            observed_in=where,
            tracking_ids=("UA-1-1",),
        )

    with Index(tmp_path / "i.duckdb") as ix:
        ix.write([page(T0 + dt.timedelta(days=2), 404, "run-2")], [])
        ix.write([page(T0, 200, "run-1"), page(T0, 200, "run-0")], [])
        out = tmp_path / "pages.parquet"
        assert ix.export("pages", out, "parquet") == 1
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
        assert rows[0]["status"] == 404
        assert rows[0]["observed_in"] == "run-2"
        assert rows[0]["tracking_ids"] == ["UA-1-1"]


def _batches() -> list[tuple[list[Page], list[Link]]]:
    # seeds overlap in source pages across days: same keys seen at several times
    out = []
    for day in range(3):
        for seed in (1, 2):
            out.append(
                gen_batch(
                    seed,
                    30,
                    15,
                    seen=T0 + dt.timedelta(days=day),
                    observed_in=f"day{day}-seed{seed}.warc.gz",
                )
            )
    return out


def test_same_input_in_any_order_or_batching_gives_identical_tables(tmp_path: Path) -> None:
    batches = _batches()
    with Index(tmp_path / "ref.duckdb") as ix:
        for pages, links in batches:
            ix.write(pages, links)
        ref = (ix.checksum("links"), ix.checksum("pages"))
        counts = ix.counts()
        for pages, links in batches:  # the same files a second time change nothing
            ix.write(pages, links)
        assert (ix.checksum("links"), ix.checksum("pages")) == ref
        assert ix.counts() == counts
    assert counts["links"] > 0 and counts["pages"] == 60

    all_pages = [p for ps, _ in batches for p in ps]
    all_links = [link for _, ls in batches for link in ls]
    rng = random.Random(5)
    for attempt in range(3):
        rng.shuffle(all_pages)
        rng.shuffle(all_links)
        step = [97, 1000, 10_000][attempt]
        with Index(tmp_path / f"shuffled{attempt}.duckdb") as ix:
            for start in range(0, max(len(all_links), len(all_pages)), step):
                ix.write(all_pages[start : start + step], all_links[start : start + step])
            assert (ix.checksum("links"), ix.checksum("pages")) == ref
            if attempt == 0:
                ix.optimize()  # a rewrite changes row order, never content
                assert (ix.checksum("links"), ix.checksum("pages")) == ref


def test_checksum_sees_a_single_changed_attribute(tmp_path: Path) -> None:
    pages, links = gen_batch(3, 5, 5)
    with Index(tmp_path / "a.duckdb") as a, Index(tmp_path / "b.duckdb") as b:
        a.write(pages, links)
        changed = list(links)
        changed[3] = dataclasses.replace(changed[3], context_after="changed")
        b.write(pages, changed)
        assert a.checksum("links") != b.checksum("links")
        assert a.checksum("pages") == b.checksum("pages")


def test_empty_write_is_a_no_op(tmp_path: Path) -> None:
    with Index(tmp_path / "i.duckdb") as ix:
        ix.write([], [])
        assert ix.counts() == {"pages": 0, "links": 0, "domains": 0, "runs": 0}
