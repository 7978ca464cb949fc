"""Hostname spam score: what a hostname's spelling, and the index, say about it.

Pure: ``host_features`` measures a hostname, ``score_host`` turns the measures (and an optional
``KnownHost`` from the index) into a 0..100 score with one short sentence per signal that fired.
The weights are hand-set points, grounded in what the web-spam literature reports about
hostnames (long names, many hyphens and digits, commercial keyword stuffing, deep subdomains,
cheap abused TLDs); ``docs/audit-hosts.md`` lists them with the AUC of each on WEBSPAM-UK2007.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from dataclasses import dataclass

from linkatlas.urls import registrable_domain

# Spam niches (finance, gambling, pharmacy, adult, replicas, link selling, downloads): the
# vocabulary web-spam studies find over-represented in spam hostnames. Matched as substrings of
# the name, so entries are specific enough not to occur inside ordinary words.
SPAM_KEYWORDS: frozenset[str] = frozenset(
    {
        "loan", "loans", "credit", "debt", "mortgage", "remortgage", "refinance", "payday",
        "cashadvance", "finance", "consolidation", "lender", "casino", "poker", "slots",
        "betting", "gambling", "bingo", "lottery", "roulette", "blackjack", "pills", "pharmacy",
        "viagra", "cialis", "levitra", "phentermine", "xanax", "valium", "tramadol", "meds",
        "weightloss", "replica", "rolex", "porn", "xxx", "escort", "escorts", "dating",
        "ringtone", "ringtones", "mp3", "seo", "backlink", "links", "directory", "forex",
    }
)

# Sales bait: ordinary in shop names alone, a stuffing signal when stacked with other keywords.
BAIT_KEYWORDS: frozenset[str] = frozenset(
    {
        "cheap", "discount", "bargain", "deals", "quotes", "compare", "shop", "shopping",
        "online", "free", "best", "top", "wholesale", "download", "downloads", "insurance",
        "cash", "sex", "adult", "diet", "mobile", "phones", "tickets", "travel", "flights",
        "cruise", "holidays", "hotels", "jewellery", "jewelry", "4u", "247", "investment",
        "trading",
    }
)

# Ordinary words and names that contain a keyword ("essex", "bishop", "specialist", the ISP
# "freeserve"): blanked out before matching, so substring matching does not accuse them.
INNOCENT_WORDS: tuple[str, ...] = tuple(sorted(
    {
        "essex", "sussex", "wessex", "middlesex", "lancashire", "freeserve", "freedom",
        "freelance", "freeman", "specialist", "asbestos", "desktop", "laptop", "christopher",
        "utopia", "worktop", "stop", "bishop", "workshop", "museo", "cashmere", "accredit",
        "slender", "seoul", "updating", "adulteducation", "stopford", "topsham", "topaz",
    },
    key=lambda w: (-len(w), w),
))

_INNOCENT_RE = re.compile("|".join(INNOCENT_WORDS))

# Second-level labels of registries that check eligibility (universities, government, health,
# schools, military): registrations a spammer cannot buy, so names under them start trusted.
RESTRICTED_SLDS: frozenset[str] = frozenset(
    {"ac", "edu", "gov", "gob", "gouv", "govt", "mil", "nhs", "sch", "police", "mod", "k12"}
)
RESTRICTED_TLDS: frozenset[str] = frozenset({"edu", "gov", "mil", "int"})

# TLDs whose registrations are dominated by abuse (Spamhaus "most abused TLDs" and Interisle's
# phishing reports: free or near-free registrations); see docs/audit-hosts.md.
RISKY_TLDS: frozenset[str] = frozenset(
    {
        "tk", "ml", "ga", "cf", "gq", "xyz", "top", "club", "online", "site", "icu", "work",
        "click", "link", "loan", "win", "bid", "stream", "download", "racing", "review",
        "date", "faith", "cricket", "science", "party", "accountant", "trade", "webcam", "men",
        "kim", "country", "gdn", "buzz", "rest", "fit", "cyou", "sbs", "cfd", "monster", "best",
    }
)

_VOWELS = frozenset("aeiouy")
_DIGIT_RUN_RE = re.compile(r"\d+")
_CONSONANT_RUN_RE = re.compile(r"[bcdfghjklmnpqrstvwxz]+")
_WWW_VARIANT_RE = re.compile(r"^(w{2}|w{4,}|www\d+|www-\w+|ww\d+)$")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
_HOSTNAME_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")


@dataclass(frozen=True, slots=True)
class HostFeatures:
    """What can be measured from a hostname's spelling alone."""

    host: str
    domain: str  # registrable domain (the host itself for an IP literal)
    label: str  # the registrable label: the domain without its public suffix
    suffix: str  # public suffix (e.g. "co.uk"), "" for an IP literal
    tld: str
    subdomain: str  # everything left of the registrable domain, without a leading "www."
    host_length: int
    label_length: int
    depth: int  # number of dot-separated labels of the whole host
    hyphens: int  # in the registrable label and subdomain
    digits: int
    digit_runs: int
    longest_consonant_run: int
    vowel_ratio: float
    entropy: float  # Shannon entropy (bits per character) of the registrable label
    keywords: tuple[str, ...]  # spam-niche words found in the name, longest first
    bait: tuple[str, ...]  # sales-bait words found in the name
    restricted: bool  # under a registry that checks eligibility (ac.uk, gov, nhs.uk, ...)
    is_ip: bool
    is_idn: bool
    www_variant: bool  # ww., www1., www-foo. and other near-www prefixes


