"""The demo and the settings listing."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from linkatlas import api
from linkatlas import settings as _settings
from linkatlas.cli._app import (
    app,
    err,
    out,
)
from linkatlas.cli._crawl import _print_crawl
from linkatlas.cli._profile import _print_profile
from linkatlas.sources.crawler import CrawlProgress


@app.command(rich_help_panel="Other")
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo writes its files.")
    ] = Path("out/demo"),
    seed: Annotated[int, typer.Option(help="Seed of the generated sample web.")] = 7,
    live: Annotated[bool, typer.Option(help="Also serve the sample web on loopback and crawl "
                                       "it.")] = True,
    serve: Annotated[bool, typer.Option(help="End by serving the dashboard on the demo index "
                                        "until Ctrl-C ('make demo' does; DEMO_SERVE=0 "
                                        "stops it).")] = False,
    port: Annotated[int, typer.Option(help="Port of the dashboard (--serve); a busy one is "
                                      "replaced by a free one.", min=1, max=65535)] = 8000,
) -> None:
    """Build the sample web, ingest it as a WARC, crawl it live, rank it, print a profile."""
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
    graph = result.ranked.graph
    out.print(f"ranked the domain graph: {graph.nodes:,} domains, {graph.edges:,} edges "
              f"(PageRank in {result.ranked.pagerank_seconds:.2f} s)")
    _print_profile(result.profile)
    out.print(
        f"\nTry: linkatlas backlinks {result.profile.target.value} --db {result.db} --limit 20"
    )
    if serve:
        _serve_dashboard(result.db, result.profile.target.value, port)


def _free_port(preferred: int) -> int:
    """``preferred`` when nothing listens there on 127.0.0.1, else a free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve_dashboard(db: Path, target: str, preferred: int) -> None:
    """Serve the dashboard on the demo index until Ctrl-C, after printing its address."""
    from linkatlas import web  # here, so the demo without --serve does not load FastAPI

    port = _free_port(preferred)
    out.print(f"\nDashboard: [bold]http://127.0.0.1:{port}/t/{target}[/bold] "
              "(Ctrl-C stops it)", soft_wrap=True)
    sys.stdout.flush()
    web.serve(db=db, host="127.0.0.1", port=port, log_level="warning")


@app.command("settings", rich_help_panel="Other")
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
