"""Authority scores from raw PageRank: a 0..100 logarithmic scale and ranks (docs/authority.md).

Version ``SCORE_VERSION`` of the formula, for a graph of ``n`` nodes, damping ``d`` and
dangling mass ``D`` (the PageRank held by nodes without out-links, spread evenly)::

    floor = (1 - d + d * D) / n               # PageRank of a node nobody links to
    score = 100 * clip(ln(pr / floor) / ln(1 / floor), 0, 1)

A node with no in-links scores 0; a node holding all the PageRank (pr = 1) would score 100.
The scale ``ln(1 / floor)`` depends on the graph's size (slowly, through its logarithm) and its
dangling share, never on which node is on top, so a node's score moves when its own share of
authority moves, not when the leader changes. Pure numpy: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SCORE_VERSION = 1
DEFAULT_DAMPING = 0.85

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def floor(n: int, *, damping: float = DEFAULT_DAMPING, dangling_mass: float = 0.0) -> float:
    """The PageRank of a node with no in-links in a graph of ``n`` nodes."""
    mass = min(max(dangling_mass, 0.0), 1.0)
    return (1.0 - damping + damping * mass) / max(n, 1)


def dangling_mass(pagerank: npt.ArrayLike, out_degree: npt.ArrayLike) -> float:
    """The PageRank held by nodes without out-links."""
    pr = np.asarray(pagerank, dtype=np.float64)
    return float(pr[np.asarray(out_degree) == 0].sum())


def _scale(n: int, damping: float, dangling: float) -> tuple[float, float]:
    low = floor(n, damping=damping, dangling_mass=dangling)
    return low, max(float(np.log(1.0 / low)), 1e-12)


def scores(pagerank: npt.ArrayLike, *, n: int | None = None, damping: float = DEFAULT_DAMPING,
           dangling_mass: float = 0.0) -> FloatArray:
    """Scores 0..100 of raw PageRank values of a graph of ``n`` nodes (default: len(pagerank))."""
    pr = np.asarray(pagerank, dtype=np.float64)
    size = len(pr) if n is None else n
    low, scale = _scale(size, damping, dangling_mass)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.log(np.maximum(pr, 0.0) / low) / scale
    return np.asarray(100.0 * np.clip(np.nan_to_num(raw, nan=0.0, neginf=0.0), 0.0, 1.0),
                      dtype=np.float64)


def score_of(pagerank: float, n: int, *, damping: float = DEFAULT_DAMPING,
             dangling_mass: float = 0.0) -> float:
    """The score of one raw PageRank value in a graph of ``n`` nodes."""
    return float(scores(np.array([pagerank]), n=n, damping=damping,
                        dangling_mass=dangling_mass)[0])


def ranks(values: npt.ArrayLike) -> IntArray:
    """Rank of each value: 1 + the number of values strictly higher (ties share a rank)."""
    v = np.asarray(values, dtype=np.float64)
    ordered = np.sort(v)
    higher = len(v) - np.searchsorted(ordered, v, side="right")
    return np.asarray(higher + 1, dtype=np.int64)


def score_change(pagerank: float, gain: float, n: int, *, damping: float = DEFAULT_DAMPING,
                 dangling_mass: float = 0.0) -> float:
    """How much a node's score moves when its PageRank moves by ``gain`` (same graph)."""
    def at(value: float) -> float:
        return score_of(value, n, damping=damping, dangling_mass=dangling_mass)

    return at(pagerank + gain) - at(pagerank)
