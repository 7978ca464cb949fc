"""Referral traffic from server access logs and GA4 exports: streaming readers, never writers.

Logs: the NCSA common and combined formats as nginx and Apache write them (an optional virtual
host before the client, ``-`` fields, ``\\"`` or ``\\x22`` escapes, IPv6 clients), plain or
gzipped, read one line at a time. A hit counts as a referral visit when it is a GET/HEAD of a
page (not a static asset), from a client that does not call itself a bot, with a web referrer
outside the site's own registrable domain that is neither a search engine nor on the optional
spam list. Common-format lines carry no referrer: their page hits are counted with the referrer
unknown. Direct hits (no referrer) are dropped, except on 404/410 pages: those are kept (referrer
unknown) for dead-page reclamation. ``sources.traffic_ga4`` reads GA4 CSV exports.

Every input ends up in a ``Tally``: visits summed per (days, referrer, landing page, status)
while reading, skips counted per reason with the first few examples. See docs/traffic.md.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import functools
import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from linkatlas import urls
from linkatlas.errors import InputError, InvalidURLError, SourceError
from linkatlas.model import Referral
from linkatlas.sources.scope import canonicalize

MAX_LINE = 64 * 1024  # longer lines are skipped: no server writes a request line that long
EXAMPLES = 5  # skip examples kept per file
FINGERPRINT_BYTES = 64 * 1024
CACHE_SIZE = 200_000  # distinct referrers / landing pages remembered per filter

# Extensions of files a browser fetches as part of a page, never as a visit of their own.
ASSET_EXTENSIONS = frozenset({
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp",
    "tif", "tiff", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "webm", "ogg",
    "wav", "mov", "avi", "flv", "zip", "gz", "tgz", "rar", "7z", "json", "xml", "txt", "wasm",
})  # fmt: skip
# Browsers always name themselves; tools and crawlers usually say what they are.
_BOT_UA = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|scrape|fetch|preview|monitor|uptime|pingdom|headless|"
    r"phantomjs|lighthouse|curl/|wget/|python|java/|go-http-client|okhttp|libwww|httpclient|"
    r"axios|node-fetch|scrapy|facebookexternalhit|whatsapp|ahrefs|semrush|mj12|dotbot|"
    r"petalbot|bytespider|gptbot|ccbot|claudebot|feedfetcher|ia_archiver|archive\.org"
)
# Registrable domains whose first label names a search engine: search visits are not links.
SEARCH_ENGINES = frozenset({
    "google", "bing", "yahoo", "yandex", "baidu", "duckduckgo", "ecosia", "qwant", "startpage",
    "naver", "seznam", "sogou", "ask", "brave", "mojeek",
})  # fmt: skip
_SEARCH_HOSTS = frozenset({"search.brave.com"})

# Possessive quantifiers: a non-matching line fails in one pass instead of backtracking (the
# optional virtual host made the first version 5x slower).
_LOG_LINE = re.compile(
    r'^(?:(?P<vhost>\S++)\s++(?=\S++ \S++ (?:\S++|"[^"]*+") \[))?'
    r'(?P<client>\S++) \S++ (?:\S++|"[^"]*+") \[(?P<time>[^\]]++)\] '
    r'"(?P<request>(?:[^"\\]++|\\.)*+)" (?P<status>\d{3}) (?:\d++|-)'
    r'(?: "(?P<referer>(?:[^"\\]++|\\.)*+)" "(?P<ua>(?:[^"\\]++|\\.)*+)")?+(?:\s.*)?$'
)
_TIME = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{4}):\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_REQUEST = re.compile(r"^([A-Z][A-Z-]{0,19}) (\S+)(?: HTTP/\d(?:\.\d)?)?$")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|.)")
_DEAD = (404, 410)


class LogHit(NamedTuple):
    """One parsed access-log line (referer and user agent are None in the common format)."""

    vhost: str
    method: str
    target: str
    status: int
    day: str
    referer: str | None
    user_agent: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Site:
    """The site whose traffic is read: scheme and host of its URLs, its registrable domain."""

    scheme: str
    host: str
    domain: str


def parse_site(text: str) -> Site:
    """A Site from ``example.com``, ``www.example.com`` or ``https://example.com/``."""
    raw = text.strip()
    scheme = "http" if raw.lower().startswith("http://") else "https"
    try:
        scope, value = urls.parse_target(raw)
    except InvalidURLError as exc:
        raise InputError(f"--site {text!r}: {exc}") from None
    name = urls.host(value) if scope == "url" else value
    if not name:
        raise InputError(f"--site {text!r}: give the site's host, such as example.com")
    return Site(scheme, name, urls.registrable_domain(name))


