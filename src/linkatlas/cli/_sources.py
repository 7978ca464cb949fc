"""`linkatlas sources`: which sources saw a target's backlinks, and what each one misses."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from linkatlas import api
from linkatlas.cli._app import DbOpt, Format, FormatOpt, LimitOpt, _emit, app, err, out
from linkatlas.model import SourceCoverage


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _coverage_table(rows: list[SourceCoverage], target: str) -> Table:
    table = Table(title=f"sources of the backlinks of {target}", title_justify="left")
    for name in ("unit", "source", "seen", "also seen elsewhere", "estimated total",
                 "95% interval", "missed (est.)", "first seen", "last seen"):
        table.add_column(name, justify="left" if name in ("unit", "source") else "right")
    for r in rows:
        interval = "-" if r.low is None or r.high is None else f"{r.low:,.0f}-{r.high:,.0f}"
        table.add_row(
            r.unit, r.via, f"{r.seen:,}", f"{r.shared:,}", _num(r.estimate), interval,
            _num(r.missed), r.first_seen.strftime("%Y-%m-%d") if r.first_seen else "-",
            r.last_seen.strftime("%Y-%m-%d") if r.last_seen else "-",
        )
    return table


@app.command(rich_help_panel="Ask the index")
def sources(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    links: Annotated[
        bool, typer.Option("--links", help="List each backlink with the sources that saw it.")
    ] = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Which sources saw a target's backlinks, and what each one misses (capture-recapture)."""
    if links:
        rows = api.link_sources(target, db=db, limit=limit)
        if fmt is not Format.table:
            _emit(rows, fmt, ["source_url", "target_url", "seen"], f"sources of {target}")
            return
        table = Table(title=f"backlinks of {target} by source", title_justify="left")
        for name in ("source_url", "target_url", "seen by (first - last seen)"):
            table.add_column(name, overflow="fold")
        for row in rows:
            seen = "; ".join(
                f"{s.via.value} {s.first_seen:%Y-%m-%d} - {s.last_seen:%Y-%m-%d}"
                for s in row.seen
            )
            table.add_row(row.source_url, row.target_url, seen)
        out.print(table)
        if not rows:
            err.print("no rows")
        return
    cover = api.source_coverage(target, db=db)
    if fmt is not Format.table:
        _emit(cover, fmt, [], f"sources of {target}")
        return
    out.print(_coverage_table(cover, target))
    if len({r.via for r in cover}) < 2:
        err.print("only one source has seen this target's backlinks: nothing to compare it "
                  "with (import an Ahrefs, Semrush, Majestic, Moz or Search Console export)")
    else:
        err.print("estimates assume every backlink is equally likely to be found by each source;"
                  " on the real web they are lower bounds (docs/sources.md)")