@dataclass(frozen=True, slots=True)
class KnownHost:
    """What the index (and the user) know about a host; every field optional."""

    pages: int = 0
    words_per_page: float | None = None
    outbound_links: int = 0
    external_links: int = 0
    refdomains: int | None = None  # distinct domains linking in
    authority: float | None = None  # 0..100 host authority score, if `linkatlas rank` was run
    shared_tracking_domains: int = 0  # other domains carrying one of its analytics/ad IDs
    on_spam_list: bool = False


@dataclass(frozen=True, slots=True)
class HostScore:
    """A hostname's spam score (0 = clean, 100 = certainly spam) and why."""

    host: str
    score: float
    reasons: tuple[str, ...]


def clean_host(text: str) -> str | None:
    """A hostname from a line of input (lower-case, no port or trailing dot), None if not one."""
    name = text.strip().lower()
    if "://" in name:
        name = name.split("://", 1)[1]
    name = name.split("/", 1)[0].rstrip(".")
    if name.startswith("["):
        inner = name[1:].split("]", 1)[0]
        try:
            ipaddress.IPv6Address(inner)
        except ValueError:
            return None
        return f"[{inner}]"
    if name.count(":") == 1:
        name, port = name.split(":")
        if not port.isdigit():
            return None
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if not name or len(name) > 253 or _HOSTNAME_RE.match(name) is None:
        return None
    if any(len(part) > 63 for part in name.split(".")):
        return None
    return name


def _is_ip(name: str) -> bool:
    if name.startswith("["):
        return True
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def _entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


# Longest first, so "loans" is not also counted as "loan".
_SPAM_ORDER = tuple(sorted(SPAM_KEYWORDS, key=lambda w: (-len(w), w)))
_BAIT_ORDER = tuple(sorted(BAIT_KEYWORDS, key=lambda w: (-len(w), w)))


def _find(words: tuple[str, ...], text: str) -> tuple[str, ...]:
    found: list[str] = []
    for word in words:
        if word in text and not any(word in longer for longer in found):
            found.append(word)
    return tuple(found)


