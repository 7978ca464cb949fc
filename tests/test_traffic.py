"""Referral traffic: access logs (combined/common, nginx/Apache) and GA4 exports into the index.

Every log and CSV here is synthetic, written by the tests themselves from the documented
formats (NCSA common/combined, Apache vhost_combined, nginx's default ``combined``, a GA4
"Traffic acquisition" download); the referrer-spam domains come from the real Matomo list in
../shared/fixtures, read in place.
"""

from __future__ import annotations

import csv
import datetime as _dt
import gzip
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import linkatlas
from conftest import fixture_path
from linkatlas import api
from linkatlas.cli import app
from linkatlas.errors import InputError
from linkatlas.model import DeadPage, LandingVisits, ReferrerVisits, ReferringPageVisits
from linkatlas.sources import traffic
from linkatlas.sources.traffic import Filter, LogHit, parse_log_line, parse_site
from linkatlas.store import Index

runner = CliRunner()
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SPAM_LIST = "spam/referrer-spam-matomo/spammers.txt"


def combined(path: str, referer: str = "-", *, status: int = 200, ua: str = UA,
             method: str = "GET", day: str = "12/Mar/2026", client: str = "203.0.113.7",
             vhost: str = "") -> str:
    """One combined-format line as nginx and Apache write it."""
    prefix = f"{vhost} " if vhost else ""
    return (f'{prefix}{client} - - [{day}:10:11:12 +0100] "{method} {path} HTTP/1.1" {status} '
            f'512 "{referer}" "{ua}"')


def common(path: str, *, status: int = 200, day: str = "12/Mar/2026") -> str:
    """One common-format line."""
    return f'198.51.100.4 - frank [{day}:23:59:59 -0700] "GET {path} HTTP/1.0" {status} 2326'


def write(path: Path, lines: list[str], *, gz: bool = False) -> Path:
    text = "\n".join(lines) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def spammers(n: int) -> list[str]:
    names = [line.strip() for line in
             fixture_path(SPAM_LIST).read_text(encoding="utf-8").splitlines() if line.strip()]
    return names[:n]


# -- parsing -------------------------------------------------------------------------------------


def test_log_line_variants() -> None:
    hit = parse_log_line(combined("/a?x=1", "https://blog.example.org/post"))
    assert hit == LogHit("", "GET", "/a?x=1", 200, "2026-03-12", "https://blog.example.org/post",
                         UA)
    # Apache's vhost_combined (%v:%p) and an IPv6 client
    vhost = parse_log_line(combined("/", vhost="www.example.com:443", client="2001:db8::7"))
    assert isinstance(vhost, LogHit) and vhost.vhost == "www.example.com:443"
    # Apache escapes quotes as \" and nginx as \x22; both stay inside their field
    apache = parse_log_line(combined("/q", "-", ua='Mozilla/5.0 \\"quoted\\" (X11)'))
    assert isinstance(apache, LogHit) and apache.user_agent == 'Mozilla/5.0 "quoted" (X11)'
    nginx = parse_log_line(combined('/a\\x22b', "https://x.org/?q=\\x22hi\\x22"))
    assert isinstance(nginx, LogHit) and nginx.target == "/a%22b"
    assert nginx.referer == "https://x.org/?q=%22hi%22"
    plain = parse_log_line(common("/about"))
    assert isinstance(plain, LogHit) and plain.referer is None and plain.day == "2026-03-12"
    # a local date, as the server wrote it: 23:59:59 -0700 stays on the 12th
    assert plain.status == 200


