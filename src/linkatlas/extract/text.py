"""Text helpers for extraction: whitespace, tracking IDs, e-mail addresses (pure, regex only)."""

from __future__ import annotations

import re
from urllib.parse import unquote

_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace runs (including no-break spaces) as one space, trimmed."""
    return " ".join(text.split())  # the same as a \\s+ substitution, several times faster


def cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, on a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip()


# The scan is the cost here (real pages run to megabytes of inline script), so the nine ID
# families share four passes. Each pass starts with one literal character that Python's regex
# engine finds with a fast scan; the family is then recognised by a lookbehind at that point.
# A combined alternation would test every character and run ten times slower. The left word
# boundary is checked by hand, since a leading lookbehind would defeat the literal scan.
_DASHED = re.compile(
    r"-(?=[A-Z0-9])(?:(?<=UA-)(\d{4,10}-\d{1,4})(?![\w-])|(?<=GTM-)([A-Z0-9]{4,9})(?![\w-])"
    r"|(?<=AW-)(\d{6,12})(?![\w-])|(?<=G-)([A-Z0-9]{8,12})(?![\w-])|(?<=pub-)(\d{10,20})(?!\w))"
)
# group index -> (literal before the dash, prefix of the reported ID)
_DASHED_FAMILIES = {1: ("UA", "UA-"), 2: ("GTM", "GTM-"), 3: ("AW", "AW-"), 4: ("G", "G-"),
                    5: ("pub", "ca-pub-")}
_CALLS = re.compile(
    r"""\((?:(?<=fbq\()\s*['"]init['"]\s*,\s*['"]?(\d{6,20})|(?<=ym\()\s*(\d{5,12}))"""
)
_CALL_FAMILIES = {1: ("fbq", "fb:"), 2: ("ym", "ym:")}
_YA_COUNTER = re.compile(r"C(?<=yaC)ounter(\d{5,12})")
_HOTJAR = re.compile(r"j(?<=hj)id\s*:\s*(\d{5,10})")


def _bounded(html: str, start: int) -> bool:
    """Whether an ID starting at ``start`` is not the tail of a longer word."""
    before = html[start - 1 : start] if start else ""
    return not (before and (before.isalnum() or before in "_-"))


def _ga4(value: str, before: str) -> bool:
    # "G-" and capitals is often a word ("G-SHOCKWATCH"). A GA4 measurement ID has ten random
    # capitals and digits: one without a digit counts only as a quoted or id= value, the way
    # gtag snippets write it (gtag('config', 'G-...'), gtag/js?id=G-...).
    return any(c.isdigit() for c in value) or (len(value) == 10 and before in ("'", '"', "="))


def tracking_ids(html: str) -> tuple[str, ...]:
    """Analytics and ad account IDs found anywhere in the HTML, sorted and de-duplicated."""
    found: set[str] = set()
    for m in _DASHED.finditer(html):
        group = m.lastindex or 0
        literal, prefix = _DASHED_FAMILIES[group]
        start = m.start() - len(literal)
        value = m.group(group)
        if group == 5 and html[start - 3 : start] == "ca-":
            ok = True  # "ca-pub-N": the "ca-" is the ID's own prefix, not a word before it
        else:
            ok = _bounded(html, start) and (group != 4 or _ga4(value, html[start - 1 : start]))
        if ok:
            found.add(prefix + value)
    for m in _CALLS.finditer(html):
        group = m.lastindex or 0
        literal, prefix = _CALL_FAMILIES[group]
        if _bounded(html, m.start() - len(literal)):
            found.add(prefix + m.group(group))
    for pattern, back, prefix in ((_YA_COUNTER, 2, "ym:"), (_HOTJAR, 1, "hotjar:")):
        for m in pattern.finditer(html):
            if _bounded(html, m.start() - back):
                found.add(prefix + m.group(1))
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
