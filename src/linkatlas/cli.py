"""The command line: a thin shell over ``linkatlas.api``.

Each command is one loop around one library call. Errors from the library become one line on
standard error and an exit code here, in ``main``, and nowhere else.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import enum
import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas import settings as _settings
from linkatlas.errors import LinkatlasError
from linkatlas.sources.crawler import CrawlProgress

app = typer.Typer(
    name="linkatlas",
    help="An open backlink index: ingest web archives, then ask who links to a site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.callback()
def _options(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail (-vv).")]
    = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
) -> None:
    """An open backlink index: ingest web archives, then ask who links to a site."""
    levels = (logging.WARNING, logging.INFO, logging.DEBUG)
    level = logging.ERROR if quiet else levels[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


class Format(enum.StrEnum):
    """Output formats of the query commands."""

    table = "table"
    csv = "csv"
    json = "json"


DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB index file [default: setting 'db', ./linkatlas.duckdb]."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N rows.")]
FollowOpt = Annotated[
    bool, typer.Option("--follow-only", help="Only links that pass ranking credit.")
]


def _jsonable(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return " ".join(str(v) for v in value)
    return str(value)


def _emit(rows: list[Any], fmt: Format, columns: list[str], title: str) -> None:
    """Print typed rows as a Rich table, CSV (all fields) or JSON (all fields)."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps([_jsonable(r) for r in rows], ensure_ascii=False, indent=1))
        sys.stdout.write("\n")
        return
    if fmt is Format.csv:
        names = [f.name for f in dataclasses.fields(rows[0])] if rows else columns
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_jsonable(getattr(row, n)) for n in names])
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in columns:
        table.add_column(name.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(Text(_cell(getattr(row, n))) for n in columns))
    out.print(table)
    if not rows:
        err.print("no rows")