@pytest.mark.parametrize(("line", "reason"), [
    ("", "not a common or combined log line"),
    ("GET / HTTP/1.1", "not a common or combined log line"),
    ('1.2.3.4 - - [12/Foo/2026:10:11:12 +0100] "GET / HTTP/1.1" 200 5 "-" "-"', "bad timestamp"),
    ('1.2.3.4 - - [31/Feb/2026:10:11:12 +0100] "GET / HTTP/1.1" 200 5 "-" "-"', "bad timestamp"),
    ('1.2.3.4 - - [12/Mar/2026:10:11:12 +0100] "\\x16\\x03\\x01\\x02" 400 0 "-" "-"',
     "bad request line"),
    ('1.2.3.4 - - [12/Mar/2026:10:11:12 +0100] "-" 400 0 "-" "-"', "bad request line"),
    ('1.2.3.4 - - [12/Mar/2026:10:11:12 +0100] "GET / HTTP/1.1" 2OO 5', "not a common or "
     "combined log line"),
])
def test_hostile_lines_give_reasons(line: str, reason: str) -> None:
    assert parse_log_line(line) == reason


def test_site_and_referrer_rules() -> None:
    site = parse_site("https://www.Example.com/")
    assert (site.scheme, site.host, site.domain) == ("https", "www.example.com", "example.com")
    assert parse_site("http://example.com").scheme == "http"
    with pytest.raises(InputError, match="--site"):
        parse_site("not a site!")
    rules = Filter(site, frozenset({"spam.example.net"}))
    assert rules.referrer("https://blog.example.com/x") == "self-referral"
    assert rules.referrer("https://a.spam.example.net/") == "referrer spam"
    assert rules.referrer("https://www.google.co.uk/") == "search engine"
    assert rules.referrer("android-app://com.google.android.gm/") == (
        "not a web referrer (app or malformed)")
    assert rules.referrer("https://News.Example.org/item?id=1&utm_source=x#c") == (
        "https://news.example.org/item?id=1", "news.example.org", "example.org")
    assert rules.landing("/p?utm_medium=social", "") == "https://www.example.com/p"
    assert rules.landing("/p", "other.org:443") == "another site's hit"
    assert rules.landing("/p", "shop.example.com:80") == "https://shop.example.com/p"
    assert traffic.is_asset("/static/app.js?v=3") and not traffic.is_asset("/guide.pdf")
    assert traffic.is_bot(BOT) and traffic.is_bot("-") and traffic.is_bot("curl/8.5.0")
    assert not traffic.is_bot(UA)


def test_tally_counts_only_referral_visits(tmp_path: Path) -> None:
    spam = spammers(3)
    lines = [
        combined("/guide", "https://blog.example.org/links"),
        combined("/guide", "https://blog.example.org/links"),  # same day, same pair: summed
        combined("/guide", "https://blog.example.org/links", day="13/Mar/2026"),
        combined("/guide?utm_source=nl", "https://forum.example.net/t/1", method="HEAD"),
        combined("/guide", "https://blog.example.org/links", method="POST"),
        combined("/style.css", "https://blog.example.org/links"),
        combined("/guide", "https://blog.example.org/links", ua=BOT),
        combined("/guide", "https://www.example.com/"),  # self-referral
        combined("/guide", f"http://{spam[0]}/"),
        combined("/guide", f"https://sub.{spam[1]}/page"),
        combined("/guide", "https://www.bing.com/search?q=guide"),
        combined("/guide"),  # direct: dropped
        combined("/old-page", status=404),  # direct on a dead page: kept
        combined("/old-page", "https://blog.example.org/2019", status=404,
                 client="2001:db8::1"),
        combined("/gone", "https://news.example.org/a", status=410),
        '\x00\x01binary garbage \xff',
        '203.0.113.7 - - [12/Mar/2026:10:11:12 +0100] "GET /cut',
        "x" * (traffic.MAX_LINE + 10),
    ]
    path = write(tmp_path / "access.log.gz", lines, gz=True)
    rules = Filter(parse_site("www.example.com"), frozenset(s.lower() for s in spam))
    tally = traffic.tally_log(path, "combined", rules, "access.log#x")
    assert tally.lines == len(lines)
    assert tally.visits == 7
    assert tally.unknown_referrer == 1
    assert tally.skipped["not a GET/HEAD request"] == 1
    assert tally.skipped["static asset"] == 1
    assert tally.skipped["bot or tool user agent"] == 1
    assert tally.skipped["self-referral"] == 1
    assert tally.skipped["referrer spam"] == 2
    assert tally.skipped["search engine"] == 1
    assert tally.skipped["direct (no referrer)"] == 1
    assert tally.skipped["line longer than 64 KiB"] == 1
    assert tally.skipped["not a common or combined log line"] == 2
    assert len(tally.examples) == 3 and tally.examples[0].startswith("access.log.gz:16: ")
    rows = {(r.day, r.referrer_url, r.landing_url, r.status): r.visits
            for r in tally.records(rules.site, "log")}
    assert rows[("2026-03-12", "https://blog.example.org/links",
                 "https://www.example.com/guide", 200)] == 2
    assert rows[("2026-03-13", "https://blog.example.org/links",
                 "https://www.example.com/guide", 200)] == 1
    assert rows[("2026-03-12", "", "https://www.example.com/old-page", 404)] == 1


