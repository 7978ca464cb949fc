"""Where on a page a link sits: content, navigation, header, footer, sidebar, comment, unknown.

Two signals, in this order (see docs/extraction.md):

1. The ancestors of the link: landmark elements (``nav``, ``header``, ``footer``, ``aside``,
   ``main``, ``article``), ARIA roles, and the words of ``class`` and ``id`` tokens (``navbar``,
   ``site-footer``, ``comment-list``, ``entry-content``...). The nearest ancestor with a signal
   wins, with two exceptions: inside a comment section everything is a comment, and a
   ``<header>`` inside an article or main content is the article's own header (content), while a
   ``<footer>`` inside an article is still a footer (tags, share buttons, author box: metadata,
   not the editorial text). The context of each element is computed once and memoised, so the
   cost is one visit per distinct ancestor, not per link.
2. The link density of the link's block (the nearest list, table, div, section...): a block
   whose text is mostly link text is boilerplate even when nothing names it so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from linkatlas.model import Placement

P = Placement

_TAG_SIGNAL: dict[str, Placement] = {
    "nav": P.NAVIGATION,
    "header": P.HEADER,
    "footer": P.FOOTER,
    "aside": P.SIDEBAR,
    "main": P.CONTENT,
    "article": P.CONTENT,
    "menu": P.NAVIGATION,
}
_ROLE_SIGNAL: dict[str, Placement] = {
    "navigation": P.NAVIGATION,
    "menu": P.NAVIGATION,
    "menubar": P.NAVIGATION,
    "tablist": P.NAVIGATION,
    "banner": P.HEADER,
    "contentinfo": P.FOOTER,
    "complementary": P.SIDEBAR,
    "main": P.CONTENT,
    "article": P.CONTENT,
    "comment": P.COMMENT,
}

# Whole words of class/id tokens (tokens are split on '-', '_', and camelCase humps).
_WORDS: dict[str, Placement] = {}
for _place, _words in (
    (P.COMMENT, "comment comments commentlist commentary disqus reply replies respond responses "
                "discussion discussions"),
    (P.NAVIGATION, "nav navbar navi navigation navlinks menu menus menubar breadcrumb "
                   "breadcrumbs crumbs pagination pager paging skiplink share sharing shares "
                   "social sociable sharedaddy addthis tagcloud toolbar"),
    (P.HEADER, "header masthead topbar branding"),
    (P.FOOTER, "footer colophon copyright"),
    (P.SIDEBAR, "sidebar widget widgets rail related recommended recommendations popular "
                "trending promo promos ad ads advert adverts advertisement sponsor sponsored "
                "outbrain taboola newsletter subscribe morestories"),
    (P.UNKNOWN, "byline author authors tags categories meta postmeta entrymeta dateline"),
    (P.CONTENT, "article content entry post story prose text main maincontent articlebody "
                "storybody postbody entrycontent blogpost body"),
):
    for _w in _words.split():
        _WORDS[_w] = _place

# A class like "has-sidebar" or "no-comments" describes the layout, not the element.
_NEGATING = frozenset({"no", "non", "not", "has", "with", "without", "hide", "hidden", "show"})
_PRIORITY = {P.COMMENT: 0, P.NAVIGATION: 1, P.FOOTER: 1, P.SIDEBAR: 1, P.HEADER: 1,
             P.UNKNOWN: 2, P.CONTENT: 3}
_SPLIT = re.compile(r"[-_\s:./]+|(?<=[a-z])(?=[A-Z])")
_DENSITY_BLOCKS = frozenset(
    "ul ol dl table div section form nav aside header footer article main body menu".split()  # noqa: SIM905
)
_LISTS = frozenset({"ul", "ol", "dl", "menu", "nav"})


class Node(Protocol):
    """The part of a selectolax node the classifier uses."""

    @property
    def tag(self) -> str | None: ...

    @property
    def parent(self) -> Node | None: ...

    @property
    def mem_id(self) -> int: ...

    @property
    def attributes(self) -> dict[str, str | None]: ...

    def text(self, deep: bool = True, separator: str = "", strip: bool = False) -> str: ...

    @property
    def child(self) -> Node | None: ...

    @property
    def next(self) -> Node | None: ...

    def css(self, query: str) -> list[Any]: ...


_token_cache: dict[str, Placement | None] = {}


def token_signal(value: str) -> Placement | None:
    """The placement named by a class or id attribute value, or None."""
    if value in _token_cache:
        return _token_cache[value]
    best: Placement | None = None
    for token in value.split():
        words = [w.lower() for w in _SPLIT.split(token) if w]
        if not words or words[0] in _NEGATING:
            continue
        # "entry-content" is also tried as "entrycontent" so compound names count.
        candidates = [*words, "".join(words)] if len(words) > 1 else words
        for word in candidates:
            place = _WORDS.get(word)
            if place is not None and (best is None or _PRIORITY[place] < _PRIORITY[best]):
                best = place
    if len(_token_cache) < 50_000:
        _token_cache[value] = best
    return best


def element_signal(tag: str, attrs: dict[str, str | None]) -> tuple[Placement | None, bool]:
    """The placement an element announces by its tag, role, id or class (or None), and
    whether the signal is strong (a landmark tag or ARIA role, not just a class name)."""
    role = attrs.get("role")
    if role:
        place = _ROLE_SIGNAL.get(role.strip().lower().split(" ")[0])
        if place is not None:
            return place, True
    if tag in ("body", "html"):
        return None, False  # theme classes on <body> ("sidebar-right") describe the layout
    best = _TAG_SIGNAL.get(tag)
    strong = best is not None
    for name in ("id", "class"):
        value = attrs.get(name)
        if value:
            place = token_signal(value)
            if place is not None and (best is None or _PRIORITY[place] < _PRIORITY[best]):
                best, strong = place, False
    return best, strong


# Context of an element: (placement so far or None, inside article content, inside the main
# content block found by text scoring, whether the placement came from a strong signal).
_Ctx = tuple[Placement | None, bool, bool, bool]
_ROOT: _Ctx = (None, False, False, False)
_WEAK_OVER = (None, P.CONTENT, P.HEADER, P.UNKNOWN)


def _combine(ctx: _Ctx, signal: tuple[Placement | None, bool], is_main: bool) -> _Ctx:
    place, in_article, in_main, strong = ctx
    sig, sig_strong = signal
    if is_main:
        in_main = True
        # The text-scored main block outranks layout class names ("l-sidebar-fixed") around
        # it, not landmarks (an <aside> or role=complementary stays what it is).
        if place in _WEAK_OVER or (not strong and place is not P.COMMENT):
            place, in_article, strong = P.CONTENT, True, False
    if place is P.COMMENT or sig is None:
        return (place, in_article, in_main, strong)
    if sig is P.CONTENT:
        if place in _WEAK_OVER:
            return (P.CONTENT, True, in_main, sig_strong)
        return (place, in_article, in_main, strong)  # a teaser <article> in a sidebar
    if sig is P.HEADER and in_article:
        return (place, in_article, in_main, strong)
    return (sig, in_article, in_main, sig_strong)


class Classifier:
    """Placement of link nodes of one parsed page; memoises the context of every ancestor."""

    def __init__(self, text_budget: int, main_ids: frozenset[int] = frozenset()) -> None:
        """``text_budget`` caps the characters read for link density; ``main_ids``: main block."""
        # element mem_id -> (context, nearest density block at or above it, that block is a list)
        self._memo: dict[int, tuple[_Ctx, Node | None, bool]] = {}
        self._main = main_ids
        self._budget = text_budget
        self._block_len: dict[int, int] = {}

    def context(self, node: Node) -> tuple[Placement | None, bool, Node | None, bool]:
        """Inherited placement of a link node, whether it is in the main block, its density
        block (the nearest list, table, div, section... above it), and whether that block is
        a list."""
        memo = self._memo
        chain: list[tuple[Node, int]] = []
        cur = node.parent
        hit = None
        while cur is not None:
            key = cur.mem_id
            hit = memo.get(key)
            if hit is not None:
                break
            chain.append((cur, key))
            cur = cur.parent
        ctx, block, in_list = hit if hit is not None else (_ROOT, None, False)
        main = self._main
        for el, key in reversed(chain):
            tag = el.tag or ""
            if tag[:1] not in ("-", "#"):
                ctx = _combine(ctx, element_signal(tag, el.attributes), key in main)
                if tag in _DENSITY_BLOCKS:
                    block, in_list = el, tag in _LISTS
            memo[key] = (ctx, block, in_list)
        return ctx[0], ctx[2], block, in_list

    def block_text_len(self, block: Node) -> int:
        """Visible characters of a block (whitespace collapsed), or -1 past the budget."""
        key = block.mem_id
        hit = self._block_len.get(key)
        if hit is not None:
            return hit
        if self._budget <= 0:
            return -1
        text = block.text(deep=True, separator="")
        self._budget -= len(text)
        # each whitespace run counts as one character (split/join beats a regex here)
        n = len(" ".join(text.split()))
        if n == 0:
            n = 1 if text else 0
        else:
            n += text[:1].isspace() + text[-1:].isspace()
        self._block_len[key] = n
        return n




def decide(inherited: Placement | None, in_main: bool, has_main: bool, density: float,
           links_in_block: int, in_list: bool) -> Placement:
    """Final placement from the inherited signal, the main block and the link density."""
    dense = density >= 0.6 and links_in_block >= 2
    if inherited is None or inherited is P.CONTENT:
        if has_main and not in_main:
            return P.NAVIGATION if dense and in_list else P.UNKNOWN
        if density < 0 and not in_main:
            return P.UNKNOWN
        if dense and not in_main:
            return P.NAVIGATION if in_list else P.UNKNOWN
        return P.CONTENT
    return inherited


_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story", re.I)
_NEGATIVE = re.compile(
    r"hidden|banner|combx|comment|com-|contact|foot|masthead|media|meta|outbrain|promo|related|"
    r"scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|nav|menu",
    re.I,
)
_TAG_BONUS = {"div": 5, "pre": 3, "td": 3, "blockquote": 3, "article": 5, "section": 2,
              "main": 5, "form": -3, "ol": -3, "ul": -3, "dl": -3, "li": -3, "dd": -3,
              "dt": -3, "address": -3, "th": -5, "h1": -5, "h2": -5, "h3": -5, "h4": -5}


class Tree(Protocol):
    """The part of a selectolax parser the main-block finder uses."""

    def css(self, query: str) -> list[Any]: ...


_weight_cache: dict[str, int] = {}


def _value_weight(value: str) -> int:
    hit = _weight_cache.get(value)
    if hit is None:
        hit = (25 if _POSITIVE.search(value) else 0) - (25 if _NEGATIVE.search(value) else 0)
        if len(_weight_cache) < 50_000:
            _weight_cache[value] = hit
    return hit


def _class_weight(node: Node) -> int:
    attrs = node.attributes
    weight = 0
    for name in ("class", "id"):
        value = attrs.get(name)
        if value:
            weight += _value_weight(value)
    return weight


LinkedLen = Callable[[str, bool], int]


def _css_linked_len(node: Node, collapse: bool) -> int:
    """Characters of link text under ``node``, read link by link (the slow, generic way)."""
    if collapse:
        return sum(len(" ".join(a.text(deep=True).split())) for a in node.css("a"))
    return sum(len(a.text(deep=True, separator="").strip()) for a in node.css("a"))


def _scored_ancestors(anc: Node | None) -> list[tuple[int, Node, str, int]]:
    """(mem_id, node, tag, level) of a paragraph's parent, grandparent, great-grandparent."""
    out: list[tuple[int, Node, str, int]] = []
    for level in range(3):
        if anc is None:
            break
        tag = anc.tag or ""
        if tag == "html" or not tag or tag[0] == "-":
            break
        out.append((anc.mem_id, anc, tag, level))
        anc = anc.parent
    return out


