"""Page features (extract.features): terms, selling phrases, template prints, server addresses."""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from linkatlas import api, sample
from linkatlas.extract import add_features, links_from_page
from linkatlas.extract.features import page_phrases, page_terms, template_print
from linkatlas.model import Capture


def _capture(html: str) -> Capture:
    return Capture(url="https://example.org/p", status=200,
                   headers=(("Content-Type", "text/html; charset=utf-8"),),
                   body=html.encode(), fetched_at=_dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))


def test_terms_are_content_words_most_frequent_first() -> None:
    text = "The roaster and the beans. Roaster roaster beans; green coffee 2024 of it"
    assert page_terms(text) == ("roaster", "beans", "green", "coffee")
    assert page_terms("Der Röster und die Bohnen, Röster!") == ("röster", "bohnen")


def test_phrases_match_whole_words_in_canonical_spelling() -> None:
    text = "Buy a   Sponsored\nArticle today: our PRICE LIST, dofollow links. Casinos aside."
    assert page_phrases(text) == ("sponsored post", "dofollow link", "price list")
    assert page_phrases("the pbnx and apbn are not a pbn?") == ("pbn",)
    assert page_phrases("nothing for sale here") == ()


def test_template_print_needs_enough_class_names() -> None:
    few = b'<div class="a b"><p class="c">x</p></div>'
    assert template_print(few) == ""
    page1 = b'<div class="wrap Head"><nav class="menu"></nav><p class="lead x">1</p>' \
            b"<footer class='foot'></footer></div>"
    page2 = b'<div class="head wrap"><p class="x lead">other text</p><nav class="menu">' \
            b'</nav><footer class="foot"></footer><p class="lead">more</p></div>'
    assert template_print(page1) == template_print(page2) != ""
    assert template_print(page1 + b'<b class="extra">') != template_print(page1)


def test_add_features_reads_the_visible_text_only() -> None:
    html = ("<html><head><title>Green coffee</title><script>var casino = 1;</script></head>"
            "<body><p>We publish a <a href='/x'>sponsored post</a> about green beans.</p>"
            "</body></html>")
    out = add_features(links_from_page(_capture(html)), html.encode())
    assert out.page.phrases == ("sponsored post",)  # not 'casino' from the script
    assert out.page.terms[:2] == ("green", "coffee")
    assert "var" not in out.page.terms


def _pages(db: Path) -> list[tuple[str, str, str, str, list[str]]]:
    """(domain, host, template, ip, phrases) of every stored page."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT domain, host, template, ip, phrases FROM pages").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[sample.SampleWeb, Path]:
    tmp = tmp_path_factory.mktemp("features")
    web = sample.build(7)
    sample.write_warc(web, tmp / "s.warc.gz")
    api.ingest([tmp / "s.warc.gz"], db=tmp / "i.duckdb")
    return web, tmp / "i.duckdb"


def test_sample_network_shares_a_template_and_a_subnet(
    sample_index: tuple[sample.SampleWeb, Path],
) -> None:
    web, db = sample_index
    prints: dict[str, set[str]] = defaultdict(set)
    for domain, host, template, ip, _ in _pages(db):
        if template:
            prints[domain].add(template)
        assert ip == web.ip_of(host)
    network = [s.host for s in web.by_role("network")]
    shared = set.intersection(*(prints[h] for h in network))
    assert shared, "the network's sites share no template print"
    for site in web.sites:
        if site.role != "network":
            assert not prints[site.host.removeprefix("www.")] & shared, site.host
    assert len({web.ip_of(h).rsplit(".", 1)[0] for h in network}) == 1


def test_sample_paid_post_page_carries_selling_phrases(
    sample_index: tuple[sample.SampleWeb, Path],
) -> None:
    web, db = sample_index
    selling = {d for d, _, _, _, ph in _pages(db) if {"sponsored post", "price list"} & set(ph)}
    assert "brewratio.example" in selling  # the blog that sells posts (docs/sample-web.md)
    target = web.target_host.removeprefix("www.")
    assert target not in selling