def test_truncated_gzip_keeps_the_lines_before(tmp_path: Path) -> None:
    whole = write(tmp_path / "full.log.gz",
                  [combined(f"/p{i}", "https://ref.example.org/") for i in range(3000)], gz=True)
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    rules = Filter(parse_site("example.com"))
    tally = traffic.tally_log(cut, "combined", rules, "cut")
    assert 0 < tally.visits < 3000
    assert any("unreadable after line" in e for e in tally.examples)


def test_sniff_and_wrong_format(tmp_path: Path) -> None:
    assert traffic.sniff(write(tmp_path / "a.log", [combined("/")])) == "combined"
    assert traffic.sniff(write(tmp_path / "b.log", [common("/")])) == "common"
    assert traffic.sniff(write(tmp_path / "c.csv", ["# GA4", "Date,Sessions"])) == "ga4"
    with pytest.raises(InputError, match="not an access log"):
        traffic.sniff(write(tmp_path / "d.txt", ["hello world"]))
    with pytest.raises(InputError, match="no line is a combined log line"):
        traffic.tally_log(write(tmp_path / "e.log", ["nonsense", "more"]), "combined",
                          Filter(parse_site("example.com")), "e")


# -- GA4 -----------------------------------------------------------------------------------------

GA4_HEAD = [
    "# ----------------------------------------",
    "# Traffic acquisition: Session source / medium",
    "# Account: Example (synthetic)",
    "# Property: example.com - GA4",
    "# ----------------------------------------",
    "# ",
    "# All Users",
    "# Start date: 20260301",
    "# End date: 20260331",
]


def test_ga4_daily_export(tmp_path: Path) -> None:
    csv_lines = [*GA4_HEAD,
                 "Date,Session source / medium,Landing page + query string,Sessions,"
                 "Engaged sessions",
                 ",,,130,90",  # totals row
                 "20260305,news.example.org / referral,/guide?utm_source=x,12,9",
                 "20260305,google / organic,/guide,80,60",
                 "20260306,(direct) / (none),/,30,20",
                 "20260306,forum.example.net / referral,(not set),2,1",
                 "20260306,com.google.android.gm / referral,/guide,1,1",
                 "20260307,example.com / referral,/guide,3,2",
                 '20260307,blog.example.org / referral,"/a,b",5,4',
                 "",
                 "# ----------------------------------------",
                 "Nth day,Sessions",
                 "0000,40"]
    path = write(tmp_path / "ga4.csv", csv_lines)
    from linkatlas.sources.traffic_ga4 import tally_ga4
    tally = tally_ga4(path, Filter(parse_site("example.com")), "ga4#x")
    assert tally.visits == 17
    records = {(r.day, r.referrer_host, r.landing_url): r for r in
               tally.records(parse_site("example.com"), "ga4")}
    guide = records[("2026-03-05", "news.example.org", "https://example.com/guide")]
    assert guide.visits == 12 and guide.referrer_url == "" and guide.status == 0
    assert guide.until == "2026-03-05"
    assert ("2026-03-07", "blog.example.org", "https://example.com/a,b") in records
    assert tally.skipped == {"totals row": 1, "not a link (medium organic)": 1,
                             "direct (no referrer)": 1, "no landing page ((not set))": 1,
                             "not a web referrer (campaign or app name)": 1,
                             "self-referral": 1}


