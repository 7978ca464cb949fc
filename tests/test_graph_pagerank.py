"""PageRank against networkx, its convergence contract, contributions and the link-gain estimate."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from linkatlas.errors import InputError
from linkatlas.graph import (
    contributions,
    csr_from_edges,
    gain_from_link,
    pagerank,
    pagerank_info,
)
from test_graph_fixtures import load_wikispeedia


def to_networkx(adj: sp.csr_matrix) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(adj.shape[0]))
    rows, cols = adj.nonzero()
    graph.add_edges_from(zip(rows.tolist(), cols.tolist(), strict=True))
    return graph


def nx_vector(values: dict[int, float], n: int) -> np.ndarray:
    return np.array([values[i] for i in range(n)])


def random_graph(n: int, m: int, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    return csr_from_edges(rng.integers(0, n, m), rng.integers(0, n, m), n)


def test_agrees_with_networkx_on_wikispeedia() -> None:
    names, adj, _ = load_wikispeedia()
    ours, iterations, err = pagerank_info(adj, tol=1e-13, max_iter=1000)
    # networkx stops when the L1 change is below n * tol.
    theirs = nx_vector(
        nx.pagerank(to_networkx(adj), alpha=0.85, tol=1e-16, max_iter=2000), len(names)
    )
    assert err < 1e-13 and 10 < iterations < 1000
    assert np.abs(ours - theirs).sum() < 1e-9
    assert ours.dtype == np.float64 and abs(ours.sum() - 1.0) < 1e-12
    assert names[int(np.argmax(ours))] == "United_States"


def test_personalization_and_dangling_nodes_match_networkx() -> None:
    adj = random_graph(300, 900, seed=1)  # sparse enough to have dangling nodes
    assert (np.diff(adj.indptr) == 0).any()
    weights = np.random.default_rng(2).random(300) * (np.arange(300) % 3 == 0)
    ours = pagerank(adj, damping=0.7, tol=1e-14, personalization=weights)
    theirs = nx.pagerank(
        to_networkx(adj),
        alpha=0.7,
        personalization={i: float(w) for i, w in enumerate(weights)},
        tol=1e-16,
        max_iter=2000,
    )
    assert np.abs(ours - nx_vector(theirs, 300)).sum() < 1e-11


def test_known_values_on_a_two_cycle_and_a_star() -> None:
    cycle = csr_from_edges(np.array([0, 1]), np.array([1, 0]), 2)
    assert np.allclose(pagerank(cycle), [0.5, 0.5], atol=1e-12)
    # Three leaves link to a hub that links nowhere: hub = (1 - d + d * dangling) / n + ...
    star = csr_from_edges(np.array([1, 2, 3]), np.array([0, 0, 0]), 4)
    pr = pagerank(star, tol=1e-14)
    assert pr[0] > 3 * pr[1] and np.allclose(pr[1:], pr[1])
    # Stationarity: leaves get only teleport and the hub's dangling share.
    d = 0.85
    assert pr[1] == pytest.approx((1 - d) / 4 + d * pr[0] / 4, rel=1e-10)


def test_stops_at_max_iter_and_reports_the_error() -> None:
    adj = random_graph(200, 1000, seed=4)
    _, iterations, err = pagerank_info(adj, max_iter=3)
    assert iterations == 3 and err > 1e-10
    assert pagerank_info(csr_from_edges(np.array([]), np.array([]), 0))[1] == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"damping": 1.0},
        {"damping": -0.1},
        {"tol": 0.0},
        {"max_iter": 0},
        {"personalization": np.zeros(5)},
        {"personalization": np.ones(4)},
        {"personalization": np.array([1.0, -1.0, 1.0, 1.0, 1.0])},
    ],
)
def test_bad_parameters_raise_input_error(kwargs: dict[str, object]) -> None:
    adj = random_graph(5, 10, seed=0)
    with pytest.raises(InputError):
        pagerank(adj, **kwargs)  # type: ignore[arg-type]


def test_non_square_matrix_is_refused() -> None:
    with pytest.raises(InputError):
        pagerank(sp.csr_matrix(np.ones((2, 3), dtype=np.float32)))


def test_contributions_shares_follow_source_rank_over_out_degree() -> None:
    # 0 -> 3, 1 -> 3, 1 -> 2, 2 -> 3, 3 -> 0
    adj = csr_from_edges(np.array([0, 1, 1, 2, 3]), np.array([3, 3, 2, 3, 0]), 4)
    pr = pagerank(adj, tol=1e-14)
    sources, shares = contributions(adj, pr, 3)
    assert sorted(sources.tolist()) == [0, 1, 2]
    flow = {0: pr[0] / 1, 1: pr[1] / 2, 2: pr[2] / 1}
    total = sum(flow.values())
    for s, share in zip(sources.tolist(), shares.tolist(), strict=True):
        assert share == pytest.approx(flow[s] / total, rel=1e-12)
    assert np.all(np.diff(shares) <= 0) and shares.sum() == pytest.approx(1.0)
    empty_sources, empty_shares = contributions(adj, pr, 1)
    assert empty_sources.size == 0 and empty_shares.size == 0
    with pytest.raises(InputError):
        contributions(adj, pr, 4)


def test_contributions_explain_wikispeedia_flow() -> None:
    _, adj, _ = load_wikispeedia()
    pr = pagerank(adj, tol=1e-13)
    node = int(np.argmax(pr))
    sources, _ = contributions(adj, pr, node)
    assert sources.size == int((adj.indices == node).sum())
    # Stationarity: incoming link flow + teleport + dangling share = pr[node].
    deg = np.diff(adj.indptr)
    flow = 0.85 * (pr[sources] / deg[sources]).sum()
    dangling = 0.85 * pr[deg == 0].sum() / adj.shape[0]
    assert flow + 0.15 / adj.shape[0] + dangling == pytest.approx(pr[node], rel=1e-9)


def test_gain_from_link_estimates_the_recomputed_change() -> None:
    adj = random_graph(400, 3000, seed=7)
    pr = pagerank(adj, tol=1e-14)
    rng = np.random.default_rng(8)
    errors = []
    for _ in range(40):
        src, dst = (int(x) for x in rng.integers(0, 400, 2))
        estimate = gain_from_link(adj, pr, src, dst)
        rows, cols = adj.nonzero()
        bigger = csr_from_edges(np.append(rows, src), np.append(cols, dst), 400)
        actual = pagerank(bigger, tol=1e-14)[dst] - pr[dst]
        if estimate == 0.0:
            assert src == dst or adj[src, dst] != 0
            continue
        assert actual > 0
        errors.append(abs(estimate - actual) / actual)
    assert len(errors) > 30
    assert float(np.median(errors)) < 0.1 and max(errors) < 0.5
