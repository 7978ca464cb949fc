"""The fetch guard: no request to an address the public web should not reach (SSRF).

Every fetch of a URL that came from outside (a crawled page, an import, a web form) goes through
here. The chain, each step fail-closed, is documented in docs/fetch-guard.md:

1. ``check_url``: the URL is parsed the WHATWG way (``linkatlas.urls``, as a browser would, so
   ``0x7f.1``, ``2130706433`` and ``0177.0.0.1`` are all 127.0.0.1); http/https only, no raw
   whitespace or control characters, a port in ``policy.ports``, a literal IP checked at once.
2. ``resolve_checked`` / ``GuardedResolver``: the name is resolved once, every answer checked
   (one blocked answer blocks the name), and only the checked addresses are handed to aiohttp,
   which connects to exactly those: no second look-up, so DNS rebinding finds nothing to swap.
3. ``GuardedConnector``: aiohttp skips the resolver for IP literals and would use a proxy, so
   the connector checks every connection it opens, redirects included, and refuses proxies.
4. ``check_redirect`` / ``open_guarded``: manual redirect following re-checks every hop.

Refusals raise ``BlockedURLError`` with a one-line reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from linkatlas import urls
from linkatlas.errors import BlockedURLError, FetchError, InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port, family) -> addresses as text; the system resolver by default, a stub in tests.
Lookup = Callable[[str, int, int], Awaitable[Sequence[str]]]

# Advocate's default port list: the web's ports, none of the mail/cache/database ones.
WEB_PORTS: frozenset[int] = frozenset({80, 443, 8000, 8080, 8443})
MAX_REDIRECTS = 10
_SCHEMES = {"http:": 80, "https:": 443}
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


@dataclass(frozen=True)
class NetPolicy:
    """What the guard lets through beyond the public Internet.

    ``allow``: networks trusted on any port (tests, intranets); ``ports``: the ports allowed
    everywhere else (None: any port).
    """

    allow: Sequence[IPNetwork] = ()
    ports: frozenset[int] | None = WEB_PORTS

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow", tuple(self.allow))

    def allows(self, ip: IPAddress) -> bool:
        """True when ``ip`` (or the IPv4 it maps) is inside an allow-listed network."""
        plain = _unmapped(ip)
        return any(plain in net or ip in net for net in self.allow)


DEFAULT_POLICY = NetPolicy()


@dataclass(frozen=True)
class CheckedURL:
    """A URL that passed ``check_url``: fetch ``url`` (the WHATWG serialisation), nothing else."""

    url: str
    scheme: str
    host: str
    port: int
    ip: IPAddress | None


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(net), label) for net, label in pairs)


# First match gives the reason; cloud metadata endpoints first so the reason names them.
_BLOCKED = _nets(
    ("169.254.169.254/32", "link-local (cloud metadata: AWS/GCP/Azure/OpenStack)"),
    ("169.254.170.2/32", "link-local (cloud metadata: AWS ECS credentials)"),
    ("100.100.100.200/32", "carrier-grade NAT (cloud metadata: Alibaba)"),
    ("192.0.0.192/32", "IETF protocol space (cloud metadata: Oracle)"),
    # A global address: only a deny-list entry catches it.
    ("168.63.129.16/32", "a cloud metadata address (Azure WireServer)"),
    ("fd00:ec2::254/128", "unique-local (cloud metadata: AWS IMDS)"),
    ("0.0.0.0/32", "unspecified"),
    ("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
    ("10.0.0.0/8", "private (10.0.0.0/8)"),
    ("100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private (172.16.0.0/12)"),
    ("192.0.0.0/24", "IETF protocol space (192.0.0.0/24)"),
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),
    ("192.88.99.0/24", "the deprecated 6to4 relay anycast"),
    ("192.168.0.0/16", "private (192.168.0.0/16)"),
    ("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),
    ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "broadcast"),
    ("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "IPv4-compatible (deprecated)"),
    ("::ffff:0:0:0/96", "IPv4-translated (RFC 2765)"),
    ("100::/64", "discard-only (RFC 6666)"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("2001::/23", "IETF protocol space (2001::/23)"),
    ("5f00::/16", "SRv6 segment identifiers"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
)
# IPv6 that reaches an IPv4 through a relay or translator: refused whatever IPv4 they embed,
# since where the relay delivers is beyond what this host can check.
_TUNNELS = _nets(
    ("64:ff9b::/96", "NAT64"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("2001::/32", "Teredo"),
    ("2002::/16", "6to4"),
)


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _embedded(ip: ipaddress.IPv6Address, net: IPNetwork) -> ipaddress.IPv4Address:
    """The IPv4 a transition address carries (RFC 6052 /96 and /48, Teredo, 6to4)."""
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip.sixtofour is not None:
        return ip.sixtofour
    raw = ip.packed
    if net.prefixlen == 48:  # RFC 6052: bits 64-71 are the zero 'u' octet
        return ipaddress.IPv4Address(raw[6:8] + raw[9:11])
    return ipaddress.IPv4Address(raw[12:16])


def block_reason(ip: IPAddress, policy: NetPolicy = DEFAULT_POLICY) -> str | None:
    """Why ``ip`` may not be connected to under ``policy``, or None when it may."""
    if policy.allows(ip):
        return None
    plain = _unmapped(ip)
    if plain is not ip:
        inner = block_reason(plain, policy)
        return None if inner is None else f"{ip} is IPv4-mapped ({inner})"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return f"{ip} has a zone index (link-scoped)"
        for net, label in _TUNNELS:
            if ip in net:
                return f"{ip} is {label} (relays to {_embedded(ip, net)}; tunnels are refused)"
    for net, label in _BLOCKED:
        if ip.version == net.version and ip in net:
            return f"{ip} is {label}"
    if not ip.is_global:  # the standard library's registry, as a second net
        return f"{ip} is not globally reachable"
    return None


def check_ip(ip: IPAddress, policy: NetPolicy = DEFAULT_POLICY, port: int | None = None) -> None:
    """Raise BlockedURLError unless ``ip`` (and ``port``, if given) may be connected to."""
    reason = block_reason(ip, policy)
    if reason is not None:
        raise BlockedURLError(f"blocked: {reason}")
    if port is not None and not _port_ok(port, ip, policy):
        raise BlockedURLError(f"blocked: port {port} is not a web port ({_ports(policy)})")


def _port_ok(port: int, ip: IPAddress | None, policy: NetPolicy) -> bool:
    if policy.ports is None or port in policy.ports:
        return True
    return ip is not None and policy.allows(ip)


def _ports(policy: NetPolicy) -> str:
    return "allowed: " + ", ".join(map(str, sorted(policy.ports or ())))


def _is_localhost(name: str) -> bool:
    name = name.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host[1:-1] if host.startswith("[") else host)
    except ValueError:
        return None


def check_url(url: str, policy: NetPolicy = DEFAULT_POLICY) -> CheckedURL:
    """Parse ``url`` as a browser would and raise BlockedURLError unless it may be fetched.

    Names are only checked syntactically here: their addresses are checked when resolved.
    """
    shown = url if len(url) <= 100 else url[:100] + "..."
    if any(ch <= " " or ch == "\x7f" for ch in url):
        # Parsers disagree on where such a URL's host is; refuse rather than guess.
        raise BlockedURLError(f"blocked: whitespace or control character in URL {shown!r}")
    p = urls.parts(url)
    if p is None:
        raise BlockedURLError(f"blocked: not a valid URL {shown!r}")
    if p.protocol not in _SCHEMES:
        raise BlockedURLError(f"blocked: scheme {p.protocol!r} (only http and https are fetched)")
    port = int(p.port) if p.port else _SCHEMES[p.protocol]
    host = p.hostname
    ip = _literal(host)
    if ip is None and _is_localhost(host):
        ip = ipaddress.IPv4Address("127.0.0.1")  # RFC 6761: never asked of DNS
    if ip is not None:
        check_ip(ip, policy, port)
    elif not policy.allow and not _port_ok(port, None, policy):
        raise BlockedURLError(f"blocked: port {port} is not a web port ({_ports(policy)})")
    return CheckedURL(p.href, p.protocol[:-1], host.strip("[]"), port, ip)


def check_redirect(from_url: str, location: str, policy: NetPolicy = DEFAULT_POLICY) -> str:
    """The absolute URL a redirect (or meta refresh) points to, checked; BlockedURLError if not."""
    target = urls.resolve(location, from_url)
    if target is None:
        raise BlockedURLError(f"blocked: redirect to an invalid URL {location[:100]!r}")
    return check_url(target, policy).url


async def system_lookup(host: str, port: int, family: int) -> list[str]:
    """The addresses of ``host`` from the system resolver (getaddrinfo, in a thread)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(
        host, port, family=family, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG
    )
    return [str(info[4][0]) for info in infos]


