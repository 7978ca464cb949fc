"""HTML capture -> Page and Links: one parse, one pass over the link nodes (pure, no I/O).

How the page text and the link contexts are built cheaply: every kept link node gets two
marker characters (private-use code points that encode the link's index) inserted before and
after it; after ``script``/``style``/``noscript``/``template`` are dropped, one C-level
``text()`` call yields the visible text of the whole body with the markers in place. One pass
over that string gives each link's anchor text and its offsets, hence its left and right
context, without visiting text nodes from Python.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from types import ModuleType
from typing import Any

import selectolax.lexbor as _selectolax_lexbor
from selectolax.lexbor import LexborHTMLParser, LexborNode

from linkatlas import urls
from linkatlas.extract import placement as _placement
from linkatlas.extract.charset import decode_as, python_codec, sniff
from linkatlas.extract.common import REL_FLAGS_CACHE, LinkMaker, rel_flags
from linkatlas.extract.headers import HeaderInfo, header_info, page_nofollow_from_meta
from linkatlas.extract.markers import LEADING_MARKS as _LEADING_MARKS
from linkatlas.extract.markers import LONE_MARKS as _LONE_MARKS
from linkatlas.extract.markers import join_lone as _join_lone
from linkatlas.extract.markers import linked_len as _linked_len
from linkatlas.extract.markers import max_depth as _max_depth
from linkatlas.extract.markers import may_be_astral as _may_be_astral
from linkatlas.extract.markers import merge_clones as _merge_clones
from linkatlas.extract.text import (
    cap,
    cloudflare_emails,
    cloudflare_emails_utf8,
    collapse,
    emails_in_text,
    mailto_address,
    tracking_ids,
    tracking_ids_at,
    tracking_ids_utf8,
)
from linkatlas.model import EPOCH, Capture, Extracted, Link, LinkKind, Page, Placement

ANCHOR_LIMIT = 500
TITLE_LIMIT = 500
MAX_HREF = 65_536
_START = 0xF0000  # plane 15 private use: start markers; plane 16: end markers
_END = 0x100000
_MAX_MARKED = 0xFFFD
_MARKER = re.compile("[\U000f0000-\U0010ffff]")
_BLOCK_TAGS = [
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "td", "th", "tr", "table", "h1", "h2", "h3",
    "h4", "h5", "h6", "section", "article", "header", "footer", "nav", "aside", "main",
    "blockquote", "pre", "figure", "figcaption", "form", "address", "option", "br",
]


def _trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words`` case-insensitively, as a trie: Python's regex engine
    tries alternatives one by one, so sharing prefixes makes each attempt a few steps."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = tree
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        alts = [
            (f"[{c}{c.upper()}]" if c.isalpha() else c) + emit(sub)
            for c, sub in sorted(node.items()) if c
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


# A space before block-level tags so "<p>one</p><p>two</p>" reads "one two", not "onetwo".
_BLOCK_TAG = re.compile(r"<(?=/?" + _trie_pattern(_BLOCK_TAGS) + r"\b)")
_LINK_RELS = {
    "amphtml", "author", "me", "publisher", "prev", "next", "shortlink", "license", "home",
    "index", "up", "first", "last", "start",
}
_STRIP_TAGS = ["script", "style", "noscript", "template"]
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")
_REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*)$""", re.I | re.S)
NESTING_LIMIT = 20_000  # tags; deeper than a quarter of that is a bomb
_FLATTEN = re.compile(
    r"<(?!/?(?:a|area|link|meta|base|title|img|script|style|noscript|template|html|head|body)"
    r"[\s/>])/?[a-zA-Z][^>]*>"
)
_ANCHOR_KINDS = (LinkKind.A, LinkKind.IMAGE, LinkKind.AREA)

# Resolutions shared by every page of the process: a site's navigation, footer and sidebar
# links repeat on each of its pages. Only results that cannot depend on the rest of the base are
# shared: an absolute http(s) href (keyed by itself) and a path-absolute href ("/x", keyed with
# the base's scheme and authority). Bounded (entries and href length: at most a few tens of
# megabytes however long the hrefs); cleared when full.
_SHARED: dict[str | tuple[str, str], str | None] = {}
_SHARED_MAX = 1 << 15
_SHARED_HREF_MAX = 512
# a base whose scheme and authority are plain (no userinfo, no odd characters) and end at a "/"
_PLAIN_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?=/)")
# not path-absolute: "//host" and "/\\host" are scheme-relative (the parser drops tab and
# newline characters anywhere, so "/\t/host" is too)
_NOT_PATH_ABSOLUTE = ("/", "\\", "\t", "\n", "\r")


