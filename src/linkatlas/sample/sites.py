"""Builders of the brand's side of the web: the target shop, its competitors and the niche's
reference sites (a tools site whose calculator is gone, an association, a wiki).
"""

from __future__ import annotations

import dataclasses

from linkatlas.model import Placement
from linkatlas.sample import content as C
from linkatlas.sample.kit import (
    BRAND,
    DEAD_RESOURCE,
    T_EMBER,
    T_GUIDE,
    Context,
    SiteKit,
    article,
    editorial,
    link_list,
    paragraphs,
    titles,
)
from linkatlas.sample.render import PageDraft, Regions, document, esc, redirect
from linkatlas.sample.web import SamplePage, SampleSite

ROASTERS = (("ember-1kg", "Ember 1 kg Drum Roaster", 1490), ("ember-250", "Ember 250 g", 690),
            ("flint-500", "Flint 500 g Fluid-Bed Roaster", 540),
            ("blaze-2kg", "Blaze 2 kg Shop Roaster", 3900))
GRINDERS = (("conical-48", "Conical 48 mm Burr Grinder", 320), ("burr-mini", "Burr Mini", 149),
            ("flat-64", "Flat 64 mm Grinder", 610))


def _product(kit: SiteKit, path: str, name: str, price: int, related: list[tuple[str, str]]
             ) -> SamplePage:
    d = kit.draft(path)
    rng = kit.rng(path)
    main = (f"<h1>{esc(name)}</h1><p class=\"price\">${price}</p>"
            + d.img_a(path, f"/static{path}.jpg", f"{name} product photo", Placement.CONTENT)
            + paragraphs(rng, 2)
            + f"<p>Questions? {d.a('/contact', 'Ask our roasting team', Placement.CONTENT)}.</p>")
    aside = "<h3>Related</h3>" + link_list(d, related, Placement.SIDEBAR)
    kit.page(d, f"{name} | {kit.name}", main, aside=aside, canonical=path)
    return kit.pages[-1]