async def resolve_checked(
    host: str,
    port: int,
    policy: NetPolicy = DEFAULT_POLICY,
    resolver: Lookup = system_lookup,
    family: int = socket.AF_UNSPEC,
) -> list[IPAddress]:
    """Resolve ``host`` once and return its addresses, all checked; raise if any is blocked.

    A name with one blocked answer among public ones is refused as a whole (fail closed): it is
    either misconfigured or a rebinding attempt. No answer at all raises FetchError.
    """
    ip = _literal(host)
    if ip is not None:
        answers: list[IPAddress] = [ip]
    elif _is_localhost(host):
        answers = [ipaddress.ip_address("::1" if family == socket.AF_INET6 else "127.0.0.1")]
    else:
        try:
            raw = await resolver(host, port, family)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host!r}: {exc}") from exc
        answers = []
        for text in dict.fromkeys(raw):
            try:
                answers.append(ipaddress.ip_address(text))
            except ValueError as exc:
                raise BlockedURLError(f"blocked: {host!r} resolved to {text!r}") from exc
    if not answers:
        raise FetchError(f"cannot resolve {host!r}: no addresses")
    for ip in answers:
        try:
            check_ip(ip, policy, port)
        except BlockedURLError as exc:
            raise BlockedURLError(f"{exc} (resolved from {host!r})") from None
    return answers


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that returns only checked addresses (see ``resolve_checked``)."""

    def __init__(self, policy: NetPolicy = DEFAULT_POLICY, lookup: Lookup = system_lookup):
        self.policy = policy
        self.lookup = lookup

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Checked addresses of ``host`` as aiohttp connects to them (numeric: no re-lookup)."""
        ips = await resolve_checked(host, port, self.policy, self.lookup, family)
        return [
            ResolveResult(
                hostname=host,
                host=str(ip),
                port=port,
                family=socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                proto=0,
                flags=_NUMERIC,
            )
            for ip in ips
        ]

    async def close(self) -> None:
        """Nothing to release."""


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector that checks every connection, IP literals and redirect hops included."""

    def __init__(
        self, policy: NetPolicy = DEFAULT_POLICY, lookup: Lookup = system_lookup, **kw: Any
    ) -> None:
        super().__init__(resolver=GuardedResolver(policy, lookup), **kw)
        self.policy = policy

    async def connect(
        self, req: aiohttp.ClientRequest, traces: list[Any], timeout: aiohttp.ClientTimeout
    ) -> aiohttp.connector.Connection:
        """Refuse a proxy, a bad scheme or port, or a blocked IP literal; then connect."""
        if req.proxy is not None:
            raise BlockedURLError(f"blocked: proxy {req.proxy.host!r} (proxies bypass the guard)")
        url = req.url
        if f"{url.scheme}:" not in _SCHEMES:
            raise BlockedURLError(f"blocked: scheme {url.scheme!r} (only http and https)")
        # aiohttp hands IP literals straight to connect(); names go through GuardedResolver.
        ip = _literal(url.raw_host or "")
        if ip is not None:
            check_ip(ip, self.policy, url.port)
        return await super().connect(req, traces, timeout)


def guarded_session(
    policy: NetPolicy = DEFAULT_POLICY,
    *,
    lookup: Lookup = system_lookup,
    connector_kw: dict[str, Any] | None = None,
    **session_kw: Any,
) -> aiohttp.ClientSession:
    """A ClientSession whose every connection is guarded; proxy variables are ignored."""
    if session_kw.pop("trust_env", False):
        raise ValueError("trust_env=True would let proxy variables bypass the fetch guard")
    connector = GuardedConnector(policy, lookup, **(connector_kw or {}))
    return aiohttp.ClientSession(connector=connector, trust_env=False, **session_kw)


_SECRET_HEADERS = ("authorization", "cookie", "proxy-authorization")


def redirect_headers(from_url: str, to_url: str, headers: dict[str, str]) -> dict[str, str]:
    """The request headers to send on a redirect: credentials dropped when the origin changes."""
    if _origin(from_url) == _origin(to_url):
        return dict(headers)
    return {k: v for k, v in headers.items() if k.lower() not in _SECRET_HEADERS}


def _origin(url: str) -> tuple[str, str, str]:
    p = urls.parts(url)
    return ("", "", "") if p is None else (p.protocol, p.hostname, p.port)


async def open_guarded(
    session: aiohttp.ClientSession,
    url: str,
    policy: NetPolicy = DEFAULT_POLICY,
    *,
    max_redirects: int = MAX_REDIRECTS,
    headers: dict[str, str] | None = None,
) -> tuple[aiohttp.ClientResponse, list[str]]:
    """GET ``url`` following redirects by hand, each hop checked; the final response and chain.

    The caller releases the response. More than ``max_redirects`` hops raise FetchError.
    """
    current = check_url(url, policy).url
    sent = dict(headers or {})
    chain = [current]
    while True:
        resp = await session.get(current, allow_redirects=False, headers=sent)
        location = resp.headers.get("Location")
        if resp.status not in (301, 302, 303, 307, 308) or location is None:
            return resp, chain
        resp.release()
        if len(chain) > max_redirects:
            raise FetchError(f"more than {max_redirects} redirects from {url[:100]!r}")
        target = check_redirect(current, location, policy)
        sent = redirect_headers(current, target, sent)
        current = target
        chain.append(current)


def parse_allow_net(values: Iterable[str], ports: frozenset[int] | None = WEB_PORTS) -> NetPolicy:
    """A policy from ``--allow-net`` values (CIDR or single address); InputError if malformed."""
    nets: list[IPNetwork] = []
    for value in values:
        text = value.strip()
        try:
            nets.append(ipaddress.ip_network(text.strip("[]"), strict=True))
        except ValueError as exc:
            hint = ""
            with contextlib.suppress(ValueError):
                hint = f"; did you mean {ipaddress.ip_network(text.strip('[]'), strict=False)}?"
            raise InputError(
                f"--allow-net {value!r}: not a network in CIDR form "
                f"(like 127.0.0.0/8, 10.1.2.3 or fd00::/8){hint}"
            ) from exc
    return NetPolicy(allow=tuple(nets), ports=ports)
