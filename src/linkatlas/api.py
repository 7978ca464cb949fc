"""The public verbs of linkatlas: the one place that wires sources, extraction and the index.

Every verb opens the index it is given (``db``; the ``db`` setting by default), does one thing
and returns typed rows from ``linkatlas.model``. ``to_frame`` turns rows into a pandas or polars
DataFrame for notebook users.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as _dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast

import numpy as np

from linkatlas import graph as _graph
from linkatlas import settings as _settings
from linkatlas import urls
from linkatlas.errors import InputError, LinkatlasError, SourceError, StoreError
from linkatlas.extract import links_from_page
from linkatlas.extract.wat import WatRecord, from_wat_record
from linkatlas.graph import scores as _scores
from linkatlas.graph.scores import SCORE_VERSION
from linkatlas.model import (
    AnchorStat,
    Authority,
    AuthorityRow,
    Capture,
    Contribution,
    Extracted,
    FrontierEntry,
    GraphInfo,
    Link,
    LinkKind,
    Page,
    Placement,
    Profile,
    RefDomain,
    Skipped,
    Target,
)
from linkatlas.sources import open_path
from linkatlas.sources.crawler import CrawlConfig, Crawler, CrawlProgress, CrawlStats
from linkatlas.sources.fetch import Limits as FetchLimits
from linkatlas.sources.guard import parse_allow_net
from linkatlas.sources.robots import RobotsTxt, Verdict
from linkatlas.sources.verify import Verification, verify_page
from linkatlas.store import Index

log = logging.getLogger("linkatlas")

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".wat", ".wat.gz", ".arc", ".arc.gz")


def _db(db: str | Path | None) -> Path:
    return Path(db) if db is not None else Path(_settings.load()["db"])


def _reader(db: str | Path | None) -> Index:
    """The index opened for reading; a missing file is a clear error, not an empty index."""
    path = _db(db)
    if not path.exists():
        raise StoreError(f"no index at {path}: run 'linkatlas ingest' first, or pass --db")
    return Index(path, read_only=True)


def parse_target(text: str) -> Target:
    """A Target from what a user typed: a domain, a host or a URL."""
    scope, value = urls.parse_target(text)
    if scope in ("domain", "host", "url"):
        return Target(scope=cast(Literal["domain", "host", "url"], scope), value=value)
    raise InputError(f"cannot tell what {text!r} is: give a domain, a host or a URL")


# ---------------------------------------------------------------------------------- ingest


@dataclasses.dataclass(slots=True)
class IngestProgress:
    """Where an ingest is: the file being read and the running totals."""

    path: str
    file_index: int
    files: int
    records: int
    pages: int
    links: int
    skipped: int


@dataclasses.dataclass(slots=True)
class IngestReport:
    """What an ingest did: counts, skips with their reasons, files that could not be read."""

    run_id: int
    files: int = 0
    records: int = 0
    pages: int = 0
    links: int = 0
    skipped: int = 0
    skip_reasons: collections.Counter[str] = dataclasses.field(
        default_factory=collections.Counter
    )
    failed_files: dict[str, str] = dataclasses.field(default_factory=dict)
    unchanged_files: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: each path as given, directories searched for WARC/WAT/ARC files."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)
            )
            if not found:
                raise InputError(f"{path}: no WARC, WAT or ARC files in this directory")
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return out


def _extracted(
    items: Iterator[Capture | WatRecord | Skipped], context_chars: int
) -> Iterator[Extracted | Skipped]:
    """Extraction of each record; a record extraction cannot handle is skipped, not fatal."""
    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        where = item.observed_in
        try:
            if isinstance(item, Capture):
                yield links_from_page(item, context_chars=context_chars)
            else:
                result = from_wat_record(item)
                if result is not None:
                    yield result
        except LinkatlasError as exc:
            yield Skipped(where, str(exc))
        except Exception as exc:
            # A hostile page must cost one record, never the run (nor the batches before it).
            # The reason names the exception, so a bug shows up in the skip counts, not silently.
            log.debug("extraction failed on %s", where, exc_info=True)
            yield Skipped(where, f"extraction failed: {type(exc).__name__}: {exc}"[:300])


def _reason_kind(reason: str) -> str:
    return reason.split(":", 1)[0].strip()[:80] or "unknown"


def ingest(
    paths: Sequence[str | Path],
    *,
    db: str | Path | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    force: bool = False,
    **overrides: Any,
) -> IngestReport:
    """Read WARC, WAT and ARC files into the index; returns what was read, stored and skipped.

    A file a previous run finished (same path, size and mtime) is not read again unless
    ``force``; a file a killed run left half-read is read again (merging is idempotent).
    """
    conf = _settings.load(overrides)
    files = expand_paths(paths)
    batch_size = int(conf["batch_size"])
    started = time.perf_counter()
    with Index(_db(db if db is not None else conf["db"])) as index:
        report = IngestReport(run_id=index.begin_run([str(p) for p in files]))
        status = "failed"
        try:
            for number, path in enumerate(files):
                stat = path.stat()
                key = str(path.resolve())
                mtime = _dt.datetime.fromtimestamp(stat.st_mtime, tz=_dt.UTC)
                if not force and index.file_ingested(key, stat.st_size, mtime):
                    report.unchanged_files.append(str(path))
                    continue
                index.file_started(report.run_id, key, stat.st_size, mtime)
                _ingest_file(index, report, path, key, number, len(files), batch_size, conf,
                             progress)
            status = "done"
        finally:
            report.seconds = time.perf_counter() - started
            stats = {k: getattr(report, k) for k in ("files", "records", "pages", "links")}
            stats["skipped"] = report.skipped
            index.finish_run(report.run_id, status, stats)
        if report.links or report.pages:
            index.optimize(if_needed=True)
    return report


def _ingest_file(
    index: Index,
    report: IngestReport,
    path: Path,
    key: str,
    number: int,
    total: int,
    batch_size: int,
    conf: dict[str, Any],
    progress: Callable[[IngestProgress], None] | None,
) -> None:
    pages: list[Page] = []
    links: list[Link] = []
    records = skipped = 0

    def flush() -> None:
        if pages or links:
            index.write(pages, links)
            report.pages += len(pages)
            report.links += len(links)
            pages.clear()
            links.clear()

    def tick() -> None:
        if progress is not None:
            progress(
                IngestProgress(str(path), number, total, report.records, report.pages,
                               report.links + len(links), report.skipped)
            )

    try:
        items = open_path(path, max_body_bytes=int(conf["max_body_bytes"]))
        stream = _extracted(items, int(conf["context_chars"]))
        for item in stream:
            records += 1
            report.records += 1
            if isinstance(item, Skipped):
                skipped += 1
                report.skipped += 1
                report.skip_reasons[_reason_kind(item.reason)] += 1
                log.info("skipped %s: %s", item.observed_in, item.reason)
            else:
                pages.append(item.page)
                links.extend(item.links)
                if len(links) >= batch_size or len(pages) >= batch_size:
                    flush()
            if records % 200 == 0:
                tick()
        flush()
    except SourceError as exc:
        flush()  # what was read before the failure is kept
        report.failed_files[str(path)] = str(exc)
        log.error("%s", exc)
        index.file_done(report.run_id, key, records, skipped, status="failed")
        tick()
        return
    report.files += 1
    index.file_done(report.run_id, key, records, skipped, status="done")
    tick()


# ---------------------------------------------------------------------------------- crawl

# Links the crawler follows: hyperlinks and the ways a page sends a client elsewhere.
FOLLOW_KINDS = frozenset({LinkKind.A, LinkKind.IMAGE, LinkKind.AREA, LinkKind.CANONICAL,
                          LinkKind.REFRESH, LinkKind.REDIRECT})


@dataclasses.dataclass(slots=True)
class CrawlReport:
    """What a crawl did, and where its frontier stands."""

    name: str
    stats: CrawlStats
    frontier: dict[str, int]
    skipped_pages: int = 0


def crawl(
    seeds: Sequence[str],
    *,
    db: str | Path | None = None,
    name: str = "crawl",
    allow_net: Sequence[str] = (),
    address_map: dict[str, tuple[str, int]] | None = None,
    progress: Callable[[CrawlProgress], None] | None = None,
    context_chars: int | None = None,
    **options: Any,
) -> CrawlReport:
    """Crawl from the seeds into the index; a crawl of the same name resumes where it stopped.

    ``options`` are ``CrawlConfig`` fields (max_pages, max_depth, hosts, include, exclude,
    min_delay, per_host_concurrency, global_concurrency, user_agent, timeouts, ...).
    """
    conf = _settings.load({"context_chars": context_chars})
    try:
        config = CrawlConfig(name=name, seeds=tuple(seeds), net_policy=parse_allow_net(allow_net),
                             address_map=address_map, **options)
    except TypeError as exc:
        raise InputError(f"unknown crawl option: {exc}") from exc
    chars = int(conf["context_chars"])
    with Index(_db(db if db is not None else conf["db"])) as index:
        frontier = index.frontier(name)
        skipped = 0

        def on_capture(capture: Capture, entry: FrontierEntry) -> list[str]:
            nonlocal skipped
            try:
                result = links_from_page(capture, context_chars=chars)
            except Exception:  # one hostile page costs itself, never the crawl
                log.debug("extraction failed on %s", capture.url, exc_info=True)
                skipped += 1
                return []
            frontier.stage([result.page], result.links)
            return [link.target_url for link in result.links if link.kind in FOLLOW_KINDS]

        crawler = Crawler(config, frontier, on_capture, progress=progress)
        try:
            stats = asyncio.run(crawler.run())
        finally:
            frontier.close()
        index.optimize(if_needed=True)
        return CrawlReport(name=name, stats=stats, frontier=frontier.counts(),
                           skipped_pages=skipped)


# ---------------------------------------------------------------------------------- verify


def verify(
    page_url: str,
    to: str | Target,
    *,
    allow_net: Sequence[str] = (),
    address_map: dict[str, tuple[str, int]] | None = None,
    follow_redirectors: bool = False,
    timeout: float = 30.0,
) -> Verification:
    """Fetch one page (guarded) and say whether it links to ``to`` and passes credit.

    A fetch failure (blocked URL, network, too many redirects) is a ``fetch-failed`` verdict,
    not an exception; a bad target or page URL raises InputError.
    """
    tgt = to if isinstance(to, Target) else parse_target(to)
    text = page_url.strip()
    if "://" not in text:
        text = "https://" + text  # as parse_target does for a URL without a scheme
    if urls.parts(text) is None:
        raise InputError(f"{page_url!r} is not a page URL (like https://example.com/page)")
    if timeout <= 0:
        raise InputError("--timeout must be positive")
    limits = FetchLimits(connect=min(10.0, timeout), read=min(20.0, timeout), total=timeout)
    return asyncio.run(verify_page(text, tgt, policy=parse_allow_net(allow_net),
                                   address_map=address_map,
                                   follow_redirectors=follow_redirectors, limits=limits))


# ---------------------------------------------------------------------------------- queries


def backlinks(
    target: str | Target,
    *,
    db: str | Path | None = None,
    follow_only: bool = False,
    placement: str | None = None,
    limit: int | None = None,
    include_internal: bool = False,
) -> list[Link]:
    """Links pointing at a domain, host or URL."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    if placement is not None and placement not in {p.value for p in Placement}:
        choices = ", ".join(p.value for p in Placement)
        raise InputError(f"unknown placement {placement!r}: choose one of {choices}")
    with _reader(db) as index:
        return index.backlinks(
            tgt, follow_only=follow_only, placement=placement, limit=limit,
            include_internal=include_internal,
        )


