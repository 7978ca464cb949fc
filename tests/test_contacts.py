"""Removal-request contacts: e-mail forms, contact pages, the index, live fetches on loopback."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from linkatlas import api, sample, urls
from linkatlas.audit.contacts import Contact, contact_score, site_contacts
from linkatlas.cli import app
from linkatlas.extract import make_link
from linkatlas.extract.text import (
    cloudflare_emails,
    email_forms,
    emails_in_text,
    mailto_addresses,
)
from linkatlas.model import UTC, Page
from linkatlas.report import csvout
from linkatlas.sample.server import SampleServer

runner = CliRunner()


@pytest.mark.parametrize(("text", "expected"), [
    ("sales [at] example [dot] org", {"sales@example.org": "obfuscated address"}),
    ("john(at)example.net", {"john@example.net": "obfuscated address"}),
    ("jane { at } example { dot } co { dot } uk.", {"jane@example.co.uk": "obfuscated address"}),
    ("name [@] example.com and x(@)example.org", {"name@example.com": "obfuscated address",
                                                   "x@example.org": "obfuscated address"}),
    ("write to jane AT example DOT com", {"jane@example.com": "obfuscated address"}),
    ("name@example[.]com", {"name@example.com": "obfuscated address"}),
    ("taro\uff20example.jp", {"taro@example.jp": "address in text"}),
    ("jane&#64;example.com / x&commat;example&period;org",
     {"jane@example.com": "address in text", "x@example.org": "address in text"}),
    ("meet me at example dot com", {}),
    ("WE ARE AT EXAMPLE.COM", {}),
    ("look at this dot com", {}),
    ("Follow us @ twitter.com", {}),
    ("logo@2x.png a@b", {}),
])
def test_email_forms(text: str, expected: dict[str, str]) -> None:
    assert email_forms(text) == expected
    assert emails_in_text(text) == set(expected)


def test_cloudflare_and_mailto_in_html() -> None:
    key, addr = 0x5A, "press@shop.test"
    hexed = f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in addr)
    html = (f'<a href="/cdn-cgi/l/email-protection#{hexed}">[email&#160;protected]</a>'
            f'<span class="__cf_email__" data-cfemail="{hexed}"></span>'
            '<a href="mailto:Boss&#64;Shop.test?subject=x">x</a><a href=mailto:>y</a>')
    assert cloudflare_emails(html) == {addr}
    assert mailto_addresses(html) == {"boss@shop.test"}
    assert cloudflare_emails("<p>no protection here</p>") == set()


@pytest.mark.parametrize(("url", "text", "score"), [
    ("https://a.example/contact", "", 5),
    ("https://a.example/de/kontakt.html", "", 5),
    ("https://a.example/impressum", "", 5),
    ("https://a.example/write-for-us/", "", 3),
    ("https://a.example/p?id=7", "Get in touch", 5),
    ("https://a.example/about-us", "", 2),
    ("https://a.example/", "Contact", 0),  # the home page is never the contact page
    ("https://a.example/blog/contacting-your-bank-a-long-read", "", 0),
    ("https://a.example/x", "We contacted the team about an unrelated matter last year", 0),
])
def test_contact_score(url: str, text: str, score: int) -> None:
    assert contact_score(url, text) == score


def _page(url: str, emails: tuple[str, ...] = (), title: str = "", status: int = 200) -> Page:
    host, domain = urls.host_and_domain(url)
    return Page(url=url, final_url=url, host=host, domain=domain, status=status,
                fetched_at=dt.datetime(2026, 1, 1, tzinfo=UTC), title=title, emails=emails)


def test_site_contacts_rules() -> None:
    pages = [
        _page("https://blog.a.example/post", ("writer@gmail.example", "ed@a.example")),
        _page("https://blog.a.example/contact-us", ("ed@a.example", "user@example.com")),
        _page("https://other.example/contact", ("x@other.example",)),
        _page("https://blog.a.example/kontakt", status=404),
    ]
    links = [make_link("https://blog.a.example/post", "https://blog.a.example/kontakt",
                       anchor="Kontakt"),
             make_link("https://blog.a.example/post", "https://blog.a.example/about",
                       anchor="About")]
    rows = site_contacts("a.example", pages, links)
    assert [(r.email, r.source_page) for r in rows] == [
        ("ed@a.example", "https://blog.a.example/contact-us"),  # own domain first, contact page
        ("writer@gmail.example", "https://blog.a.example/post"),
    ]  # the placeholder user@example.com is left out, other.example is another site
    assert {r.contact_page for r in rows} == {"https://blog.a.example/contact-us"}
    only_page = site_contacts("a.example", [], links)
    assert only_page == [Contact("a.example", "", "", "https://blog.a.example/kontakt",
                                 "contact page, no address (index)")]
    assert site_contacts("b.example", pages, links)[0].how.startswith("no address")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, sample.SampleWeb]:
    folder = tmp_path_factory.mktemp("contacts")
    web = sample.build(seed=7)
    sample.write_warc(web, folder / "s.warc.gz")
    api.ingest([folder / "s.warc.gz"], db=folder / "s.duckdb")
    return folder / "s.duckdb", web


def _truth(web: sample.SampleWeb) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for page in web.pages():
        for email in page.emails:
            out.setdefault(urls.registrable_domain(urls.host(page.url)), set()).add(email)
    return out


def test_index_finds_every_address_of_the_sample_web(
        sample_db: tuple[Path, sample.SampleWeb]) -> None:
    db, web = sample_db
    truth = _truth(web)
    assert len(truth) >= 8
    rows = api.contacts([*sorted(truth), "kofe-deshevo.example"], db=db)
    found: dict[str, set[str]] = {}
    for r in rows:
        if r.email:
            found.setdefault(r.domain, set()).add(r.email)
            assert r.source_page.startswith("https://") and r.how == "address on page (index)"
    assert found == truth
    by_site = {r.domain: r for r in rows}
    assert by_site["beancraft.example"].contact_page == "https://www.beancraft.example/contact"
    assert by_site["kofe-deshevo.example"].email == ""


def test_cli_contacts_from_disavow_writes_safe_csv(
        sample_db: tuple[Path, sample.SampleWeb], tmp_path: Path) -> None:
    db, _ = sample_db
    disavow = tmp_path / "d.txt"
    disavow.write_text("domain:brewratio.example\nhttps://coffee-guild.example/links\n",
                       encoding="utf-8")
    out = tmp_path / "requests.csv"
    res = runner.invoke(app, ["contacts", "--from-disavow", str(disavow), "--db", str(db),
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csvout.read_rows(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["domain", "email", "source_page", "contact_page", "how"]
    assert {(r[0], r[1]) for r in rows[1:]} == {("brewratio.example", "ads@brewratio.example"),
                                               ("coffee-guild.example",
                                                "jane@coffee-guild.example")}
    as_json = runner.invoke(app, ["contacts", "coffee-guild.example", "--db", str(db), "-f",
                                  "json"])
    assert '"jane@coffee-guild.example"' in as_json.stdout


def test_live_fetch_on_the_sample_server(sample_db: tuple[Path, sample.SampleWeb],
                                         tmp_path: Path) -> None:
    _, web = sample_db
    # Hosts the sample serves (a bare domain would be looked up in DNS first).
    sites = ["www.beancraft.example", "homeroaster-journal.example", "coffee-guild.example"]
    with SampleServer(web) as server:
        rows = api.contacts(sites, db=tmp_path / "none.duckdb", fetch=True,
                            allow_net=["127.0.0.0/8"], address_map=server.address_map(),
                            delay=0)
        blocked = api.contacts(["www.beancraft.example"], db=tmp_path / "none.duckdb", fetch=True,
                               address_map=server.address_map(), delay=0)
    how = {r.email: r.how for r in rows}
    assert how["hello@beancraft.example"] == "mailto link (fetched)"
    assert how["support@beancraft.example"] == "obfuscated address (fetched)"
    assert how["jane@coffee-guild.example"] == "obfuscated address (fetched)"
    assert how["jane@homeroaster-journal.example"] == "obfuscated address (fetched)"
    # Without --allow-net the guard refuses loopback: a clear row, not an exception.
    assert blocked[0].email == "" and blocked[0].how.startswith("fetch failed:")
    assert "blocked" in blocked[0].how and "loopback" in blocked[0].how


class _Site(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, str]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        status, ctype, body = self.pages.get(self.path, (404, "text/plain", "not found"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def shop() -> Iterator[tuple[str, int]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "shop.test", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_live_fetch_honours_robots_and_reads_cloudflare(shop: tuple[str, int]) -> None:
    host, port = shop
    key, addr = 0x21, "owner@shop.test"
    hexed = f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in addr)
    _Site.seen = []
    _Site.pages = {
        "/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /impressum\n"),
        "/": (200, "text/html", '<a href="/contact">Contact</a> <a href="/impressum">Impressum'
              '</a><a href="/about">About</a>'),
        "/contact": (200, "text/html", f'<p>Mail <a href="/cdn-cgi/l/email-protection#{hexed}">'
                     "[email&#160;protected]</a></p>"),
        "/impressum": (200, "text/html", "<p>legal@shop.test</p>"),
    }
    rows = api.contacts([host], db=Path("/nonexistent/x.duckdb"), fetch=True,
                        allow_net=["127.0.0.1/32"], address_map={host: ("127.0.0.1", port)},
                        delay=0)
    assert [(r.email, r.how, r.contact_page) for r in rows] == [
        (addr, "Cloudflare-protected address (fetched)", "https://shop.test/contact")]
    assert "/impressum" not in _Site.seen and _Site.seen[0] == "/robots.txt"
    assert set(_Site.seen) == {"/robots.txt", "/", "/contact", "/about"}


def test_bad_input_is_a_clear_error(sample_db: tuple[Path, sample.SampleWeb]) -> None:
    db, _ = sample_db
    res = runner.invoke(app, ["contacts", "not a domain", "--db", str(db)])
    assert res.exit_code != 0
    res = runner.invoke(app, ["contacts", "--db", str(db)])
    assert res.exit_code != 0
    assert list(csv.reader(io.StringIO(""))) == []


def test_cloudflare_addresses_reach_the_index_through_extraction() -> None:
    from linkatlas.extract import links_from_page
    from linkatlas.model import Capture

    key, addr = 0x33, "desk@paper.test"
    hexed = f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in addr)
    body = (f'<html><body><p>Write to <a href="/cdn-cgi/l/email-protection#{hexed}">'
            '[email&#160;protected]</a></p></body></html>').encode()
    capture = Capture(url="https://paper.test/contact", status=200,
                      headers=(("Content-Type", "text/html"),), body=body,
                      fetched_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert links_from_page(capture).page.emails == (addr,)