class _RateColumn(ProgressColumn):
    """Records per second of the whole ingest."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started

    def render(self, task: Task) -> Text:
        rate = task.completed / max(time.perf_counter() - self.started, 1e-9)
        return Text(f"{rate:,.0f} records/s", style="cyan")


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="WARC, WARC.gz, WAT or ARC files, or folders.")
    ],
    db: DbOpt = None,
    batch_size: Annotated[int | None, typer.Option(help="Links per batched write.")] = None,
    context_chars: Annotated[int | None, typer.Option(help="Context kept around links.")] = None,
    force: Annotated[
        bool, typer.Option(help="Read files again even if an earlier run finished them.")
    ] = False,
) -> None:
    """Read web archives into the index."""
    files = api.expand_paths(paths)  # a wrong path fails before any work starts
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.completed:,} records"),
        _RateColumn(started),
        TextColumn("{task.fields[links]:,} links, {task.fields[skipped]:,} skipped"),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("ingest", total=None, links=0, skipped=0)

        def progress(p: api.IngestProgress) -> None:
            name = Path(p.path).name
            bar.update(
                task, completed=p.records, links=p.links, skipped=p.skipped,
                description=f"[{p.file_index + 1}/{p.files}] {name}",
            )

        report = api.ingest(
            files, db=db, progress=progress, force=force, batch_size=batch_size,
            context_chars=context_chars,
        )
    rate = report.records / max(report.seconds, 1e-9)
    out.print(
        f"ingested {report.files} file(s): {report.records:,} records, {report.pages:,} pages, "
        f"{report.links:,} links, {report.skipped:,} skipped in {report.seconds:.1f} s "
        f"({rate:,.0f} records/s)"
    )
    if report.unchanged_files:
        out.print(f"  {len(report.unchanged_files)} file(s) already ingested, not read again "
                  "(--force reads them)")
    for reason, count in report.skip_reasons.most_common(10):
        out.print(f"  skipped {count:,}: {reason}")
    for path, why in report.failed_files.items():
        err.print(f"[red]failed[/red] {path}: {why}")
    if report.failed_files:
        raise typer.Exit(1)


AllowNetOpt = Annotated[
    list[str] | None,
    typer.Option("--allow-net", help="Let fetches reach this network (CIDR), e.g. an intranet; "
                 "repeatable. Private and loopback addresses are refused otherwise."),
]


def _address_map(values: list[str] | None) -> dict[str, tuple[str, int]] | None:
    """HOST=ADDRESS:PORT pairs (a test/demo transport: connect to ADDRESS for HOST)."""
    if not values:
        return None
    out: dict[str, tuple[str, int]] = {}
    for value in values:
        host, _, target = value.partition("=")
        address, _, port = target.rpartition(":")
        if not host or not address or not port.isdigit():
            raise typer.BadParameter(f"{value!r}: expected HOST=ADDRESS:PORT")
        out[host.lower()] = (address, int(port))
    return out


@app.command()
def crawl(
    seeds: Annotated[list[str], typer.Argument(help="Start URLs.")],
    db: DbOpt = None,
    name: Annotated[str, typer.Option(help="Crawl name: the same name resumes.")] = "crawl",
    hosts: Annotated[list[str] | None, typer.Option("--hosts", help="Only these hosts "
                     "(repeatable) [default: the seeds' registrable domains].")] = None,
    max_depth: Annotated[int, typer.Option(min=0, help="Link hops from a seed.")] = 5,
    max_pages: Annotated[int, typer.Option(min=0, help="Pages this run (0: no limit).")] = 1000,
    include: Annotated[list[str] | None, typer.Option(help="Only URLs matching this regex "
                       "(repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Skip URLs matching this regex "
                       "(repeatable).")] = None,
    delay: Annotated[float, typer.Option(min=0, help="Seconds between requests to a host.")] = 1.0,
    per_host: Annotated[int, typer.Option(min=1, help="Requests in flight per host.")] = 1,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight in all.")] = 32,
    user_agent: Annotated[str | None, typer.Option(help="User-agent, with a contact URL.")] = None,
    allow_net: AllowNetOpt = None,
    map_host: Annotated[list[str] | None, typer.Option(help="HOST=ADDRESS:PORT: connect to "
                        "ADDRESS for HOST (testing and demos; repeatable).", hidden=True)] = None,
) -> None:
    """Crawl politely from seed URLs into the index (robots.txt, per-host delays, sitemaps)."""
    options: dict[str, Any] = {
        "hosts": tuple(hosts or ()), "max_depth": max_depth, "max_pages": max_pages,
        "include": tuple(include or ()), "exclude": tuple(exclude or ()), "min_delay": delay,
        "per_host_concurrency": per_host, "global_concurrency": concurrency,
    }
    if user_agent:
        options["user_agent"] = user_agent
    with Progress(
        SpinnerColumn(), TextColumn("[bold]crawl[/bold] {task.completed:,} pages"),
        TextColumn("[cyan]{task.fields[rate]:,.1f} pages/s[/cyan]"),
        TextColumn("queue {task.fields[queued]:,}, in flight {task.fields[flight]}, "
                   "errors {task.fields[errors]:,}"),
        console=err,
    ) as bar:
        task = bar.add_task("crawl", total=None, rate=0.0, queued=0, flight=0, errors=0)

        def progress(p: CrawlProgress) -> None:
            bar.update(task, completed=p.pages, rate=p.pages_per_second, queued=p.queued,
                       flight=p.in_flight, errors=p.errors)

        report = api.crawl(seeds, db=db, name=name, allow_net=allow_net or (),
                           address_map=_address_map(map_host), progress=progress, **options)
    _print_crawl(report)


def _print_crawl(report: api.CrawlReport) -> None:
    s = report.stats
    out.print(f"crawled {s.pages:,} pages, {s.links:,} links in {s.seconds:.1f} s "
              f"({s.pages / max(s.seconds, 1e-9):,.1f} pages/s), {s.bytes / 1e6:,.1f} MB")
    out.print(f"  blocked by robots.txt {s.blocked_robots:,}, by the fetch guard "
              f"{s.blocked_guard:,}; redirects {s.redirects:,}, retries {s.retries:,}")
    if s.errors:
        out.print("  errors: " + ", ".join(f"{k} {v:,}" for k, v in s.errors.most_common()))
    if s.skipped:
        out.print("  skipped: " + ", ".join(f"{k} {v:,}" for k, v in s.skipped.most_common()))
    states = ", ".join(f"{k} {v:,}" for k, v in sorted(report.frontier.items()))
    out.print(f"  frontier '{report.name}': {states}")


class VerifyFormat(enum.StrEnum):
    """Output formats of ``verify``."""

    table = "table"
    json = "json"


_VERIFY_HELP = (
    "Fetch a page: does it link to the target, and does the link pass credit?\n\n"
    "Exit codes: 0 a link passing credit; 1 links found but none passes credit (rel, robots, "
    "canonical, status) or the target is reached only through a redirector; 3 no link to the "
    "target; 5 the page could not be fetched (fetch guard, network, redirects); 2 usage error."
)


@app.command(help=_VERIFY_HELP)
def verify(
    page_url: Annotated[str, typer.Argument(help="The page that should link.")],
    to: Annotated[str, typer.Option("--to", help="Target: a domain, host or URL.")],
    fmt: Annotated[VerifyFormat, typer.Option("--format", "-f", help="table or json.")]
    = VerifyFormat.table,
    follow_redirectors: Annotated[bool, typer.Option(
        "--follow-redirectors", help="Follow redirector and shortener links (HEAD, guarded) "
        "to confirm where they land.")] = False,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds for the whole page fetch.")]
    = 30.0,
    allow_net: AllowNetOpt = None,
    map_host: Annotated[list[str] | None, typer.Option(help="HOST=ADDRESS:PORT: connect to "
                        "ADDRESS for HOST (testing and demos; repeatable).", hidden=True)] = None,
) -> None:
    """Fetch a page and say whether it links to a target (help and exit codes: _VERIFY_HELP)."""
    result = api.verify(page_url, to, allow_net=allow_net or (),
                        address_map=_address_map(map_host),
                        follow_redirectors=follow_redirectors, timeout=timeout)
    if fmt is VerifyFormat.json:
        data = {**_jsonable(result), "redirected": result.redirected,
                "exit_code": result.exit_code}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    elif result.verdict == "fetch-failed":
        sys.stderr.write(f"error: cannot fetch {result.page_url}: {result.error}\n")
    else:
        _print_verification(result)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


_VERDICT_TEXT = {
    "links": ("[green]links, passing credit[/green]", "links to"),
    "links-no-credit": ("[yellow]links, no credit[/yellow]", "links to"),
    "redirect-only": ("[yellow]redirect only[/yellow]", "reaches only through a redirector"),
    "no-link": ("[red]no link[/red]", "does not link to"),
}


def _print_verification(v: Any) -> None:
    label, words = _VERDICT_TEXT[v.verdict]
    out.print(f"{label}: {v.final_url} {words} {v.target} (HTTP {v.status})", highlight=False)
    for issue in v.issues:
        out.print(Text(f"  ! {issue}"))
    if not v.links:
        return
    table = Table(title_justify="left")
    for name in ("anchor", "target url", "kind", "rel", "placement", "credit", "why not"):
        table.add_column(name, overflow="fold")
    for row in v.links:
        target = row.target_url if not row.redirect_only else f"{row.target_url} via {row.href_url}"
        table.add_row(Text(row.anchor), Text(target), row.kind, Text(row.rel), row.placement,
                      "yes" if row.passes_credit else "no", Text("; ".join(row.reasons)))
    out.print(table)


@app.command()
def backlinks(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    follow_only: FollowOpt = False,
    placement: Annotated[
        str | None, typer.Option(help="content, navigation, header, footer, sidebar, comment.")
    ] = None,
    internal: Annotated[bool, typer.Option(help="Include links from the same domain.")] = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Links pointing at a target."""
    rows = api.backlinks(
        target, db=db, follow_only=follow_only, placement=placement, limit=limit,
        include_internal=internal,
    )
    cols = ["source_url", "target_url", "anchor", "kind", "rel", "passes_credit", "placement",
            "last_seen"]
    _emit(rows, fmt, cols, f"backlinks of {target}")


