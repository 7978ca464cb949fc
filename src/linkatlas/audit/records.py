"""The audit's records: categories (Google's link-spam examples), bands, evidence, findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from linkatlas.model import Target


class Category(enum.StrEnum):
    """What kind of link scheme a finding points at; ``POLICY`` gives Google's wording."""

    PAID = "paid link without qualification"
    EXCHANGE = "link exchange"
    AUTOMATED = "automated links"
    TEMPLATE = "widget, footer or template link"
    DIRECTORY = "low-quality directory or bookmark"
    FORUM = "forum or comment link with optimised anchor"
    NETWORK = "link network"
    THIN = "thin or scraped content"
    UNRELATED = "unrelated topic or language"
    ANCHORS = "repeated keyword-rich anchor"
    HOSTNAME = "spam-like hostname"
    LISTED = "on your spam list"


# Google Search Central, "Spam policies for Google web search", section "Link spam" (the
# examples as Google words them); the last two are supporting signals, not Google examples.
POLICY: dict[Category, str] = {
    Category.PAID: "Buying or selling links for ranking purposes; text advertisements or text "
    "links that don't block ranking credit; advertorials or native advertising where payment "
    "is received for articles that include links that pass ranking credit",
    Category.EXCHANGE: "Excessive link exchanges (\"Link to me and I'll link to you\") or "
    "partner pages exclusively for the sake of cross-linking",
    Category.AUTOMATED: "Using automated programs or services to create links to your site",
    Category.TEMPLATE: "Keyword-rich, hidden, or low-quality links embedded in widgets that are "
    "distributed across various sites; widely distributed links in the footers or templates "
    "of various sites",
    Category.DIRECTORY: "Low-quality directory or bookmark site links",
    Category.FORUM: "Forum comments with optimized links in the post or signature",
    Category.NETWORK: "Excessive link exchanges or partner pages exclusively for the sake of "
    "cross-linking; using automated programs or services to create links (sites run together "
    "to link to each other and to their clients)",
    Category.THIN: "Links from pages with little or no original content (thin or scraped "
    "content is a spam policy of its own)",
    Category.UNRELATED: "Links with optimized anchor text in articles, guest posts, or press "
    "releases distributed on other sites (placed where no reader of the topic or language "
    "would follow them)",
    Category.ANCHORS: "Large-scale article marketing or guest posting campaigns with "
    "keyword-rich anchor text links",
    Category.HOSTNAME: "Supporting signal (not a Google example): hostnames spelled like spam",
    Category.LISTED: "Supporting signal (not a Google example): the domain is on a list you "
    "gave",
}


class Band(enum.StrEnum):
    """What to do about a link or domain, from its score (cut-offs in ``findings.BANDS``)."""

    OK = "ok"
    REVIEW = "review"
    DISAVOW = "disavow candidate"


STATEMENT = (
    "Google ignores most junk links on its own: a low-quality link usually just counts for "
    "nothing. Disavowing is for links you bought or built yourself and for a manual action "
    "for unnatural links; if neither applies, you usually do not need to disavow anything."
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One signal that fired: the measured value, the threshold it crossed, one sentence
    with the numbers or the quoted text, the category it supports and its weight (0..1)."""

    signal: str
    value: float | str
    threshold: float | str | None
    text: str
    category: Category | None
    weight: float


@dataclass(frozen=True, slots=True)
class LinkFinding:
    """The audit of one link to the target."""

    source_url: str
    target_url: str
    source_domain: str
    anchor: str
    placement: str
    rel: str
    passes_credit: bool
    score: float
    band: Band
    category: Category | None
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class DomainFinding:
    """The audit of one referring domain: its worst link and the domain-wide signals."""

    domain: str
    links: int
    followed: int
    score: float
    band: Band
    category: Category | None
    categories: tuple[Category, ...]
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    worst_link: str
    authority: float | None = None


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The audit of a target: domains and links by score, worst first, and the caveat."""

    target: Target
    statement: str
    domains: tuple[DomainFinding, ...]
    links: tuple[LinkFinding, ...]
    bands: tuple[tuple[str, int], ...]
    keywords: tuple[str, ...]
    brands: tuple[str, ...]
    seconds: float = 0.0
