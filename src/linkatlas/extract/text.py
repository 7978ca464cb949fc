"""Text helpers for extraction: whitespace, tracking IDs, e-mail addresses (pure, regex only)."""

from __future__ import annotations

import re
from urllib.parse import unquote

_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace runs (including no-break spaces) as one space, trimmed."""
    return _WS.sub(" ", text).strip()


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, on a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip()


# One pattern per ID family, each starting with a literal so the scan is a fast substring
# search; the left word boundary is checked by hand (a leading lookbehind defeats that search).
_TRACKING: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("UA-", re.compile(r"UA-\d{4,10}-\d{1,4}(?![\w-])"), ""),
    ("G-", re.compile(r"G-[A-Z0-9]{8,12}(?![\w-])"), ""),
    ("GTM-", re.compile(r"GTM-[A-Z0-9]{4,9}(?![\w-])"), ""),
    ("pub-", re.compile(r"pub-\d{10,20}(?!\w)"), "ca-"),
    ("AW-", re.compile(r"AW-\d{6,12}(?![\w-])"), ""),
    ("fbq", re.compile(r"""fbq\(\s*['"]init['"]\s*,\s*['"]?(\d{6,20})"""), "fb:"),
    ("ym(", re.compile(r"ym\(\s*(\d{5,12})"), "ym:"),
    ("yaCounter", re.compile(r"yaCounter(\d{5,12})"), "ym:"),
    ("hjid", re.compile(r"hjid\s*:\s*(\d{5,10})"), "hotjar:"),
)


def tracking_ids(html: str) -> tuple[str, ...]:
    """Analytics and ad account IDs found anywhere in the HTML, sorted and de-duplicated."""
    found: set[str] = set()
    for literal, pattern, prefix in _TRACKING:
        if literal not in html:
            continue
        for m in pattern.finditer(html):
            start = m.start()
            if literal != "pub-" or html[start - 3 : start] != "ca-":
                before = html[start - 1 : start]
                if before and (before.isalnum() or before in "_-"):
                    continue
            value = m.group(1) if pattern.groups else m.group(0)
            if literal == "G-" and not any(c.isdigit() for c in value):
                continue  # G- followed by letters only is a word, not a GA4 measurement ID
            found.add(prefix + value)
    return tuple(sorted(found))


_EMAIL = re.compile(
    r"(?<![\w.%+-])([a-z0-9][a-z0-9._%+-]{0,63})@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)
_AT = r"\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*"
_DOT = r"(?:\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\.)"
_OBFUSCATED = re.compile(
    r"(?<![\w.+-])([a-z0-9][a-z0-9._+-]{0,63})" + _AT + r"([a-z0-9-]+(?:" + _DOT + r"[a-z0-9-]+)+)",
    re.IGNORECASE,
)
_DOT_RE = re.compile(_DOT, re.IGNORECASE)
_AT_HINTS = ("at]", "at)", "at}", "at>")
_AT_HINT = re.compile(r"[\[\(\{<]\s*at\s*[\]\)\}>]", re.IGNORECASE)
_NOT_TLD = frozenset(
    "png jpg jpeg gif webp svg bmp ico tif tiff avif css js json xml html htm php pdf".split()  # noqa: SIM905
)


def valid_email(address: str) -> str | None:
    """The lower-cased address when it is plausibly an e-mail address, else None."""
    address = address.strip().lower()
    local, sep, domain = address.rpartition("@")
    if not sep or not local or len(local) > 64 or len(domain) > 253 or "." not in domain:
        return None
    if local.startswith(".") or local.endswith(".") or ".." in local + domain:
        return None
    tld = domain.rsplit(".", 1)[1]
    if tld in _NOT_TLD or not tld.isalpha() or len(tld) < 2:
        return None
    if _EMAIL.fullmatch(address) is None:
        return None
    return address


def mailto_address(href: str) -> str | None:
    """The first address of a ``mailto:`` URL, validated, or None."""
    rest = href.strip()[7:].split("?", 1)[0]
    first = unquote(rest).split(",", 1)[0]
    return valid_email(first)


def emails_in_text(text: str) -> set[str]:
    """Plain and simply obfuscated (``name [at] example [dot] com``) addresses in text."""
    found: set[str] = set()
    if "@" in text:
        for m in _EMAIL.finditer(text):
            ok = valid_email(f"{m.group(1)}@{m.group(2)}")
            if ok:
                found.add(ok)
    lowered = text.lower()
    if any(hint in lowered for hint in _AT_HINTS) and _AT_HINT.search(text):
        for m in _OBFUSCATED.finditer(text):
            domain = _DOT_RE.sub(".", m.group(2))
            ok = valid_email(f"{m.group(1)}@{domain}")
            if ok:
                found.add(ok)
    return found
