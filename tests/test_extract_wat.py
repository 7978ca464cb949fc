"""extract.wat: WAT envelope -> page and links (kinds, resolution, rel, robots, order)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import fixture_path
from linkatlas import sources
from linkatlas.extract.wat import WatRecord, from_wat_record
from linkatlas.model import Capture, Extracted, LinkKind, Placement, Source
from test_sources_wat import write_wat

# Shaped like a real CC-MAIN WAT response record (field names and nesting as ia-web-commons
# writes them; Status and lengths are strings there too).
ENVELOPE: dict[str, Any] = {
    "Format": "WARC",
    "WARC-Header-Metadata": {
        "WARC-Type": "response",
        "WARC-Date": "2019-05-19T07:25:24Z",
        "WARC-Target-URI": "http://Blog.Example.co.uk/posts/2019/noise-meter.html#top",
        "Content-Type": "application/http; msgtype=response",
    },
    "Payload-Metadata": {
        "Actual-Content-Type": "application/http; msgtype=response",
        "HTTP-Response-Metadata": {
            "Response-Message": {"Status": "200", "Version": "HTTP/1.1", "Reason": "OK"},
            "Headers": {
                "Content-Type": "text/html; charset=ISO-8859-1",
                "X-Crawler-Content-Encoding": "gzip",
            },
            "Entity-Length": "24390",
            "HTML-Metadata": {
                "Head": {
                    "Title": "  Save Your Ears:\n a noise meter ",
                    "Base": "/posts/",
                    "Metas": [
                        {"name": "HTML@/lang", "content": "en-GB"},
                        {"name": "viewport", "content": "width=device-width"},
                        {"name": "robots", "content": "index, follow"},
                        {"http-equiv": "refresh", "content": "30; URL='/posts/next.html'"},
                    ],
                    "Scripts": [{"path": "SCRIPT@/src", "url": "/app.js"}],
                    "Link": [
                        {"path": "LINK@/href", "rel": "canonical", "url": "2019/noise-meter.html"},
                        {"path": "LINK@/href", "rel": "stylesheet", "url": "/style.css"},
                        {"path": "LINK@/href", "rel": "alternate", "url": "/feed.rss"},
                        {"path": "LINK@/href", "rel": "Next", "url": "page2.html"},
                    ],
                },
                "Links": [
                    {"path": "A@/href", "text": "Home", "url": "/"},
                    {"path": "IMG@/src", "url": "/logo.png", "alt": "Logo"},
                    {"path": "A@/href", "url": "https://partner.example.com/"},
                    {"path": "A@/href", "text": " Cheap\n\tlinks ", "url": "https://spam.test/x",
                     "rel": "nofollow sponsored"},
                    {"path": "A@/href", "text": "Home", "url": "/"},
                    {"path": "A@/href", "text": "Home", "url": "/#again"},
                    {"path": "A@/href", "text": "mail", "url": "mailto:me@example.co.uk"},
                    {"path": "A@/href", "text": "js", "url": "javascript:void(0)"},
                    {"path": "A@/href", "text": "bad", "url": "http://exa mple.com:99999/"},
                    {"path": "AREA@/href", "url": "map/north.html", "rel": "ugc"},
                    {"path": "FORM@/action", "url": "/search"},
                    {"path": "IFRAME@/src", "url": "https://ads.test/frame"},
                    {"path": "STYLE/#text", "href": "/bg.png"},
                    {"path": "A@/href", "text": "no url"},
                    "not an object",
                ],
            },
        },
    },
}


def extract(envelope: dict[str, Any], where: str = "t.wat.gz@0") -> Extracted:
    result = from_wat_record(WatRecord(envelope=envelope, observed_in=where))
    assert result is not None
    return result


def test_page_fields() -> None:
    page = extract(ENVELOPE).page
    assert page.url == "http://blog.example.co.uk/posts/2019/noise-meter.html"
    assert page.final_url == page.url
    assert (page.host, page.domain) == ("blog.example.co.uk", "example.co.uk")
    assert page.status == 200
    assert page.fetched_at.isoformat() == "2019-05-19T07:25:24+00:00"
    assert page.title == "Save Your Ears: a noise meter"
    assert page.canonical == "http://blog.example.co.uk/posts/2019/noise-meter.html"
    assert (page.content_type, page.charset) == ("text/html", "iso-8859-1")
    assert page.content_length == 24390
    assert page.language == "en-GB"
    assert page.meta_robots == "index, follow"
    assert page.via is Source.WAT and page.observed_in == "t.wat.gz@0"
    assert page.word_count == 0 and page.emails == () and page.tracking_ids == ()
    # a, area, image links only: 3 internal (/, /, /, area), 2 external
    assert (page.internal_links, page.external_links) == (4, 2)


def test_links_kinds_order_and_resolution() -> None:
    links = extract(ENVELOPE).links
    got = [(link.kind, link.target_url, link.anchor) for link in links]
    base = "http://blog.example.co.uk"
    assert got == [
        (LinkKind.CANONICAL, f"{base}/posts/2019/noise-meter.html", ""),
        (LinkKind.ALTERNATE, f"{base}/feed.rss", ""),
        (LinkKind.LINK, f"{base}/posts/page2.html", ""),  # resolved against <base href>
        (LinkKind.REFRESH, f"{base}/posts/next.html", ""),
        (LinkKind.A, f"{base}/", "Home"),
        (LinkKind.A, "https://partner.example.com/", ""),
        (LinkKind.A, "https://spam.test/x", "Cheap links"),
        (LinkKind.A, f"{base}/", "Home"),
        (LinkKind.A, f"{base}/", "Home"),
        (LinkKind.AREA, f"{base}/posts/map/north.html", ""),
    ]
    assert [link.position for link in links] == list(range(len(links)))
    assert [link.occurrence for link in links if link.anchor == "Home"] == [0, 1, 2]
    assert all(link.placement is Placement.UNKNOWN for link in links)
    assert all(link.via is Source.WAT and link.observed_in == "t.wat.gz@0" for link in links)
    assert all(link.source_url == f"{base}/posts/2019/noise-meter.html" for link in links)
    spam = links[6]
    assert (spam.nofollow, spam.sponsored, spam.passes_credit) == (True, True, False)
    assert spam.rel == "nofollow sponsored" and not spam.internal
    assert links[9].ugc and not links[9].passes_credit
    assert links[4].internal and links[4].passes_credit
    assert links[5].internal is False  # partner.example.com is another registrable domain


def test_page_level_nofollow_from_meta_robots_and_header() -> None:
    env = copy.deepcopy(ENVELOPE)
    head = env["Payload-Metadata"]["HTTP-Response-Metadata"]["HTML-Metadata"]["Head"]
    head["Metas"][2]["content"] = "NOINDEX,NOFOLLOW"
    res = extract(env)
    assert res.page.meta_robots == "noindex,nofollow"
    body = [link for link in res.links if link.kind in (LinkKind.A, LinkKind.AREA)]
    assert body and not any(link.passes_credit for link in body)
    canonical = next(link for link in res.links if link.kind is LinkKind.CANONICAL)
    assert canonical.passes_credit  # nofollow is about links, not canonical hints

    env = copy.deepcopy(ENVELOPE)
    env["Payload-Metadata"]["HTTP-Response-Metadata"]["Headers"]["x-robots-tag"] = "none"
    res = extract(env)
    assert res.page.x_robots_tag == "none"
    assert not any(link.passes_credit for link in res.links if link.kind is LinkKind.A)


def test_redirect_record() -> None:
    env = copy.deepcopy(ENVELOPE)
    http = env["Payload-Metadata"]["HTTP-Response-Metadata"]
    http["Response-Message"]["Status"] = "301"
    http["Headers"] = {"Location": "/new-home", "Link": '<https://x.test/c>; rel="canonical"'}
    del http["HTML-Metadata"]
    res = extract(env)
    assert res.page.status == 301
    assert [(link.kind, link.target_url) for link in res.links] == [
        (LinkKind.REDIRECT, "http://blog.example.co.uk/new-home"),
        (LinkKind.CANONICAL, "https://x.test/c"),
    ]
    assert res.page.canonical == "https://x.test/c"


def test_meta_refresh_pseudo_path_is_not_doubled() -> None:
    env = copy.deepcopy(ENVELOPE)
    html = env["Payload-Metadata"]["HTTP-Response-Metadata"]["HTML-Metadata"]
    html["Links"].insert(0, {"path": "__meta_refresh__", "url": "/posts/next.html"})
    refresh = [link for link in extract(env).links if link.kind is LinkKind.REFRESH]
    assert len(refresh) == 1


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e["WARC-Header-Metadata"].update({"WARC-Type": "request"}),
        lambda e: e["WARC-Header-Metadata"].update({"WARC-Target-URI": "not a url"}),
        lambda e: e["WARC-Header-Metadata"].update({"WARC-Target-URI": "ftp://x.test/"}),
        lambda e: e["WARC-Header-Metadata"].update({"WARC-Date": "yesterday"}),
        lambda e: e["Payload-Metadata"]["HTTP-Response-Metadata"]["Response-Message"].update(
            {"Status": "OK"}
        ),
        lambda e: e["Payload-Metadata"].pop("HTTP-Response-Metadata"),
        lambda e: e.update({"Payload-Metadata": ["garbage"]}),
    ],
)
def test_records_that_are_not_pages(mutate: Any) -> None:
    env = copy.deepcopy(ENVELOPE)
    mutate(env)
    assert from_wat_record(WatRecord(envelope=env, observed_in="x")) is None


def test_garbage_types_inside_html_metadata_do_not_crash() -> None:
    env = copy.deepcopy(ENVELOPE)
    html = env["Payload-Metadata"]["HTTP-Response-Metadata"]["HTML-Metadata"]
    html["Links"] = {"not": "a list"}
    html["Head"] = {"Title": 5, "Metas": "x", "Link": [None, 3], "Base": ["x"]}
    res = extract(env)
    assert res.links == [] and res.page.title == ""


def _cc_style_envelope(capture: Capture) -> dict[str, Any]:
    """A WAT envelope for a capture, listing links as ia-web-commons does (A@/href with text
    cut to 128 characters, IMG@/src, LINK@/href in Head), using selectolax for the DOM walk."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(capture.body)
    links: list[dict[str, str]] = []
    for node in tree.css("a[href], img[src]"):
        if node.tag == "img":
            links.append({"path": "IMG@/src", "url": node.attributes.get("src") or ""})
            continue
        entry = {"path": "A@/href", "url": node.attributes.get("href") or ""}
        text = " ".join(node.text(deep=True).split())[:128]
        if text:
            entry["text"] = text
        if node.attributes.get("rel"):
            entry["rel"] = node.attributes["rel"] or ""
        links.append(entry)
    head_links = [
        {"path": "LINK@/href", "url": n.attributes.get("href") or "", "rel": n.attributes["rel"]}
        for n in tree.css("link[href][rel]")
    ]
    metas = [dict(n.attributes) for n in tree.css("meta")]
    lang = tree.css_first("html")
    if lang is not None and lang.attributes.get("lang"):
        metas.append({"name": "HTML@/lang", "content": lang.attributes["lang"]})
    title = tree.css_first("title")
    return {
        "Envelope": {
            "WARC-Header-Metadata": {
                "WARC-Type": "response",
                "WARC-Target-URI": capture.url,
                "WARC-Date": capture.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            "Payload-Metadata": {
                "HTTP-Response-Metadata": {
                    "Response-Message": {"Status": str(capture.status)},
                    "Headers": dict(capture.headers),
                    "HTML-Metadata": {
                        "Head": {
                            "Title": title.text() if title is not None else "",
                            "Metas": metas,
                            "Link": head_links,
                        },
                        "Links": links,
                    },
                }
            },
        }
    }


def test_whirlwind_round_trip_matches_the_html(tmp_path: Path) -> None:
    """The whirlwind WAT has only the request record, so build the response's WAT record from
    the sibling WARC's HTML and check that every <a href> of the page comes out as one link."""
    warc = fixture_path("warc/cc-whirlwind/whirlwind.warc.gz")
    capture = next(c for c in sources.read_warc(warc) if isinstance(c, Capture))
    html = capture.body.decode("utf-8")
    n_anchors = len(re.findall(r"<a\s[^>]*\bhref\s*=", html, flags=re.IGNORECASE))
    assert n_anchors == 207  # the fixture's SOURCE.txt count

    path = write_wat(tmp_path / "whirlwind-response.wat.gz", [_cc_style_envelope(capture)])
    records = [r for r in sources.open_path(path) if isinstance(r, WatRecord)]
    results = [res for r in records if (res := from_wat_record(r)) is not None]
    assert len(results) == 1
    res = results[0]
    a_links = [link for link in res.links if link.kind is LinkKind.A]
    assert len(a_links) == n_anchors  # all 207 hrefs are http(s) once resolved
    assert res.page.canonical == "https://an.wikipedia.org/wiki/Escopete"
    assert res.page.language == "an"
    assert res.page.title.startswith("Escopete")
    assert len([lk for lk in res.links if lk.kind is LinkKind.ALTERNATE]) == 3
    # fragment-only hrefs are self links without the fragment
    assert sum(1 for lk in a_links if lk.target_url == res.page.url) >= 14
    assert res.page.internal_links + res.page.external_links == n_anchors
    external = {lk.target_domain for lk in a_links if not lk.internal}
    assert "wikimedia.org" in external or "wikidata.org" in external
    assert json.dumps(res.page.url)  # plain str, serialisable
