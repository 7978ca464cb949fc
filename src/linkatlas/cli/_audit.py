"""``linkatlas audit``: link-spam findings with evidence, per referring domain or per link."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas.audit.records import AuditReport, Band
from linkatlas.cli._app import DbOpt, Format, FormatOpt, LimitOpt, _jsonable, app, err
from linkatlas.report import csvout

_STYLE = {Band.OK: "green", Band.REVIEW: "yellow", Band.DISAVOW: "bold red"}
DOMAIN_COLUMNS = ("domain", "score", "band", "links", "followed", "category", "categories",
                  "reasons", "worst_link", "authority")
LINK_COLUMNS = ("source_url", "target_url", "source_domain", "anchor", "placement", "rel",
                "passes_credit", "score", "band", "category", "reasons")


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        with path.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as exc:
        raise typer.BadParameter(f"cannot write {path}: {exc.strerror}", param_hint="-o") from None


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return " | ".join(str(v) for v in value)
    return value


def _write_csv(report: AuditReport, links: bool, stream: TextIO) -> None:
    rows = report.links if links else report.domains
    columns = LINK_COLUMNS if links else DOMAIN_COLUMNS
    csvout.write_rows(stream, columns, ([_cell(getattr(r, c)) for c in columns] for r in rows))


def _write_table(report: AuditReport, links: bool, console: Console) -> None:
    console.print(Text(report.statement, style="italic"))
    bands = ", ".join(f"{n} {b}" for b, n in report.bands)
    console.print(f"[bold]{report.target.value}[/bold]: {len(report.domains)} referring domains "
                  f"({bands}), {len(report.links)} links; audited in {report.seconds:.2f} s")
    if links:
        table = Table(title="links by score", title_justify="left", show_lines=True)
        for name in ("score", "band", "source", "anchor", "placement", "rel", "top reasons"):
            table.add_column(name, overflow="fold", justify="right" if name == "score" else "left",
                             max_width={"band": 9, "anchor": 24, "placement": 10}.get(name),
                             ratio={"source": 2, "top reasons": 3}.get(name))
        for f in report.links:
            table.add_row(f"{f.score:.0f}", Text(f.band.value, style=_STYLE[f.band]),
                          Text(f.source_url), Text(f.anchor), f.placement, f.rel or "-",
                          Text("\n".join(f.reasons)))
    else:
        table = Table(title="referring domains by score", title_justify="left", show_lines=True)
        for name in ("score", "band", "domain", "links", "category", "top reasons"):
            table.add_column(name, overflow="fold", no_wrap=name in ("score", "links"),
                             justify="right" if name in ("score", "links") else "left",
                             max_width={"band": 9, "category": 18, "domain": 30}.get(name),
                             ratio=1 if name == "top reasons" else None)
        for d in report.domains:
            table.add_row(f"{d.score:.0f}", Text(d.band.value, style=_STYLE[d.band]),
                          Text(d.domain), f"{d.links:,}", d.category.value if d.category else "-",
                          Text("\n".join(d.reasons)))
    console.print(table)


@app.command(rich_help_panel="Ask the index")
def audit(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    links: Annotated[bool, typer.Option(
        "--links", help="One row per link instead of per referring domain.")] = False,
    spam_list: Annotated[Path | None, typer.Option(
        "--spam-list", help="A file of spam hosts or domains (plain, URLs or a disavow file).")]
    = None,
    brand: Annotated[list[str] | None, typer.Option(
        "--brand", help="A brand name of the target (repeatable) \\[default: inferred].")] = None,
    keyword: Annotated[list[str] | None, typer.Option(
        "--keyword", help="A money keyword of the target (repeatable) \\[default: inferred].")]
    = None,
    limit: LimitOpt = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Audit the links to a target: a 0-100 score, a band (ok, review, disavow candidate) and
    the evidence, per referring domain (or per link with --links)."""
    report = api.audit(target, db=db, brand=tuple(brand or ()), keywords=tuple(keyword or ()),
                       spam_list=spam_list, limit=limit)
    if not report.links:
        err.print(f"no links to {report.target.value} in the index")
    with _output(output) as stream:
        if fmt is Format.json:
            stream.write(json.dumps(_jsonable(report), ensure_ascii=False, indent=1) + "\n")
        elif fmt is Format.csv:
            _write_csv(report, links, stream)
        else:
            _write_table(report, links, Console(file=stream, soft_wrap=False,
                                                width=None if output is None else 160))
