"""Referral traffic: import access logs and GA4 exports, ask who sends visits to a site."""

from __future__ import annotations

import collections
import dataclasses
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, overload

from linkatlas.api._common import _db, _reader, parse_target
from linkatlas.errors import InputError
from linkatlas.model import (
    DeadPage,
    LandingVisits,
    ReferrerVisits,
    ReferringPageVisits,
    Target,
)
from linkatlas.sources import traffic, traffic_ga4
from linkatlas.store import Index

TRAFFIC_FORMATS = ("auto", "combined", "common", "ga4")
REFERRAL_VIEWS = ("domain", "page", "landing")


@dataclasses.dataclass(frozen=True, slots=True)
class TrafficFile:
    """What one file gave: its format, identity, lines read, visits counted, rows stored."""

    path: str
    format: str
    observed_in: str
    lines: int
    visits: int
    unknown_referrer: int
    rows: int
    replaced: int
    skipped: dict[str, int]


@dataclasses.dataclass(slots=True)
class TrafficReport:
    """What an import did, per file and in total; skips by reason with the first examples."""

    site: str
    files: list[TrafficFile] = dataclasses.field(default_factory=list)
    lines: int = 0
    visits: int = 0
    unknown_referrer: int = 0
    rows: int = 0
    skipped: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    examples: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def import_traffic(
    paths: Iterable[str | Path],
    *,
    site: str,
    fmt: str = "auto",
    spam_list: str | Path | None = None,
    db: str | Path | None = None,
) -> TrafficReport:
    """Read access logs (combined/common, .gz ok) or GA4 CSV exports into the referrals table.

    Each file's rows replace what the same file (same first 64 KiB) gave before, so importing a
    file twice changes nothing and different files add up.
    """
    if fmt not in TRAFFIC_FORMATS:
        raise InputError(f"unknown traffic format {fmt!r}: choose {', '.join(TRAFFIC_FORMATS)}")
    files = [Path(p) for p in paths]
    if not files:
        raise InputError("no files given")
    for path in files:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    where = traffic.parse_site(site)
    spam = traffic.load_spam_list(Path(spam_list)) if spam_list is not None else frozenset()
    rules = traffic.Filter(where, spam)
    report = TrafficReport(site=where.domain)
    started = time.perf_counter()
    # Sniffed first so that a wrong file fails before anything is written.
    kinds = [traffic.sniff(path) if fmt == "auto" else fmt for path in files]
    with Index(_db(db)) as index:
        for path, kind in zip(files, kinds, strict=True):
            observed_in = traffic.fingerprint(path)
            if kind == "ga4":
                tally = traffic_ga4.tally_ga4(path, rules, observed_in)
            else:
                tally = traffic.tally_log(path, kind, rules, observed_in)
            records = tally.records(where, "ga4" if kind == "ga4" else "log")
            replaced, _ = index.replace_referrals(observed_in, where.domain, records)
            stored = len(tally.rows)
            report.files.append(TrafficFile(
                path=str(path), format=kind, observed_in=observed_in, lines=tally.lines,
                visits=tally.visits, unknown_referrer=tally.unknown_referrer,
                rows=stored, replaced=replaced, skipped=dict(tally.skipped),
            ))
            report.lines += tally.lines
            report.visits += tally.visits
            report.unknown_referrer += tally.unknown_referrer
            report.rows += stored
            report.skipped.update(tally.skipped)
            room = traffic.EXAMPLES - len(report.examples)
            report.examples.extend(tally.examples[:max(room, 0)])
    report.seconds = time.perf_counter() - started
    return report


@overload
def referrals(
    target: str | Target, *, by: Literal["domain"] = "domain", db: str | Path | None = None,
    limit: int | None = None,
) -> list[ReferrerVisits]: ...
@overload
def referrals(
    target: str | Target, *, by: Literal["page"], db: str | Path | None = None,
    limit: int | None = None,
) -> list[ReferringPageVisits]: ...
@overload
def referrals(
    target: str | Target, *, by: Literal["landing"], db: str | Path | None = None,
    limit: int | None = None,
) -> list[LandingVisits]: ...
@overload
def referrals(
    target: str | Target, *, by: str, db: str | Path | None = None, limit: int | None = None,
) -> list[ReferrerVisits] | list[ReferringPageVisits] | list[LandingVisits]: ...


def referrals(
    target: str | Target,
    *,
    by: str = "domain",
    db: str | Path | None = None,
    limit: int | None = None,
) -> list[ReferrerVisits] | list[ReferringPageVisits] | list[LandingVisits]:
    """Referral visits to a site, host or page: per referring domain, referring page or landing
    page, most visits first."""
    if by not in REFERRAL_VIEWS:
        raise InputError(f"unknown view {by!r}: choose {', '.join(REFERRAL_VIEWS)}")
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        if by == "page":
            return index.referring_pages(tgt, limit=limit)
        if by == "landing":
            return index.landing_visits(tgt, limit=limit)
        return index.referral_visits(tgt, limit=limit)


def dead_pages(
    target: str | Target, *, db: str | Path | None = None, limit: int | None = None
) -> list[DeadPage]:
    """Pages of a target that answered 404/410 yet still get visits, with their referrers."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        return index.dead_pages(tgt, limit=limit)
