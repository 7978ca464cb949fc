"""Anchor text classes, and the brand names and keywords they are judged against (pure).

Classes, checked in this order (docs/profile.md has examples): ``image or empty`` (an image or
area link, or no text), ``URL`` (the anchor is a URL or a bare host name), ``generic`` ("click
here", "read more", ... in a few major languages), ``exact match`` (the anchor's content words
are exactly one keyword's, in any order, plurals folded, commercial
modifiers such as 'buy' or 'best' ignored), ``branded`` (contains a brand name and
no keyword word), ``partial match`` (shares a content word with a keyword, with or without the
brand), ``other``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

IMAGE_OR_EMPTY = "image or empty"
URL = "URL"
GENERIC = "generic"
EXACT = "exact match"
BRANDED = "branded"
PARTIAL = "partial match"
OTHER = "other"
CLASSES = (BRANDED, EXACT, PARTIAL, URL, GENERIC, IMAGE_OR_EMPTY, OTHER)



def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


GENERIC_ANCHORS = frozenset({
    # English
    "click here", "click", "here", "read more", "more", "learn more", "this", "this site",
    "this website", "this page", "this link", "website", "site", "link", "page", "source",
    "visit", "visit site", "visit website", "go", "see more", "more info", "info", "details",
    "continue reading", "find out more", "homepage", "home page", "official site",
    # German, French, Spanish, Italian, Portuguese, Dutch
    "hier", "hier klicken", "mehr", "weiterlesen", "mehr erfahren", "webseite", "ici",
    "cliquez ici", "en savoir plus", "lire la suite", "site web", "aquí", "aqui", "haga clic aquí",
    "clic aquí", "leer más", "más información", "sitio web", "qui", "clicca qui",
    "leggi di più", "sito", "clique aqui", "saiba mais", "leia mais", "klik hier", "lees meer",
    # Russian, Polish, Chinese, Japanese
    "здесь", "тут", "сюда", "подробнее", "читать далее", "сайт", "ссылка", "tutaj", "więcej",
    "czytaj więcej", "这里", "点击这里", "更多", "阅读更多", "网站", "ここ", "こちら", "詳細",
})

STOPWORDS = _wordset(
    "a an the and or of for to in on at by with from as is are was be it its this that these "
    "those my your our their his her at vs via about into your you we i me de la le les des du "
    "et el los las y en der die das und von zu mit для и в на"
)
# Commercial modifiers around a keyword ("buy ...", "best ...") keep it an exact match.
MODIFIERS = _wordset(
    "best buy cheap top online review reviews price prices sale discount affordable order "
    "new good great"
)
# Words that go with a brand name without changing the anchor's class.
BRAND_COMPANIONS = _wordset(
    "inc ltd llc gmbh co corp company official site website web homepage home page www com "
    "shop store team blog"
)

_WORD = re.compile(r"\w+", re.UNICODE)
_URLISH = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?::\d+)?(?:/\S*)?)$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s[|–—:·•»-]\s|\s[|–—·•»]|[|–—·•»]\s")


def words(text: str) -> list[str]:
    """Lower-case word tokens of a text (Unicode letters and digits)."""
    return _WORD.findall(text.lower())


def stem(word: str) -> str:
    """A light plural fold: 'roasters' and 'roaster' compare equal, 'glass' stays."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> tuple[str, ...]:
    """The stemmed words of a text without stopwords, in order."""
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS)


def compact(text: str) -> str:
    """Lower-case letters and digits only ('Bean Craft' and 'beancraft' compact alike)."""
    return "".join(words(text))


def classify(
    anchor: str, kind: str, brands: Sequence[str], keywords: Sequence[str]
) -> str:
    """The class of one anchor (see the module docstring for the rules and their order)."""
    text = " ".join(anchor.split())
    if kind in ("image", "area") or not compact(text):
        return IMAGE_OR_EMPTY
    if _URLISH.match(text):
        return URL
    lowered = text.lower().strip(" .!?:;,")
    if lowered in GENERIC_ANCHORS:
        return GENERIC
    mine = content_words(text)
    kw_sets = [set(content_words(k)) for k in keywords]
    kw_words = set().union(*kw_sets) if kw_sets else set()
    core = set(mine) - MODIFIERS
    if core and (set(mine) in kw_sets or core in kw_sets):
        return EXACT
    flat = compact(text)
    brand_keys = [compact(b) for b in brands if compact(b)]
    rest = set(mine)
    has_brand = False
    for brand in brand_keys:
        if brand in flat:
            has_brand = True
            rest -= {stem(w) for w in words(brand)}
            rest -= {w for w in rest if w in brand}
    if has_brand:
        rest -= BRAND_COMPANIONS
    if has_brand and not (rest & kw_words):
        return BRANDED
    if rest & kw_words:
        return PARTIAL
    return OTHER


def infer_brand(domain: str, titles: Sequence[str]) -> tuple[str, ...]:
    """Brand names from the registrable domain's label, split with the site's own titles
    ('acmecoffee' with the title 'Acme Coffee Roasters' gives 'acme coffee')."""
    label = domain.split(".")[0].lower()
    if not label:
        return ()
    names: list[str] = []
    joined = compact(label)
    for title in titles:
        toks = words(title)
        for i in range(len(toks)):
            run = ""
            for j in range(i, min(i + 5, len(toks))):
                run += toks[j]
                if run == joined:
                    names.append(" ".join(toks[i:j + 1]))
                    break
                if not joined.startswith(run):
                    break
    if names:
        best = Counter(names).most_common(1)[0][0]
        return (best,) if compact(best) == joined and best == joined else (best, joined)
    spaced = label.replace("-", " ").replace("_", " ")
    return (spaced,) if spaced == joined else (spaced, joined)


def infer_keywords(
    titles: Sequence[str], terms: Iterable[Sequence[str]], brands: Sequence[str], *, top: int = 12
) -> tuple[str, ...]:
    """Keyword phrases of a site: the 2-3 word phrases its titles repeat (the first title, the
    home page's, counts three times), then its most frequent content terms; brand words, short
    words and numbers left out; plurals folded."""
    brand_words = {w for b in brands for w in words(b)} | {compact(b) for b in brands}

    def useful(tok: str) -> bool:
        return tok not in STOPWORDS and tok not in brand_words and len(tok) > 2 \
            and not tok.isdigit()

    phrases: Counter[str] = Counter()
    for rank, title in enumerate(titles):
        for segment in _SEPARATORS.split(title):
            runs: list[list[str]] = [[]]
            for tok in words(segment):
                if useful(tok):
                    runs[-1].append(stem(tok))
                else:
                    runs.append([])
            for run in runs:
                for n in (3, 2):
                    for i in range(len(run) - n + 1):
                        phrases[" ".join(run[i:i + n])] += 3 if rank == 0 else 1
    chosen = [p for p, c in phrases.most_common() if c >= 2][: top // 2]
    counts: Counter[str] = Counter()
    for page_terms in terms:
        for i, term in enumerate(page_terms[:20]):
            if useful(term):
                counts[stem(term)] += 20 - i
    for title in titles:
        for tok in words(title):
            if useful(tok):
                counts[stem(tok)] += 1
    seen = {w for p in chosen for w in p.split()}
    for term, _ in counts.most_common():
        if len(chosen) >= top:
            break
        if term not in seen:
            chosen.append(term)
            seen.add(term)
    return tuple(chosen)