@app.command()
def refdomains(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    follow_only: FollowOpt = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Domains linking to a target."""
    rows = api.refdomains(target, db=db, follow_only=follow_only, limit=limit)
    cols = ["domain", "links", "followed_links", "pages", "top_anchor", "first_seen", "last_seen"]
    _emit(rows, fmt, cols, f"referring domains of {target}")


@app.command()
def anchors(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    follow_only: FollowOpt = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Anchor texts of links to a target."""
    rows = api.anchors(target, db=db, follow_only=follow_only, limit=limit)
    _emit(rows, fmt, ["anchor", "links", "refdomains", "followed_links"], f"anchors of {target}")


@app.command()
def outlinks(
    url: Annotated[str, typer.Argument(help="A page URL.")],
    db: DbOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Links found on one page."""
    rows = api.outlinks(url, db=db, limit=limit)
    cols = ["position", "target_url", "anchor", "kind", "rel", "placement", "internal"]
    _emit(rows, fmt, cols, f"links on {url}")


@app.command()
def profile(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The backlink profile of a target at a glance."""
    prof = api.profile(target, db=db)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(prof), ensure_ascii=False, indent=1) + "\n")
        return
    _print_profile(prof)


def _print_profile(prof: Any) -> None:
    def pct(n: int) -> str:
        return f"{n:,} ({100 * n / prof.links:.0f}%)" if prof.links else "0"

    out.print(f"[bold]Backlink profile of {prof.target.value}[/bold] ({prof.target.scope})")
    out.print(
        f"  {prof.links:,} backlinks from {prof.refdomains:,} referring domains; "
        f"followed {pct(prof.followed)}, nofollow {pct(prof.nofollow)}, "
        f"sponsored {pct(prof.sponsored)}, ugc {pct(prof.ugc)}"
    )
    out.print("  placement: " + ", ".join(f"{k} {v}" for k, v in prof.by_placement.items()))
    out.print("  kind: " + ", ".join(f"{k} {v}" for k, v in prof.by_kind.items()))
    _emit(list(prof.top_refdomains), Format.table,
          ["domain", "links", "followed_links", "top_anchor"], "top referring domains")
    _emit(list(prof.top_anchors), Format.table,
          ["anchor", "links", "refdomains", "followed_links"], "top anchors")
    pages = Table(title="top linked pages", title_justify="left")
    pages.add_column("target url", overflow="fold")
    pages.add_column("links")
    for url, n in prof.top_pages:
        pages.add_row(Text(url), str(n))
    out.print(pages)


