"""Removal-request contacts: the addresses and contact pages of linking sites."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from linkatlas import urls
from linkatlas.api._common import _db, _reader
from linkatlas.api._disavow import disavow_parse
from linkatlas.audit.contacts import CONTACT_PATTERN, Contact, contact_score, in_site
from linkatlas.audit.contacts import site_contacts as _site_contacts
from linkatlas.audit.disavow import entry_for
from linkatlas.errors import InputError
from linkatlas.extract.charset import decode
from linkatlas.extract.text import cloudflare_emails, email_forms, mailto_addresses
from linkatlas.model import Extracted, Link, Page
from linkatlas.sources.fetch import Limits
from linkatlas.sources.guard import parse_allow_net
from linkatlas.sources.sitefetch import FetchedPage, fetch_sites

FETCH_PAGES = 4  # per site: the home page and its three most contact-like internal links


def _site(value: str) -> str:
    """The host or registrable domain a user or a finding names (a URL names its host)."""
    text = value.strip()
    if text.lower().startswith(("http://", "https://")):
        name = urls.host(text)
        if not name:
            raise InputError(f"{text!r} is not a URL with a host")
        return name
    return entry_for(text).value


def disavow_sites(path: str | Path) -> list[str]:
    """The sites a disavow file names: its domains, and the hosts of its URLs."""
    parsed = disavow_parse(path)
    names = [e.value if e.kind == "domain" else urls.host(e.value) for e in parsed.entries]
    return list(dict.fromkeys(n for n in names if n))


def _choose(site: str, home: Extracted) -> list[str]:
    """The home page's internal links most like a contact page, best first."""
    scores: dict[str, int] = {}
    for link in home.links:
        if in_site(link.target_host, site) and link.target_url.startswith("http"):
            score = contact_score(link.target_url, link.anchor)
            if score:
                scores[link.target_url] = max(scores.get(link.target_url, 0), score)
    return sorted(scores, key=lambda u: (-scores[u], len(u), u))[: FETCH_PAGES - 1]


def _live_page(fetched: FetchedPage, how: dict[tuple[str, str], str]) -> Page:
    """The fetched page with Cloudflare-protected addresses added, and how each was written."""
    html, _ = decode(fetched.capture.body, fetched.capture.header("Content-Type"))
    page = fetched.extracted.page
    mailto, hidden = mailto_addresses(html), cloudflare_emails(html)
    forms = email_forms(fetched.extracted.text)
    emails = sorted(set(page.emails) | hidden)
    for email in emails:
        how[(page.url, email)] = ("mailto link" if email in mailto else
                                  "Cloudflare-protected address" if email in hidden else
                                  forms.get(email, "address on page"))
    return replace(page, emails=tuple(emails))


def _merge(live: list[Contact], indexed: list[Contact]) -> list[Contact]:
    """Live rows first, then indexed addresses not seen live; 'no address' rows only alone."""
    emails = {c.email for c in live if c.email}
    rows = [c for c in live if c.email]
    rows += [c for c in indexed if c.email and c.email not in emails]
    if rows:
        page = next((c.contact_page for c in live + indexed if c.contact_page), "")
        return [c if c.contact_page else replace(c, contact_page=page) for c in rows]
    with_page = [c for c in live + indexed if c.contact_page]
    return with_page[:1] or live[:1] or indexed[:1]


def contacts(
    domains: Iterable[str],
    *,
    db: str | Path | None = None,
    fetch: bool = False,
    allow_net: Sequence[str] = (),
    address_map: Mapping[str, tuple[str, int]] | None = None,
    delay: float = 1.0,
    timeout: float = 30.0,
) -> list[Contact]:
    """Who to ask for a link's removal, per site: addresses and the contact page.

    From the index (pages with addresses, contact-like pages and internal links); with
    ``fetch``, also from the site itself (home page and up to three contact-like pages, robots.txt
    honoured, every request through the request-forgery guard). With ``fetch`` and no index
    file, the live pages alone are used.
    """
    sites = list(dict.fromkeys(_site(d) for d in domains))
    if not sites:
        raise InputError("give at least one domain (or --from-disavow FILE)")
    indexed: dict[str, list[Contact]] = {}
    if not fetch or _db(db).exists():
        domains = sorted({urls.registrable_domain(s) for s in sites})
        with _reader(db) as index:
            pages = index.site_pages(domains, CONTACT_PATTERN)
            links = index.site_links(domains, CONTACT_PATTERN)
        pages_of: dict[str, list[Page]] = {}
        links_of: dict[str, list[Link]] = {}
        for page in pages:
            pages_of.setdefault(page.domain, []).append(page)
        for link in links:
            links_of.setdefault(link.source_domain, []).append(link)
        for site in sites:
            domain = urls.registrable_domain(site)
            # A host site reads its domain's rows; site_contacts keeps the host's own.
            indexed[site] = _site_contacts(site, pages_of.get(domain, []),
                                           links_of.get(domain, []), found_by="index")
    if not fetch:
        return [c for s in sites for c in indexed[s]]
    if timeout <= 0:
        raise InputError("--timeout must be positive")
    limits = Limits(connect=min(10.0, timeout), read=min(20.0, timeout), total=timeout)
    fetched_sites = fetch_sites(sites, _choose, max_pages=FETCH_PAGES,
                                policy=parse_allow_net(allow_net), address_map=address_map,
                                limits=limits, delay=delay)
    results = {f.site: f for f in fetched_sites}
    out: list[Contact] = []
    for site in sites:
        fetched = results[site]
        how: dict[tuple[str, str], str] = {}
        pages = [_live_page(f, how) for f in fetched.pages]
        internal = [ln for f in fetched.pages for ln in f.extracted.links if ln.internal]
        live = _site_contacts(site, pages, internal, how=how, found_by="fetched")
        if not pages and fetched.failures:
            url, why = fetched.failures[-1]
            live = [Contact(site, "", "", "", f"fetch failed: {why} ({url})")]
        out.extend(_merge(live, indexed.get(site, [])))
    return out
