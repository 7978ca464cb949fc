"""links_from_page: kinds, resolution, rel and robots, anchors, contexts, page fields, hostility."""

from __future__ import annotations

import datetime as dt

import pytest

from linkatlas.extract import links_from_page
from linkatlas.extract.text import emails_in_text, tracking_ids
from linkatlas.model import Capture, Extracted, LinkKind, Source

WHEN = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def run(body: str | bytes, *, url: str = "https://www.site.example/dir/page.html",
        status: int = 200, headers: tuple[tuple[str, str], ...] = (), ctype: str = "text/html",
        context_chars: int = 100) -> Extracted:
    raw = body.encode() if isinstance(body, str) else body
    hdrs = ((("Content-Type", ctype),) if ctype else ()) + headers
    capture = Capture(url=url, status=status, headers=hdrs, body=raw, fetched_at=WHEN,
                      via=Source.CRAWL, observed_in="run-1")
    return links_from_page(capture, context_chars=context_chars)


def test_kinds_anchor_fallbacks_and_fields() -> None:
    ex = run("""<html lang="en-GB"><head><title>  My   page </title>
      <link rel="canonical" href="/canon"><link rel="alternate" hreflang="de" href="/de/">
      <link rel="stylesheet" href="/s.css"><link rel="next" href="?p=2">
      <meta http-equiv="refresh" content="0; URL='/moved'"></head><body>
      <a href="/a">Text  link</a> <a href="/img"><img src="x.png" alt="Logo alt"></a>
      <a href="/t" title="Titled"></a> <a href="/l" aria-label="Labelled"><i></i></a>
      <map><area href="/area" alt="Area alt"></map>
      <a href="#top">top</a> <a href="javascript:void(0)">js</a> <a href="tel:123">tel</a>
      <a href="data:text/html,x">data</a></body></html>""")
    got = [(ln.kind, ln.target_url, ln.anchor) for ln in ex.links]
    base = "https://www.site.example"
    assert got == [
        (LinkKind.CANONICAL, f"{base}/canon", ""),
        (LinkKind.ALTERNATE, f"{base}/de/", ""),
        (LinkKind.LINK, f"{base}/dir/page.html?p=2", ""),
        (LinkKind.REFRESH, f"{base}/moved", ""),
        (LinkKind.A, f"{base}/a", "Text link"),
        (LinkKind.IMAGE, f"{base}/img", "Logo alt"),
        (LinkKind.A, f"{base}/t", "Titled"),
        (LinkKind.A, f"{base}/l", "Labelled"),
        (LinkKind.AREA, f"{base}/area", "Area alt"),
    ]
    page = ex.page
    assert (page.title, page.language, page.canonical) == ("My page", "en-gb", f"{base}/canon")
    assert (page.internal_links, page.external_links) == (5, 0)
    assert page.url == page.final_url == f"{base}/dir/page.html"
    assert (page.host, page.domain, page.status, page.charset) == (
        "www.site.example", "site.example", 200, "utf-8")
    link = ex.links[4]
    assert (link.first_seen, link.last_seen, link.via, link.observed_in) == (
        WHEN, WHEN, Source.CRAWL, "run-1")
    assert link.source_url == page.url and link.internal


def test_base_href_resolution_uses_first_base_with_href() -> None:
    ex = run('<head><base target="_blank"><base href="/other/"><base href="/ignored/"></head>'
             '<a href="x.html">x</a>')
    assert ex.links[0].target_url == "https://www.site.example/other/x.html"


def test_rel_flags_and_page_level_nofollow() -> None:
    ex = run('<a href="https://a.example/" rel="NoFollow sponsored">a</a>'
             '<a href="https://b.example/" rel="ugc">b</a><a href="https://c.example/">c</a>')
    flags = [(ln.nofollow, ln.sponsored, ln.ugc, ln.passes_credit) for ln in ex.links]
    assert flags == [(True, True, False, False), (False, False, True, False),
                     (False, False, False, True)]
    assert ex.links[2].internal is False and ex.page.external_links == 3
    for head in ('<meta name="robots" content="noindex, nofollow">',
                 '<meta name="googlebot" content="none">'):
        ex = run(head + '<a href="https://c.example/">c</a>')
        assert ex.links[0].passes_credit is False
        assert ex.page.meta_robots
    ex = run('<meta name="bingbot" content="nofollow"><a href="https://c.example/">c</a>')
    assert ex.links[0].passes_credit is True


@pytest.mark.parametrize(("value", "withheld"), [
    ("nofollow", True), ("noindex, nofollow", True), ("none", True),
    ("googlebot: nofollow", True), ("otherbot: nofollow", False),
    ("otherbot: noindex, nofollow", False), ("unavailable_after: 25 Jun 2010 15:00:00 PST", False),
    ("noarchive", False),
])
def test_x_robots_tag(value: str, withheld: bool) -> None:
    ex = run('<a href="https://c.example/">c</a>', headers=(("X-Robots-Tag", value),))
    assert ex.links[0].passes_credit is not withheld
    assert ex.page.x_robots_tag == value


def test_redirect_capture_has_only_its_location() -> None:
    ex = run('<a href="/body-link">ignored</a>', status=301,
             headers=(("Location", "../new/place?q=1#frag"),))
    assert [(ln.kind, ln.target_url) for ln in ex.links] == [
        (LinkKind.REDIRECT, "https://www.site.example/new/place?q=1")]
    assert ex.page.status == 301


