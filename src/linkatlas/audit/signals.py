"""Link-spam signals: each a small pure function from measured inputs to ``Evidence`` or None.

Thresholds and weights are module constants so that docs/audit.md can list them and the tests
can move inputs across them. A weight is read as "how likely this alone makes the link
manipulative" (0..1); ``findings`` combines the weights that fired.
"""

from __future__ import annotations

import functools
import unicodedata

from linkatlas.audit.hostname import HostScore
from linkatlas.audit.records import Category, Evidence
from linkatlas.extract import anchors as A
from linkatlas.model import Link, Page, Placement, Referrer

# Phrases of extract.features.PHRASES that say "links are sold here", and the weak ones that
# honest sites also use (guest posting, advertising pages).
SELLING = ("sponsored post", "paid post", "buy links", "sell links", "link insertion",
           "dofollow link", "price list", "pbn", "seo package", "link exchange")
WEAK_SELLING = ("write for us", "guest post", "advertise with us")
SPAM_NICHES = ("casino", "pharmacy", "payday loans", "replica", "essay writing")

W_PAID, W_PAID_QUALIFIED, W_SELLER, W_WEAK_SELLER = 0.60, 0.30, 0.30, 0.10
THIN_WORDS, W_THIN = 150, 0.15
W_SCRAPED, W_SCRAPED_TARGET = 0.30, 0.40
FARM_LINKS, W_FARM = 100, 0.55
LIST_LINKS, LIST_WORDS_PER_LINK, W_LIST = 25, 15.0, 0.35
SITEWIDE_SHARE, SITEWIDE_PAGES, W_SITEWIDE, W_SITEWIDE_KEYWORD = 0.5, 3, 0.10, 0.30
SPREAD_DOMAINS, W_SPREAD = 3, 0.35
W_FORUM_KEYWORD, W_FORUM_OTHER = 0.45, 0.15
W_EXACT, REPEAT_DOMAINS, W_REPEAT = 0.10, 3, 0.10
W_LANGUAGE, W_FOREIGN_ANCHOR = 0.35, 0.20
SPIKE_DOMAINS, SPIKE_DAYS, W_SPIKE = 3, 30.0, 0.20
RELEVANCE_MIN, W_OFF_TOPIC, W_NICHE = 0.05, 0.25, 0.15
HOST_MIN, W_HOST = 30.0, 0.30
W_LISTED = 0.90
W_RECIPROCAL = 0.20

SITEWIDE_PLACES = (Placement.FOOTER, Placement.SIDEBAR, Placement.NAVIGATION, Placement.HEADER)
_KEYWORD_CLASSES = (A.EXACT, A.PARTIAL)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def paid_link(link: Link, page: Page | None) -> Evidence | None:
    """The linking page says it is paid ("sponsored post", "buy links"...): unqualified if the
    link still passes ranking credit."""
    found = [p for p in (page.phrases if page else ()) if p in SELLING]
    if not found:
        return None
    said = ", ".join(f"'{p}'" for p in found[:3])
    if link.passes_credit:
        return Evidence("paid_page", said, "rel=sponsored or nofollow",
                        f"the linking page says {said} and the link passes ranking credit "
                        "(no rel=sponsored or nofollow)", Category.PAID, W_PAID)
    rel = link.rel or "a page-level nofollow"
    return Evidence("paid_page_qualified", said, None,
                    f"the linking page says {said}; the link is qualified ({rel}), as Google "
                    "asks for paid links", Category.PAID, W_PAID_QUALIFIED)


def link_seller(link: Link, referrer: Referrer, page: Page | None) -> Evidence | None:
    """Selling language elsewhere on the referring domain (a price list, "buy links"), for a
    link that passes credit; guest-post invitations count only for links in the text."""
    if not link.passes_credit:
        return None
    on_page = set(page.phrases if page else ())
    strong = [p for p in referrer.phrases if p in SELLING and p not in on_page]
    if strong:
        said = ", ".join(f"'{p}'" for p in strong[:3])
        return Evidence("seller_domain", said, None, f"pages of {referrer.domain} say {said}",
                        Category.PAID, W_SELLER)
    weak = [p for p in referrer.phrases if p in WEAK_SELLING]
    if weak and link.placement is Placement.CONTENT:
        said = ", ".join(f"'{p}'" for p in weak[:3])
        return Evidence("guest_posts", said, None,
                        f"{referrer.domain} invites paid or guest content ({said})",
                        Category.PAID, W_WEAK_SELLER)
    return None


def spam_niche(referrer: Referrer) -> Evidence | None:
    """The referring domain's pages talk about the niches link spam lives in."""
    found = [p for p in referrer.phrases if p in SPAM_NICHES]
    if not found:
        return None
    said = ", ".join(f"'{p}'" for p in found)
    return Evidence("spam_niche", said, None, f"pages of {referrer.domain} mention {said}",
                    Category.UNRELATED, W_NICHE)


