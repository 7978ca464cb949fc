"""Does this page link to that target, and does the link pass credit? (``linkatlas verify``)

``verify_page`` fetches one page through the request-forgery guard, follows its redirects by
hand (each hop checked), extracts its links (``extract.links_from_page``) and judges every link
to the target: rel flags, meta robots and X-Robots-Tag (nofollow, noindex), a canonical that
points elsewhere, a status other than 200, and links that only reach the target through a
redirector (``?url=https://target/``, a shortener). No printing and no index: the caller shows
the ``Verification``. See docs/verify.md for every rule and the exit codes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

import aiohttp

from linkatlas import urls
from linkatlas.errors import BlockedURLError, FetchError
from linkatlas.extract import links_from_page
from linkatlas.extract.headers import robots_directives
from linkatlas.model import Capture, Link, LinkKind, Page, Source, Target
from linkatlas.sources import fetch as _fetch
from linkatlas.sources import guard
from linkatlas.sources.crawler import DEFAULT_USER_AGENT

Verdict = Literal["links", "links-no-credit", "redirect-only", "no-link", "fetch-failed"]
# What a script reads from `linkatlas verify`; 2 stays the CLI's usage-error code.
EXIT_CODES: dict[str, int] = {"links": 0, "links-no-credit": 1, "redirect-only": 1,
                              "no-link": 3, "fetch-failed": 5}
MAX_REDIRECTS = 5
# Kinds a reader can follow from the page; canonical/alternate/<link> are not links to judge.
LINK_KINDS = frozenset({LinkKind.A, LinkKind.IMAGE, LinkKind.AREA, LinkKind.REFRESH})
REDIRECT_PARAMS = frozenset({"url", "u", "to", "target", "dest", "destination", "redirect",
                             "redirect_uri", "redirect_url", "out", "link", "goto", "q",
                             "continue", "next", "r"})
# Hosts whose links never name their destination: only following them tells where they go.
SHORTENER_HOSTS = frozenset({
    "bit.ly", "bitly.com", "t.co", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "is.gd", "v.gd",
    "rebrand.ly", "lnkd.in", "t.ly", "cutt.ly", "shorturl.at", "rb.gy", "tiny.cc", "bl.ink",
    "dlvr.it", "trib.al", "ift.tt", "fb.me", "amzn.to", "shorte.st", "adf.ly", "soo.gd",
})
_ROBOT_TOKENS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class FoundLink:
    """One link on the page that reaches the target, and whether it passes credit (and why not).

    ``href_url`` is where the link points as written (the redirector for a redirect-only link);
    ``target_url`` the target URL it carries. ``landed`` is where following the redirector
    ended ('' when not followed) and ``confirmed`` whether that is the target (None: not
    followed).
    """

    target_url: str
    href_url: str
    anchor: str
    kind: str
    rel: str
    placement: str
    passes_credit: bool
    reasons: tuple[str, ...]
    redirect_only: bool
    context: str = ""
    landed: str = ""
    confirmed: bool | None = None


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``verify_page`` found: the fetch, the page's own signals, the links and a verdict."""

    page_url: str
    final_url: str
    status: int
    target: str  # "scope:value"
    verdict: Verdict
    found: bool
    links: tuple[FoundLink, ...]
    redirects: tuple[str, ...] = ()  # every URL fetched, page_url first, final_url last
    issues: tuple[str, ...] = ()  # page-level, in words
    noindex: bool = False
    nofollow: bool = False
    canonical: str = ""
    canonical_elsewhere: bool = False
    meta_robots: str = ""
    x_robots_tag: str = ""
    unresolved_redirectors: tuple[str, ...] = ()  # shortener links not followed
    error: str = ""

    @property
    def redirected(self) -> bool:
        """True when the page URL answered with a redirect (the links are on ``final_url``)."""
        return len(self.redirects) > 1

    @property
    def exit_code(self) -> int:
        """The process exit code of this verdict (docs/verify.md)."""
        return EXIT_CODES[self.verdict]


