"""URL rules: WHATWG parsing and resolution, normalisation, host, registrable domain (pure).

Parsing is ada (a WHATWG URL parser in C++), called through the cffi binding that the
``ada_url`` package itself wraps: one parse yields the serialised href plus the offsets of
every component, so a caller never pays for two parses or for a Python object per URL. The
registrable domain comes from the Public Suffix List shipped inside the installed
``publicsuffixlist`` package (pinned by that package's version; never downloaded).
See ``docs/urls.md`` for what ``normalize`` does and the conformance scores.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Any, NamedTuple

import publicsuffixlist
from ada_url._ada_wrapper import ffi, lib  # the binding behind ada_url's public API

from linkatlas.errors import InvalidURLError

__all__ = [
    "MAX_URL_LENGTH",
    "URLParts",
    "host",
    "host_and_domain",
    "is_http",
    "normalize",
    "parse_target",
    "parts",
    "psl_registrable_domain",
    "psl_version",
    "registrable_domain",
    "resolve",
    "resolve_normalized",
    "reversed_host",
    "try_normalize",
]

# Longer inputs are refused: default Apache and nginx limits (8 KiB request line) mean no
# server could be asked for such a URL, and they are nearly always inline data: blobs.
MAX_URL_LENGTH = 16 * 1024

_OMITTED = 0xFFFFFFFF
# ada's scheme types (ada_url.SchemeType): HTTP=0, NOT_SPECIAL=1, HTTPS=2, WS=3, FTP=4, WSS=5,
# FILE=6; host types: DEFAULT=0, IPV4=1, IPV6=2.
_HTTP_SCHEMES = frozenset({0, 2})
_CANONICAL_ESCAPE_SCHEMES = frozenset({0, 2, 3, 4, 5})
_IPV4, _IPV6 = 1, 2

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = "0123456789abcdefABCDEF"
# Every spelling of %XX: unreserved octets decode (RFC 3986 6.2.2.2), the rest get upper-case hex.
_ESCAPES = {
    f"%{a}{b}": (chr(int(a + b, 16)) if int(a + b, 16) in _UNRESERVED else f"%{a}{b}".upper())
    for a in _HEX
    for b in _HEX
}
_ESCAPE_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_LABEL_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")
# Already-canonical http(s) URLs, whose host WHATWG keeps exactly as written: lower-case ASCII
# labels, the last starting with a letter (so no IPv4 form), no credentials, no trailing dot,
# a port of at most 4 digits (always valid), nothing after the host that parsing could reject.
# host() reads such a host with this regex (0.4 us) instead of a full parse (2 us).
_PLAIN_HOST_RE = re.compile(
    r"https?://((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)(?::[0-9]{1,4})?(?=[/?#]|\Z)"
)
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)\Z", re.DOTALL)


class URLParts(NamedTuple):
    """The WHATWG components of a parsed URL, spelled as the URL API spells them."""

    href: str
    protocol: str
    username: str
    password: str
    hostname: str
    port: str
    pathname: str
    search: str
    hash: str


def _encode(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        # Lone surrogates: browsers see U+FFFD here (USVString conversion), so do the same.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode()


def _parse(url: str, base: str | None) -> tuple[Any, str] | None:
    """An ada handle (the caller frees it with lib.ada_free) and its href; None when invalid."""
    if len(url) > MAX_URL_LENGTH:
        return None
    raw = _encode(url)
    if base is None:
        handle = lib.ada_parse(raw, len(raw))
    else:
        raw_base = _encode(base)
        handle = lib.ada_parse_with_base(raw, len(raw), raw_base, len(raw_base))
        if not lib.ada_is_valid(handle) and not lib.ada_can_parse(raw_base, len(raw_base)):
            # A broken base (a bad page URL) still lets an absolute href stand on its own.
            lib.ada_free(handle)
            handle = lib.ada_parse(raw, len(raw))
    if not lib.ada_is_valid(handle):
        lib.ada_free(handle)
        return None
    # A WHATWG serialisation is ASCII (hosts in punycode, the rest percent-encoded), so byte
    # offsets from ada_get_components are also str offsets.
    s = lib.ada_get_href(handle)
    href: str = ffi.unpack(s.data, s.length).decode("ascii")
    if "xn--" in href and not _valid_ace_host(handle, href):
        lib.ada_free(handle)
        return None
    return handle, href


def _valid_ace_host(handle: Any, href: str) -> bool:
    """False when an 'xn--' label of a special URL's domain is not valid IDNA.

    ada 4.0 lets such labels through; UTS #46 (and WPT) reject them: the label must decode
    as punycode to a non-ASCII label that encodes back to itself.
    """
    if lib.ada_get_scheme_type(handle) == 1 or lib.ada_get_host_type(handle) != 0:
        return True
    start, end = _host_span(href, lib.ada_get_components(handle))
    return all(_valid_ace_label(lb) for lb in href[start:end].split(".") if lb[:4] == "xn--")


@functools.lru_cache(maxsize=4096)
def _valid_ace_label(label: str) -> bool:
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return False
    if decoded.isascii():
        return False
    return _to_ascii(decoded) == label


def _to_ascii(name: str) -> str:
    """UTS #46 ToASCII as WHATWG uses it; '' when the name is not valid."""
    raw = _encode(name)
    out = lib.ada_idna_to_ascii(raw, len(raw))
    try:
        return ffi.unpack(out.data, out.length).decode("ascii", "replace")  # type: ignore[no-any-return]
    finally:
        lib.ada_free_owned_string(out)