def refdomains(
    target: str | Target,
    *,
    db: str | Path | None = None,
    follow_only: bool = False,
    limit: int | None = None,
) -> list[RefDomain]:
    """Referring domains of a target, most links first."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        return index.refdomains(tgt, follow_only=follow_only, limit=limit)


def anchors(
    target: str | Target,
    *,
    db: str | Path | None = None,
    follow_only: bool = False,
    limit: int | None = None,
) -> list[AnchorStat]:
    """Anchor texts pointing at a target, most links first."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        return index.anchors(tgt, follow_only=follow_only, limit=limit)


def outlinks(url: str, *, db: str | Path | None = None, limit: int | None = None) -> list[Link]:
    """Links found on one page, in page order."""
    norm = urls.normalize(url)
    with _reader(db) as index:
        return index.outlinks(norm, limit=limit)


def counts(*, db: str | Path | None = None) -> dict[str, int]:
    """How many pages, links, domains and runs the index holds."""
    with _reader(db) as index:
        return index.counts()


def export(
    what: Literal["links", "pages"] = "links",
    *,
    fmt: Literal["parquet", "csv"] = "parquet",
    path: str | Path | None = None,
    stream: BinaryIO | None = None,
    db: str | Path | None = None,
) -> int:
    """Write the links or pages table as Parquet or CSV (CSV to ``stream`` when no path)."""
    if what not in ("links", "pages"):
        raise InputError(f"cannot export {what!r}: choose links or pages")
    if fmt not in ("parquet", "csv"):
        raise InputError(f"unknown format {fmt!r}: choose parquet or csv")
    if path is None and (fmt != "csv" or stream is None):
        raise InputError("Parquet needs an output path (-o PATH)")
    with _reader(db) as index:
        return index.export(what, Path(path) if path is not None else None, fmt, stream=stream)