def matches(target: Target, url: str) -> bool:
    """Whether a normalised ``url`` is inside the target (domain, host, or exactly the URL)."""
    if target.scope == "url":
        return url == target.value
    host, domain = urls.host_and_domain(url)
    return (domain if target.scope == "domain" else host) == target.value


def embedded_urls(url: str) -> list[str]:
    """Absolute http(s) URLs a redirector URL carries in its query (normalised, in order)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    values = [v for k, v in parse_qsl(query, keep_blank_values=False)
              if k.lower() in REDIRECT_PARAMS]
    if query:
        values.append(unquote(query))  # href.li style: the whole query is the URL
    out: list[str] = []
    for value in values:
        for _ in range(2):  # a value encoded twice is common behind tracking redirectors
            if value.startswith(("http://", "https://", "//")) or "%" not in value:
                break
            value = unquote(value)
        value = value.strip()
        if value.startswith("//"):
            value = "https:" + value
        if value.startswith(("http://", "https://")):
            norm = urls.try_normalize(value)
            if norm is not None and norm not in out:
                out.append(norm)
    return out


def header_directives(value: str) -> set[str]:
    """The X-Robots-Tag directives that apply to us (no agent, or googlebot/robots)."""
    return robots_directives(value)


def meta_directives(value: str) -> set[str]:
    """Directives of the page's meta robots/googlebot contents as extraction joined them."""
    return {t for t in _ROBOT_TOKENS.split(value.lower()) if t and not t.endswith(":")}


async def verify_page(
    page_url: str,
    target: Target,
    *,
    policy: guard.NetPolicy = guard.DEFAULT_POLICY,
    address_map: Mapping[str, tuple[str, int]] | None = None,
    follow_redirectors: bool = False,
    limits: _fetch.Limits | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
) -> Verification:
    """Fetch ``page_url`` (guarded, redirects followed by hand) and judge its links to target."""
    lim = limits or _fetch.Limits(total=30.0)
    tgt = f"{target.scope}:{target.value}"
    session = _fetch.open_session(user_agent=user_agent, limits=lim, policy=policy,
                                  address_map=address_map, concurrency=4)
    try:
        try:
            resp, chain = await _fetch_page(session, page_url, lim, policy, address_map)
        except FetchError as exc:
            return Verification(page_url, page_url, 0, tgt, "fetch-failed", False, (),
                                error=str(exc))
        capture = Capture(url=chain[0], final_url=chain[-1], status=resp.status,
                          headers=resp.headers, body=resp.body,
                          fetched_at=_dt.datetime.now(_dt.UTC), via=Source.CRAWL,
                          observed_in="verify")
        try:
            extracted = links_from_page(capture)
        except Exception as exc:  # a hostile page is a clear failure, not a traceback
            return Verification(page_url, chain[-1], resp.status, tgt, "fetch-failed", False, (),
                                redirects=tuple(chain),
                                error=f"cannot read the page: {type(exc).__name__}: {exc}"[:300])
        return await _judge(session, extracted.page, extracted.links, resp, chain, target, tgt,
                            follow_redirectors, lim, policy, address_map)
    finally:
        await session.close()


async def _fetch_page(session: aiohttp.ClientSession, url: str, lim: _fetch.Limits,
                      policy: guard.NetPolicy, address_map: Mapping[str, tuple[str, int]] | None,
                      ) -> tuple[_fetch.Response, list[str]]:
    """The final response and the URLs fetched; FetchError (blocked, too many hops, network)."""
    current = guard.check_url(url, policy).url
    chain = [current]
    while True:
        resp = await _fetch.fetch(session, current, lim, address_map=address_map)
        if resp.status not in _fetch.REDIRECT_STATUSES or not resp.location:
            return resp, chain
        if len(chain) > MAX_REDIRECTS:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url[:100]!r}")
        try:
            current = guard.check_redirect(current, resp.location, policy)
        except BlockedURLError as exc:
            raise BlockedURLError(f"{exc} (redirect from {current[:100]})") from None
        if current in chain:
            raise FetchError(f"redirect loop at {current[:100]!r}")
        chain.append(current)


