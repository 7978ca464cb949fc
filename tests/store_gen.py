"""Deterministic generators of realistic Link and Page records for the store tests.

Also used by ``store_kill_child.py`` (a separate process), so it imports only the package.
"""

from __future__ import annotations

import datetime as dt
import random

from linkatlas.extract import make_link
from linkatlas.model import UTC, Link, LinkKind, Page, Placement, Source

TARGETS = ["target.com", "www.target.com", "blog.target.com", "rival.org", "shop.example.co.uk"]
ANCHORS = ["target", "best widgets", "click here", "", "Target Inc.", "widgets", "read more"]
PLACEMENTS = list(Placement)
RELS = ["", "", "", "nofollow", "sponsored", "ugc nofollow", "noopener"]
T0 = dt.datetime(2024, 1, 1, tzinfo=UTC)


def page_links(
    rng: random.Random,
    source_url: str,
    count: int,
    *,
    seen: dt.datetime,
    observed_in: str,
) -> list[Link]:
    """The links of one generated page, in page order, occurrence counted as extraction does."""
    links: list[Link] = []
    counter: dict[tuple[str, str, str], int] = {}
    for position in range(count):
        roll = rng.random()
        if roll < 0.3:  # internal navigation
            target = source_url.rsplit("/", 1)[0] + f"/p{rng.randrange(20)}"
        else:
            target = f"https://{rng.choice(TARGETS)}/{rng.choice(['', 'a', 'b/c', 'pricing'])}"
        anchor = rng.choice(ANCHORS)
        kind = LinkKind.IMAGE if rng.random() < 0.05 else LinkKind.A
        key = (target, kind.value, anchor)
        occurrence = counter.get(key, 0)
        counter[key] = occurrence + 1
        links.append(
            make_link(
                source_url,
                target,
                anchor=anchor,
                kind=kind,
                rel=rng.choice(RELS),
                page_nofollow=rng.random() < 0.02,
                placement=rng.choice(PLACEMENTS),
                context_before=f"before {rng.randrange(1000)}",
                context_after=f"after {rng.randrange(1000)}",
                position=position,
                occurrence=occurrence,
                seen=seen,
                via=Source.WARC,
                observed_in=observed_in,
            )
        )
    return links


def gen_batch(
    seed: int,
    pages: int,
    links_per_page: int = 20,
    *,
    seen: dt.datetime = T0,
    observed_in: str = "",
    site_count: int = 50,
) -> tuple[list[Page], list[Link]]:
    """Pages and their links; the same seed gives the same records."""
    rng = random.Random(seed)
    out_pages: list[Page] = []
    out_links: list[Link] = []
    for i in range(pages):
        site = rng.randrange(site_count)
        url = f"https://blog{site}.example{site % 7}.net/post/{seed}-{i}"
        where = observed_in or f"gen-{seed}.warc.gz@{i}"
        links = page_links(rng, url, links_per_page, seen=seen, observed_in=where)
        out_links.extend(links)
        out_pages.append(
            Page(
                url=url,
                final_url=url,
                host=links[0].source_host if links else "",
                domain=links[0].source_domain if links else "",
                status=200,
                fetched_at=seen,
                content_type="text/html",
                charset="utf-8",
                content_length=rng.randrange(1000, 90000),
                title=f"Post {i} of site {site}",
                language="en",
                word_count=rng.randrange(100, 3000),
                internal_links=sum(1 for link in links if link.internal),
                external_links=sum(1 for link in links if not link.internal),
                tracking_ids=(f"UA-{site}-1",) if site % 3 == 0 else (),
                emails=("info@example.net",) if site % 5 == 0 else (),
                via=Source.WARC,
                observed_in=where,
            )
        )
    return out_pages, out_links