def test_ga4_range_export_and_page_referrer(tmp_path: Path) -> None:
    path = write(tmp_path / "refs.csv", ["\ufeff" + GA4_HEAD[0], *GA4_HEAD[1:],
                 "Page referrer,Page path + query string,Views",
                 "https://blog.example.org/links,/guide,7",
                 "https://www.example.com/,/guide,9",
                 "(not set),/guide,4"])
    from linkatlas.sources.traffic_ga4 import tally_ga4
    tally = tally_ga4(path, Filter(parse_site("example.com")), "refs#x")
    (row,) = tally.records(parse_site("example.com"), "ga4")
    assert (row.day, row.until, row.visits) == ("2026-03-01", "2026-03-31", 7)
    assert row.referrer_url == "https://blog.example.org/links"


def test_ga4_traffic_acquisition_report_without_landing_pages(tmp_path: Path) -> None:
    """The standard Traffic acquisition download: source / medium and its metrics, no page."""
    path = write(tmp_path / "acq.csv", [*GA4_HEAD,
                 "Session source / medium,Users,Sessions,Engaged sessions,"
                 "Average engagement time per session,Event count,Key events",
                 "google / organic,250,300,200,41.5,1500,3",
                 "news.example.org / referral,10,12,8,30.1,60,0",
                 "blog.example.org / referral,4,5,3,12.0,20,0",
                 "(direct) / (none),40,50,20,10.0,200,1",
                 "example.com / referral,1,2,1,1.0,5,0"])
    db = tmp_path / "index.duckdb"
    report = linkatlas.import_traffic([path], site="example.com", db=db)
    assert report.visits == 17
    by_domain = {r.domain: r for r in linkatlas.referrals("example.com", db=db)}
    assert set(by_domain) == {"example.org"}
    row = by_domain["example.org"]
    # both referring hosts belong to example.org; no landing page and no referring page known
    assert (row.visits, row.landing_pages, row.referring_pages) == (17, 0, 0)
    assert (str(row.first_day), str(row.last_day)) == ("2026-03-01", "2026-03-31")
    assert linkatlas.referrals("example.com", by="landing", db=db) == []


@pytest.mark.parametrize(("lines", "match"), [
    (["# GA4", "Country,Users", "France,12"], "expected a referrer column"),
    (["Session source,Landing page,Sessions", "x.org,/,1"], "no 'Date' column"),
    (["# GA4", "Session source,Date range,Landing page,Sessions"], "comparing two date ranges"),
])
def test_ga4_unknown_shapes(tmp_path: Path, lines: list[str], match: str) -> None:
    from linkatlas.sources.traffic_ga4 import tally_ga4
    with pytest.raises(InputError, match=match):
        tally_ga4(write(tmp_path / "x.csv", lines), Filter(parse_site("example.com")), "x")


# -- import, idempotence, queries -----------------------------------------------------------------


@pytest.fixture()
def logs(tmp_path: Path) -> tuple[Path, Path, Path]:
    first = write(tmp_path / "access.log", [
        combined("/guide", "https://blog.example.org/links"),
        combined("/guide", "https://blog.example.org/links", day="14/Mar/2026"),
        combined("/tools", "https://blog.example.org/tools"),
        combined("/old", "https://forum.example.net/t/9", status=404),
        combined("/old", "https://forum.example.net/t/9", status=404),
        combined("/old", status=404),
    ])
    second = write(tmp_path / "other.log", [
        combined("/guide", "https://blog.example.org/links", day="20/Mar/2026",
                 vhost="example.com"),
        combined("/guide", "https://news.example.org/a"),
    ])
    ga4 = write(tmp_path / "ga4.csv", [*GA4_HEAD,
                "Date,Session source,Session medium,Landing page,Sessions",
                "20260310,news.example.org,referral,/guide,4"])
    return first, second, ga4


