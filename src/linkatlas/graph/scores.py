"""Authority scores from raw PageRank: a 0..100 logarithmic scale and ranks (docs/authority.md).

Version ``SCORE_VERSION`` of the formula, for a graph of ``n`` nodes and damping ``d``::

    floor = (1 - d) / n                       # PageRank of a node nobody links to
    score = 100 * clip(ln(pr / floor) / ln(1 / floor), 0, 1)

``ln(1 / floor)`` is the scale: a node holding all the PageRank (pr = 1) would score 100, a node
with no in-links about 0. It depends on ``n`` only (slowly, through its logarithm), never on which
node is on top, so a node's score moves when its own share of authority moves, not when the
leader changes. Pure numpy: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SCORE_VERSION = 1
DEFAULT_DAMPING = 0.85

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _scale(n: int, damping: float) -> tuple[float, float]:
    """The floor PageRank and ln(1 / floor) of a graph of ``n`` nodes."""
    floor = (1.0 - damping) / max(n, 1)
    return floor, max(float(np.log(1.0 / floor)), 1e-12)


def scores(pagerank: npt.ArrayLike, *, n: int | None = None,
           damping: float = DEFAULT_DAMPING) -> FloatArray:
    """Scores 0..100 of raw PageRank values of a graph of ``n`` nodes (default: len(pagerank))."""
    pr = np.asarray(pagerank, dtype=np.float64)
    size = len(pr) if n is None else n
    floor, scale = _scale(size, damping)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.log(np.maximum(pr, 0.0) / floor) / scale
    return np.asarray(100.0 * np.clip(np.nan_to_num(raw, nan=0.0, neginf=0.0), 0.0, 1.0),
                      dtype=np.float64)


def score_of(pagerank: float, n: int, *, damping: float = DEFAULT_DAMPING) -> float:
    """The score of one raw PageRank value in a graph of ``n`` nodes."""
    return float(scores(np.array([pagerank]), n=n, damping=damping)[0])


def ranks(values: npt.ArrayLike) -> IntArray:
    """Rank of each value: 1 + the number of values strictly higher (ties share a rank)."""
    v = np.asarray(values, dtype=np.float64)
    ordered = np.sort(v)
    higher = len(v) - np.searchsorted(ordered, v, side="right")
    return np.asarray(higher + 1, dtype=np.int64)


def score_change(pagerank: float, gain: float, n: int, *,
                 damping: float = DEFAULT_DAMPING) -> float:
    """How much a node's score moves when its PageRank moves by ``gain`` (same graph size)."""
    return score_of(pagerank + gain, n, damping=damping) - score_of(pagerank, n, damping=damping)
