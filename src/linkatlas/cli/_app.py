"""The Typer app, its shared options and the output helpers every command uses."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text

from linkatlas.report import csvout

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
    typer.Option("--db", help="DuckDB index file \\[default: setting 'db', ./linkatlas.duckdb]."),
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
        csvout.write_records(sys.stdout, rows, names)
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
