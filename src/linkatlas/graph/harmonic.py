"""Harmonic centrality: exact by breadth-first search, or estimated by HyperBall.

The harmonic centrality of a node v is the sum over the other nodes u of ``1 / d(u, v)``, the
distance along link direction from u to v (0 when v cannot be reached), so a page gains from the
pages that can reach it: the definition networkx's ``harmonic_centrality`` uses for directed
graphs (Boldi & Vigna, "Axioms for centrality", 2014).

Exact values need one breadth-first search per node: scipy.sparse.csgraph searches the
transposed graph from each node (a batch of sources at a time, so memory stays bounded).

HyperBall (Boldi & Vigna, 2013) keeps a HyperLogLog counter of ``m = 2**log2m`` one-byte
registers per node. Round t replaces the counter of v by the union (register-wise maximum) of
its own and those of its in-neighbours, so it then counts the ball {u : d(u, v) <= t}; the
growth of the estimated ball size between rounds t-1 and t, divided by t, is added to the
harmonic sum. Each count has a relative standard error of about ``1.04 / sqrt(m)`` (6.5% at
log2m = 8); memory is ``2 * n * m`` bytes at the peak. Rounds only touch nodes whose
in-neighbours changed in the previous round, and stop when no counter changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from linkatlas.errors import InputError
from linkatlas.graph.build import as_adjacency, node_ids

__all__ = ["EXACT_MAX_NODES", "harmonic", "harmonic_exact", "hyperball"]

EXACT_MAX_NODES = 20_000
_BATCH_CELLS = 1 << 22  # distances held at once by the exact search (32 MiB of float64)
_GATHER_BYTES = 1 << 26  # registers gathered at once by one HyperBall chunk (64 MiB)


def _check_max_distance(max_distance: int | None) -> None:
    if max_distance is not None and max_distance < 1:
        raise InputError(f"max_distance must be at least 1, got {max_distance}")


def harmonic_exact(adj: Any, nodes: Any = None, *, max_distance: int | None = None) -> np.ndarray:
    """Exact harmonic centrality of ``nodes`` (all nodes when None), in that sorted order."""
    a = as_adjacency(adj)
    _check_max_distance(max_distance)
    n = a.shape[0]
    targets = np.arange(n, dtype=np.int64) if nodes is None else node_ids(nodes, n)
    out = np.zeros(targets.size)
    if n == 0 or targets.size == 0:
        return out
    # Distances *to* v along links are distances *from* v in the transposed graph.
    rev = a.T.tocsr()
    batch = max(1, _BATCH_CELLS // n)
    for start in range(0, targets.size, batch):
        chunk = targets[start : start + batch]
        dist = csgraph.shortest_path(rev, directed=True, unweighted=True, indices=chunk)
        reached = np.isfinite(dist) & (dist > 0)
        if max_distance is not None:
            reached &= dist <= max_distance
        inv = np.zeros_like(dist)
        np.divide(1.0, dist, out=inv, where=reached)
        out[start : start + chunk.size] = inv.sum(axis=1)
    return out


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _initial_registers(n: int, log2m: int, seed: int) -> np.ndarray:
    m = 1 << log2m
    with np.errstate(over="ignore"):
        h = _splitmix64(np.arange(n, dtype=np.uint64) ^ _splitmix64(np.array([seed], np.uint64)))
    bucket = (h & np.uint64(m - 1)).astype(np.int64)
    w = h >> np.uint64(log2m)
    # rank = 1 + trailing zeros of the remaining bits (capped when they are all zero)
    with np.errstate(over="ignore"):
        low = (w & (~w + np.uint64(1))) - np.uint64(1)
    rank = np.minimum(np.bitwise_count(low), 64 - log2m) + 1
    regs = np.zeros((n, m), dtype=np.uint8)
    regs[np.arange(n), bucket] = rank.astype(np.uint8)
    return regs


def _estimate(regs: np.ndarray) -> np.ndarray:
    """HyperLogLog cardinality estimate of each row of registers (with the small-range fix)."""
    m = regs.shape[1]
    alpha = 0.7213 / (1.0 + 1.079 / m)
    powers = np.exp2(-np.arange(256, dtype=np.float64))
    out = np.empty(regs.shape[0])
    step = max(1, (1 << 21) // m)
    for start in range(0, regs.shape[0], step):
        block = regs[start : start + step]
        raw = alpha * m * m / powers[block].sum(axis=1)
        zeros = (block == 0).sum(axis=1)
        small = (raw <= 2.5 * m) & (zeros > 0)
        est = raw
        est[small] = m * np.log(m / zeros[small])
        out[start : start + step] = est
    return out


def _buckets(rev: sp.csr_matrix) -> list[tuple[np.ndarray, np.ndarray]]:
    """Nodes grouped by padded in-degree: (node ids, in-neighbour matrix padded with id n)."""
    n = rev.shape[0]
    deg = np.diff(rev.indptr).astype(np.int64)
    # Exact widths up to 8, then powers of two: padding wastes under half of a row's gather,
    # and each group reduces with one contiguous max over axis 1 (numpy's reduceat is 5x slower).
    width = np.where(deg <= 8, deg, 1 << np.ceil(np.log2(np.maximum(deg, 1))).astype(np.int64))
    groups = []
    for w in np.unique(width[deg > 0]):
        nodes = np.flatnonzero(width == w)
        d = deg[nodes]
        mat = np.full((nodes.size, int(w)), n, dtype=np.int32)
        cols = np.arange(int(w))
        mask = cols[None, :] < d[:, None]
        mat[mask] = rev.indices[np.repeat(rev.indptr[nodes].astype(np.int64), d) + _ranges(d)]
        groups.append((nodes, mat))
    return groups


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(k) for each k in lengths."""
    total = int(lengths.sum())
    starts = np.cumsum(lengths) - lengths
    out: np.ndarray = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    return out


