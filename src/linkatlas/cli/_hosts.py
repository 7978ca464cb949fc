"""Host spam scoring: score-hosts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from linkatlas import api
from linkatlas.cli._app import DbOpt, app, err
from linkatlas.errors import InputError
from linkatlas.report import csvout

HEADER = ("host", "score", "reasons")


@app.command("score-hosts", rich_help_panel="Audit")
def score_hosts(
    file: Annotated[Path, typer.Argument(help="Hostnames, one a line ('-' reads stdin).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the CSV here, not to stdout.")
    ] = None,
    spam_list: Annotated[
        Path | None,
        typer.Option("--spam-list", help="Your spam hosts/domains, one a line (disavow "
                     "'domain:' lines work): listed hosts score 100."),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Spam score (0-100) of each hostname, with reasons, as CSV: host, score, reasons."""
    if str(file) == "-":
        hosts, bad = api.parse_hosts(sys.stdin)
    else:
        hosts, bad = api.read_hosts(file)
    if bad:
        err.print(f"skipped {bad:,} line(s) that are not a hostname")
    rows = api.score_hosts(hosts, db=db, spam_list=spam_list)
    cells = ((r.host, r.score, "; ".join(r.reasons)) for r in rows)
    if output is None:
        csvout.write_rows(sys.stdout, HEADER, cells)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            csvout.write_rows(fh, HEADER, cells)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
    err.print(f"scored {len(rows):,} host(s) -> {output}")

