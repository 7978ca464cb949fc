"""Contacts for removal requests: who to write to on a linking site, from its pages and links.

Pure: ``site_contacts`` reads the site's ``Page`` records (their ``emails`` were found at
extraction: mailto links, plain and obfuscated addresses) and its internal ``Link`` records,
and says which addresses to write to and which page is the site's contact page. Contact pages
are recognised by the words of their URL path, title or anchor (contact, kontakt, impressum,
write for us, advertise, about, ...), weighted by how likely each is to hold a way to write.
See docs/disavow.md, "Removal requests".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from linkatlas import urls
from linkatlas.model import Link, Page

__all__ = [
    "CONTACT_PATTERN",
    "MAX_EMAILS",
    "Contact",
    "contact_score",
    "in_site",
    "site_contacts",
]

# Word -> weight: the contact page proper first, then pages that usually name an editor or a
# sales address, then pages that sometimes do.
_WORDS: dict[str, int] = {
    "contact": 5, "contacts": 5, "contactus": 5, "kontakt": 5, "contacto": 5, "contato": 5,
    "contatti": 5, "contatto": 5, "impressum": 5, "imprint": 4, "mentions-legales": 4,
    "legal-notice": 3, "write-for-us": 3, "writeforus": 3, "advertise": 3, "advertising": 3,
    "guest-post": 2, "guest-posts": 2, "submit": 1, "about": 2, "about-us": 2, "aboutus": 2,
    "team": 1, "staff": 1, "editor": 2, "editors": 2,
}
_PHRASES = {"get in touch": 5, "write for us": 3, "contact us": 5, "about us": 2}
# A prefilter the index applies (RE2 and Python both read it) before contact_score decides.
CONTACT_PATTERN = (
    "(?i)(contact|kontakt|contat|impressum|imprint|mentions|legal|write|advertis|guest|about"
    "|team|staff|editor|submit|touch)"
)
MAX_EMAILS = 10  # per site: a forum or directory page can list hundreds of member addresses
_PLACEHOLDER_DOMAINS = frozenset({
    "example.com", "example.org", "example.net", "domain.com", "yourdomain.com", "email.com",
    "yoursite.com", "company.com",
})
_SPLIT = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to ask a site to remove a link: an address and where it was found, the site's
    contact page, and how it was found ('' fields when unknown)."""

    domain: str
    email: str
    source_page: str
    contact_page: str
    how: str


def in_site(host: str, site: str) -> bool:
    """Whether ``host`` belongs to ``site`` (the site itself or one of its subdomains)."""
    return host == site or host.endswith("." + site)


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text.lower()) if w]


def contact_score(url: str, text: str = "") -> int:
    """How likely a page is the site's contact page, from its URL path and title or anchor."""
    parsed = urls.parts(url)
    if parsed is None or parsed.pathname in ("", "/"):
        return 0
    path = parsed.pathname.lower().strip("/")
    best = 0
    for segment in path.split("/"):
        stem = segment.rsplit(".", 1)[0]  # contact.html, kontakt.php
        best = max(best, _WORDS.get(stem, 0), *(_WORDS.get(w, 0) for w in _words(stem)))
    lowered = " ".join(_words(text))
    if lowered:
        best = max(best, *(v for k, v in _PHRASES.items() if k in lowered), 0)
        if len(lowered) <= 40:  # a short label ("Contact", "Impressum"), not a sentence
            best = max(best, *(_WORDS.get(w, 0) for w in lowered.split()))
    return best


def _useful(email: str) -> bool:
    return email.rpartition("@")[2] not in _PLACEHOLDER_DOMAINS


def _contact_pages(site: str, pages: Sequence[Page], links: Iterable[Link]) -> list[str]:
    """The site's likely contact pages, best first (score, then shorter URL, then URL)."""
    scores: dict[str, int] = {}
    for page in pages:
        if in_site(page.host, site) and 200 <= page.status < 300:
            score = contact_score(page.url, page.title)
            if score:
                scores[page.url] = max(scores.get(page.url, 0), score)
    gone = {p.url for p in pages if p.status >= 400}
    for link in links:
        if in_site(link.target_host, site) and link.target_url not in gone:
            score = contact_score(link.target_url, link.anchor)
            if score:
                scores[link.target_url] = max(scores.get(link.target_url, 0), score)
    return sorted(scores, key=lambda u: (-scores[u], len(u), u))


def site_contacts(
    site: str,
    pages: Sequence[Page],
    links: Iterable[Link] = (),
    *,
    how: dict[tuple[str, str], str] | None = None,
    found_by: str = "index",
) -> list[Contact]:
    """Contacts of ``site`` (a domain or host) from its pages and internal links.

    One row per address (the site's own domain first, at most ``MAX_EMAILS``), each with the
    page it was seen on (a contact page when it is on one); one row with the contact page alone
    when no address is known; one row saying so when neither is (``pages`` may be only the
    site's pages with addresses or contact-like URLs: nothing else is read). ``how`` maps (page URL,
    address) to how the address was written there (mailto link, text, obfuscated).
    """
    contact_pages = _contact_pages(site, pages, links)
    best_page = contact_pages[0] if contact_pages else ""
    rank = {u: i for i, u in enumerate(contact_pages)}
    seen: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: (rank.get(p.url, len(rank)), len(p.url), p.url)):
        if not in_site(page.host, site):
            continue
        for email in page.emails:
            if _useful(email) and email not in seen:
                seen[email] = page.url
    own = urls.registrable_domain(site)

    def order(email: str) -> tuple[bool, str]:
        return (not in_site(email.rpartition("@")[2], own), email)

    rows = []
    for email in sorted(seen, key=order)[:MAX_EMAILS]:
        page_url = seen[email]
        detail = (how or {}).get((page_url, email), "address on page")
        rows.append(Contact(site, email, page_url, best_page, f"{detail} ({found_by})"))
    if rows:
        return rows
    if best_page:
        return [Contact(site, "", "", best_page, f"contact page, no address ({found_by})")]
    return [Contact(site, "", "", "", f"no address or contact page found ({found_by})")]
