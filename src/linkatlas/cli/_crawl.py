"""Commands that fetch: crawl, verify, and robots-check."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas.cli._app import (
    AllowNetOpt,
    DbOpt,
    Format,
    _address_map,
    _jsonable,
    app,
    err,
    out,
)
from linkatlas.report import csvout
from linkatlas.sources.crawler import CrawlProgress


@app.command(rich_help_panel="Collect links")
def crawl(
    seeds: Annotated[list[str], typer.Argument(help="Start URLs.")],
    db: DbOpt = None,
    name: Annotated[str, typer.Option(help="Crawl name: the same name resumes.")] = "crawl",
    hosts: Annotated[list[str] | None, typer.Option("--hosts", help="Only these hosts "
                     "(repeatable) \\[default: the seeds' registrable domains].")] = None,
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


@app.command(help=_VERIFY_HELP, rich_help_panel="Collect links")
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



@app.command("robots-check", rich_help_panel="Collect links")
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
        names = list(rows[0])
        csvout.write_rows(sys.stdout, names, ([r[n] for n in names] for r in rows))
