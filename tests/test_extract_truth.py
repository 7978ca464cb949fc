"""Extraction against the sample web's ground truth: every link the generator placed is found
with its target, anchor, kind and rel flags; placement agreement is pinned as a floor."""

from __future__ import annotations

import collections

from linkatlas import sample, urls
from linkatlas.extract import links_from_page, rel_flags
from linkatlas.model import Capture, LinkKind

BODY_KINDS = (LinkKind.A, LinkKind.IMAGE, LinkKind.AREA)
# Measured 0.77 (2026-11-25). The misses are the link-stuffed page and the directory listing,
# whose links sit in the main area but are link-dense (we say unknown/navigation). Raise only.
PLACEMENT_FLOOR = 0.75


def _html_pages(web: sample.SampleWeb) -> list[sample.SamplePage]:
    return [
        p for p in web.pages()
        if p.status == 200 and "html" in p.content_type and len(p.body) < 2_000_000
    ]


def test_links_match_ground_truth_exactly() -> None:
    web = sample.build(seed=7)
    agree = total = 0
    for page in _html_pages(web):
        cap = Capture(url=page.url, status=200, headers=page.headers, body=page.body,
                      fetched_at=web.fetched_at)
        extracted = links_from_page(cap)
        got = [link for link in extracted.links if link.kind in BODY_KINDS]
        expected = [t for t in page.truth if "mailto" not in t.tags and t.kind in BODY_KINDS]
        assert [(g.target_url, g.anchor, g.kind) for g in got] == [
            (urls.normalize(t.target_url), t.anchor, t.kind) for t in expected
        ], page.url
        for g, t in zip(got, expected, strict=True):
            _, nofollow, sponsored, ugc = rel_flags(t.rel)
            assert (g.nofollow, g.sponsored, g.ugc) == (nofollow, sponsored, ugc), page.url
            total += 1
            agree += g.placement == t.placement
        assert set(page.emails) <= set(extracted.page.emails), page.url
        assert set(page.tracking_ids) <= set(extracted.page.tracking_ids), page.url
    assert total > 1500
    assert agree / total >= PLACEMENT_FLOOR, f"placement agreement {agree / total:.3f}"


def test_every_placement_class_is_recognised() -> None:
    web = sample.build(seed=7)
    hits: collections.Counter[str] = collections.Counter()
    seen: collections.Counter[str] = collections.Counter()
    for page in _html_pages(web):
        cap = Capture(url=page.url, status=200, headers=page.headers, body=page.body,
                      fetched_at=web.fetched_at)
        got = [link for link in links_from_page(cap).links if link.kind in BODY_KINDS]
        expected = [t for t in page.truth if "mailto" not in t.tags and t.kind in BODY_KINDS]
        for g, t in zip(got, expected, strict=True):
            if {"stuffed", "directory"} & set(t.tags):
                continue  # link lists in the main area: content by location, dense by shape
            seen[t.placement.value] += 1
            hits[t.placement.value] += g.placement == t.placement
    for place in ("navigation", "footer", "sidebar", "header", "comment", "content"):
        assert seen[place] > 0, place
        assert hits[place] / seen[place] >= 0.5, (place, hits[place], seen[place])