def _ip_features(name: str) -> HostFeatures:
    return HostFeatures(
        host=name, domain=name, label=name, suffix="", tld="", subdomain="",
        host_length=len(name), label_length=len(name), depth=1, hyphens=0,
        digits=sum(c.isdigit() for c in name), digit_runs=0, longest_consonant_run=0,
        vowel_ratio=0.0, entropy=0.0, keywords=(), bait=(), restricted=False, is_ip=True,
        is_idn=False, www_variant=False,
    )


def _unicode(name: str) -> str:
    # Counted on the owner's spelling: punycode adds hyphens and digits of its own.
    try:
        return name.encode("ascii").decode("idna") if "xn--" in name else name
    except UnicodeError:
        return name.replace("xn--", "")


def host_features(host: str) -> HostFeatures:
    """Measure a hostname (lower-cased; a port or trailing dot is ignored)."""
    name = clean_host(host) or host.strip().lower().rstrip(".")
    if not name or _is_ip(name):
        return _ip_features(name)
    domain = registrable_domain(name) or name
    label, _, suffix = domain.partition(".")
    sub = name[: -len(domain)].rstrip(".") if name != domain else ""
    first = sub.split(".", 1)[0] if sub else ""
    www_variant = bool(first) and _WWW_VARIANT_RE.match(first) is not None
    if sub == "www" or sub.startswith("www."):
        sub = sub[4:]
    spelled = _unicode(f"{sub}.{label}" if sub else label)
    letters = [c for c in spelled if c.isalpha()]
    squashed = spelled.replace("-", "").replace(".", " ")
    squashed = _INNOCENT_RE.sub(" ", squashed)
    consonant_runs = _CONSONANT_RUN_RE.findall(_unicode(label))
    suffix_labels = suffix.split(".")
    return HostFeatures(
        host=name,
        domain=domain,
        label=label,
        suffix=suffix,
        tld=suffix_labels[-1],
        subdomain=sub,
        host_length=len(name),
        label_length=len(_unicode(label)),
        depth=name.count(".") + 1,
        hyphens=spelled.count("-"),
        digits=sum(c.isdigit() for c in spelled),
        digit_runs=len(_DIGIT_RUN_RE.findall(spelled)),
        longest_consonant_run=max((len(r) for r in consonant_runs), default=0),
        vowel_ratio=sum(c in _VOWELS for c in letters) / len(letters) if letters else 0.0,
        entropy=_entropy(label),
        keywords=_find(_SPAM_ORDER, squashed),
        bait=_find(_BAIT_ORDER, squashed),
        restricted=suffix_labels[-1] in RESTRICTED_TLDS
        or any(part in RESTRICTED_SLDS for part in suffix_labels[:-1]),
        is_ip=False,
        is_idn="xn--" in name,
        www_variant=www_variant,
    )


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal that fired: a stable name, its points (negative = trust) and a reason."""

    name: str
    points: float
    reason: str


def _keyword_signals(f: HostFeatures) -> list[Signal]:
    words = f.keywords + f.bait
    if len(words) >= 2:
        pts = min(45.0, 18.0 * len(f.keywords) + 8.0 * len(f.bait))
        listed_words = ", ".join(f"'{w}'" for w in words[:5])
        return [Signal("keywords", pts, f"keyword-stuffed name: {listed_words}")]
    if f.keywords:
        return [Signal("keywords", 18.0, f"spam-niche keyword in name: '{f.keywords[0]}'")]
    return [Signal("keywords", 6.0, f"sales keyword in name: '{f.bait[0]}'")] if f.bait else []


def name_signals(f: HostFeatures) -> list[Signal]:
    """The signals a hostname's spelling fires (see docs/audit-hosts.md for the weights)."""
    if f.is_ip:
        return [Signal("ip", 45.0, "the host is a bare IP address")]
    out = _keyword_signals(f)
    if f.hyphens:
        s = "s" if f.hyphens > 1 else ""
        out.append(Signal("hyphens", min(30.0, 6.0 * f.hyphens),
                          f"hostname has {f.hyphens} hyphen{s}"))
    if f.digits:
        s = "s" if f.digits > 1 else ""
        out.append(Signal("digits", min(20.0, 4.0 + 2.0 * f.digits),
                          f"{f.digits} digit{s} in the name"))
    if f.label_length > 15:
        out.append(Signal("length", min(15.0, 1.0 * (f.label_length - 15)),
                          f"long name: {f.label_length} characters"))
    levels = f.subdomain.count(".") + 1 if f.subdomain else 0
    if levels >= 2:
        out.append(Signal("depth", 6.0 * levels, f"{levels} subdomain levels"))
    if len(f.subdomain) > 20:
        out.append(Signal("long subdomain", 15.0,
                          f"very long subdomain: {len(f.subdomain)} characters"))
    # Short labels are mostly acronyms ("bhmv"), not machine-made names.
    if f.label_length >= 8 and (f.longest_consonant_run >= 5 or f.vowel_ratio < 0.2):
        out.append(Signal("random", 15.0, "random-looking name "
                          f"({f.longest_consonant_run} consonants in a row)"))
    if f.tld in RISKY_TLDS:
        out.append(Signal("tld", 15.0, f"TLD .{f.tld} is common among spam hosts"))
    if f.is_idn:
        out.append(Signal("idn", 8.0, "internationalised (punycode) name, a homograph risk"))
    if f.www_variant:
        out.append(Signal("www variant", 6.0, "near-www prefix (ww, www1, www-...)"))
    if f.restricted:
        out.append(Signal("restricted", -15.0,
                          f"registered under .{f.suffix}, which checks eligibility"))
    return out


