"""Link graphs in the index: built from the links table or imported, and their scores.

A graph is a name (``index:domain``, ``index:host``, ``index:page``, ``import:NAME``) with rows
in ``graph_nodes`` (dense ids 0..n-1 and names), ``graph_edges`` (de-duplicated pairs, no
self-loops) and ``graph_catalog``; ``scores`` holds one row per node once ranked. Files are read
in bulk by DuckDB (``read_csv`` of whole lines, split in SQL), never line by line in Python;
the numeric work happens in ``linkatlas.graph``, which this module never imports (layers).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from linkatlas.errors import SourceError
from linkatlas.model import AuthorityRow, GraphInfo
from linkatlas.store.schema import first

# Link kinds that carry authority from page to page: hyperlinks and the ways a page sends a
# client elsewhere; canonical, alternate and other <link> elements are hints, not links.
CREDIT_KINDS = ("a", "image", "area", "redirect", "refresh", "imported")
LEVELS = ("domain", "host", "page")

Ids = npt.NDArray[np.int64]

_TEMPS = ("_graph_pairs", "_graph_names", "_graph_fold", "_graph_raw")


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_temps(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS _graph_lines")
    for name in _TEMPS:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _read_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Whole lines of a (possibly gzipped) text file, as view ``_graph_lines(lineno, line)``."""
    con.execute("DROP VIEW IF EXISTS _graph_lines")
    con.execute("DROP TABLE IF EXISTS _graph_raw")
    try:
        con.execute(
            "CREATE TEMP TABLE _graph_raw AS SELECT rtrim(line, chr(13)) AS line FROM read_csv("
            f"{_sql_str(str(path))}, delim=chr(1), header=false, columns={{'line': 'VARCHAR'}}, "
            "quote='', escape='', auto_detect=false, strict_mode=false, null_padding=false)"
        )
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(f"{path}: cannot read as a text edge list: {first_line}") from exc
    # Rows keep file order, but inside a transaction rowids start at a large offset.
    base = first(con.execute("SELECT coalesce(min(rowid), 0) FROM _graph_raw").fetchall())[0]
    con.execute("CREATE OR REPLACE TEMP VIEW _graph_lines AS SELECT rowid - "
                f"{int(base)} + 1 AS lineno, line FROM _graph_raw")


_DATA = "line IS NOT NULL AND trim(line) <> '' AND NOT starts_with(ltrim(line), '#')"


def _fail_at(con: duckdb.DuckDBPyConnection, path: Path, where: str, expected: str) -> None:
    """Raise SourceError naming the first line matching ``where`` (a malformed line), if any."""
    row = first(con.execute(
        f"SELECT lineno, line FROM _graph_lines WHERE {_DATA} AND ({where}) ORDER BY lineno "
        "LIMIT 1").fetchall())
    if row is not None:
        raise SourceError(f"{path}, line {row[0]}: expected {expected}, found {row[1][:200]!r}")