def target(ctx: Context) -> SampleSite:
    """BeanCraft, the shop whose backlinks everything is about."""
    kit = SiteKit(ctx, "www.beancraft.example", BRAND, "target", "landmark")
    kit.menu += [("/roasters/", "Roasters"), ("/grinders/", "Grinders"),
                 ("/guides/home-roasting-guide", "Roasting guide"), ("/blog/", "Blog")]
    kit.footer_links += [("/shipping", "Shipping"), ("/sitemap.xml", "Sitemap")]
    grinders = [g for g in GRINDERS if not (ctx.v2 and g[0] == "burr-mini")]
    related = [(f"/roasters/{s}", n) for s, n, _ in ROASTERS[:2]]

    d = kit.draft("/")
    rng = kit.rng("/")
    main = ("<h1>Roast your own coffee at home</h1>"
            + d.img_a("/roasters/ember-1kg", "/static/hero.jpg", "Ember 1 kg home coffee roaster",
                      Placement.CONTENT)
            + paragraphs(rng, 2)
            + "<h2>Best sellers</h2>"
            + link_list(d, [(f"/roasters/{s}", n) for s, n, _ in ROASTERS], Placement.CONTENT))
    kit.page(d, f"{BRAND} – Home Coffee Roasters and Grinders", main, canonical="/")

    for cat, items in (("roasters", ROASTERS), ("grinders", tuple(grinders))):
        d = kit.draft(f"/{cat}/")
        main = f"<h1>{cat.title()}</h1>" + link_list(
            d, [(f"/{cat}/{s}", f"{n} – ${p}") for s, n, p in items], Placement.CONTENT)
        kit.page(d, f"{cat.title()} | {BRAND}", main)
        for s, n, p in items:
            _product(kit, f"/{cat}/{s}", n, p, related)
    ember = next(p for p in kit.pages if p.url == T_EMBER)
    # a tracking-parameter duplicate: same body, so the WARC gets a revisit record for it
    kit.add(dataclasses.replace(ember, url=T_EMBER + "?ref=newsletter", tags=("duplicate",)))
    if ctx.v2:
        kit.gone("/grinders/burr-mini")
        ctx.change("page_deleted", kit.url("/grinders/burr-mini"), detail="product discontinued")

    posts = titles(kit, "blog", 6)
    d = kit.draft("/blog/")
    kit.page(d, f"Blog | {BRAND}", "<h1>Blog</h1>" + link_list(
        d, [(f"/blog/{C.slug(t)}", t) for t in posts], Placement.CONTENT))
    for t in posts:
        path = f"/blog/{C.slug(t)}"
        d, rng = kit.draft(path), kit.rng(path)
        parts = [paragraphs(rng, 2), editorial(d, rng, "/guides/home-roasting-guide",
                                               "our home roasting guide"), paragraphs(rng, 1)]
        article(kit, d, t, parts, byline=f"By {C.person(rng)} · {BRAND} team")
    d, rng = kit.draft("/guides/home-roasting-guide"), kit.rng("/guides/home-roasting-guide")
    article(kit, d, "The Complete Home Roasting Guide", [paragraphs(rng, 6)],
            byline="Updated January 2024")
    for path, title in (("/about", "About BeanCraft"), ("/shipping", "Shipping and returns")):
        d, rng = kit.draft(path), kit.rng(path)
        kit.page(d, f"{title} | {BRAND}", f"<h1>{title}</h1>{paragraphs(rng, 2)}")
    d = kit.draft("/contact")
    d.emails += ["hello@beancraft.example", "support@beancraft.example"]
    kit.page(d, f"Contact | {BRAND}", "<h1>Contact us</h1><p>Write to "
             + d.a("mailto:hello@beancraft.example", "hello@beancraft.example",
                   Placement.CONTENT, tags=("mailto",))
             + " or, for orders, support [at] beancraft [dot] example.</p>")
    d = kit.draft("/search?q=roaster")
    kit.page(d, f"Search results | {BRAND}", "<h1>Search: roaster</h1>" + link_list(
        d, [(f"/roasters/{s}", n) for s, n, _ in ROASTERS], Placement.CONTENT))

    kit.add(redirect(kit.url("/products/ember-roaster"), T_EMBER, 301))
    kit.add(redirect(kit.url("/shop"), kit.url("/store/"), 301))
    kit.add(redirect(kit.url("/store/"), "/roasters/", 302))
    kit.gone("/blog/holiday-sale-2019", 404)
    kit.gone("/promo/spring-bundle", 410)
    robots = ("User-agent: *\nDisallow: /search\nDisallow: /cart/\nAllow: /\n\n"
              f"Sitemap: {kit.url('/sitemap.xml')}\n")
    return kit.finish(robots, sitemap=True, tags=("shop",))


def competitor(ctx: Context, host: str, name: str, layout: str) -> SampleSite:
    """A rival shop; the niche links to it where it does not link to the target."""
    kit = SiteKit(ctx, host, name, "competitor", layout)
    kit.menu += [("/roasters/", "Roasters"), ("/guides/", "Guides")]
    items = [("/roasters/pro-1", "Pro 1 Roaster"), ("/roasters/pro-3", "Pro 3 Roaster"),
             ("/roasters/lite", "Lite Roaster")]
    d, rng = kit.draft("/"), kit.rng("/")
    kit.page(d, f"{name} – Coffee Roasting Equipment",
             f"<h1>{esc(name)}</h1>{paragraphs(rng, 2)}" + link_list(d, items, Placement.CONTENT))
    d = kit.draft("/roasters/")
    kit.page(d, f"Roasters | {name}", "<h1>Roasters</h1>" + link_list(d, items, Placement.CONTENT))
    for path, title in items:
        d, rng = kit.draft(path), kit.rng(path)
        kit.page(d, f"{title} | {name}", f"<h1>{title}</h1>{paragraphs(rng, 2)}")
    guides = titles(kit, "guides", 3)
    d = kit.draft("/guides/")
    kit.page(d, f"Guides | {name}", "<h1>Guides</h1>" + link_list(
        d, [(f"/guides/{C.slug(t)}", t) for t in guides], Placement.CONTENT))
    for t in guides:
        d, rng = kit.draft(f"/guides/{C.slug(t)}"), kit.rng(t)
        article(kit, d, t, [paragraphs(rng, 4)], byline=f"By {C.person(rng)}")
    for path, title in (("/about", f"About {name}"), ("/contact", "Contact")):
        d, rng = kit.draft(path), kit.rng(path)
        email = f"sales@{host.removeprefix('www.')}"
        d.emails.append(email)
        kit.page(d, title, f"<h1>{esc(title)}</h1>{paragraphs(rng, 1)}<p>"
                 + d.a(f"mailto:{email}", "Email our sales team", Placement.CONTENT,
                       tags=("mailto",)) + "</p>")
    robots = f"User-agent: *\nDisallow: /checkout/\n\nSitemap: {kit.url('/sitemap.xml')}\n"
    return kit.finish(robots, sitemap=True, tags=("shop",))


