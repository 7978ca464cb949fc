"""Builders of the manipulative side: a private link network, a low-quality directory, a page
stuffed with outbound links, and foreign-language spam sites."""

from __future__ import annotations

import random

from linkatlas.model import Placement
from linkatlas.sample import content as C
from linkatlas.sample.kit import (
    EXACT_ANCHORS,
    T_EMBER,
    T_HOME,
    Context,
    SiteKit,
    editorial,
    link_list,
    paragraphs,
    titles,
)
from linkatlas.sample.render import PageDraft, esc
from linkatlas.sample.web import SampleSite

NETWORK = (("coffee-tips-daily.example", "Coffee Tips Daily"),
           ("brew-hacks-hub.example", "Brew Hacks Hub"),
           ("roast-guide-pro.example", "Roast Guide Pro"),
           ("bean-review-zone.example", "Bean Review Zone"))
FARM = "https://top-links-hub.example/links"
_WORDS = ("cheap", "best", "pills", "casino", "loans", "beans", "deal", "promo", "seo", "fast",
          "shop", "bet", "crypto", "win", "free", "top", "mega", "hot", "coffee", "vip")


def network_ids(seed: int) -> tuple[str, str, str]:
    """The analytics, gtag and AdSense ids all network sites share (from the seed)."""
    rng = random.Random(f"{seed}|network-ids")
    alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return (f"UA-{rng.randrange(10**7, 10**8)}-1",
            "G-" + "".join(rng.choice(alnum) for _ in range(10)),
            f"ca-pub-{rng.randrange(10**15, 10**16)}")


def network(ctx: Context) -> list[SampleSite]:
    """Four sites with one template and shared tracking ids, linking to each other and to the
    target with exact-match anchors."""
    ids = network_ids(ctx.seed)
    sites = []
    for n, (host, name) in enumerate(NETWORK):
        kit = SiteKit(ctx, host, name, "network", "div")
        kit.tracking = ids
        partners = [(f"https://{h}/", nm) for h, nm in NETWORK if h != host]

        def footer(d: PageDraft, partners: list[tuple[str, str]] = partners) -> str:
            return ('<div class="partners">Partner sites: '
                    + " · ".join(d.a(h, t, Placement.FOOTER, tags=("network",))
                                 for h, t in partners)
                    + "</div><p>Roasting gear: "
                    # A sitewide, exact-match footer link: the classic network footprint.
                    + d.a(T_HOME, "best home coffee roaster", Placement.FOOTER,
                          tags=("network", "sitewide", "anchor:exact"))
                    + "</p><p>Powered by QuickPress Starter Theme</p>")

        kit.footer_extra = footer
        posts = [(f"/{C.slug(t)}/", t)
                 for t in titles(kit, "p", 4)]
        d, rng = kit.draft("/"), kit.rng("/")
        kit.page(d, name, f"<h1>{esc(name)}</h1>{paragraphs(rng, 1)}"
                 + link_list(d, posts, Placement.CONTENT))
        for i, (path, title) in enumerate(posts):
            d, rng = kit.draft(path), kit.rng(path)
            anchor = EXACT_ANCHORS[(n + i) % len(EXACT_ANCHORS)]
            sibling = partners[i % len(partners)]
            main = (f"<h1>{esc(title)}</h1>{paragraphs(rng, 2)}"
                    + editorial(d, rng, T_EMBER if i % 2 else T_HOME, anchor,
                                tags=("network", "anchor:exact"))
                    + editorial(d, rng, sibling[0], sibling[1], tags=("network",))
                    + paragraphs(rng, 1))
            kit.page(d, title, f'<div class="post">{main}</div>')
        sites.append(kit.finish("User-agent: *\nAllow: /\n", tags=("pbn", "template:quickpress")))
    return sites


def _junk_hosts(rng: random.Random, n: int) -> list[str]:
    hosts = {f"https://www.{rng.choice(_WORDS)}-{rng.choice(_WORDS)}-{rng.randrange(100)}"
             ".example/" for _ in range(n * 2)}
    return sorted(hosts)[:n]


