"""Crawl scope and trap rules, and the canonical form of a URL in the frontier (pure, no I/O).

``canonicalize`` is ``urls.normalize`` plus the removal of parameters that name a visitor or a
campaign rather than a resource (``utm_*``, ``gclid``, ``fbclid``, ``sid``, ``PHPSESSID``, a
``;jsessionid=`` path parameter...), so that the same page reached through two sessions is one
frontier entry. ``Scope.check`` says why a URL is refused, or None: out of the seeds' domains
(or hosts), include/exclude patterns, depth, and the trap heuristics (URL length, repeated path
segments, a calendar beyond its horizon or budget, a per-host page budget). See docs/crawler.md.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from linkatlas import urls
from linkatlas.errors import ConfigError

# Parameters that identify a session, a click or a campaign, never the resource itself.
TRACKING_PARAMS: frozenset[str] = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "rb_clickid", "s_cid",
    "sid", "sessionid", "session_id", "sessid", "phpsessid", "jsessionid", "aspsessionid",
    "cfid", "cftoken", "zenid", "oscsid",
})  # fmt: skip
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "aspsessionid", "hsa_")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#]*", re.IGNORECASE)
# A year and month (2024-01, 2024/01, 202401 not: too many false hits), optionally a day.
_DATE = re.compile(r"(?<![0-9])((?:19|20|21)[0-9]{2})[-/_.]?(0[1-9]|1[0-2])(?![0-9])")
_DIGITS = re.compile(r"[0-9]+")


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """``url`` without tracking/session query parameters and ``;jsessionid=``-style path params."""
    if ";" in url:
        url = _PATH_SESSION.sub("", url)
    q = url.find("?")
    if q < 0:
        return url
    kept = [p for p in url[q + 1 :].split("&") if p and not _is_tracking(p.partition("=")[0])]
    return url[:q] + ("?" + "&".join(kept) if kept else "")


def canonicalize(url: str) -> str | None:
    """The frontier form of ``url`` (normalised, tracking removed); None unless valid http(s)."""
    norm = urls.try_normalize(url)
    if norm is None or not norm.startswith(("http://", "https://")):
        return None
    if "?" in norm or ";" in norm:
        norm = strip_tracking(norm)
    return norm


@dataclass(frozen=True, slots=True)
class ScopeRules:
    """What a crawl may fetch. Empty ``hosts`` and ``domains`` mean the seeds' domains."""

    domains: frozenset[str] = frozenset()
    hosts: frozenset[str] = frozenset()
    max_depth: int = 5
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_url_length: int = 2048
    max_segment_repeats: int = 2
    host_budget: int = 10_000
    calendar_budget: int = 24
    calendar_years_ahead: int = 2


class Scope:
    """Scope and trap checks with per-run state (host budgets, calendar pattern counts)."""

    def __init__(self, rules: ScopeRules, *, today: _dt.date | None = None) -> None:
        self.rules = rules
        self._include = compile_patterns(rules.include)
        self._exclude = compile_patterns(rules.exclude)
        self._max_year = (today or _dt.date.today()).year + rules.calendar_years_ahead
        self._per_host: Counter[str] = Counter()
        self._calendar: Counter[str] = Counter()

    @classmethod
    def for_seeds(cls, seeds: Iterable[str], rules: ScopeRules) -> Scope:
        """A scope whose domains are the seeds' registrable domains (unless hosts/domains given)."""
        if rules.hosts or rules.domains:
            return cls(rules)
        domains = frozenset(urls.host_and_domain(s)[1] for s in seeds if urls.host(s))
        return cls(dataclasses.replace(rules, domains=domains))

    def in_scope(self, url: str, host: str) -> bool:
        """Whether ``host`` belongs to the crawl (hosts list, else registrable domains)."""
        r = self.rules
        if host in r.hosts:
            return True
        return bool(r.domains) and urls.registrable_domain(host) in r.domains

    def check(self, url: str, host: str, depth: int) -> str | None:
        """Why ``url`` (canonical) at ``depth`` is refused (scope, depth, a trap), or None."""
        r = self.rules
        if not self.in_scope(url, host):
            return "out-of-scope"
        if depth > r.max_depth:
            return "max-depth"
        if len(url) > r.max_url_length:
            return "url-length"
        if self._exclude and any(p.search(url) for p in self._exclude):
            return "excluded"
        if self._include and not any(p.search(url) for p in self._include):
            return "not-included"
        path_start = url.find("/", url.find("//") + 2)
        rest = url[path_start:] if path_start >= 0 else "/"
        if _repeats(rest, r.max_segment_repeats):
            return "repeated-segments"
        if _DATE.search(rest) and self._calendar_trap(host, rest):
            return "calendar"
        return None

    def admit(self, host: str) -> bool:
        """Count one new URL against ``host``'s page budget; False once the budget is spent."""
        if self._per_host[host] >= self.rules.host_budget:
            return False
        self._per_host[host] += 1
        return True

    def _calendar_trap(self, host: str, rest: str) -> bool:
        for m in _DATE.finditer(rest):
            if int(m.group(1)) > self._max_year:
                return True
        # Same URL shape with only the digits changing: an archive or a calendar. Let a
        # bounded number of them through (two years of months), then stop the walk.
        shape = host + _DIGITS.sub("0", rest)
        self._calendar[shape] += 1
        return self._calendar[shape] > self.rules.calendar_budget


def _repeats(rest: str, limit: int) -> bool:
    path = rest.split("?", 1)[0]
    segments = [s for s in path.split("/") if s]
    if len(segments) <= limit:
        return False
    counts = Counter(segments)
    return counts.most_common(1)[0][1] > limit


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Compile include/exclude patterns; ConfigError names a pattern that is not a regex."""
    out = []
    for p in patterns:
        try:
            out.append(re.compile(p))
        except re.error as exc:
            raise ConfigError(f"crawl pattern {p!r} is not a regular expression: {exc}") from None
    return out
