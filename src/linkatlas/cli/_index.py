"""Commands over the index: ingest, queries, stats and export (import: cli/_imports.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from linkatlas import api
from linkatlas.cli._app import (
    DbOpt,
    FollowOpt,
    Format,
    FormatOpt,
    LimitOpt,
    _emit,
    _RateColumn,
    app,
    err,
    out,
)


@app.command(rich_help_panel="Collect links")
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



@app.command(rich_help_panel="Ask the index")
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
            "last_seen", "via"]
    _emit(rows, fmt, cols, f"backlinks of {target}")


@app.command(rich_help_panel="Ask the index")
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


@app.command(rich_help_panel="Ask the index")
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


@app.command(rich_help_panel="Ask the index")
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


@app.command(rich_help_panel="Ask the index")
def stats(db: DbOpt = None) -> None:
    """How many pages, links, domains and runs the index holds."""
    for name, value in api.counts(db=db).items():
        out.print(f"{name:>10}: {value:,}")


@app.command("export", rich_help_panel="Data")
def export_(
    what: Annotated[str, typer.Option("--what", help="links or pages.")] = "links",
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output file; CSV goes to stdout if none.")
    ] = None,
    db: DbOpt = None,
    csv_raw: Annotated[
        bool, typer.Option("--csv-raw", help="CSV: write text exactly as stored, without the "
                           "apostrophe that stops spreadsheets running formulas.")
    ] = False,
) -> None:
    """Export the links or pages table as Parquet or CSV."""
    if output is None and fmt == "parquet":
        fmt = "csv"  # nothing to write Parquet to: CSV on standard output, as documented
    sys.stdout.flush()
    n = api.export(what, fmt=fmt, path=output, stream=sys.stdout.buffer, db=db,  # type: ignore[arg-type]
                   formula_guard=not csv_raw)
    if output is not None:
        out.print(f"wrote {n:,} {what} to {output}")
