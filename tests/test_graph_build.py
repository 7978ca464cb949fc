"""csr_from_edges: de-duplication, self-loops, orientation, and refusal of bad input."""

from __future__ import annotations

import numpy as np
import pytest

from linkatlas.errors import InputError
from linkatlas.graph import csr_from_edges, out_degree


def test_rows_are_sources_and_duplicates_collapse() -> None:
    adj = csr_from_edges(np.array([0, 0, 0, 2, 1]), np.array([1, 1, 2, 0, 1]), 4)
    assert adj.shape == (4, 4) and adj.dtype == np.float32
    dense = adj.toarray()
    assert dense[0, 1] == 1.0 and dense[0, 2] == 1.0 and dense[2, 0] == 1.0
    assert dense[1, 1] == 0.0  # self-loop dropped by default
    assert adj.nnz == 3
    assert out_degree(adj).tolist() == [2.0, 0.0, 1.0, 0.0]


def test_self_loops_can_be_kept() -> None:
    adj = csr_from_edges(np.array([1, 1]), np.array([1, 1]), 2, drop_self_loops=False)
    assert adj.toarray().tolist() == [[0.0, 0.0], [0.0, 1.0]]


def test_matches_scipy_coo_build_on_random_edges() -> None:
    rng = np.random.default_rng(3)
    src, dst = rng.integers(0, 500, 20_000), rng.integers(0, 500, 20_000)
    adj = csr_from_edges(src, dst, 500, drop_self_loops=False)
    dense = np.zeros((500, 500), dtype=np.float32)
    dense[src, dst] = 1.0
    assert np.array_equal(adj.toarray(), dense)
    adj.check_format(full_check=True)


def test_empty_graph() -> None:
    adj = csr_from_edges(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3)
    assert adj.shape == (3, 3) and adj.nnz == 0


@pytest.mark.parametrize(
    ("src", "dst", "n"),
    [
        (np.array([0, 5]), np.array([1, 1]), 5),  # id out of range
        (np.array([-1]), np.array([0]), 2),  # negative id
        (np.array([0, 1]), np.array([1]), 2),  # lengths differ
        (np.array([0.5]), np.array([1.0]), 2),  # not integers
        (np.array([[0]]), np.array([[1]]), 2),  # not 1-D
        (np.array([0]), np.array([1]), -1),  # negative n
    ],
)
def test_bad_input_raises_input_error(src: np.ndarray, dst: np.ndarray, n: int) -> None:
    with pytest.raises(InputError):
        csr_from_edges(src, dst, n)