def _host_span(href: str, comps: Any) -> tuple[int, int]:
    start, end = comps.host_start, comps.host_end
    if start < end and href[start] == "@":  # host_start sits on the '@' after credentials
        start += 1
    return start, end


@functools.lru_cache(maxsize=1 << 16)
def resolve(href: str, base: str) -> str | None:
    """Resolve ``href`` against ``base`` per WHATWG; None when the result is not a valid URL.

    An invalid ``base`` resolves nothing but absolute hrefs, which stand on their own.
    """
    parsed = _parse(href, base)
    if parsed is None:
        return None
    lib.ada_free(parsed[0])
    return parsed[1]


def parts(url: str, base: str | None = None) -> URLParts | None:
    """The WHATWG components of ``url`` (resolved against ``base`` if given); None if invalid."""
    parsed = _parse(url, base)
    if parsed is None:
        return None
    handle, href = parsed
    try:
        c = lib.ada_get_components(handle)
        proto_end, user_end, host_start = c.protocol_end, c.username_end, c.host_start
        path_start, search_start, hash_start, port = (
            c.pathname_start,
            c.search_start,
            c.hash_start,
            c.port,
        )
        h_start, h_end = _host_span(href, c)
    finally:
        lib.ada_free(handle)
    has_authority = href.startswith("//", proto_end)
    username = href[proto_end + 2 : user_end] if has_authority and user_end > proto_end else ""
    password = ""
    if host_start > user_end and href[user_end] == ":":
        password = href[user_end + 1 : host_start]
    end = len(href)
    if hash_start != _OMITTED:
        end = hash_start
    search = ""
    if search_start != _OMITTED:
        search = href[search_start:end]
        end = search_start
    return URLParts(
        href=href,
        protocol=href[:proto_end],
        username=username,
        password=password,
        hostname=href[h_start:h_end],
        port="" if port == _OMITTED else str(port),
        pathname=href[path_start:end],
        search="" if search == "?" else search,
        hash="" if hash_start == _OMITTED or hash_start == len(href) - 1 else href[hash_start:],
    )


def _normalized(handle: Any, href: str) -> str:
    """The de-duplication form of a valid parsed URL (see docs/urls.md)."""
    c = lib.ada_get_components(handle)
    if c.hash_start != _OMITTED:
        href = href[: c.hash_start]
    if lib.ada_get_scheme_type(handle) not in _CANONICAL_ESCAPE_SCHEMES:
        return href
    if c.search_start == len(href) - 1:  # a bare '?' asks for the same resource as none
        href = href[:-1]
    h_start, h_end = _host_span(href, c)
    if h_end - h_start > 1 and href[h_end - 1] == "." and href[h_end - 2] != ".":
        href = href[: h_end - 1] + href[h_end:]  # 'example.com.' is the same host
    if "%" in href:
        # Hosts of special URLs hold no '%', so this only touches credentials, path and query.
        href = _ESCAPE_RE.sub(_canonical_escape, href)
    return href


