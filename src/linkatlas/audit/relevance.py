"""Topical relevance: TF-IDF cosine between a linking page's terms and the target site's.

A page's terms are its ~40 most frequent content words, most frequent first
(``extract.features``); the rank stands in for the count: a term's weight on a page is
``1 / log2(rank + 1)`` (rank 1 weighs 1), as in DCG. The target site's vector sums its pages'
weights. Inverse document frequency ``ln((N + 1) / (df + 1)) + 1`` (smoothed, as scikit-learn
does) comes from the index's pages, so words every page uses count for little.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence


def rank_weights(terms: Sequence[str]) -> dict[str, float]:
    """Term weights of one page from the rank order of its terms."""
    return {t: 1.0 / math.log2(i + 2) for i, t in enumerate(terms)}


class Relevance:
    """TF-IDF cosine against one target site."""

    def __init__(self, site_terms: Iterable[tuple[str, float]], df: Mapping[str, int],
                 documents: int) -> None:
        self._df = df
        self._n = max(documents, 1)
        self._site = self._tfidf(dict(site_terms))
        self._norm = math.sqrt(sum(v * v for v in self._site.values()))

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency of a term."""
        return math.log((self._n + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def _tfidf(self, weights: Mapping[str, float]) -> dict[str, float]:
        return {t: w * self.idf(t) for t, w in weights.items()}

    @property
    def known(self) -> bool:
        """Whether the target site has terms at all (no pages of it indexed: no relevance)."""
        return self._norm > 0.0

    def cosine(self, terms: Sequence[str]) -> tuple[float | None, tuple[str, ...]]:
        """(cosine, the shared terms by contribution); None when either side has no terms."""
        if not terms or not self.known:
            return None, ()
        page = self._tfidf(rank_weights(terms))
        norm = math.sqrt(sum(v * v for v in page.values()))
        parts = {t: v * self._site[t] for t, v in page.items() if t in self._site}
        value = sum(parts.values()) / (norm * self._norm) if norm else 0.0
        shared = tuple(sorted(parts, key=lambda t: (-parts[t], t)))
        return value, shared
