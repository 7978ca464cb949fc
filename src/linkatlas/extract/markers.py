"""The link-marker helpers of html.py's pure-Python path (the compiled walk mirrors them).

Markers are private-use characters: U+F0000+i before link i, U+100000+i after it (see
html.py). These read and clean the marked text, merge anchors the tree builder split, and
measure nesting for the nesting-bomb guard.
"""

from __future__ import annotations

import itertools
import re
import sys
from typing import Any

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())  # noqa: SIM905

# the space after a run of markers that follows a space (so "a <S> b" leaves one space)
LONE_MARKS = re.compile(" ([\U000f0000-\U0010ffff]+(?: [\U000f0000-\U0010ffff]+)*)(?: |$)")
LEADING_MARKS = re.compile("([\U000f0000-\U0010ffff]+(?: [\U000f0000-\U0010ffff]+)*)(?: |$)")


def join_lone(m: re.Match[str]) -> str:
    """The replacement for a LONE_MARKS match: the space, then the markers without spaces."""
    return " " + m.group(1).replace(" ", "")


# a marked link: its start marker, its text, its end marker
LINK_SPAN = re.compile("[\U000f0000-\U000fffff]([^\U000f0000-\U0010ffff]*)[\U00100000-\U0010ffff]")


def linked_len(text: str, collapse: bool) -> int:
    """Characters of link text in an element's text, read between the link markers."""
    if not may_be_astral(text):
        return 0
    spans = LINK_SPAN.findall(text)
    if collapse:
        return sum(len(" ".join(span.split())) for span in spans)
    return sum(len(span.strip()) for span in spans)


def max_depth(text: str) -> int:
    """A rough maximum element nesting depth of an HTML string (end tags close one level)."""
    depth = deepest = 0
    for m in _TAG.finditer(text):
        if m.group(1):
            depth = max(0, depth - 1)
        elif m.group(2).lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def merge_clones(pending: list[Any], buffer: str, source: str) -> set[int]:
    """Re-join an anchor the HTML tree builder split into clones, and return the ids of the
    clones dropped. ``<p><a href=x>one<ul><li>two</ul></a>`` becomes three ``<a>`` elements in
    the DOM (the "adoption agency" rule) though the author wrote one link, as Common Crawl's
    extractor and backlink tools count it. A run of adjacent links with the same attributes and
    nothing but whitespace between them is merged only when the page source holds fewer copies
    of that href than the DOM has links with it."""
    dropped: set[int] = set()
    # most pages have no two adjacent links with the same attributes: skip the counting
    if not any(a.attrs == b.attrs for a, b in itertools.pairwise(pending)):
        return dropped
    dom_count: dict[str, int] = {}
    for item in pending:
        href = item.attrs.get("href") or ""
        dom_count[href] = dom_count.get(href, 0) + 1
    i = 0
    while i < len(pending) - 1:
        first = pending[i]
        href = first.attrs.get("href") or ""
        j = i + 1
        while (j < len(pending) and pending[j].attrs == first.attrs
               and pending[j - 1].end >= 0 and pending[j].start >= 0
               and not buffer[pending[j - 1].end : pending[j].start].strip()):
            j += 1
        if j - i > 1 and href:
            excess = dom_count[href] - source.count(href)
            if 0 < excess < dom_count[href]:
                last = pending[min(j - 1, i + excess)]
                first.end = last.end
                for k in range(i + 1, min(j, i + excess + 1)):
                    dropped.add(id(pending[k]))
                dom_count[href] -= min(j - 1 - i, excess)
        i = j
    return dropped
_UCS4_BYTES = sys.getsizeof("\U00010000" * 64) - sys.getsizeof("\U00010000" * 63)


def may_be_astral(text: str) -> bool:
    """Whether a string may hold characters above U+FFFF (CPython stores such strings with four
    bytes per character; checking the size avoids a regex scan of every page)."""
    return len(text) < 64 or sys.getsizeof(text) >= _UCS4_BYTES * len(text)
