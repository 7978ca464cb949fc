"""The dashboard's HTML pages: a target's overview, tables, audit, authority, report; jobs.

Every page is rendered server-side from the same ``linkatlas.api`` calls as the JSON API;
tables filter, sort and paginate through query parameters (no JavaScript needed) and export
the filtered rows as CSV (formula-safe) or JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

import pydantic
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from linkatlas import api
from linkatlas.audit.records import Band
from linkatlas.errors import InputError
from linkatlas.model import AnchorStat, Link, Placement, RefDomain
from linkatlas.report import html as report_html
from linkatlas.web import tables
from linkatlas.web.apiv1 import cached_authority
from linkatlas.web.cache import cached
from linkatlas.web.kinds import report_file
from linkatlas.web.security import check_token

router = APIRouter(include_in_schema=False)

REPORT_CSP = ("default-src 'none'; style-src {hash}; img-src data:; form-action 'none'; "
              "frame-ancestors 'none'; base-uri 'none'")

MODELS: dict[str, Any] = {"backlinks": list[Link], "refdomains": list[RefDomain],
                         "anchors": list[AnchorStat]}

Q = Annotated[str, Query(max_length=500)]
Order = Annotated[Literal["asc", "desc"], Query()]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=tables.MAX_PER_PAGE)]
# The filter form's "any placement" option sends ``placement=``: blank means no filter.
Place = Annotated[Placement | None, pydantic.BeforeValidator(lambda v: v or None), Query()]


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A template of ``web/templates`` rendered with ``context`` (autoescaped)."""
    template = request.app.state.templates.get_template(name)
    return HTMLResponse(template.render(request=request, seg=_seg, qs=_qs, **context),
                        status_code=status)


def _seg(text: str) -> str:
    return quote(text, safe="")