def test_import_is_idempotent_and_files_add_up(tmp_path: Path,
                                              logs: tuple[Path, Path, Path]) -> None:
    db = tmp_path / "index.duckdb"
    first, second, ga4 = logs
    report = linkatlas.import_traffic([first], site="example.com", db=db)
    assert (report.visits, report.unknown_referrer, report.files[0].format) == (6, 1, "combined")
    with Index(db, read_only=True) as index:
        once = index.referrals_checksum()
    again = api.import_traffic([first], site="example.com", db=db)
    assert again.files[0].replaced == again.rows
    with Index(db, read_only=True) as index:
        assert index.referrals_checksum() == once
    # the same log rotated and gzipped is the same file: it replaces (and renames), not adds
    before = api.referrals("example.com", by="landing", db=db)
    rotated = tmp_path / "access.log.1.gz"
    with first.open("rb") as src, gzip.open(rotated, "wb") as dst:
        shutil.copyfileobj(src, dst)
    moved = api.import_traffic([rotated], site="example.com", db=db)
    assert moved.files[0].replaced == moved.rows == again.rows
    assert moved.files[0].observed_in.startswith("access.log.1.gz#")
    assert api.referrals("example.com", by="landing", db=db) == before
    with Index(db, read_only=True) as index:
        assert index.referrals_checksum().split(":")[0] == once.split(":")[0]
    api.import_traffic([second, ga4], site="example.com", db=db)
    domains = linkatlas.referrals("example.com", db=db)
    assert all(isinstance(r, ReferrerVisits) for r in domains)
    by = {r.domain: r for r in domains}
    blog = by["example.org"]
    assert blog.visits == 9 and blog.referring_pages == 3 and blog.landing_pages == 2
    assert (blog.first_day, blog.last_day) == (_dt.date(2026, 3, 10), _dt.date(2026, 3, 20))
    assert by["example.net"].visits == 2
    assert [r.domain for r in domains] == ["example.org", "example.net"]
    with Index(db, read_only=True) as index:
        assert index.referral_visits(api.parse_target("example.com")) == domains


def test_query_views(tmp_path: Path, logs: tuple[Path, Path, Path]) -> None:
    db = tmp_path / "index.duckdb"
    api.import_traffic(list(logs), site="example.com", db=db)
    pages = api.referrals("example.com", by="page", db=db)
    assert all(isinstance(r, ReferringPageVisits) for r in pages)
    assert pages[0].referrer_url == "https://blog.example.org/links" and pages[0].visits == 3
    landing = api.referrals("example.com", by="landing", db=db)
    assert all(isinstance(r, LandingVisits) for r in landing)
    old = next(r for r in landing if r.landing_url == "https://example.com/old")
    assert (old.status, old.visits, old.referred_visits, old.referring_domains) == (404, 3, 2, 1)
    one = api.referrals("https://example.com/guide", db=db)
    assert {r.domain for r in one} == {"example.org"}
    assert sum(r.visits for r in one) == 8  # blog 3 logged, news 1 logged + 4 GA4 sessions
    dead = api.dead_pages("example.com", db=db)
    assert dead == [DeadPage("https://example.com/old", 404, 3, 2, 1,
                             ("https://forum.example.net/t/9",), _dt.date(2026, 3, 12),
                             _dt.date(2026, 3, 12))]
    assert api.referrals("host:www.example.com", db=db) == []
    assert len(api.referrals("example.com", db=db, limit=1)) == 1


