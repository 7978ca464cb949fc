"""'linkatlas serve' (dashboard, JSON API, job queue) and 'linkatlas report' (one HTML file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from linkatlas import api
from linkatlas.cli._app import AllowNetOpt, DbOpt, _address_map, app, err


@app.command(rich_help_panel="Ask the index")
def report(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    db: DbOpt = None,
    brand: Annotated[list[str] | None, typer.Option(
        help="A brand name of the target (repeatable; inferred when absent).")] = None,
    keyword: Annotated[list[str] | None, typer.Option(
        help="A keyword of the target (repeatable; inferred when absent).")] = None,
) -> None:
    """Write one self-contained HTML report: profile, charts, top risks, authority, ideas."""
    text = api.report_html(target, db=db, output=output, brands=brand or (),
                           keywords=keyword or ())
    err.print(f"wrote {output} ({len(text.encode('utf-8')):,} bytes)")


@app.command(rich_help_panel="Other")
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        help="API token of the write endpoints \\[default: setting web_token, "
             "LINKATLAS_WEB_TOKEN]; without one, writes are disabled.")] = None,
    files: Annotated[Path | None, typer.Option(
        help="Folder that ingest and import jobs may read files from.")] = None,
    reports: Annotated[Path | None, typer.Option(
        help="Folder for report jobs' files \\[default: reports/ beside the index].")] = None,
    allow_net: AllowNetOpt = None,
    map_host: Annotated[list[str] | None, typer.Option(help="HOST=ADDRESS:PORT for crawl "
                        "jobs (testing and demos; repeatable).", hidden=True)] = None,
) -> None:
    """Serve the dashboard and the JSON API; this process owns the index and runs the jobs."""
    err.print(f"linkatlas: starting the server on http://{host}:{port}/ (Ctrl-C stops)")
    from linkatlas import web  # here, so other commands do not pay for loading FastAPI

    web.serve(db=db, host=host, port=port, token=token, allow_net=allow_net or (),
              address_map=_address_map(map_host), files=files, reports=reports)