def load_spam_list(path: Path) -> frozenset[str]:
    """Referrer-spam hosts, one per line (blank lines and ``#`` comments ignored)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            names = {line.strip().lower().rstrip(".") for line in fh}
    except OSError as exc:
        raise InputError(f"--spam-list {path}: {exc.strerror or exc}") from None
    return frozenset(n for n in names if n and not n.startswith("#") and " " not in n)


def _open(path: Path) -> BinaryIO:
    """The file's bytes, gunzipped when it starts with the gzip magic number."""
    try:
        fh = path.open("rb")
        magic = fh.read(2)
        fh.seek(0)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh)  # type: ignore[return-value]
    return fh


def lines(path: Path, errors: list[str] | None = None) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of each line, one at a time; text is None for an over-long line.

    A file that breaks off (a truncated or corrupt gzip member) ends there: the lines before it
    count, and the reason goes to ``errors`` (SourceError when no list is given).
    """
    with _open(path) as fh:
        number = 0
        try:
            while True:
                chunk = fh.readline(MAX_LINE + 1)
                if not chunk:
                    return
                number += 1
                if len(chunk) > MAX_LINE and not chunk.endswith(b"\n"):
                    while chunk and not chunk.endswith(b"\n"):  # drain the rest of the line
                        chunk = fh.readline(MAX_LINE)
                    yield number, None
                    continue
                text = chunk.decode("utf-8", "replace").rstrip("\r\n")
                yield number, text[1:] if number == 1 and text.startswith("\ufeff") else text
        except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
            message = f"unreadable after line {number} ({exc})"
            if errors is None:
                raise SourceError(f"{path}: {message}") from None
            errors.append(message)


def fingerprint(path: Path) -> str:
    """``name#hash`` of the file's first 64 KiB (decompressed): the identity of its rows.

    A log that grew, or was rotated and renamed (even gzipped), keeps its identity, so reading
    it again replaces what it gave before instead of adding it twice.
    """
    head = b""
    with _open(path) as fh:
        try:
            while len(head) < FINGERPRINT_BYTES:
                chunk = fh.read(min(8192, FINGERPRINT_BYTES - len(head)))
                if not chunk:
                    break
                head += chunk
        except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
            pass  # a truncated file is identified by what can be read of it
    return f"{path.name}#{hashlib.sha1(head).hexdigest()[:16]}"


def _unescape(text: str) -> str:
    """A logged string with nginx/Apache escapes undone (``\\xHH`` kept percent-encoded)."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: "%" + m.group(1)[1:] if len(m.group(1)) == 3
                       else m.group(1), text)


_DAYS: dict[str, str | None] = {}


def _day(stamp: str) -> str | None:
    day = _DAYS.get(stamp[:11], "")
    if day != "" and _TIME.match(stamp):
        return day
    day = _parse_day(stamp)
    if len(_DAYS) < 100_000:
        _DAYS[stamp[:11]] = day
    return day


def _parse_day(stamp: str) -> str | None:
    match = _TIME.match(stamp)
    if match is None:
        return None
    month = _MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return _dt.date(int(match.group(3)), month, int(match.group(1))).isoformat()
    except ValueError:
        return None


def parse_log_line(text: str) -> LogHit | str:
    """A LogHit, or the reason the line is not a common/combined log line."""
    match = _LOG_LINE.match(text)
    if match is None:
        return "not a common or combined log line"
    day = _day(match.group("time"))
    if day is None:
        return "bad timestamp"
    request = _REQUEST.match(_unescape(match.group("request")))
    if request is None:
        return "bad request line"
    referer = match.group("referer")
    ua = match.group("ua")
    return LogHit(
        vhost=match.group("vhost") or "",
        method=request.group(1),
        target=request.group(2),
        status=int(match.group("status")),
        day=day,
        referer=None if referer is None else _unescape(referer),
        user_agent=None if ua is None else _unescape(ua),
    )


