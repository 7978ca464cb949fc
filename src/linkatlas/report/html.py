"""The HTML report: one self-contained file (inline CSS and SVG charts, no external request).

Jinja2 with autoescaping on for every template; text from the index only reaches the page
through it. Only ``http``/``https`` URLs become links (``web_url``); anything else (a
``javascript:`` URL a page linked to, say) is shown as text. The web app renders the same
sections (``profile_charts``, ``opportunities``) and serves this report under a CSP that allows
exactly its inline stylesheet by hash (``style_hash``).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import hashlib
from importlib import resources

import jinja2
import markupsafe

from linkatlas.audit.records import AuditReport, Band
from linkatlas.model import Authority, Profile
from linkatlas.report import charts

STYLESHEET = resources.files("linkatlas.report").joinpath("templates/report.css").read_text(
    encoding="utf-8")


def style_hash() -> str:
    """The CSP source (``'sha256-...'``) that allows the report's inline stylesheet."""
    digest = hashlib.sha256(STYLESHEET.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def web_url(text: object) -> bool:
    """Whether ``text`` may be rendered as a link: an absolute http or https URL, nothing else."""
    if not isinstance(text, str):
        return False
    head = text[:8].lower()
    return (head.startswith(("http://", "https://")) and text == text.strip()
            and not any(ord(c) < 0x20 for c in text))


def link(url: str) -> markupsafe.Markup:
    """``url`` as an escaped link when it is an http(s) URL, as escaped text otherwise."""
    if web_url(url):
        return markupsafe.Markup('<a href="{0}" rel="nofollow noopener noreferrer">{0}</a>'
                                 ).format(url)
    return markupsafe.Markup('<span class="url">{0}</span>').format(url)


def environment(package: str = "linkatlas.report") -> jinja2.Environment:
    """A Jinja2 environment over a package's ``templates`` folder, autoescaping everything."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,  # every template, whatever its suffix
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["web_url"] = web_url
    env.globals["link"] = link
    env.filters["num"] = lambda v: f"{v:,}" if isinstance(v, int) else f"{v:,.1f}"
    env.filters["day"] = lambda v: v.strftime("%Y-%m-%d") if v is not None else ""
    return env


@dataclasses.dataclass(frozen=True, slots=True)
class Opportunity:
    """Something worth doing that the index shows today: what, why, and for which items."""

    title: str
    why: str
    items: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one report shows; ``audit``/``authority`` are None when not computed."""

    profile: Profile
    audit: AuditReport | None = None
    authority: Authority | None = None
    generated: _dt.datetime = dataclasses.field(
        default_factory=lambda: _dt.datetime.now(_dt.UTC).replace(microsecond=0))


def profile_charts(p: Profile) -> dict[str, str]:
    """The profile's charts as inline SVG, by name (the same on the web pages and the report)."""
    followed = p.followed
    return {
        "refdomains_over_time": charts.weekly_area(
            "Referring domains over time (new per week, running total)",
            [(w.week, float(w.new)) for w in p.weeks]),
        "follow_split": charts.share_bar(
            "Followed and nofollow links",
            [(b.name, float(b.links)) for b in p.rel] if p.rel else
            [("followed", float(followed)), ("not followed", float(p.links - followed))]),
        "anchor_classes": charts.hbar(
            "Anchor classes (links)", [(b.name, float(b.links)) for b in p.anchor_classes]),
        "placement": charts.stacked_bars(
            "Placement of links", [b.name for b in p.placements],
            [("followed", [float(b.followed) for b in p.placements]),
             ("not followed", [float(b.links - b.followed) for b in p.placements])]),
        "authority": charts.hbar(
            "Authority of referring domains (domains per band)",
            [(b.name, float(b.refdomains)) for b in p.authority]),
        "top_pages": charts.hbar(
            "Top linked pages (links)", [(url, float(n)) for url, n in p.top_pages[:10]]),
    }


def opportunities(p: Profile, audit: AuditReport | None) -> list[Opportunity]:
    """What can be improved from what the index holds today (no outside data needed)."""
    out: list[Opportunity] = []
    no_credit = [d.domain for d in p.top_refdomains if d.links and not d.followed_links]
    if no_credit:
        out.append(Opportunity(
            "Ask for an editorial link",
            "these referring domains already mention the site, but none of their links pass "
            "ranking credit (nofollow, ugc or sponsored)", tuple(no_credit)))
    if audit is not None:
        keep = [d.domain for d in audit.domains if d.band == Band.OK and d.followed][:10]
        if keep:
            out.append(Opportunity(
                "Strengthen relations with clean referrers",
                "followed links from domains the audit found no problem with: the ones to "
                "keep, and to ask for more", tuple(keep)))
    if p.sitewide:
        out.append(Opportunity(
            "Review sitewide links",
            "the same link on most pages of a site counts once; a footer or blogroll link is "
            "worth less than one in an article",
            tuple(f"{g.host} ({g.placement}, {g.pages} pages)" for g in p.sitewide[:10])))
    return out


def render(data: ReportData) -> str:
    """The whole report as one self-contained HTML document."""
    template = environment().get_template("report.html.j2")
    risks = ([] if data.audit is None else
             [d for d in data.audit.domains if d.band != Band.OK][:20])
    return template.render(
        p=data.profile, audit=data.audit, authority=data.authority, risks=risks,
        charts=profile_charts(data.profile), opportunities=opportunities(data.profile, data.audit),
        generated=data.generated, stylesheet=STYLESHEET)
