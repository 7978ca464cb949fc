"""robots.txt parsing and matching (RFC 9309): bytes in, verdicts out, no I/O.

``RobotsTxt.parse`` never raises: binary junk, HTML error pages, any line ending, a BOM and huge
files all parse (only the first ``max_bytes`` are read). ``check`` says which line decided, so
users can debug their own robots.txt. Where RFC 9309 is silent or Google's reference library
differs, the choice is written in docs/robots.md. Patterns are matched with ``str.startswith``
and ``str.find`` on their literal pieces (greedy leftmost for ``*``), never with a backtracking
regex, so a hostile pattern costs O(len(path) * len(pattern)) at worst.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

MAX_BYTES = 512_000  # RFC 9309 2.5: parse at least 500 KiB
MAX_LINE_BYTES = 16_663  # Google's kMaxLineLen - 1 (2083 * 8 - 1); the rest of a line is dropped
MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five consecutive redirects
CACHE_SECONDS = 24 * 3600  # RFC 9309 2.4: do not use a cached copy for more than 24 hours
_CACHE_AGENTS = 64

Policy = Literal["parse", "allow_all", "disallow_all"]

_UA, _ALLOW, _DISALLOW, _SITEMAP, _DELAY = range(5)
# Google's reference parser accepts these frequent typos; honouring the Disallow ones is the
# polite choice, and a misspelt User-agent line would otherwise merge two groups silently.
_KEYS: dict[bytes, int] = {
    b"user-agent": _UA, b"useragent": _UA, b"user agent": _UA,
    b"allow": _ALLOW,
    b"disallow": _DISALLOW, b"dissallow": _DISALLOW, b"dissalow": _DISALLOW,
    b"disalow": _DISALLOW, b"diasllow": _DISALLOW, b"disallaw": _DISALLOW,
    b"sitemap": _SITEMAP, b"site-map": _SITEMAP,
    b"crawl-delay": _DELAY, b"crawldelay": _DELAY,
}  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z0-9_-]*")
_HEX_B = re.compile(rb"%[0-9a-fA-F]{2}")
_HEX = re.compile(r"%[0-9a-fA-F]{2}")
_HIGH = re.compile(rb"[\x80-\xff]")
_WS = re.compile(rb"[ \t]+")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a URL may be fetched, and the rule, line and group that decided it."""

    allowed: bool
    rule: str | None
    line: int | None
    group_agents: tuple[str, ...]
    reason: str = ""

    def explain(self) -> str:
        """One human line: allowed or not, and why."""
        head = "allowed" if self.allowed else "disallowed"
        where = f" in group [{', '.join(self.group_agents)}]" if self.group_agents else ""
        if self.rule is not None:
            return f"{head}: '{self.rule}' (line {self.line}){where}"
        return f"{head}: {self.reason}{where}"


@dataclass(frozen=True, slots=True)
class _Rule:
    allow: bool
    text: str  # as written, for Verdict.rule
    line: int
    priority: int  # octets of the normalised pattern
    first: str  # literal piece before the first '*'
    rest: tuple[str, ...]  # literal pieces after each '*'
    anchored: bool  # pattern ended with '$'

    def matches(self, path: str) -> bool:
        """Whether the pattern matches ``path`` from its start (to its end when anchored)."""
        if not path.startswith(self.first):
            return False
        if not self.rest:
            return not self.anchored or len(path) == len(self.first)
        pos = len(self.first)
        last = len(self.rest) - 1
        for i, piece in enumerate(self.rest):
            if i == last and self.anchored:
                return len(path) - len(piece) >= pos and path.endswith(piece)
            found = path.find(piece, pos)
            if found < 0:
                return False
            pos = found + len(piece)
        return True


class _Group:
    __slots__ = ("agents", "delays", "rules", "tokens")

    def __init__(self) -> None:
        self.agents: list[str] = []
        self.tokens: set[str] = set()
        self.rules: list[_Rule] = []
        self.delays: list[float] = []