_compiled_walk: ModuleType | None
try:  # the compiled walk (setup.py builds it); the pure-Python path below is the reference
    from linkatlas.extract import _walk

    _compiled_walk = _walk
except ImportError as _error:  # pragma: no cover - depends on the build
    _compiled_walk = None
    logging.getLogger(__name__).debug("compiled extraction walk unavailable (%s): pure Python",
                                      _error)
else:
    _compiled_walk.configure(_placement, [
        Placement.CONTENT, Placement.NAVIGATION, Placement.HEADER, Placement.FOOTER,
        Placement.SIDEBAR, Placement.COMMENT, Placement.UNKNOWN])
    _compiled_walk.set_block_tags(_BLOCK_TAGS)
    _compiled_walk.configure_records(Link, tuple(f.name for f in dataclasses.fields(Link)),
                                     urls.host_and_domain, rel_flags, REL_FLAGS_CACHE)
    _compiled_walk.configure_page_record(Page(url="", final_url="", host="", domain="",
                                              status=0, fetched_at=EPOCH))
    _compiled_walk.configure_resolution(_SHARED, _SHARED_HREF_MAX,
                                        {"canonical", "alternate", *_LINK_RELS})
    _compiled_walk.configure_page(LinkKind.A, LinkKind.IMAGE, Placement.UNKNOWN, ANCHOR_LIMIT,
                                  _MAX_MARKED, cap, collapse, _ANCHOR_KINDS)
    if _selectolax_lexbor.__file__:  # parse on recycled Lexbor documents (_walk_parse.pxi)
        _compiled_walk.bind_lexbor(_selectolax_lexbor.__file__)

PURE_ENV = "LINKATLAS_PURE_EXTRACT"  # set to 1 to force the pure-Python path (read at import)
_pure = os.environ.get(PURE_ENV, "") not in ("", "0")


def use_pure(pure: bool) -> bool:
    """Force the pure-Python path (True) or allow the compiled walk again (False); returns the
    previous setting. ``LINKATLAS_PURE_EXTRACT=1`` in the environment sets it at import."""
    global _pure
    before, _pure = _pure, pure
    return before


def compiled_walk() -> ModuleType | None:
    """The compiled walk module in use for this call, or None for the pure-Python path."""
    return None if _pure else _compiled_walk


def is_html(content_type: str, body: bytes) -> bool:
    """Whether a capture is an HTML document (by Content-Type, else by sniffing the body)."""
    ct = content_type.split(";", 1)[0].strip().lower()
    if ct:
        return "html" in ct
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (
        b"<html" in head or b"<!doctype html" in head or b"<head" in head or b"<body" in head
        or b"<a " in head or b"<title" in head or b"<meta" in head
    )


_language_tags: dict[str, str] = {"": ""}  # the usual Content-Language: none


def language_tag(value: str) -> str:
    """A language tag lower-cased to language[-region] (``en-GB`` -> ``en-gb``), or ''."""
    hit = _language_tags.get(value)
    if hit is not None:
        return hit
    first = value.strip().replace("_", "-").split(",")[0].strip().lower()
    m = _LANG.match(first)
    out = m.group(0) if m and (m.end() == len(first) or first[m.end()] == "-") else ""
    if len(_language_tags) < 4_096 and len(value) <= 64:  # pages cannot grow it without bound
        _language_tags[value] = out
    return out


def refresh_target(content: str) -> str | None:
    """The URL of a ``<meta http-equiv=refresh>`` content value, or None (refresh to self)."""
    m = _REFRESH_URL.match(content)
    if m is None:
        return None
    quote, rest = m.group(1), m.group(2)
    if quote and quote in rest:
        rest = rest[: rest.index(quote)]
    rest = rest.strip()
    return rest or None


