"""Link graphs and authority: rank, explain, import external graphs."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from linkatlas import graph as _graph
from linkatlas import urls
from linkatlas.api._common import _db, _reader
from linkatlas.errors import InputError, LinkatlasError
from linkatlas.graph import scores as _scores
from linkatlas.graph.scores import SCORE_VERSION
from linkatlas.model import (
    Authority,
    AuthorityRow,
    Contribution,
    GraphInfo,
)
from linkatlas.store import Index

# Link graphs and authority scores (docs/authority.md): the store builds or imports a graph and
# hands its edges over as id arrays; linkatlas.graph computes; the store keeps the scores.

GRAPH_LEVELS = ("domain", "host", "page")


@dataclasses.dataclass(slots=True)
class RankedGraph:
    """One graph ranked by ``rank``: its size, where the time went, its best nodes."""

    graph: GraphInfo
    build_seconds: float
    pagerank_seconds: float
    harmonic_seconds: float
    top: list[AuthorityRow]


@dataclasses.dataclass(slots=True)
class GraphImport:
    """What ``graph_import`` stored: the graph, the time taken, ranks-file rows matched."""

    graph: GraphInfo
    seconds: float
    ranks_matched: int = 0
    ranks_unknown: int = 0


def graph_name(text: str) -> str:
    """The stored name of a graph: 'domain' is 'index:domain', 'ukwa' is 'import:ukwa'."""
    text = text.strip()
    if ":" in text:
        return text
    return f"index:{text}" if text in GRAPH_LEVELS else f"import:{text}"


def _rank_stored(index: Index, name: str, exact_harmonic: bool | None,
                 with_harmonic: bool) -> tuple[float, float]:
    """Compute and store the scores of one stored graph; (PageRank, harmonic) seconds."""
    src, dst, n = index.graph_edges(name)
    if n == 0:
        empty = np.zeros(0, dtype=np.float64)
        index.write_scores(name, empty, empty, empty, np.zeros(0, np.int64), SCORE_VERSION)
        return 0.0, 0.0
    adj = _graph.csr_from_edges(src, dst, n)
    started = time.perf_counter()
    pr = np.asarray(_graph.pagerank(adj), dtype=np.float64)
    middle = time.perf_counter()
    hc = (np.asarray(_graph.harmonic(adj, exact=exact_harmonic), dtype=np.float64)
          if with_harmonic else None)
    done = time.perf_counter()
    dangling = _scores.dangling_mass(pr, np.diff(adj.indptr))
    index.write_scores(name, pr, hc, _scores.scores(pr, n=n, dangling_mass=dangling),
                       _scores.ranks(pr), SCORE_VERSION)
    return middle - started, done - middle


def rank(
    *,
    db: str | Path | None = None,
    levels: Sequence[str] = ("domain", "page"),
    graph: str | None = None,
    all_links: bool = False,
    exact_harmonic: bool | None = None,
    harmonic: bool = True,
    top: int = 10,
) -> list[RankedGraph]:
    """Build the index's link graphs (or take a stored one) and compute and store their scores.

    ``levels`` are built from the links table (``index:domain``, ``index:host``,
    ``index:page``); links that pass no credit are left out unless ``all_links``. With
    ``graph`` (an imported graph), only that graph is ranked. ``harmonic=False`` skips harmonic
    centrality (stored as None), which costs far more than PageRank on big graphs.
    """
    unknown = [lv for lv in levels if lv not in GRAPH_LEVELS]
    if unknown:
        raise InputError(f"unknown graph level {unknown[0]!r}: choose domain, host or page")
    out: list[RankedGraph] = []
    with Index(_db(db)) as index:
        if graph is not None:
            names = [graph_name(graph)]
            if not index.graphs(names[0]):
                raise InputError(f"no graph {names[0]!r} in the index (see 'linkatlas graph list')")
        else:
            names = [f"index:{level}" for level in dict.fromkeys(levels)]
        for name in names:
            started = time.perf_counter()
            if graph is None:
                index.build_graph(name.split(":", 1)[1], all_links=all_links)
            built = time.perf_counter() - started
            pr_s, hc_s = _rank_stored(index, name, exact_harmonic, harmonic)
            out.append(RankedGraph(index.graphs(name)[0], built, pr_s, hc_s,
                                   index.scores(name, limit=top)))
    return out


def _node_key(text: str, level: str) -> list[str]:
    """Names a user's ``text`` may stand for in a graph of this level, most literal first."""
    raw = text.strip()
    if level == "node":
        return [raw]
    if level == "page":
        norm = urls.try_normalize(raw if "://" in raw else "https://" + raw)
        return [raw] + ([norm] if norm else [])
    host = urls.host(raw if "://" in raw else "https://" + raw) or raw.lower().strip(".")
    keys = [host]
    if level == "domain":
        keys.append(urls.registrable_domain(host))
    return keys


