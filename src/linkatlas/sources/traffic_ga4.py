"""GA4 CSV exports (Traffic acquisition, Landing page, Page referrer explorations) as a Tally.

A GA4 download starts with ``#`` comment lines (report name, account, property, ``# Start
date: YYYYMMDD``, ``# End date: YYYYMMDD``), then a header row and one row per dimension
combination; a later ``#`` block starts another table (a chart's series), which is not read.
Headers are matched case- and space-insensitively, by their UI names or their Data API names.
Needed: a referrer (``Page referrer``, ``Session source / medium`` or ``Session source``) and a
count (``Sessions``, ``Views``, ``Event count``...); a landing page (``Landing page + query
string``, ``Landing page``, ``Page path + query string``, ``Page location``...) when the export
has one. The standard Traffic acquisition report has none: its visits count per referring domain
with the landing page unknown (an empty ``landing_url``). Without a ``Date`` column a row covers
the export's whole range. See docs/traffic.md.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from linkatlas.errors import InputError
from linkatlas.sources.traffic import Filter, Tally, lines

REFERRER_URL = ("page referrer", "pagereferrer", "full referrer", "fullreferrer", "referrer")
SOURCE_MEDIUM = ("session source / medium", "sessionsourcemedium", "source / medium")
SOURCE = ("session source", "sessionsource", "source")
MEDIUM = ("session medium", "sessionmedium", "medium")
LANDING = (
    "landing page + query string", "landingpageplusquerystring", "landing page", "landingpage",
    "page path + query string", "pagepathplusquerystring", "page path and screen class",
    "pagepathandscreenclass", "page path", "pagepath", "page location", "pagelocation",
)  # fmt: skip
COUNT = (
    "sessions", "views", "screenpageviews", "entrances", "event count", "eventcount",
    "total users", "totalusers", "active users", "activeusers", "users",
)  # fmt: skip
DATE = ("date",)
COMPARISON = ("date range", "daterange")
# Mediums that are not a visit through a link on another site.
NOT_LINKS = frozenset({"organic", "cpc", "ppc", "paid", "paidsearch", "paid_search", "cpm",
                       "display", "email", "e-mail", "(none)", "(not set)"})
_COMMENT_DATE = re.compile(r"^#\s*(start|end) date:\s*(\d{8})\s*$", re.IGNORECASE)
_APP_ID = re.compile(r"^(?:com|org|net|io|de|fr|jp|uk)\.[a-z0-9_]+\.[a-z0-9_.]+$")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
_TOTALS = frozenset({"grand total", "total", "totals"})


def _norm(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().lower().split())


def _find(header: Sequence[str], names: Sequence[str]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _date(text: str) -> str | None:
    digits = text.strip().replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
    except ValueError:
        return None


def _count(text: str) -> int | None:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        return None
    return round(value) if value >= 0 else None


def _expected(path: Path, header: Sequence[str]) -> InputError:
    found = ", ".join(repr(h) for h in header[:12]) or "none"
    return InputError(
        f"{path}: not a GA4 traffic export linkatlas can read (columns: {found}); expected a "
        "referrer column ('Page referrer', 'Session source / medium' or 'Session source') and "
        "a count ('Sessions', 'Views' or 'Event count'), and optionally a landing page column "
        "('Landing page + query string', 'Landing page', 'Page path + query string' or 'Page "
        "location')"
    )


def tally_ga4(path: Path, rules: Filter, observed_in: str) -> Tally:
    """Read a GA4 CSV export into a Tally of referral visits (status unknown: 0)."""
    tally = Tally(str(path), "ga4", observed_in)
    bounds: dict[str, str] = {}
    broken: list[str] = []
    numbered = lines(path, broken)
    tally_line = [0]  # the file line of the CSV row being read (for skip examples)

    def body() -> Iterator[str]:
        started = False
        for number, text in numbered:
            tally_line[0] = number
            if text is None:
                tally.skip("line longer than 64 KiB", number, bad=True)
                continue
            if text.startswith("#") or not text.strip():
                if started:
                    return  # a second table (a chart's series) follows: the first is the report
                match = _COMMENT_DATE.match(text.strip())
                if match:
                    bounds[match.group(1).lower()] = match.group(2)
                continue
            started = True
            yield text

    rows = csv.reader(body())
    header = [_norm(h) for h in next(rows, [])]
    if _find(header, COMPARISON) is not None:
        raise InputError(f"{path}: a GA4 export comparing two date ranges; export one range")
    ref_col = _find(header, REFERRER_URL)
    sm_col = _find(header, SOURCE_MEDIUM)
    src_col = _find(header, SOURCE)
    med_col = _find(header, MEDIUM)
    land_col = _find(header, LANDING)
    count_col = _find(header, COUNT)
    date_col = _find(header, DATE)
    if count_col is None or (ref_col, sm_col, src_col) == (None,) * 3:
        raise _expected(path, header)
    start = _date(bounds.get("start", ""))
    end = _date(bounds.get("end", "")) or start
    if date_col is None and start is None:
        raise InputError(f"{path}: no 'Date' column and no '# Start date:' line: cannot tell "
                         "which days the visits belong to")
    dims = [i for i in (ref_col, sm_col, src_col, med_col, land_col, date_col) if i is not None]
    width = len(header)
    for row in rows:
        tally.lines += 1
        line = tally_line[0]
        if len(row) != width:
            tally.skip(f"row has {len(row)} fields, header has {width}", line, bad=True)
            continue
        if all(not row[i].strip() for i in dims) or row[dims[0]].strip().lower() in _TOTALS:
            tally.skip("totals row")
            continue
        visits = _count(row[count_col])
        if visits is None:
            tally.skip("count is not a number", line, bad=True)
            continue
        if date_col is not None:
            day = _date(row[date_col])
            if day is None:
                tally.skip("bad date", line, bad=True)
                continue
            until = day
        else:
            assert start is not None and end is not None
            day, until = start, end
        landing_url = ""  # a Traffic acquisition report: the landing page is not known
        if land_col is not None:
            landing = row[land_col].strip()
            if not landing or landing.startswith("("):
                tally.skip("no landing page ((not set))")
                continue
            landing_url = rules.landing(landing)
            if not landing_url.startswith(("http://", "https://")):
                tally.skip(landing_url, line, bad=landing_url == "bad landing URL")
                continue
        ref = _referrer(row, ref_col, sm_col, src_col, med_col, rules)
        if isinstance(ref, str):
            tally.skip(ref)
            continue
        if visits:
            tally.add((day, until, ref[0], ref[1], ref[2], landing_url, 0), visits)
    for message in broken:
        tally.skip(message, bad=True)
    return tally


def _referrer(
    row: Sequence[str], ref_col: int | None, sm_col: int | None, src_col: int | None,
    med_col: int | None, rules: Filter,
) -> tuple[str, str, str] | str:
    """(url, host, domain) of a row's referrer, or why the row is not a referral."""
    if ref_col is not None:
        raw = row[ref_col].strip()
        if raw.startswith(("http://", "https://")):
            return rules.referrer(raw)
        if sm_col is None and src_col is None:
            return "direct (no referrer)" if raw in ("", "(not set)") else "not a web referrer"
    if sm_col is not None:
        source, _, medium = row[sm_col].partition(" / ")
    else:
        assert src_col is not None
        source, medium = row[src_col], row[med_col] if med_col is not None else ""
    source, medium = source.strip().lower(), medium.strip().lower()
    if source in ("(direct)", "", "(not set)"):
        return "direct (no referrer)"
    if medium in NOT_LINKS:
        return f"not a link (medium {medium})"
    if not _HOST.match(source) or _APP_ID.match(source):
        return "not a web referrer (campaign or app name)"
    outside = rules.referrer_host(source)
    if isinstance(outside, str):
        return outside
    return "", source, outside[1]