def _canonical_escape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


@functools.lru_cache(maxsize=1 << 16)
def normalize(url: str) -> str:
    """The de-duplication form of a URL; raises InvalidURLError when it cannot be parsed."""
    parsed = _parse(url, None)
    if parsed is None:
        raise InvalidURLError(f"not a valid URL: {_clip(url)!r}")
    try:
        return _normalized(*parsed)
    finally:
        lib.ada_free(parsed[0])


def try_normalize(url: str) -> str | None:
    """``normalize`` that returns None instead of raising."""
    try:
        return normalize(url)
    except InvalidURLError:
        return None


@functools.lru_cache(maxsize=1 << 16)
def resolve_normalized(href: str, base: str) -> str | None:
    """``normalize(resolve(href, base))`` in one parse; None when the result is not valid."""
    parsed = _parse(href, base)
    if parsed is None:
        return None
    try:
        return _normalized(*parsed)
    finally:
        lib.ada_free(parsed[0])


def is_http(url: str) -> bool:
    """True when ``url`` is a valid http or https URL."""
    parsed = _parse(url, None)
    if parsed is None:
        return False
    try:
        return lib.ada_get_scheme_type(parsed[0]) in _HTTP_SCHEMES
    finally:
        lib.ada_free(parsed[0])


def _host_of(url: str) -> tuple[str, int]:
    """Host (lower-case punycode, no trailing dot) and ada host type; ('', 0) if none/invalid."""
    parsed = _parse(url, None)
    if parsed is None:
        return "", 0
    handle, href = parsed
    try:
        start, end = _host_span(href, lib.ada_get_components(handle))
        kind = lib.ada_get_host_type(handle)
    finally:
        lib.ada_free(handle)
    name = href[start:end]
    if len(name) > 1 and name.endswith(".") and not name.endswith(".."):
        name = name[:-1]
    return name, kind


def host(url: str) -> str:
    """The host of a URL (lower-case, punycode, no trailing dot), or '' when it has none."""
    plain = _PLAIN_HOST_RE.match(url)
    if plain is not None and "xn--" not in plain.group(1) and len(url) <= MAX_URL_LENGTH:
        return plain.group(1)
    return _host_of(url)[0]


@functools.cache
def _psl() -> publicsuffixlist.PublicSuffixList:
    # Loading takes ~35 ms, so it waits for the first look-up rather than the import.
    return publicsuffixlist.PublicSuffixList()


@functools.cache
def psl_version() -> str:
    """The VERSION line of the pinned Public Suffix List (the one inside publicsuffixlist)."""
    with open(publicsuffixlist.PSLFILE, encoding="utf-8") as fh:
        for _, line in zip(range(50), fh, strict=False):
            if line.startswith("// VERSION:"):
                return line.split(":", 1)[1].strip()
    return f"publicsuffixlist {publicsuffixlist.__version__}"


def psl_registrable_domain(name: str | None) -> str | None:
    """The PSL algorithm verbatim: None for a public suffix, an empty label or no input."""
    if not name:
        return None
    return _psl().privatesuffix(name)


def _is_ip(name: str) -> bool:
    if name.startswith("["):
        return True
    if not name[-1].isdigit():  # every IPv4 host ends in a digit; skip the costly check
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1 << 16)
def registrable_domain(hostname: str) -> str:
    """The registrable domain of a host; an IP address or a bare public suffix is its own."""
    name = hostname.strip(".").lower()
    if not name.isascii():
        name = _to_ascii(name) or name  # hosts are compared in punycode everywhere
    if not name or _is_ip(name):
        return name
    return _psl().privatesuffix(name) or name


_CACHED_URL_MAX = 512  # longer URLs are not cached: the cache's memory stays bounded


def host_and_domain(url: str) -> tuple[str, str]:
    """Host and registrable domain of a URL (cached for URLs up to 512 characters)."""
    if len(url) <= _CACHED_URL_MAX:
        return _cached_host_and_domain(url)
    return _host_and_domain(url)


