"""Text helpers for extraction: whitespace, tracking IDs, e-mail addresses (pure, regex only)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
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
        _dashed(html, m, found)
    for m in _CALLS.finditer(html):
        _call(html, m, found)
    for pattern, back, prefix in _SINGLE:
        for m in pattern.finditer(html):
            _single(html, m, back, prefix, found)
    return tuple(sorted(found))


def tracking_ids_at(html: str, starts: tuple[list[int], list[int], list[int], list[int]],
                    ) -> tuple[str, ...]:
    """``tracking_ids(html)`` given where each of its patterns may start (dashed, calls,
    yaCounter, hjid: a superset of the places finditer would match, as the compiled page scan
    finds them). No match can start inside another, so matching at each place is the same as
    scanning."""
    if not any(starts):
        return ()  # most pages: no place where an ID could start
    found: set[str] = set()
    for family, places in enumerate(starts):
        for pos in places:
            _match_at(family, html, pos, found)
    return tuple(sorted(found))


def tracking_ids_utf8(body: bytes, starts: tuple[list[int], list[int], list[int], list[int]],
                      ) -> tuple[str, ...]:
    """``tracking_ids(body.decode("utf-8"))`` for a strict UTF-8 ``body``, given the byte
    offsets where each pattern may start (the compiled scan of the bytes: a superset of the
    matches, as for ``tracking_ids_at``). Each place is matched in a window of the text around
    it that holds everything the patterns and the checks after them can read, so the page is
    never decoded whole."""
    if not any(starts):
        return ()
    found: set[str] = set()
    for family, places in enumerate(starts):
        for pos in places:
            window, at = _window(body, pos)
            key = (family, window, at)
            ids = _WINDOW_IDS.get(key)
            if ids is None:  # (a site's pages repeat their snippets: most windows are repeats)
                got: set[str] = set()
                _match_at(family, window, at, got)
                ids = tuple(got)
                if len(_WINDOW_IDS) >= _WINDOW_IDS_MAX:
                    _WINDOW_IDS.clear()
                _WINDOW_IDS[key] = ids
            found.update(ids)
    return tuple(sorted(found))


# What _match_at finds in a window (its family, text and place), for windows met before:
# bounded (entries, and each window is at most a few hundred characters).
_WINDOW_IDS: dict[tuple[int, str, int], tuple[str, ...]] = {}
_WINDOW_IDS_MAX = 4096


# A window's extent. Before a trigger, the lookbehinds and the checks read at most 7
# characters ("ca-pub-" and the character before it): 32 bytes hold at least 8. After it, each
# pattern reads at most 31 characters that are not whitespace (its literals, quotes, comma and
# up to 20 digits, and one character of lookahead) and any run of whitespace between them:
# the window runs on to the 48th ASCII character that is no whitespace (a non-ASCII character
# might be one, so it never counts), or to the end of the body.
_BACK_BYTES = 32
_MAYBE_SPACE = rb"[\x80-\xff\t\n\x0b\x0c\r\x1c-\x1f ]"
_AHEAD = re.compile(rb"(?:" + _MAYBE_SPACE + rb"*(?!" + _MAYBE_SPACE + rb").){48}", re.S)


_AHEAD_BYTES = 96  # the quick window's bytes from the trigger on
_SPACE_BYTES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _window(body: bytes, pos: int) -> tuple[str, int]:
    """The text of the bytes around ``pos`` (a trigger's ASCII byte) and its offset in it."""
    start = max(0, pos - _BACK_BYTES)
    # the usual case: ASCII all round and 48 non-space characters within 96 bytes (or the end)
    quick = body[start : pos + _AHEAD_BYTES]
    if quick.isascii() and (start + len(quick) == len(body) or len(
            quick[pos - start :].translate(None, _SPACE_BYTES)) >= 48):
        return quick.decode("ascii"), pos - start
    while start > 0 and body[start] & 0xC0 == 0x80:  # back to the first byte of a character
        start -= 1
    m = _AHEAD.match(body, pos)
    end = m.end() if m is not None else len(body)  # (an ASCII byte ends a match)
    return body[start:end].decode("utf-8"), len(body[start:pos].decode("utf-8"))


def _match_at(family: int, html: str, pos: int, found: set[str]) -> None:
    """Match family ``family`` (dashed, calls, yaCounter, hjid) at ``pos``; add what it finds."""
    if family == 0:
        if (m := _DASHED.match(html, pos)) is not None:
            _dashed(html, m, found)
    elif family == 1:
        if (m := _CALLS.match(html, pos)) is not None:
            _call(html, m, found)
    else:
        pattern, back, prefix = _SINGLE[family - 2]
        if (m := pattern.match(html, pos)) is not None:
            _single(html, m, back, prefix, found)


def _dashed(html: str, m: re.Match[str], found: set[str]) -> None:
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


def _call(html: str, m: re.Match[str], found: set[str]) -> None:
    group = m.lastindex or 0
    literal, prefix = _CALL_FAMILIES[group]
    if _bounded(html, m.start() - len(literal)):
        found.add(prefix + m.group(group))


def _single(html: str, m: re.Match[str], back: int, prefix: str, found: set[str]) -> None:
    if _bounded(html, m.start() - back):
        found.add(prefix + m.group(1))


_SINGLE = ((_YA_COUNTER, 2, "ym:"), (_HOTJAR, 1, "hotjar:"))


_EMAIL = re.compile(
    r"(?<![\w.%+-])([a-z0-9][a-z0-9._%+-]{0,63})@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)
# Obfuscated forms: "name [at] example [dot] com", "name(at)example.com", "name [@] example.com",
# "name AT example DOT com" (capitals only: "meet me at home dot com" is prose), and a real "@"
# with hidden dots ("name@example[.]com"). Brackets are any of [ ( { <.
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_AT_FORMS = (
    r"(?P<at>\s*" + _OPEN + r"\s*(?:[Aa][Tt]|@)\s*" + _CLOSE + r"\s*|\s+AT\s+|@)"
)
_DOT = r"(?:\s*" + _OPEN + r"\s*(?:[Dd][Oo][Tt]|\.)\s*" + _CLOSE + r"\s*|\s+DOT\s+|\.)"
_OBFUSCATED = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._+-]{0,63})" + _AT_FORMS
    + r"([A-Za-z0-9-]+(?:" + _DOT + r"[A-Za-z0-9-]+)+)"
)
_DOT_RE = re.compile(_DOT)
_AT_HINT = re.compile(_OPEN + r"\s*(?:[Aa][Tt]|@)\s*" + _CLOSE + r"| AT ")
_DOT_HINT = re.compile(_OPEN + r"\s*(?:[Dd][Oo][Tt]|\.)\s*" + _CLOSE + r"| DOT ")
# Cheap tests before any scan with _OBFUSCATED: "at" or "@", then "dot" or ".", each followed
# by an optional space and a closing bracket (any case). The scan starts at the closing bracket,
# a character class the regex engine skips to quickly, and looks behind from there: 20 times
# faster on long pages than lower-casing the text and testing each spelling as a substring.
_AT_HINT_FAST = re.compile(r"[\])}>](?:(?<=[Aa][Tt].)|(?<=[Aa][Tt] .)|(?<=@.)|(?<=@ .))")
_DOT_HINT_FAST = re.compile(
    r"[\])}>](?:(?<=[Dd][Oo][Tt].)|(?<=[Dd][Oo][Tt] .)|(?<=\..)|(?<=\. .))")
