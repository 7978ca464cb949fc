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

# Vocabulary of commercial spam niches (finance, gambling, pharmacy, adult, replicas, SEO,
# ringtones/downloads). Matched as substrings of the name's words, so keep entries >= 3 letters
# and specific enough not to occur inside ordinary words.
SPAM_KEYWORDS: frozenset[str] = frozenset(
    {
        "loan", "loans", "credit", "debt", "mortgage", "remortgage", "refinance", "payday",
        "cash", "insurance", "finance", "consolidation", "lender", "casino", "poker", "slots",
        "betting", "gambling", "bingo", "lottery", "roulette", "blackjack", "pills", "pharmacy",
        "viagra", "cialis", "levitra", "phentermine", "xanax", "valium", "tramadol", "meds",
        "diet", "weightloss", "cheap", "discount", "bargain", "replica", "rolex", "porn", "sex",
        "xxx", "adult", "escort", "escorts", "dating", "ringtone", "ringtones", "mp3",
        "download", "downloads", "seo", "backlink", "links", "directory", "hosting", "deals",
        "quotes", "compare", "holiday", "holidays", "hotel", "hotels", "rental", "hire", "car",
        "cars", "phones", "mobile", "shop", "shopping", "store", "online", "free", "best", "top",
        "gifts", "jewellery", "jewelry", "tickets", "travel", "flights", "cruise", "property",
        "estate", "investment", "forex", "trading", "satellite", "navigation", "wholesale",
    }
)

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
    keywords: tuple[str, ...]  # spam-vocabulary words found in the name, longest first
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
    authority: float | None = None  # 0..100 authority score, if `linkatlas rank` was run
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


def _keywords(text: str) -> tuple[str, ...]:
    # Greedy longest-first so "loans" is not also counted as "loan"; each word counted once.
    found: list[str] = []
    for word in sorted(SPAM_KEYWORDS, key=len, reverse=True):
        if word in text and not any(word in longer for longer in found):
            found.append(word)
    return tuple(found)


def host_features(host: str) -> HostFeatures:
    """Measure a hostname (lower-cased; a port or trailing dot is ignored)."""
    name = clean_host(host) or host.strip().lower().rstrip(".")
    if _is_ip(name):
        return HostFeatures(
            host=name, domain=name, label=name, suffix="", tld="", subdomain="",
            host_length=len(name), label_length=len(name), depth=1, hyphens=0,
            digits=sum(c.isdigit() for c in name), digit_runs=0, longest_consonant_run=0,
            vowel_ratio=0.0, entropy=0.0, keywords=(), is_ip=True, is_idn=False,
            www_variant=False,
        )
    domain = registrable_domain(name) or name
    label, _, suffix = domain.partition(".")
    sub = name[: -len(domain)].rstrip(".") if name != domain else ""
    first = sub.split(".", 1)[0] if sub else ""
    www_variant = bool(first) and _WWW_VARIANT_RE.match(first) is not None
    if sub == "www" or sub.startswith("www."):
        sub = sub[4:]
    name_part = f"{sub}.{label}" if sub else label
    plain = name_part.replace("xn--", "")  # the ACE prefix is not the owner's spelling
    letters = [c for c in name_part if c.isalpha()]
    vowels = sum(c in _VOWELS for c in letters)
    consonant_runs = _CONSONANT_RUN_RE.findall(label.replace("xn--", ""))
    return HostFeatures(
        host=name,
        domain=domain,
        label=label,
        suffix=suffix,
        tld=name.rsplit(".", 1)[-1],
        subdomain=sub,
        host_length=len(name),
        label_length=len(label),
        depth=name.count(".") + 1,
        hyphens=plain.count("-"),
        digits=sum(c.isdigit() for c in name_part),
        digit_runs=len(_DIGIT_RUN_RE.findall(name_part)),
        longest_consonant_run=max((len(r) for r in consonant_runs), default=0),
        vowel_ratio=vowels / len(letters) if letters else 0.0,
        entropy=_entropy(label),
        keywords=_keywords(name_part.replace("-", "").replace(".", " ")),
        is_ip=False,
        is_idn="xn--" in name,
        www_variant=www_variant,
    )


def _points(f: HostFeatures) -> list[tuple[float, str]]:
    """(points, reason) for every spelling signal that fires."""
    out: list[tuple[float, str]] = []
    if f.is_ip:
        out.append((45.0, "the host is a bare IP address"))
        return out
    if f.keywords:
        pts = min(45.0, 12.0 * len(f.keywords) + (8.0 if len(f.keywords) >= 2 else 0.0))
        words = ", ".join(f"'{w}'" for w in f.keywords[:5])
        noun = "keyword-stuffed name" if len(f.keywords) >= 2 else "commercial keyword in name"
        out.append((pts, f"{noun}: {words}"))
    if f.hyphens >= 2:
        out.append((min(30.0, 8.0 * (f.hyphens - 1)), f"hostname has {f.hyphens} hyphens"))
    if f.digits:
        pts = min(20.0, 4.0 + 2.0 * f.digits)
        out.append((pts, f"{f.digits} digit{'s' if f.digits > 1 else ''} in the name"))
    if f.label_length > 15:
        pts = min(20.0, 1.5 * (f.label_length - 15))
        out.append((pts, f"long name: {f.label_length} characters"))
    extra_levels = f.subdomain.count(".") + 1 if f.subdomain else 0
    if extra_levels >= 2:
        out.append((6.0 * extra_levels, f"{extra_levels} subdomain levels"))
    if len(f.subdomain) > 20:
        out.append((15.0, f"very long subdomain: {len(f.subdomain)} characters"))
    if f.label_length >= 6 and (f.longest_consonant_run >= 5 or f.vowel_ratio < 0.2):
        out.append((15.0, f"random-looking name ({f.longest_consonant_run} consonants in a row)"))
    if f.tld in RISKY_TLDS:
        out.append((15.0, f"TLD .{f.tld} is common among spam hosts"))
    if f.is_idn:
        out.append((8.0, "internationalised (punycode) name, a homograph risk"))
    if f.www_variant:
        out.append((6.0, "near-www prefix (ww, www1, www-...)"))
    return out


def _known_points(k: KnownHost) -> list[tuple[float, str]]:
    """(points, reason) for what the index knows; negative points are trust."""
    out: list[tuple[float, str]] = []
    if k.pages and k.words_per_page is not None and k.words_per_page < 150:
        out.append((10.0, f"thin pages: {k.words_per_page:.0f} words per page over {k.pages}"))
    if k.pages and k.external_links / k.pages >= 40:
        per_page = k.external_links / k.pages
        out.append((20.0, f"{per_page:.0f} outbound links to other sites per page"))
    if k.authority is not None and k.authority >= 50:
        out.append((-20.0, f"authority score {k.authority:.0f}"))
    if k.refdomains is not None and k.refdomains >= 20:
        out.append((-10.0, f"linked from {k.refdomains} distinct domains"))
    return out


def score_host(host: str, *, known: KnownHost | None = None) -> HostScore:
    """Score a hostname 0..100 for spam, with one short reason per signal that fired."""
    f = host_features(host)
    signals = _points(f) + (_known_points(known) if known is not None else [])
    reasons = [text for _, text in signals]
    if known is not None and known.on_spam_list:
        return HostScore(f.host, 100.0, ("on user spam list", *reasons))
    total = max(0.0, sum(p for p, _ in signals))
    # A saturating map keeps scores in 0..100 without ties at the top.
    score = round(100.0 * (1.0 - math.exp(-total / 50.0)), 1)
    return HostScore(f.host, score, tuple(reasons))
