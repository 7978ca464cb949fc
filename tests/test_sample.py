"""The sample web: determinism, every DESIGN case present, version 2, WARC readability."""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from linkatlas import urls
from linkatlas.errors import InputError
from linkatlas.model import LinkKind, Placement
from linkatlas.sample import ExpectedLink, SamplePage, SampleWeb, build, write_warc
from linkatlas.sample.forum import OVERSIZED_BYTES
from linkatlas.sample.warcwriter import digest


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return build()


@pytest.fixture(scope="module")
def web2() -> SampleWeb:
    return build(version=2)


@pytest.fixture(scope="module")
def warc(tmp_path_factory: pytest.TempPathFactory, web: SampleWeb) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("sample") / "sample.warc.gz"
    return path, write_warc(web, path)


def _tags(web: SampleWeb) -> Counter[str]:
    return Counter(t for p in web.pages() for link in p.truth for t in link.tags)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path, warc: tuple[Path, int]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    again = tmp_path / "a" / warc[0].name
    write_warc(build(), again)
    assert again.read_bytes() == warc[0].read_bytes()
    other = tmp_path / "b" / warc[0].name
    write_warc(build(seed=8), other)
    assert other.read_bytes() != warc[0].read_bytes()


def test_bad_arguments_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        build(version=3)
    with pytest.raises(InputError):
        build(seed="7")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        write_warc(build(), tmp_path / "missing-dir" / "x.warc.gz")


def test_size_and_roles(web: SampleWeb) -> None:
    assert len(web.sites) >= 12
    assert 200 <= sum(1 for _ in web.pages()) <= 1000
    roles = Counter(s.role for s in web.sites)
    for role in ("target", "competitor", "blog", "network", "directory", "spam", "forum",
                 "news", "resource"):
        assert roles[role] >= 1, role
    assert roles["competitor"] == 2 and roles["network"] >= 3
    assert {s.template for s in web.sites} >= {"landmark", "div", "table"}
    assert web.site(web.target_host) is not None
    assert len({p.url for p in web.pages()}) == sum(1 for _ in web.pages())


def test_target_statuses_redirect_chain_and_sitemap(web: SampleWeb) -> None:
    site = web.site(web.target_host)
    assert site is not None
    statuses = Counter(p.status for p in site.pages)
    assert statuses[301] >= 1 and statuses[404] >= 1 and statuses[410] >= 1
    # follow the chain from /shop: 301 then 302 then 200
    url, seen = f"https://{web.target_host}/shop", []
    while True:
        page = web.page(url)
        assert page is not None, url
        seen.append(page.status)
        if page.status // 100 != 3:
            break
        location = page.header("Location")
        assert location is not None
        url = urls.normalize(urls.resolve(location, url) or "")
    assert seen == [301, 302, 200]
    sitemap = web.page(f"https://{web.target_host}/sitemap.xml")
    assert sitemap is not None and sitemap.content_type == "application/xml"
    assert b"<loc>https://www.beancraft.example/roasters/ember-1kg</loc>" in sitemap.body


def test_gone_and_moved_pages_have_backlinks_from_other_sites(web: SampleWeb) -> None:
    inbound = Counter(link.target_url for p in web.pages() for link in p.truth
                      if urls.host(p.url) != urls.host(link.target_url))
    gone = [p for p in web.pages() if p.status in (404, 410) and inbound[p.url]]
    assert {p.status for p in gone} >= {404, 410}
    assert any(urls.host(p.url) != web.target_host for p in gone)  # the dead resource
    moved = [p for p in web.pages() if p.status == 301 and inbound[p.url]]
    assert moved