# Fullwidth and small commercial at, as East Asian pages write addresses.
_AT_LOOKALIKES = str.maketrans({"\uff20": "@", "\ufe6b": "@"})
_ENTITY_HINTS = ("&#", "&commat;", "&period;")
_NOT_TLD = frozenset(
    "png jpg jpeg gif webp svg bmp ico tif tiff avif css js json xml html htm php pdf".split()  # noqa: SIM905
)


# One character of an address's local part, and one that may not come before it (the two
# classes of _EMAIL, with its flags, so that case folding treats every character alike).
_LOCAL_CHAR = re.compile(r"[a-z0-9._%+-]", re.IGNORECASE)
_LOCAL_START = re.compile(r"[a-z0-9]", re.IGNORECASE)
_WORDISH = re.compile(r"[\w.%+-]", re.IGNORECASE)
_ASCII_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _is_local(c: str) -> bool:
    return c in _ASCII_LOCAL or (c > "\x7f" and _LOCAL_CHAR.match(c) is not None)


def plain_emails(text: str) -> Iterator[re.Match[str]]:
    """``_EMAIL.finditer(text)``, found from each "@" instead of trying every position.

    A match holds exactly one "@" and its local part is the whole run of local-part characters
    before it (the lookbehind forbids a start inside the run), so each "@" has one possible
    start; the regex is tried there only. Long pages with a few addresses scan at the speed of
    ``str.find``.
    """
    end = 0  # where the last match ended: finditer does not overlap matches
    at = text.find("@")
    while at >= 0:
        start = at
        while start > 0 and at - start <= 64 and _is_local(text[start - 1]):
            start -= 1
        if (0 < at - start <= 64 and start >= end and _LOCAL_START.match(text, start)
                and not (start and _WORDISH.match(text, start - 1))):
            m = _EMAIL.match(text, start)
            if m is not None:
                yield m
                end = m.end()
                at = text.find("@", end)
                continue
        at = text.find("@", at + 1)


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