def _union_round(
    regs: np.ndarray, groups: list[tuple[np.ndarray, np.ndarray]], active: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows that changed this round and their new registers (max over in-neighbours)."""
    m = regs.shape[1]
    rows_out: list[np.ndarray] = []
    regs_out: list[np.ndarray] = []
    for nodes, mat in groups:
        sel = active[nodes]
        if not sel.any():
            continue
        rows, neigh = nodes[sel], mat[sel]
        step = max(1, _GATHER_BYTES // (m * neigh.shape[1]))
        for start in range(0, rows.size, step):
            r = rows[start : start + step]
            gathered = np.take(regs, neigh[start : start + step], axis=0)
            best = gathered[:, 0] if neigh.shape[1] == 1 else gathered.max(axis=1)
            own = regs[r]
            np.maximum(best, own, out=best)
            differs = (best != own).any(axis=1)
            rows_out.append(r[differs])
            regs_out.append(best[differs])
    if not rows_out:
        return np.zeros(0, np.int64), np.zeros((0, m), np.uint8)
    return np.concatenate(rows_out), np.concatenate(regs_out)


def hyperball(
    adj: Any, *, log2m: int = 8, seed: int = 0, max_distance: int | None = None
) -> tuple[np.ndarray, int]:
    """HyperBall estimate of harmonic centrality of every node, and the rounds it took."""
    a = as_adjacency(adj)
    _check_max_distance(max_distance)
    if not 4 <= log2m <= 16:
        raise InputError(f"log2m must lie in [4, 16], got {log2m}")
    n = a.shape[0]
    result = np.zeros(n)
    if n == 0:
        return result, 0
    rev = a.T.tocsr()
    rev.sum_duplicates()
    groups = _buckets(rev)
    # One all-zero row at index n is the padding target of the neighbour matrices.
    regs = np.vstack([_initial_registers(n, log2m, seed), np.zeros((1, 1 << log2m), np.uint8)])
    size = _estimate(regs[:n])
    changed = np.ones(n, dtype=bool)
    t = 0
    while changed.any() and (max_distance is None or t < max_distance):
        t += 1
        # Only nodes with an in-neighbour that changed last round can change now.
        active = (rev @ changed.astype(np.float32)) > 0
        rows, new = _union_round(regs, groups, active)
        regs[rows] = new
        grown = _estimate(new)
        result[rows] += np.maximum(grown - size[rows], 0.0) / t
        size[rows] = np.maximum(grown, size[rows])
        changed = np.zeros(n, dtype=bool)
        changed[rows] = True
    return result, t


def harmonic(
    adj: Any,
    *,
    exact: bool | None = None,
    log2m: int = 8,
    seed: int = 0,
    max_distance: int | None = None,
) -> np.ndarray:
    """Harmonic centrality of every node: exact up to 20,000 nodes (or if asked), else HyperBall.

    HyperBall values carry a relative error of about ``1.04 / sqrt(2**log2m)`` (6.5% at the
    default log2m = 8); see docs/authority.md for the error measured on cnr-2000.
    """
    a = as_adjacency(adj)
    use_exact = a.shape[0] <= EXACT_MAX_NODES if exact is None else exact
    if use_exact:
        return harmonic_exact(a, max_distance=max_distance)
    return hyperball(a, log2m=log2m, seed=seed, max_distance=max_distance)[0]