def test_link_cases_in_truth(web: SampleWeb) -> None:
    links = [link for p in web.pages() for link in p.truth]
    placements = {link.placement for link in links}
    assert placements >= {Placement.CONTENT, Placement.NAVIGATION, Placement.HEADER,
                          Placement.FOOTER, Placement.SIDEBAR, Placement.COMMENT}
    rels = {tok for link in links for tok in link.rel.split()}
    assert rels >= {"nofollow", "sponsored", "ugc"}
    kinds = {link.kind for link in links}
    assert kinds >= {LinkKind.A, LinkKind.IMAGE, LinkKind.AREA, LinkKind.CANONICAL,
                     LinkKind.REDIRECT}
    assert all(link.anchor for link in links if link.kind == LinkKind.IMAGE)
    tags = _tags(web)
    for tag in ("anchor:brand", "anchor:exact", "anchor:partial", "anchor:naked",
                "anchor:generic", "author-box", "signature", "comment", "sponsored-post",
                "network", "directory", "stuffed", "foreign", "resource-page", "mailto",
                "crawl-trap", "editorial"):
        assert tags[tag] >= 1, tag
    target_anchor_types = {t for _, link in web.links_to(web.target_host) for t in link.tags
                           if t.startswith("anchor:")}
    assert len(target_anchor_types) == 5


def test_truth_matches_the_html(web: SampleWeb) -> None:
    """Every <a>/<area> href in every HTML page is in the truth, in order, and vice versa."""

    class Hrefs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("a", "area"):
                self.hrefs.extend(v or "" for k, v in attrs if k == "href")

    checked = 0
    for p in web.pages():
        if not p.content_type.startswith("text/html") or len(p.body) > 1_000_000:
            continue
        parser = Hrefs()
        parser.feed(p.body.decode())
        expected = [link.href for link in p.truth if link.kind in (LinkKind.A, LinkKind.IMAGE,
                                                                   LinkKind.AREA)]
        assert parser.hrefs == expected, p.url
        checked += 1
    assert checked > 150


def test_network_spam_and_foreign(web: SampleWeb) -> None:
    network = web.by_role("network")
    ids = [set(p.tracking_ids) for s in network for p in s.pages if p.tracking_ids]
    shared = set.intersection(*ids)
    assert any(t.startswith("UA-") for t in shared) and any(t.startswith("ca-pub-")
                                                              for t in shared)
    hosts = {s.host for s in network}
    for s in network:
        out = {urls.host(link.target_url) for p in s.pages for link in p.truth}
        assert web.target_host in out and len(out & (hosts - {s.host})) >= 2
    stuffed = max(web.pages(), key=lambda p: sum(1 for link in p.truth
                                                 if urls.host(link.target_url) != urls.host(p.url)))
    assert sum(1 for link in stuffed.truth) >= 200
    langs = {p.lang for p in web.pages()}
    assert {"ru", "zh"} <= langs
    page_tags = Counter(t for p in web.pages() for t in p.tags)
    assert page_tags["sponsored-post"] and page_tags["link-prices"] >= 2
    assert page_tags["write-for-us"] and page_tags["oversized"] and page_tags["duplicate"]


def test_competitor_gap_mentions_contacts(web: SampleWeb) -> None:
    def refdomains(host: str) -> set[str]:
        return {urls.registrable_domain(urls.host(p.url)) for p, _ in web.links_to(host)}

    target = refdomains(web.target_host)
    for comp in web.competitors:
        assert refdomains(comp) - target - {urls.registrable_domain(comp)}
    mentions = [p for p in web.pages() if web.brand in p.mentions]
    assert len(mentions) >= 3
    for p in mentions:  # a mention page links nowhere on the target
        assert not any(urls.host(link.target_url) == web.target_host for link in p.truth)
    emails = [e for p in web.pages() for e in p.emails]
    obfuscated = [p for p in web.pages() if b" [at] " in p.body or b" (at) " in p.body]
    assert len(emails) >= 5 and len(obfuscated) >= 2


def test_crawler_cases(web: SampleWeb) -> None:
    robots = {s.host: s.robots_txt for s in web.sites}
    assert any(r is None for r in robots.values())
    assert sum(1 for r in robots.values() if r and "Crawl-delay" in r) == 1
    assert sum(1 for r in robots.values() if r and "Sitemap:" in r) >= 3
    assert any(r and "Disallow: /search" in r for r in robots.values())
    assert any(s.latency_ms >= 1000 for s in web.sites)
    big = [p for p in web.pages() if len(p.body) > OVERSIZED_BYTES]
    assert len(big) == 1
    far = web.page("https://coffee-guild.example/events/calendar?month=2031-07")
    assert far is not None and far.status == 200
    nxt = [link.target_url for link in far.truth if "crawl-trap" in link.tags]
    assert "https://coffee-guild.example/events/calendar?month=2031-08" in nxt
    assert web.page("https://coffee-guild.example/events/calendar?month=2031-13") is None
    for s in web.sites:
        r = web.page(f"https://{s.host}/robots.txt")
        assert r is not None and r.status == (404 if s.robots_txt is None else 200)


