"""``linkatlas profile``: the full backlink profile of a target, as Rich sections, JSON or CSV."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas.cli._app import DbOpt, Format, FormatOpt, _jsonable, app, out
from linkatlas.model import (
    AnchorStat,
    Bucket,
    ClassifiedAnchor,
    Profile,
    RefDomain,
    ReferrerVisits,
    SitewideGroup,
    VelocitySpike,
    WeekCount,
)
from linkatlas.report import csvout


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "-"


# section name -> (what it holds, its record type, its rows in the profile)
SECTIONS: dict[str, tuple[str, type | None, Callable[[Profile], Sequence[Any]]]] = {
    "rel": ("followed / nofollow / sponsored / ugc split", Bucket, lambda p: p.rel),
    "placements": ("placement split", Bucket, lambda p: p.placements),
    "kinds": ("link kinds", Bucket, lambda p: p.kinds),
    "refdomains": ("top referring domains", RefDomain, lambda p: p.top_refdomains),
    "anchors": ("top anchors", AnchorStat, lambda p: p.top_anchors),
    "anchor-classes": ("anchor classes", Bucket, lambda p: p.anchor_classes),
    "classified-anchors": ("top anchors with their class", ClassifiedAnchor,
                           lambda p: p.classified_anchors),
    "pages": ("top linked pages", None, lambda p: p.top_pages),
    "languages": ("languages of linking pages", Bucket, lambda p: p.languages),
    "tlds": ("TLDs of linking pages", Bucket, lambda p: p.tlds),
    "subnets": ("IP subnets of linking hosts", Bucket, lambda p: p.subnets),
    "authority": ("authority of referring domains", Bucket, lambda p: p.authority),
    "sitewide": ("sitewide groups", SitewideGroup, lambda p: p.sitewide),
    "weeks": ("new and lost referring domains per week", WeekCount, lambda p: p.weeks),
    "spikes": ("velocity spikes", VelocitySpike, lambda p: p.spikes),
    "referrals": ("referral visits per referring domain", ReferrerVisits,
                  lambda p: p.referrals or ()),
}


BUCKET_SECTIONS = frozenset({"rel", "placements", "kinds", "anchor-classes", "languages", "tlds",
                             "subnets", "authority"})


def _check_section(name: str) -> None:
    if name not in SECTIONS:
        raise typer.BadParameter(f"unknown section {name!r}: choose one of {', '.join(SECTIONS)}",
                                 param_hint="--section")


def _section_rows(prof: Profile, name: str) -> Sequence[Any]:
    _check_section(name)
    return SECTIONS[name][2](prof)


@app.command(rich_help_panel="Ask the index")
def profile(
    target: Annotated[str, typer.Argument(help="A domain, host or URL.")],
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    section: Annotated[
        str | None, typer.Option(help="Only this section (" + ", ".join(SECTIONS) + ").")
    ] = None,
    brand: Annotated[
        list[str] | None,
        typer.Option(help="A brand name for anchor classes (repeatable); inferred if none."),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(help="A keyword for anchor classes (repeatable); inferred if none."),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Rows in top lists.")] = 10,
) -> None:
    """The full backlink profile of a target (CSV needs --section)."""
    if fmt is Format.csv and section is None:
        raise typer.BadParameter("CSV holds one section: add --section NAME", param_hint="--format")
    if section is not None:
        _check_section(section)
    prof = api.profile(target, db=db, top=top, brands=brand or (), keywords=keyword or ())
    if fmt is Format.json:
        data = _jsonable(_section_rows(prof, section) if section else prof)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    elif fmt is Format.csv:
        assert section is not None
        rows = _section_rows(prof, section)
        if section == "pages":
            csvout.write_rows(sys.stdout, ["target_url", "links"], rows)
        else:
            record = SECTIONS[section][1]
            assert record is not None
            csvout.write_records(sys.stdout, rows, [f.name for f in dataclasses.fields(record)])
    elif section:
        _print_section(prof, section)
    else:
        _print_profile(prof)


def _bucket_table(title: str, rows: Sequence[Bucket], total: int, *, first: str = "") -> Table:
    table = Table(title=title, title_justify="left")
    for col in (first or "name", "links", "share", "refdomains", "followed"):
        table.add_column(col, overflow="fold", justify="left" if col == (first or "name")
                         else "right")
    for b in rows:
        table.add_row(Text(b.name), f"{b.links:,}", _pct(b.links, total), f"{b.refdomains:,}",
                      f"{b.followed:,}")
    return table


def _print_section(prof: Profile, name: str) -> None:
    rows = _section_rows(prof, name)
    title = SECTIONS[name][0]
    if name in BUCKET_SECTIONS:
        out.print(_bucket_table(title, rows, prof.links))
        return
    if name == "pages":
        table = Table(title=title, title_justify="left")
        table.add_column("target url", overflow="fold")
        table.add_column("links", justify="right")
        for url, n in rows:
            table.add_row(Text(url), f"{n:,}")
        out.print(table)
        return
    columns = {
        "refdomains": ["domain", "links", "followed_links", "pages", "top_anchor", "first_seen"],
        "anchors": ["anchor", "links", "refdomains", "followed_links"],
        "classified-anchors": ["anchor", "kind", "cls", "links", "refdomains"],
        "sitewide": ["host", "pages", "host_pages", "links", "anchor", "placement", "reason"],
        "weeks": ["week", "new", "lost"],
        "spikes": ["week", "new", "baseline", "threshold", "domains"],
        "referrals": ["domain", "visits", "referring_pages", "first_day", "last_day"],
    }[name]
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(Text(_cell(getattr(row, c))) for c in columns))
    out.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
    return str(value)


def _print_profile(prof: Profile) -> None:
    """The whole profile as Rich sections (also used by ``linkatlas demo``)."""
    n = prof.links
    out.print(f"[bold]Backlink profile of {prof.target.value}[/bold] ({prof.target.scope})")
    out.print(
        f"  {n:,} backlinks from {prof.ref_pages:,} pages, {prof.refhosts:,} hosts and "
        f"{prof.refdomains:,} referring domains; {prof.ref_ips:,} addresses in "
        f"{prof.ref_subnets:,} subnets (where the crawl recorded them)"
    )
    out.print(
        f"  followed {prof.followed:,} ({_pct(prof.followed, n)}), nofollow {prof.nofollow:,}, "
        f"sponsored {prof.sponsored:,}, ugc {prof.ugc:,}; {len(prof.sitewide)} sitewide "
        f"group(s) holding {sum(g.links for g in prof.sitewide):,} links: "
        f"{prof.links_once:,} links with each group counted once"
    )
    if not n:
        out.print("  no links to this target in the index")
        return
    how = "inferred" if prof.brand_inferred else "given"
    out.print(f"  brand ({how}): {', '.join(prof.brand) or '-'}")
    how = "inferred" if prof.keywords_inferred else "given"
    out.print(f"  keywords ({how}): {', '.join(prof.keywords) or '-'}")
    for name in ("rel", "placements", "kinds", "anchor-classes"):
        _print_section(prof, name)
    for name in ("refdomains", "classified-anchors", "pages", "sitewide"):
        if _section_rows(prof, name):
            _print_section(prof, name)
    for name in ("languages", "tlds", "subnets", "authority"):
        _print_section(prof, name)
    if prof.authority_graph:
        out.print(f"  authority from graph {prof.authority_graph} (0-100 scores)")
    else:
        out.print("  authority: not scored (run 'linkatlas rank' to score referring domains)")
    active = [w for w in prof.weeks if w.new or w.lost]
    if active:
        table = Table(title="new and lost referring domains per week (weeks with changes, "
                      "last 12)", title_justify="left")
        for col in ("week", "new", "lost"):
            table.add_column(col)
        for w in active[-12:]:
            table.add_row(str(w.week), f"{w.new:,}", f"{w.lost:,}")
        out.print(table)
    if prof.spikes:
        _print_section(prof, "spikes")
    else:
        out.print("  velocity: no week far above its baseline")
    if prof.referrals is None:
        out.print("  referral visits: no traffic data for this target")
    else:
        out.print(f"  referral visits: {prof.referral_visits:,} from {prof.referral_domains:,} "
                  f"domains ({prof.referral_domains_linking:,} of them link here)")
        _print_section(prof, "referrals")
