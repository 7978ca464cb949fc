"""The built-in job kinds: crawl, ingest, import, rank, report (see ``web.jobs`` to add one)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydantic

from linkatlas import api
from linkatlas.errors import InputError
from linkatlas.web.config import WebConfig
from linkatlas.web.jobs import JobContext, JobKind, JobQueue


class CrawlParams(pydantic.BaseModel):
    """A crawl from seed URLs (the guard and the operator's --allow-net apply)."""

    model_config = pydantic.ConfigDict(extra="forbid")
    seeds: list[str] = pydantic.Field(min_length=1, max_length=1000)
    name: str = pydantic.Field("web", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    max_pages: int = pydantic.Field(1000, ge=0, le=1_000_000)
    max_depth: int = pydantic.Field(5, ge=0, le=100)


class FilesParams(pydantic.BaseModel):
    """Files under the server's --files folder, by relative path."""

    model_config = pydantic.ConfigDict(extra="forbid")
    paths: list[str] = pydantic.Field(min_length=1, max_length=1000)


class ImportParams(pydantic.BaseModel):
    """One vendor export under the server's --files folder."""

    model_config = pydantic.ConfigDict(extra="forbid")
    path: str
    source: str | None = None
    target: str | None = None


class RankParams(pydantic.BaseModel):
    """Graph levels to build and rank."""

    model_config = pydantic.ConfigDict(extra="forbid")
    levels: list[str] = pydantic.Field(default_factory=lambda: ["domain"], min_length=1)
    harmonic: bool = False


class ReportParams(pydantic.BaseModel):
    """A target whose HTML report to write."""

    model_config = pydantic.ConfigDict(extra="forbid")
    target: str = pydantic.Field(min_length=1, max_length=2000)


def _config(ctx: JobContext) -> WebConfig:
    config: WebConfig = ctx.config
    return config


def _under_files(ctx: JobContext, relative: str) -> Path:
    """A path inside the --files folder; anything else (absolute, ``..``) is refused."""
    root = _config(ctx).files_dir
    if root is None:
        raise InputError("the server was started without --files: it reads no files")
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise InputError(f"{relative!r} is outside the server's files folder")
    return path


def run_crawl(ctx: JobContext, p: CrawlParams) -> Mapping[str, Any]:
    """Crawl into the index."""
    conf = _config(ctx)
    rep = api.crawl(p.seeds, db=ctx.db, name=p.name, allow_net=conf.allow_net,
                    address_map=conf.address_map, max_pages=p.max_pages, max_depth=p.max_depth,
                    progress=lambda pr: ctx.progress(
                        f"{pr.pages} pages, {pr.queued} queued, {pr.errors} errors"))
    st = rep.stats
    return {"pages": st.pages, "links": st.links, "errors": sum(st.errors.values()),
            "blocked_robots": st.blocked_robots, "blocked_guard": st.blocked_guard,
            "seconds": round(st.seconds, 2)}


def run_ingest(ctx: JobContext, p: FilesParams) -> Mapping[str, Any]:
    """Ingest WARC/WAT/ARC files."""
    rep = api.ingest([_under_files(ctx, x) for x in p.paths], db=ctx.db)
    return {"files": rep.files, "records": rep.records, "pages": rep.pages, "links": rep.links,
            "skipped": rep.skipped, "failed_files": len(rep.failed_files)}


def run_import(ctx: JobContext, p: ImportParams) -> Mapping[str, Any]:
    """Import one vendor export."""
    rep = api.import_file(_under_files(ctx, p.path), source=p.source, target=p.target,
                          db=ctx.db)
    return {"rows": rep.rows, "links": rep.links, "stats": rep.stats, "skipped": rep.skipped}


def run_rank(ctx: JobContext, p: RankParams) -> Mapping[str, Any]:
    """Build and rank link graphs."""
    ranked = api.rank(db=ctx.db, levels=p.levels, harmonic=p.harmonic)
    return {"graphs": [{"name": r.graph.name, "nodes": r.graph.nodes, "edges": r.graph.edges}
                       for r in ranked]}


def report_file(reports_dir: Path, job_id: int, target: str) -> Path:
    """Where a report job writes its file."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", target)[:80]
    return reports_dir / f"report-{job_id}-{safe}.html"


def run_report(ctx: JobContext, p: ReportParams) -> Mapping[str, Any]:
    """Write the HTML report of a target."""
    folder = _config(ctx).reports_dir or ctx.db.parent / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = report_file(folder, ctx.job.id, p.target)
    api.report_html(p.target, db=ctx.db, output=path)
    return {"file": path.name, "url": f"/jobs/{ctx.job.id}/report"}


def register_builtin(jobs: JobQueue) -> None:
    """Register crawl, ingest, import, rank and report."""
    jobs.register(JobKind("crawl", CrawlParams, run_crawl, "crawl from seed URLs"))
    jobs.register(JobKind("ingest", FilesParams, run_ingest, "ingest WARC/WAT/ARC files"))
    jobs.register(JobKind("import", ImportParams, run_import, "import a vendor export"))
    jobs.register(JobKind("rank", RankParams, run_rank, "build and rank link graphs"))
    jobs.register(JobKind("report", ReportParams, run_report, "write a target's HTML report"))