def index_signals(k: KnownHost) -> list[Signal]:
    """The signals what the index knows about a host fires; negative points are trust."""
    out: list[Signal] = []
    if k.pages and k.words_per_page is not None and k.words_per_page < 100:
        noun = "page" if k.pages == 1 else "pages"
        out.append(Signal("thin", 10.0,
                          f"thin content: {k.words_per_page:.0f} words a page ({k.pages} {noun})"))
    if k.pages and k.external_links / k.pages >= 40:
        out.append(Signal("outlinks", 20.0, f"{k.external_links / k.pages:.0f} outbound links "
                          "to other sites a page"))
    if k.shared_tracking_domains:
        n = k.shared_tracking_domains
        noun = "domain" if n == 1 else "domains"
        out.append(Signal("shared ids", min(30.0, 12.0 + 6.0 * n),
                          f"shares an analytics/ad ID with {n} other {noun}"))
    if k.authority is not None and k.authority >= 25:
        out.append(Signal("authority", -15.0, f"host authority score {k.authority:.0f}"))
    if k.refdomains is not None and k.refdomains >= 20:
        out.append(Signal("refdomains", -10.0, f"linked from {k.refdomains} distinct domains"))
    return out


# A name alone cannot prove a host clean, so every host starts at a few points (9.5 of 100).
BASE_POINTS = 5.0


def points_to_score(points: float) -> float:
    """The 0..100 score of a points total (saturating, so no ties at the top)."""
    return round(100.0 * (1.0 - math.exp(-max(0.0, BASE_POINTS + points) / 50.0)), 1)


def listed(host: str, entries: frozenset[str]) -> bool:
    """Whether the host, or a parent domain of it, is on a list of hosts and domains."""
    name = host.lower().rstrip(".")
    while name:
        if name in entries:
            return True
        name = name.partition(".")[2]
    return False


def score_host(host: str, *, known: KnownHost | None = None) -> HostScore:
    """Score a hostname 0..100 for spam, with one short reason per signal that fired."""
    f = host_features(host)
    signals = name_signals(f) + (index_signals(known) if known is not None else [])
    reasons = tuple(s.reason for s in signals)
    if known is not None and known.on_spam_list:
        return HostScore(f.host, 100.0, ("on user spam list", *reasons))
    return HostScore(f.host, points_to_score(sum(s.points for s in signals)), reasons)
