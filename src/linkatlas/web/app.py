"""The application factory: one FastAPI app that owns the index and runs the job queue.

``create_app(config)`` builds the app; its lifespan opens the index read-write for the life of
the server (``api.own_index``: the one writer; every read shares its DuckDB instance) and starts
the job worker. Extend it by including more routers on the returned app, registering job kinds
on ``app.state.jobs``, and extending ``base.html`` from templates in ``web/templates``
(``app.state.templates`` is the Jinja2 environment, autoescaping on).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from importlib import resources

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from linkatlas import settings as _settings
from linkatlas.api._owner import own_index
from linkatlas.errors import InputError, LinkatlasError, StoreError
from linkatlas.report import html as report_html
from linkatlas.web import apiv1, pages, quick
from linkatlas.web.cache import ResultCache
from linkatlas.web.config import WebConfig
from linkatlas.web.jobs import JobQueue
from linkatlas.web.kinds import register_builtin
from linkatlas.web.security import SecurityHeaders

log = logging.getLogger("linkatlas.web")

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def _status(exc: LinkatlasError) -> int:
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 400


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(config: WebConfig) -> FastAPI:
    """The dashboard and JSON API over the index ``config.db``."""
    jobs = JobQueue(config.db, config)
    register_builtin(jobs)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with own_index(config.db):
            if config.start_worker:
                jobs.start()
            try:
                yield
            finally:
                jobs.stop(timeout=30)

    app = FastAPI(
        title="linkatlas", version="1", lifespan=lifespan,
        summary="An open backlink index: profiles, backlinks, anchors, audit, authority, jobs.",
        # The interactive docs pages load scripts from a CDN: neither allowed nor reachable.
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )
    app.state.config = config
    app.state.jobs = jobs
    app.state.cache = ResultCache(size=16, max_rows=1_000_000)
    app.state.templates = report_html.environment("linkatlas.web")
    app.add_middleware(SecurityHeaders)
    app.include_router(apiv1.router)
    app.include_router(pages.router)
    quick.install(app, config.quick or quick.QuickConfig.from_settings(_settings.load()))

    @app.exception_handler(LinkatlasError)
    async def linkatlas_error(request: Request, exc: LinkatlasError) -> Response:
        return _error(request, _status(exc), str(exc))

    @app.exception_handler(StarletteHTTPException)  # also the router's own 404 and 405
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(request, 400, f"{where}: {first.get('msg', 'invalid')}")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        """The stylesheets and the small table script (package data, no CDN)."""
        if name == "report.css":
            return Response(report_html.STYLESHEET, media_type=STATIC_TYPES[".css"])
        suffix = name[name.rfind("."):] if "." in name else ""
        files = resources.files("linkatlas.web").joinpath("static")
        if suffix not in STATIC_TYPES or "/" in name or not files.joinpath(name).is_file():
            raise HTTPException(404, "no such file")
        return Response(files.joinpath(name).read_bytes(), media_type=STATIC_TYPES[suffix],
                        headers={"cache-control": "max-age=3600"})

    return app


def _error(request: Request, status: int, message: str,
           headers: Mapping[str, str] | None = None) -> Response:
    """A JSON error for the API, an HTML page for the dashboard."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    template = request.app.state.templates.get_template("error.html")
    return HTMLResponse(template.render(status=status, message=message, request=request),
                        status_code=status, headers=headers)