@app.command("robots-check")
def robots_check(
    robots_file: Annotated[Path, typer.Argument(help="A robots.txt file.")],
    urls: Annotated[list[str], typer.Argument(help="URLs (or paths) to check.")],
    agent: Annotated[str, typer.Option("--agent", "-a", help="User-agent to check for.")] = "*",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Say, for each URL, whether robots.txt allows it and which rule decided."""
    verdicts = api.robots_check(robots_file, urls, agent)
    if fmt is Format.table:
        for url, verdict in zip(urls, verdicts, strict=True):
            style = "green" if verdict.allowed else "red"
            out.print(Text(url + "  ", style="bold"), Text(verdict.explain(), style=style))
        return
    rows = [{"url": u, **_jsonable(v)} for u, v in zip(urls, verdicts, strict=True)]
    if fmt is Format.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@app.command()
def stats(db: DbOpt = None) -> None:
    """How many pages, links, domains and runs the index holds."""
    for name, value in api.counts(db=db).items():
        out.print(f"{name:>10}: {value:,}")


@app.command("export")
def export_(
    what: Annotated[str, typer.Option("--what", help="links or pages.")] = "links",
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output file; CSV goes to stdout if none.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Export the links or pages table as Parquet or CSV."""
    if output is None and fmt == "parquet":
        fmt = "csv"  # nothing to write Parquet to: CSV on standard output, as documented
    sys.stdout.flush()
    n = api.export(what, fmt=fmt, path=output, stream=sys.stdout.buffer, db=db)  # type: ignore[arg-type]
    if output is not None:
        out.print(f"wrote {n:,} {what} to {output}")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A Parquet file written by 'linkatlas export'.")],
    what: Annotated[str, typer.Option("--what", help="links or pages.")] = "links",
    db: DbOpt = None,
) -> None:
    """Merge a Parquet export (same schema) into the index."""
    n = api.import_parquet(path, what=what, db=db)  # type: ignore[arg-type]
    out.print(f"merged {n:,} {what} from {path}")


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo writes its files.")
    ] = Path("out/demo"),
    seed: Annotated[int, typer.Option(help="Seed of the generated sample web.")] = 7,
    live: Annotated[bool, typer.Option(help="Also serve the sample web on loopback and crawl "
                                       "it.")] = True,
) -> None:
    """Build the sample web, ingest it as a WARC, crawl it live, print a backlink profile."""
    with Progress(SpinnerColumn(), TextColumn("[bold]crawling the sample web[/bold] "
                  "{task.completed:,} pages, queue {task.fields[queued]:,}"), console=err,
                  transient=True) as bar:
        task = bar.add_task("crawl", total=None, queued=0)

        def progress(p: CrawlProgress) -> None:
            bar.update(task, completed=p.pages, queued=p.queued)

        result = api.demo(directory, seed=seed, live=live, crawl_progress=progress)
    out.print(f"sample web: {result.sites} sites, {result.pages} pages -> {result.warc}")
    out.print(
        f"ingested the WARC: {result.report.records:,} records, {result.report.pages:,} pages, "
        f"{result.report.links:,} links into {result.db} in {result.report.seconds:.2f} s"
    )
    if result.crawl is not None:
        out.print("crawled the same web live over HTTP on loopback (robots.txt, sitemaps, "
                  "per-host delays):")
        _print_crawl(result.crawl)
    _print_profile(result.profile)
    out.print(
        f"\nTry: linkatlas backlinks {result.profile.target.value} --db {result.db} --limit 20"
    )


