"""The kit every site builder uses: per-page randomness, common regions, robots and sitemaps.

Also the URLs that cross site boundaries (the target's moved and gone pages, the dead resource),
so that builders of different sites agree on them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from linkatlas.model import Placement
from linkatlas.sample.content import article_title, link_sentence, paragraph, sentence
from linkatlas.sample.render import PageDraft, Regions, document, error_page, esc, text_file
from linkatlas.sample.web import Change, SamplePage, SampleSite

BRAND = "BeanCraft"
TARGET = "https://www.beancraft.example"
COMPETITORS = ("www.roastworks.example", "www.grindhouse-supply.example")
# target URLs other sites link to: live, moved (301), chained (301 -> 302 -> 200), gone
T_HOME = f"{TARGET}/"
T_EMBER = f"{TARGET}/roasters/ember-1kg"
T_EMBER_SMALL = f"{TARGET}/roasters/ember-250"
T_GRINDER = f"{TARGET}/grinders/conical-48"
T_MINI = f"{TARGET}/grinders/burr-mini"  # deleted in version 2
T_GUIDE = f"{TARGET}/guides/home-roasting-guide"
T_MOVED = f"{TARGET}/products/ember-roaster"
T_CHAIN = f"{TARGET}/shop"
T_GONE_404 = f"{TARGET}/blog/holiday-sale-2019"
T_GONE_410 = f"{TARGET}/promo/spring-bundle"
DEAD_RESOURCE = "https://www.roastlog-tools.example/calculator/roast-profile"
EXACT_ANCHORS = ("home coffee roaster", "buy coffee roaster", "best home coffee roaster",
                 "coffee roaster for home")
PARTIAL_ANCHORS = ("this small-batch coffee roaster", "a roaster from BeanCraft",
                   "their 1 kg drum roaster", "the Ember roaster")
GENERIC_ANCHORS = ("click here", "here", "this site", "read more")


@dataclass
class Context:
    """What all builders of one build share: seed, version and the list of v2 changes."""

    seed: int
    version: int
    changes: list[Change] = field(default_factory=list)

    @property
    def v2(self) -> bool:
        """True when building version 2 (or later)."""
        return self.version >= 2

    def change(self, kind: str, source_url: str, target_url: str = "", detail: str = "") -> None:
        """Record a deliberate version-2 difference (no-op in version 1)."""
        if self.v2:
            self.changes.append(Change(kind, source_url, target_url, detail))


class SiteKit:
    """Builds one site: pages are added one by one, then ``finish`` makes the SampleSite."""

    def __init__(self, ctx: Context, host: str, name: str, role: str, layout: str) -> None:
        self.ctx = ctx
        self.host = host
        self.name = name
        self.role = role
        self.layout = layout
        self.origin = f"https://{host}"
        self.pages: list[SamplePage] = []
        self.menu: list[tuple[str, str]] = [("/", "Home")]
        self.footer_links: list[tuple[str, str]] = [("/about", "About"), ("/contact", "Contact")]
        self.footer_extra: Callable[[PageDraft], str] | None = None
        self.tracking: tuple[str, ...] = ()

    def url(self, path: str) -> str:
        """Absolute URL of a path on this site."""
        return self.origin + path

    def rng(self, path: str) -> random.Random:
        """Randomness of one page: depends only on the seed, the host and the path."""
        return random.Random(f"{self.ctx.seed}|{self.host}|{path}")

    def draft(self, path: str) -> PageDraft:
        """A new draft for a path of this site."""
        return PageDraft(self.url(path))

    def add(self, page: SamplePage) -> None:
        """Add a finished page."""
        self.pages.append(page)

    def gone(self, path: str, status: int = 404) -> None:
        """Add a 404 or 410 page."""
        self.add(error_page(self.url(path), status, self.name))

    def header(self, d: PageDraft) -> str:
        """Site header: the logo as an image link home, and the site name."""
        logo = d.img_a("/", "/static/logo.png", f"{self.name} logo", Placement.HEADER,
                       tags=("logo",))
        return f'{logo}<span class="site-title">{esc(self.name)}</span>'

    def nav(self, d: PageDraft) -> str:
        """Main menu links."""
        items = "".join(f"<li>{d.a(h, t, Placement.NAVIGATION)}</li>" for h, t in self.menu)
        return f'<ul class="menu">{items}</ul>'

    def footer(self, d: PageDraft) -> str:
        """Footer links, the site's own extra footer part, and a copyright line."""
        items = " | ".join(d.a(h, t, Placement.FOOTER) for h, t in self.footer_links)
        extra = self.footer_extra(d) if self.footer_extra else ""
        return f'<p class="footer-links">{items}</p>{extra}<p>&copy; 2024 {esc(self.name)}</p>'

    def tracking_html(self, d: PageDraft) -> str:
        """Analytics and ad snippets carrying the site's tracking ids."""
        out = []
        for tid in self.tracking:
            d.tracking_ids.append(tid)
            if tid.startswith("ca-pub-"):
                out.append(f'<script async src="https://pagead2.googlesyndication.com/pagead/'
                           f'js/adsbygoogle.js?client={tid}" crossorigin="anonymous"></script>')
            elif tid.startswith("G-"):
                out.append(f'<script async src="https://www.googletagmanager.com/gtag/js?id={tid}">'
                           f"</script><script>gtag('config', '{tid}');</script>")
            else:
                out.append(f"<script>ga('create', '{tid}', 'auto'); ga('send', 'pageview');"
                           "</script>")
        return "\n".join(out)

    def page(self, d: PageDraft, title: str, main: str, *, aside: str = "", lang: str = "en",
             canonical: str | None = None, nav: bool = True) -> None:
        """Lay out a full page with the site's header, menu and footer, and add it."""
        head = d.canonical(canonical) if canonical else ""
        regions = Regions(header=self.header(d), nav=self.nav(d) if nav else "", main=main,
                          aside=aside, footer=self.footer(d), head_extra=head,
                          body_end=self.tracking_html(d))
        self.add(d.page(title, document(self.layout, title, regions, lang=lang), lang=lang))

    def finish(self, robots: str | None, *, sitemap: bool = False, latency_ms: int = 0,
               tags: tuple[str, ...] = (),
               dynamic: Callable[[str], SamplePage | None] | None = None) -> SampleSite:
        """The finished site, with robots.txt (or a 404 for it) and an optional sitemap."""
        pages = list(self.pages)
        if sitemap:
            pages.append(text_file(self.url("/sitemap.xml"), self._sitemap(),
                                   "application/xml"))
        if robots is None:
            pages.append(error_page(self.url("/robots.txt"), 404, self.name))
        else:
            pages.insert(0, text_file(self.url("/robots.txt"), robots,
                                      "text/plain; charset=utf-8"))
        return SampleSite(host=self.host, name=self.name, role=self.role, pages=tuple(pages),
                          robots_txt=robots, latency_ms=latency_ms, template=self.layout,
                          tags=tags, dynamic=dynamic)

    def _sitemap(self) -> str:
        locs = [p.url for p in self.pages
                if p.status == 200 and p.content_type.startswith("text/html") and "?" not in p.url]
        rows = "".join(f"  <url><loc>{esc(u)}</loc><lastmod>2024-02-{1 + i % 27:02d}</lastmod>"
                       "</url>\n" for i, u in enumerate(locs))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{rows}</urlset>\n")