def test_link_header_canonical_and_non_html() -> None:
    ex = run(b"%PDF-1.4 binary", ctype="application/pdf", headers=(
        ("Link", '<https://www.site.example/doc>; rel="canonical", </x>; rel=preload'),))
    assert [(ln.kind, ln.target_url) for ln in ex.links] == [
        (LinkKind.CANONICAL, "https://www.site.example/doc")]
    assert ex.page.canonical == "https://www.site.example/doc"
    assert ex.page.content_length == len(b"%PDF-1.4 binary") and ex.page.word_count == 0


def test_contexts_positions_and_occurrences() -> None:
    words = " ".join(f"w{i}" for i in range(60))
    ex = run(f"<p>{words} <a href='/x'>same</a> middle <a href='/x'>same</a>"
             f" <a href='/x'>other</a> tail words here</p>", context_chars=30)
    a, b, _ = ex.links
    assert a.context_before.endswith("w58 w59") and len(a.context_before) <= 30
    assert not a.context_before.startswith("4")  # cut words are dropped, not half-shown
    assert a.context_after == "middle same other tail words"
    assert b.context_before.endswith("same middle")
    assert [ln.position for ln in ex.links] == [0, 1, 2]
    assert [ln.occurrence for ln in ex.links] == [0, 1, 0]
    assert ex.page.word_count == 60 + 7


def test_block_boundaries_separate_words() -> None:
    ex = run("<div>alpha</div><div><a href='/x'>beta</a></div><p>gamma</p>")
    assert ex.links[0].context_before == "alpha"
    assert ex.links[0].context_after == "gamma"
    assert ex.page.word_count == 3


def test_tracking_ids() -> None:
    html = """<script>gtag('config', 'G-1A2B3C4D5E'); ga('create', 'UA-1234567-2');
      (function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-ABC12D');
      fbq('init', '123456789012345'); ym(87654321, "init", {}); gtag('config','AW-123456789');
      </script><ins data-ad-client="ca-pub-1234567890123456"></ins>
      <p>G-SHOCKWATCH is a watch; BUA-1234-1 is not an ID</p>"""
    assert tracking_ids(html) == ("AW-123456789", "G-1A2B3C4D5E", "GTM-ABC12D", "UA-1234567-2",
                                  "ca-pub-1234567890123456", "fb:123456789012345", "ym:87654321")
    assert run(html).page.tracking_ids == tracking_ids(html)


def test_emails_plain_mailto_and_obfuscated() -> None:
    ex = run("""<p>Write to Info@Example.COM or sales [at] example [dot] org,
      john(at)example.net, jane { at } example { dot } co { dot } uk.
      Not these: logo@2x.png, icon@3x.jpg, a@b, @handle.</p>
      <a href="mailto:Boss@Example.com?subject=hi">mail</a><a href="mailto:">empty</a>""")
    assert ex.page.emails == ("boss@example.com", "info@example.com", "jane@example.co.uk",
                              "john@example.net", "sales@example.org")
    assert all(ln.kind is not LinkKind.A or "mailto" not in ln.target_url for ln in ex.links)
    assert emails_in_text("meet me at example dot com") == set()


def test_charset_from_meta_is_used() -> None:
    body = '<meta charset="windows-1251"><title>Привет</title>'.encode("cp1251")
    ex = run(body)
    assert (ex.page.title, ex.page.charset) == ("Привет", "windows-1251")


def test_anchor_is_capped() -> None:
    ex = run("<a href='/x'>" + "word " * 400 + "</a>")
    assert 400 <= len(ex.links[0].anchor) <= 500


@pytest.mark.timeout(30)
@pytest.mark.parametrize("body", [
    b"",
    b"\x00\xff\xfe" * 20_000,
    bytes(range(256)) * 500,
    b"<div>" * 100_000 + b"<a href='/deep'>deep</a>" + b"</div>" * 100_000,
    b"<a href='/" + b"x" * 2_000_000 + b"' title='" + b"t" * 1_000_000 + b"'>huge</a>",
    b"<a href='http://[::1'>bad</a><a href='http://exa mple.com/'>bad</a><a href=''>e</a>",
    ("<a href='/\U000f0001'>\U000f0001\U00100001 private use</a>").encode(),
    b"<table>" * 5000 + b"<a href=/t>t</a>",
])
def test_hostile_bodies_never_crash(body: bytes) -> None:
    ex = run(body)
    assert ex.page.content_length == len(body)
    for link in ex.links:
        assert link.target_url.startswith(("http://", "https://"))


def test_deep_nesting_still_finds_the_link() -> None:
    ex = run(b"<div>" * 100_000 + b"<a href='/deep'>deep</a>")
    assert [ln.anchor for ln in ex.links] == ["deep"]


def test_unsniffable_body_without_content_type_is_not_parsed() -> None:
    ex = run(b"just some text, not html <a href='/x'>", ctype="")
    assert ex.links == []
    ex = run(b"<!DOCTYPE html><a href='/x'>x</a>", ctype="")
    assert [ln.anchor for ln in ex.links] == ["x"]
