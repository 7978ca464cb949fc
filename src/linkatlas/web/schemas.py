"""Typed response and request models of the JSON API (they make the OpenAPI document).

The records themselves are the ``linkatlas.model`` dataclasses, which pydantic validates and
documents as they are; the models here wrap them in pages and describe jobs and errors.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal

import pydantic

from linkatlas.audit.records import DomainFinding, LinkFinding
from linkatlas.model import AnchorStat, Link, RefDomain, Target
from linkatlas.web.jobs import Job


class ErrorOut(pydantic.BaseModel):
    """An error: one sentence saying what was wrong."""

    detail: str


class PageInfo(pydantic.BaseModel):
    """Where a page of rows sits in the filtered whole."""

    total: int = pydantic.Field(ge=0)
    page: int = pydantic.Field(ge=1)
    per_page: int = pydantic.Field(ge=1)
    pages: int = pydantic.Field(ge=1)
    sort: str
    order: Literal["asc", "desc"]


class BacklinksOut(PageInfo):
    """One page of backlinks."""

    items: list[Link]


class RefdomainsOut(PageInfo):
    """One page of referring domains."""

    items: list[RefDomain]


class AnchorsOut(PageInfo):
    """One page of anchor texts."""

    items: list[AnchorStat]


class AuditOut(pydantic.BaseModel):
    """The audit of a target; links truncated to ``links_limit`` (worst first)."""

    target: Target
    statement: str
    bands: list[tuple[str, int]]
    brands: list[str]
    keywords: list[str]
    domains: list[DomainFinding]
    links: list[LinkFinding]
    links_total: int
    seconds: float


class DisavowIn(pydantic.BaseModel):
    """Domains (or URLs) to disavow with a reason each; names never to disavow."""

    model_config = pydantic.ConfigDict(extra="forbid")
    entries: list[tuple[str, str]] = pydantic.Field(max_length=100_000)
    keep: list[str] = pydantic.Field(default_factory=list, max_length=100_000)


class DisavowOut(pydantic.BaseModel):
    """A disavow file as Google accepts it, and what the builder left out and why."""

    text: str
    entries: int
    dropped: list[tuple[str, str]]


class JobIn(pydantic.BaseModel):
    """A job to queue: its kind and its parameters (see GET /api/v1/jobs/kinds)."""

    model_config = pydantic.ConfigDict(extra="forbid")
    kind: str = pydantic.Field(min_length=1, max_length=64)
    params: dict[str, Any] = pydantic.Field(default_factory=dict)


class JobOut(pydantic.BaseModel):
    """A job and what became of it."""

    id: int
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    params: dict[str, Any]
    submitted: _dt.datetime
    started: _dt.datetime | None
    finished: _dt.datetime | None
    progress: str
    result: dict[str, Any]
    error: str

    @classmethod
    def of(cls, job: Job) -> JobOut:
        """The API view of a queue job."""
        return cls(id=job.id, kind=job.kind, state=job.state, params=job.params,
                   submitted=job.submitted, started=job.started, finished=job.finished,
                   progress=job.progress, result=job.result, error=job.error)


class JobKindOut(pydantic.BaseModel):
    """A job kind and the JSON schema of its parameters."""

    name: str
    help: str
    params: dict[str, Any]
