"""How much of a target's backlinks each source misses: capture-recapture (pure arithmetic).

Each source (the crawl, WARC/WAT files, Ahrefs, Semrush, ...) is one "capture" of the same
population of backlinks. For a source S against the union O of all the others, with ``n1``
items seen by S, ``n2`` seen by O and ``m`` seen by both, the Chapman estimator (the
bias-corrected Lincoln-Petersen) of the population is

    N = (n1 + 1)(n2 + 1) / (m + 1) - 1,   Var = (n1+1)(n2+1)(n1-m)(n2-m) / ((m+1)^2 (m+2))

and S misses about N - n1. Its assumptions (every item equally likely to be seen, sources
independent) do not hold on the web: big, well-linked sites are seen by every source, so the
estimate is a lower bound of what is missing. docs/sources.md has the reasoning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from linkatlas.model import SourceCounts, SourceCoverage

Z95 = 1.959963984540054


def chapman(n1: int, n2: int, m: int) -> tuple[float, float]:
    """The Chapman population estimate of two captures and its variance."""
    if min(n1, n2, m) < 0 or m > min(n1, n2):
        raise ValueError(f"impossible capture counts n1={n1} n2={n2} m={m}")
    estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return estimate, variance


def coverage(unit: str, per_source: Mapping[str, SourceCounts], union: int) -> list[SourceCoverage]:
    """Per source: seen, shared, and the estimate of what it misses against all the others."""
    out = []
    for via, c in sorted(per_source.items()):
        others = union - c.seen + c.shared  # items the other sources saw, together
        estimate = missed = low = high = None
        if others > 0 and c.seen > 0:
            n, var = chapman(c.seen, others, c.shared)
            half = Z95 * math.sqrt(var)
            estimate, missed = n, max(0.0, n - c.seen)
            low, high = max(float(union), n - half), n + half
        out.append(SourceCoverage(
            via=via, unit=unit, seen=c.seen, shared=c.shared, others=others, union=union,
            estimate=estimate, missed=missed, low=low, high=high,
            first_seen=c.first_seen, last_seen=c.last_seen,
        ))
    return out