def bracket_hint(pattern: re.Pattern[str], text: str, budget: int = 32) -> bool:
    """``pattern.search(text) is not None`` for the hint patterns, which start with a closing
    bracket: ``pattern.match`` at each closing bracket found by ``str.find`` (a memchr), instead
    of the regex engine testing every character of the text against its first character set;
    the plain search once the brackets pass ``budget``."""
    for close in "])}>":
        at = text.find(close)
        while at >= 0:
            budget -= 1
            if budget < 0:
                return pattern.search(text) is not None
            if pattern.match(text, at) is not None:
                return True
            at = text.find(close, at + 1)
    return False


# What email_forms looks for before its scans, as the bits of one number: email_signs gives
# them, and so does the compiled walk's email_signs, in one pass over the text.
SIGN_ENTITY = 1  # "&#", "&commat;" or "&period;": entities to decode first
SIGN_LOOKALIKE = 2  # a fullwidth or small commercial at
SIGN_AT = 4  # "@"
SIGN_FORM = 8  # a bracketed or capitalised "at" (or, with an "@", "dot") form


def email_signs(text: str) -> int:
    """The SIGN_ bits of text."""
    signs = 0
    if "&" in text and any(h in text for h in _ENTITY_HINTS):
        signs |= SIGN_ENTITY
    if "\uff20" in text or "\ufe6b" in text:
        signs |= SIGN_LOOKALIKE
    if "@" in text:
        signs |= SIGN_AT
    at_hint = " AT " in text or bracket_hint(_AT_HINT_FAST, text)
    dot_hint = "@" in text and (" DOT " in text or bracket_hint(_DOT_HINT_FAST, text))
    if (at_hint and _AT_HINT.search(text)) or (dot_hint and _DOT_HINT.search(text)):
        signs |= SIGN_FORM
    return signs


def emails_in_text(text: str, signs: Callable[[str], int] = email_signs) -> set[str]:
    """Plain and obfuscated addresses in text (see the forms above; entities decoded).
    ``signs`` is ``email_signs`` or an implementation of it (the compiled walk's)."""
    return set(email_forms(text, signs))


