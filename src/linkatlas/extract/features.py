"""Page features the audit and the profile read: content terms, selling phrases, template print.

Computed once per page at ingest or crawl time (``add_features``), from the visible text that
link extraction already built and from the raw markup, and stored on the ``Page``; the page
text itself is not stored. Pure functions, no I/O. Decisions and costs: docs/audit.md.

- ``terms``: the most frequent content words (letters only, 3+ characters, lower case, common
  function words of the major web languages out), most frequent first, ties in first-seen
  order. Enough for a TF-IDF cosine between a linking page and a target site.
- ``phrases``: the link-selling and commercial phrases of ``PHRASES`` found in the text, each
  reported once in its canonical spelling, in vocabulary order.
- ``template``: 16 hex digits of a hash over the set of distinct CSS class names in the
  markup. Pages built from one theme share it whatever their text; the empty string when the
  page has fewer than ``MIN_CLASSES`` class names (no evidence either way).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from linkatlas.model import Extracted

TERM_LIMIT = 40
MIN_CLASSES = 5
_CLASS_SCAN_BYTES = 512 * 1024

_WORD = re.compile(r"[^\W\d_]{3,}")
_MARKERS = re.compile("[\U000f0000-\U0010ffff]")  # extraction's link markers (extract.html)
_CLASS_ATTR = re.compile(rb"""\sclass\s*=\s*(?:"([^"<>]{1,400})"|'([^'<>]{1,400})')""", re.I)

# Function words of English, German, French, Spanish, Italian, Portuguese and Dutch (3+
# letters): frequent everywhere, so they say nothing about a page's topic.
_STOPWORD_TEXT = """
the and for are but not you all any can had her was one our out has his how its may new now
old see two way who did get got let put say she too use that with have this will your from
they been more when what were there their which about would these other into than then them
some could only also over just like most such very well here where after before being both
each many much must same should those through under while does doing done make made because
between during within without again further once off own why whom onto upon yet via per
nor ever every either neither among across around below above near since until unless
der die das und ist nicht mit den dem des ein eine einer eines einem einen auf für sich
von zu zum zur bei aus wie auch als wird werden sind war oder noch nach aber nur wenn über
les des une est pas pour dans que qui sur avec par plus mais sont ont aux ces ses leur
son sa elle nous vous ils été être fait cette tout tous
los las del que por con para una uno sus como más pero esta este son fue han sin sobre
entre también hay muy ya
che non per con una sono della delle degli dei nel nella alla alle gli anche come più
não com uma por para dos das mais como pelo pela seu sua são foi tem
het een van voor niet met zijn dat die ook aan bij maar nog wordt door naar dan als
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Phrases of the link trade and of the niches link spam lives in (Google's examples: paid
# links, "sponsored post" without qualification, link exchange offers). Canonical spelling
# first, then the variants that map to it.
PHRASES: dict[str, tuple[str, ...]] = {
    "sponsored post": ("sponsored post", "sponsored posts", "sponsored article",
                       "sponsored articles", "sponsored content"),
    "paid post": ("paid post", "paid posts", "paid article", "paid articles",
                  "paid guest post"),
    "buy links": ("buy links", "buy backlinks", "buy a backlink", "buy a link",
                  "purchase links", "purchase backlinks", "backlinks for sale",
                  "links for sale"),
    "sell links": ("sell links", "selling links", "sell backlinks", "we sell links"),
    "link insertion": ("link insertion", "link insertions", "niche edit", "niche edits"),
    "dofollow link": ("dofollow link", "dofollow links", "do-follow link", "do-follow links",
                      "dofollow backlink", "dofollow backlinks", "permanent dofollow"),
    "link exchange": ("link exchange", "exchange links", "reciprocal link",
                      "reciprocal links", "link swap"),
    "guest post": ("guest post", "guest posts", "guest posting", "guest article",
                   "submit a guest post"),
    "write for us": ("write for us", "contribute to our blog", "become a contributor",
                     "submit your article", "accepting guest posts"),
    "price list": ("price list", "price per link", "price per post", "prices per post",
                   "our rates", "rate card", "media kit"),
    "advertise with us": ("advertise with us", "advertise here", "advertising rates",
                          "advertising opportunities"),
    "pbn": ("pbn", "private blog network", "private blog networks"),
    "seo package": ("seo package", "seo packages", "backlink package", "link building package",
                    "da 50", "da 60", "da 70", "high da", "high pa"),
    "casino": ("casino", "online casino", "slot online", "slots online", "poker online",
               "judi online", "betting tips"),
    "pharmacy": ("viagra", "cialis", "online pharmacy", "cheap pills", "buy pills",
                 "no prescription"),
    "payday loans": ("payday loan", "payday loans", "instant loan", "instant loans",
                     "bad credit loans"),
    "replica": ("replica watches", "replica bags", "cheap jerseys"),
    "essay writing": ("essay writing service", "write my essay", "buy essay", "buy essays"),
}

_CANONICAL = {variant: name for name, variants in PHRASES.items() for variant in variants}
_PHRASE = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(re.escape(v) for v in sorted(_CANONICAL, key=len, reverse=True))
    + r")(?![^\W_])"
)
_ORDER = {name: i for i, name in enumerate(PHRASES)}


def page_terms(text: str, limit: int = TERM_LIMIT) -> tuple[str, ...]:
    """The ``limit`` most frequent content words of a text, most frequent first."""
    counts = Counter(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS)
    return tuple(w for w, _ in counts.most_common(limit))


def page_phrases(text: str) -> tuple[str, ...]:
    """The canonical names of the link-selling / commercial phrases found in a text."""
    low = " ".join(text.lower().split())
    found = {_CANONICAL[m.group(0)] for m in _PHRASE.finditer(low)}
    return tuple(sorted(found, key=_ORDER.__getitem__))


def template_print(html: bytes) -> str:
    """A fingerprint of the set of CSS class names in the markup ('' with too few of them)."""
    names: set[bytes] = set()
    for m in _CLASS_ATTR.finditer(html, 0, _CLASS_SCAN_BYTES):
        names.update((m.group(1) or m.group(2)).lower().split())
    if len(names) < MIN_CLASSES:
        return ""
    return hashlib.blake2b(b" ".join(sorted(names)), digest_size=8).hexdigest()


def add_features(extracted: Extracted, html: bytes) -> Extracted:
    """Fill the page's terms, phrases and template from the extracted text and its markup."""
    page = extracted.page
    text = _MARKERS.sub("", extracted.text)
    if page.title:
        text = page.title + " " + text
    page.terms = page_terms(text)
    page.phrases = page_phrases(text)
    page.template = template_print(html) if extracted.text else ""
    return extracted
