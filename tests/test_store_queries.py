"""Query side of the index, checked against the same answers computed in Python."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkatlas.errors import InputError
from linkatlas.model import Link, Target
from linkatlas.store import Index
from store_gen import gen_batch


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Index, list[Link]]]:
    path = tmp_path_factory.mktemp("q") / "i.duckdb"
    links: list[Link] = []
    with Index(path) as ix:
        for seed in range(4):
            pages, batch = gen_batch(seed, 40, 25)
            ix.write(pages, batch)
            links.extend(batch)
        ix.optimize()
        yield ix, links


def _matches(link: Link, target: Target) -> bool:
    value = {"domain": link.target_domain, "host": link.target_host, "url": link.target_url}
    return value[target.scope] == target.value


TARGETS = [
    Target("domain", "target.com"),
    Target("host", "blog.target.com"),
    Target("url", "https://rival.org/pricing"),
    Target("domain", "example.co.uk"),
]


@pytest.mark.parametrize("target", TARGETS)
def test_backlinks_filters_and_order(loaded: tuple[Index, list[Link]], target: Target) -> None:
    ix, links = loaded
    want = [x for x in links if _matches(x, target) and not x.internal]
    got = ix.backlinks(target)
    assert want and sorted(map(Link.merge_key, got)) == sorted(map(Link.merge_key, want))
    keys = [(not x.passes_credit, x.source_domain, x.source_url, x.position) for x in got]
    assert keys == sorted(keys)
    follow = ix.backlinks(target, follow_only=True)
    assert len(follow) == sum(1 for x in want if x.passes_credit)
    assert all(x.passes_credit for x in follow)
    footer = ix.backlinks(target, placement="footer")
    assert len(footer) == sum(1 for x in want if x.placement == "footer")
    assert ix.backlinks(target, limit=3) == got[:3]


def test_internal_links_only_on_request(loaded: tuple[Index, list[Link]]) -> None:
    ix, links = loaded
    site = next(x for x in links if x.internal)
    target = Target("domain", site.target_domain)
    assert ix.backlinks(target) == []
    inside = ix.backlinks(target, include_internal=True)
    assert len(inside) == sum(1 for x in links if x.target_domain == site.target_domain)
    assert ix.refdomains(target) == []


def test_refdomains_aggregate(loaded: tuple[Index, list[Link]]) -> None:
    ix, links = loaded
    target = Target("domain", "target.com")
    want = [x for x in links if _matches(x, target) and not x.internal]
    by_domain: dict[str, list[Link]] = defaultdict(list)
    for x in want:
        by_domain[x.source_domain].append(x)
    got = ix.refdomains(target)
    assert [r.links for r in got] == sorted((r.links for r in got), reverse=True)
    assert {r.domain for r in got} == set(by_domain)
    for r in got:
        rows = by_domain[r.domain]
        assert r.links == len(rows)
        assert r.followed_links == sum(x.passes_credit for x in rows)
        assert r.pages == len({x.source_url for x in rows})
        counts = Counter(x.anchor for x in rows)
        assert r.top_anchor == min(counts, key=lambda a: (-counts[a], a))
    assert ix.refdomains(target, limit=2) == got[:2]


def test_anchors_aggregate(loaded: tuple[Index, list[Link]]) -> None:
    ix, links = loaded
    target = Target("host", "www.target.com")
    want = [x for x in links if _matches(x, target) and not x.internal and x.passes_credit]
    got = ix.anchors(target, follow_only=True)
    counts = Counter(x.anchor for x in want)
    assert {a.anchor: a.links for a in got} == dict(counts)
    for a in got:
        assert a.refdomains == len({x.source_domain for x in want if x.anchor == a.anchor})
        assert a.followed_links == a.links


def test_outlinks_in_page_order_and_counts(loaded: tuple[Index, list[Link]]) -> None:
    ix, links = loaded
    url = links[30].source_url
    assert ix.outlinks(url) == [x for x in links if x.source_url == url]
    assert ix.outlinks("https://nowhere.example/") == []
    counts = ix.counts()
    assert counts["links"] == len(links) and counts["pages"] == 160
    domains = {x.source_domain for x in links} | {x.target_domain for x in links}
    assert counts["domains"] == len(domains)


def test_bad_query_values_are_input_errors(loaded: tuple[Index, list[Link]]) -> None:
    ix, _ = loaded
    with pytest.raises(InputError, match="placement"):
        ix.backlinks(Target("domain", "target.com"), placement="middle")
    with pytest.raises(InputError, match="limit"):
        ix.backlinks(Target("domain", "target.com"), limit=-1)


def test_sorted_and_unsorted_tables_answer_alike(tmp_path: Path) -> None:
    with Index(tmp_path / "i.duckdb") as ix:
        for seed in range(3):
            ix.write(*gen_batch(seed, 20, 10))
        target = Target("domain", "target.com")
        before = (ix.backlinks(target), ix.refdomains(target), ix.anchors(target))
        assert ix.optimize(if_needed=True) is True  # everything appended is unsorted
        assert ix.optimize(if_needed=True) is False  # nothing appended since
        assert (ix.backlinks(target), ix.refdomains(target), ix.anchors(target)) == before
