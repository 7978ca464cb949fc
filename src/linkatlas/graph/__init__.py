"""Pure numeric link-graph metrics: arrays in, arrays out (numpy and scipy.sparse only).

Graphs are ``scipy.sparse.csr_matrix`` adjacency matrices with float32 weights, row = source,
column = target; nodes are the integers 0..n-1 and callers keep the mapping to names.
"""