def sniff(path: Path) -> str:
    """``combined``, ``common`` or ``ga4`` from the first lines of a file; InputError if none."""
    seen: list[str] = []
    common = False
    for _, text in lines(path):
        if text is None or not text.strip():
            continue
        if not seen and (text.startswith(("#", "\ufeff")) or path.name.lower().endswith(
                (".csv", ".csv.gz"))):
            return "ga4"
        seen.append(text)
        hit = parse_log_line(text)
        if isinstance(hit, LogHit):
            if hit.referer is not None:
                return "combined"
            common = True
        if len(seen) >= 50:
            break
    if common:
        return "common"
    if seen and "," in seen[0] and "[" not in seen[0]:
        return "ga4"
    first = (seen[0][:80] + ("..." if len(seen[0]) > 80 else "")) if seen else "(empty file)"
    raise InputError(
        f"{path}: not an access log (combined or common format) nor a GA4 CSV export; "
        f"first line: {first!r}"
    )


Key = tuple[str, str, str, str, str, str, int]  # day, until, ref url, ref host, ref domain,
# landing url, status


@dataclasses.dataclass(slots=True)
class Tally:
    """What one file gave: visits per key, lines read, skips per reason and a few examples."""

    path: str
    fmt: str
    observed_in: str
    lines: int = 0
    visits: int = 0
    unknown_referrer: int = 0
    skipped: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    examples: list[str] = dataclasses.field(default_factory=list)
    rows: dict[Key, int] = dataclasses.field(default_factory=dict)

    def skip(self, reason: str, line: int | None = None, *, bad: bool = False) -> None:
        """Count a skipped line; keep an example of malformed input (``bad``)."""
        self.skipped[reason] += 1
        if bad and len(self.examples) < EXAMPLES:
            where = f"{Path(self.path).name}:{line}" if line is not None else Path(self.path).name
            self.examples.append(f"{where}: {reason}")

    def add(self, key: Key, visits: int) -> None:
        """Add visits under a key."""
        self.rows[key] = self.rows.get(key, 0) + visits
        self.visits += visits
        if not key[3]:
            self.unknown_referrer += visits

    def records(self, site: Site, via: str) -> Iterator[Referral]:
        """The tally as Referral records of ``site``, made one at a time."""
        for k, v in self.rows.items():
            yield Referral(site=site.domain, day=k[0], until=k[1], referrer_url=k[2],
                           referrer_host=k[3], referrer_domain=k[4], landing_url=k[5],
                           status=k[6], visits=v, via=via, observed_in=self.observed_in)


class Filter:
    """The rules deciding what is a referral visit to a site (shared by logs and GA4)."""

    def __init__(self, site: Site, spam: frozenset[str] = frozenset()) -> None:
        self.site = site
        self.spam = spam
        # Logs repeat the same referrers and pages: each is judged once (and its string kept
        # once, which is most of the memory of a tally).
        self._referrers: dict[str, tuple[str, str, str] | str] = {}
        self._landings: dict[tuple[str, str], str] = {}

    def _spammy(self, host: str) -> bool:
        parts = host.split(".")
        return any(".".join(parts[i:]) in self.spam for i in range(len(parts) - 1))

    def referrer_host(self, host: str) -> tuple[str, str] | str:
        """(host, domain) of an outside referring host, or the reason it is not one."""
        domain = urls.registrable_domain(host)
        if domain == self.site.domain:
            return "self-referral"
        if self.spam and self._spammy(host):
            return "referrer spam"
        if host in _SEARCH_HOSTS or domain.split(".", 1)[0] in SEARCH_ENGINES:
            return "search engine"
        return host, domain

    def referrer(self, raw: str) -> tuple[str, str, str] | str:
        """(url, host, domain) of a logged referrer, or the reason it is not a referral."""
        found = self._referrers.get(raw)
        if found is None:
            found = self._referrer(raw)
            if len(self._referrers) >= CACHE_SIZE:
                self._referrers.clear()
            self._referrers[raw] = found
        return found

    def _referrer(self, raw: str) -> tuple[str, str, str] | str:
        url = canonicalize(raw) if raw[:8].lower().startswith(("http://", "https://")) else None
        if url is None:
            return "not a web referrer (app or malformed)"
        host, _ = urls.host_and_domain(url)
        if not host:
            return "not a web referrer (app or malformed)"
        outside = self.referrer_host(host)
        if isinstance(outside, str):
            return outside
        return url, host, outside[1]

    def landing(self, target: str, vhost: str = "") -> str:
        """The canonical landing URL of a request target or GA4 page, or the reason not."""
        found = self._landings.get((target, vhost))
        if found is None:
            found = self._landing(target, vhost)
            if len(self._landings) >= CACHE_SIZE:
                self._landings.clear()
            self._landings[(target, vhost)] = found
        return found

    def _landing(self, target: str, vhost: str) -> str:
        host = self.site.host
        if vhost and vhost not in ("-", "_"):
            name = vhost.rsplit(":", 1)[0] if vhost.count(":") == 1 else vhost
            name = name.strip("[]").lower().rstrip(".")
            if name and not name.replace(".", "").isdigit() and ":" not in name:
                if urls.registrable_domain(name) != self.site.domain:
                    return "another site's hit"
                host = name
        if target.startswith(("http://", "https://")):
            url = canonicalize(target)
            if url is None:
                return "bad landing URL"
            if urls.host_and_domain(url)[1] != self.site.domain:
                return "another site's hit"
            return url
        if not target.startswith("/"):
            return "bad landing URL"
        url = canonicalize(f"{self.site.scheme}://{host}{target}")
        return url if url is not None else "bad landing URL"


