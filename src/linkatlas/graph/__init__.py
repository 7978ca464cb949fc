"""Pure numeric link-graph metrics: arrays in, arrays out (numpy and scipy.sparse only).

Graphs are ``scipy.sparse.csr_matrix`` adjacency matrices with float32 weights, row = source,
column = target; nodes are the integers 0..n-1 and callers keep the mapping to names.
"""

from linkatlas.graph.build import csr_from_edges, out_degree
from linkatlas.graph.harmonic import harmonic, harmonic_exact, hyperball
from linkatlas.graph.pagerank import contributions, gain_from_link, pagerank, pagerank_info
from linkatlas.graph.trust import anti_trustrank, spam_mass, trustrank

__all__ = [
    "anti_trustrank",
    "contributions",
    "csr_from_edges",
    "gain_from_link",
    "harmonic",
    "harmonic_exact",
    "hyperball",
    "out_degree",
    "pagerank",
    "pagerank_info",
    "spam_mass",
    "trustrank",
]