def main_block_ids(tree: Tree, linked_len: LinkedLen | None = None) -> frozenset[int]:
    """Memory ids of the main content block(s): the best-scoring paragraph container (the
    Readability scoring: paragraph length and commas credited to parent and grandparent,
    weighted by tag and class, discounted by link density) and its strong siblings.

    ``linked_len(text, collapse)`` gives the link-text characters of an element's text when the
    caller has marked the links in the tree (one C-level ``text()`` per element then suffices);
    without it each element's links are read one by one."""
    scores: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    chains: dict[int, list[tuple[int, Node, str, int]]] = {}
    bonus = _TAG_BONUS
    for para in tree.css("p, pre, td, blockquote"):
        text = para.text(deep=True, separator="")
        length = len(text.strip())
        if length < 25:
            continue
        score = 1.0 + text.count(",") + text.count("\uff0c") + min(length // 100, 3)
        # a "paragraph" of links (a list of names, tags) is not prose
        linked = linked_len(text, False) if linked_len is not None else _css_linked_len(para, False)
        if linked:
            score *= max(0.0, 1.0 - linked / length)
        parent = para.parent
        if parent is None:
            continue
        # paragraphs share parents: their up-to-three scored ancestors are looked up once
        chain = chains.get(parent.mem_id)
        if chain is None:
            chain = chains[parent.mem_id] = _scored_ancestors(parent)
        for key, anc, tag, level in chain:
            if key not in nodes:
                nodes[key] = anc
                scores[key] = bonus.get(tag, 0) + _class_weight(anc)
            scores[key] += score / (1, 2, 6)[level]

    def stats(key: int) -> tuple[int, int]:
        text = nodes[key].text(deep=True, separator=" ")
        total = len(" ".join(text.split()))
        if linked_len is not None:
            return total, linked_len(text, True)
        return total, _css_linked_len(nodes[key], True)

    def siblings(key: int) -> list[int]:
        parent = nodes[key].parent
        out = []
        child = parent.child if parent is not None else None
        while child is not None:
            out.append(child.mem_id)
            child = child.next
        return out

    return choose_main(scores, stats, siblings)


def choose_main(scores: dict[int, float], stats: Callable[[int], tuple[int, int]],
                siblings: Callable[[int], list[int]]) -> frozenset[int]:
    """The second half of ``main_block_ids``: from the paragraph scores of the candidate blocks
    (by memory id, in first-scored order), the best after link density and its strong
    siblings. ``stats(key)``: the whitespace-collapsed length and the link characters of the
    block's text read with a space between text nodes; ``siblings(key)``: the ids of its
    parent's children."""
    if not scores:
        return frozenset()
    best_key, best = -1, 0.0
    for key in sorted(scores, key=scores.__getitem__, reverse=True)[:5]:
        if scores[key] <= best:
            break  # link density only lowers a score: the rest cannot win
        total, links = stats(key)
        total = total or 1
        final = scores[key] * (1 - min(1.0, links / total))
        if final > best:
            best_key, best = key, final
    if best_key < 0 or best < 10:
        return frozenset()
    chosen = {best_key}
    threshold = max(10.0, best * 0.2)
    for key in siblings(best_key):
        if key != best_key and scores.get(key, 0.0) >= threshold:
            chosen.add(key)
    return frozenset(chosen)
