"""Importing external link graphs: edge lists (UKWA 1996 hosts, cnr-2000), Common Crawl format."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas
import pytest
from typer.testing import CliRunner

from conftest import fixture_path
from linkatlas import api, urls
from linkatlas.cli import app
from linkatlas.errors import InputError, SourceError

runner = CliRunner()

UKWA = "graphs/ukwa-1996-host-graph/1996-uk-web-hosts.tsv.gz"
CNR = "graphs/webgraph-cnr-2000/cnr-2000.arcs.tsv.gz"


def _ukwa_pairs(path: Path) -> set[tuple[str, str]]:
    """The UKWA file read independently: 'year|src|dst<TAB>count' lines to host pairs."""
    pairs = set()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            _, src, dst = line.split("\t")[0].split("|")
            pairs.add((src.lower().rstrip("."), dst.lower().rstrip(".")))
    return pairs


@pytest.fixture(scope="module")
def ukwa_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("ukwa") / "graphs.duckdb"
    path = fixture_path(UKWA)
    api.graph_import(path, db=db, name="ukwa", level="host")
    api.graph_import(path, db=db, name="ukwa-domains", level="domain")
    api.rank(db=db, graph="ukwa-domains")
    return db


def test_ukwa_host_graph_matches_the_file(ukwa_db: Path) -> None:
    pairs = _ukwa_pairs(fixture_path(UKWA))
    hosts = {h for pair in pairs for h in pair}
    info = api.graphs(db=ukwa_db)
    host_graph = next(g for g in info if g.name == "import:ukwa")
    assert host_graph.level == "host" and json.loads(host_graph.options)["format"] == "ukwa"
    assert host_graph.nodes == len(hosts) > 50_000
    assert host_graph.edges == sum(1 for s, t in pairs if s != t)
    assert dict(host_graph.dropped)["self-loops"] > 0


def test_ukwa_folded_into_domains_and_looked_up(ukwa_db: Path) -> None:
    pairs = _ukwa_pairs(fixture_path(UKWA))
    folded = {(urls.registrable_domain(s), urls.registrable_domain(t)) for s, t in pairs}
    edges = {(s, t) for s, t in folded if s != t}
    graph = next(g for g in api.graphs(db=ukwa_db) if g.name == "import:ukwa-domains")
    assert graph.level == "domain" and graph.edges == len(edges)
    assert graph.nodes == len({d for pair in folded for d in pair})
    referrers: dict[str, set[str]] = {}
    for s, t in edges:
        referrers.setdefault(t, set()).add(s)
    best = max(referrers, key=lambda d: len(referrers[d]))
    rows = api.graph_ranks(db=ukwa_db, graph="ukwa-domains")
    assert len(rows) == graph.nodes
    found = api.authority(f"https://www.{best}/", db=ukwa_db, graph="ukwa-domains", top=50)
    assert found.row.name == best
    assert found.row.rank <= 0.01 * graph.nodes  # the most-linked domain is in the top 1%
    assert found.referring == len(referrers[best])
    assert {c.name for c in found.contributors} <= referrers[best]
    assert all(r.harmonic is not None and r.harmonic >= 0 for r in rows)
    with pytest.raises(InputError, match="not in the graph"):
        api.authority("no-such-domain.example", db=ukwa_db, graph="ukwa-domains")


def test_cnr_import_and_rank_are_quick(tmp_path: Path) -> None:
    path = fixture_path(CNR)
    db = tmp_path / "cnr.duckdb"
    started = time.perf_counter()
    report = api.graph_import(path, db=db, name="cnr", level="node")
    imported = time.perf_counter() - started
    ranked = api.rank(db=db, graph="cnr", harmonic=False)[0]
    total = time.perf_counter() - started
    arcs = pandas.read_csv(path, sep="\t", comment="#", header=None, names=["s", "t"])
    loops = int((arcs.s == arcs.t).sum())
    distinct = len(arcs[arcs.s != arcs.t].drop_duplicates())
    assert report.graph.nodes == 325_557 and report.graph.edges == distinct
    assert dict(report.graph.dropped)["self-loops"] == loops
    assert total < 30, (imported, total)
    assert ranked.graph.nodes == 325_557
    top = ranked.top[0]
    # Node names are the file's ids: in-links of the top node, counted from the file itself.
    indeg = arcs[(arcs.t == int(top.name)) & (arcs.s != arcs.t)].drop_duplicates()
    got = api.authority(top.name, db=db, graph="cnr", top=5)
    assert got.referring == len(indeg) and got.row.rank == 1
    assert got.row.harmonic is None  # not computed this run
    print(f"cnr-2000: import {imported:.1f} s, import + PageRank + scores {total:.1f} s")


def _write(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(text)
    return path


def test_common_crawl_release_synthetic(tmp_path: Path) -> None:
    # SYNTHETIC fixture in the Common Crawl web-graph layout (no real release is in shared/):
    # vertices 'id<TAB>reversed host', edges 'from<TAB>to', ranks with the '#col' header.
    vertices = _write(
        tmp_path / "v.txt.gz",
        "0\tcom.example\n1\tcom.example.www\n2\torg.wikipedia\n3\tuk.co.bbc.news\n",
    )
    edges = _write(tmp_path / "e.txt.gz", "0\t2\n1\t2\n3\t2\n2\t3\n1\t3\n1\t3\n")
    ranks = _write(
        tmp_path / "r.txt.gz",
        "#harmonicc_pos\t#harmonicc_val\t#pr_pos\t#pr_val\t#host_rev\n"
        "1\t3.0\t1\t0.5\torg.wikipedia\n2\t2.0\t2\t0.3\tuk.co.bbc.news\n"
        "3\t0.5\t3\t0.1\tcom.example.www\n4\t0.5\t3\t0.1\tcom.example\n"
        "5\t0.1\t5\t0.05\tnet.unknown\n",
    )
    db = tmp_path / "cc.duckdb"
    report = api.graph_import(edges, db=db, name="cc", vertices=vertices, ranks=ranks)
    assert report.graph.nodes == 4 and report.graph.edges == 5
    assert (report.ranks_matched, report.ranks_unknown) == (4, 1)
    rows = api.graph_ranks(db=db, graph="cc")
    assert [r.name for r in rows][:2] == ["wikipedia.org", "news.bbc.co.uk"]
    assert rows[0].pagerank == 0.5 and rows[0].harmonic == 3.0 and rows[0].rank == 1
    assert [r.rank for r in rows] == [1, 2, 3, 3]
    wiki = api.authority("wikipedia.org", db=db, graph="cc", if_link_from="www.example.com")
    assert wiki.referring == 3 and wiki.already_linked
    # the same release through the command line, into another index
    from typer.testing import CliRunner

    from linkatlas.cli import app

    other = tmp_path / "cli.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["graph", "import", str(edges), "--vertices", str(vertices),
                              "--ranks", str(ranks), "--name", "cc", "--db", str(other)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["graph", "ranks", "--graph", "cc", "--db", str(other), "-f",
                              "json"])
    assert res.exit_code == 0, res.output
    assert [r["name"] for r in json.loads(res.stdout)][:2] == ["wikipedia.org", "news.bbc.co.uk"]
    api.rank(db=db, graph="cc")
    recomputed = {r.name: r for r in api.graph_ranks(db=db, graph="cc")}
    assert abs(sum(r.pagerank for r in recomputed.values()) - 1.0) < 1e-9
    assert recomputed["wikipedia.org"].rank == 1


@pytest.mark.parametrize(
    ("content", "line", "what"),
    [
        ("a.example\tb.example\nc.example\n", 2, "two tab-separated"),
        ("# comment\n\nx\ty\nx\ty\tz\tw\n", 4, "two tab-separated"),
        ("1996|a|b\t1\n1996|c\t2\n", 2, "year|source|target"),
    ],
)
def test_malformed_edge_list_names_the_line(
    tmp_path: Path, content: str, line: int, what: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(SourceError, match=rf"bad\.tsv, line {line}: expected .*{what}"):
        api.graph_import(path, db=tmp_path / "x.duckdb")


def test_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    empty = tmp_path / "empty.tsv"
    empty.write_text("# nothing\n")
    with pytest.raises(SourceError, match="no edges"):
        api.graph_import(empty, db=db)
    with pytest.raises(InputError, match="no such file"):
        api.graph_import(tmp_path / "missing.tsv", db=db)
    with pytest.raises(InputError, match="level"):
        api.graph_import(empty, db=db, level="galaxy")
    vertices = _write(tmp_path / "v.gz", "0\tcom.a\n")
    edges = _write(tmp_path / "e.gz", "0\t0\n0\t7\n")
    with pytest.raises(SourceError, match=r"e\.gz, line 2: edge 0 -> 7"):
        api.graph_import(edges, db=db, vertices=vertices)
    ranks = _write(tmp_path / "r.gz", "#pr_val\t#something\n0.1\tx\n")
    with pytest.raises(SourceError, match="ranks header"):
        api.graph_import(
            _write(tmp_path / "e2.gz", "0\t0\n"), db=db, vertices=vertices, ranks=ranks
        )


def test_cli_import_ids_and_names(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    edges = tmp_path / "tiny.tsv"
    edges.write_text(
        "Www.A.example\tb.example\nblog.a.example\tb.example\nb.example\tc.example\n"
        "b.example\ta.example\n"
    )
    result = runner.invoke(
        app, ["graph", "import", str(edges), "--db", str(db), "--fold", "domain", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout)["graph"]
    assert graph["name"] == "import:tiny" and graph["level"] == "domain"
    assert (graph["nodes"], graph["edges"]) == (3, 3)
    assert runner.invoke(app, ["rank", "--db", str(db), "-g", "tiny"]).exit_code == 0
    shown = json.loads(
        runner.invoke(app, ["graph", "ranks", "--db", str(db), "-g", "tiny", "-f", "json"]).stdout
    )
    assert shown[0]["name"] == "b.example" and shown[0]["rank"] == 1
    assert np.isclose(sum(r["pagerank"] for r in shown), 1.0)
    bad = tmp_path / "bad.tsv"
    bad.write_text("1\t2\n3\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkatlas",
            "graph",
            "import",
            str(bad),
            "--db",
            str(db),
            "--level",
            "node",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 3
    assert proc.stderr.strip().splitlines() == [
        f"error: {bad}, line 2: expected two tab-separated columns (source, target) and an "
        "optional weight, found '3'"
    ]