def _page_signals(page: Page, final_url: str, status: int) -> tuple[list[str], list[str],
                                                                     dict[str, bool]]:
    """Reasons every link of the page loses credit, issues in words, and flags."""
    meta = meta_directives(page.meta_robots)
    header = header_directives(page.x_robots_tag) if page.x_robots_tag else set()
    reasons: list[str] = []
    flags = {"noindex": False, "nofollow": False, "canonical_elsewhere": False}
    for where, found in (("meta robots", meta), ("X-Robots-Tag", header)):
        if found & {"nofollow", "none"}:
            reasons.append(f"{where} nofollow")
            flags["nofollow"] = True
        if found & {"noindex", "none"}:
            reasons.append(f"{where} noindex (the page is not indexed)")
            flags["noindex"] = True
    issues = list(reasons)
    canonical = page.canonical
    if canonical and canonical != final_url and canonical != urls.try_normalize(final_url):
        flags["canonical_elsewhere"] = True
        reasons.append(f"canonical points elsewhere ({canonical})")
        issues.append(f"canonical points elsewhere: {canonical} (its credit goes there; "
                      "verify that URL too)")
    if status != 200:
        reasons.append(f"HTTP status {status}")
        issues.append(f"HTTP status {status} (not 200)")
    return reasons, issues, flags


async def _judge(session: aiohttp.ClientSession, page: Page, links: list[Link],
                 resp: _fetch.Response, chain: list[str], target: Target, tgt: str,
                 follow: bool, lim: _fetch.Limits, policy: guard.NetPolicy,
                 address_map: Mapping[str, tuple[str, int]] | None) -> Verification:
    page_reasons, issues, flags = _page_signals(page, page.final_url, resp.status)
    if len(chain) > 1:
        issues.insert(0, f"the page redirects ({len(chain) - 1} hop(s)) to {chain[-1]}: "
                      "the links are on that page")
    if resp.truncated:
        issues.append(f"body cut at {lim.max_body_bytes:,} bytes: later links not seen")
    if resp.skipped_body:
        issues.append(f"body not read ({resp.skipped_body})")
    rows: list[FoundLink] = []
    shorteners: list[Link] = []
    for link in links:
        if link.kind not in LINK_KINDS:
            continue
        if link.kind is LinkKind.REFRESH:
            issues.append(f"meta refresh to {link.target_url} (not followed)")
        if matches(target, link.target_url):
            rows.append(_row(link, link.target_url, page_reasons, False))
            continue
        carried = [u for u in embedded_urls(link.target_url) if matches(target, u)]
        if carried:
            rows.append(_row(link, carried[0], page_reasons, True))
        elif link.target_host in SHORTENER_HOSTS:
            shorteners.append(link)
    unresolved: list[str] = []
    if follow:
        rows = [await _confirm(session, r, target, lim, policy, address_map) for r in rows]
        for link in shorteners:
            landed, err = await resolve_redirector(session, link.target_url, lim, policy,
                                                   address_map)
            if landed and matches(target, landed):
                row = _row(link, landed, page_reasons, True)
                rows.append(_replace(row, landed=landed, confirmed=True))
            elif err:
                issues.append(f"redirector {link.target_url} could not be followed: {err}")
    else:
        unresolved = list(dict.fromkeys(link.target_url for link in shorteners))
        if unresolved:
            issues.append(f"{len(unresolved)} shortener link(s) not followed "
                          "(--follow-redirectors says where they go)")
    verdict = _verdict(rows)
    return Verification(
        page_url=chain[0], final_url=chain[-1], status=resp.status, target=tgt, verdict=verdict,
        found=bool(rows), links=tuple(rows), redirects=tuple(chain), issues=tuple(issues),
        noindex=flags["noindex"], nofollow=flags["nofollow"], canonical=page.canonical,
        canonical_elsewhere=flags["canonical_elsewhere"], meta_robots=page.meta_robots,
        x_robots_tag=page.x_robots_tag, unresolved_redirectors=tuple(unresolved),
    )