def _pairs_from_edge_list(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Parse the lines into ``_graph_pairs(s, t)``; returns the format it recognised."""
    # Any data line tells the format (files are uniform), so no ordering is needed here.
    sample = first(con.execute(f"SELECT line FROM _graph_raw WHERE {_DATA} LIMIT 1").fetchall())
    if sample is None:
        raise SourceError(f"{path}: no edges (the file is empty or only comments)")
    # The UK Web Archive host graph: 'year|source|target<TAB>count'.
    piped = len(sample[0].split("\t")[0].split("|")) == 3
    if piped:
        parts = "string_split(f[1], '|')"
        s, t = f"{parts}[2]", f"{parts}[3]"
        ok = f"len(f) = 2 AND len({parts}) = 3"
        expected = "'year|source|target<TAB>count'"
    else:
        s, t = "f[1]", "f[2]"
        ok = "len(f) IN (2, 3)"
        expected = "two tab-separated columns (source, target) and an optional weight"
    con.execute("DROP TABLE IF EXISTS _graph_pairs")
    # One pass splits every line; validity is kept per row so the first bad line can be named.
    con.execute(
        f"CREATE TEMP TABLE _graph_pairs AS SELECT lineno, s, t, ok AND s <> '' AND t <> '' "
        f"AS ok FROM (SELECT lineno, trim({s}) AS s, trim({t}) AS t, {ok} AS ok FROM "
        f"(SELECT lineno, string_split(trim(line, ' '), chr(9)) AS f FROM _graph_lines "
        f"WHERE {_DATA}))")
    bad = first(con.execute("SELECT min(lineno) FROM _graph_pairs WHERE ok IS NOT TRUE")
                .fetchall())
    if bad is not None and bad[0] is not None:
        _fail_at(con, path, f"lineno = {int(bad[0])}", expected)
    return "ukwa" if piped else "tsv"


def _fold(con: duckdb.DuckDBPyConnection, fold: Callable[[str], str]) -> None:
    """Map every name of ``_graph_pairs`` through ``fold`` (called once per distinct name)."""
    names = [r[0] for r in con.execute(
        "SELECT s FROM _graph_pairs UNION SELECT t FROM _graph_pairs").fetchall()]
    table = pa.table({"name": names, "folded": [fold(n) for n in names]})
    con.register("_graph_fold_in", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _graph_pairs AS SELECT fs.folded AS s, "
                    "ft.folded AS t FROM _graph_pairs p JOIN _graph_fold_in fs ON fs.name = p.s "
                    "JOIN _graph_fold_in ft ON ft.name = p.t")
    finally:
        con.unregister("_graph_fold_in")


def _materialize(con: duckdb.DuckDBPyConnection, graph: str, level: str, source: str,
                 options: dict[str, object], dropped: dict[str, int]) -> GraphInfo:
    """Store ``_graph_pairs(s, t)`` (+ isolated ``_graph_names``) as graph nodes and edges."""
    con.execute("DELETE FROM graph_nodes WHERE graph = ?", [graph])
    con.execute("DELETE FROM graph_edges WHERE graph = ?", [graph])
    con.execute("DELETE FROM graph_catalog WHERE name = ?", [graph])
    con.execute("DELETE FROM scores WHERE graph = ?", [graph])
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _graph_names (name VARCHAR)")
    # Integer names (node ids) keep their numeric order, so node 12 of a file stays id 12
    # when the file numbers its nodes 0..n-1.
    con.execute(
        "INSERT INTO graph_nodes SELECT ?, row_number() OVER (ORDER BY TRY_CAST(name AS BIGINT) "
        "NULLS LAST, name) - 1, name FROM (SELECT s AS name FROM _graph_pairs UNION "
        "SELECT t FROM _graph_pairs UNION SELECT name FROM _graph_names) WHERE name <> ''",
        [graph])
    loops = first(con.execute("SELECT count(*) FROM _graph_pairs WHERE s = t").fetchall())[0]
    total = first(con.execute("SELECT count(*) FROM _graph_pairs WHERE s <> t").fetchall())[0]
    con.execute(
        "INSERT INTO graph_edges SELECT DISTINCT ?, a.id, b.id FROM _graph_pairs p "
        "JOIN graph_nodes a ON a.graph = ? AND a.name = p.s "
        "JOIN graph_nodes b ON b.graph = ? AND b.name = p.t WHERE p.s <> p.t", [graph] * 3)
    nodes = first(con.execute("SELECT count(*) FROM graph_nodes WHERE graph = ?",
                              [graph]).fetchall())[0]
    edges = first(con.execute("SELECT count(*) FROM graph_edges WHERE graph = ?",
                              [graph]).fetchall())[0]
    dropped = {**dropped, "self-loops": int(loops),
               "duplicate pairs merged": int(total) - int(edges)}
    info = GraphInfo(name=graph, level=level, source=source, nodes=int(nodes), edges=int(edges),
                     built_at=_dt.datetime.now(_dt.UTC), options=json.dumps(options),
                     dropped=tuple((k, v) for k, v in dropped.items() if v))
    con.execute("INSERT INTO graph_catalog VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [info.name, info.level, info.source, info.nodes, info.edges, info.options,
                 json.dumps(dict(info.dropped)), info.built_at])
    _drop_temps(con)
    return info


def build_index_graph(con: duckdb.DuckDBPyConnection, level: str, *,
                      all_links: bool = False) -> GraphInfo:
    """Build ``index:LEVEL`` from the links table (rules in docs/authority.md)."""
    if level not in LEVELS:
        raise ValueError(f"unknown graph level {level!r}")
    kinds = ", ".join(_sql_str(k) for k in CREDIT_KINDS)
    credit = "" if all_links else " AND passes_credit"
    col = {"domain": ("source_domain", "target_domain", "domain"),
           "host": ("source_host", "target_host", "host"),
           "page": ("source_url", "target_url", "url")}[level]
    # Host and domain authority come from other sites: links within one registrable domain are
    # internal and left out. Page authority flows within a site too, so pages keep them.
    external = "" if level == "page" else " AND source_domain <> target_domain"
    _drop_temps(con)
    con.execute(f"CREATE TEMP TABLE _graph_pairs AS SELECT {col[0]} AS s, {col[1]} AS t "
                f"FROM links WHERE kind IN ({kinds}){external}{credit}")
    con.execute(f"CREATE TEMP TABLE _graph_names AS SELECT {col[0]} AS name FROM links UNION "
                f"SELECT {col[1]} FROM links UNION SELECT {col[2]} FROM pages")
    withheld = 0
    if not all_links:
        withheld = first(con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM links WHERE kind IN ({kinds}){external} "
            f"AND {col[0]} <> {col[1]} GROUP BY {col[0]}, {col[1]} "
            "HAVING NOT bool_or(passes_credit))").fetchall())[0]
    return _materialize(con, f"index:{level}", level, "index", {"all_links": all_links},
                        {"pairs with only links passing no credit": int(withheld)})


def import_edge_list(con: duckdb.DuckDBPyConnection, graph: str, path: Path, *, level: str,
                     fold: Callable[[str], str] | None = None,
                     fold_name: str = "") -> GraphInfo:
    """Import a two-column edge list (names or ids; gzip ok; UKWA 'year|src|dst' lines too)."""
    _drop_temps(con)
    _read_lines(con, path)
    fmt = _pairs_from_edge_list(con, path)
    if level in ("host", "domain"):
        con.execute("UPDATE _graph_pairs SET s = rtrim(lower(s), '.'), t = rtrim(lower(t), '.')")
    if fold is not None:
        _fold(con, fold)
    options: dict[str, object] = {"format": fmt, "fold": fold_name}
    return _materialize(con, graph, level, str(path), options, {})


def import_common_crawl(con: duckdb.DuckDBPyConnection, graph: str, vertices: Path, edges: Path,
                        *, level: str) -> GraphInfo:
    """Import a Common Crawl web-graph release: vertices (id, reversed name) and edges (ids)."""
    _drop_temps(con)
    _read_lines(con, vertices)
    fields = "string_split(line, chr(9))"
    _fail_at(con, vertices, f"len({fields}) NOT IN (2, 3) OR TRY_CAST({fields}[1] AS BIGINT) "
             f"IS NULL OR {fields}[2] = ''", "'id<TAB>reversed.host.name' (and a host count)")
    unreverse = f"array_to_string(list_reverse(string_split({fields}[2], '.')), '.')"
    con.execute(f"CREATE TEMP TABLE _graph_names AS SELECT {fields}[1]::BIGINT AS vid, "
                f"lower({unreverse}) AS name FROM _graph_raw WHERE {_DATA}")
    _read_lines(con, edges)
    _fail_at(con, edges, f"len({fields}) <> 2 OR TRY_CAST({fields}[1] AS BIGINT) IS NULL "
             f"OR TRY_CAST({fields}[2] AS BIGINT) IS NULL", "'from_id<TAB>to_id'")
    con.execute(f"CREATE TEMP TABLE _graph_pairs AS SELECT {fields}[1]::BIGINT AS a, "
                f"{fields}[2]::BIGINT AS b, lineno AS r FROM _graph_lines WHERE {_DATA}")
    row = first(con.execute(
        "SELECT p.r, p.a, p.b FROM _graph_pairs p LEFT JOIN _graph_names x ON x.vid = p.a "
        "LEFT JOIN _graph_names y ON y.vid = p.b WHERE x.vid IS NULL OR y.vid IS NULL "
        "ORDER BY p.r LIMIT 1").fetchall())
    if row is not None:
        raise SourceError(f"{edges}, line {row[0]}: edge {row[1]} -> {row[2]} names a vertex "
                          f"id that {vertices} does not have")
    con.execute("CREATE OR REPLACE TEMP TABLE _graph_pairs AS SELECT x.name AS s, y.name AS t "
                "FROM _graph_pairs p JOIN _graph_names x ON x.vid = p.a "
                "JOIN _graph_names y ON y.vid = p.b")
    con.execute("CREATE OR REPLACE TEMP TABLE _graph_names AS SELECT name FROM _graph_names")
    return _materialize(con, graph, level, str(edges), {"format": "common-crawl",
                                                         "vertices": str(vertices)}, {})


def import_cc_ranks(con: duckdb.DuckDBPyConnection, graph: str, path: Path, *,
                    score: Callable[[npt.NDArray[np.float64], int, float],
                                    npt.NDArray[np.float64]],
                    rank: Callable[[npt.NDArray[np.float64]], Ids],
                    version: int) -> tuple[int, int]:
    """Store a Common Crawl ranks file's PageRank and harmonic values as the graph's scores.

    ``score(pagerank, nodes, dangling_mass)`` and ``rank`` turn raw PageRank into scores and
    ranks (the caller's formula, so imported and computed scores agree). Returns (rows
    matched, rows naming no node of the graph).
    """
    _read_lines(con, path)
    header = first(con.execute(
        "SELECT line FROM _graph_lines WHERE line IS NOT NULL ORDER BY lineno LIMIT 1").fetchall())
    names = [h.strip().lstrip("#") for h in (header[0] if header else "").split("\t")]
    needed = ("harmonicc_val", "pr_val", "host_rev")
    if "host_rev" not in names and "domain_rev" in names:
        names[names.index("domain_rev")] = "host_rev"
    if not all(n in names for n in needed):
        raise SourceError(f"{path}, line 1: expected a ranks header with columns "
                          f"#harmonicc_val, #pr_val and #host_rev, found {names!r}")
    h, p, r = (names.index(n) + 1 for n in needed)
    fields = "string_split(line, chr(9))"
    _fail_at(con, path, f"lineno > 1 AND (len({fields}) <> {len(names)} OR "
             f"TRY_CAST({fields}[{h}] AS DOUBLE) IS NULL OR "
             f"TRY_CAST({fields}[{p}] AS DOUBLE) IS NULL)",
             f"{len(names)} tab-separated columns as the header says")
    unrev = f"lower(array_to_string(list_reverse(string_split({fields}[{r}], '.')), '.'))"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _graph_pairs AS SELECT n.id, "
        f"{fields}[{p}]::DOUBLE AS pagerank, {fields}[{h}]::DOUBLE AS harmonic "
        f"FROM _graph_lines JOIN graph_nodes n ON n.graph = ? AND n.name = {unrev} "
        f"WHERE {_DATA}", [graph])
    total = first(con.execute(f"SELECT count(*) FROM _graph_lines WHERE {_DATA}").fetchall())[0]
    got = con.execute("SELECT id, pagerank, harmonic FROM _graph_pairs ORDER BY id").fetchnumpy()
    nodes = first(con.execute("SELECT count(*) FROM graph_nodes WHERE graph = ?",
                              [graph]).fetchall())[0]
    dangling = first(con.execute(
        "SELECT coalesce(sum(p.pagerank), 0) FROM _graph_pairs p WHERE NOT EXISTS "
        "(SELECT 1 FROM graph_edges e WHERE e.graph = ? AND e.src = p.id)", [graph]).fetchall())
    pr = np.asarray(got["pagerank"], dtype=np.float64)
    mass = float(dangling[0]) / max(float(pr.sum()), 1e-300)
    write_scores(con, graph, np.asarray(got["id"], dtype=np.int64), pr,
                 np.asarray(got["harmonic"], dtype=np.float64), score(pr, int(nodes), mass),
                 rank(pr), version, method="imported")
    _drop_temps(con)
    return len(pr), int(total) - len(pr)


def edges(con: duckdb.DuckDBPyConnection, graph: str) -> tuple[Ids, Ids, int]:
    """The graph's edges as (src, dst) id arrays and its node count."""
    got = con.execute("SELECT src, dst FROM graph_edges WHERE graph = ?", [graph]).fetchnumpy()
    n = first(con.execute("SELECT count(*) FROM graph_nodes WHERE graph = ?",
                          [graph]).fetchall())[0]
    return (np.asarray(got["src"], dtype=np.int64), np.asarray(got["dst"], dtype=np.int64),
            int(n))


def write_scores(con: duckdb.DuckDBPyConnection, graph: str, ids: Ids,
                 pagerank: npt.NDArray[np.float64], harmonic: npt.NDArray[np.float64] | None,
                 score: npt.NDArray[np.float64], rank: Ids, version: int, *,
                 method: str = "computed") -> None:
    """Replace the graph's scores with these per-node arrays (one row per id; harmonic None:
    not computed, stored as NULL)."""
    hc = pa.nulls(len(ids), pa.float64()) if harmonic is None else pa.array(harmonic)
    table = pa.table({"id": ids, "pagerank": pagerank, "harmonic": hc, "score": score,
                      "rank": rank})
    con.execute("DELETE FROM scores WHERE graph = ?", [graph])
    con.register("_scores_in", table)
    try:
        con.execute(
            "INSERT INTO scores SELECT ?, s.id, n.name, s.pagerank, s.harmonic, s.score, s.rank, "
            "?, ?, ? FROM _scores_in s JOIN graph_nodes n ON n.graph = ? AND n.id = s.id",
            [graph, version, method, _dt.datetime.now(_dt.UTC), graph])
    finally:
        con.unregister("_scores_in")


_ROW = "graph, id, name, pagerank, harmonic, score, rank, version"


def _row(r: tuple[object, ...]) -> AuthorityRow:
    return AuthorityRow(graph=str(r[0]), id=int(str(r[1])), name=str(r[2]),
                        pagerank=float(str(r[3])),
                        harmonic=None if r[4] is None else float(str(r[4])),
                        score=float(str(r[5])), rank=int(str(r[6])), version=int(str(r[7])))


def score_rows(con: duckdb.DuckDBPyConnection, graph: str,
               limit: int | None = None) -> list[AuthorityRow]:
    """The graph's scored nodes, best first."""
    sql = f"SELECT {_ROW} FROM scores WHERE graph = ? ORDER BY rank, name"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row(r) for r in con.execute(sql, [graph]).fetchall()]