def email_forms(text: str, signs: Callable[[str], int] = email_signs) -> dict[str, str]:
    """Each address in text and how it is written: 'address in text' or 'obfuscated address'."""
    found: dict[str, str] = {}
    seen = signs(text)
    if seen & SIGN_ENTITY:
        text = html.unescape(text)
        seen = signs(text)
    if seen & SIGN_LOOKALIKE:
        text = text.translate(_AT_LOOKALIKES)
        seen = signs(text)
    if seen & SIGN_AT:
        for m in plain_emails(text):
            ok = valid_email(f"{m.group(1)}@{m.group(2)}")
            if ok:
                found[ok] = "address in text"
    if seen & SIGN_FORM:
        for m in _OBFUSCATED.finditer(text):
            at, raw_domain = m.group("at"), m.group(3)
            hidden_dot = any(sep != "." for sep in _DOT_RE.findall(raw_domain))
            if not (at.strip()[:1] in "[({<" or hidden_dot):
                continue  # "a AT b.com" or a plain address: prose, or found above
            ok = valid_email(f"{m.group(1)}@{_DOT_RE.sub('.', raw_domain)}")
            if ok:
                found.setdefault(ok, "obfuscated address")
    return found


def cloudflare_emails(html_text: str) -> set[str]:
    """Addresses hidden by Cloudflare's e-mail protection (``data-cfemail`` / ``#hex`` links)."""
    found: set[str] = set()
    if "cfemail" not in html_text and "email-protection#" not in html_text:
        return found
    for m in _CFEMAIL.finditer(html_text):
        ok = valid_email(_cf_decode(m.group(1) or m.group(2)))
        if ok:
            found.add(ok)
    return found


_CFEMAIL = re.compile(
    r"""data-cfemail\s*=\s*["']?([0-9a-fA-F]{4,512})|email-protection#([0-9a-fA-F]{4,512})"""
)
# _CFEMAIL on UTF-8 bytes: its \s is str.isspace, whose characters past ASCII are spelled out
_WS_UTF8 = (rb"(?:[\t-\r\x1c-\x20]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]"
            rb"|\xe2\x81\x9f|\xe3\x80\x80)*")
_CFEMAIL_UTF8 = re.compile(
    rb"data-cfemail" + _WS_UTF8 + rb"=" + _WS_UTF8
    + rb"""["']?([0-9a-fA-F]{4,512})|email-protection#([0-9a-fA-F]{4,512})"""
)


def cloudflare_emails_utf8(body: bytes) -> set[str]:
    """``cloudflare_emails(body.decode("utf-8"))`` for a strict UTF-8 body, without decoding
    it (the hex digits are ASCII; the spaces are matched in their UTF-8 spelling)."""
    found: set[str] = set()
    # A match starts at one of the two literals: the pattern is tried at each occurrence, in
    # order, instead of scanned over the whole page; an occurrence inside the last match is
    # passed over as finditer passes it (the hex digits may take the "da" of the next one).
    starts = []
    for literal in (b"data-cfemail", b"email-protection#"):
        at = body.find(literal)
        while at >= 0:
            starts.append(at)
            at = body.find(literal, at + 1)
    end = 0
    for at in sorted(starts):
        if at < end:
            continue
        m = _CFEMAIL_UTF8.match(body, at)
        if m is not None:
            end = m.end()
            ok = valid_email(_cf_decode((m.group(1) or m.group(2)).decode("ascii")))
            if ok:
                found.add(ok)
    return found


def _cf_decode(hex_text: str) -> str:
    """Cloudflare's scheme: the first byte is a key XOR-ed with every following byte."""
    if len(hex_text) % 2:
        return ""
    data = bytes.fromhex(hex_text)
    key = data[0]
    return bytes(b ^ key for b in data[1:]).decode("utf-8", "replace")


_MAILTO = re.compile(r"""href\s*=\s*["']?\s*(mailto:[^"'\s>]+)""", re.IGNORECASE)


def mailto_addresses(html_text: str) -> set[str]:
    """The addresses of every ``mailto:`` link in raw HTML (attribute entities decoded)."""
    found: set[str] = set()
    if "mailto:" not in html_text.lower():
        return found
    for m in _MAILTO.finditer(html_text):
        href = html.unescape(m.group(1)) if "&" in m.group(1) else m.group(1)
        ok = mailto_address(href)
        if ok:
            found.add(ok)
    return found