def is_asset(target: str) -> bool:
    """Whether a request target names a static file (by its extension)."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[1].lower() in ASSET_EXTENSIONS


@functools.lru_cache(maxsize=1 << 14)
def is_bot(user_agent: str) -> bool:
    """Whether a user agent is empty or names a bot, crawler, tool or link previewer."""
    # Cached: a log holds few distinct user agents, and the pattern costs ~100 µs a search.
    return user_agent in ("", "-") or _BOT_UA.search(user_agent.lower()) is not None


def tally_log(path: Path, fmt: str, rules: Filter, observed_in: str) -> Tally:
    """Read an access log (``combined`` or ``common``) into a Tally, one line at a time."""
    tally = Tally(str(path), fmt, observed_in)
    parsed = 0
    broken: list[str] = []
    for number, text in lines(path, broken):
        if text is None:
            tally.lines += 1
            tally.skip("line longer than 64 KiB", number, bad=True)
            continue
        if not text.strip():
            continue
        tally.lines += 1
        hit = parse_log_line(text)
        if isinstance(hit, str):
            tally.skip(hit, number, bad=True)
            continue
        parsed += 1
        if fmt == "combined" and hit.referer is None:
            tally.skip("no referrer and user-agent fields (common format?)", number, bad=True)
            continue
        _count_hit(tally, hit, rules)
    for message in broken:
        tally.skip(message, bad=True)
    if tally.lines and parsed == 0:
        bad = tally.examples[0] if tally.examples else "no usable line"
        raise InputError(f"{path}: no line is a {fmt} log line ({bad})")
    return tally


def _count_hit(tally: Tally, hit: LogHit, rules: Filter) -> None:
    if hit.method not in ("GET", "HEAD"):
        tally.skip("not a GET/HEAD request")
        return
    if is_asset(hit.target):
        tally.skip("static asset")
        return
    if hit.user_agent is not None and is_bot(hit.user_agent):
        tally.skip("bot or tool user agent")
        return
    landing = rules.landing(hit.target, hit.vhost)
    if not landing.startswith(("http://", "https://")):
        tally.skip(landing)
        return
    if hit.referer is None:  # common format: the referrer was never logged
        tally.add((hit.day, hit.day, "", "", "", landing, hit.status), 1)
        return
    if hit.referer in ("", "-"):
        if hit.status in _DEAD:
            tally.add((hit.day, hit.day, "", "", "", landing, hit.status), 1)
        else:
            tally.skip("direct (no referrer)")
        return
    ref = rules.referrer(hit.referer)
    if isinstance(ref, str):
        tally.skip(ref)
        return
    tally.add((hit.day, hit.day, ref[0], ref[1], ref[2], landing, hit.status), 1)
