"""Many sources, one truth: link_sources, per-source first/last seen, capture-recapture."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkatlas import api
from linkatlas.audit.coverage import chapman, coverage
from linkatlas.cli import app
from linkatlas.extract import make_link
from linkatlas.model import Link, LinkKind, Source, SourceCounts
from linkatlas.store import Index

T0 = _dt.datetime(2024, 1, 1, tzinfo=_dt.UTC)


def _day(n: int) -> _dt.datetime:
    return T0 + _dt.timedelta(days=n)


def test_chapman_known_values() -> None:
    n, var = chapman(100, 80, 20)
    assert n == pytest.approx(101 * 81 / 21 - 1)
    assert var == pytest.approx(101 * 81 * 80 * 60 / (21**2 * 22))
    assert chapman(10, 10, 10) == (pytest.approx(10.0), 0.0)  # both saw everything
    with pytest.raises(ValueError):
        chapman(5, 5, 6)


def test_estimates_cover_the_truth_on_independent_samples() -> None:
    rng = random.Random(11)
    population = 2000
    covered = 0
    for _ in range(40):
        seen = {
            "a": {i for i in range(population) if rng.random() < 0.3},
            "b": {i for i in range(population) if rng.random() < 0.5},
            "c": {i for i in range(population) if rng.random() < 0.1},
        }
        union = set().union(*seen.values())
        per = {
            via: SourceCounts(len(s), len(s & set().union(*(o for v, o in seen.items()
                                                                if v != via))))
            for via, s in seen.items()
        }
        rows = {r.via: r for r in coverage("backlinks", per, len(union))}
        a = rows["a"]
        assert a.estimate is not None and a.low is not None and a.high is not None
        assert abs(a.estimate - population) / population < 0.1
        covered += a.low <= population <= a.high
        assert a.missed == pytest.approx(a.estimate - a.seen)
    assert covered >= 34  # a 95% interval covers the truth in most of 40 trials


def test_one_source_gives_no_estimate() -> None:
    (row,) = coverage("refdomains", {"crawl": SourceCounts(12, 0)}, 12)
    assert row.estimate is None and row.missed is None and row.others == 0


def _links(via: Source, pairs: list[tuple[int, int]], seen: _dt.datetime,
           kind: LinkKind = LinkKind.A, anchor: str = "beans") -> list[Link]:
    return [
        make_link(f"https://site{s}.example/p{p}", "https://target.example/",
                  anchor=anchor, kind=kind, seen=seen, via=via, observed_in=f"{via}-{seen:%j}")
        for s, p in pairs
    ]


@pytest.fixture
def two_source_db(tmp_path: Path) -> Path:
    db = tmp_path / "i.duckdb"
    crawl = [(s, 0) for s in range(0, 30)]  # 30 pages on 30 domains
    ahrefs = [(s, 0) for s in range(20, 60)]  # 40, of which 10 the crawl saw too
    with Index(db) as index:
        index.write([], _links(Source.CRAWL, crawl, _day(10)))
        index.write([], _links(Source.CRAWL, crawl[:5], _day(40)))  # re-crawled later
        # The vendor reports the same links as text links with its own anchor spelling.
        index.write([], _links(Source.AHREFS, ahrefs, _day(3), LinkKind.IMPORTED, "Beans"))
        # an internal link never counts
        index.write([], [make_link("https://blog.target.example/", "https://target.example/",
                                   seen=_day(1), via=Source.CRAWL)])
    return db


def test_each_backlink_lists_its_sources_with_their_dates(two_source_db: Path) -> None:
    rows = api.link_sources("target.example", db=two_source_db)
    assert len(rows) == 60
    both = [r for r in rows if len(r.seen) == 2]
    assert len(both) == 10 and rows[:10] == both  # backlinks seen by more sources first
    first = {s.via: s for s in both[0].seen}
    assert set(first) == {Source.AHREFS, Source.CRAWL}
    assert first[Source.AHREFS].first_seen == _day(3)
    widened = next(r for r in rows if r.source_url == "https://site0.example/p0")
    (only,) = widened.seen
    assert (only.first_seen, only.last_seen) == (_day(10), _day(40))
    assert all(r.source_url.split("/")[2] != "blog.target.example" for r in rows)
    assert len(api.link_sources("target.example", db=two_source_db, limit=3)) == 3


def test_coverage_from_the_index(two_source_db: Path) -> None:
    rows = {(r.unit, r.via): r for r in api.source_coverage("target.example",
                                                            db=two_source_db)}
    crawl = rows[("backlinks", "crawl")]
    assert (crawl.seen, crawl.shared, crawl.others, crawl.union) == (30, 10, 40, 60)
    assert crawl.estimate == pytest.approx(31 * 41 / 11 - 1)
    assert crawl.first_seen == _day(10) and crawl.last_seen == _day(40)
    assert rows[("refdomains", "ahrefs")].seen == 40


def test_sightings_are_idempotent_and_order_free(tmp_path: Path) -> None:
    batches = [
        _links(Source.CRAWL, [(1, 1), (2, 1)], _day(5)),
        _links(Source.WARC, [(1, 1)], _day(2)),
        _links(Source.CRAWL, [(1, 1)], _day(9)),
    ]

    def state(order: list[int], repeat: int) -> list[object]:
        db = tmp_path / f"{order}-{repeat}.duckdb"
        with Index(db) as index:
            for _ in range(repeat):
                for i in order:
                    index.write([], batches[i])
        return [dataclasses.astuple(s) for s in api.link_sources("target.example", db=db)]

    reference = state([0, 1, 2], 1)
    assert state([2, 1, 0], 1) == reference
    assert state([1, 2, 0], 2) == reference


def test_cli_sources(two_source_db: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["sources", "target.example", "--db", str(two_source_db)])
    assert res.exit_code == 0, res.output
    assert "ahrefs" in res.output and "crawl" in res.output and "missed" in res.output
    res = runner.invoke(app, ["sources", "target.example", "--db", str(two_source_db),
                              "--format", "json"])
    data = json.loads(res.stdout)
    assert {(r["unit"], r["via"]) for r in data} == {
        ("backlinks", "ahrefs"), ("backlinks", "crawl"), ("refdomains", "ahrefs"),
        ("refdomains", "crawl")}
    res = runner.invoke(app, ["sources", "target.example", "--db", str(two_source_db),
                              "--links", "--limit", "2"])
    assert res.exit_code == 0 and "ahrefs 2024-01-04" in res.output
    res = runner.invoke(app, ["sources", "nota target", "--db", str(two_source_db)])
    assert res.exit_code != 0 and "Traceback" not in res.output
