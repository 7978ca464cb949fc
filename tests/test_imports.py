"""Imports of vendor link exports, on the synthetic samples in tests/data/imports (see its
README: every file there is synthetic, written from the vendors' documented columns)."""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import linkatlas
from linkatlas import api
from linkatlas.cli import app
from linkatlas.errors import InputError
from linkatlas.model import UTC, ImportedStat, Link, LinkKind, Skipped, Source
from linkatlas.sources.imports import open_export, target_from_name
from linkatlas.sources.imports.rows import parse_bool, parse_date, parse_int
from linkatlas.sources.imports.tables import open_tables, sniff_delimiter, sniff_encoding
from linkatlas.store import Index
from linkatlas.store.imported import stats_from_arrow, stats_to_arrow

DATA = Path(__file__).parent / "data" / "imports"
AHREFS = DATA / "example.com-backlinks-subdomains-2024-05-01.csv"
SEMRUSH = DATA / "example.com-backlinks.csv"
AUDIT = DATA / "semrush-backlink-audit.csv"
MAJESTIC = DATA / "majestic_example.com_backlinks.csv"
MOZ = DATA / "moz-inbound-links.csv"
GSC_LATEST = DATA / "example.com-Latest links-2024-05-01.csv"
GSC_TABLES = sorted(DATA.glob("example.com-Top *.csv"))
WRONG = DATA / "not-an-export.csv"
runner = CliRunner()


def read(path: Path, **kwargs: object) -> tuple[list[str], list[Link], list[ImportedStat],
                                                list[Skipped]]:
    """Titles of the sections, and the records of an export, by type."""
    titles: list[str] = []
    links: list[Link] = []
    stats: list[ImportedStat] = []
    skipped: list[Skipped] = []
    for section in open_export(path, **kwargs):  # type: ignore[arg-type]
        if isinstance(section, Skipped):
            skipped.append(section)
            continue
        titles.append(section.title)
        for record in section.records:
            if isinstance(record, Link):
                links.append(record)
            elif isinstance(record, ImportedStat):
                stats.append(record)
            else:
                skipped.append(record)
    return titles, links, stats, skipped


def by_source(links: list[Link]) -> dict[str, Link]:
    return {link.source_url: link for link in links}