@app.command("settings")
def settings_(
    markdown: Annotated[bool, typer.Option(help="Print the docs table.")] = False,
) -> None:
    """Show every setting with its value and where it comes from."""
    if markdown:
        sys.stdout.write(_settings.markdown_page())
        return
    values = _settings.load()
    for s in _settings.SETTINGS:
        out.print(f"{s.name} = {values[s.name]!r}  [dim]# {s.help}[/dim]")


# ---------------------------------------------------------------------------------- graphs

graph_app = typer.Typer(help="Link graphs: import external graphs, list nodes with their "
                        "scores.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")

GraphOpt = Annotated[str, typer.Option(
    "--graph", "-g", help="domain, host, page (the index's graphs) or an imported graph name.")]


def _score_table(rows: list[Any], title: str) -> None:
    """Scored nodes as a Rich table with readable numbers (CSV and JSON keep full precision)."""
    table = Table(title=title, title_justify="left")
    for name in ("rank", "name", "score", "pagerank", "harmonic"):
        table.add_column(name, overflow="fold", justify="left" if name == "name" else "right")
    for r in rows:
        hc = "" if r.harmonic is None else f"{r.harmonic:,.4g}"
        table.add_row(f"{r.rank:,}", Text(r.name), f"{r.score:.1f}", f"{r.pagerank:.4g}", hc)
    out.print(table)


@app.command("rank")
def rank_(
    db: DbOpt = None,
    level: Annotated[list[str] | None, typer.Option(
        "--level", help="domain, host or page (repeatable) [default: domain and page].")] = None,
    graph: Annotated[str | None, typer.Option(
        "--graph", "-g", help="Rank this imported graph instead of the index's own.")] = None,
    all_links: Annotated[bool, typer.Option(
        "--all-links", help="Count links that pass no credit (nofollow, sponsored, ugc, meta "
        "nofollow) too.")] = False,
    exact: Annotated[bool | None, typer.Option(
        "--exact/--hyperball", help="Exact harmonic centrality or HyperBall [default: exact "
        "up to 20,000 nodes].", show_default=False)] = None,
    harmonic: Annotated[bool, typer.Option(
        "--harmonic/--no-harmonic", help="Compute harmonic centrality (slow on big graphs).")]
    = True,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Build the link graphs, compute PageRank, harmonic centrality and scores, store them."""
    ranked = api.rank(db=db, levels=tuple(level or ("domain", "page")), graph=graph,
                      all_links=all_links, exact_harmonic=exact, harmonic=harmonic)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(ranked), ensure_ascii=False, indent=1) + "\n")
        return
    for r in ranked:
        g = r.graph
        out.print(f"[bold]{g.name}[/bold]: {g.nodes:,} nodes, {g.edges:,} edges; built in "
                  f"{r.build_seconds:.2f} s, PageRank {r.pagerank_seconds:.2f} s, harmonic "
                  f"{r.harmonic_seconds:.2f} s")
        for reason, count in g.dropped:
            out.print(f"  left out: {count:,} {reason}")
        _score_table(r.top, f"top of {g.name}")


@app.command()
def authority(
    name: Annotated[str, typer.Argument(help="A domain (or host, page, node of --graph).")],
    db: DbOpt = None,
    graph: GraphOpt = "domain",
    if_link_from: Annotated[str | None, typer.Option(
        "--if-link-from", help="What one more followed link from this node would change.")]
    = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Contributors shown.")] = 10,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """A domain's authority score and rank, and where its authority comes from."""
    result = api.authority(name, db=db, graph=graph, if_link_from=if_link_from, top=top)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(result), ensure_ascii=False, indent=1) + "\n")
        return
    row = result.row
    out.print(Text.assemble((f"{row.name}", "bold"), f" in {row.graph}: score {row.score:.1f} "
              f"/ 100, rank {row.rank:,} of {result.nodes:,} (PageRank {row.pagerank:.3g}, "
              f"harmonic {row.harmonic if row.harmonic is None else f'{row.harmonic:.3g}'}; "
              f"score version {row.version})"))
    out.print(f"  {result.referring:,} referring node(s) pass it authority")
    table = Table(title="top contributors (share of incoming PageRank)", title_justify="left")
    for col in ("name", "share", "score"):
        table.add_column(col, overflow="fold")
    for c in result.contributors:
        table.add_row(Text(c.name), f"{100 * c.share:.1f}%", f"{c.score:.1f}")
    out.print(table)
    if result.if_link_from is not None:
        if result.already_linked:
            out.print(f"{result.if_link_from} already links to {row.name}: one more link from "
                      "it adds nothing (edges are counted once per pair)")
        else:
            out.print(f"one more followed link from {result.if_link_from}: PageRank "
                      f"+{result.pagerank_gain:.3g}, score {result.score_gain:+.2f} "
                      "(first-order estimate)")


