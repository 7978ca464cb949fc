"""Common Crawl's own link-extraction test (ia-web-commons): every hyperlink it expects, found.

The test WARC is read with fastwarc here (the sources module is tested on its own). CC's WAT
also keeps references that are not hyperlinks (IMG src, BODY background, OBJECT data, Q and
BLOCKQUOTE cite, VIDEO/SOURCE, IFRAME src, data-href/data-uri, onclick, CSS url()); those are
listed in ``_NOT_HYPERLINKS`` with the reason and must be absent from what we extract as links.
"""

from __future__ import annotations

import datetime as dt
import json

from fastwarc.warc import ArchiveIterator, WarcRecordType

from conftest import fixture_path
from linkatlas import urls
from linkatlas.extract import links_from_page
from linkatlas.model import Capture, LinkKind

_HYPERLINK_PATHS = {"A@/href", "AREA@/href", "LINK@/href", "__meta_refresh__"}
_LINK_RELS = {"canonical", "alternate"}
# WAT paths CC records that are not hyperlinks (no link equity; not what backlink tools count).
_NOT_HYPERLINKS = {
    "IMG@/src": "embedded image, not a link",
    "IMG@/longdesc": "image description resource, not a link",
    "BODY@/background": "background image",
    "OBJECT@/data": "embedded object",
    "Q@/cite": "quotation source metadata, not clickable",
    "BLOCKQUOTE@/cite": "quotation source metadata, not clickable",
    "VIDEO@/poster": "embedded media",
    "SOURCE@/src": "embedded media",
    "IFRAME@/src": "embedded frame",
    "STYLE/#text": "CSS url() resource",
    "__base__": "the base URL itself",
}


def _captures() -> dict[str, Capture]:
    path = fixture_path("warc/cc-wat-link-extraction-tests/link-extraction-test.warc")
    out: dict[str, Capture] = {}
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response,
                                      parse_http=True):
            uri = record.headers.get("WARC-Target-URI", "").strip().strip("<>")
            http = record.http_headers
            assert http is not None
            out[uri] = Capture(
                url=uri, status=http.status_code,
                headers=tuple((k, v) for k, v in http.items()),
                body=record.reader.read(), fetched_at=dt.datetime(2017, 2, 20, tzinfo=dt.UTC),
                observed_in=f"{path.name}@{record.stream_pos}",
            )
    return out


def _base(capture: Capture, expected: list[dict[str, str]]) -> str:
    for entry in expected:
        if entry["path"] == "__base__":
            return urls.resolve(entry["url"], capture.url) or capture.url
    return capture.url


def test_every_expected_hyperlink_is_extracted() -> None:
    spec = json.loads(fixture_path(
        "warc/cc-wat-link-extraction-tests/expected_links.json").read_text())
    captures = _captures()
    matched = wanted = 0
    for record in spec["records"]:
        capture = captures[record["record_uri"].strip("<>")]
        links = links_from_page(capture).links
        base = _base(capture, record["expected_links"])
        found = {(ln.target_url, ln.anchor) for ln in links}
        targets = {ln.target_url for ln in links}
        for entry in record["expected_links"]:
            path = entry["path"]
            if path not in _HYPERLINK_PATHS:
                assert path in _NOT_HYPERLINKS or "data-" in path or "onclick" in path, path
                continue
            if path == "LINK@/href" and entry.get("rel") not in _LINK_RELS:
                continue  # stylesheets are resources, not links
            if entry["url"].startswith("#"):
                continue  # same-page fragment
            wanted += 1
            resolved = urls.resolve(entry["url"], base)
            assert resolved is not None
            target = urls.normalize(resolved)
            if "text" in entry:
                assert (target, entry["text"]) in found, (target, entry["text"], found)
            else:
                assert target in targets, (target, targets)
            matched += 1
    assert matched == wanted == 17  # every hyperlink the test lists


def test_non_hyperlink_references_are_not_links() -> None:
    captures = _captures()
    html4 = links_from_page(captures["http://www.example.com/html4.html"]).links
    kinds = {(ln.target_url, ln.kind) for ln in html4}
    assert ("http://www.example.com/redirected.html", LinkKind.REFRESH) in kinds
    assert all("image" not in ln.target_url and "swf" not in ln.target_url for ln in html4)
    video = links_from_page(
        captures["http://www.example.com/link-extraction-test-html5-video.html"]).links
    assert [(ln.kind, ln.target_url) for ln in video] == [
        (LinkKind.CANONICAL, "http://www.example.com/video.html"),
        (LinkKind.ALTERNATE, "http://www.example.com/video.rss"),
    ]
    entities = links_from_page(captures[
        "http://www.example.com/link-extraction-test-unescaped-entities.xhtml"]).links
    nofollow = [ln for ln in entities if ln.anchor == "Examples & more"]
    assert nofollow and nofollow[0].nofollow and not nofollow[0].passes_credit