def day(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- reading tables -------------------------------------------------------------------------------


def test_ahrefs_file_is_utf16_tsv_with_bom() -> None:
    assert AHREFS.read_bytes()[:2] == b"\xff\xfe"
    [table] = list(open_tables(AHREFS))
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    header = next(table.rows)
    assert header[1] == "Referring page URL"  # BOM gone, tabs split


def test_encodings_and_delimiters(tmp_path: Path) -> None:
    text = "Source url;Target url;Anchor\r\nhttps://a.org/;https://example.com/;Crème brûlée\r\n"
    cases = {
        "utf8.csv": text.encode("utf-8"),
        "bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "be.csv": b"\xfe\xff" + text.encode("utf-16-be"),
        "le-nobom.csv": text.encode("utf-16-le"),
        "cp1252.csv": text.encode("cp1252"),
        "excel-sep.csv": b"sep=;\r\n" + text.encode("utf-8"),
        "titled.tsv": ("Backlinks of example.com\r\n" + text.replace(";", "\t"))
        .encode("utf-8"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        _, links, _, _ = read(tmp_path / name, source="semrush")
        assert [link.anchor for link in links] == ["Crème brûlée"], name
    assert sniff_encoding(b"\xff\xfeR\x00") == "utf-16"
    assert sniff_encoding(b"plain ascii text") is None
    assert sniff_delimiter('a,b\tc\td') == "\t"
    assert sniff_delimiter('"x;y;z",b,c') == ","  # delimiters inside quotes do not count
    assert sniff_delimiter("single") == ","


# -- one test per vendor report --------------------------------------------------------------------


def test_ahrefs_backlinks() -> None:
    titles, links, stats, skipped = read(AHREFS)
    assert titles == ["Ahrefs backlinks"] and not stats
    assert len(links) == 5 and all(link.via is Source.AHREFS for link in links)
    got = by_source(links)
    text = got["https://www.teareview.net/best-kettles"]
    assert (text.kind, text.anchor, text.passes_credit) == (LinkKind.A, "the Example kettle range",
                                                            True)
    assert text.target_url == "https://example.com/kettles/"
    assert (text.first_seen, text.last_seen) == (day("2023-11-02T08:14:55"),
                                                 day("2024-04-29T17:01:12"))
    assert text.observed_in == f"{AHREFS.name}#2"
    forum = got["https://forum.brewers.org/t/123"]
    assert (forum.rel, forum.nofollow, forum.ugc, forum.passes_credit) == ("nofollow ugc", True,
                                                                          True, False)
    assert got["https://giftideas.io/guide"].sponsored
    assert got["https://kitchen-gallery.com/photos"].kind is LinkKind.IMAGE
    assert got["http://old-kettles.net/"].kind is LinkKind.REDIRECT
    assert text.source_domain == "teareview.net" and text.target_domain == "example.com"
    assert [s.reason for s in skipped] == ["bad source URL: 'not a url'"]
    assert skipped[0].observed_in == f"{AHREFS.name}#7"


def test_ahrefs_refdomains_and_anchors() -> None:
    titles, _, stats, skipped = read(DATA / "example.com-refdomains-subdomains-2024-05-01.csv")
    assert titles == ["Ahrefs referring domains"]
    assert [(s.report, s.key, s.links, s.target) for s in stats] == [
        ("refdomain", "teareview.net", 3, "example.com"),
        ("refdomain", "forum.brewers.org", 12, "example.com"),
        ("refdomain", "giftideas.io", 1, "example.com"),
    ]
    assert stats[0].first_seen == day("2023-11-02")
    assert len(skipped) == 1 and skipped[0].reason.startswith("bad domain")
    titles, _, stats, _ = read(DATA / "example.com-anchors-subdomains-2024-05-01.csv")
    assert titles == ["Ahrefs anchors"]
    assert [(s.key, s.links, s.domains, s.pages) for s in stats] == [
        ("the Example kettle range", 1, 1, 1), ("example.com", 12, 1, 12), ("", 2, 2, 2)]


def test_semrush_backlinks_and_refdomains() -> None:
    titles, links, _, skipped = read(SEMRUSH)
    assert titles == ["Semrush backlinks"] and len(links) == 3
    got = by_source(links)
    image = got["https://teablog.example.org/links"]
    assert (image.kind, image.nofollow, image.passes_credit) == (LinkKind.IMAGE, True, False)
    assert got["https://news.site/story?id=9"].ugc
    assert got["https://brewguide.com/basics"].kind is LinkKind.A
    assert [s.reason.split(":")[0] for s in skipped] == ["bad target URL"]
    titles, _, stats, _ = read(DATA / "example.com-backlinks_refdomains.csv")
    assert titles == ["Semrush referring domains"]
    assert [(s.key, s.links, s.target, s.via) for s in stats] == [
        ("brewguide.com", 3, "example.com", Source.SEMRUSH),
        ("teablog.example.org", 1, "example.com", Source.SEMRUSH)]


def test_semrush_audit_reordered_headers_cp1252_semicolons() -> None:
    titles, links, _, skipped = read(AUDIT)
    assert titles == ["Semrush Backlink Audit"]
    got = by_source(links)
    spam = got["https://spammy-links.top/page1"]
    assert spam.anchor == "Café crème kettles"  # cp1252 read as such
    assert (spam.first_seen, spam.last_seen) == (day("2024-03-20"), day("2024-04-28"))
    deal = got["https://deals.example.net/k"]
    assert (deal.rel, deal.passes_credit) == ("nofollow sponsored", False)
    assert len(skipped) == 1


def test_majestic_backlinks() -> None:
    titles, links, _, skipped = read(MAJESTIC)
    assert titles == ["Majestic backlinks"] and len(links) == 4
    got = by_source(links)
    assert got["http://www.kettlefans.org/gallery"].kind is LinkKind.IMAGE
    assert got["http://www.example-old.net/"].kind is LinkKind.REDIRECT
    spam = got["http://spam.kettle-links.xyz/p/1"]
    assert (spam.nofollow, spam.passes_credit, spam.via) == (True, False, Source.MAJESTIC)
    assert got["http://www.kettlefans.org/reviews"].first_seen == day("2023-08-14")
    assert len(skipped) == 1 and "bad source URL" in skipped[0].reason


def test_moz_inbound_links_without_scheme() -> None:
    titles, links, _, _ = read(MOZ)
    assert titles == ["Moz inbound links"] and len(links) == 3
    got = by_source(links)
    partner = got["http://blog.partner.org/2024/kettles"]
    assert partner.target_url == "http://example.com/" and partner.passes_credit
    directory = got["http://www.directory.biz/kitchen"]
    assert (directory.nofollow, directory.first_seen) == (True, day("2024-01-15"))
    assert got["http://partner.org/old"].kind is LinkKind.REDIRECT


def test_gsc_tables_become_stats_about_the_property() -> None:
    titles, links, stats, skipped = read(GSC_LATEST)
    assert titles == ["Search Console latest links"] and not links
    assert [(s.report, s.key, s.target) for s in stats] == [
        ("linking_page", "https://www.teareview.net/best-kettles", "example.com"),
        ("linking_page", "https://forum.brewers.org/t/123", "example.com")]
    assert stats[0].first_seen == stats[0].last_seen == day("2024-04-28")
    assert len(skipped) == 1
    found = {}
    for path in GSC_TABLES:
        titles, _, stats, _ = read(path)
        found[titles[0]] = [(s.report, s.key, s.links, s.domains, s.pages) for s in stats]
    assert found["Search Console top linking sites"] == [
        ("linking_site", "teareview.net", 3, 0, 2), ("linking_site", "forum.brewers.org", 12, 0, 1)]
    assert found["Search Console top linked pages"][0] == ("linked_page", "https://example.com/",
                                                           1204, 35, 0)
    assert [k for _, k, *_ in found["Search Console top linking text"]] == [
        "example.com", "the example kettle range"]


def test_gsc_links_with_both_ends_become_links(tmp_path: Path) -> None:
    path = tmp_path / "drilldown.csv"
    path.write_text("Linking page,Target page,Last crawled\n"
                    "https://blog.org/a,https://example.com/x,2024-04-01\n", encoding="utf-8")
    titles, links, _, _ = read(path)
    assert titles == ["Search Console links"]
    assert (links[0].kind, links[0].via, links[0].last_seen) == (LinkKind.IMPORTED, Source.GSC,
                                                                 day("2024-04-01"))


def test_missing_dates_take_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "example.org-Top linked pages.csv"
    shutil.copy(GSC_TABLES[0].with_name("example.com-Top linked pages-2024-05-01.csv"), path)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    _, _, stats, _ = read(path)
    when = _dt.datetime.fromtimestamp(1_700_000_000, tz=UTC)
    assert {(s.first_seen, s.last_seen, s.target) for s in stats} == {(when, when, "example.org")}


# -- XLSX, zip, shapes, guessing ------------------------------------------------------------------


def test_xlsx_renamed_reordered_headers_and_a_title_row(tmp_path: Path) -> None:
    path = tmp_path / "moz-links.xlsx"
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Metric", "Value"])
    summary.append(["Domain Authority", 45])
    sheet = book.create_sheet("Links")
    sheet.append(["Inbound links for example.com"])  # a title line above the header
    sheet.append(["anchor text", "TARGET URL", "Link type", "source url", "Spam score",
                  "Date first seen"])
    sheet.append(["Kettles", "https://example.com/", "nofollow", "https://x.org/p",
                  0.01, _dt.datetime(2024, 3, 5, 12, 30)])
    sheet.append(["", "https://example.com/", "", "ftp://x.org/file", 0.01, None])
    book.save(path)
    titles, links, _, skipped = read(path)
    assert titles == ["Moz inbound links"]
    [link] = links
    assert (link.source_url, link.anchor, link.nofollow) == ("https://x.org/p", "Kettles", True)
    assert link.first_seen == link.last_seen == day("2024-03-05T12:30:00")
    assert link.observed_in == f"{path.name}:Links#3"
    reasons = sorted(s.reason.split(":")[0] for s in skipped)
    assert reasons == ["bad source URL", "no known export columns in this table"]


def test_gsc_zip_takes_the_property_from_its_name(tmp_path: Path) -> None:
    path = tmp_path / "example.com-Links-2024-05-01.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for table in (*GSC_TABLES, GSC_LATEST):
            short = table.name.removeprefix("example.com-").removesuffix("-2024-05-01.csv")
            archive.write(table, f"{short}.csv")
        archive.writestr("Chart.csv", "Date,Clicks\n2024-05-01,3\n")
    titles, _, stats, skipped = read(path)
    assert len(titles) == 4 and {s.target for s in stats} == {"example.com"}
    assert len(stats) == 2 + 2 + 2 + 2
    assert any(s.observed_in.endswith("Chart.csv") for s in skipped)


def test_gsc_needs_a_target_when_no_name_gives_it(tmp_path: Path) -> None:
    path = tmp_path / "Top linking sites.csv"
    shutil.copy(DATA / "example.com-Top linking sites-2024-05-01.csv", path)
    with pytest.raises(InputError, match="--target"):
        read(path)
    _, _, stats, _ = read(path, target="www.example.net")
    assert {s.target for s in stats} == {"www.example.net"}


def test_source_guessing_and_mismatch() -> None:
    guesses = {path.name: api.inspect_export(path)[0].source
               for path in (AHREFS, SEMRUSH, AUDIT, MAJESTIC, MOZ, GSC_LATEST)}
    assert guesses == {AHREFS.name: "ahrefs", SEMRUSH.name: "semrush", AUDIT.name: "semrush",
                       MAJESTIC.name: "majestic", MOZ.name: "moz", GSC_LATEST.name: "gsc"}
    with pytest.raises(InputError, match="not a moz export"):
        api.inspect_export(AHREFS, source="moz")
    with pytest.raises(InputError, match="unknown source"):
        api.inspect_export(AHREFS, source="bing")


def test_generic_columns_are_ambiguous_until_source_is_given(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("Source URL,Target URL\nhttps://a.org/,https://example.com/\n")
    with pytest.raises(InputError, match="--source"):
        api.inspect_export(path)
    [shape] = api.inspect_export(path, source="majestic")
    assert shape.report == "Majestic backlinks"


def test_unknown_shape_names_expected_columns() -> None:
    with pytest.raises(InputError) as info:
        api.inspect_export(WRONG)
    message = str(info.value)
    assert "columns found: Name, Email, Phone" in message
    for expected in ("Referring page URL", "Source url", "Source URL", "Linking page",
                     "Target URL", "Links to target"):
        assert expected in message


def test_value_parsers() -> None:
    expected = day("2024-05-01")
    for text in ("2024-05-01", "2024/05/01", "01.05.2024", "05/01/2024", "May 1, 2024",
                 "1 May 2024", "01-May-2024", "May 1st, 2024", "20240501", "1714521600",
                 "1714521600000", "2024-05-01T00:00:00Z", "2024-05-01 00:00:00 UTC"):
        assert parse_date(text) == expected, text
    assert parse_date("13/05/2024") == day("2024-05-13")  # day-first when it must be
    assert parse_date("2024-05-01 02:00:00+02:00") == day("2024-05-01T00:00:00")
    assert parse_date("May 1, 2024 3:04 PM") == day("2024-05-01T15:04:00")
    for text in ("", "-", "n/a", "soon", "2024-13-45"):
        assert parse_date(text) is None, text
    assert [parse_bool(v) for v in ("TRUE", "true", "1", "+", "Yes", "x")] == [True] * 6
    assert [parse_bool(v) for v in ("FALSE", "0", "-", "", "no")] == [False] * 5
    assert [parse_int(v) for v in ("1,204", "1 204", "12.0", "", "many")] == [1204, 1204, 12, 0, 0]
    assert target_from_name("example.com-Latest links-2024-05-01.csv") == "example.com"
    assert target_from_name("https___www.example.co.uk_-backlinks.csv") == "www.example.co.uk"
    assert target_from_name("sc-domain_example.org-Top linking sites.csv") == "example.org"
    assert target_from_name("my-site.com-refdomains-subdomains-2024-05-01_10-00-00.csv") == \
        "my-site.com"
    assert target_from_name("Top linking sites.csv") is None


def test_stat_rows_round_trip_through_arrow() -> None:
    _, _, stats, _ = read(DATA / "example.com-anchors-subdomains-2024-05-01.csv")
    assert stats_from_arrow(stats_to_arrow(stats)) == stats


# -- into the index ------------------------------------------------------------------------------


def test_import_into_the_index_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    files = [AHREFS, SEMRUSH, AUDIT, MAJESTIC, MOZ, GSC_LATEST, *GSC_TABLES,
             DATA / "example.com-refdomains-subdomains-2024-05-01.csv"]
    reports = [linkatlas.import_file(path, db=db) for path in files]
    assert sum(r.links for r in reports) == 5 + 3 + 2 + 4 + 3
    assert sum(r.stats for r in reports) == 2 + 6 + 3
    assert sum(r.skipped for r in reports) == 1 + 1 + 1 + 1 + 0 + 1 + 0 + 1
    ahrefs = reports[0]
    assert (ahrefs.rows, ahrefs.source, ahrefs.reports) == (6, "ahrefs", ["Ahrefs backlinks"])
    assert ahrefs.skip_reasons == {"bad source URL": 1}
    with Index(db, read_only=True) as index:
        links_before, stats_before = index.checksum("links"), index.stats_checksum()
    for path in files:
        linkatlas.import_file(path, db=db)
    with Index(db, read_only=True) as index:
        assert index.checksum("links") == links_before
        assert index.stats_checksum() == stats_before
        assert len(index.imported_stats(report="refdomain", target="example.com")) == 3
    rows = api.imported_stats(target="example.com", report="linking_site", db=db)
    assert [(r.key, r.links) for r in rows] == [("forum.brewers.org", 12), ("teareview.net", 3)]


def test_cli_import_and_backlinks_show_via(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    res = runner.invoke(app, ["import", str(AHREFS), str(MAJESTIC), str(GSC_LATEST),
                              "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "Ahrefs backlinks" in res.output and "skipped 2: bad source URL" in res.output
    res = runner.invoke(app, ["backlinks", "example.com", "--db", str(db), "-f", "json"])
    rows = json.loads(res.stdout)
    assert {r["via"] for r in rows} == {"ahrefs", "majestic"} and len(rows) == 9
    res = runner.invoke(app, ["backlinks", "example.com", "--db", str(db)],
                        env={"COLUMNS": "300"})
    assert " via " in res.output and " majestic " in res.output
    res = runner.invoke(app, ["imported", "example.com", "--db", str(db), "-f", "json"])
    assert [r["report"] for r in json.loads(res.stdout)] == ["linking_page"] * 2


def test_cli_wrong_file_is_one_line_and_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "linkatlas", "import", str(AHREFS), str(WRONG), "--db", str(db)],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "not-an-export.csv" in proc.stderr and "Referring page URL" in proc.stderr
    assert not db.exists()  # the good file before it was not imported either


def test_cli_import_keeps_parquet_merging(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    linkatlas.import_file(SEMRUSH, db=db)
    out = tmp_path / "links.parquet"
    api.export("links", fmt="parquet", path=out, db=db)
    other = tmp_path / "other.duckdb"
    res = runner.invoke(app, ["import", str(out), "--db", str(other)])
    assert res.exit_code == 0, res.output
    assert api.counts(db=other)["links"] == 3
    with pytest.raises(InputError, match="import_parquet"):
        api.import_file(out, db=other)


def test_unusable_files_are_clear_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    header_only = tmp_path / "header-only.csv"
    header_only.write_text("Source url,Target url,Page ascore\n")
    with pytest.raises(InputError, match="columns found: none"):
        api.inspect_export(empty)
    with pytest.raises(InputError) as info:
        api.inspect_export(binary)
    assert "\x00" not in str(info.value) and "\x1b" not in str(info.value)
    with pytest.raises(InputError, match="a directory"):
        api.import_file(tmp_path, db=tmp_path / "x.duckdb")
    with pytest.raises(InputError, match="no such file"):
        api.import_file(tmp_path / "missing.csv", db=tmp_path / "x.duckdb")
    report = api.import_file(header_only, db=tmp_path / "x.duckdb")
    assert (report.rows, report.links, report.reports) == (0, 0, ["Semrush backlinks"])
