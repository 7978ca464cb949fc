"""What the HTTP response headers say about a page: type, language, robots, Location, Link."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from linkatlas.model import UTC, Capture

# Robots directives that themselves contain a colon, so "name: value" is not a user agent.
_COLON_DIRECTIVES = frozenset(
    {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}
)
# Agents whose rules linkatlas applies: the rules search engines publish follow Googlebot's.
_OUR_AGENTS = frozenset({"googlebot", "robots", "*"})
# WARC-Date may carry more fractional digits than Python parses (nanoseconds).
_FRACTION_RE = re.compile(r"\.(\d{6})\d+")
_LINK_VALUE = re.compile(r"<([^>]*)>([^<]*)")
_REL_PARAM = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.IGNORECASE)


@dataclass(slots=True)
class HeaderInfo:
    """The response headers linkatlas reads, in usable form."""

    content_type: str = ""
    content_language: str = ""
    x_robots_tag: str = ""
    nofollow: bool = False
    location: str = ""
    canonicals: list[str] = field(default_factory=list)


def robots_directives(value: str) -> set[str]:
    """The X-Robots-Tag directives (lower-case) that apply to us: those with no agent, or for
    googlebot/robots; rules addressed to another bot are left out."""
    found: set[str] = set()
    agent: str | None = None
    for part in value.split(","):
        part = part.strip().lower()
        head, colon, rest = part.partition(":")
        if colon and " " not in head.strip() and head.strip() not in _COLON_DIRECTIVES:
            agent = head.strip()
            part = rest.strip()
        if agent is None or agent in _OUR_AGENTS:
            found.add(part)
    return found


def robots_nofollow(value: str) -> bool:
    """Whether an X-Robots-Tag value says nofollow (or none) for us, not for another bot."""
    directives = robots_directives(value)
    return "nofollow" in directives or "none" in directives


def page_nofollow_from_meta(values: list[str]) -> bool:
    """Whether ``<meta name=robots|googlebot>`` contents (as collected) say nofollow or none."""
    for value in values:
        text = value.lower()
        if text.startswith("googlebot:"):
            text = text[10:]
        tokens = re.split(r"[\s,;]+", text)
        if "nofollow" in tokens or "none" in tokens:
            return True
    return False


def link_header_canonicals(values: list[str]) -> list[str]:
    """URLs of ``Link:`` header entries with rel=canonical, in order."""
    out: list[str] = []
    for value in values:
        for m in _LINK_VALUE.finditer(value):
            rel = _REL_PARAM.search(m.group(2))
            if rel and "canonical" in (rel.group(1) or rel.group(2) or "").lower().split():
                out.append(m.group(1).strip())
    return out


_READ = {"content-type": 1, "content-language": 2, "x-robots-tag": 3, "location": 4, "link": 5}
# each header name met -> what header_info does with it (0: nothing); bounded (a crawl meets a
# few hundred names)
_NAME_KIND: dict[str, int] = {}


def _name_kind(name: str) -> int:
    kind = _NAME_KIND.get(name)
    if kind is None:
        kind = _READ.get(name.strip().lower(), 0)
        if len(_NAME_KIND) < 4096 and len(name) <= 64:
            _NAME_KIND[name] = kind
    return kind


def header_info(capture: Capture) -> HeaderInfo:
    """Read Content-Type, Content-Language, X-Robots-Tag, Location and Link headers."""
    info = HeaderInfo()
    robots: list[str] = []
    links: list[str] = []
    for name, value in capture.headers:
        kind = _NAME_KIND.get(name)
        if kind is None:
            kind = _name_kind(name)
        if not kind:
            continue
        if kind == 1:
            if not info.content_type:
                info.content_type = value.strip()
        elif kind == 2:
            if not info.content_language:
                info.content_language = value.strip()
        elif kind == 3:
            robots.append(value.strip())
        elif kind == 4:
            if not info.location:
                info.location = value.strip()
        else:
            links.append(value)
    if robots:
        info.x_robots_tag = ", ".join(robots)
        info.nofollow = any(robots_nofollow(v) for v in robots)
    if links:
        info.canonicals = link_header_canonicals(links)
    return info


def parse_warc_date(value: str | None) -> _dt.datetime | None:
    """A WARC-Date (ISO 8601, W3C profile) as an aware UTC datetime, or None."""
    if not value:
        return None
    text = _FRACTION_RE.sub(r".\1", value.strip())
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