def import_parquet(
    path: str | Path, *, what: Literal["links", "pages"] = "links", db: str | Path | None = None
) -> int:
    """Merge a Parquet file with the links or pages schema into the index."""
    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    with Index(_db(db)) as index:
        return index.import_parquet(what, Path(path))


def profile(target: str | Target, *, db: str | Path | None = None, top: int = 10) -> Profile:
    """The backlink profile of a target: totals, rel split, placement, top domains and anchors."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        return index.profile(tgt, top=top)


def robots_check(robots_file: str | Path, urls_: Sequence[str], agent: str) -> list[Verdict]:
    """For each URL, whether the robots.txt file lets ``agent`` fetch it, and the deciding rule."""
    path = Path(robots_file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    parsed = RobotsTxt.parse(content)
    return [parsed.check(url, agent) for url in urls_]


# ---------------------------------------------------------------------------------- demo


@dataclasses.dataclass(slots=True)
class DemoResult:
    """What the demo built and found."""

    warc: Path
    db: Path
    sites: int
    pages: int
    report: IngestReport
    crawl: CrawlReport | None
    profile: Profile


def demo(directory: str | Path = "out/demo", *, seed: int = 7, live: bool = True,
         crawl_progress: Callable[[CrawlProgress], None] | None = None) -> DemoResult:
    """Build the sample web, write it as a WARC and ingest it afresh; with ``live``, also serve
    it over HTTP on loopback and crawl it politely into the same index; profile its target."""
    from linkatlas import sample
    from linkatlas.sample.server import SampleServer

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    web = sample.build(seed=seed)
    warc = folder / "sample-web.warc.gz"
    sample.write_warc(web, warc)
    db = folder / "linkatlas.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    report = ingest([warc], db=db)
    crawled = None
    if live:
        with SampleServer(web) as server:
            crawled = crawl(
                [f"https://{site.host}/" for site in web.sites], db=db, name="demo",
                allow_net=["127.0.0.0/8"], address_map=server.address_map(),
                progress=crawl_progress, min_delay=0.05, max_pages=0,
            )
    n_pages = sum(1 for _ in web.pages())
    return DemoResult(
        warc=warc, db=db, sites=len(web.sites), pages=n_pages, report=report, crawl=crawled,
        profile=profile(urls.registrable_domain(web.target_host), db=db),
    )


# ---------------------------------------------------------------------------------- frames


def to_frame(rows: Sequence[Any], library: Literal["pandas", "polars"] = "pandas") -> Any:
    """A pandas or polars DataFrame of typed rows (Link, RefDomain, AnchorStat, ...)."""
    records = [_row_dict(r) for r in rows]
    if library == "pandas":
        import pandas

        return pandas.DataFrame.from_records(records)
    if library == "polars":
        import polars

        return polars.DataFrame(records)
    raise InputError(f"unknown DataFrame library {library!r}: choose pandas or polars")


def _row_dict(row: Any) -> dict[str, Any]:
    out = {}
    for field in dataclasses.fields(row):
        value = getattr(row, field.name)
        out[field.name] = list(value) if isinstance(value, tuple) else value
    return out


# ---------------------------------------------------------------------------------- graphs
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