def test_version_two(web: SampleWeb, web2: SampleWeb) -> None:
    assert web2.fetched_at > web.fetched_at and not web.changes
    kinds = {c.kind for c in web2.changes}
    assert kinds == {"link_removed", "rel_changed", "page_deleted", "page_redirected",
                     "link_added"}
    def edit(page: SamplePage | None) -> list[ExpectedLink]:
        assert page is not None
        return [x for x in page.truth if "editorial" in x.tags and x.target_url == c.target_url]

    for c in web2.changes:
        old, new = web.page(c.source_url), web2.page(c.source_url)
        assert new is not None
        if c.kind == "page_deleted":
            assert new.status == 404 and old is not None and old.status == 200
        elif c.kind == "page_redirected":
            assert new.status == 301
        elif c.kind == "link_removed":
            assert len(edit(old)) == 1 and not edit(new)
        elif c.kind == "rel_changed":
            assert [x.rel for x in edit(old)] == [""] and [x.rel for x in edit(new)] == ["nofollow"]
        elif c.kind == "link_added":
            assert not edit(old) and len(edit(new)) == 1
    changed = {c.source_url for c in web2.changes}
    same = [p for p in web.pages() if p.url not in changed and urls.host(p.url) not in
            (web.target_host, "brewratio.example")]
    assert all(web2.page(p.url) == p for p in same[:50])


def test_warc_structure_and_digests(web: SampleWeb, warc: tuple[Path, int]) -> None:
    path, responses = warc
    data = path.read_bytes()
    assert data[:2] == b"\x1f\x8b"
    text = gzip.decompress(data)
    assert text.startswith(b"WARC/1.1\r\nWARC-Type: warcinfo")
    pages = sum(1 for _ in web.pages())
    assert text.count(b"WARC-Type: request\r\n") == pages
    revisits = text.count(b"WARC-Type: revisit\r\n")
    assert revisits >= 1 and responses + revisits == pages
    ember = web.page(f"https://{web.target_host}/roasters/ember-1kg")
    assert ember is not None and digest(ember.body).encode() in text
    assert digest(b"abc") == "sha1:" + "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"
    assert hashlib.sha1(b"abc").hexdigest().startswith("a9993e36")


def test_warc_readable_by_fastwarc(web: SampleWeb, warc: tuple[Path, int]) -> None:
    fastwarc = pytest.importorskip("fastwarc.warc")
    path, responses = warc
    counts: Counter[str] = Counter()
    with path.open("rb") as fh:  # block digests need the raw block: no HTTP parsing
        for record in fastwarc.ArchiveIterator(fh, parse_http=False):
            counts[record.headers["WARC-Type"]] += 1
            assert record.verify_block_digest(), record.headers["WARC-Target-URI"]
    with path.open("rb") as fh:
        for record in fastwarc.ArchiveIterator(fh, parse_http=True):
            if record.headers["WARC-Type"] == "response":
                assert record.verify_payload_digest(), record.headers["WARC-Target-URI"]
                page = web.page(record.headers["WARC-Target-URI"])
                assert page is not None and record.http_headers.status_code == page.status
    assert counts["warcinfo"] == 1 and counts["response"] == responses
    assert counts["revisit"] >= 1


def test_warc_readable_by_warcio(web: SampleWeb, warc: tuple[Path, int]) -> None:
    archive = pytest.importorskip("warcio.archiveiterator")
    path, responses = warc
    seen = 0
    with path.open("rb") as fh:
        for record in archive.ArchiveIterator(fh, check_digests=True):
            if record.rec_type == "response":
                body = record.content_stream().read()
                page = web.page(record.rec_headers.get_header("WARC-Target-URI"))
                assert page is not None and body == page.body
                seen += 1
            else:
                record.content_stream().read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
    assert seen == responses