def _better(a: _Rule, b: _Rule | None) -> bool:
    """Whether rule ``a`` beats ``b``: longer pattern, or as long and an Allow over a Disallow."""
    return (
        b is None
        or a.priority > b.priority
        or (a.priority == b.priority and a.allow and not b.allow)
    )


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The merged rules for one agent, indexed so most checks are a few dict look-ups."""

    literal: dict[str, _Rule]  # plain prefixes (no '*', no '$') by pattern
    lengths: tuple[int, ...]  # distinct lengths of those prefixes, longest first
    exact: dict[str, _Rule]  # '$'-anchored patterns without '*', by pattern
    wild: tuple[_Rule, ...]  # patterns with '*', best first
    agents: tuple[str, ...]
    delay: float | None

    @classmethod
    def build(cls, rules: list[_Rule], agents: tuple[str, ...], delay: float | None) -> _Compiled:
        """Index ``rules``; for one pattern written twice the better (then earlier) rule stays."""
        literal: dict[str, _Rule] = {}
        exact: dict[str, _Rule] = {}
        wild: list[_Rule] = []
        for rule in rules:
            if rule.rest:
                wild.append(rule)
                continue
            table = exact if rule.anchored else literal
            if _better(rule, table.get(rule.first)):
                table[rule.first] = rule
        wild.sort(key=lambda r: (-r.priority, not r.allow, r.line))
        lengths = tuple(sorted({len(p) for p in literal}, reverse=True))
        return cls(literal, lengths, exact, tuple(wild), agents, delay)

    def decide(self, path: str) -> _Rule | None:
        """The rule that decides ``path`` (longest match, Allow wins ties), or None."""
        best = self.exact.get(path)  # matches the whole path: longer than any plain prefix
        if best is None:
            size = len(path)
            for length in self.lengths:
                if length <= size:
                    best = self.literal.get(path[:length])
                    if best is not None:
                        break
        for rule in self.wild:
            if not _better(rule, best):
                break  # sorted best first: nothing after this one can win either
            if rule.matches(path):
                return rule
        return best


def escape_pattern(raw: bytes) -> str:
    """A path pattern normalised for comparison: octets >= 0x80 percent-encoded, hex upper."""
    if b"%" in raw:
        raw = _HEX_B.sub(lambda m: m.group(0).upper(), raw)
    if _HIGH.search(raw):
        raw = _HIGH.sub(lambda m: b"%%%02X" % m.group(0)[0], raw)
    return raw.decode("latin-1")


def path_for_matching(url: str) -> str:
    """The path, params and query of ``url`` (fragment dropped) as robots rules see it."""
    start = 2 if url.startswith("//") else 0
    early = _find_any(url, "/?;", start)
    scheme_end = url.find("://", start)
    if scheme_end < 0 or (0 <= early < scheme_end):
        scheme_end = start
    else:
        scheme_end += 3
    path_start = _find_any(url, "/?;", scheme_end)
    if path_start < 0:
        return "/"
    hash_pos = url.find("#", start)
    if 0 <= hash_pos < path_start:
        return "/"
    path = url[path_start:] if hash_pos < 0 else url[path_start:hash_pos]
    if path[0] != "/":
        path = "/" + path
    if "%" in path:
        path = _HEX.sub(lambda m: m.group(0).upper(), path)
    return path


def _find_any(text: str, chars: str, start: int) -> int:
    best = -1
    for ch in chars:
        i = text.find(ch, start)
        if i >= 0 and (best < 0 or i < best):
            best = i
    return best


def product_token(agent: str) -> str:
    """The product token of a user-agent string (the part before '/'), lowercased."""
    token = agent.split("/", 1)[0].strip()
    return "*" if token == "*" else token.lower()


def policy_for_status(status: int | None) -> Policy:
    """What to do with a robots.txt fetch that ended with ``status`` (None: network error)."""
    if status is None:
        return "disallow_all"  # unreachable: timeout, DNS, connection, TLS
    if 200 <= status < 300:
        return "parse"
    if status == 429:
        return "disallow_all"  # "slow down" is not "there is no robots.txt" (as Google does)
    if 300 <= status < 500:
        return "allow_all"  # unavailable; 3xx here means the redirect limit was exceeded
    return "disallow_all"  # 5xx and anything outside HTTP's range: unreachable


def _agent_token(value: str) -> str:
    """The token a User-agent line names: '*' or the leading [A-Za-z0-9_-] run, lowercased."""
    if value.startswith("*") and (len(value) == 1 or value[1].isspace()):
        return "*"
    match = _TOKEN.match(value)
    return match.group(0).lower() if match else ""


def _split_line(line: bytes) -> tuple[bytes, bytes] | None:
    """Key and value of a stripped, comment-free line, or None when it has no separator."""
    colon = line.find(b":")
    if colon >= 0:
        return line[:colon].strip(), line[colon + 1 :].strip()
    # A missing colon is accepted when the line is exactly two words ("Disallow /x").
    parts = _WS.split(line)
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _to_bytes(content: bytes | str) -> bytes:
    if isinstance(content, str):
        try:
            return content.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return content.encode("utf-8", "replace")
    data = bytes(content)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a UTF-16 file: re-encode it as UTF-8
        return data.decode("utf-16", "replace").encode("utf-8", "replace")
    return data


def _make_rule(allow: bool, value: bytes, line: int) -> _Rule | None:
    raw = value
    anchored = raw.endswith(b"$")
    if anchored:
        raw = raw[:-1]
    pattern = escape_pattern(raw)
    if not pattern and not anchored:
        return None  # "Disallow:" with no path allows everything: it is no rule at all
    pieces = pattern.split("*")
    text = ("Allow: " if allow else "Disallow: ") + value.decode("utf-8", "replace")
    return _Rule(
        allow=allow,
        text=text,
        line=line,
        priority=len(pattern) + anchored,
        first=pieces[0],
        rest=tuple(pieces[1:]),
        anchored=anchored,
    )


class RobotsTxt:
    """A parsed robots.txt: group selection, longest-match verdicts, crawl delays, sitemaps."""

    __slots__ = ("_cache", "_deny_all", "_groups", "_reason", "sitemaps", "truncated")

    def __init__(
        self,
        groups: list[_Group],
        sitemaps: tuple[str, ...],
        *,
        truncated: bool,
        deny_all: bool = False,
        reason: str = "robots.txt has no groups",
    ) -> None:
        self._groups = groups
        self.sitemaps = sitemaps
        self.truncated = truncated
        self._deny_all = deny_all
        self._reason = reason
        self._cache: dict[str, _Compiled] = {}

    @classmethod
    def parse(cls, content: bytes | str, *, max_bytes: int = MAX_BYTES) -> RobotsTxt:
        """Parse robots.txt content; never raises, reads at most ``max_bytes`` of it."""
        data = _to_bytes(content)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        truncated = len(data) > max_bytes
        if truncated:
            data = data[: max(0, max_bytes)]
            # The cut line is incomplete: a cut "Allow: /abc" would read as "Allow: /a".
            data = data[: max(data.rfind(b"\n"), data.rfind(b"\r")) + 1]
        groups: list[_Group] = []
        sitemaps: dict[str, None] = {}
        group: _Group | None = None
        in_agents = False
        for number, line in enumerate(data.splitlines(), 1):
            if len(line) > MAX_LINE_BYTES:
                line = line[:MAX_LINE_BYTES]
            hash_pos = line.find(b"#")
            if hash_pos >= 0:
                line = line[:hash_pos]
            line = line.strip()
            if not line:
                continue
            pair = _split_line(line)
            if pair is None:
                continue
            kind = _KEYS.get(pair[0].lower())
            value = pair[1]
            if kind == _UA:
                if group is None or not in_agents:
                    group = _Group()
                    groups.append(group)
                text = value.decode("utf-8", "replace")
                group.agents.append(text)
                group.tokens.add(_agent_token(text))
                in_agents = True
            elif kind == _SITEMAP:
                if value:
                    sitemaps[value.decode("utf-8", "replace")] = None
            elif kind is not None and group is not None:  # rules before any User-agent: none
                in_agents = False
                if kind == _DELAY:
                    delay = _parse_delay(value)
                    if delay is not None:
                        group.delays.append(delay)
                else:
                    rule = _make_rule(kind == _ALLOW, value, number)
                    if rule is not None:
                        group.rules.append(rule)
        return cls(groups, tuple(sitemaps), truncated=truncated)

    @classmethod
    def allow_all(cls) -> RobotsTxt:
        """The policy for an unavailable robots.txt (4xx): every URL is allowed."""
        return cls([], (), truncated=False, reason="robots.txt unavailable: everything allowed")

    @classmethod
    def disallow_all(cls) -> RobotsTxt:
        """The policy for an unreachable robots.txt (5xx, network error): nothing but itself."""
        return cls([], (), truncated=False, deny_all=True,
                   reason="robots.txt unreachable: everything disallowed")  # fmt: skip

    def check(self, url: str, agent: str) -> Verdict:
        """The verdict for ``url`` and ``agent``, with the rule and line that decided it."""
        path = path_for_matching(url)
        compiled = self._compiled(agent)
        if path == "/robots.txt":
            return Verdict(True, None, None, compiled.agents, "/robots.txt is always allowed")
        if self._deny_all:
            return Verdict(False, None, None, (), self._reason)
        rule = compiled.decide(path)
        if rule is not None:
            return Verdict(rule.allow, rule.text, rule.line, compiled.agents,
                           "longest matching rule")  # fmt: skip
        if not compiled.agents and not self._groups:
            return Verdict(True, None, None, (), self._reason)
        reason = "no rule matches" if compiled.agents else "no group for this agent and no '*'"
        return Verdict(True, None, None, compiled.agents, reason)

    def allowed(self, url: str, agent: str) -> bool:
        """Whether ``agent`` may fetch ``url``."""
        return self.check(url, agent).allowed

    def crawl_delay(self, agent: str) -> float | None:
        """Seconds between requests asked of ``agent`` (largest of its group), or None."""
        return self._compiled(agent).delay

    @property
    def agents(self) -> tuple[str, ...]:
        """Every User-agent value in the file, as written, in order."""
        return tuple(a for g in self._groups for a in g.agents)

    def _compiled(self, agent: str) -> _Compiled:
        token = product_token(agent)
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        chosen = [g for g in self._groups if token in g.tokens] if token != "*" else []
        if not chosen:  # RFC 9309 2.2.1: fall back to the '*' group(s)
            chosen = [g for g in self._groups if "*" in g.tokens]
        delays = [d for g in chosen for d in g.delays]
        agents = tuple(dict.fromkeys(a for g in chosen for a in g.agents))
        rules = [r for g in chosen for r in g.rules]
        compiled = _Compiled.build(rules, agents, max(delays) if delays else None)
        if len(self._cache) >= _CACHE_AGENTS:
            self._cache.clear()
        self._cache[token] = compiled
        return compiled


def _parse_delay(value: bytes) -> float | None:
    try:
        delay = float(value.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return delay if math.isfinite(delay) and delay >= 0 else None


def check_text(content: bytes | str, url: str, agent: str) -> Verdict:
    """Parse ``content`` and check one URL: the call behind ``linkatlas robots-check``."""
    return RobotsTxt.parse(content).check(url, agent)
