"""``linkatlas import``: vendor exports (Search Console, Ahrefs, Semrush, Majestic, Moz) and
Parquet files of the index's own schema; ``linkatlas imported``: the aggregate rows kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from linkatlas import api
from linkatlas.cli._app import DbOpt, Format, FormatOpt, LimitOpt, _emit, app, out

SourceOpt = Annotated[
    str | None,
    typer.Option("--source", "-s", help="gsc, ahrefs, semrush, majestic or moz "
                 "\\[default: told from the columns]."),
]
TargetOpt = Annotated[
    str | None,
    typer.Option("--target", "-t", help="The site an aggregate or Search Console export is "
                 "about \\[default: from the file name, e.g. example.com-Latest links-....csv]."),
]


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


@app.command("import", rich_help_panel="Collect links")
def import_(
    paths: Annotated[list[Path], typer.Argument(
        help="Vendor exports (CSV, TSV, XLSX, or a Search Console zip), or Parquet files "
             "written by 'linkatlas export'.")],
    source: SourceOpt = None,
    target: TargetOpt = None,
    what: Annotated[str, typer.Option("--what", help="For Parquet files: links or pages.")]
    = "links",
    db: DbOpt = None,
) -> None:
    """Import link exports of SEO tools (or a Parquet export) into the index."""
    # Every file is checked before any is imported: a wrong one costs nothing.
    for path in paths:
        if _is_parquet(path):
            if not path.is_file():
                raise typer.BadParameter(f"{path}: no such file", param_hint="PATHS")
        else:
            api.inspect_export(path, source=source, target=target)
    reasons: dict[str, int] = {}
    totals = [0, 0, 0, 0]
    for path in paths:
        if _is_parquet(path):
            n = api.import_parquet(path, what=what, db=db)  # type: ignore[arg-type]
            out.print(Text.assemble((path.name, "bold"), f": merged {n:,} {what} (Parquet)"))
            continue
        report = api.import_file(path, source=source, target=target, db=db)
        about = f" about {report.target}" if report.target else ""
        out.print(Text.assemble(
            (path.name, "bold"), ": ", (", ".join(report.reports), "cyan"), about,
            f": {report.rows:,} rows, {report.links:,} links, {report.stats:,} stats, "
            f"{report.skipped:,} skipped ({report.seconds:.1f} s)"))
        for i, n in enumerate((report.rows, report.links, report.stats, report.skipped)):
            totals[i] += n
        for reason, count in report.skip_reasons.items():
            reasons[reason] = reasons.get(reason, 0) + count
    if len(paths) > 1:
        out.print(f"imported {len(paths)} files: {totals[0]:,} rows, {totals[1]:,} links, "
                  f"{totals[2]:,} stats, {totals[3]:,} skipped")
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
        out.print(f"  skipped {count:,}: {reason}")


@app.command("imported", rich_help_panel="Ask the index")
def imported(
    target: Annotated[str | None, typer.Argument(help="The site the exports were about.")]
    = None,
    report: Annotated[str | None, typer.Option(
        "--report", "-r",
        help="refdomain, anchor, linked_page, linking_site or linking_page.")] = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this vendor.")]
    = None,
    db: DbOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Aggregate rows imported from SEO tools: referring domains, anchors, GSC tables."""
    rows = api.imported_stats(target=target, report=report, source=source, db=db, limit=limit)
    cols = ["report", "key", "links", "domains", "pages", "via", "target", "last_seen"]
    _emit(rows, fmt, cols, f"imported stats{' of ' + target if target else ''}")