def _qs(base: dict[str, Any], **changes: Any) -> str:
    merged = {**base, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


def _db(request: Request) -> Path:
    path: Path = request.app.state.config.db
    return path


def _target(text: str) -> str:
    """The target as the index spells it (domain or host); URL targets are API-only."""
    tgt = api.parse_target(text)
    if tgt.scope == "url":
        raise InputError("the dashboard shows domains and hosts: give one without a path")
    return tgt.value


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The start page: a target form, the index's size, the latest jobs."""
    return render(request, "home.html", counts=api.counts(db=_db(request)),
                  jobs=request.app.state.jobs.jobs()[:10])


@router.get("/t")
def go(target: Annotated[str, Query(max_length=2000)]) -> RedirectResponse:
    """The target form's destination: the target's overview."""
    return RedirectResponse(f"/t/{_seg(_target(target))}", status_code=303)


@router.get("/t/{target}", response_class=HTMLResponse)
def overview(request: Request, target: str) -> HTMLResponse:
    """A target's overview: counts and the profile's charts."""
    tgt, db = _target(target), _db(request)
    prof = cached(request.app.state, ("profile", tgt, 10), lambda: api.profile(tgt, db=db))
    return render(request, "overview.html", target=prof.target.value, p=prof,
                  charts=report_html.profile_charts(prof), tab="overview")


@router.get("/t/{target}/{table}.{fmt}")
def export(request: Request, target: str, table: str, fmt: str, q: Q = "", sort: Q = "",
           order: Order = "desc", follow_only: bool = False,
           placement: Place = None) -> Response:
    """Every filtered row of a table as formula-safe CSV or as JSON."""
    if table not in MODELS or fmt not in ("csv", "json"):
        raise HTTPException(404, "no such export")
    columns = tables.TABLES[table][0]
    rows = tables.cached_filtered(request.app.state, _db(request), table, _target(target),
                                  follow_only, placement.value if placement else None,
                                  tables.TableQuery(q, sort, order))
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", target)[:80]
    disposition = {"content-disposition": f'attachment; filename="{table}-{name}.{fmt}"'}
    if fmt == "csv":
        return Response(tables.to_csv(rows, columns), media_type="text/csv; charset=utf-8",
                        headers=disposition)
    return Response(pydantic.TypeAdapter(MODELS[table]).dump_json(rows),
                    media_type="application/json", headers=disposition)


@router.get("/t/{target}/{table}", response_class=HTMLResponse)
def table_page(request: Request, target: str, table: str, q: Q = "", sort: Q = "",
               order: Order = "desc", page: PageNo = 1, per_page: PerPage = 50,
               follow_only: bool = False, placement: Place = None) -> Response:
    """Backlinks, referring domains or anchors: filter, sort, paginate, export."""
    if table in ("audit", "authority", "report"):
        return _special(request, target, table)
    if table not in MODELS:
        raise HTTPException(404, f"no page {table!r}")
    columns = tables.TABLES[table][0]
    place = placement.value if placement else None
    v = tables.cached_view(request.app.state, _db(request), table, _target(target),
                           follow_only, place, tables.TableQuery(q, sort, order, page, per_page))
    state = {"q": q, "sort": v.sort, "order": order, "per_page": per_page,
             "follow_only": follow_only, "placement": place}
    return render(request, f"{table}.html", target=_target(target), v=v, columns=columns,
                  state=state, tab=table, placements=[p.value for p in Placement])


def _special(request: Request, target: str, page: str) -> Response:
    tgt, db = _target(target), _db(request)
    if page == "audit":
        band = request.query_params.get("band", "")
        rep = cached(request.app.state, ("audit", tgt), lambda: api.audit(tgt, db=db))
        domains = [d for d in rep.domains if not band or d.band.value == band]
        return render(request, "audit.html", target=tgt, audit=rep, domains=domains,
                      band=band, bands=[b.value for b in Band], disavow_band=Band.DISAVOW,
                      tab="audit")
    if page == "authority":
        graphs = [g for g in cached(request.app.state, ("graphs",), lambda: api.graphs(db=db))
                  if g.name.startswith("index:")]
        graph = request.query_params.get("graph", "index:domain")
        giver = request.query_params.get("if_link_from", "").strip() or None
        result, problem = None, ""
        if graphs:
            try:
                result = cached_authority(request.app.state, db, tgt, graph, giver)
            except InputError as exc:
                problem = str(exc)
        return render(request, "authority.html", target=tgt, graphs=graphs, graph=graph,
                      giver=giver or "", result=result, problem=problem, tab="authority")
    data = cached(request.app.state, ("report", tgt), lambda: api.report_data(tgt, db=db))
    return HTMLResponse(report_html.render(data), headers={
        "content-security-policy": REPORT_CSP.format(hash=report_html.style_hash())})


@router.post("/t/{target}/disavow")
def disavow(target: str, domain: Annotated[list[str] | None, Form()] = None,
            keep: Annotated[str, Form(max_length=1_000_000)] = "") -> PlainTextResponse:
    """The disavow builder's result: a disavow.txt download (nothing is stored)."""
    tgt = _target(target)
    res = api.disavow_generate(tgt, candidates=[(d, "chosen in the dashboard")
                                                for d in domain or []],
                               keep=[k.strip() for k in keep.splitlines() if k.strip()])
    return PlainTextResponse(res.text, headers={
        "content-disposition": 'attachment; filename="disavow.txt"'})


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request) -> HTMLResponse:
    """Jobs: their state, and a form to queue one (the API token is asked for)."""
    queue = request.app.state.jobs
    return render(request, "jobs.html", jobs=queue.jobs(), kinds=list(queue.kinds.values()),
                  writes=bool(request.app.state.config.token))


@router.post("/jobs")
def submit_job(request: Request, kind: Annotated[str, Form(max_length=64)],
               token: Annotated[str, Form(max_length=500)] = "",
               params: Annotated[str, Form(max_length=100_000)] = "{}") -> Response:
    """Queue a job from the form; the token field stands in for the Authorization header."""
    check_token(request.app.state.config.token, token or None)
    try:
        values = json.loads(params or "{}")
    except json.JSONDecodeError as exc:
        raise InputError(f"parameters are not JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(values, dict):
        raise InputError("parameters must be a JSON object")
    job = request.app.state.jobs.submit(kind, values)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: int) -> HTMLResponse:
    """One job (the page refreshes itself while the job runs)."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return render(request, "job.html", job=job)


@router.get("/jobs/{job_id}/report")
def job_report(request: Request, job_id: int) -> Response:
    """The HTML report a report job wrote."""
    job = request.app.state.jobs.get(job_id)
    if job is None or job.kind != "report" or job.state != "done":
        raise HTTPException(404, f"no finished report job {job_id}")
    config = request.app.state.config
    folder = config.reports_dir or config.db.parent / "reports"
    path = report_file(folder, job.id, job.params["target"])
    if not path.is_file():
        raise HTTPException(404, "the report file is gone")
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={
        "content-security-policy": REPORT_CSP.format(hash=report_html.style_hash())})