def tools(ctx: Context) -> SampleSite:
    """A slow roasting-tools site whose popular calculator page is gone (the dead resource)."""
    kit = SiteKit(ctx, "www.roastlog-tools.example", "RoastLog Tools", "resource", "div")
    kit.menu += [("/calculator/", "Calculators"), ("/blog/", "Blog")]
    d, rng = kit.draft("/"), kit.rng("/")
    kit.page(d, "RoastLog Tools – free roasting calculators",
             f"<h1>RoastLog Tools</h1>{paragraphs(rng, 2)}")
    d, rng = kit.draft("/calculator/"), kit.rng("/calculator/")
    kit.page(d, "Calculators | RoastLog Tools", "<h1>Calculators</h1>" + paragraphs(rng, 1)
             + link_list(d, [("/calculator/weight-loss", "Roast weight-loss calculator")],
                         Placement.CONTENT))
    d, rng = kit.draft("/calculator/weight-loss"), kit.rng("/calculator/weight-loss")
    kit.page(d, "Weight-loss calculator", f"<h1>Weight-loss calculator</h1>{paragraphs(rng, 2)}")
    kit.gone(DEAD_RESOURCE.removeprefix(kit.origin))
    d = kit.draft("/blog/")
    kit.page(d, "Blog | RoastLog Tools", "<h1>Blog</h1>"
             + link_list(d, [("/blog/logging-your-roasts", "Logging your roasts")],
                         Placement.CONTENT))
    d, rng = kit.draft("/blog/logging-your-roasts"), kit.rng("/blog/logging-your-roasts")
    article(kit, d, "Logging your roasts", [paragraphs(rng, 3)], byline="By Lars Lindqvist")
    robots = "User-agent: *\nDisallow: /api/\n\nUser-agent: BadBot\nDisallow: /\n"
    return kit.finish(robots, latency_ms=1500, tags=("slow",))


def guild(ctx: Context) -> SampleSite:
    """An association with a resource page that lists competitors (not the target) and an
    endless event calendar (the crawl trap)."""
    kit = SiteKit(ctx, "coffee-guild.example", "Home Coffee Roasters Guild", "resource",
                  "landmark")
    kit.menu += [("/resources", "Useful links"), ("/events/calendar?month=2024-03", "Events")]
    d, rng = kit.draft("/"), kit.rng("/")
    kit.page(d, "Home Coffee Roasters Guild", f"<h1>Welcome</h1>{paragraphs(rng, 3)}")
    d = kit.draft("/resources")
    useful = [("https://www.roastworks.example/", "RoastWorks – roasting equipment"),
              ("https://www.grindhouse-supply.example/", "Grindhouse Supply"),
              ("https://coffeewiki.example/wiki/Home_roasting", "CoffeeWiki: Home roasting"),
              (DEAD_RESOURCE, "Roast profile calculator"),
              ("https://www.roastlog-tools.example/", "RoastLog Tools")]
    kit.page(d, "Useful links | Home Coffee Roasters Guild",
             "<h1>Useful links</h1><p>Resources our members recommend.</p>"
             + link_list(d, useful, Placement.CONTENT, tags=("resource-page",)))
    d = kit.draft("/contact")
    d.emails.append("jane@coffee-guild.example")
    kit.page(d, "Contact the Guild", "<h1>Contact</h1><p>Our secretary Jane Okafor reads "
             "jane [at] coffee-guild [dot] example every week.</p>")
    trap = Calendar(kit)
    for month in ("2024-02", "2024-03", "2024-04"):
        kit.add(trap.render(month))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {kit.url('/sitemap.xml')}\n"
    return kit.finish(robots, sitemap=True, dynamic=trap.lookup, tags=("crawl-trap",))


