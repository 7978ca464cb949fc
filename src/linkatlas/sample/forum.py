"""The forum: threads of user posts with ugc links, signatures, and one oversized thread."""

from __future__ import annotations

from linkatlas.model import Placement
from linkatlas.sample import content as C
from linkatlas.sample.kit import (
    EXACT_ANCHORS,
    T_EMBER,
    T_HOME,
    Context,
    SiteKit,
    link_list,
    titles,
)
from linkatlas.sample.render import PageDraft, Regions, document, esc
from linkatlas.sample.web import SamplePage, SampleSite

# above the default max_body_bytes setting (10 MiB), so size limits get exercised
OVERSIZED_BYTES = 11 * 1024 * 1024
HOST = "roastersforum.example"


def _post(d: PageDraft, user: str, text: str, *, first: bool, signature: str = "") -> str:
    cls = "post first-post" if first else "post reply"
    sig = f'<div class="signature">{signature}</div>' if signature else ""
    return (f'<div class="{cls}"><div class="postauthor">{esc(user)}</div>'
            f'<div class="postbody">{text}</div>{sig}</div>')


def forum(ctx: Context) -> SampleSite:
    """Roasters Forum (div-only markup); robots.txt with a Crawl-delay."""
    kit = SiteKit(ctx, HOST, "Roasters Forum", "forum", "div")
    kit.menu += [("/board/roasting", "Roasting"), ("/board/gear", "Gear"),
                 ("/members/", "Members")]
    threads = [(f"/threads/{100 + i}-{C.slug(t)}", t)
               for i, t in enumerate(titles(kit, "thread", 12))]
    d = kit.draft("/")
    kit.page(d, "Roasters Forum", "<h1>Boards</h1>" + link_list(
        d, [("/board/roasting", "Roasting"), ("/board/gear", "Gear"),
            ("/threads/the-big-roast-log", "The big roast log (sticky)")], Placement.CONTENT))
    for board, part in (("roasting", threads[:6]), ("gear", threads[6:])):
        d = kit.draft(f"/board/{board}")
        kit.page(d, f"{board.title()} | Roasters Forum", f"<h1>{board.title()}</h1>"
                 + link_list(d, part, Placement.CONTENT))
    for i, (path, title) in enumerate(threads):
        d, rng = kit.draft(path), kit.rng(path)
        first_link = ""
        if i == 1:
            first_link = " " + d.a(T_EMBER, "this roaster", Placement.CONTENT, rel="ugc",
                                   tags=("anchor:partial",))
        posts = [_post(d, C.person(rng), esc(C.paragraph(rng, 3)) + first_link, first=True)]
        for j in range(3):
            sig = ""
            if j == 0 and i % 2 == 0:
                sig = "Roasting since 2015 · " + d.a(
                    T_HOME, EXACT_ANCHORS[3], Placement.COMMENT, tags=("signature",
                                                                        "anchor:exact"))
            elif j == 1:
                sig = d.a("https://roastfan.example/", "my roast logs", Placement.COMMENT,
                          rel="ugc nofollow", tags=("signature",))
            text = esc(C.comment(rng))
            if j == 2 and i == 3:
                text += " " + d.a("https://www.roastworks.example/roasters/pro-1",
                                  "RoastWorks Pro 1", Placement.COMMENT, rel="ugc",
                                  tags=("anchor:brand",))
            posts.append(_post(d, "BeanCraftFan" if sig and j == 0 else C.person(rng), text,
                               first=False, signature=sig))
        kit.page(d, f"{title} | Roasters Forum", f"<h1>{esc(title)}</h1>" + "".join(posts))
    kit.add(_oversized(kit))
    robots = ("User-agent: *\nCrawl-delay: 1\nDisallow: /members/\nDisallow: /search\n"
              "Disallow: /*?sid=\n")
    return kit.finish(robots, tags=("forum", "crawl-delay", "oversized-page"))


def _oversized(kit: SiteKit) -> SamplePage:
    """A sticky thread over 11 MiB: link-free replies repeated, built by string multiplication
    so the build stays fast."""
    d = kit.draft("/threads/the-big-roast-log")
    rng = kit.rng("big")
    reply = _post(d, "Regular", esc(C.paragraph(rng, 6)), first=False) + "\n"
    head = Regions(header=kit.header(d), nav=kit.nav(d), main="<h1>The big roast log</h1>@@",
                   footer=kit.footer(d))
    shell = document(kit.layout, "The big roast log | Roasters Forum", head)
    fill = reply * (OVERSIZED_BYTES // len(reply.encode()) + 1)
    d.tags.append("oversized")
    return d.page("The big roast log | Roasters Forum", shell.replace("@@", fill))