def _host_and_domain(url: str) -> tuple[str, str]:
    name = host(url)
    return name, registrable_domain(name)


_cached_host_and_domain = functools.lru_cache(maxsize=1 << 16)(_host_and_domain)


def reversed_host(hostname: str) -> str:
    """Reversed-host notation: ``www.example.com`` becomes ``com.example.www``."""
    return ".".join(reversed(hostname.strip(".").split(".")))


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _target_host(text: str, original: str) -> str:
    """A syntactically sound Internet host name in punycode, or InvalidURLError."""
    if any(ch in text for ch in "/?#@:\\ ") and not text.startswith("["):
        raise InvalidURLError(f"not a host name: {_clip(original)!r}")
    name, kind = _host_of("http://" + text + "/")
    if not name:
        raise InvalidURLError(f"not a host name: {_clip(original)!r}")
    _check_host(name, kind, original)
    return name


def _check_host(name: str, kind: int, original: str, *, site: bool = True) -> None:
    """Raise unless ``name`` is an IP or DNS host name; with ``site``, one under a public suffix.

    A URL target may name a single-label host (``http://localhost:8080/``); a domain or host
    target must be something the public web can link to.
    """
    if kind in (_IPV4, _IPV6):
        return
    labels = name.split(".")
    few = len(labels) < 2 and site
    if few or len(name) > 253 or not all(_LABEL_RE.match(lb) for lb in labels):
        raise InvalidURLError(
            f"not an Internet host name: {_clip(original)!r} "
            "(expected something like example.com or blog.example.com)"
        )
    if site and psl_registrable_domain(name) is None:
        raise InvalidURLError(
            f"{_clip(original)!r} is a public suffix, not a site: "
            f"give a domain under it (such as example.{name})"
        )


def _target_url(text: str, original: str) -> str:
    parsed = _parse(text, None)
    if parsed is None:
        raise InvalidURLError(f"not a valid URL: {_clip(original)!r}")
    handle = parsed[0]
    try:
        if lib.ada_get_scheme_type(handle) not in _HTTP_SCHEMES:
            raise InvalidURLError(f"only http and https URLs can be targets: {_clip(original)!r}")
        url = _normalized(*parsed)
        kind = lib.ada_get_host_type(handle)
    finally:
        lib.ada_free(handle)
    _check_host(_host_of(url)[0], kind, original, site=False)
    return url


def parse_target(text: str) -> tuple[str, str]:
    """What the user means by ``text``: ('domain'|'host'|'url', normalised value).

    ``example.com`` is a domain, ``blog.example.com`` a host, anything with a scheme, a path, a
    query or a port a URL (``https://`` assumed when no scheme is given). ``domain:``, ``host:``
    and ``url:`` prefixes force a scope; ``*.example.com`` means the domain. Raises
    InvalidURLError with a message saying what was expected.
    """
    original = text
    text = text.strip()
    if not text:
        raise InvalidURLError(
            "empty target: give a domain (example.com), a host (blog.example.com) "
            "or a URL (https://example.com/page)"
        )
    prefix, sep, rest = text.partition(":")
    forced = prefix.lower() if sep else ""
    if forced in ("domain", "host", "url"):
        rest = rest.strip()
        if forced == "url":
            return "url", _target_url(rest if "://" in rest else "https://" + rest, original)
        name = _target_host(rest, original)
        if forced == "host":
            return "host", name
        return "domain", registrable_domain(name)
    if text.startswith("*."):
        name = _target_host(text[2:], original)
        domain = registrable_domain(name)
        if domain != name:
            raise InvalidURLError(
                f"{_clip(original)!r}: a wildcard must stand before a registrable domain "
                f"(*.{domain}); use host:{name} for one host"
            )
        return "domain", domain
    scheme = _SCHEME_RE.match(text)
    if scheme and not scheme.group(2)[:1].isdigit():  # 'example.com:8080' is a port, not a scheme
        return "url", _target_url(text, original)
    if any(ch in text for ch in "/?#:") and not (text.startswith("[") and text.endswith("]")):
        return "url", _target_url("https://" + text, original)
    name = _target_host(text, original)
    domain = registrable_domain(name)
    return ("domain", domain) if domain == name else ("host", name)