def thin_content(link: Link, page: Page | None) -> Evidence | None:
    """Few words of text on a page that carries the link in its text (boilerplate links on
    short pages such as a contact page say nothing)."""
    if link.placement in SITEWIDE_PLACES or page is None:
        return None
    if page.word_count <= 0 or page.word_count >= THIN_WORDS:
        return None
    return Evidence("thin_page", page.word_count, THIN_WORDS,
                    f"the linking page has {page.word_count} words (thin below {THIN_WORDS})",
                    Category.THIN, W_THIN)


def duplicate_text(page: Page | None, domains: tuple[str, ...], site: str) -> Evidence | None:
    """The linking page's text equals pages of other domains: scraped or copied content (worse
    when it is the target's own text, copied by a scraper)."""
    if page is None or not domains:
        return None
    names = ", ".join(domains[:3]) + (f" and {len(domains) - 3} more" if len(domains) > 3 else "")
    copied = site in domains
    return Evidence("duplicate_text", len(domains), 1,
                    f"the linking page's text matches pages on {names}"
                    + (" (the target's own text)" if copied else ""), Category.THIN,
                    W_SCRAPED_TARGET if copied else W_SCRAPED)


def link_farm(page: Page | None) -> Evidence | None:
    """A page stuffed with outbound links: what automated link services produce."""
    if page is None or page.external_links < FARM_LINKS:
        return None
    return Evidence("outbound_links", page.external_links, FARM_LINKS,
                    f"the linking page has {page.external_links} links to other sites "
                    f"(threshold {FARM_LINKS})", Category.AUTOMATED, W_FARM)


def link_list(page: Page | None) -> Evidence | None:
    """A page that is mostly a list of outbound links (directory, bookmark or link page)."""
    if page is None or page.external_links < LIST_LINKS:
        return None
    per_link = page.word_count / page.external_links
    if per_link >= LIST_WORDS_PER_LINK:
        return None
    return Evidence("words_per_outbound_link", round(per_link, 1), LIST_WORDS_PER_LINK,
                    f"{page.external_links} outbound links and {page.word_count} words: "
                    f"{per_link:.1f} words per link (a link list below {LIST_WORDS_PER_LINK:g})",
                    Category.DIRECTORY, W_LIST)


def sitewide(link: Link, referrer: Referrer, anchor_class: str, pages: int) -> Evidence | None:
    """A boilerplate link repeated on most pages of the referring domain (``pages`` of its
    pages carry a link with this anchor to the target)."""
    if link.placement not in SITEWIDE_PLACES or not link.passes_credit or not referrer.pages:
        return None
    share = pages / referrer.pages
    if share < SITEWIDE_SHARE or pages < SITEWIDE_PAGES:
        return None
    keyword = anchor_class in _KEYWORD_CLASSES
    what = f"{anchor_class} anchor {_quote(link.anchor)}" if keyword else "link"
    return Evidence("sitewide_share", round(share, 2), SITEWIDE_SHARE,
                    f"{link.placement.value} {what} on {pages} of "
                    f"{referrer.pages} pages of {referrer.domain}", Category.TEMPLATE,
                    W_SITEWIDE_KEYWORD if keyword else W_SITEWIDE)


def spread_template(link: Link, domains: int, anchor_class: str) -> Evidence | None:
    """The same keyword anchor in the boilerplate of several referring domains."""
    if (link.placement not in SITEWIDE_PLACES or anchor_class not in _KEYWORD_CLASSES
            or domains < SPREAD_DOMAINS):
        return None
    return Evidence("template_domains", domains, SPREAD_DOMAINS,
                    f"{link.placement.value} link {_quote(link.anchor)} appears on {domains} "
                    "referring domains", Category.TEMPLATE, W_SPREAD)


def forum_comment(link: Link, anchor_class: str) -> Evidence | None:
    """A followed link in a comment, reply or signature, worse with a keyword anchor."""
    if link.placement is not Placement.COMMENT or not link.passes_credit:
        return None
    keyword = anchor_class in _KEYWORD_CLASSES
    return Evidence("comment_link", anchor_class, "ugc or nofollow",
                    f"followed comment/forum link with {anchor_class} anchor "
                    f"{_quote(link.anchor)} (no rel=ugc or nofollow)", Category.FORUM,
                    W_FORUM_KEYWORD if keyword else W_FORUM_OTHER)