def score_row(con: duckdb.DuckDBPyConnection, graph: str, name: str) -> AuthorityRow | None:
    """The scores of one named node, or None when the graph has no such scored node."""
    row = first(con.execute(f"SELECT {_ROW} FROM scores WHERE graph = ? AND name = ?",
                            [graph, name]).fetchall())
    return None if row is None else _row(row)


def pagerank_vector(con: duckdb.DuckDBPyConnection, graph: str, n: int) -> npt.NDArray[np.float64]:
    """The stored PageRank of every node, indexed by id (0 where a node has no score)."""
    got = con.execute("SELECT id, pagerank FROM scores WHERE graph = ?", [graph]).fetchnumpy()
    out = np.zeros(n, dtype=np.float64)
    out[np.asarray(got["id"], dtype=np.int64)] = np.asarray(got["pagerank"], dtype=np.float64)
    return out


def node_ids(con: duckdb.DuckDBPyConnection, graph: str, name: str) -> int | None:
    """The id of a named node, or None."""
    row = first(con.execute("SELECT id FROM graph_nodes WHERE graph = ? AND name = ?",
                            [graph, name]).fetchall())
    return None if row is None else int(row[0])


def node_names(con: duckdb.DuckDBPyConnection, graph: str, ids: Ids) -> list[str]:
    """Names of the given node ids, in the same order."""
    table = pa.table({"id": np.asarray(ids, dtype=np.int64),
                      "pos": np.arange(len(ids), dtype=np.int64)})
    con.register("_ids_in", table)
    try:
        rows = con.execute("SELECT n.name FROM _ids_in i JOIN graph_nodes n ON n.graph = ? "
                           "AND n.id = i.id ORDER BY i.pos", [graph]).fetchall()
    finally:
        con.unregister("_ids_in")
    return [str(r[0]) for r in rows]


def catalog(con: duckdb.DuckDBPyConnection, graph: str | None = None) -> list[GraphInfo]:
    """Stored graphs (or the one named), by name."""
    sql = ("SELECT name, level, source, nodes, edges, built_at, options, dropped "
           "FROM graph_catalog")
    rows = con.execute(sql + (" WHERE name = ?" if graph else "") + " ORDER BY name",
                       [graph] if graph else []).fetchall()
    return [GraphInfo(name=r[0], level=r[1], source=r[2], nodes=int(r[3]), edges=int(r[4]),
                      built_at=r[5], options=r[6],
                      dropped=tuple(sorted(json.loads(r[7]).items()))) for r in rows]
