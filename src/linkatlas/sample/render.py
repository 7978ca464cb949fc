"""HTML for sample pages: a draft that records every link it writes, and three page layouts.

Layouts: ``landmark`` (HTML5 header/nav/main/article/aside/footer), ``div`` (the same regions as
``div`` elements with class and id names only) and ``table`` (an old table layout, for the
directory and spam sites). Placement heuristics are meant to be exercised by all three.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from linkatlas import urls
from linkatlas.model import LinkKind, Placement
from linkatlas.sample.web import ExpectedLink, SamplePage

HTML_TYPE = "text/html; charset=utf-8"
# Each recorded link leaves this mark in its tag; ``PageDraft.page`` orders the truth by the
# marks' positions in the finished document (regions are written out of order) and strips them.
_MARK = re.compile(r"\x00(\d+)\x00")


def esc(text: str) -> str:
    """Text escaped for HTML content and attributes."""
    return html.escape(text, quote=True)


@dataclass
class PageDraft:
    """A page being written: its URL and the links, emails and mentions put into it so far."""

    url: str
    links: list[ExpectedLink] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    tracking_ids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def target(self, href: str) -> str:
        """The absolute, normalised URL ``href`` points to from this page."""
        resolved = urls.resolve(href, self.url)
        if resolved is None:
            raise ValueError(f"sample generator wrote an invalid href {href!r} on {self.url}")
        return urls.normalize(resolved)

    def _record(self, link: ExpectedLink) -> str:
        self.links.append(link)
        return f"\x00{len(self.links) - 1}\x00"

    def a(
        self,
        href: str,
        text: str,
        placement: Placement,
        *,
        rel: str = "",
        tags: tuple[str, ...] = (),
        cls: str = "",
    ) -> str:
        """An ``<a>`` element, recorded as an expected link."""
        mark = self._record(ExpectedLink(self.target(href), " ".join(text.split()), placement,
                                         rel, LinkKind.A, href, tags))
        rel_attr = f' rel="{esc(rel)}"' if rel else ""
        cls_attr = f' class="{esc(cls)}"' if cls else ""
        return f'<a{mark} href="{esc(href)}"{rel_attr}{cls_attr}>{esc(text)}</a>'

    def img_a(
        self,
        href: str,
        src: str,
        alt: str,
        placement: Placement,
        *,
        rel: str = "",
        tags: tuple[str, ...] = (),
    ) -> str:
        """A link whose only content is an image: its anchor is the alt text."""
        mark = self._record(ExpectedLink(self.target(href), alt, placement, rel, LinkKind.IMAGE,
                                         href, ("image", *tags)))
        rel_attr = f' rel="{esc(rel)}"' if rel else ""
        return (f'<a{mark} href="{esc(href)}"{rel_attr}><img src="{esc(src)}" alt="{esc(alt)}" '
                f'width="300" height="200"></a>')

    def area(self, href: str, alt: str, coords: str, placement: Placement) -> str:
        """An ``<area>`` of an image map."""
        mark = self._record(ExpectedLink(self.target(href), alt, placement, "", LinkKind.AREA,
                                         href, ("area",)))
        return f'<area{mark} shape="rect" coords="{coords}" href="{esc(href)}" alt="{esc(alt)}">'

    def canonical(self, href: str) -> str:
        """A ``<link rel=canonical>`` for the head."""
        mark = self._record(ExpectedLink(self.target(href), "", Placement.UNKNOWN, "canonical",
                                         LinkKind.CANONICAL, href))
        return f'<link{mark} rel="canonical" href="{esc(href)}">'

    def page(self, title: str, body: str, *, lang: str = "en", status: int = 200,
             extra_headers: tuple[tuple[str, str], ...] = ()) -> SamplePage:
        """The finished page with its ground truth, in document order."""
        order = [int(m) for m in _MARK.findall(body)]
        data = _MARK.sub("", body).encode("utf-8")
        headers = (("Content-Type", HTML_TYPE), ("Content-Length", str(len(data))),
                   *extra_headers)
        return SamplePage(
            url=self.url, status=status, headers=headers, body=data, title=title, lang=lang,
            truth=tuple(self.links[i] for i in order), emails=tuple(dict.fromkeys(self.emails)),
            mentions=tuple(dict.fromkeys(self.mentions)),
            tracking_ids=tuple(dict.fromkeys(self.tracking_ids)), tags=tuple(self.tags),
        )


@dataclass
class Regions:
    """The HTML of each region of a page; empty regions are left out."""

    header: str = ""
    nav: str = ""
    main: str = ""
    aside: str = ""
    footer: str = ""
    head_extra: str = ""
    body_end: str = ""


_STYLE = ("<style>body{font-family:Georgia,serif;max-width:62rem;margin:auto}"
          ".sidebar,aside{float:right;width:30%}</style>")


def document(layout: str, title: str, r: Regions, *, lang: str = "en") -> str:
    """A complete HTML document in one of the layouts."""
    head = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{_STYLE}\n{r.head_extra}</head>\n<body>\n")
    if layout == "landmark":
        parts = [
            f"<header>{r.header}</header>" if r.header else "",
            f"<nav>{r.nav}</nav>" if r.nav else "",
            f"<main>{r.main}</main>",
            f"<aside>{r.aside}</aside>" if r.aside else "",
            f"<footer>{r.footer}</footer>" if r.footer else "",
        ]
    elif layout == "div":
        parts = [
            f'<div id="masthead" class="site-header">{r.header}</div>' if r.header else "",
            f'<div class="menu main-menu">{r.nav}</div>' if r.nav else "",
            f'<div id="content" class="content-area"><div class="entry-content">{r.main}'
            "</div></div>",
            f'<div id="sidebar" class="widget-area">{r.aside}</div>' if r.aside else "",
            f'<div class="site-footer" id="colophon">{r.footer}</div>' if r.footer else "",
        ]
    elif layout == "table":
        parts = [
            '<table width="100%" border="0" cellpadding="4">',
            f'<tr><td colspan="2" class="top">{r.header}{r.nav}</td></tr>',
            f'<tr><td valign="top" class="left">{r.aside}</td>'
            f'<td valign="top" class="body">{r.main}</td></tr>',
            f'<tr><td colspan="2" class="bottom">{r.footer}</td></tr>',
            "</table>",
        ]
    else:
        raise ValueError(f"unknown layout {layout!r}")
    return head + "\n".join(p for p in parts if p) + f"\n{r.body_end}</body>\n</html>\n"


def redirect(url: str, location: str, status: int) -> SamplePage:
    """A 3xx response whose Location is recorded as an expected redirect link."""
    draft = PageDraft(url)
    target = draft.target(location)
    # plain text only: extraction reads a 3xx for its Location, not for body links
    body = f"<html><body><p>Moved to {esc(location)}</p></body></html>".encode()
    truth = (ExpectedLink(target, "", Placement.UNKNOWN, "", LinkKind.REDIRECT, location),)
    headers = (("Location", location), ("Content-Type", HTML_TYPE),
               ("Content-Length", str(len(body))))
    return SamplePage(url=url, status=status, headers=headers, body=body, truth=truth,
                      tags=("redirect",))


def error_page(url: str, status: int, site_name: str) -> SamplePage:
    """A 404 or 410 response with a short, link-free body."""
    reason = "Gone" if status == 410 else "Not Found"
    body = (f"<!DOCTYPE html><html lang=\"en\"><head><title>{status} {reason}</title></head>"
            f"<body><h1>{reason}</h1><p>{esc(site_name)} could not find "
            f"<code>{esc(url.split('/', 3)[-1])}</code>.</p>"
            "</body></html>\n").encode()
    headers = (("Content-Type", HTML_TYPE), ("Content-Length", str(len(body))))
    return SamplePage(url=url, status=status, headers=headers, body=body,
                      title=f"{status} {reason}", tags=("gone",))


def text_file(url: str, text: str, content_type: str) -> SamplePage:
    """A non-HTML 200 response (robots.txt, sitemap.xml)."""
    data = text.encode("utf-8")
    headers = (("Content-Type", content_type), ("Content-Length", str(len(data))))
    return SamplePage(url=url, status=200, headers=headers, body=data)