def _row(link: Link, target_url: str, page_reasons: list[str], redirect: bool) -> FoundLink:
    reasons = [f"rel {flag}" for flag, on in (("nofollow", link.nofollow),
                                              ("sponsored", link.sponsored), ("ugc", link.ugc))
               if on]
    reasons += page_reasons
    if redirect:
        reasons.append(f"redirect only (through {link.target_host})")
    context = " ".join(t for t in (link.context_before, f"[{link.anchor}]",
                                   link.context_after) if t)
    return FoundLink(
        target_url=target_url, href_url=link.target_url, anchor=link.anchor,
        kind=link.kind.value, rel=link.rel, placement=link.placement.value,
        passes_credit=not reasons, reasons=tuple(reasons), redirect_only=redirect,
        context=context,
    )


def _replace(row: FoundLink, **changes: object) -> FoundLink:
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


async def _confirm(session: aiohttp.ClientSession, row: FoundLink, target: Target,
                   lim: _fetch.Limits, policy: guard.NetPolicy,
                   address_map: Mapping[str, tuple[str, int]] | None) -> FoundLink:
    """A redirect-only row with where its redirector really lands."""
    if not row.redirect_only:
        return row
    landed, err = await resolve_redirector(session, row.href_url, lim, policy, address_map)
    if not landed:
        return _replace(row, reasons=(*row.reasons, f"redirector not followed: {err}"))
    ok = matches(target, landed)
    if not ok:
        return _replace(row, landed=landed, confirmed=False,
                        reasons=(*row.reasons, f"redirector lands on {landed}, not the target"))
    return _replace(row, landed=landed, confirmed=True)


async def resolve_redirector(session: aiohttp.ClientSession, url: str, lim: _fetch.Limits,
                             policy: guard.NetPolicy,
                             address_map: Mapping[str, tuple[str, int]] | None,
                             ) -> tuple[str, str]:
    """Where a redirector URL ends (HEAD, then GET without body), each hop guarded.

    Returns (final URL, '') or ('', why it could not be followed).
    """
    try:
        current = guard.check_url(url, policy).url
        for _ in range(MAX_REDIRECTS + 1):
            status, location = await _hop(session, current, lim, address_map)
            if status not in _fetch.REDIRECT_STATUSES or not location:
                return urls.try_normalize(current) or current, ""
            current = guard.check_redirect(current, location, policy)
        return "", f"more than {MAX_REDIRECTS} redirects"
    except FetchError as exc:
        return "", str(exc)


async def _hop(session: aiohttp.ClientSession, url: str, lim: _fetch.Limits,
               address_map: Mapping[str, tuple[str, int]] | None) -> tuple[int, str | None]:
    """Status and Location of one hop: HEAD first; GET (no body read) when HEAD is refused."""
    try:
        async with asyncio.timeout(lim.total):
            async with session.head(_fetch.wire_url(url, address_map),
                                    allow_redirects=False) as resp:
                if resp.status not in (405, 501) and resp.status < 500:
                    return resp.status, resp.headers.get("Location")
    except BlockedURLError:
        raise
    except (aiohttp.ClientError, OSError, TimeoutError, FetchError):
        pass  # some redirectors mishandle HEAD: GET decides
    resp2 = await _fetch.fetch(session, url, lim, want=(), address_map=address_map)
    return resp2.status, resp2.location


def _verdict(rows: list[FoundLink]) -> Verdict:
    live = [r for r in rows if r.confirmed is not False]
    if any(r.passes_credit for r in live):
        return "links"
    if any(not r.redirect_only for r in live):
        return "links-no-credit"
    if live:
        return "redirect-only"
    return "no-link"
