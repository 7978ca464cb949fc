"""Placement evaluation on Mozilla Readability's test pages (shared by the test and the docs).

A link of ``source.html`` whose resolved href survives into Readability's ``expected.html`` is a
main-content link; every other link is not. Matching is per page and by multiset, so a page
that links the same URL from its article and from its menu counts one content and one other.

Links whose href carries a ``#fragment`` are left out on both sides: they are in-page jumps
(tables of contents, footnotes), and several pages were saved from another address, so their
absolute self-links cannot be recognised as same-page links the way a live page's are.
"""

from __future__ import annotations

import datetime as dt
import tarfile
from collections import Counter
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from linkatlas import urls
from linkatlas.extract import links_from_page
from linkatlas.model import Capture, LinkKind, Placement

PAGE_URL = "http://fakehost/test/page.html"  # the URL Readability's test suite uses
WHEN = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def expected_targets(html: str, fragments: bool = False) -> Counter[str]:
    """Normalised hrefs of the links of a page (only those with a #fragment if asked)."""
    out: Counter[str] = Counter()
    for node in LexborHTMLParser(html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith("#") or (fragments and "#" not in href):
            continue
        resolved = urls.resolve(href, PAGE_URL)
        norm = urls.try_normalize(resolved) if resolved else None
        if norm and norm.startswith(("http://", "https://")):
            out[norm] += 1
    return out


def evaluate(root: Path) -> dict[str, float]:
    """Precision, recall and counts of predicting 'content' over every page under root."""
    tp = predicted = actual = pages = 0
    for page_dir in sorted(p for p in root.iterdir() if (p / "source.html").exists()):
        body = (page_dir / "source.html").read_bytes()
        expected = expected_targets((page_dir / "expected.html").read_text("utf-8", "replace"))
        jumps = set(expected_targets(body.decode("utf-8", "replace"), fragments=True))
        capture = Capture(url=PAGE_URL, status=200, headers=(("Content-Type", "text/html"),),
                          body=body, fetched_at=WHEN)
        links = [ln for ln in links_from_page(capture).links
                 if ln.kind in (LinkKind.A, LinkKind.IMAGE, LinkKind.AREA)
                 and ln.target_url not in jumps]
        source = Counter(ln.target_url for ln in links)
        content = Counter(ln.target_url for ln in links if ln.placement is Placement.CONTENT)
        for url, n in expected.items():
            if url in jumps:
                continue
            actual += min(n, source[url])
            tp += min(n, content[url])
        predicted += sum(content.values())
        pages += 1
    return {
        "pages": pages, "tp": tp, "predicted": predicted, "actual": actual,
        "precision": tp / predicted if predicted else 0.0,
        "recall": tp / actual if actual else 0.0,
    }


def extract_pages(archive: Path, into: Path) -> Path:
    """Unpack the test-pages archive into a folder and return the folder of pages."""
    with tarfile.open(archive, "r:xz") as tar:
        tar.extractall(into, filter="data")
    return into / "test-pages"


if __name__ == "__main__":
    import sys

    print(evaluate(Path(sys.argv[1])))
