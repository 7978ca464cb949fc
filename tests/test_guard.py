"""Fetch guard: unit checks and end-to-end fetches through aiohttp against a loopback server.

Nothing here sends a byte outside 127.0.0.0/8: the ``dials`` fixture wraps the one function
aiohttp opens sockets with, records every address dialled and refuses anything off loopback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from ipaddress import ip_address, ip_network
from typing import Any

import aiohappyeyeballs
import aiohttp
import pytest
from aiohttp import web

from linkatlas.errors import BlockedURLError, FetchError, InputError
from linkatlas.sources.guard import (
    DEFAULT_POLICY,
    GuardedResolver,
    NetPolicy,
    check_ip,
    check_redirect,
    check_url,
    guarded_session,
    parse_allow_net,
    redirect_headers,
    resolve_checked,
)

LOOP_V4 = ip_network("127.0.0.0/8")


class LoopbackServer:
    """An aiohttp server on one loopback address; ``routes`` maps a path to (status, Location)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        assert ip_address(host) in LOOP_V4
        self.host = host
        self.port = 0
        self.routes: dict[str, tuple[int, str]] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path, dict(request.headers)))
        status, location = self.routes.get(request.path, (200, ""))
        if location:
            return web.Response(status=status, headers={"Location": location})
        return web.Response(status=status, text=f"ok {request.path}")

    @property
    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [path for path, _ in self.seen]

    def url(self, path: str = "/", host: str | None = None) -> str:
        """An absolute URL on this server (``host`` replaces the address, e.g. a stub name)."""
        return f"http://{host or self.host}:{self.port}{path}"

    async def __aenter__(self) -> LoopbackServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.fixture
