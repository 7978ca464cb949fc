"""Builders of the editorial side of the niche: blogs, a news site and a forum.

They carry most of the target's natural links (editorial anchors of every type, image links,
author boxes, comments, a signature), the unlinked brand mentions, the sponsored post and its
price list, the links to moved, gone and dead URLs, and most version-2 changes.
"""

from __future__ import annotations

from collections.abc import Callable

from linkatlas.model import Placement
from linkatlas.sample import content as C
from linkatlas.sample.kit import (
    BRAND,
    DEAD_RESOURCE,
    EXACT_ANCHORS,
    GENERIC_ANCHORS,
    PARTIAL_ANCHORS,
    T_CHAIN,
    T_EMBER,
    T_EMBER_SMALL,
    T_GONE_404,
    T_GONE_410,
    T_GRINDER,
    T_HOME,
    T_MINI,
    T_MOVED,
    Commenter,
    Context,
    SiteKit,
    article,
    author_box,
    comments_html,
    editorial,
    link_list,
    paragraphs,
    titles,
)
from linkatlas.sample.render import PageDraft, esc, redirect
from linkatlas.sample.web import SampleSite

RIVAL = "https://www.roastworks.example/"
RIVAL2 = "https://www.grindhouse-supply.example/roasters/"
BLOGROLL = [("https://thecoffeenerd.example/", "The Coffee Nerd"),
            ("https://espresso-diaries.example/", "Espresso Diaries"),
            ("https://roastersforum.example/", "Roasters Forum")]


def _mention(d: PageDraft, text: str) -> str:
    """A paragraph naming the brand without linking to it (a link-reclamation case)."""
    d.mentions.append(BRAND)
    return f"<p>{esc(text)}</p>"


def _titled(kit: SiteKit, n: int) -> list[tuple[str, str]]:
    return [(f"/{C.slug(t)}-{i + 1}/", t) for i, t in enumerate(titles(kit, "title", n))]


def _index(kit: SiteKit, posts: list[tuple[str, str]],
           aside: Callable[[PageDraft], str] | None = None) -> None:
    d, rng = kit.draft("/"), kit.rng("/")
    body = f"<h1>{esc(kit.name)}</h1>{paragraphs(rng, 1)}" + "".join(
        f"<h2>{d.a(p, t, Placement.CONTENT)}</h2><p>{esc(C.sentence(rng))} "
        f"{d.a(p, 'Read more', Placement.CONTENT)}</p>" for p, t in posts)
    kit.page(d, kit.name, body, aside=aside(d) if aside else "")


