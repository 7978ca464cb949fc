"""Referral traffic commands: traffic import / referrers / dead-pages."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from linkatlas import api
from linkatlas.cli._app import DbOpt, Format, FormatOpt, LimitOpt, _emit, _jsonable, app, out

traffic_app = typer.Typer(help="Referral traffic from access logs and GA4 exports: who sends "
                          "visitors, to which pages, and which dead pages still get them.",
                          no_args_is_help=True)
app.add_typer(traffic_app, name="traffic", rich_help_panel="Collect links")


class InputFormat(enum.StrEnum):
    """Formats of traffic files."""

    auto = "auto"
    combined = "combined"
    common = "common"
    ga4 = "ga4"


class View(enum.StrEnum):
    """How referral visits are grouped."""

    domain = "domain"
    page = "page"
    landing = "landing"


_COLUMNS = {
    View.domain: ["domain", "visits", "referring_pages", "landing_pages", "first_day",
                  "last_day"],
    View.page: ["referrer_url", "visits", "landing_pages", "first_day", "last_day"],
    View.landing: ["landing_url", "status", "visits", "referred_visits", "referring_domains",
                   "first_day", "last_day"],
}


def _plain(value: Any) -> Any:
    """JSON-ready form of a row (dates as ISO strings)."""
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return _jsonable(value)


def _show(rows: list[Any], fmt: Format, columns: list[str], title: str) -> None:
    if fmt is Format.json:
        sys.stdout.write(json.dumps(_plain(rows), ensure_ascii=False, indent=1) + "\n")
    else:
        _emit(rows, fmt, columns, title)


@traffic_app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(
        help="Access logs (combined or common format, nginx or Apache; .gz ok) or GA4 CSV "
        "exports.")],
    site: Annotated[str, typer.Option("--site", help="The site the traffic is for, e.g. "
                                      "example.com (https assumed; http://example.com for http).")],
    db: DbOpt = None,
    fmt: Annotated[InputFormat, typer.Option("--format", help="File format (auto: sniffed "
                                             "per file).")] = InputFormat.auto,
    spam_list: Annotated[Path | None, typer.Option(
        "--spam-list", help="Referrer-spam hosts to ignore, one per line.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Count referral visits per day, referrer and landing page; store them in the index."""
    report = api.import_traffic(paths, site=site, fmt=fmt.value, spam_list=spam_list, db=db)
    if as_json:
        sys.stdout.write(json.dumps(_plain(report), ensure_ascii=False, indent=1) + "\n")
        return
    out.print(f"imported {len(report.files)} file(s) for {report.site}: {report.lines:,} lines, "
              f"{report.visits:,} visits counted in {report.rows:,} rows "
              f"({report.seconds:.1f} s)")
    for f in report.files:
        again = f", replacing {f.replaced:,} rows from an earlier import" if f.replaced else ""
        out.print(f"  {Path(f.path).name} ({f.format}): {f.lines:,} lines, {f.visits:,} "
                  f"visits{again}")
        if f.format == "common":
            out.print("    common log format: no referrer is logged, so these are page hits "
                      "with the referrer unknown")
    if report.unknown_referrer:
        out.print(f"  {report.unknown_referrer:,} visit(s) with the referrer unknown (common "
                  "format, or direct hits on 404/410 pages)")
    for reason, count in report.skipped.most_common(12):
        out.print(f"  skipped {count:,}: {reason}")
    for example in report.examples:
        out.print(f"    e.g. {example}")


@traffic_app.command("referrers")
def referrers(
    target: Annotated[str, typer.Argument(help="A site (domain), host or page URL.")],
    db: DbOpt = None,
    by: Annotated[View, typer.Option("--by", help="Group by referring domain, referring page "
                                     "or landing page.")] = View.domain,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Referral visits to a target, most visits first."""
    rows = list(api.referrals(target, by=by.value, db=db, limit=limit))
    _show(rows, fmt, _COLUMNS[by], f"referral visits to {target} by {by.value}")


@traffic_app.command("dead-pages")
def dead_pages(
    target: Annotated[str, typer.Argument(help="A site (domain), host or page URL.")],
    db: DbOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Pages that answered 404 or 410 yet still get visits, and who sends them."""
    rows = api.dead_pages(target, db=db, limit=limit)
    _show(rows, fmt, ["landing_url", "status", "visits", "referred_visits", "referring_domains",
                      "top_referrers"], f"dead pages of {target} that still get visits")
