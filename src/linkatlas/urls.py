"""URL rules: WHATWG parsing and resolution, normalisation, host, registrable domain (pure).

First version; conformance work (WHATWG urltestdata, PSL tests) refines it.
"""

from __future__ import annotations

import functools
import ipaddress

import ada_url
from publicsuffixlist import PublicSuffixList

from linkatlas.errors import InvalidURLError

_PSL = PublicSuffixList()
_STRIP = "\t\n\f\r \x00"


def resolve(href: str, base: str) -> str | None:
    """Resolve ``href`` against ``base`` per WHATWG; None when the result is not a valid URL."""
    try:
        return str(ada_url.join_url(base, href.strip(_STRIP)))
    except ValueError:
        return None


def normalize(url: str) -> str:
    """The de-duplication form of a URL; raises InvalidURLError when it cannot be parsed."""
    try:
        parsed = ada_url.URL(url.strip(_STRIP))
    except ValueError as exc:
        raise InvalidURLError(f"not a valid URL: {url!r}") from exc
    parsed.hash = ""
    return str(parsed.href)


def try_normalize(url: str) -> str | None:
    """``normalize`` that returns None instead of raising."""
    try:
        return normalize(url)
    except InvalidURLError:
        return None


def host(url: str) -> str:
    """The host of a URL (lower-case, punycode), or '' when it has none."""
    try:
        return str(ada_url.URL(url).hostname)
    except ValueError:
        return ""


@functools.lru_cache(maxsize=1 << 16)
def registrable_domain(hostname: str) -> str:
    """The registrable domain of a host; an IP address or a bare public suffix is its own."""
    h = hostname.strip(".").lower()
    if not h:
        return ""
    if h.startswith("["):
        return h
    try:
        ipaddress.ip_address(h)
        return h
    except ValueError:
        pass
    return _PSL.privatesuffix(h) or h


@functools.lru_cache(maxsize=1 << 16)
def host_and_domain(url: str) -> tuple[str, str]:
    """Host and registrable domain of a URL, cached."""
    h = host(url)
    return h, registrable_domain(h)


def reversed_host(hostname: str) -> str:
    """Reversed-host notation: ``www.example.com`` becomes ``com.example.www``."""
    return ".".join(reversed(hostname.strip(".").split(".")))