def journal(ctx: Context) -> SampleSite:
    """The Home Roaster Journal: the best natural links, comments, a write-for-us page."""
    kit = SiteKit(ctx, "homeroaster-journal.example", "The Home Roaster Journal", "blog",
                  "landmark")
    # A sitewide brand link in the footer, as a partner blog would place it.
    kit.footer_extra = lambda d: ("<p>Beans roasted with a "
                                  + d.a(T_HOME, "BeanCraft", Placement.FOOTER,
                                        tags=("sitewide", "anchor:brand"))
                                  + " roaster.</p>")
    kit.menu += [("/resources/", "Resources"), ("/write-for-us/", "Write for us")]
    posts = _titled(kit, 14)
    # (href, anchor, rel, anchor type) of the editorial link of each of the first posts
    plan = [(T_HOME, BRAND, "", "brand"), (T_EMBER, EXACT_ANCHORS[0], "", "exact"),
            (T_EMBER_SMALL, PARTIAL_ANCHORS[0], "", "partial"),
            (T_HOME, "https://www.beancraft.example/", "", "naked"),
            (T_GRINDER, GENERIC_ANCHORS[0], "", "generic"),
            (T_MOVED, "Ember roaster", "", "brand"), (T_GONE_404, "their holiday sale", "",
                                                      "partial"),
            (DEAD_RESOURCE, "roast profile calculator", "", "exact"),
            (RIVAL, "RoastWorks", "", "brand")]

    def aside(d: PageDraft) -> str:
        banner = d.img_a(T_HOME, "/static/ads/beancraft-300x250.png", "BeanCraft roasters",
                         Placement.SIDEBAR, rel="sponsored", tags=("banner",))
        return ("<h3>Blogroll</h3>" + link_list(d, BLOGROLL, Placement.SIDEBAR)
                + f"<h3>Sponsor</h3>{banner}")

    _index(kit, posts, aside)
    for i, (path, title) in enumerate(posts):
        d, rng = kit.draft(path), kit.rng(path)
        parts = [paragraphs(rng, 2)]
        if i < len(plan):
            href, anchor, rel, atype = plan[i]
            if i == 0 and ctx.v2:
                ctx.change("link_removed", d.url, href, "editorial brand link removed")
            else:
                if i == 1 and ctx.v2:
                    rel = "nofollow"
                    ctx.change("rel_changed", d.url, href, "follow -> nofollow")
                parts.append(editorial(d, rng, href, anchor, rel=rel, tags=(f"anchor:{atype}",)))
        if i == 2:
            parts.append("<figure>" + d.img_a(T_EMBER_SMALL, "/img/ember-250-on-counter.jpg",
                                              "Ember 250 g roaster on my kitchen counter",
                                              Placement.CONTENT) + "</figure>")
        parts.append(paragraphs(rng, 2))
        box = author_box(d, "Aiko Tanaka", "https://espresso-diaries.example/",
                         "Espresso Diaries") if i % 3 == 0 else ""
        comments = [Commenter(C.person(rng), C.comment(rng)),
                    Commenter("Marco", C.comment(rng), "https://thecoffeenerd.example/")]
        if i == 1:
            comments.append(Commenter("Roast Fan", "I use this one:", "https://roastfan.example/",
                                      (T_EMBER, "BeanCraft Ember")))
        article(kit, d, title, parts, byline=f"By {C.person(rng)} · 2024", box=box,
                comments=comments_html(d, comments), aside=aside(d))
    d, rng = kit.draft("/resources/"), kit.rng("/resources/")
    useful = [(T_HOME, "BeanCraft – home roasters"), (RIVAL, "RoastWorks"),
              ("https://coffeewiki.example/wiki/Home_roasting", "CoffeeWiki"),
              (DEAD_RESOURCE, "Roast profile calculator")]
    kit.page(d, "Resources", "<h1>Useful links for home roasters</h1>"
             + link_list(d, useful, Placement.CONTENT, tags=("resource-page",)), aside=aside(d))
    d, rng = kit.draft("/write-for-us/"), kit.rng("/write-for-us/")
    d.emails.append("editor@homeroaster-journal.example")
    d.tags.append("write-for-us")
    kit.page(d, "Write for us – guest posts", "<h1>Write for us</h1><p>We accept guest posts "
             "about home roasting, brewing and green coffee. Pitch your idea to "
             + d.a("mailto:editor@homeroaster-journal.example", "our editor", Placement.CONTENT,
                   tags=("mailto",)) + ".</p>" + paragraphs(rng, 1))
    for path in ("/about", "/contact"):
        d, rng = kit.draft(path), kit.rng(path)
        if path == "/contact":
            d.emails.append("jane@homeroaster-journal.example")
            text = "<p>Email: jane [at] homeroaster-journal [dot] example</p>"
        else:
            text = paragraphs(rng, 2)
        kit.page(d, path[1:].title(), f"<h1>{path[1:].title()}</h1>{text}")
    robots = f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {kit.url('/sitemap.xml')}\n"
    return kit.finish(robots, sitemap=True, tags=("wordpress-like",))