class Calendar:
    """An event calendar with previous/next month links for ever: a crawl trap."""

    PREFIX = "/events/calendar?month="

    def __init__(self, kit: SiteKit) -> None:
        self.kit = kit

    def render(self, month: str) -> SamplePage:
        """The calendar page of one month (YYYY-MM)."""
        year, mon = int(month[:4]), int(month[5:7])
        prev = f"{year - (mon == 1)}-{12 if mon == 1 else mon - 1:02d}"
        nxt = f"{year + (mon == 12)}-{1 if mon == 12 else mon + 1:02d}"
        d = PageDraft(self.kit.url(self.PREFIX + month))
        main = (f"<h1>Events in {month}</h1><p>No events this month.</p><p>"
                + d.a(self.PREFIX + prev, "« previous month", Placement.CONTENT,
                      tags=("crawl-trap",)) + " "
                + d.a(self.PREFIX + nxt, "next month »", Placement.CONTENT,
                      tags=("crawl-trap",)) + "</p>")
        title = f"Events {month}"
        regions = Regions(header=self.kit.header(d), nav=self.kit.nav(d), main=main,
                          footer=self.kit.footer(d))
        return d.page(title, document(self.kit.layout, title, regions))

    def lookup(self, url: str) -> SamplePage | None:
        """Render any month's URL of this calendar, or None for other URLs."""
        prefix = self.kit.url(self.PREFIX)
        month = url.removeprefix(prefix)
        if not url.startswith(prefix) or len(month) != 7 or month[4] != "-":
            return None
        if not (month[:4].isdigit() and month[5:].isdigit() and 1 <= int(month[5:]) <= 12):
            return None
        return self.render(month)


def wiki(ctx: Context) -> SampleSite:
    """A wiki-like reference: dense internal links, references, a 'useful links' page."""
    kit = SiteKit(ctx, "coffeewiki.example", "CoffeeWiki", "resource", "landmark")
    kit.menu += [("/wiki/Useful_links", "Useful links")]
    kit.footer_links = [("/wiki/CoffeeWiki:About", "About CoffeeWiki")]
    topics = [t.title().replace(" ", "_") for t in C.TOPICS[:8]] + ["Home_roasting"]
    for topic in topics:
        path = f"/wiki/{topic}"
        d, rng = kit.draft(path), kit.rng(path)
        see = [(f"/wiki/{t}", t.replace("_", " ")) for t in rng.sample(topics, 4) if t != topic]
        refs = [(T_GUIDE, f"{BRAND} home roasting guide")] if topic == "Home_roasting" else []
        refs += [("https://dailygrind-news.example/news/", "The Daily Grind")]
        if topic in ("Roast_Logging", "Development_Time"):
            refs.append((DEAD_RESOURCE, "Roast profile calculator"))
        parts = [paragraphs(rng, 3), "<h2>See also</h2>", link_list(d, see, Placement.CONTENT),
                 "<h2>References</h2>", link_list(d, refs, Placement.CONTENT, rel="nofollow",
                                                  tags=("reference",))]
        article(kit, d, topic.replace("_", " "), parts)
    d = kit.draft("/wiki/Useful_links")
    useful = [("https://www.roastworks.example/guides/", "RoastWorks guides"),
              ("https://www.grindhouse-supply.example/", "Grindhouse Supply"),
              ("https://coffee-guild.example/resources", "Home Coffee Roasters Guild"),
              ("https://roastersforum.example/", "Roasters Forum")]
    article(kit, d, "Useful links", ["<p>External sites useful to home roasters.</p>",
                                     link_list(d, useful, Placement.CONTENT,
                                               tags=("resource-page",))])
    d, rng = kit.draft("/wiki/CoffeeWiki:About"), kit.rng("about")
    article(kit, d, "About CoffeeWiki", [paragraphs(rng, 1)])
    robots = "User-agent: *\nDisallow: /w/index.php\nDisallow: /wiki/Special:\n"
    return kit.finish(robots, tags=("wiki",))
