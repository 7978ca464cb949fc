"""The web layer: dashboard, JSON API and job queue in one process that owns the index.

``create_app(WebConfig(db=...))`` builds the FastAPI app (``web.app``); ``serve`` runs it
with uvicorn. Modules: ``app`` (factory, error pages, static files), ``pages`` (HTML),
``apiv1`` (JSON under /api/v1), ``jobs`` (the queue; how to add a job kind), ``kinds``
(crawl, ingest, import, rank, report), ``security`` (headers middleware, API token),
``tables`` (filter, sort, paginate, CSV), ``schemas`` (pydantic models). See docs/web.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from linkatlas import settings as _settings
from linkatlas.api import own_index
from linkatlas.errors import InputError
from linkatlas.web.app import create_app
from linkatlas.web.config import WebConfig
from linkatlas.web.jobs import Job, JobContext, JobKind, JobQueue

log = logging.getLogger("linkatlas.web")

__all__ = ["Job", "JobContext", "JobKind", "JobQueue", "WebConfig", "create_app", "serve"]


def serve(
    *,
    db: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    allow_net: Sequence[str] = (),
    address_map: dict[str, tuple[str, int]] | None = None,
    files: str | Path | None = None,
    reports: str | Path | None = None,
    log_level: str = "info",
) -> None:
    """Serve the dashboard and API until interrupted (the process owns the index meanwhile)."""
    import uvicorn

    conf = _settings.load({"db": str(db) if db is not None else None,
                           "web_token": token})
    if not 0 < port < 65536:
        raise InputError(f"port must be between 1 and 65535, got {port}")
    files_dir = Path(files) if files is not None else None
    if files_dir is not None and not files_dir.is_dir():
        raise InputError(f"{files_dir}: not a folder (--files)")
    config = WebConfig(db=Path(conf["db"]), token=str(conf["web_token"]),
                       allow_net=tuple(allow_net), address_map=address_map,
                       files_dir=files_dir,
                       reports_dir=Path(reports) if reports is not None else None)
    if not config.db.exists():
        log.warning("no index at %s: serving a new, empty one", config.db)
    # Opened here first, so a locked or unreadable index is one clear error before uvicorn
    # starts; the app's lifespan joins the same owner.
    with own_index(config.db):
        uvicorn.run(create_app(config), host=host, port=port, log_level=log_level,
                    server_header=False)
