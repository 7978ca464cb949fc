"""The ``quick-report`` job: a bounded crawl of the site, the report, the email with its link.

Steps, each recorded on the job: crawl the site (``max_pages``/``max_depth`` from the settings,
the crawler's politeness and guard as the operator configured them); a crawl that fails or is
blocked is noted and the report is built from what the index already knows. The report
(profile, top risks, top opportunities, next steps) is rendered once into
``reports/quick/<token>.html`` and served at ``/r/<token>``; then the link is mailed. A mail
failure fails the job with the relay's reason (the report stays stored).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pydantic

from linkatlas import api, urls
from linkatlas.audit.records import Band
from linkatlas.errors import InputError, LinkatlasError
from linkatlas.report import html as report_html
from linkatlas.web.jobs import JobContext, JobKind, JobQueue
from linkatlas.web.mail import report_message, send
from linkatlas.web.quick import QuickState, quick_dir

TOP = 5


class QuickParams(pydantic.BaseModel):
    """A website's home page and the form's opaque request id (no personal data)."""

    model_config = pydantic.ConfigDict(extra="forbid")
    site: str = pydantic.Field(min_length=1, max_length=2000)
    ref: str = pydantic.Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """One next step: what to do and why."""

    title: str
    why: str


def next_steps(data: report_html.ReportData, crawled: int) -> list[Step]:
    """What to do next, from what the report found (most urgent first)."""
    p, steps = data.profile, []
    risks = [] if data.audit is None else [d for d in data.audit.domains if d.band != Band.OK]
    worst = [d for d in risks if d.band == Band.DISAVOW]
    if worst:
        steps.append(Step(f"Review the {len(worst)} domains the audit would disavow",
                          "their links look manipulative; ask for removal first, then upload "
                          "a disavow file only if a manual action or a clear pattern warrants"))
    elif risks:
        steps.append(Step(f"Look at the {len(risks)} domains flagged for review",
                          "the audit saw signals worth a human look, not proof of harm"))
    if p.refdomains < 10:
        steps.append(Step("Earn links from more sites",
                          f"only {p.refdomains} referring domains are known to the index; "
                          "breadth of linking sites matters more than link count"))
    if p.links and p.followed / p.links < 0.5:
        steps.append(Step("Aim for editorial, followed links",
                          f"{p.links - p.followed:,} of {p.links:,} known links pass no credit"))
    if crawled == 0:
        steps.append(Step("Check the site answers crawlers",
                          "the quick crawl fetched no page: robots.txt, the firewall or the "
                          "address may keep crawlers out"))
    steps.append(Step("Watch the profile over time",
                      "run the full dashboard on your own index to see new and lost links"))
    return steps


def _crawl(ctx: JobContext, site: str, name: str, pages: int, depth: int) -> tuple[int, str]:
    """Pages fetched and a note on what went wrong ('' when nothing did)."""
    conf = ctx.config
    try:
        rep = api.crawl([site], db=ctx.db, name=name, allow_net=conf.allow_net,
                        address_map=conf.address_map, max_pages=pages, max_depth=depth,
                        progress=lambda pr: ctx.progress(f"crawling: {pr.pages} pages"))
    except LinkatlasError as exc:
        return 0, f"the crawl failed: {exc}"
    st = rep.stats
    if st.pages == 0 and st.blocked_guard:
        return 0, "the crawl was blocked: the site's address is not on the public Internet"
    if st.pages == 0 and st.blocked_robots:
        return 0, "the crawl was blocked: robots.txt forbids crawling the home page"
    if st.pages == 0:
        return 0, f"the crawl fetched no page ({sum(st.errors.values())} errors)"
    return st.pages, ""


def run_quick(state: QuickState, ctx: JobContext, p: QuickParams) -> Mapping[str, Any]:
    """Crawl, report, store, mail."""
    pending = state.pop(p.ref)
    if pending is None:
        raise InputError("this quick report has no pending request (was the server restarted?)")
    host = urls.host(p.site)
    domain = urls.registrable_domain(host)
    cfg = state.config
    ctx.progress("crawling the site")
    crawled, note = _crawl(ctx, p.site, f"quick-{host}"[:64], cfg.max_pages, cfg.max_depth)
    ctx.progress("building the report")
    data = api.report_data(domain, db=ctx.db, top=20)
    risks = [] if data.audit is None else [d for d in data.audit.domains if d.band != Band.OK]
    env = report_html.environment("linkatlas.web")
    charts = report_html.profile_charts(data.profile)
    page = env.get_template("quick_report.html").render(
        site=domain, data=data, p=data.profile, risks=risks[:TOP], risk_count=len(risks),
        opportunities=report_html.opportunities(data.profile, data.audit)[:TOP],
        steps=next_steps(data, crawled), crawled=crawled, note=note,
        charts={k: charts[k] for k in ("refdomains_over_time", "anchor_classes")})
    folder = quick_dir(ctx.db, ctx.config.reports_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{pending.token}.html").write_text(page, encoding="utf-8")
    result: dict[str, Any] = {"site": domain, "crawled_pages": crawled,
                              "backlinks": data.profile.links,
                              "refdomains": data.profile.refdomains, "risks": len(risks)}
    if note:
        result["crawl"] = note
    ctx.progress("sending the email")
    link = f"{pending.base_url}/r/{pending.token}"
    send(cfg.mail, report_message(cfg.mail.sender, pending.email, domain, link))
    result["mailed"] = True
    return result


def register(jobs: JobQueue, state: QuickState) -> None:
    """Register the ``quick-report`` kind, bound to the form's state."""
    jobs.register(JobKind("quick-report", QuickParams,
                          lambda ctx, params: run_quick(state, ctx, params),
                          "the public form's report: crawl a site, report, email the link"))