def nerd(ctx: Context) -> SampleSite:
    """The Coffee Nerd (div-only markup): mentions, links to moved/chained/gone URLs, and the
    pages version 2 deletes or redirects."""
    kit = SiteKit(ctx, "thecoffeenerd.example", "The Coffee Nerd", "blog", "div")
    kit.menu += [("/about", "About me")]
    posts = _titled(kit, 12)
    plan: list[tuple[str, str, str]] = [
        ("mention", "", ""), (RIVAL2, "best home coffee roaster", "exact"),
        (T_CHAIN, "BeanCraft shop", "brand"),
        (DEAD_RESOURCE, "this handy roast calculator", "partial"), (T_HOME, BRAND, "brand"),
        (T_EMBER, PARTIAL_ANCHORS[3], "partial"), (T_GONE_410, "spring bundle", "partial"),
        (T_MINI, "Burr Mini grinder", "partial")]

    def aside(d: PageDraft) -> str:
        return ("<h3>Recent posts</h3>" + link_list(d, posts[:4], Placement.SIDEBAR)
                + "<h3>Friends</h3>" + link_list(d, BLOGROLL[1:], Placement.SIDEBAR))

    _index(kit, posts, aside)
    for i, (path, title) in enumerate(posts):
        if ctx.v2 and i == 4:
            kit.gone(path)
            ctx.change("page_deleted", kit.url(path), T_HOME, "post deleted")
            continue
        if ctx.v2 and i == 5:
            kit.add(redirect(kit.url(path), kit.url("/"), 301))
            ctx.change("page_redirected", kit.url(path), T_EMBER, "post redirected to home")
            continue
        d, rng = kit.draft(path), kit.rng(path)
        parts = [paragraphs(rng, 2)]
        spec = plan[i] if i < len(plan) else ("", "", "")
        if not spec[0]:
            parts.append(paragraphs(rng, 1))
        elif spec[0] == "mention":
            parts.append(_mention(d, f"I have been testing a {BRAND} Ember for a month and the "
                                  "temperature control is the best I have used."))
        else:
            parts.append(editorial(d, rng, spec[0], spec[1], tags=(f"anchor:{spec[2]}",)))
        parts.append(paragraphs(rng, 2))
        article(kit, d, title, parts, byline=f"Posted by Marco · {2023 + i % 2}", aside=aside(d))
    d, rng = kit.draft("/about"), kit.rng("/about")
    d.emails.append("marco@thecoffeenerd.example")
    kit.page(d, "About me", f"<h1>About me</h1>{paragraphs(rng, 2)}<p>Say hi: "
             "marco (at) thecoffeenerd (dot) example</p>")
    robots = "User-agent: *\nDisallow: /drafts/\n"
    return kit.finish(robots)


def brewratio(ctx: Context) -> SampleSite:
    """Brew Ratio: a sponsored post, a price list for links, nofollow and competitor links."""
    kit = SiteKit(ctx, "brewratio.example", "Brew Ratio", "blog", "landmark")
    kit.menu += [("/advertise", "Advertise")]
    posts = _titled(kit, 8)
    _index(kit, posts)
    for i, (path, title) in enumerate(posts):
        d, rng = kit.draft(path), kit.rng(path)
        parts, label = [paragraphs(rng, 2)], ""
        if i == 0:
            label = "Sponsored post"
            d.tags.append("sponsored-post")
            parts.append(editorial(d, rng, T_EMBER, EXACT_ANCHORS[2], rel="sponsored",
                                   tags=("sponsored-post", "anchor:exact")))
            parts.append("<p><em>This post was paid for by our partner.</em></p>")
        elif i == 1:
            parts.append(editorial(d, rng, T_HOME, BRAND, rel="nofollow", tags=("anchor:brand",)))
        elif i == 2:
            parts.append(editorial(d, rng, RIVAL, EXACT_ANCHORS[3], tags=("anchor:exact",)))
        elif i == 3:
            parts.append(editorial(d, rng, RIVAL2, "Grindhouse Supply roasters",
                                   tags=("anchor:brand",)))
        elif i == 4 and ctx.v2:
            parts.append(editorial(d, rng, T_GRINDER, "BeanCraft Conical 48",
                                   tags=("anchor:brand",)))
            ctx.change("link_added", d.url, T_GRINDER, "new editorial link")
        elif i == 5:
            parts.append(_mention(d, f"Readers keep asking whether {BRAND} ships to Canada."))
        parts.append(paragraphs(rng, 1))
        article(kit, d, title, parts, byline="By the Brew Ratio team", label=label)
    d = kit.draft("/advertise")
    d.tags.append("link-prices")
    d.emails.append("ads@brewratio.example")
    rows = (("Do-follow link in an existing post", "$80"), ("Sponsored post with 2 links", "$250"),
            ("Homepage sidebar link (monthly)", "$120"), ("Link insertion, permanent", "$150"))
    table = "".join(f"<tr><td>{esc(a)}</td><td>{p}</td></tr>" for a, p in rows)
    kit.page(d, "Advertise with Brew Ratio", "<h1>Advertise</h1><p>Link prices:</p>"
             f"<table class=\"prices\"><tr><th>Placement</th><th>Price</th></tr>{table}</table>"
             "<p>Order: " + d.a("mailto:ads@brewratio.example", "ads@brewratio.example",
                                 Placement.CONTENT, tags=("mailto",)) + "</p>")
    return kit.finish("User-agent: *\nDisallow:\n")


