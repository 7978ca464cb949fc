"""The JSON API under /api/v1: the dashboard's data, typed (OpenAPI at /api/v1/openapi.json).

Reads call the ``linkatlas.api`` verbs against the served index; writes (jobs) need the
``Authorization: Bearer`` token (``web.security.require_token``). Errors are JSON
``{"detail": "..."}`` with 400 (bad input), 401/403 (token), 404 (no such job) or 503 (index).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request

from linkatlas import api
from linkatlas.audit.records import DomainFinding, LinkFinding
from linkatlas.model import Authority, LinkSources, Placement, Profile, SourceCoverage
from linkatlas.web import tables
from linkatlas.web.cache import cached
from linkatlas.web.schemas import (
    AnchorsOut,
    AuditOut,
    BacklinksOut,
    DisavowIn,
    DisavowOut,
    ErrorOut,
    JobIn,
    JobKindOut,
    JobOut,
    RefdomainsOut,
)
from linkatlas.web.security import require_token

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input (target, parameter)"},
    503: {"model": ErrorOut, "description": "The index cannot be read"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad job kind or parameters"},
    401: {"model": ErrorOut, "description": "Missing or wrong API token"},
    403: {"model": ErrorOut, "description": "Write endpoints are disabled (no token set)"},
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Q = Annotated[str, Query(max_length=500, description="Keep rows containing this text")]
Sort = Annotated[str, Query(max_length=64, description="Column to sort by")]
Order = Annotated[Literal["asc", "desc"], Query()]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=tables.MAX_PER_PAGE)]
Follow = Annotated[bool, Query(description="Only links that pass ranking credit")]
TargetPath = Annotated[str, "a domain or host"]


def db_of(request: Request) -> Path:
    """The served index file."""
    path: Path = request.app.state.config.db
    return path


def _page_info(v: tables.TableView[Any]) -> dict[str, Any]:
    return {"total": v.total, "page": v.page, "per_page": v.per_page, "pages": v.pages,
            "sort": v.sort, "order": v.order}


def _view(request: Request, table: str, target: str, follow_only: bool,
          placement: str | None, query: tables.TableQuery) -> tables.TableView[Any]:
    """A page of a table through the app's cache (the same entries the pages use)."""
    return tables.cached_view(request.app.state, db_of(request), table,
                              api.parse_target(target).value, follow_only, placement, query)


@router.get("/targets/{target}/profile", response_model=Profile)
def profile(request: Request, target: str,
            top: Annotated[int, Query(ge=1, le=100)] = 10) -> Profile:
    """The backlink profile of a target: counts, splits, anchors, authority bands, weeks."""
    db, tgt = db_of(request), api.parse_target(target).value
    return cached(request.app.state, ("profile", tgt, top),
                  lambda: api.profile(tgt, db=db, top=top))


@router.get("/targets/{target}/backlinks", response_model=BacklinksOut)
def backlinks(request: Request, target: str, q: Q = "", sort: Sort = "first_seen",
              order: Order = "desc", page: PageNo = 1, per_page: PerPage = 50,
              follow_only: Follow = False, placement: Placement | None = None) -> BacklinksOut:
    """Backlinks of a target, filtered, sorted and paginated."""
    v = _view(request, "backlinks", target, follow_only, placement.value if placement else None,
              tables.TableQuery(q, sort, order, page, per_page))
    return BacklinksOut(items=v.items, **_page_info(v))


@router.get("/targets/{target}/refdomains", response_model=RefdomainsOut)
def refdomains(request: Request, target: str, q: Q = "", sort: Sort = "links",
               order: Order = "desc", page: PageNo = 1, per_page: PerPage = 50,
               follow_only: Follow = False) -> RefdomainsOut:
    """Referring domains of a target, filtered, sorted and paginated."""
    v = _view(request, "refdomains", target, follow_only, None,
              tables.TableQuery(q, sort, order, page, per_page))
    return RefdomainsOut(items=v.items, **_page_info(v))


@router.get("/targets/{target}/anchors", response_model=AnchorsOut)
def anchors(request: Request, target: str, q: Q = "", sort: Sort = "links",
            order: Order = "desc", page: PageNo = 1, per_page: PerPage = 50,
            follow_only: Follow = False) -> AnchorsOut:
    """Anchor texts of a target, filtered, sorted and paginated."""
    v = _view(request, "anchors", target, follow_only, None,
              tables.TableQuery(q, sort, order, page, per_page))
    return AnchorsOut(items=v.items, **_page_info(v))


