"""One export row into a record: values parsed tolerantly, then a ``Link`` or ``ImportedStat``.

Vendors disagree on booleans (``TRUE``, ``true``, ``1``, ``+``, ``yes``), numbers (``1,234``),
dates (ISO, ``May 1, 2024``, ``01/05/2024``, Unix seconds) and URLs (Moz and Majestic often drop
the scheme); the parsers here accept all of them. A row whose URL cannot be used raises
``RecordError`` with the reason; the reader turns it into a ``Skipped`` record.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Sequence

from linkatlas import urls
from linkatlas.errors import RecordError
from linkatlas.extract.common import make_link
from linkatlas.model import UTC, ImportedStat, Link, LinkKind, Source
from linkatlas.sources.imports.columns import Match

_TRUE = frozenset({"true", "yes", "y", "1", "+", "x", "t", "on", "✓", "wahr", "oui", "si", "ja"})
_KIND_WORDS: dict[str, LinkKind] = {
    "text": LinkKind.A, "href": LinkKind.A, "a": LinkKind.A, "textlink": LinkKind.A,
    "hyperlink": LinkKind.A, "content": LinkKind.A,
    "image": LinkKind.IMAGE, "img": LinkKind.IMAGE, "images": LinkKind.IMAGE,
    "imagelink": LinkKind.IMAGE,
    "redirect": LinkKind.REDIRECT, "301": LinkKind.REDIRECT, "302": LinkKind.REDIRECT,
    "303": LinkKind.REDIRECT, "307": LinkKind.REDIRECT, "308": LinkKind.REDIRECT,
    "canonical": LinkKind.CANONICAL,
    "alternate": LinkKind.ALTERNATE,
    "refresh": LinkKind.REFRESH, "metarefresh": LinkKind.REFRESH,
    "frame": LinkKind.IMPORTED, "iframe": LinkKind.IMPORTED, "form": LinkKind.IMPORTED,
    "rss": LinkKind.IMPORTED, "other": LinkKind.IMPORTED,
}
_REL_WORDS = frozenset({"nofollow", "sponsored", "ugc"})
FIELDS = ("source_url", "target_url", "anchor", "alt", "alt_flag", "type", "rel", "nofollow",
          "sponsored", "ugc", "text", "image", "frame", "form", "redirect", "first_seen",
          "last_seen", "key", "links", "domains", "pages")
_WORD_SPLIT = re.compile(r"[\s,;/|+]+")
_TIME = re.compile(
    r"^(?P<date>.*?)(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[AaPp][Mm])?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?\s*(?:Z|UTC|GMT)?$"
)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")
_NAMED_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%b %d %Y",
                  "%B %d %Y", "%d %b, %Y", "%a, %d %b %Y", "%A, %B %d, %Y", "%b %Y")


@functools.lru_cache(maxsize=256)
def parse_bool(text: str) -> bool:
    """True for the spellings of yes/true/1 that exports use; False for anything else."""
    return text.strip().casefold() in _TRUE


def parse_int(text: str) -> int:
    """A count written with or without thousands separators; 0 when empty or not a number."""
    cleaned = re.sub(r"[\s,'\u00a0\u202f]", "", text)
    if not cleaned:
        return 0
    try:
        return max(int(float(cleaned)), 0)
    except ValueError:
        return 0


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> _dt.datetime | None:
    """A UTC datetime from the date formats exports use, or None when there is none.

    ISO 8601 (with or without time and zone), ``YYYY/MM/DD``, ``DD.MM.YYYY``, ``MM/DD/YYYY``
    (read day-first when the first number exceeds 12), month names (``May 1, 2024``,
    ``1 May 2024``, ``01-May-2024``), Unix seconds or milliseconds, ``YYYYMMDD``.
    """
    raw = text.strip()
    if not raw or raw.casefold() in ("-", "n/a", "na", "none", "null", "never", "0"):
        return None
    if raw.isdigit():
        return _digits_date(raw)
    when: _dt.datetime | None
    try:
        when = _dt.datetime.fromisoformat(raw.replace(" UTC", "").replace(" GMT", ""))
    except ValueError:
        when = _loose_date(raw)
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _digits_date(raw: str) -> _dt.datetime | None:
    try:
        if len(raw) == 8:
            return _dt.datetime.strptime(raw, "%Y%m%d").replace(tzinfo=UTC)
        if len(raw) in (9, 10):
            return _dt.datetime.fromtimestamp(int(raw), tz=UTC)
        if len(raw) == 13:
            return _dt.datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _loose_date(raw: str) -> _dt.datetime | None:
    match = _TIME.match(raw)
    if match is None:
        return None
    part = match.group("date").strip()
    day = _numeric_date(part) or _named_date(part)
    if day is None:
        return None
    hour = int(match.group("h") or 0)
    if match.group("ampm"):
        hour = hour % 12 + (12 if match.group("ampm").lower() == "pm" else 0)
    try:
        return day.replace(hour=hour, minute=int(match.group("m") or 0),
                           second=int(match.group("s") or 0))
    except ValueError:
        return None


def _numeric_date(part: str) -> _dt.datetime | None:
    match = _NUMERIC_DATE.match(part)
    if match is None:
        return None
    a, b, c = (int(g) for g in match.groups())
    if len(match.group(1)) == 4:
        year, month, day = a, b, c
    elif len(match.group(3)) == 4:
        dotted = "." in part
        # Dots are day-first in every locale that uses them; slashes are US month-first unless
        # the first number cannot be a month.
        year, month, day = (c, b, a) if (dotted or a > 12) else (c, a, b)
    else:
        return None
    try:
        return _dt.datetime(year, month, day)
    except ValueError:
        return None


def _named_date(part: str) -> _dt.datetime | None:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", part)
    for fmt in _NAMED_FORMATS:
        try:
            return _dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


@functools.lru_cache(maxsize=1 << 16)  # target pages repeat on most rows of an export
def fix_url(text: str) -> str | None:
    """The normalised http(s) URL an export cell means (scheme added when missing), or None."""
    raw = text.strip()
    if not raw:
        return None
    if raw.startswith("//"):
        raw = "http:" + raw
    elif "://" not in raw[:12]:
        raw = "http://" + raw
    norm = urls.try_normalize(raw)
    # normalize() lower-cases the scheme, so a prefix test is the whole scheme check.
    if norm is None or not norm.startswith(("http://", "https://")):
        return None
    return norm


@functools.lru_cache(maxsize=1024)
def kind_and_rel(text: str) -> tuple[LinkKind | None, tuple[str, ...]]:
    """The link kind (None if no word names one) and rel tokens that type/rel cells hold."""
    rel: list[str] = []
    kind: LinkKind | None = None
    for word in _WORD_SPLIT.split(text.casefold()):
        word = "".join(ch for ch in word if ch.isalnum())
        if word in _REL_WORDS:
            rel.append(word)
        elif kind is None and word in _KIND_WORDS:
            kind = _KIND_WORDS[word]
    return kind, tuple(rel)


def fix_host(text: str) -> str | None:
    """The lower-case punycode host a domain or site cell names (URLs reduced to their host)."""
    raw = text.strip().strip("/")
    raw = raw[2:] if raw.startswith("*.") else raw
    url = fix_url(raw)
    name = urls.host(url) if url else ""
    return name or None


class RowReader:
    """Turns the rows of one matched table into records of one vendor report."""

    def __init__(self, match: Match, *, name: str, target: str, default_seen: _dt.datetime):
        """``name`` is the table's file name (for ``observed_in``); ``target`` the property."""
        self.spec = match.spec
        self.name = name
        self.target = target
        self.default_seen = default_seen
        self.via: Source = match.spec.vendor
        # Rows are cut to the matched columns plus one empty cell that every absent field
        # points at: a field lookup is then one index, with no per-field presence test.
        self.width = max(match.positions.values()) + 1
        self.index = {name: match.positions.get(name, self.width) for name in FIELDS}

    def _cells(self, row: Sequence[str]) -> list[str]:
        cells = list(row[:self.width])
        cells.extend([""] * (self.width + 1 - len(cells)))
        return cells

    def _get(self, cells: Sequence[str], field: str) -> str:
        return cells[self.index[field]]

    def _flag(self, cells: Sequence[str], field: str) -> bool:
        return parse_bool(cells[self.index[field]])

    def _seen(self, row: Sequence[str]) -> tuple[_dt.datetime, _dt.datetime]:
        first = parse_date(self._get(row, "first_seen"))
        last = parse_date(self._get(row, "last_seen"))
        if first is None and last is None:
            return self.default_seen, self.default_seen
        first = first or last
        last = last or first
        assert first is not None and last is not None
        return min(first, last), max(first, last)

    def read(self, row: Sequence[str], number: int) -> Link | ImportedStat:
        """The record of one data row (``number`` is its row in the sheet, header = 1)."""
        where = f"{self.name}#{number}"
        cells = self._cells(row)
        if self.spec.report == "link":
            return self._link(cells, where)
        return self._stat(cells, where)

    def _link(self, row: Sequence[str], where: str) -> Link:
        source = fix_url(self._get(row, "source_url"))
        if source is None:
            raise RecordError(f"bad source URL: {self._get(row, 'source_url')[:120]!r}")
        target = fix_url(self._get(row, "target_url"))
        if target is None:
            raise RecordError(f"bad target URL: {self._get(row, 'target_url')[:120]!r}")
        anchor = " ".join(self._get(row, "anchor").split())
        alt = " ".join(self._get(row, "alt").split())
        kind, words = kind_and_rel(self._get(row, "type") + " " + self._get(row, "rel"))
        rel = list(words)
        for flag in ("nofollow", "sponsored", "ugc"):
            if self._flag(row, flag):
                rel.append(flag)
        if kind is None:
            kind = self._kind_from_flags(row, anchor, alt)
        if not anchor and alt:
            anchor = alt
        first, last = self._seen(row)
        link = make_link(source, target, anchor=anchor, kind=kind, rel=" ".join(rel), seen=first,
                         via=self.via, observed_in=where)
        link.last_seen = last
        return link

    def _kind_from_flags(self, row: Sequence[str], anchor: str, alt: str) -> LinkKind:
        if self._flag(row, "redirect"):
            return LinkKind.REDIRECT
        if self._flag(row, "image") or self._flag(row, "alt_flag") or (alt and not anchor):
            return LinkKind.IMAGE
        if self._flag(row, "frame") or self._flag(row, "form"):
            return LinkKind.IMPORTED
        if self._flag(row, "text"):
            return LinkKind.A
        return LinkKind.A if anchor else LinkKind.IMPORTED

    def _stat(self, row: Sequence[str], where: str) -> ImportedStat:
        raw = self._get(row, "key")
        report = self.spec.report
        key: str | None
        if report in ("refdomain", "linking_site"):
            key = fix_host(raw)
        elif report in ("linked_page", "linking_page"):
            key = fix_url(raw)
        else:
            key = " ".join(raw.split())
        if key is None:
            what = "domain" if report in ("refdomain", "linking_site") else "URL"
            raise RecordError(f"bad {what}: {raw[:120]!r}")
        first, last = self._seen(row)
        return ImportedStat(
            target=self.target, via=self.via, report=report, key=key,
            links=parse_int(self._get(row, "links")), domains=parse_int(self._get(row, "domains")),
            pages=parse_int(self._get(row, "pages")), first_seen=first, last_seen=last,
            observed_in=where,
        )