def exact_anchor(link: Link, anchor_class: str, domains: int) -> Evidence | None:
    """An exact-match keyword anchor, stronger when many referring domains repeat it."""
    if anchor_class != A.EXACT or not link.passes_credit:
        return None
    if domains >= REPEAT_DOMAINS:
        return Evidence("anchor_domains", domains, REPEAT_DOMAINS,
                        f"exact-match anchor {_quote(link.anchor)} repeated by {domains} "
                        "referring domains", Category.ANCHORS, W_EXACT + W_REPEAT)
    return Evidence("anchor_class", anchor_class, None,
                    f"exact-match anchor {_quote(link.anchor)}", Category.ANCHORS, W_EXACT)


@functools.lru_cache(maxsize=65536)
def _latin_share(text: str) -> float | None:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    return sum(unicodedata.name(c, "").startswith("LATIN") for c in letters) / len(letters)


def foreign_anchor(link: Link, target_language: str, anchor_class: str) -> Evidence | None:
    """An anchor in another script than the target site's (a Cyrillic anchor to an English
    site), when it is not a brand or URL."""
    if anchor_class in (A.BRANDED, A.URL, A.IMAGE_OR_EMPTY) or not target_language:
        return None
    share = _latin_share(link.anchor)
    if share is None or share > 0.5 or not _latin_language(target_language):
        return None
    return Evidence("anchor_script", round(share, 2), 0.5,
                    f"anchor {_quote(link.anchor)} is not in the target's script "
                    f"({target_language})", Category.UNRELATED, W_FOREIGN_ANCHOR)


# Primary language subtags written in a non-Latin script.
_NON_LATIN = frozenset(("ru", "uk", "bg", "sr", "mk", "be", "kk", "el", "he", "ar", "fa", "ur",
                        "hi", "bn", "ta", "te", "th", "zh", "ja", "ko", "ka", "hy"))


def _latin_language(tag: str) -> bool:
    return tag.split("-")[0] not in _NON_LATIN


def language_mismatch(page: Page | None, target_language: str) -> Evidence | None:
    """The linking page is in another language than the target site."""
    if page is None or not page.language or not target_language:
        return None
    mine, theirs = page.language.split("-")[0], target_language.split("-")[0]
    if mine == theirs:
        return None
    return Evidence("language", page.language, target_language,
                    f"the linking page is in '{page.language}', the target site in "
                    f"'{target_language}'", Category.UNRELATED, W_LANGUAGE)


def language_spike(language: str, domains: int, days: float) -> Evidence | None:
    """Several referring domains in one foreign language, all first seen within a few weeks."""
    if domains < SPIKE_DOMAINS or days > SPIKE_DAYS:
        return None
    return Evidence("language_spike", domains, SPIKE_DOMAINS,
                    f"{domains} referring domains in '{language}' first seen within "
                    f"{days:.0f} days", Category.UNRELATED, W_SPIKE)


def off_topic(cosine: float | None, shared: tuple[str, ...]) -> Evidence | None:
    """Low TF-IDF cosine between the linking page's terms and the target site's."""
    if cosine is None or cosine >= RELEVANCE_MIN:
        return None
    common = f"; shared terms: {', '.join(shared[:5])}" if shared else "; no shared terms"
    return Evidence("tfidf_cosine", round(cosine, 3), RELEVANCE_MIN,
                    f"topical similarity to the target site {cosine:.3f} (below "
                    f"{RELEVANCE_MIN}){common}", Category.UNRELATED, W_OFF_TOPIC)


def hostname(score: HostScore) -> Evidence | None:
    """The referring hostname is spelled like spam (``audit.hostname``)."""
    if score.score < HOST_MIN:
        return None
    why = "; ".join(score.reasons[:3])
    return Evidence("hostname_score", score.score, HOST_MIN,
                    f"hostname {score.host} scores {score.score:.0f}/100 ({why})",
                    Category.HOSTNAME, W_HOST * score.score / 100.0)


def listed(domain: str, host: str, spam: frozenset[str]) -> Evidence | None:
    """The referring domain or host is on the user's spam list."""
    hit = host if host in spam else domain if domain in spam else None
    if hit is None:
        return None
    return Evidence("spam_list", hit, None, f"{hit} is on your spam list", Category.LISTED,
                    W_LISTED)


def reciprocal(referrer: Referrer, target: str) -> Evidence | None:
    """The target links back to the referring domain (a link exchange when it is a habit)."""
    if referrer.links_back <= 0 or referrer.followed <= 0:
        return None
    weight = W_RECIPROCAL + (0.3 if "link exchange" in referrer.phrases else 0.0)
    return Evidence("links_back", referrer.links_back, 1,
                    f"{target} links back to {referrer.domain} {referrer.links_back} times and "
                    f"gets {referrer.followed} followed links from it", Category.EXCHANGE,
                    weight)