class _Resolver:
    """Resolves and normalises hrefs of one page, caching repeats (per page, and in the
    process-wide ``_SHARED`` memo where the result depends on the href alone or on the href and
    the base's origin)."""

    def __init__(self, base: str, valid_base: bool = False) -> None:
        """``valid_base``: the caller knows base parses (a scheme-relative href then resolves
        as the absolute URL it makes under the base's scheme; against an invalid base it does
        not resolve at all)."""
        self.base = base
        self._cache: dict[str, str | None] = {}
        walk = compiled_walk()
        if walk is not None:
            self.origin = walk.plain_origin(base)
        else:
            m = _PLAIN_ORIGIN.match(base)
            self.origin = m.group(0) if m is not None else ""
        # a scheme-relative href reads as the absolute URL it makes under a valid base's scheme
        self.scheme = "" if not valid_base else "https:" if base.startswith("https:") else (
            "http:" if base.startswith("http:") else "")

    def __call__(self, href: str) -> str | None:
        hit = self._cache.get(href, "")
        if hit != "":
            return hit
        key = self.shared_key(href)
        if key is None:
            out = self._resolve(href)
        else:
            out = _SHARED.get(key, "")
            if out == "":
                out = self._resolve(href)
                if len(_SHARED) >= _SHARED_MAX:
                    _SHARED.clear()
                _SHARED[key] = out
        self._cache[href] = out
        return out

    def shared_key(self, href: str) -> str | tuple[str, str] | None:
        """The key of ``href`` in the shared memo, or None when its result may depend on more
        of the base than its scheme or origin (relative paths, queries, odd spellings, long
        hrefs). A scheme-relative ``//host/x`` is keyed as the absolute URL it makes under the
        base's scheme (it resolves as that URL does)."""
        if len(href) > _SHARED_HREF_MAX:
            return None
        if href.startswith(("http://", "https://")):
            return href
        if self.scheme and href.startswith("//"):
            return self.scheme + href
        if self.origin and href[:1] == "/" and href[1:2] not in _NOT_PATH_ABSOLUTE:
            return (self.origin, href)
        return None

    def _resolve(self, href: str) -> str | None:
        out: str | None = None
        if len(href) <= MAX_HREF:
            out = urls.resolve_normalized(href, self.base)
            if out is not None and not out.startswith(("http://", "https://")):
                out = None
        return out


def links_from_page(capture: Capture, *, context_chars: int = 100) -> Extracted:
    """The page record and every link of a capture (HTML body, 3xx Location, Link header)."""
    page_url = urls.normalize(capture.url)
    final_url = page_url  # the normal form of capture.url, when it is the final URL too
    if capture.final_url and capture.final_url != capture.url:
        final_url = urls.try_normalize(capture.final_url) or page_url
    info = header_info(capture)
    hosts = urls.host_and_domain(page_url)
    walk = compiled_walk()
    if walk is not None:  # the same record, its slots filled in C
        page = walk.new_page(page_url, final_url, hosts[0], hosts[1], capture.status,
                             capture.fetched_at, info.content_type, len(capture.body),
                             info.x_robots_tag, language_tag(info.content_language),
                             capture.via, capture.observed_in, capture.ip)
    else:
        page = Page(
            url=page_url, final_url=final_url, host=hosts[0], domain=hosts[1],
            status=capture.status, fetched_at=capture.fetched_at,
            content_type=info.content_type, content_length=len(capture.body),
            x_robots_tag=info.x_robots_tag, language=language_tag(info.content_language),
            via=capture.via, observed_in=capture.observed_in, ip=capture.ip,
        )
    builder = _Builder(capture, page, info.nofollow, hosts)
    if 300 <= capture.status < 400 and info.location:
        target = _Resolver(capture.url)(info.location)
        if target is not None:
            builder.add(target, LinkKind.REDIRECT)
    for href in info.canonicals:
        target = _Resolver(capture.final_url or capture.url)(href)
        if target is not None:
            builder.add(target, LinkKind.CANONICAL)
            page.canonical = page.canonical or target
    text = ""
    if not 300 <= capture.status < 400 and is_html(info.content_type, capture.body):
        html_page = _HtmlPage(capture, page, builder, info, context_chars)
        html_page.run()
        text = html_page.text
    return Extracted(page, builder.links, text)


