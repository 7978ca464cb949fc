"""``Index``: the link index in one DuckDB file (open, write, query, optimise, export, runs)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Literal

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from linkatlas.errors import StoreError
from linkatlas.model import (
    AnchorStat,
    AuditData,
    AuthorityRow,
    DeadPage,
    GraphInfo,
    ImportedStat,
    LandingVisits,
    Link,
    Page,
    Profile,
    RefDomain,
    Referral,
    ReferrerVisits,
    ReferringPageVisits,
    Sighting,
    SourceCounts,
    Target,
)
from linkatlas.store import auditdata, imported, io, queries, runs, sightings, sites
from linkatlas.store import graph as _graph
from linkatlas.store import profile as _profile
from linkatlas.store import traffic as _traffic
from linkatlas.store.arrow import (
    LINK_SCHEMA,
    PAGE_SCHEMA,
    conform,
    links_to_arrow,
    pages_to_arrow,
)
from linkatlas.store.frontier import StoredFrontier
from linkatlas.store.hostinfo import HostStats, host_stats
from linkatlas.store.merge import drop_temps, merge_batch
from linkatlas.store.runs import RunInfo
from linkatlas.store.schema import (
    BOOKKEEPING_DDL,
    LINKS,
    PAGES,
    REFERRALS,
    SCHEMA_VERSION,
    SPECS,
    TableSpec,
    first,
    quote,
    record_table_ddl,
    sql_type,
    translate,
    translated,
)

log = logging.getLogger(__name__)

# Rewrite (re-sort) the links table once rows appended since the last sort exceed this share.
OPTIMIZE_SHARE = 0.10


class Index:
    """The link index: a context manager over one DuckDB file.

    One process may open a file for writing at a time (DuckDB's file lock); a second one gets
    ``StoreLockedError``. Each ``write`` is one transaction: a crash loses at most the batch
    being written, never a committed one.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        where = str(self.path)
        if read_only and not self.path.exists():
            raise StoreError(f"no index at {where} (run an ingest first)")
        if self.path.is_dir():
            raise StoreError(f"{where} is a directory, not an index file")
        with translated("open", where):
            self._con = duckdb.connect(where, read_only=read_only)
        try:
            with translated("open", where):
                self._con.execute("SET TimeZone = 'UTC'")
                self._prepare()
        except BaseException:
            self._con.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (committed data is already durable)."""
        self._con.close()

    def _prepare(self) -> None:
        tables = {
            r[0] for r in self._con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if self.read_only:
            if "meta" not in tables:
                raise StoreError(f"{self.path} is a DuckDB file but not a linkatlas index")
        else:
            self._con.execute("BEGIN")
            for ddl in (*BOOKKEEPING_DDL, record_table_ddl(LINKS), record_table_ddl(PAGES),
                        record_table_ddl(imported.IMPORTED_STATS),
                        record_table_ddl(sightings.SIGHTINGS)):
                self._con.execute(ddl)
            self._con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('unsorted_links', '0') "
                "ON CONFLICT DO NOTHING",
                [str(SCHEMA_VERSION)],
            )
            self._con.execute("COMMIT")
        version = self._meta("schema_version")
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"{self.path} has index schema version {version}; this linkatlas reads "
                f"version {SCHEMA_VERSION}"
            )
        for spec in (LINKS, PAGES, sightings.SIGHTINGS):
            self._check_columns(spec)
        if _traffic.exists(self._con):
            self._check_columns(REFERRALS)
        if not self.read_only:  # an index older than the table is read without it
            self._check_columns(imported.IMPORTED_STATS)

    def _check_columns(self, spec: TableSpec) -> None:
        found = self._con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "AND schema_name = 'main' ORDER BY column_index",
            [spec.name],
        ).fetchall()
        wanted = [(c.name, sql_type(c)) for c in spec.columns] + [("_key", "UBIGINT")]
        if [(n, t.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")) for n, t in found] != wanted:
            raise StoreError(f"{self.path}: table {spec.name} does not have the expected columns")

    def _meta(self, name: str) -> str | None:
        row = first(self._con.execute("SELECT value FROM meta WHERE name = ?", [name]).fetchall())
        return None if row is None else str(row[0])

    # -- writing -----------------------------------------------------------------------------

    def write(self, pages: Sequence[Page], links: Sequence[Link]) -> None:
        """Merge pages and links in one transaction (rules in docs/link-model.md)."""
        self.write_arrow(
            pages_to_arrow(pages) if pages else None, links_to_arrow(links) if links else None
        )

    def write_arrow(self, pages: pa.Table | None, links: pa.Table | None) -> None:
        """Merge Arrow tables of PAGE_SCHEMA / LINK_SCHEMA in one transaction."""
        with self._transaction("write"):
            self._merge_arrow(pages, links)

    def _merge_arrow(self, pages: pa.Table | None, links: pa.Table | None) -> None:
        """The body of write_arrow, for callers that hold the transaction (the frontier)."""
        if pages is not None:
            merge_batch(self._con, PAGES, conform(pages, PAGE_SCHEMA, "pages batch"))
        if links is not None:
            table = conform(links, LINK_SCHEMA, "links batch")
            self._add_unsorted(merge_batch(self._con, LINKS, table))
            sightings.fold_links(self._con, table)

    def write_stats(self, stats: Sequence[ImportedStat]) -> None:
        """Merge aggregate rows of third-party exports in one transaction (store/imported.py)."""
        with self._transaction("write imported stats"):
            imported.write_stats(self._con, stats)

    def imported_stats(self, *, target: str | None = None, report: str | None = None,
                       via: str | None = None, limit: int | None = None) -> list[ImportedStat]:
        """Stored aggregate rows of third-party exports, most links first."""
        with translated("imported stats query", str(self.path)):
            return imported.read_stats(self._con, target=target, report=report, via=via,
                                       limit=limit)

    def stats_checksum(self) -> str:
        """``checksum`` of the imported_stats table."""
        with translated("checksum", str(self.path)):
            return imported.checksum(self._con)

    def frontier(self, crawl: str = "default") -> StoredFrontier:
        """The durable frontier of the named crawl (see store/frontier.py)."""
        return StoredFrontier(self, crawl)

    def _add_unsorted(self, rows: int) -> None:
        if rows:
            self._con.execute(
                "UPDATE meta SET value = (value::BIGINT + ?)::VARCHAR "
                "WHERE name = 'unsorted_links'",
                [rows],
            )

    def _transaction(self, action: str) -> _Transaction:
        if self.read_only:
            raise StoreError(f"index {self.path} is open read-only: cannot {action}")
        return _Transaction(self._con, action, str(self.path))

    def import_parquet(self, what: Literal["links", "pages"], path: Path) -> int:
        """Merge a Parquet file of the links or pages schema; returns rows read."""
        schema = io.check_what(what)
        spec = SPECS[what]
        pf = io.read_parquet(what, path)
        conform(pf.schema_arrow.empty_table(), schema, str(path))  # names first: clear errors
        rows = 0
        with self._transaction("import"):
            for batch in pf.iter_batches(batch_size=200_000):
                table = conform(pa.Table.from_batches([batch]), schema, str(path))
                added = merge_batch(self._con, spec, table)
                if spec is LINKS:
                    self._add_unsorted(added)
                    sightings.fold_links(self._con, table)
                rows += table.num_rows
        return rows

    def export(
        self,
        what: Literal["links", "pages"],
        path: Path | None = None,
        fmt: Literal["parquet", "csv"] = "parquet",
        *,
        stream: BinaryIO | None = None,
        formula_pattern: str | None = None,
    ) -> int:
        """Write links or pages to a Parquet/CSV file, or CSV to a binary stream; rows written.

        ``formula_pattern``: see ``store.io.export`` (CSV cells safe for spreadsheets).
        """
        with translated("export", str(self.path)):
            return io.export(self._con, what, path, fmt, stream, formula_pattern)

    def optimize(self, *, if_needed: bool = False) -> bool:
        """Rewrite links sorted by target (and pages by URL); returns whether it ran.

        With ``if_needed`` it runs only when rows appended since the last sort exceed
        ``OPTIMIZE_SHARE`` of the table (the ingest verb calls it so after each run).
        """
        if if_needed:
            unsorted = int(self._meta("unsorted_links") or 0)
            total = self.counts_quick()
            if unsorted == 0 or unsorted <= OPTIMIZE_SHARE * total:
                return False
        with self._transaction("optimize"):
            for spec, order in ((LINKS, io._ORDER["links"]), (PAGES, io._ORDER["pages"])):
                cols = ", ".join([*(quote(n) for n in spec.names), "_key"])
                self._con.execute(record_table_ddl(spec, f"_new_{spec.name}"))
                self._con.execute(
                    f"INSERT INTO _new_{spec.name} SELECT {cols} FROM {spec.name} ORDER BY {order}"
                )
                self._con.execute(f"DROP TABLE {spec.name}")
                self._con.execute(f"ALTER TABLE _new_{spec.name} RENAME TO {spec.name}")
            self._con.execute("UPDATE meta SET value = '0' WHERE name = 'unsorted_links'")
        self._checkpoint()
        return True

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the file, if no other transaction is writing.

        In a serving process, readers share this database instance and their temp tables make
        them write transactions, which DuckDB's CHECKPOINT refuses to run beside. The data is
        committed (in the WAL) either way, so a checkpoint that keeps being refused is left to
        DuckDB's own automatic one (WAL size, or closing the file) rather than failing the job.
        """
        for attempt in range(6):
            try:
                self._con.execute("CHECKPOINT")
                return
            except duckdb.TransactionException as exc:
                if "CHECKPOINT" not in str(exc).upper():
                    raise translate(exc, "checkpoint", str(self.path)) from exc
                time.sleep(0.02 * 2**attempt)  # readers are short: 1.3 s in all
            except duckdb.Error as exc:
                raise translate(exc, "checkpoint", str(self.path)) from exc
        log.info("%s: checkpoint deferred (other transactions active); the WAL keeps the data",
                 self.path)

    def checksum(self, what: Literal["links", "pages"]) -> str:
        """An order-independent digest of every row's model columns: equal tables, equal digest."""
        io.check_what(what)
        spec = SPECS[what]
        text = "concat_ws(chr(31), " + ", ".join(f"{quote(n)}::VARCHAR" for n in spec.names) + ")"
        sql = (
            f"SELECT count(*), coalesce(sum(md5_number_lower({text})::HUGEINT), 0), "
            f"coalesce(bit_xor(md5_number_upper({text})), 0) FROM {spec.name}"
        )
        with translated("checksum", str(self.path)):
            row = first(self._con.execute(sql).fetchall())
        return f"{row[0]}:{int(row[1]):x}:{int(row[2]):x}"

    def counts_quick(self) -> int:
        """Number of stored links (cheap: no distinct counts)."""
        row = first(self._con.execute("SELECT count(*) FROM links").fetchall())
        return int(row[0]) if row else 0

    # -- runs ---------------------------------------------------------------------------------

    def begin_run(self, paths: Sequence[str]) -> int:
        """Record the start of an ingest run; returns its id."""
        with self._transaction("begin a run"):
            return runs.begin_run(self._con, paths)

    def file_started(
        self, run_id: int, path: str, size: int | None = None, mtime: _dt.datetime | None = None
    ) -> None:
        """Record that the run started reading ``path``."""
        with self._transaction("record a file"):
            runs.file_started(self._con, run_id, path, size, mtime)

    def file_done(
        self, run_id: int, path: str, records: int, skipped: int, status: str = "done"
    ) -> None:
        """Record that the run finished ``path`` with these counts."""
        with self._transaction("record a file"):
            runs.file_done(self._con, run_id, path, records, skipped, status)

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, int] | None = None) -> None:
        """Close a run with its final status ('done', 'failed', 'interrupted') and counters."""
        with self._transaction("finish a run"):
            runs.finish_run(self._con, run_id, status, stats or {})

    def file_ingested(self, path: str, size: int | None, mtime: _dt.datetime | None) -> bool:
        """Whether a run already finished this exact file (same path, size and mtime)."""
        with translated("read runs", str(self.path)):
            return runs.file_ingested(self._con, path, size, mtime)

    def runs(self) -> list[RunInfo]:
        """Every ingest run, oldest first."""
        with translated("read runs", str(self.path)):
            return runs.runs(self._con)

    # -- queries ------------------------------------------------------------------------------

    def backlinks(
        self,
        target: Target,
        *,
        follow_only: bool = False,
        placement: str | None = None,
        limit: int | None = None,
        include_internal: bool = False,
    ) -> list[Link]:
        """Links to the target, followed first, then by source domain and URL."""
        with translated("backlinks query", str(self.path)):
            return queries.backlinks(
                self._con,
                target,
                follow_only=follow_only,
                placement=placement,
                limit=limit,
                include_internal=include_internal,
            )

    def refdomains(
        self, target: Target, *, follow_only: bool = False, limit: int | None = None
    ) -> list[RefDomain]:
        """Referring domains of the target, most links first."""
        with translated("refdomains query", str(self.path)):
            return queries.refdomains(self._con, target, follow_only=follow_only, limit=limit)

    def anchors(
        self, target: Target, *, follow_only: bool = False, limit: int | None = None
    ) -> list[AnchorStat]:
        """Anchor texts pointing at the target, most used first."""
        with translated("anchors query", str(self.path)):
            return queries.anchors(self._con, target, follow_only=follow_only, limit=limit)

    def profile(self, target: Target, *, top: int = 10, brands: Sequence[str] = (),
                keywords: Sequence[str] = (), referrals: Sequence[ReferrerVisits] = ()
                ) -> Profile:
        """The backlink profile of the target, every section (store/profile.py)."""
        with translated("profile query", str(self.path)):
            return _profile.profile(self._con, target, top=top, brands=brands, keywords=keywords,
                                    referrals=referrals)

    def site_texts(self, domain: str) -> tuple[list[str], list[list[str]]]:
        """Titles (home page first) and term lists of a domain's own pages."""
        with translated("site texts query", str(self.path)):
            return _profile.site_texts(self._con, domain)

    def audit_data(self, target: Target, *, limit: int | None = None) -> AuditData:
        """What the audit reads about a target: its links with their pages, referring domains,
        shared ids and templates, interlinking, the site's terms (store/auditdata.py)."""
        with translated("audit query", str(self.path)):
            return auditdata.audit_data(self._con, target, limit=limit)

    def outlinks(self, url: str, *, limit: int | None = None) -> list[Link]:
        """Links on the page ``url``, in page order."""
        with translated("outlinks query", str(self.path)):
            return queries.outlinks(self._con, url, limit=limit)

    def counts(self) -> dict[str, int]:
        """Pages, links, distinct domains and runs in the index."""
        with translated("counts query", str(self.path)):
            return queries.counts(self._con)

    def site_pages(self, domains: Sequence[str], pattern: str) -> list[Page]:
        """Pages of sites with addresses or a URL/title matching ``pattern`` (store/sites.py)."""
        with translated("site pages query", str(self.path)):
            return sites.site_pages(self._con, domains, pattern)

    def site_links(self, domains: Sequence[str], pattern: str) -> list[Link]:
        """Internal links of sites whose URL or anchor matches ``pattern``, one per target."""
        with translated("site links query", str(self.path)):
            return sites.site_links(self._con, domains, pattern)

    def host_stats(self, hosts: Sequence[str]) -> list[HostStats]:
        """What the index knows about each host (pages, words, referrers, shared IDs)."""
        with translated("host facts query", str(self.path)):
            return host_stats(self._con, hosts)

    # -- graphs and scores (store/graph.py, docs/authority.md) ----------------------------------

    def _graphs_ready(self) -> None:
        row = first(self._con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'graph_catalog'").fetchall())
        if not row or not row[0]:
            raise StoreError(f"index {self.path} has no graphs yet: run 'linkatlas rank' or "
                             "'linkatlas graph import' first")

    def build_graph(self, level: str, *, all_links: bool = False) -> GraphInfo:
        """Build and store ``index:LEVEL`` (domain, host or page) from the links table."""
        with self._transaction("build a graph"):
            return _graph.build_index_graph(self._con, level, all_links=all_links)

    def import_graph(self, graph: str, path: Path, *, level: str,
                     fold: Callable[[str], str] | None = None, fold_name: str = "") -> GraphInfo:
        """Import a two-column edge list as ``graph`` (replacing a graph of that name)."""
        with self._transaction("import a graph"):
            return _graph.import_edge_list(self._con, graph, path, level=level, fold=fold,
                                           fold_name=fold_name)

    def import_cc_graph(self, graph: str, vertices: Path, edges: Path, *,
                        level: str) -> GraphInfo:
        """Import a Common Crawl web-graph release (vertices and edges files) as ``graph``."""
        with self._transaction("import a graph"):
            return _graph.import_common_crawl(self._con, graph, vertices, edges, level=level)

    def import_cc_ranks(
        self, graph: str, path: Path, *,
        score: Callable[[npt.NDArray[np.float64], int, float], npt.NDArray[np.float64]],
        rank: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.int64]], version: int,
    ) -> tuple[int, int]:
        """Store a Common Crawl ranks file as the graph's scores; (matched, unknown) rows."""
        with self._transaction("import ranks"):
            return _graph.import_cc_ranks(self._con, graph, path, score=score, rank=rank,
                                          version=version)

    def graph_edges(self, graph: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
        """(src ids, dst ids, node count) of a stored graph."""
        self._graphs_ready()
        with translated("read a graph", str(self.path)):
            return _graph.edges(self._con, graph)

    def write_scores(self, graph: str, pagerank: npt.NDArray[np.float64],
                     harmonic: npt.NDArray[np.float64] | None, score: npt.NDArray[np.float64],
                     rank: npt.NDArray[np.int64], version: int) -> None:
        """Replace a graph's scores (arrays indexed by node id) in one transaction."""
        ids = np.arange(len(pagerank), dtype=np.int64)
        with self._transaction("write scores"):
            _graph.write_scores(self._con, graph, ids, pagerank, harmonic, score, rank, version)

    def graphs(self, graph: str | None = None) -> list[GraphInfo]:
        """Stored graphs (or the one named)."""
        self._graphs_ready()
        with translated("list graphs", str(self.path)):
            return _graph.catalog(self._con, graph)

    def scores(self, graph: str, *, limit: int | None = None) -> list[AuthorityRow]:
        """Scored nodes of a graph, best first."""
        self._graphs_ready()
        with translated("read scores", str(self.path)):
            return _graph.score_rows(self._con, graph, limit)

    def score(self, graph: str, name: str) -> AuthorityRow | None:
        """The scores of one node of a graph, or None."""
        self._graphs_ready()
        with translated("read scores", str(self.path)):
            return _graph.score_row(self._con, graph, name)

    def pagerank_vector(self, graph: str, n: int) -> npt.NDArray[np.float64]:
        """Stored PageRank of a graph's nodes, indexed by id."""
        with translated("read scores", str(self.path)):
            return _graph.pagerank_vector(self._con, graph, n)

    def node_id(self, graph: str, name: str) -> int | None:
        """The id of a named node of a graph, or None."""
        self._graphs_ready()
        with translated("read a graph", str(self.path)):
            return _graph.node_ids(self._con, graph, name)

    def node_names(self, graph: str, ids: npt.NDArray[np.int64]) -> list[str]:
        """Names of node ids of a graph, in order."""
        with translated("read a graph", str(self.path)):
            return _graph.node_names(self._con, graph, ids)

    # -- referral traffic (store/traffic.py, docs/traffic.md) ---------------------------------

    def replace_referrals(
        self, observed_in: str, site: str, rows: Iterable[Referral]
    ) -> tuple[int, int]:
        """Replace one file's referral rows for a site in one transaction; (removed, written)."""
        with self._transaction("write referrals"):
            return _traffic.replace_file(self._con, observed_in, site, rows)

    def referral_visits(self, target: Target, *, limit: int | None = None) -> list[ReferrerVisits]:
        """Referral visits to the target per referring domain (visits, first and last day)."""
        with translated("referrals query", str(self.path)):
            return _traffic.referrer_domains(self._con, target, limit)

    def referring_pages(
        self, target: Target, *, limit: int | None = None
    ) -> list[ReferringPageVisits]:
        """Referral visits to the target per referring page."""
        with translated("referrals query", str(self.path)):
            return _traffic.referring_pages(self._con, target, limit)

    def landing_visits(self, target: Target, *, limit: int | None = None) -> list[LandingVisits]:
        """Visits per landing page of the target (and the status it answered)."""
        with translated("referrals query", str(self.path)):
            return _traffic.landing_pages(self._con, target, limit)

    def dead_pages(self, target: Target, *, limit: int | None = None) -> list[DeadPage]:
        """404/410 landing pages of the target that still get visits, with their referrers."""
        with translated("referrals query", str(self.path)):
            return _traffic.dead_pages(self._con, target, limit)

    def referrals_checksum(self) -> str:
        """An order-independent digest of the referrals table."""
        with translated("checksum", str(self.path)):
            return _traffic.checksum(self._con)


    def sightings(self, target: Target, *, limit: int | None = None) -> list[Sighting]:
        """Every source's sighting of the target's backlinks (store/sightings.py)."""
        with translated("sources query", str(self.path)):
            return sightings.sightings(self._con, target, limit=limit)

    def source_counts(self, target: Target) -> dict[str, tuple[dict[str, SourceCounts], int]]:
        """Per unit (backlinks, refdomains): what each source saw, and the union's size."""
        with translated("sources query", str(self.path)):
            return sightings.source_counts(self._con, target)


class _Transaction:
    """BEGIN/COMMIT around a block; ROLLBACK and a StoreError on any duckdb error."""

    def __init__(self, con: duckdb.DuckDBPyConnection, action: str, path: str) -> None:
        self._con = con
        self._action = action
        self._path = path

    def __enter__(self) -> None:
        with translated(self._action, self._path):
            self._con.execute("BEGIN")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            with translated(self._action, self._path):
                self._con.execute("COMMIT")
                drop_temps(self._con)
            return
        # The transaction may already be aborted; the original error is what matters.
        with contextlib.suppress(duckdb.Error):
            self._con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            with translated(self._action, self._path):
                raise exc