def test_common_format_counts_hits_with_referrer_unknown(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    path = write(tmp_path / "common.log", [common("/a"), common("/a"), common("/b.png"),
                                           common("/gone", status=410)])
    report = api.import_traffic([path], site="example.com", db=db)
    assert (report.files[0].format, report.visits, report.unknown_referrer) == ("common", 3, 3)
    assert api.referrals("example.com", db=db) == []  # no referring domain is known
    landing = api.referrals("example.com", by="landing", db=db)
    assert {(r.landing_url, r.visits, r.referred_visits) for r in landing} == {
        ("https://example.com/a", 2, 0), ("https://example.com/gone", 1, 0)}


def test_spam_list_from_the_real_matomo_list(tmp_path: Path) -> None:
    spam = spammers(5)
    path = write(tmp_path / "access.log", [combined("/", f"https://{s}/") for s in spam]
                 + [combined("/", "https://blog.example.org/")])
    db = tmp_path / "index.duckdb"
    plain = api.import_traffic([path], site="example.com", db=db)
    assert plain.visits == 6
    filtered = api.import_traffic([path], site="example.com", db=db,
                                  spam_list=fixture_path(SPAM_LIST))
    assert filtered.visits == 1 and filtered.skipped["referrer spam"] == 5
    assert [r.domain for r in api.referrals("example.com", db=db)] == ["example.org"]


def test_api_errors(tmp_path: Path) -> None:
    db = tmp_path / "index.duckdb"
    with pytest.raises(InputError, match="no such file"):
        api.import_traffic([tmp_path / "missing.log"], site="example.com", db=db)
    log = write(tmp_path / "a.log", [combined("/")])
    with pytest.raises(InputError, match="--spam-list"):
        api.import_traffic([log], site="example.com", db=db, spam_list=tmp_path / "nope.txt")
    with pytest.raises(InputError, match="unknown traffic format"):
        api.import_traffic([log], site="example.com", db=db, fmt="w3c")
    with pytest.raises(InputError, match="unknown view"):
        api.referrals("example.com", by="month", db=db)


# -- CLI -----------------------------------------------------------------------------------------


def test_cli_import_and_queries(tmp_path: Path, logs: tuple[Path, Path, Path]) -> None:
    db = tmp_path / "index.duckdb"
    result = runner.invoke(app, ["traffic", "import", *map(str, logs), "--site", "example.com",
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "imported 3 file(s) for example.com" in result.stdout
    assert "1 visit(s) with the referrer unknown" in result.stdout  # the direct 404 hit
    table = runner.invoke(app, ["traffic", "referrers", "example.com", "--db", str(db)])
    assert table.exit_code == 0 and "example.org" in table.stdout
    as_json = json.loads(runner.invoke(app, ["traffic", "referrers", "example.com", "--db",
                                             str(db), "--by", "landing", "-f", "json"]).stdout)
    assert {r["landing_url"] for r in as_json} >= {"https://example.com/guide",
                                                   "https://example.com/old"}
    assert all(len(r["first_day"]) == 10 for r in as_json)
    as_csv = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["traffic", "dead-pages", "example.com", "--db", str(db), "-f", "csv"]).stdout)))
    assert [(r["landing_url"], r["status"], r["visits"]) for r in as_csv] == [
        ("https://example.com/old", "404", "3")]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", ["# GA4", "Country,Users", "France,12"])
    for n, (args, code) in enumerate((
        (["traffic", "import", str(bad), "--site", "example.com"], 2),
        (["traffic", "import", str(tmp_path / "missing.log"), "--site", "example.com"], 2),
        (["traffic", "referrers", "example.com"], 4),  # no index yet
    )):
        proc = subprocess.run([sys.executable, "-m", "linkatlas", *args, "--db",
                               str(tmp_path / f"{n}.duckdb")], capture_output=True, text=True,
                              timeout=120, check=False, cwd=tmp_path)
        assert proc.returncode == code, proc.stderr
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
        assert "Traceback" not in proc.stderr
