"""Common Crawl WAT record -> Extracted (page + links). Pure: no I/O.

A WAT record is the JSON metadata Common Crawl derives from one WARC record
(``Envelope.WARC-Header-Metadata``, ``Envelope.Payload-Metadata.HTTP-Response-Metadata`` with
``Headers``, ``Response-Message`` and ``HTML-Metadata`` ``{Head: {Title, Base, Metas, Link},
Links: [{path, url, text, rel, ...}]}``). Only records of WARC responses give a page. WAT has
no DOM, so every link's placement is UNKNOWN and no context text is available. Which WAT paths
become which ``LinkKind`` is written in ``docs/ingest.md``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from linkatlas import urls
from linkatlas.extract.common import make_link
from linkatlas.extract.headers import (
    link_header_canonicals,
    page_nofollow_from_meta,
    parse_warc_date,
    robots_nofollow,
)
from linkatlas.extract.html import refresh_target
from linkatlas.model import Extracted, Link, LinkKind, Page, Source


@dataclass(frozen=True, slots=True)
class WatRecord:
    """One WAT JSON ``Envelope`` and where it was read (``file.wat.gz@offset``)."""

    envelope: dict[str, Any]
    observed_in: str


_WS = re.compile(r"\s+")
_ALTERNATE_RELS = frozenset({"alternate", "amphtml"})
_OTHER_RELS = frozenset({"next", "prev", "author", "me", "publisher", "shortlink"})
_BODY_KINDS = {"A@/href": LinkKind.A, "AREA@/href": LinkKind.AREA}
_BODY_COUNTED = frozenset({LinkKind.A, LinkKind.AREA, LinkKind.IMAGE})


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _get_ci(headers: Mapping[str, Any], name: str) -> str:
    lname = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == lname:
            if isinstance(value, list):
                return ", ".join(v for v in value if isinstance(v, str))
            return _str(value)
    return ""


class _Builder:
    """Accumulates links in page order with position and occurrence numbers."""

    def __init__(self, source: str, seen: _dt.datetime, observed_in: str, nofollow: bool) -> None:
        self.source = source
        self.seen = seen
        self.observed_in = observed_in
        self.nofollow = nofollow
        self.links: list[Link] = []
        self.counts: dict[tuple[str, LinkKind, str], int] = {}

    def add(self, raw: str, base: str, kind: LinkKind, anchor: str = "", rel: str = "") -> None:
        if not raw:
            return
        resolved = urls.resolve(raw, base)
        target = urls.try_normalize(resolved) if resolved else None
        if target is None or not target.startswith(("http://", "https://")):
            return
        key = (target, kind, anchor)
        occurrence = self.counts.get(key, 0)
        self.counts[key] = occurrence + 1
        self.links.append(
            make_link(
                self.source,
                target,
                anchor=anchor,
                kind=kind,
                rel=rel,
                page_nofollow=self.nofollow and kind in _BODY_COUNTED,
                position=len(self.links),
                occurrence=occurrence,
                seen=self.seen,
                via=Source.WAT,
                observed_in=self.observed_in,
            )
        )


def from_wat_record(record: WatRecord) -> Extracted | None:
    """The page and links of a WAT record of an HTTP response; None for any other record."""
    env = _obj(record.envelope)
    warc = _obj(env.get("WARC-Header-Metadata"))
    if _str(warc.get("WARC-Type")).lower() != "response":
        return None
    http = _obj(_obj(env.get("Payload-Metadata")).get("HTTP-Response-Metadata"))
    if not http:
        return None
    raw_url = _str(warc.get("WARC-Target-URI")).strip().strip("<>")
    source = urls.try_normalize(raw_url) if raw_url else None
    fetched = parse_warc_date(_str(warc.get("WARC-Date")))
    try:
        status = int(_str(_obj(http.get("Response-Message")).get("Status")) or "x")
    except ValueError:
        return None
    if source is None or fetched is None or not source.startswith(("http://", "https://")):
        return None
    headers = _obj(http.get("Headers"))
    html = _obj(http.get("HTML-Metadata"))
    head = _obj(html.get("Head"))
    metas = _list(head.get("Metas"))

    robots = [
        _str(m.get("content")).strip()
        for m in metas
        if _str(m.get("name")).lower() == "robots" and _str(m.get("content")).strip()
    ]
    meta_robots = ", ".join(robots).lower()
    x_robots = _get_ci(headers, "X-Robots-Tag")
    nofollow = page_nofollow_from_meta(robots) or robots_nofollow(x_robots)

    base = source
    base_href = _str(head.get("Base"))
    if base_href:
        base = urls.resolve(base_href, source) or source
    out = _Builder(source, fetched, record.observed_in, nofollow)

    location = _get_ci(headers, "Location")
    if 300 <= status < 400 and location:
        out.add(location, source, LinkKind.REDIRECT)
    for header_canonical in link_header_canonicals([_get_ci(headers, "Link")])[:1]:
        out.add(header_canonical, source, LinkKind.CANONICAL, rel="canonical")
    for item in _list(head.get("Link")):
        rel = _str(item.get("rel"))
        tokens = set(rel.lower().split())
        if "canonical" in tokens:
            kind = LinkKind.CANONICAL
        elif tokens & _ALTERNATE_RELS:
            kind = LinkKind.ALTERNATE
        elif tokens & _OTHER_RELS:
            kind = LinkKind.LINK
        else:
            continue  # stylesheets, icons, preloads: resources, not links
        out.add(_str(item.get("url")), base, kind, rel=rel)

    body_links = _list(html.get("Links"))
    has_refresh_path = any(_str(i.get("path")) == "__meta_refresh__" for i in body_links)
    if not has_refresh_path:
        for meta in metas:
            if _str(meta.get("http-equiv")).lower() == "refresh":
                out.add(refresh_target(_str(meta.get("content"))) or "", base, LinkKind.REFRESH)
    for item in body_links:
        path = _str(item.get("path"))
        if path == "__meta_refresh__":
            out.add(_str(item.get("url")), base, LinkKind.REFRESH)
            continue
        body_kind = _BODY_KINDS.get(path)
        if body_kind is None:
            continue
        anchor = _WS.sub(" ", _str(item.get("text"))).strip()
        out.add(_str(item.get("url")), base, body_kind, anchor, _str(item.get("rel")))

    canonicals = [link.target_url for link in out.links if link.kind is LinkKind.CANONICAL]
    host, domain = urls.host_and_domain(source)
    ctype = _get_ci(headers, "Content-Type")
    media, _, params = ctype.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("'\"").lower()
    lang = ""
    for meta in metas:
        if _str(meta.get("name")) in ("HTML@/lang", "HTML@/xml:lang"):
            lang = _str(meta.get("content")).strip()
            break
    counted = [link for link in out.links if link.kind in _BODY_COUNTED]
    internal = sum(1 for link in counted if link.internal)
    try:
        length = int(_str(http.get("Entity-Length")) or 0)
    except ValueError:
        length = 0
    page = Page(
        url=source,
        final_url=source,
        host=host,
        domain=domain,
        status=status,
        fetched_at=fetched,
        content_type=media.strip().lower(),
        charset=charset,
        content_length=length,
        title=_WS.sub(" ", _str(head.get("Title"))).strip(),
        language=lang,
        canonical=canonicals[0] if canonicals else "",
        meta_robots=meta_robots,
        x_robots_tag=x_robots,
        internal_links=internal,
        external_links=len(counted) - internal,
        via=Source.WAT,
        observed_in=record.observed_in,
    )
    return Extracted(page=page, links=out.links)