class _Builder:
    """Collects the links of one page with positions and occurrences."""

    def __init__(self, capture: Capture, page: Page, nofollow: bool,
                 hosts: tuple[str, str] | None = None) -> None:
        self.page = page
        self.make = LinkMaker(page.url, page_nofollow=nofollow, seen=capture.fetched_at,
                              via=capture.via, observed_in=capture.observed_in, hosts=hosts)
        self.links: list[Link] = []
        # the last occurrence of each (target, kind, anchor) so far (the record loops count on)
        self.seen: dict[tuple[str, LinkKind, str], int] = {}

    def add(self, target: str, kind: LinkKind, anchor: str = "", rel: str = "",
            place: Placement = Placement.UNKNOWN, before: str = "", after: str = "") -> None:
        key = (target, kind, anchor)
        occurrence = self.seen.get(key, -1) + 1
        self.seen[key] = occurrence
        link = self.make(target, kind, anchor, rel, place, before, after, len(self.links),
                         occurrence)
        self.links.append(link)
        if kind in _ANCHOR_KINDS:
            if link.internal:
                self.page.internal_links += 1
            else:
                self.page.external_links += 1


class _Pending:
    """A body link waiting for its anchor, context and placement."""

    __slots__ = (
        "anchor",
        "attrs",
        "block",
        "block_key",
        "end",
        "in_list",
        "in_main",
        "kind",
        "node",
        "place",
        "rel",
        "start",
        "target",
    )

    def __init__(self, node: LexborNode, target: str, kind: LinkKind, rel: str,
                 attrs: dict[str, str | None]) -> None:
        self.node = node
        self.target = target
        self.kind = kind
        self.rel = rel
        self.attrs = attrs
        self.start = -1
        self.end = -1
        self.place: Placement | None = None
        self.block: _placement.Node | None = None
        self.block_key = 0
        self.in_list = False
        self.in_main = False
        self.anchor = ""


