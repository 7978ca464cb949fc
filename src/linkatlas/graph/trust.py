"""TrustRank, Anti-TrustRank and spam mass: PageRank with a teleport vector chosen by trust.

- TrustRank (Gyöngyi, Garcia-Molina & Pedersen, VLDB 2004): PageRank whose random jump (and
  dangling mass) lands only on a hand-checked set of good seeds, so trust flows out from them
  along links and fades with distance.
- Anti-TrustRank (Krishnan & Raj, AIRWeb 2006): the same on the transposed graph from known bad
  seeds, so distrust flows *backwards*: a page that links to spam inherits suspicion.
- Spam mass (Gyöngyi, Berkhin, Garcia-Molina & Pedersen, VLDB 2006): the part of a node's
  PageRank that does not come from a known good core. Both PageRanks here are the paper's
  *linear* PageRank ``p = (1 - d) * sum_k (d * M)^k v`` (dangling mass leaks rather than being
  renormalised), so contributions add up exactly and ``p - p_core`` is the contribution of the
  jumps to non-core nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from linkatlas.errors import InputError
from linkatlas.graph.build import as_adjacency, node_ids
from linkatlas.graph.pagerank import _check_params, pagerank, transition

__all__ = ["anti_trustrank", "spam_mass", "trustrank"]


def _seed_vector(seeds: Any, n: int, name: str) -> np.ndarray:
    ids = node_ids(seeds, n, name)
    if ids.size == 0:
        raise InputError(f"{name} is empty: at least one seed node is needed")
    v = np.zeros(n)
    v[ids] = 1.0 / ids.size
    return v


def trustrank(
    adj: Any, seeds: Any, *, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 200
) -> np.ndarray:
    """TrustRank: PageRank personalised on the trusted ``seeds`` (ids or a boolean mask)."""
    a = as_adjacency(adj)
    v = _seed_vector(seeds, a.shape[0], "seeds")
    return pagerank(a, damping=damping, tol=tol, max_iter=max_iter, personalization=v)


def anti_trustrank(
    adj: Any, seeds: Any, *, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 200
) -> np.ndarray:
    """Anti-TrustRank: distrust from the bad ``seeds`` propagated against link direction."""
    a = as_adjacency(adj)
    v = _seed_vector(seeds, a.shape[0], "seeds")
    return pagerank(a.T.tocsr(), damping=damping, tol=tol, max_iter=max_iter, personalization=v)


def _linear_pagerank(
    m: sp.csr_matrix, v: np.ndarray, damping: float, tol: float, max_iter: int
) -> np.ndarray:
    jump = (1.0 - damping) * v
    x = jump.copy()
    for _ in range(max_iter):
        new = damping * (m @ x) + jump
        done = float(np.abs(new - x).sum()) < tol
        x = new
        if done:
            break
    return x


def spam_mass(
    adj: Any,
    good_core: Any,
    *,
    damping: float = 0.85,
    good_fraction: float | None = None,
    tol: float = 1e-12,
    max_iter: int = 500,
) -> tuple[np.ndarray, np.ndarray]:
    """Absolute and relative spam mass ``(p - p_core, (p - p_core) / p)`` of every node.

    ``p`` is linear PageRank with a uniform jump of 1/n per node. ``p_core`` jumps only to the
    good core: 1/n per core node when ``good_fraction`` is None (the paper's definition, an
    upper bound on spam mass when the core is a small sample of the good web), else
    ``good_fraction / |core|`` per core node (the paper's scaling, with ``good_fraction`` the
    estimated share of good nodes in the whole graph). Relative mass near 1 means almost none
    of the node's PageRank is explained by the good core; it can be negative with scaling.
    """
    a = as_adjacency(adj)
    _check_params(damping, tol, max_iter)
    n = a.shape[0]
    core = node_ids(good_core, n, "good_core")
    if core.size == 0:
        raise InputError("good_core is empty: at least one good node is needed")
    if good_fraction is not None and not 0.0 < good_fraction <= 1.0:
        raise InputError(f"good_fraction must lie in (0, 1], got {good_fraction}")
    m, _ = transition(a)
    p = _linear_pagerank(m, np.full(n, 1.0 / n), damping, tol, max_iter)
    w = np.zeros(n)
    w[core] = 1.0 / n if good_fraction is None else good_fraction / core.size
    p_core = _linear_pagerank(m, w, damping, tol, max_iter)
    absolute = p - p_core
    return absolute, absolute / p
