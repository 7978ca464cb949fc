"""Authority scores on the sample web: graphs built from the index, scores, ranks, explanations."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linkatlas import api, sample, urls
from linkatlas.cli import app
from linkatlas.errors import InputError
from linkatlas.graph import scores as formula
from linkatlas.graph.scores import SCORE_VERSION
from linkatlas.store import Index

runner = CliRunner()


@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, web: sample.SampleWeb) -> Path:
    folder = tmp_path_factory.mktemp("authority")
    sample.write_warc(web, folder / "web.warc.gz")
    path = folder / "index.duckdb"
    api.ingest([folder / "web.warc.gz"], db=path)
    api.rank(db=path, levels=("domain", "host", "page"))
    return path


@pytest.fixture(scope="module")
def target(web: sample.SampleWeb) -> str:
    return urls.registrable_domain(web.target_host)


def test_scores_are_in_range_and_ranks_consistent(db: Path) -> None:
    for graph in ("domain", "host", "page"):
        rows = api.graph_ranks(db=db, graph=graph)
        assert len(rows) > 50
        pr = np.array([r.pagerank for r in rows])
        assert abs(pr.sum() - 1.0) < 1e-6
        assert all(0.0 <= r.score <= 100.0 and r.version == SCORE_VERSION for r in rows)
        for r in rows:
            assert r.rank == 1 + int(np.sum(pr > r.pagerank))
        ordered = sorted(rows, key=lambda r: r.rank)
        assert [r.score for r in ordered] == sorted((r.score for r in rows), reverse=True)
        # A node nobody links to sits at the bottom of the scale.
        assert min(r.score for r in rows) < 5.0


def test_target_domain_is_at_the_top(db: Path, target: str, web: sample.SampleWeb) -> None:
    rows = api.graph_ranks(db=db, graph="domain", limit=3)
    assert target in {r.name for r in rows}
    page = api.authority(f"https://{web.target_host}/", db=db, graph="page")
    assert page.row.rank <= 3 and page.row.name == f"https://{web.target_host}/"
    host = api.authority(web.target_host, db=db, graph="host")
    assert host.row.name == web.target_host and host.row.rank <= 3


def test_link_network_feeds_itself(db: Path, web: sample.SampleWeb) -> None:
    network = {urls.registrable_domain(s.host) for s in web.sites if s.role == "network"}
    assert len(network) >= 3
    for domain in network:
        result = api.authority(domain, db=db, top=20)
        from_network = sum(c.share for c in result.contributors if c.name in network)
        assert from_network > 0.9, (domain, result.contributors)
        shares = [c.share for c in result.contributors]
        assert shares == sorted(shares, reverse=True) and abs(sum(shares) - 1.0) < 1e-6


def test_nofollow_only_referrers_count_only_with_the_switch(
    tmp_path: Path, db: Path, target: str
) -> None:
    nofollow_only = {r.domain for r in api.refdomains(target, db=db)
                     if r.followed_links == 0 and r.domain != target}
    assert nofollow_only, "the sample web should have nofollow/ugc/sponsored-only referrers"
    default = {c.name for c in api.authority(target, db=db, top=1000).contributors}
    assert default and not default & nofollow_only
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    ranked = api.rank(db=copy, levels=("domain",), all_links=True)
    assert ranked[0].graph.options == '{"all_links": true}'
    everything = api.authority(target, db=copy, top=1000)
    assert nofollow_only <= {c.name for c in everything.contributors}
    assert everything.referring == len(default) + len(nofollow_only)


def test_internal_links_are_not_domain_authority(db: Path, target: str) -> None:
    result = api.authority(target, db=db, top=1000)
    assert target not in {c.name for c in result.contributors}
    graph = api.graphs(db=db)
    by_name = {g.name: g for g in graph}
    assert set(by_name) >= {"index:domain", "index:host", "index:page"}
    assert dict(by_name["index:page"].dropped)["self-loops"] > 0


def test_one_more_link_estimate(db: Path, target: str) -> None:
    contributors = api.authority(target, db=db, top=1000).contributors
    linked = contributors[0].name
    again = api.authority(target, db=db, if_link_from=linked)
    assert again.already_linked and again.pagerank_gain == 0.0 and again.score_gain == 0.0
    rows = api.graph_ranks(db=db, graph="domain")
    names = {c.name for c in contributors} | {target}
    fresh = next(r for r in rows if r.name not in names)
    new = api.authority(target, db=db, if_link_from=fresh.name)
    assert not new.already_linked
    assert new.pagerank_gain is not None and new.pagerank_gain > 0
    assert new.score_gain is not None and new.score_gain > 0
    assert new.if_link_from == fresh.name


def test_unknown_domain_and_missing_graph(db: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not in the graph"):
        api.authority("no-such-site.example", db=db)
    with pytest.raises(InputError, match="no graph"):
        api.authority("example.com", db=db, graph="nothing-imported")
    with pytest.raises(InputError, match="level"):
        api.rank(db=db, levels=("planet",))
    empty = tmp_path / "empty.duckdb"
    Index(empty).close()
    with pytest.raises(InputError, match="linkatlas rank"):
        api.authority("example.com", db=empty)


def test_formula() -> None:
    n = 1000
    floor = 0.15 / n
    got = formula.scores(np.array([floor, 10 * floor, 1.0, 0.0, floor / 2]), n=n)
    assert got[0] == pytest.approx(0.0, abs=1e-9) and got[2] == pytest.approx(100.0)
    assert got[3] == 0.0 and got[4] == 0.0
    assert 0 < got[1] < 100 and got[1] == pytest.approx(100 * np.log(10) / np.log(1 / floor))
    assert list(formula.ranks([0.5, 0.2, 0.5, 0.1])) == [1, 3, 1, 4]
    assert formula.score_change(floor, 9 * floor, n) == pytest.approx(got[1])


def test_cli_rank_authority_and_ranks(db: Path, target: str) -> None:
    ranked = runner.invoke(app, ["rank", "--db", str(db), "--level", "domain", "-f", "json"])
    assert ranked.exit_code == 0, ranked.output
    data = json.loads(ranked.stdout)
    assert data[0]["graph"]["name"] == "index:domain" and data[0]["top"][0]["rank"] == 1
    table = runner.invoke(app, ["rank", "--db", str(db), "--level", "domain"])
    assert table.exit_code == 0 and "index:domain" in table.stdout
    shown = runner.invoke(app, ["authority", target, "--db", str(db), "-f", "json"])
    assert shown.exit_code == 0, shown.output
    info = json.loads(shown.stdout)
    assert info["row"]["name"] == target and info["contributors"]
    text = runner.invoke(app, ["authority", target, "--db", str(db), "--if-link-from",
                               info["contributors"][0]["name"]])
    assert text.exit_code == 0 and "score" in text.stdout and "already links" in text.stdout
    listed = runner.invoke(app, ["graph", "ranks", "--db", str(db), "--format", "csv"])
    assert listed.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert len(rows) == len(api.graph_ranks(db=db))
    assert {"name", "pagerank", "harmonic", "score", "rank"} <= set(rows[0])
    assert rows[0]["rank"] == "1"
    graphs = runner.invoke(app, ["graph", "list", "--db", str(db), "-f", "json"])
    assert {g["name"] for g in json.loads(graphs.stdout)} >= {"index:domain", "index:page"}