@router.get("/targets/{target}/audit", response_model=AuditOut)
def audit(request: Request, target: str,
          links_limit: Annotated[int, Query(ge=0, le=100_000)] = 500) -> AuditOut:
    """Link-spam findings with their evidence, per referring domain and per link."""
    db, tgt = db_of(request), api.parse_target(target).value
    rep = cached(request.app.state, ("audit", tgt), lambda: api.audit(tgt, db=db))
    return AuditOut(target=rep.target, statement=rep.statement, bands=list(rep.bands),
                    brands=list(rep.brands), keywords=list(rep.keywords),
                    domains=[_typed(d) for d in rep.domains],
                    links=[_typed(x) for x in rep.links[:links_limit]],
                    links_total=len(rep.links), seconds=rep.seconds)


N = TypeVar("N", float | str, float | str | None)


def _number(value: N) -> N:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


F = TypeVar("F", DomainFinding, LinkFinding)


def _typed(finding: F) -> F:
    """The finding with integer evidence values as the floats its type declares (the audit
    computes counts as ints; the JSON is the same number, without serializer warnings)."""
    return dataclasses.replace(finding, evidence=tuple(
        dataclasses.replace(e, value=_number(e.value), threshold=_number(e.threshold))
        for e in finding.evidence))


@router.get("/targets/{target}/authority", response_model=Authority)
def authority(request: Request, target: str,
              graph: Annotated[str, Query(max_length=200)] = "index:domain",
              if_link_from: Annotated[str | None, Query(max_length=2000)] = None) -> Authority:
    """A target's authority score explained (run a rank job first)."""
    return cached_authority(request.app.state, db_of(request), target, graph, if_link_from)


def cached_authority(state: Any, db: Path, target: str, graph: str,
                     giver: str | None) -> Authority:
    """``api.authority`` through the app's cache (shared by the page). The plain explanation
    is cached; a "what if a link came from X" question is computed each time, so that
    exploring many givers cannot push the costly profiles and audits out of the cache."""
    if giver:
        return api.authority(target, db=db, graph=graph, if_link_from=giver)
    return cached(state, ("authority", target, graph),
                  lambda: api.authority(target, db=db, graph=graph))


@router.get("/targets/{target}/sources", response_model=list[SourceCoverage])
def sources(request: Request, target: str) -> list[SourceCoverage]:
    """Per source: what it saw of the target's backlinks and an estimate of what it misses."""
    return api.source_coverage(target, db=db_of(request))


@router.get("/targets/{target}/link-sources", response_model=list[LinkSources])
def link_sources(request: Request, target: str,
                 limit: Annotated[int, Query(ge=1, le=100_000)] = 1000) -> list[LinkSources]:
    """Each backlink with every source that saw it."""
    return api.link_sources(target, db=db_of(request), limit=limit)


@router.post("/targets/{target}/disavow", response_model=DisavowOut)
def disavow(target: str, body: Annotated[DisavowIn, Body()]) -> DisavowOut:
    """Build a disavow file from chosen domains or URLs (nothing is stored)."""
    res = api.disavow_generate(target, candidates=body.entries, keep=body.keep)
    return DisavowOut(text=res.text, entries=len(res.entries),
                      dropped=[(e.text(), why) for e, why in res.dropped])


@router.get("/jobs", response_model=list[JobOut])
def jobs(request: Request) -> list[JobOut]:
    """Jobs the server remembers, newest first."""
    return [JobOut.of(j) for j in request.app.state.jobs.jobs()]


@router.get("/jobs/kinds", response_model=list[JobKindOut])
def job_kinds(request: Request) -> list[JobKindOut]:
    """The job kinds this server runs and the JSON schema of each one's parameters."""
    return [JobKindOut(name=k.name, help=k.help, params=k.params.model_json_schema())
            for k in request.app.state.jobs.kinds.values()]


@router.get("/jobs/{job_id}", response_model=JobOut,
            responses={404: {"model": ErrorOut, "description": "No such job"}})
def job(request: Request, job_id: int) -> JobOut:
    """One job's state, progress, result or error."""
    found = request.app.state.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id}")
    return JobOut.of(found)


@router.post("/jobs", response_model=JobOut, status_code=202, responses=WRITE_ERRORS,
             dependencies=[Depends(require_token)])
def submit(request: Request, body: Annotated[JobIn, Body()]) -> JobOut:
    """Queue a job (crawl, ingest, import, rank, report); needs the API token."""
    return JobOut.of(request.app.state.jobs.submit(body.kind, body.params))