@graph_app.command("import")
def graph_import(
    edges: Annotated[Path, typer.Argument(help="Edge list: two tab-separated columns (names "
                     "or ids; .gz ok), or a Common Crawl edges file with --vertices.")],
    db: DbOpt = None,
    name: Annotated[str | None, typer.Option(help="Graph name [default: the file name].")]
    = None,
    level: Annotated[str, typer.Option(help="host, domain or node.")] = "host",
    fold: Annotated[str | None, typer.Option(
        help="'domain': fold host names into registrable domains.")] = None,
    vertices: Annotated[Path | None, typer.Option(
        help="Common Crawl vertices file (id<TAB>reversed.host.name).")] = None,
    ranks: Annotated[Path | None, typer.Option(
        help="Common Crawl ranks file (harmonic centrality and PageRank).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Import an external link graph (edge list or Common Crawl web-graph release)."""
    report = api.graph_import(edges, db=db, name=name, level=level, fold=fold,
                              vertices=vertices, ranks=ranks)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(report), ensure_ascii=False, indent=1) + "\n")
        return
    g = report.graph
    out.print(f"imported {g.name}: {g.nodes:,} nodes, {g.edges:,} edges ({g.level} level) "
              f"in {report.seconds:.2f} s")
    for reason, count in g.dropped:
        out.print(f"  left out: {count:,} {reason}")
    if ranks is not None:
        out.print(f"  ranks: {report.ranks_matched:,} nodes scored from {ranks}, "
                  f"{report.ranks_unknown:,} rows name no node of the graph")
    out.print(f"next: linkatlas rank --graph {g.name}")


@graph_app.command("ranks")
def graph_ranks(
    db: DbOpt = None,
    graph: GraphOpt = "domain",
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every node of a graph with its raw PageRank, harmonic centrality, score and rank."""
    rows = api.graph_ranks(db=db, graph=graph, limit=limit)
    if fmt is Format.table:
        _score_table(rows, f"ranks of {api.graph_name(graph)}")
    else:
        _emit(rows, fmt, ["graph", "id", "name", "pagerank", "harmonic", "score", "rank",
                          "version"], "")


@graph_app.command("list")
def graph_list(db: DbOpt = None, fmt: FormatOpt = Format.table) -> None:
    """The link graphs stored in the index."""
    _emit(api.graphs(db=db), fmt, ["name", "level", "nodes", "edges", "source", "built_at"],
          "graphs")


def main() -> None:
    """Entry point: run the app, turn library errors into one line and an exit code."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)  # typer.Exit(n) comes back as a return value in this mode
    except LinkatlasError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