def authority(
    name: str,
    *,
    db: str | Path | None = None,
    graph: str = "index:domain",
    if_link_from: str | None = None,
    top: int = 10,
) -> Authority:
    """A node's score and rank explained: the referring nodes that give it the most authority,
    and what one more followed link from ``if_link_from`` would change (first order)."""
    gname = graph_name(graph)
    with _reader(db) as index:
        infos = index.graphs(gname)
        if not infos:
            raise InputError(f"no graph {gname!r} in the index: run 'linkatlas rank' first")
        info = infos[0]
        row = _find_scored(index, gname, info.level, name)
        src, dst, n = index.graph_edges(gname)
        adj = _graph.csr_from_edges(src, dst, n)
        pr = index.pagerank_vector(gname, n)
        ids, shares = _graph.contributions(adj, pr, row.id)
        names = index.node_names(gname, ids[:top])
        dangling = _scores.dangling_mass(pr, np.diff(adj.indptr))
        node_scores = _scores.scores(pr[ids[:top]], n=n, dangling_mass=dangling)
        contributors = tuple(
            Contribution(name=nm, share=float(sh), score=float(sc))
            for nm, sh, sc in zip(names, shares[:top], node_scores, strict=True)
        )
        result = Authority(row=row, nodes=n, referring=len(ids), contributors=contributors)
        if if_link_from is None:
            return result
        giver = _find_scored(index, gname, info.level, if_link_from)
        linked = bool(np.any(adj.indices[adj.indptr[giver.id]:adj.indptr[giver.id + 1]]
                             == row.id))
        gain = _graph.gain_from_link(adj, pr, giver.id, row.id)
        return dataclasses.replace(
            result, if_link_from=giver.name, pagerank_gain=gain, already_linked=linked,
            score_gain=_scores.score_change(row.pagerank, gain, n, dangling_mass=dangling),
        )


def _find_scored(index: Index, graph: str, level: str, text: str) -> AuthorityRow:
    for key in _node_key(text, level):
        row = index.score(graph, key)
        if row is not None:
            return row
        if index.node_id(graph, key) is not None:
            raise InputError(f"{key} is in the graph {graph} but has no score yet: "
                             "run 'linkatlas rank'")
    raise InputError(f"{text!r} is not in the graph {graph}")


def graph_import(
    edges: str | Path,
    *,
    db: str | Path | None = None,
    name: str | None = None,
    level: str = "host",
    fold: str | None = None,
    vertices: str | Path | None = None,
    ranks: str | Path | None = None,
) -> GraphImport:
    """Import an external link graph as ``import:NAME``: a two-column edge list (names or ids,
    gzip ok), or a Common Crawl web-graph release (``vertices`` + ``edges`` [+ ``ranks``]).

    ``level`` is host, domain or node; host names are folded into registrable domains when
    ``level`` is domain or ``fold`` is 'domain'.
    """
    paths = [Path(p) for p in (edges, vertices, ranks) if p is not None]
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    if level not in ("host", "domain", "node"):
        raise InputError(f"unknown level {level!r}: choose host, domain or node")
    if fold not in (None, "domain"):
        raise InputError(f"unknown fold {fold!r}: only 'domain' (hosts into registrable domains)")
    if fold and level == "node":
        raise InputError("--fold domain needs host names (--level host or domain), not node ids")
    if ranks is not None and vertices is None:
        raise InputError("a ranks file goes with a Common Crawl vertices file (--vertices)")
    if vertices is not None and fold:
        raise InputError("folding a Common Crawl graph is not supported: import its domain graph")
    level = "domain" if fold else level
    stem = Path(edges).name.split(".")[0]
    gname = graph_name(name or stem)
    if not gname.startswith("import:"):
        raise InputError(f"imported graphs are named import:NAME, not {gname!r}")
    started = time.perf_counter()
    with Index(_db(db)) as index:
        if vertices is not None:
            info = index.import_cc_graph(gname, Path(vertices), Path(edges), level=level)
        elif level == "domain":
            info = index.import_graph(gname, Path(edges), level=level, fold=_fold_domain,
                                      fold_name="registrable domain")
        else:
            info = index.import_graph(gname, Path(edges), level=level)
        report = GraphImport(info, 0.0)
        if ranks is not None:
            report.ranks_matched, report.ranks_unknown = index.import_cc_ranks(
                gname, Path(ranks), score=_imported_scores, rank=_scores.ranks,
                version=SCORE_VERSION)
    report.seconds = time.perf_counter() - started
    return report


def _imported_scores(pr: np.ndarray[Any, Any], n: int, dangling: float) -> np.ndarray[Any, Any]:
    return _scores.scores(pr, n=n, dangling_mass=dangling)


def _fold_domain(host: str) -> str:
    try:
        return urls.registrable_domain(host) or host
    except LinkatlasError:
        return host  # a name the PSL cannot read stays its own domain


def graph_ranks(
    *, db: str | Path | None = None, graph: str = "index:domain", limit: int | None = None
) -> list[AuthorityRow]:
    """Every scored node of a graph, best first: raw PageRank, harmonic, score and rank."""
    gname = graph_name(graph)
    with _reader(db) as index:
        if not index.graphs(gname):
            raise InputError(f"no graph {gname!r} in the index: run 'linkatlas rank' first")
        return index.scores(gname, limit=limit)


def graphs(*, db: str | Path | None = None) -> list[GraphInfo]:
    """The link graphs stored in the index."""
    with _reader(db) as index:
        return index.graphs()
