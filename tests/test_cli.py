"""The CLI and the Python API end to end, on the generated sample web written as a WARC."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import linkatlas
from linkatlas import api, sample, urls
from linkatlas.cli import app
from linkatlas.model import Link, RefDomain

runner = CliRunner()


@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, web: sample.SampleWeb) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("cli")
    warc = folder / "web.warc.gz"
    sample.write_warc(web, warc)
    db = folder / "index.duckdb"
    result = runner.invoke(app, ["ingest", str(warc), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "links" in result.output
    return db, urls.registrable_domain(web.target_host)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkatlas", *args], capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_backlinks_formats_agree(indexed: tuple[Path, str]) -> None:
    db, target = indexed
    as_json = json.loads(runner.invoke(app, ["backlinks", target, "--db", str(db), "-f", "json"])
                         .stdout)
    as_csv = list(csv.DictReader(io.StringIO(
        runner.invoke(app, ["backlinks", target, "--db", str(db), "-f", "csv"]).stdout)))
    rows = linkatlas.backlinks(target, db=db)
    assert len(as_json) == len(as_csv) == len(rows) > 10
    assert {r["source_url"] for r in as_json} == {r.source_url for r in rows}
    assert all(isinstance(r, Link) and r.target_domain == target and not r.internal for r in rows)
    table = runner.invoke(app, ["backlinks", target, "--db", str(db), "--limit", "3"])
    assert table.exit_code == 0 and "backlinks of" in table.stdout


def test_filters(indexed: tuple[Path, str]) -> None:
    db, target = indexed
    every = api.backlinks(target, db=db)
    followed = api.backlinks(target, db=db, follow_only=True)
    assert followed and len(followed) < len(every)
    assert all(link.passes_credit for link in followed)
    assert any(link.nofollow for link in every) and any(link.sponsored for link in every)
    assert any(link.ugc for link in every)
    content = api.backlinks(target, db=db, placement="content")
    assert content and all(link.placement == "content" for link in content)
    assert len(api.backlinks(target, db=db, limit=5)) == 5
    result = runner.invoke(app, ["backlinks", target, "--db", str(db), "--follow-only", "-f",
                                 "json"])
    assert len(json.loads(result.stdout)) == len(followed)


def test_refdomains_anchors_outlinks_profile(indexed: tuple[Path, str]) -> None:
    db, target = indexed
    domains = api.refdomains(target, db=db)
    assert domains and all(isinstance(d, RefDomain) for d in domains)
    assert [d.links for d in domains] == sorted((d.links for d in domains), reverse=True)
    links = api.backlinks(target, db=db)
    assert sum(d.links for d in domains) == len(links)
    assert {d.domain for d in domains} == {link.source_domain for link in links}
    anchor_rows = api.anchors(target, db=db)
    assert sum(a.links for a in anchor_rows) == len(links)
    source = links[0].source_url
    outs = api.outlinks(source, db=db)
    assert [o.position for o in outs] == sorted(o.position for o in outs)
    assert any(o.target_domain == target for o in outs)
    prof = api.profile(target, db=db)
    assert prof.links == len(links) and prof.refdomains == len(domains)
    for cmd in ("refdomains", "anchors", "profile"):
        res = runner.invoke(app, [cmd, target, "--db", str(db)])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["outlinks", source, "--db", str(db), "-f", "json"])
    assert len(json.loads(res.stdout)) == len(outs)


def test_frames(indexed: tuple[Path, str]) -> None:
    db, target = indexed
    links = api.backlinks(target, db=db)
    pdf = linkatlas.to_frame(links, "pandas")
    pldf = linkatlas.to_frame(api.refdomains(target, db=db), "polars")
    assert len(pdf) == len(links) and "anchor" in pdf.columns
    assert pldf.height > 0 and "domain" in pldf.columns


def test_export_import_roundtrip(indexed: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = indexed
    out_file = tmp_path / "links.parquet"
    res = runner.invoke(app, ["export", "--what", "links", "--format", "parquet", "-o",
                              str(out_file), "--db", str(db)])
    assert res.exit_code == 0, res.output
    pages_file = tmp_path / "pages.parquet"
    api.export("pages", fmt="parquet", path=pages_file, db=db)
    other = tmp_path / "other.duckdb"
    res = runner.invoke(app, ["import", str(out_file), "--db", str(other)])
    assert res.exit_code == 0, res.output
    api.import_parquet(pages_file, what="pages", db=other)
    assert api.counts(db=other)["links"] == api.counts(db=db)["links"]
    assert api.counts(db=other)["pages"] == api.counts(db=db)["pages"]
    csv_out = runner.invoke(app, ["export", "--what", "pages", "--format", "csv", "--db", str(db)])
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert len(rows) == api.counts(db=db)["pages"] and "final_url" in rows[0]


def test_user_mistakes_are_one_line_errors(indexed: tuple[Path, str], tmp_path: Path) -> None:
    db, target = indexed
    cases = [
        (["backlinks", target, "--db", str(tmp_path / "missing.duckdb")], "no index"),
        (["ingest", str(tmp_path / "nope.warc.gz"), "--db", str(tmp_path / "x.duckdb")],
         "no such file"),
        (["backlinks", target, "--db", str(db), "--placement", "floor"], "unknown placement"),
        (["backlinks", "http://[not a url", "--db", str(db)], ""),
        (["export", "--what", "everything", "-o", str(tmp_path / "e.csv"), "--db", str(db)],
         "links or pages"),
    ]
    not_warc = tmp_path / "notes.warc.gz"
    not_warc.write_text("just some text\n")
    cases.append((["ingest", str(not_warc), "--db", str(tmp_path / "y.duckdb")], ""))
    for args, expected in cases:
        proc = cli(*args)
        assert proc.returncode != 0, args
        assert "Traceback" not in proc.stderr, proc.stderr
        assert expected.lower() in proc.stderr.lower(), (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) <= 3, proc.stderr


def test_demo(tmp_path: Path) -> None:
    result = api.demo(tmp_path / "demo", live=False)
    assert result.sites >= 12
    assert result.report.pages > 100 and result.report.skipped == 0
    prof = result.profile
    assert prof.links > 20 and prof.refdomains >= 8
    assert prof.nofollow and prof.sponsored and prof.ugc
    assert {"content", "footer"} <= set(prof.by_placement)
    # The domain graph is ranked: the authority bands (chart, report, dashboard) have scores.
    assert result.ranked.graph.name == "index:domain" and result.ranked.graph.nodes > 10
    assert prof.authority_graph == "index:domain"
    assert sum(b.refdomains for b in prof.authority if b.name != "not scored") > 0
    again = runner.invoke(app, ["demo", "--dir", str(tmp_path / "demo")])
    assert again.exit_code == 0, again.output
    assert "Backlink profile of" in again.stdout and "crawled" in again.stdout
    assert "ranked the domain graph" in again.stdout


def test_robots_check_names_the_deciding_rule(tmp_path: Path) -> None:
    robots = tmp_path / "robots.txt"
    robots.write_text("User-agent: *\nDisallow: /private/\nAllow: /private/ok\n\n"
                      "User-agent: linkatlas\nDisallow: /\n")
    res = runner.invoke(app, ["robots-check", str(robots), "https://x.example/private/a",
                              "https://x.example/private/ok", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["allowed"] for r in rows] == [False, True]
    assert rows[0]["rule"] == "Disallow: /private/" and rows[0]["line"] == 2
    mine = runner.invoke(app, ["robots-check", str(robots), "https://x.example/a", "--agent",
                               "linkatlas/0.1 (+https://example.org)", "-f", "json"])
    assert json.loads(mine.stdout)[0]["rule"] == "Disallow: /"
    proc = cli("robots-check", str(tmp_path / "missing.txt"), "https://x.example/")
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_serve_help_keeps_its_defaults() -> None:
    """'[default: ...]' in an option's help is Rich markup unless escaped: it vanished from
    'serve --help' ('DuckDB index file .')."""
    res = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "240"})
    assert res.exit_code == 0, res.output
    for shown in ("DuckDB index file [default: setting 'db', ./linkatlas.duckdb].",
                  "[default: setting web_token, LINKATLAS_WEB_TOKEN]",
                  "[default: reports/ beside the index]"):
        assert shown in res.output, res.output


def test_every_help_keeps_its_defaults() -> None:
    """Every '[default: ...]' written into an option's help shows in that command's --help
    (unescaped, Rich takes it for a markup tag and drops it)."""
    import typer.main

    def commands(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, cmd  # typer's own click: duck-typed, not isinstance of the click package
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from commands(sub, [*path, name])

    checked = 0
    for path, cmd in commands(typer.main.get_command(app), []):
        wanted = [p.help.replace("\\[", "[") for p in cmd.params
                  if getattr(p, "help", None) and "[default:" in p.help]
        if not wanted:
            continue
        res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "1000"})
        shown = " ".join(res.output.replace("│", " ").split())
        for text in wanted:
            start = text.index("[default:")
            assert " ".join(text[start:].split()) in shown, (path, text)
            checked += 1
    assert checked >= 12
