"""``linkatlas disavow generate|validate|diff`` and ``linkatlas contacts``: disavow files written
from the audit, checked and compared; whom to ask for a link's removal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas.cli._app import (
    AllowNetOpt,
    DbOpt,
    Format,
    FormatOpt,
    _address_map,
    _jsonable,
    app,
    err,
    out,
)
from linkatlas.report import csvout

disavow_app = typer.Typer(help="Google disavow files: write one from the audit, check one, "
                          "compare two.", no_args_is_help=True)
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


def _keep_value(value: str) -> str | Path:
    """A --keep value: an existing file of names, or a name (a path that is missing is an error)."""
    path = Path(value)
    if path.is_file():
        return path
    if "/" in value or "\\" in value or value.endswith(".txt"):
        raise typer.BadParameter(f"{value}: no such keep-list file", param_hint="--keep")
    return value


@disavow_app.command("generate")
def generate(
    target: Annotated[str, typer.Argument(help="The site whose backlinks were audited.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The disavow file to write.")],
    keep: Annotated[list[str] | None, typer.Option(
        "--keep", help="A domain never to list, or a file of them (one a line); repeatable.")]
    = None,
    merge: Annotated[Path | None, typer.Option(
        "--merge", help="An existing disavow file: its entries and comments are kept.")] = None,
    db: DbOpt = None,
    spam_list: Annotated[Path | None, typer.Option(
        "--spam-list", help="A file of spam hosts or domains for the audit.")] = None,
    brand: Annotated[list[str] | None, typer.Option(
        "--brand", help="A brand name of the target (repeatable) \\[default: inferred].")] = None,
) -> None:
    """Write a disavow file of the audit's disavow candidates (minus the keep-list)."""
    result = api.disavow_from_audit(target, keep=[_keep_value(k) for k in keep or ()],
                                    existing=merge, db=db,
                                    spam_list=spam_list, brand=tuple(brand or ()))
    try:
        output.write_text(result.text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise typer.BadParameter(f"cannot write {output}: {exc.strerror}",
                                 param_hint="-o") from None
    for problem in result.existing_problems:
        err.print(f"{merge}:{problem.line}: {problem.severity}: {problem.message}")
    domains = sum(1 for e in result.entries if e.kind == "domain")
    out.print(f"wrote {output}: {domains:,} domains, {len(result.entries) - domains:,} URLs; "
              f"{len(result.dropped):,} candidates left out")
    for entry, why in result.dropped[:20]:
        out.print(f"  left out {entry.text()}: {why}")
    if not result.entries:
        err.print("the audit found no disavow candidates: nothing to disavow")


CONTACT_COLUMNS = ["domain", "email", "source_page", "contact_page", "how"]


@app.command(rich_help_panel="Audit")
def contacts(
    domains: Annotated[list[str] | None, typer.Argument(
        help="Linking sites (domains, hosts or URLs).")] = None,
    from_disavow: Annotated[Path | None, typer.Option(
        "--from-disavow", help="Every site a disavow file lists.")] = None,
    fetch: Annotated[bool, typer.Option(
        "--fetch", help="Also fetch each site's home page and contact pages (robots.txt "
        "honoured).")] = False,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the removal-request CSV to this file.")] = None,
    allow_net: AllowNetOpt = None,
    map_host: Annotated[list[str] | None, typer.Option(help="HOST=ADDRESS:PORT: connect to "
                        "ADDRESS for HOST (testing and demos; repeatable).", hidden=True)] = None,
    delay: Annotated[float, typer.Option(help="Seconds between requests to one site.")] = 1.0,
) -> None:
    """Addresses and contact pages of linking sites, for removal requests."""
    names = list(domains or [])
    if from_disavow is not None:
        names += api.disavow_sites(from_disavow)
    rows = api.contacts(names, db=db, fetch=fetch, allow_net=allow_net or (),
                        address_map=_address_map(map_host), delay=delay)
    if output is not None:
        try:
            with output.open("w", encoding="utf-8", newline="") as stream:
                csvout.write_records(stream, rows, CONTACT_COLUMNS)
        except OSError as exc:
            raise typer.BadParameter(f"cannot write {output}: {exc.strerror}",
                                     param_hint="-o") from None
        found = len({r.domain for r in rows if r.email})
        out.print(f"wrote {output}: {len(rows):,} rows; an address for {found:,} of "
                  f"{len({r.domain for r in rows}):,} sites")
        return
    if fmt is Format.json:
        sys.stdout.write(json.dumps(_jsonable(rows), ensure_ascii=False, indent=1) + "\n")
    elif fmt is Format.csv:
        csvout.write_records(sys.stdout, rows, CONTACT_COLUMNS)
    else:
        table = Table(title="removal-request contacts", title_justify="left")
        for name in CONTACT_COLUMNS:
            table.add_column(name.replace("_", " "), overflow="fold")
        for r in rows:
            table.add_row(*(Text(getattr(r, n)) for n in CONTACT_COLUMNS))
        out.print(table)
