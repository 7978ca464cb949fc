"""disavow validate / diff through the CLI, and disavow_generate through the API."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import fixture_path
from linkatlas import api, urls
from linkatlas.audit import disavow as d
from linkatlas.cli import app
from linkatlas.errors import InputError
from linkatlas.report import csvout

DATA = Path(__file__).parent / "data" / "disavow"
runner = CliRunner()


def test_validate_prints_line_numbers_and_exits_1() -> None:
    path = DATA / "with-problems.txt"
    res = runner.invoke(app, ["disavow", "validate", str(path)])
    assert res.exit_code == 1
    lines = [x for x in res.stdout.splitlines() if x.startswith(f"{path}:")]
    assert [x.split(":")[1] for x in lines[:3]] == ["3", "5", "6"]
    assert "error" in lines[0] and "warning" in lines[1] and "not an http or https URL" in lines[2]
    data = json.loads(runner.invoke(app, ["disavow", "validate", str(path), "-f", "json"]).stdout)
    assert data["domains"] == 2 and data["urls"] == 1
    assert [p["line"] for p in data["problems"]] == [3, 5, 6]


def test_validate_clean_file_exits_0(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("# fine\ndomain:a.example\nhttps://b.example/x\n", encoding="utf-8")
    res = runner.invoke(app, ["disavow", "validate", str(clean)])
    assert res.exit_code == 0, res.output
    assert "1 domains, 1 URLs" in res.stdout


def test_validate_missing_file_is_one_line_error(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "linkatlas", "disavow", "validate",
                          str(tmp_path / "none.txt")], capture_output=True, text=True,
                         timeout=120, check=False)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no such disavow file" in res.stderr


def test_validate_real_file_summary() -> None:
    path = fixture_path("spam/disavow-turkish-tech/disavow.txt")
    res = runner.invoke(app, ["disavow", "validate", str(path), "-f", "csv"])
    assert res.exit_code == 1  # warnings only: entries covered by other lines
    rows = list(csvout.read_rows(io.StringIO(res.stdout)))
    assert rows[0] == ["line", "severity", "message"] and len(rows) == 1 + 1_624
    assert {r[1] for r in rows[1:]} == {"warning"}


def test_diff_cli_formats(tmp_path: Path) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("# r\ndomain:a.example\ndomain:gone.example\n", encoding="utf-8")
    new.write_text("# r\ndomain:A.EXAMPLE.\n# =cmd|' /C calc'!A0\ndomain:n.example\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["disavow", "diff", str(old), str(new), "-f", "csv"])
    assert res.exit_code == 1
    raw = list(csv.reader(io.StringIO(res.stdout)))
    assert raw[1][4].startswith("'=")  # a hostile reason does not run in a spreadsheet
    rows = list(csvout.read_rows(io.StringIO(res.stdout)))
    assert rows[1:] == [["added", "domain", "n.example", "", "=cmd|' /C calc'!A0"],
                        ["removed", "domain", "gone.example", "r", ""]]
    same = runner.invoke(app, ["disavow", "diff", str(old), str(old)])
    assert same.exit_code == 0 and "0 added, 0 removed" in same.stdout


def test_generate_api_merges_keeps_and_validates(tmp_path: Path) -> None:
    existing = tmp_path / "old.txt"
    existing.write_text("# checked by hand\ndomain:manual.example\ndomain:friend.example\n",
                        encoding="utf-8")
    keep = tmp_path / "keep.txt"
    keep.write_text("# partners\nfriend.example\n", encoding="utf-8")
    result = api.disavow_generate(
        "target.example",
        candidates=[("spam.example", "toxic: exact-match anchors from a link network"),
                    ("https://spam.example/p", "paid"), ("partner.example", "low score")],
        keep=[keep, "partner.example"], existing=existing,
    )
    parsed = d.parse(result.text)
    assert parsed.problems == ()
    assert parsed.domains() == {"manual.example", "spam.example"}
    assert {e.value: e.reason for e in parsed.entries}["manual.example"] == "checked by hand"
    assert result.text.startswith("# Disavow file for target.example written by linkatlas\n")
    assert {e.value for e, _ in result.dropped} == {
        "friend.example", "partner.example", "https://spam.example/p"}
    again = api.disavow_generate("target.example", candidates=[
        ("https://spam.example/p", "paid"), ("spam.example", "toxic: exact-match anchors from a "
         "link network")], keep=[keep, "partner.example"], existing=existing)
    assert again.text == result.text  # byte-identical whatever the order of candidates


def test_generate_from_the_audit_of_the_sample_web(tmp_path: Path) -> None:
    from linkatlas import sample

    web = sample.build(seed=7)
    sample.write_warc(web, tmp_path / "s.warc.gz")
    db = tmp_path / "s.duckdb"
    api.ingest([tmp_path / "s.warc.gz"], db=db)
    report = api.audit("beancraft.example", db=db)
    wanted = {d.domain for d in report.domains if d.band.value == "disavow candidate"}
    assert "coffee-tips-daily.example" in wanted and len(wanted) >= 4
    old = tmp_path / "old.txt"
    old.write_text("# found by hand\nhttps://spam.example/page\n", encoding="utf-8")
    out = tmp_path / "disavow.txt"
    res = runner.invoke(app, ["disavow", "generate", "beancraft.example", "-o", str(out),
                              "--db", str(db), "--keep", "coffee-tips-daily.example",
                              "--merge", str(old)])
    assert res.exit_code == 0, res.output
    assert "left out domain:coffee-tips-daily.example: on the keep-list" in res.stdout
    text = out.read_text(encoding="utf-8")
    parsed = d.parse(text)
    assert parsed.problems == ()
    assert parsed.domains() == wanted - {"coffee-tips-daily.example"}
    # The forum is capped at review as a site; its disavow-candidate links are URL lines.
    pages = {f.source_url for f in report.links
             if f.band.value == "disavow candidate" and f.source_domain not in wanted}
    assert pages and {urls.host_and_domain(u)[1] for u in pages} == {"roastersforum.example"}
    assert parsed.urls() == {"https://spam.example/page"} | pages
    # Each entry's reason (the nearest comment above it; entries with the same reason share
    # it): the category, the score and the evidence behind it.
    reason = ""
    for line in text.splitlines():
        if line.startswith("#"):
            reason = line
        elif line and line != "https://spam.example/page":
            assert reason.startswith("# audit: ") and "; score " in reason, (line, reason)
    assert "# audit: forum or comment link with optimised anchor; score " in text
    assert re.search(r"# audit: link network; score \d+; shares analytics/ad id .+\n"
                     r"domain:bean-review-zone\.example\n", text), text
    assert "# found by hand\nhttps://spam.example/page\n" in text
    again = runner.invoke(app, ["disavow", "generate", "beancraft.example", "-o",
                                str(tmp_path / "again.txt"), "--db", str(db), "--keep",
                                "coffee-tips-daily.example", "--merge", str(old)])
    assert again.exit_code == 0 and (tmp_path / "again.txt").read_text(encoding="utf-8") == text
    assert runner.invoke(app, ["disavow", "diff", str(out), str(tmp_path / "again.txt")]
                         ).exit_code == 0


def test_audit_candidates_list_links_of_domains_not_listed_whole() -> None:
    from linkatlas.audit.records import Band, Category, DomainFinding, LinkFinding

    def dom(name: str, band: Band, cat: Category | None) -> DomainFinding:
        return DomainFinding(name, 2, 2, 70.0, band, cat, (), ("shares id UA-1-1",), (), "")

    def link(url: str, band: Band, cat: Category | None) -> LinkFinding:
        return LinkFinding(url, "https://t.example/", urls.host_and_domain(url)[1], "a",
                           "content", "", True, 80.4, band, cat, (), ())

    forum = Category.FORUM
    domains = [dom("net.example", Band.DISAVOW, Category.NETWORK),
               dom("forum.example", Band.REVIEW, forum), dom("ok.example", Band.OK, None)]
    links = [link("https://net.example/a", Band.DISAVOW, Category.NETWORK),  # domain line
             link("https://forum.example/t/2", Band.DISAVOW, forum),
             link("https://forum.example/t/1", Band.DISAVOW, forum),
             link("https://forum.example/t/1", Band.DISAVOW, forum),  # same page, one line
             link("https://forum.example/t/3", Band.REVIEW, forum),
             link("https://ok.example/x", Band.OK, None)]
    reason = f"audit: {forum.value}; score 80"
    network = "audit: link network; score 70; shares id UA-1-1"
    assert api.audit_candidates(domains, links) == [
        ("net.example", network),
        ("https://forum.example/t/1", reason), ("https://forum.example/t/2", reason)]
    assert api.audit_candidates(domains) == [("net.example", network)]
    kept = api.disavow_generate("t.example", candidates=api.audit_candidates(domains, links),
                                keep=["forum.example"])
    assert [e.value for e in kept.entries] == ["net.example"]


def test_usage_errors_are_one_clean_message(tmp_path: Path) -> None:
    """typer's own copy of click raises its own errors: they too must not be tracebacks."""
    for args in (["disavow", "generate", "example.com"], ["contacts", "a.example", "--delay", "x"]):
        res = subprocess.run([sys.executable, "-m", "linkatlas", *args], capture_output=True,
                             text=True, timeout=120, check=False, cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        assert "Traceback" not in res.stderr and "Error:" in res.stderr


def test_keep_names_from_strings_never_open_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("friend.example\n", encoding="utf-8")
    # A str is a name (as a web form sends it): it is not read as a file, so it is rejected.
    try:
        api.disavow_generate("t.example", candidates=[("friend.example", "x")],
                             keep=[str(secret)])
    except InputError as exc:
        assert "friend.example" not in str(exc).replace(str(secret), "")
    else:
        raise AssertionError("a path given as a name must not be accepted")
    kept = api.disavow_generate("t.example", candidates=[("friend.example", "x")],
                                keep=[secret])
    assert kept.entries == ()
    res = runner.invoke(app, ["disavow", "generate", "t.example", "-o", str(tmp_path / "o"),
                              "--keep", str(tmp_path / "missing.txt")])
    # Typer boxes usage errors and wraps them at the terminal width: read the words, not the box.
    words = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2 and "no such keep-list file" in words, res.output