class _HtmlPage:
    """The work on one HTML body; split out of links_from_page to keep each step short."""

    def __init__(self, capture: Capture, page: Page, builder: _Builder, info: HeaderInfo,
                 context_chars: int) -> None:
        self.capture = capture
        self.page = page
        self.builder = builder
        self.info = info
        self.context_chars = max(0, context_chars)
        self.marks: Any = None  # the compiled walk's link marks while it runs
        self.strip: list[int] = []  # the compiled walk's strip candidates (addresses)
        self.root: LexborNode | None = None  # the document element, read once
        self.emails: set[str] = set()
        self.text = ""  # the visible body text, for Extracted.text

    def run(self) -> None:
        walk = compiled_walk()
        source, size, spaced = self._source(walk)
        if walk is not None and spaced is not None:  # on a recycled document
            tree = self.tree = walk.parse(spaced)
        else:
            tree = self.tree = LexborHTMLParser(
                spaced if spaced is not None else _BLOCK_TAG.sub(" <", self.source))
        page = self.page
        if walk is None:
            items = self._collect(tree, None)
            buffer = self._text(tree, items)
            self._place(items, size)
            self._emit(items, buffer)
            # the buffer holds single spaces only, so spaces count the words
            words = buffer.count(" ") + 1 - (buffer[-1:] == " ")
            page.word_count = words if buffer and not buffer.isspace() else 0
            self.emails |= emails_in_text(buffer)
        else:  # _text, _anchors, _place and _emit in one compiled call, the word count and
            # the e-mail pre-check (most pages have no address form) with them
            items = self._collect(tree, walk)
            buffer, page.word_count, hint, internal, count = walk.page_body(
                self, tree, self.root, items, self.strip, source, size, self.context_chars,
                self.builder.make, self.builder)
            page.internal_links += internal
            page.external_links += count - internal
            if hint:
                self.emails |= emails_in_text(buffer, walk.email_signs)
        if self.emails:
            page.emails = tuple(sorted(self.emails))
        self.text = buffer
        if walk is not None:  # done with the tree and its nodes: its document is reused
            self.tree = self.root = None
            walk.recycle(tree)

    def _source(self, walk: ModuleType | None) -> tuple[str | bytes, int, bytes | None]:
        """Charset, tracking IDs and Cloudflare addresses; the page's text (or, on the compiled
        path, its UTF-8 bytes when they need no decoding), the text's length in characters and
        the UTF-8 bytes to parse (None: parse the block-tag regex's text)."""
        body = self.capture.body
        name, skip = sniff(body, self.info.content_type or None)
        utf8 = python_codec(name) == "utf-8"
        if walk is not None and utf8:
            # A strict UTF-8 body (no replacement character, no marker-range character, no
            # nesting bomb) is scanned and handed to the parser as it is, never decoded whole.
            ready = walk.prepare_utf8(body, skip, NESTING_LIMIT)
            if ready is not None:
                spaced, size, starts, cloudflare = ready
                raw = body[skip:] if skip else body
                self.page.charset = name
                self.page.tracking_ids = tracking_ids_utf8(raw, starts)
                if cloudflare:  # addresses hidden from the text, decoded from the markup
                    self.emails |= cloudflare_emails_utf8(raw)
                return raw, size, spaced
        text, charset = decode_as(body, name, skip)
        # A UTF-8 body that decoded without a replacement is the UTF-8 encoding of the text:
        # the compiled path hands it to the parser as it is instead of encoding the text again.
        exact: bytes | None = None
        if python_codec(charset) == "utf-8" and "\ufffd" not in text:
            exact = body[skip:] if skip else body
        self.page.charset = charset
        if walk is None:
            self.page.tracking_ids = tracking_ids(text)
            cloudflare, tags = True, text.count("<")
        else:  # one pass finds where the page-level patterns may match
            tags, starts, cloudflare = walk.page_scan(text)
            self.page.tracking_ids = tracking_ids_at(text, starts)
        if cloudflare:  # addresses hidden from the text, decoded from the markup
            self.emails |= cloudflare_emails(text)
        if _may_be_astral(text) and _MARKER.search(text):
            text = _MARKER.sub("\ufffd", text)  # the page's own private-use characters
            exact = None
        if tags > NESTING_LIMIT and _max_depth(text) > NESTING_LIMIT // 4:
            # A nesting bomb: the HTML tree builder is quadratic in nesting depth (100,000
            # open <div> take Lexbor 15 s), so a page that leaves that many elements open is
            # flattened to the tags that carry links before parsing.
            text = _FLATTEN.sub(" ", text)
            exact = None
        self.source = text
        # the compiled path hands selectolax the UTF-8 bytes it would encode the str to
        spaced = walk.spaced_utf8(text, exact) if walk is not None else None
        return text, len(text), spaced

    def _collect(self, tree: LexborHTMLParser,
                 walk: ModuleType | None) -> list[_Pending | tuple[str, LinkKind]]:
        """Every link element in document order; head data (base, title, robots, lang)."""
        page = self.page
        doc_url = self.capture.final_url or self.capture.url
        base = doc_url
        valid_base = base == self.capture.url  # (links_from_page normalised it: it parses)
        root = self.root = tree.root
        elements: _Elements = []
        title_text: str | None = None
        if walk is not None:
            found = walk.link_elements(tree, root)
            base_node, title_text, self.strip = found.base, found.title_text(), found.strip
        else:
            elements, base_node, title = _link_elements(tree)
            title_text = collapse(title.text()) if title is not None else None
        if base_node is not None:
            resolved = urls.resolve(base_node.attributes.get("href") or "", doc_url)
            if resolved is not None:
                base, valid_base = resolved, True
        if title_text is not None:
            page.title = title_text if len(title_text) <= TITLE_LIMIT else cap(title_text,
                                                                               TITLE_LIMIT)
        if root is not None:
            if walk is not None:
                lang = language_tag(walk.html_lang(root))
            else:
                lang = language_tag(root.attributes.get("lang") or "") if root.tag == "html" else ""
            page.language = lang or page.language
        resolve = _Resolver(base, valid_base)
        if base == self.capture.url:  # no <base>: the document's URL, normalised already
            base_normal = page.url
        elif base == self.capture.final_url:
            base_normal = page.final_url
        else:
            base_normal = urls.try_normalize(base) or page.url
        same_page = {page.url, page.final_url, base_normal}
        robots: list[str] = []
        items: list[_Pending | tuple[str, LinkKind]] = []
        if walk is not None:
            walk.collect(found, resolve, same_page, self.emails, robots, items, self._meta,
                         self._link_element, mailto_address, LinkKind.A, LinkKind.AREA)
        for tag, attrs, node in elements:
            if tag == "meta":
                self._meta(attrs, robots, resolve, items)
                continue
            href = (attrs.get("href") or "").strip()
            if tag == "link":
                self._link_element(href, attrs, resolve, items)
                continue
            if not href or href.startswith("#"):
                continue
            if href[:7].lower() == "mailto:":
                address = mailto_address(href)
                if address:
                    self.emails.add(address)
                continue
            target = resolve(href)
            if target is None or ("#" in href and target in same_page):
                continue  # same-page fragment links, however spelled, are not links
            kind = LinkKind.AREA if tag == "area" else LinkKind.A
            items.append(_Pending(node, target, kind, attrs.get("rel") or "", attrs))
        page.meta_robots = ", ".join(robots)
        canonical = page.canonical or None
        if canonical is not None and canonical not in same_page:
            # a link to the canonical URL with a fragment is a same-page link too
            if walk is not None:
                walk.drop_fragment_links(items, canonical)
            else:
                items[:] = [it for it in items if isinstance(it, tuple) or not (
                    it.target == canonical and "#" in (it.attrs.get("href") or ""))]
        if page_nofollow_from_meta(robots):
            self.builder.make.page_nofollow = True
        return items

    def _meta(self, attrs: dict[str, str | None], robots: list[str], resolve: _Resolver,
              items: list[_Pending | tuple[str, LinkKind]]) -> None:
        content = attrs.get("content") or ""
        name = (attrs.get("name") or "").strip().lower()
        if name == "robots":
            robots.append(content.strip())
        elif name == "googlebot":
            robots.append("googlebot: " + content.strip())
        elif (attrs.get("http-equiv") or "").strip().lower() == "refresh":
            href = refresh_target(content)
            target = resolve(href) if href else None
            if target is not None:
                items.append((target, LinkKind.REFRESH))

    def _link_element(self, href: str, attrs: dict[str, str | None], resolve: _Resolver,
                      items: list[_Pending | tuple[str, LinkKind]]) -> None:
        rels = set((attrs.get("rel") or "").lower().split())
        if "stylesheet" in rels or "icon" in rels or not href or href.startswith("#"):
            return
        if "canonical" in rels:
            kind = LinkKind.CANONICAL
        elif "alternate" in rels:
            kind = LinkKind.ALTERNATE
        elif rels & _LINK_RELS:
            kind = LinkKind.LINK
        else:
            return
        target = resolve(href)
        if target is None:
            return
        if kind is LinkKind.CANONICAL and not self.page.canonical:
            self.page.canonical = target
        items.append((target, kind))

    def _text(self, tree: LexborHTMLParser, items: list[_Pending | tuple[str, LinkKind]]) -> str:
        """The visible body text, whitespace-collapsed; fills each link's offsets and anchor."""
        pending = [it for it in items if type(it) is _Pending]
        start, end = _START, _END
        for i, item in enumerate(pending[:_MAX_MARKED]):
            node = item.node
            node.insert_before(chr(start + i))
            node.insert_after(chr(end + i))
        tree.strip_tags(_STRIP_TAGS)
        body = tree.body or tree.root
        raw = body.text(deep=True, separator="") if body is not None else ""
        raw = " ".join(raw.split())  # faster than a regex substitution
        if pending:
            # A link whose text starts or ends with a space leaves markers standing alone
            # between two spaces ("a <S> b", "a <S> <E> b"); drop the spaces after them so that
            # removing the markers leaves one space, with the markers after it.
            raw = _LONE_MARKS.sub(_join_lone, raw)
            if raw[:1] > "\uffff" and (lead := _LEADING_MARKS.match(raw)) is not None:
                raw = lead.group(1).replace(" ", "") + raw[lead.end() :]
            count = len(pending)
            k = 0
            for m in _MARKER.finditer(raw):
                code = ord(m.group())
                if code >= end:
                    if code - end < count:
                        pending[code - end].end = m.start() - k
                elif code - start < count:
                    pending[code - start].start = m.start() - k
                k += 1
            buffer = _MARKER.sub("", raw) if k else raw
        else:
            buffer = raw
        self._anchors(items, pending, buffer)
        return buffer

    def _anchors(self, items: list[_Pending | tuple[str, LinkKind]], pending: list[_Pending],
                 buffer: str) -> None:
        """Clones merged, then each link's anchor from its offsets (or its node)."""
        dropped = _merge_clones(pending, buffer, self.source)
        if dropped:
            items[:] = [it for it in items if isinstance(it, tuple) or id(it) not in dropped]
            pending = [it for it in pending if id(it) not in dropped]
        for item in pending:
            if 0 <= item.start <= item.end and item.kind is LinkKind.A:
                anchor = buffer[item.start : item.end].strip()
                if anchor:
                    item.anchor = anchor if len(anchor) <= ANCHOR_LIMIT else cap(anchor,
                                                                                ANCHOR_LIMIT)
                    continue
            self._anchor(item, buffer)

    def _anchor(self, item: _Pending, buffer: str) -> None:
        if 0 <= item.start <= item.end:
            anchor = buffer[item.start : item.end].strip()
        elif self.marks is None:  # no markers (in noscript, or past the marker range): the node
            anchor = collapse(item.node.text(deep=True, separator=""))
        else:  # as above, with the markers of the links inside it, as the pure path sees them
            anchor = collapse(self.marks.text(item.node, False))
        attrs = item.attrs
        if item.kind is LinkKind.AREA:
            anchor = collapse(attrs.get("alt") or "") or anchor
        elif not anchor:
            img = (item.node.css_first("img") if self.marks is None
                   else self.marks.first_img(item.node))
            if img is not None:
                item.kind = LinkKind.IMAGE
                img_attrs = img.attributes
                anchor = collapse(img_attrs.get("alt") or img_attrs.get("title") or "")
        if not anchor:
            anchor = collapse(attrs.get("title") or attrs.get("aria-label") or "")
        item.anchor = cap(anchor, ANCHOR_LIMIT)

    def _place(self, items: list[_Pending | tuple[str, LinkKind]], doc_len: int) -> None:
        main = _placement.main_block_ids(self.tree, _linked_len)
        classifier = _placement.Classifier(text_budget=4 * doc_len + 10_000, main_ids=main)
        context = classifier.context
        # per density block (by mem_id): [link characters, links, the block]
        blocks: dict[int, list[Any]] = {}
        pending = [it for it in items if type(it) is _Pending]
        for item in pending:
            item.place, item.in_main, block, item.in_list = context(item.node)
            item.block = block
            if block is not None:
                key = block.mem_id
                item.block_key = key
                entry = blocks.get(key)
                if entry is None:
                    blocks[key] = [max(len(item.anchor), 1), 1, block]
                else:
                    entry[0] += max(len(item.anchor), 1)
                    entry[1] += 1
        densities: dict[int, float] = {}
        for key, (chars, _, block) in blocks.items():
            total = classifier.block_text_len(block)
            densities[key] = min(1.0, chars / total) if total > 0 else (1.0 if total == 0 else -1.0)
        has_main = bool(main)
        decide = _placement.decide
        for item in pending:
            density, count = -1.0, 0
            if item.block is not None:
                density = densities[item.block_key]
                count = blocks[item.block_key][1]
            place = item.place
            if place is None and item.rel and "ugc" in item.rel.lower().split():
                place = Placement.COMMENT
            item.place = decide(place, item.in_main, has_main, density, count, item.in_list)

    def _emit(self, items: list[_Pending | tuple[str, LinkKind]], buffer: str) -> None:
        """Every link record, in document order, with its context (one loop, no call per link
        but the record's own constructor)."""
        builder = self.builder
        make = builder.make
        links = builder.links
        seen = builder.seen
        n = self.context_chars
        size = len(buffer)
        unknown = Placement.UNKNOWN
        internal = count = 0
        for item in items:
            if type(item) is not _Pending:
                builder.add(*item)  # type: ignore[misc]
                continue
            count += 1
            start, end = item.start, item.end
            before = after = ""
            if start >= 0 and end >= 0 and n:
                lo = start - n if start > n else 0
                before = buffer[lo:start]
                if lo > 0 and buffer[lo - 1] != " " and " " in before:
                    before = before[before.index(" ") + 1 :]  # drop the cut word
                before = before.strip()
                hi = end + n
                after = buffer[end:hi]
                if hi < size and buffer[hi] != " " and after[-1:] != " " and " " in after.strip():
                    after = after[: after.rstrip().rindex(" ")]
                after = after.strip()
            key = (item.target, item.kind, item.anchor)
            occurrence = seen.get(key, -1) + 1
            seen[key] = occurrence
            link = make(item.target, item.kind, item.anchor, item.rel, item.place or unknown,
                        before, after, len(links), occurrence)
            links.append(link)
            internal += link.internal
        self.page.internal_links += internal
        self.page.external_links += count - internal


_Elements = list[tuple[str, dict[str, str | None], LexborNode]]


def _link_elements(tree: LexborHTMLParser,
                   ) -> tuple[_Elements, LexborNode | None, LexborNode | None]:
    """(tag, attributes, node) of the elements that may carry links, in document order; the
    first ``base[href]`` and the first ``title`` (the compiled walk's ``link_elements`` finds
    the same without the dicts and node objects)."""
    bases = tree.css("base[href]")
    title = tree.css_first("title")
    return ([(node.tag or "", node.attributes, node)
             for node in tree.css("a[href], area[href], link[href], meta[content]")],
            bases[0] if bases else None, title)
