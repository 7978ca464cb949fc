"""``linkatlas disavow validate|diff``: Google disavow files checked and compared."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas.cli._app import Format, FormatOpt, _jsonable, app, out
from linkatlas.report import csvout

disavow_app = typer.Typer(help="Google disavow files: check one, compare two.",
                          no_args_is_help=True)
app.add_typer(disavow_app, name="disavow", rich_help_panel="Audit")

FileArg = Annotated[Path, typer.Argument(help="A disavow file (Google's format).")]


@disavow_app.command("validate")
def validate(path: FileArg, fmt: FormatOpt = Format.table) -> None:
    """Check a disavow file; every problem with its line number. Exit 1 when there are any."""
    parsed = api.disavow_parse(path)
    if fmt is Format.json:
        doc = {"file": str(path), "lines": parsed.lines, "bytes": parsed.size,
               "domains": len(parsed.domains()), "urls": len(parsed.urls()),
               "problems": _jsonable(list(parsed.problems))}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    elif fmt is Format.csv:
        csvout.write_records(sys.stdout, list(parsed.problems), ["line", "severity", "message"])
    else:
        for p in parsed.problems:
            style = "red" if p.severity == "error" else "yellow"
            where = f"{path}:{p.line}" if p.line else str(path)
            out.print(Text.assemble(f"{where}: ", (p.severity, style), f": {p.message}"))
        errors = sum(1 for p in parsed.problems if p.severity == "error")
        out.print(f"{path}: {len(parsed.domains()):,} domains, {len(parsed.urls()):,} URLs, "
                  f"{parsed.lines:,} lines, {parsed.size:,} bytes; {errors:,} errors, "
                  f"{len(parsed.problems) - errors:,} warnings")
    if parsed.problems:
        raise typer.Exit(1)


@disavow_app.command("diff")
def diff(old: FileArg, new: FileArg, fmt: FormatOpt = Format.table) -> None:
    """What NEW adds, removes and explains differently from OLD. Exit 1 when they differ."""
    delta = api.disavow_diff(old, new)
    rows = [("added", e.kind, e.value, "", e.reason) for e in delta.added]
    rows += [("removed", e.kind, e.value, e.reason, "") for e in delta.removed]
    rows += [("reason", b.kind, b.value, a.reason, b.reason) for a, b in delta.reason_changed]
    header = ["change", "kind", "value", "old_reason", "new_reason"]
    if fmt is Format.json:
        doc = [dict(zip(header, r, strict=True)) for r in rows]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    elif fmt is Format.csv:
        csvout.write_rows(sys.stdout, header, rows)
    else:
        table = Table(title=f"{old} -> {new}", title_justify="left")
        for name in ("", "entry", "reason"):
            table.add_column(name, overflow="fold")
        marks = {"added": ("+", "green"), "removed": ("-", "red"), "reason": ("~", "yellow")}
        for change, kind, value, before, after in rows:
            mark, style = marks[change]
            entry = f"domain:{value}" if kind == "domain" else value
            why = (f"{before or '(none)'} -> {after or '(none)'}" if change == "reason"
                   else after or before)
            table.add_row(Text(mark, style=style), Text(entry), Text(why))
        if rows:
            out.print(table)
        out.print(f"{len(delta.added):,} added, {len(delta.removed):,} removed, "
                  f"{len(delta.reason_changed):,} with a new reason, {delta.unchanged:,} unchanged")
    if not delta.empty:
        raise typer.Exit(1)