def diaries(ctx: Context) -> SampleSite:
    """Espresso Diaries: a personal blog without robots.txt; mentions and a nofollow link."""
    kit = SiteKit(ctx, "espresso-diaries.example", "Espresso Diaries", "blog", "div")
    posts = _titled(kit, 8)
    _index(kit, posts)
    for i, (path, title) in enumerate(posts):
        d, rng = kit.draft(path), kit.rng(path)
        parts = [paragraphs(rng, 3)]
        if i == 0:
            parts.append(_mention(d, f"My grinder is a {BRAND} Conical 48 and I love it."))
        elif i == 1:
            parts.append(editorial(d, rng, T_GRINDER, GENERIC_ANCHORS[1], rel="nofollow",
                                   tags=("anchor:generic",)))
        article(kit, d, title, parts, byline="Aiko")
    d = kit.draft("/contact")
    d.emails.append("aiko@espresso-diaries.example")
    kit.page(d, "Contact", "<h1>Contact</h1><p>"
             + d.a("mailto:aiko@espresso-diaries.example", "Send me an email", Placement.CONTENT,
                   tags=("mailto",)) + "</p>")
    return kit.finish(None)


def news(ctx: Context) -> SampleSite:
    """The Daily Grind: news articles with editorial links, a mention, a tag page, a sitemap."""
    kit = SiteKit(ctx, "dailygrind-news.example", "The Daily Grind", "news", "landmark")
    kit.menu += [("/news/", "News"), ("/tag/roasting", "Roasting")]
    heads = titles(kit, "news", 14)
    arts = [(f"/news/2024/{1 + i % 3:02d}/{C.slug(t)}", t) for i, t in enumerate(heads)]
    for path in ("/", "/news/", "/tag/roasting"):
        d = kit.draft(path)
        kit.page(d, kit.name, "<h1>Latest news</h1>"
                 + link_list(d, arts if path != "/tag/roasting" else arts[::2], Placement.CONTENT))
    links: dict[int, tuple[str, str, str]] = {
        0: (T_HOME, BRAND, "brand"), 1: (RIVAL, "RoastWorks", "brand"),
        3: (RIVAL2, "a Grindhouse Supply roaster", "partial"),
        4: (T_GONE_404, "holiday sale", "partial"), 5: (DEAD_RESOURCE, "roast calculator",
                                                         "exact")}
    for i, (path, title) in enumerate(arts):
        d, rng = kit.draft(path), kit.rng(path)
        parts = [paragraphs(rng, 2)]
        if i in links:
            href, anchor, atype = links[i]
            parts.append(editorial(d, rng, href, anchor, tags=(f"anchor:{atype}",)))
        if i == 2:
            parts.append(_mention(d, f"Shops such as {BRAND} report that beginner roasters "
                                  "sold out twice this winter."))
        parts.append(paragraphs(rng, 2))
        related = [a for a in arts if a[0] != path][:3]
        article(kit, d, title, parts, byline=f"By {C.person(rng)}, staff writer",
                aside="<h3>Related</h3>" + link_list(d, related, Placement.SIDEBAR))
    robots = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {kit.url('/sitemap.xml')}\n"
    return kit.finish(robots, sitemap=True, tags=("news",))