def dials(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every address aiohttp dials; dialling outside 127.0.0.0/8 fails the test instead."""
    seen: list[str] = []
    real = aiohappyeyeballs.start_connection

    async def spy(addr_infos: Sequence[Any], **kw: Any) -> Any:
        addrs = [str(info[4][0]) for info in addr_infos]
        seen.extend(addrs)
        outside = [a for a in addrs if ip_address(a.split("%")[0]) not in LOOP_V4]
        if outside:
            raise AssertionError(f"test spy: refused to dial {outside} (outside 127.0.0.0/8)")
        return await real(addr_infos, **kw)

    monkeypatch.setattr(aiohappyeyeballs, "start_connection", spy)
    yield seen


def stub_lookup(
    table: dict[str, list[str]], calls: list[str] | None = None
) -> Callable[[str, int, int], Awaitable[list[str]]]:
    """A resolver answering from ``table`` (unknown names: NXDOMAIN), recording each call."""

    async def lookup(host: str, port: int, family: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host.rstrip(".") not in table:
            raise OSError(-2, f"Name or service not known: {host}")
        return table[host.rstrip(".")]

    return lookup


def run(coro: Awaitable[Any]) -> Any:
    """Run one coroutine to completion (no pytest-asyncio here)."""

    async def wrapper() -> Any:
        return await coro

    return asyncio.run(wrapper())


# --- check_url / check_ip -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://0x7f.1/", "127.0.0.1 is loopback"),
        ("http://2130706433/", "127.0.0.1 is loopback"),
        ("http://0177.0.0.1/", "127.0.0.1 is loopback"),
        ("http://[::ffff:169.254.169.254]/", "IPv4-mapped (169.254.169.254 is link-local (cloud"),
        ("http://[64:ff9b::a00:1]/", "NAT64 (relays to 10.0.0.1"),
        ("http://LOCALHOST./", "127.0.0.1 is loopback"),
        ("http://x.localhost:8080/", "127.0.0.1 is loopback"),
        ("ftp://example.com/", "scheme 'ftp:'"),
        ("http://example.com:6379/", "port 6379"),
        ("http://exa mple.com/", "whitespace"),
        ("http://[fe80::1%25eth0]/", "not a valid URL"),
    ],
)
def test_check_url_blocks_with_reason(url: str, reason: str) -> None:
    with pytest.raises(BlockedURLError, match=r"^blocked: ") as info:
        check_url(url)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_check_url_gives_the_whatwg_url_to_fetch() -> None:
    got = check_url("HTTP://User:pw@Example.COM:8080/a/../b?q#f")
    assert (got.url, got.scheme, got.host, got.port, got.ip) == (
        "http://User:pw@example.com:8080/b?q#f",
        "http",
        "example.com",
        8080,
        None,
    )
    assert check_url("https://[2606:4700:4700::1111]/").ip == ip_address("2606:4700:4700::1111")
    assert check_url("https://1.1.1.1/").port == 443


def test_ports_web_only_unless_allow_listed_or_open() -> None:
    check_ip(ip_address("200.1.1.1"), DEFAULT_POLICY, 8080)
    with pytest.raises(BlockedURLError, match="port 99 is not a web port"):
        check_ip(ip_address("200.1.1.1"), DEFAULT_POLICY, 99)
    check_ip(ip_address("200.1.1.1"), NetPolicy(ports=None), 99)
    intranet = NetPolicy(allow=[ip_network("10.0.0.0/8")])
    check_ip(ip_address("10.2.3.4"), intranet, 5432)  # a trusted network is trusted on any port
    with pytest.raises(BlockedURLError, match="port 5432"):
        check_ip(ip_address("200.1.1.1"), intranet, 5432)
    # With an allow-list the port of a name waits for its address.
    assert check_url("http://intranet.example:9000/", intranet).port == 9000


def test_allow_list() -> None:
    policy = NetPolicy(allow=[ip_network("10.0.0.0/8"), ip_network("fd00::/8")])
    for text in ("10.1.2.3", "::ffff:10.1.2.3", "fd12::1"):
        check_ip(ip_address(text), policy)
    for text in ("192.168.0.1", "127.0.0.1", "::ffff:192.168.0.1", "fe80::1"):
        with pytest.raises(BlockedURLError):
            check_ip(ip_address(text), policy)
    assert policy.allow == (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))  # list -> tuple
    hash(policy)


def test_metadata_reason() -> None:
    with pytest.raises(BlockedURLError) as info:
        check_ip(ip_address("169.254.169.254"))
    assert str(info.value) == (
        "blocked: 169.254.169.254 is link-local (cloud metadata: AWS/GCP/Azure/OpenStack)"
    )


def test_parse_allow_net() -> None:
    policy = parse_allow_net(["127.0.0.0/8", " 10.1.2.3 ", "[::1]", "fd00::/8"])
    assert policy.allow == tuple(
        ip_network(n) for n in ("127.0.0.0/8", "10.1.2.3/32", "::1/128", "fd00::/8")
    )
    assert parse_allow_net([]) == DEFAULT_POLICY
    with pytest.raises(InputError, match=r"did you mean 10\.0\.0\.0/8\?"):
        parse_allow_net(["10.0.0.1/8"])
    for bad in ("", "localhost", "10.0.0.0/33", "127.0.0.1:8080"):
        with pytest.raises(InputError, match="--allow-net"):
            parse_allow_net([bad])


# --- resolution -----------------------------------------------------------------------------


def test_resolve_checked_fails_closed() -> None:
    lookup = stub_lookup({"empty.example": [], "junk.example": ["not-an-ip"]})
    with pytest.raises(FetchError, match=r"cannot resolve 'nx\.example'") as info:
        run(resolve_checked("nx.example", 80, DEFAULT_POLICY, lookup))
    assert not isinstance(info.value, BlockedURLError)
    with pytest.raises(FetchError, match="no addresses"):
        run(resolve_checked("empty.example", 80, DEFAULT_POLICY, lookup))
    with pytest.raises(BlockedURLError, match="not-an-ip"):
        run(resolve_checked("junk.example", 80, DEFAULT_POLICY, lookup))


def test_localhost_never_asks_dns() -> None:
    calls: list[str] = []
    lookup = stub_lookup({"localhost": ["93.184.215.14"]}, calls)  # a lying resolver
    with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is loopback"):
        run(resolve_checked("localhost", 80, DEFAULT_POLICY, lookup))
    loop_ok = NetPolicy(allow=[LOOP_V4])
    assert run(resolve_checked("a.localhost.", 80, loop_ok, lookup)) == [ip_address("127.0.0.1")]
    assert calls == []


# --- redirects ------------------------------------------------------------------------------


def test_check_redirect() -> None:
    base = "https://a.example/dir/page"
    assert check_redirect(base, "../x?y") == "https://a.example/x?y"
    assert check_redirect(base, "//b.example:8443/") == "https://b.example:8443/"
    # '/\\' is scheme-relative for http(s) in WHATWG: that Location's host is 127.0.0.1.
    for location in ("http://127.0.0.1/", "/\\127.0.0.1", "file:///etc/passwd", "http://[::1]/"):
        with pytest.raises(BlockedURLError):
            check_redirect(base, location)
    with pytest.raises(BlockedURLError, match="invalid URL"):
        check_redirect(base, "http://[::1")


def test_redirect_headers() -> None:
    sent = {"Authorization": "Basic eA==", "Cookie": "s=1", "Accept": "text/html"}
    assert redirect_headers("https://a.example/1", "https://a.example/2", sent) == sent
    for other in ("https://b.example/", "http://a.example/", "https://a.example:8443/"):
        assert redirect_headers("https://a.example/1", other, sent) == {"Accept": "text/html"}


# --- end to end through aiohttp --------------------------------------------------------------


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as resp:
        return resp.status, await resp.text()


def test_resolver_in_plain_connector_allows_only_allow_listed(dials: list[str]) -> None:
    async def scenario(policy: NetPolicy) -> tuple[int, str]:
        async with LoopbackServer() as server:
            connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy))
            async with aiohttp.ClientSession(connector=connector) as session:
                return await _get(session, server.url("/hello", host="localhost"))

    assert run(scenario(parse_allow_net(["127.0.0.0/8"]))) == (200, "ok /hello")
    assert dials == ["127.0.0.1"]
    with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is loopback"):
        run(scenario(DEFAULT_POLICY))
    assert dials == ["127.0.0.1"]  # the refused fetch dialled nothing


def test_ip_literals_skip_the_resolver_so_the_connector_checks_them(dials: list[str]) -> None:
    """Why GuardedConnector exists: aiohttp never asks a resolver about an IP literal."""

    async def scenario() -> list[str]:
        async with LoopbackServer() as server:
            connector = aiohttp.TCPConnector(resolver=GuardedResolver(DEFAULT_POLICY))
            async with aiohttp.ClientSession(connector=connector) as session:
                assert await _get(session, server.url("/bypass")) == (200, "ok /bypass")
            async with guarded_session(DEFAULT_POLICY) as session:
                with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is loopback"):
                    await _get(session, server.url("/guarded"))
            return server.paths

    assert run(scenario()) == ["/bypass"]
    assert dials == ["127.0.0.1"]


def test_guarded_session_connects_to_the_resolved_address(dials: list[str]) -> None:
    calls: list[str] = []

    async def scenario() -> tuple[int, str]:
        async with LoopbackServer("127.0.0.2") as server:
            policy = NetPolicy(allow=[ip_network("127.0.0.2/32")])
            lookup = stub_lookup({"site.example": ["127.0.0.2"]}, calls)
            async with guarded_session(policy, lookup=lookup) as session:
                return await _get(session, server.url("/p", host="site.example"))

    assert run(scenario()) == (200, "ok /p")
    assert (calls, dials) == (["site.example"], ["127.0.0.2"])


def test_guarded_session_refuses_trust_env() -> None:
    with pytest.raises(ValueError, match="trust_env"):
        guarded_session(DEFAULT_POLICY, trust_env=True)
