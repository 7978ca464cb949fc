"""Harmonic centrality: exact values against networkx, HyperBall error against exact values."""

from __future__ import annotations

import time

import networkx as nx
import numpy as np
import pytest

from linkatlas.errors import InputError
from linkatlas.graph import csr_from_edges, harmonic, harmonic_exact, hyperball
from test_graph_fixtures import CNR_NODES, load_cnr_edges, load_wikispeedia
from test_graph_pagerank import random_graph, to_networkx


def test_path_graph_counts_incoming_distances() -> None:
    # 0 -> 1 -> 2 -> 3: node 3 is reached from 2, 1, 0 at distances 1, 2, 3.
    adj = csr_from_edges(np.array([0, 1, 2]), np.array([1, 2, 3]), 4)
    assert np.allclose(harmonic(adj), [0.0, 1.0, 1.5, 1 + 1 / 2 + 1 / 3])
    assert np.allclose(harmonic(adj, max_distance=1), [0.0, 1.0, 1.0, 1.0])
    assert np.allclose(harmonic_exact(adj, np.array([3, 1])), [1.0, 1 + 1 / 2 + 1 / 3])


def test_exact_agrees_with_networkx_on_wikispeedia() -> None:
    _, adj, _ = load_wikispeedia()
    ours = harmonic(adj)  # 4,604 nodes: the exact path
    sample = list(range(0, adj.shape[0], 8))  # networkx is pure Python: 576 nodes, ~4 s
    theirs = nx.harmonic_centrality(to_networkx(adj), nbunch=sample)
    expected = np.array([theirs[i] for i in sample])
    got = ours[sample]
    assert np.all(np.abs(got - expected) <= 1e-9 * np.maximum(expected, 1.0))
    assert (expected > 0).sum() > 500


def test_exact_agrees_with_networkx_on_a_random_graph_with_unreachable_nodes() -> None:
    adj = random_graph(150, 300, seed=9)
    theirs = nx.harmonic_centrality(to_networkx(adj))
    assert np.allclose(harmonic_exact(adj), [theirs[i] for i in range(150)], rtol=1e-12)


def test_hyperball_on_wikispeedia_is_within_its_error_bound() -> None:
    _, adj, _ = load_wikispeedia()
    exact = harmonic_exact(adj)
    estimate, rounds = hyperball(adj, log2m=8, seed=1)
    assert 3 <= rounds <= 30
    mask = exact > 0
    rel = np.abs(estimate[mask] - exact[mask]) / exact[mask]
    assert rel.mean() < 3 * 1.04 / np.sqrt(2**8)
    assert np.all(estimate[~mask] == 0.0)  # nothing reaches them: no ball growth


def test_hyperball_error_shrinks_with_more_registers() -> None:
    adj = random_graph(3000, 15_000, seed=11)
    exact = harmonic_exact(adj)
    mask = exact > 0
    errs = []
    for log2m in (4, 10):
        rel = [
            np.abs(hyperball(adj, log2m=log2m, seed=s)[0][mask] - exact[mask]) / exact[mask]
            for s in range(3)
        ]
        errs.append(float(np.mean(rel)))
    assert errs[1] < errs[0] / 3


def test_bad_parameters_raise_input_error() -> None:
    adj = random_graph(10, 20, seed=0)
    with pytest.raises(InputError):
        hyperball(adj, log2m=3)
    with pytest.raises(InputError):
        harmonic(adj, max_distance=0)
    with pytest.raises(InputError):
        harmonic_exact(adj, np.array([10]))


def test_hyperball_error_on_cnr_2000_sample() -> None:
    """HyperBall (log2m=8) on all 325,557 nodes against exact BFS on 200 random nodes."""
    src, dst = load_cnr_edges()
    adj = csr_from_edges(src, dst, CNR_NODES)
    started = time.perf_counter()
    estimate = harmonic(adj, log2m=8, seed=0)  # > 20,000 nodes: HyperBall
    elapsed = time.perf_counter() - started
    sample = np.sort(np.random.default_rng(0).choice(CNR_NODES, 200, replace=False))
    exact = harmonic_exact(adj, sample)
    mask = exact > 0
    rel = np.abs(estimate[sample][mask] - exact[mask]) / exact[mask]
    print(
        f"\ncnr-2000 HyperBall log2m=8: {elapsed:.1f} s, {mask.sum()} sampled nodes, "
        f"relative error mean {rel.mean():.4f}, p95 {np.percentile(rel, 95):.4f}, "
        f"max {rel.max():.4f}"
    )
    assert mask.sum() > 150
    assert rel.mean() < 3 * 1.04 / np.sqrt(2**8)
    assert np.all(estimate[sample][~mask] == 0.0)
