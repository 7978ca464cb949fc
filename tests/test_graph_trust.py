"""TrustRank, Anti-TrustRank and spam mass on hand-built graphs with known answers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from linkatlas.errors import InputError
from linkatlas.graph import anti_trustrank, csr_from_edges, spam_mass, trustrank
from test_graph_pagerank import nx_vector, random_graph, to_networkx


def farm_graph() -> tuple[np.ndarray, np.ndarray, int]:
    """Good nodes 0-4 link in a ring; 0 and 1 link to 5 (a good page); farm 7-16 boost 6."""
    src = [0, 1, 2, 3, 4, 0, 1, *range(7, 17), 6]
    dst = [1, 2, 3, 4, 0, 5, 5, *[6] * 10, 7]
    return np.array(src), np.array(dst), 17


def test_trustrank_equals_networkx_personalised_pagerank() -> None:
    adj = random_graph(300, 1500, seed=5)
    seeds = np.array([3, 17, 40, 41])
    ours = trustrank(adj, seeds, tol=1e-14)
    personal = {i: (1.0 if i in {3, 17, 40, 41} else 0.0) for i in range(300)}
    theirs = nx.pagerank(
        to_networkx(adj), alpha=0.85, personalization=personal, tol=1e-16, max_iter=2000
    )
    assert np.abs(ours - nx_vector(theirs, 300)).sum() < 1e-11
    mask = np.zeros(300, dtype=bool)
    mask[seeds] = True
    assert np.array_equal(trustrank(adj, mask, tol=1e-14), ours)


def test_trust_reaches_pages_linked_from_seeds_and_not_the_farm() -> None:
    adj = csr_from_edges(*farm_graph())
    trust = trustrank(adj, np.array([0, 1, 2]))
    assert trust[5] > 0.05
    assert np.all(trust[6:17] == 0.0)  # nothing trusted links into the farm


def test_anti_trustrank_flows_against_links() -> None:
    # 0 -> 1 -> 2 (bad); 3 -> 4 unrelated
    adj = csr_from_edges(np.array([0, 1, 3]), np.array([1, 2, 4]), 5)
    distrust = anti_trustrank(adj, np.array([2]))
    assert distrust[2] > distrust[1] > distrust[0] > 0
    assert distrust[3] == 0.0 and distrust[4] == 0.0
    # Same as TrustRank on the reversed graph.
    assert np.allclose(distrust, trustrank(adj.T.tocsr(), np.array([2])), atol=1e-15)


def test_spam_mass_flags_the_farm_target_and_clears_core_linked_pages() -> None:
    adj = csr_from_edges(*farm_graph())
    absolute, relative = spam_mass(adj, np.arange(5))
    assert relative[6] > 0.9  # all its PageRank comes from the farm
    assert relative[5] < 0.35  # its in-links are all from the good core
    assert np.all(relative[:5] < 0.3)
    assert absolute[6] > absolute[5]
    # Known value: page 5 gets its own jump (1 - d)/n outside the core, nothing else.
    n, d = 17, 0.85
    assert absolute[5] == pytest.approx((1 - d) / n, rel=1e-9)


def test_spam_mass_with_scaling_changes_the_core_jump() -> None:
    adj = csr_from_edges(*farm_graph())
    _, plain = spam_mass(adj, np.arange(5))
    _, scaled = spam_mass(adj, np.arange(5), good_fraction=0.9)
    # 0.9 / 5 per core node > 1/17: the core explains more, so relative mass falls.
    assert np.all(scaled <= plain + 1e-12) and scaled[5] < plain[5]
    assert scaled[6] == pytest.approx(plain[6], abs=1e-9)  # the farm target is untouched


@pytest.mark.parametrize("seeds", [np.array([], dtype=np.int64), np.array([99]), np.zeros(3, bool)])
def test_bad_seeds_raise_input_error(seeds: np.ndarray) -> None:
    adj = csr_from_edges(*farm_graph())
    with pytest.raises(InputError):
        trustrank(adj, seeds)
    with pytest.raises(InputError):
        spam_mass(adj, seeds)