def directory(ctx: Context) -> SampleSite:
    """A low-quality pay-to-list directory in an old table layout."""
    kit = SiteKit(ctx, "best-coffee-links.example", "Best Coffee Links Directory", "directory",
                  "table")
    cats = ("roasters", "cafes", "equipment")
    kit.menu += [(f"/category/{c}", c.title()) for c in cats] + [("/submit", "Submit site")]
    d, rng = kit.draft("/"), kit.rng("/")
    imagemap = ('<img src="/static/map.png" alt="categories" usemap="#cats"><map name="cats">'
                + "".join(d.area(f"/category/{c}", c.title(), f"{i * 100},0,{i * 100 + 99},80",
                                 Placement.CONTENT) for i, c in enumerate(cats)) + "</map>")
    kit.page(d, kit.name, "<h1>Coffee web directory</h1>" + imagemap
             + link_list(d, [(f"/category/{c}", c.title()) for c in cats], Placement.CONTENT))
    for c in cats:
        path = f"/category/{c}"
        d, rng = kit.draft(path), kit.rng(path)
        listed = [(h, h.split("//")[1].rstrip("/")) for h in _junk_hosts(rng, 22)]
        if c == "roasters":
            listed[:0] = [(T_HOME, "BeanCraft - Home Coffee Roasters"),
                          ("https://www.roastworks.example/", "RoastWorks"),
                          ("https://www.grindhouse-supply.example/", "Grindhouse Supply")]
        featured = [("https://coffee-tips-daily.example/", "Coffee Tips Daily")]
        kit.page(d, f"{c.title()} | {kit.name}", f"<h1>{c.title()}</h1><h2>Featured</h2>"
                 + link_list(d, featured, Placement.CONTENT, rel="sponsored",
                             tags=("directory", "featured"))
                 + "<h2>Listings</h2>" + link_list(d, listed, Placement.CONTENT,
                                                   tags=("directory",)),
                 aside=link_list(d, [(f"/category/{x}", x.title()) for x in cats],
                                 Placement.SIDEBAR))
    d = kit.draft("/submit")
    d.tags.append("link-prices")
    kit.page(d, "Submit your site", "<h1>Submit your site</h1><p>Regular listing $5, featured "
             "listing with a do-follow link $29. Approval within 24 hours.</p>")
    return kit.finish(None, tags=("low-quality",))


def farm(ctx: Context) -> SampleSite:
    """A link farm whose /links page is stuffed with hundreds of outbound links."""
    kit = SiteKit(ctx, "top-links-hub.example", "Top Links Hub", "spam", "table")
    d, rng = kit.draft("/"), kit.rng("/")
    kit.page(d, kit.name, f"<h1>Top Links Hub</h1><p>{esc(C.sentence(rng))}</p><p>"
             + d.a("/links", "All our links", Placement.CONTENT) + "</p>")
    d, rng = kit.draft("/links"), kit.rng("/links")
    d.tags.append("stuffed")
    junk = [(h, h.split("//")[1].rstrip("/")) for h in _junk_hosts(rng, 300)]
    junk.insert(150, (T_HOME, EXACT_ANCHORS[1]))
    junk.insert(40, ("https://www.roastworks.example/", "coffee roasting equipment"))
    cells = " ".join(d.a(h, t, Placement.CONTENT, tags=("stuffed",)) for h, t in junk)
    kit.page(d, "Links", f"<h1>Links</h1><p>{cells}</p>", nav=False)
    return kit.finish("User-agent: *\nAllow: /\n", tags=("link-farm",))


def foreign(ctx: Context, host: str, lang: str) -> SampleSite:
    """A foreign-language spam site (Russian or Chinese) linking to the target and the farm."""
    text, anchor = ((C.RUSSIAN, "купить ростер для кофе") if lang == "ru"
                    else (C.CHINESE, "咖啡烘焙机"))
    kit = SiteKit(ctx, host, host.split(".")[0], "spam", "table")
    kit.footer_links = []
    for i, path in enumerate(("/", "/kofe", "/obzhar") if lang == "ru" else ("/", "/shop")):
        d = kit.draft(path)
        link = d.a(T_EMBER if i else T_HOME, anchor, Placement.CONTENT,
                   tags=("foreign", "anchor:exact"))
        farm_link = d.a(FARM, "links" if lang == "ru" else "友情链接", Placement.CONTENT)
        kit.page(d, anchor, f"<h1>{esc(anchor)}</h1><p>{esc(text)} {link}</p><p>{esc(text)}"
                 f"</p><p>{farm_link}</p>", lang=lang)
    return kit.finish("User-agent: *\nAllow: /\n", tags=(f"lang:{lang}",))