def paragraphs(rng: random.Random, count: int, sentences: int = 4) -> str:
    """Several ``<p>`` of niche text."""
    return "".join(f"<p>{esc(paragraph(rng, sentences))}</p>" for _ in range(count))


def editorial(d: PageDraft, rng: random.Random, href: str, anchor: str, *, rel: str = "",
              tags: tuple[str, ...] = ()) -> str:
    """A paragraph with one link inside a real-looking sentence, between two plain sentences."""
    before, after = link_sentence(rng)
    link = d.a(href, anchor, Placement.CONTENT, rel=rel, tags=("editorial", *tags))
    return (f"<p>{esc(sentence(rng))} {esc(before)}{link}{esc(after)} "
            f"{esc(sentence(rng))}</p>")


@dataclass(frozen=True)
class Commenter:
    """One reader comment: the name (linked to the reader's site when ``site``) and the text.

    ``link`` is an optional (href, anchor) put inside the comment text.
    """

    name: str
    text: str
    site: str = ""
    link: tuple[str, str] | None = None


def comments_html(d: PageDraft, comments: list[Commenter]) -> str:
    """A comment section; links in it are ugc, the author links also nofollow (as WordPress)."""
    if not comments:
        return ""
    items = []
    for c in comments:
        who = (d.a(c.site, c.name, Placement.COMMENT, rel="ugc nofollow", tags=("comment",),
                   cls="url") if c.site else esc(c.name))
        text = esc(c.text)
        if c.link:
            text += " " + d.a(c.link[0], c.link[1], Placement.COMMENT, rel="ugc",
                              tags=("comment",))
        items.append(f'<li class="comment"><div class="comment-author">{who} says:</div>'
                     f'<div class="comment-body"><p>{text}</p></div></li>')
    return (f'<section id="comments" class="comments"><h2>{len(comments)} Comments</h2>'
            f'<ol class="comment-list">{"".join(items)}</ol></section>')


def author_box(d: PageDraft, author: str, site: str, site_name: str) -> str:
    """An author bio under an article with a link to the author's own site."""
    link = d.a(site, site_name, Placement.CONTENT, tags=("author-box",))
    return (f'<div class="author-box"><img src="/static/authors/{slug_of(author)}.jpg" '
            f'alt="{esc(author)}"><p><strong>{esc(author)}</strong> roasts coffee at home and '
            f"writes about it at {link}.</p></div>")


def slug_of(text: str) -> str:
    """A lower-case, hyphenated form of a name."""
    return "-".join(text.lower().split())


def article(kit: SiteKit, d: PageDraft, title: str, parts: list[str], *, byline: str = "",
            box: str = "", comments: str = "", aside: str = "", label: str = "",
            canonical: str | None = None) -> None:
    """An article page: title, byline, optional label (e.g. sponsored), body, bio, comments."""
    by = f'<p class="byline">{esc(byline)}</p>' if byline else ""
    lab = f'<p class="label">{esc(label)}</p>' if label else ""
    inner = f"<h1>{esc(title)}</h1>{by}{lab}{''.join(parts)}{box}"
    if kit.layout == "landmark":
        main = f"<article>{inner}</article>{comments}"
    else:
        main = f'<div class="post hentry"><div class="post-body">{inner}</div></div>{comments}'
    kit.page(d, title, main, aside=aside, canonical=canonical)


def link_list(d: PageDraft, items: list[tuple[str, str]], placement: Placement, *,
              rel: str = "", tags: tuple[str, ...] = ()) -> str:
    """A ``<ul>`` of links."""
    lis = "".join(f"<li>{d.a(h, t, placement, rel=rel, tags=tags)}</li>" for h, t in items)
    return f"<ul>{lis}</ul>"


def titles(kit: SiteKit, prefix: str, n: int) -> list[str]:
    """``n`` distinct article titles for a site (redrawn on a collision)."""
    out: list[str] = []
    for i in range(n):
        k = 0
        while (t := article_title(kit.rng(f"{prefix}-{i}-{k}"))) in out:
            k += 1
        out.append(t)
    return out
