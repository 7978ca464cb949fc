"""The fetch guard against the compiled SSRF vectors (conformance/ssrf, see its SOURCE.txt).

URL and IP vectors and DNS scenarios are pure (a stub resolver answers the names the way the
real ones do); redirect scenarios and the rebinding / proxy-variable scenarios run through
aiohttp against a server on 127.0.0.2, the only allow-listed address (127.0.0.2/32), while the
``dials`` spy records every address dialled and refuses anything outside 127.0.0.0/8.
"""

from __future__ import annotations

import json
from ipaddress import ip_address, ip_network
from typing import Any

import pytest

from conftest import fixture_path
from linkatlas.errors import BlockedURLError, FetchError
from linkatlas.sources.guard import (
    DEFAULT_POLICY,
    NetPolicy,
    check_ip,
    check_redirect,
    check_url,
    guarded_session,
    open_guarded,
    resolve_checked,
)
from test_guard import LoopbackServer, dials, run, stub_lookup

__all__ = ["dials"]  # the spy fixture, imported for its side effect on this module's tests

PUBLIC = "93.184.215.14"
# What the names of the URL vectors resolve to on the real Internet (or on GCP, for metadata).
DNS = {
    "metadata.google.internal": ["169.254.169.254"],
    "127.0.0.1.nip.io": ["127.0.0.1"],
    "localtest.me": ["127.0.0.1", "::1"],
    "example.com": [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "xn--fiqs8s.example.org": [PUBLIC],
    "evil.example": [PUBLIC],
    "www.example.com": [PUBLIC],  # vector 81 must fall to its newline, not to its address
    "localhost": [PUBLIC],  # a lying resolver: localhost must never be asked of DNS
    "foo.localhost": [PUBLIC],
}
HOME = "127.0.0.2"
HOME_POLICY = NetPolicy(allow=[ip_network(f"{HOME}/32")])


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    """The compiled fixture."""
    path = fixture_path("conformance/ssrf/ssrf_vectors.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


async def verdict(url: str, policy: NetPolicy = DEFAULT_POLICY) -> str:
    """'allow' or 'block: <reason>' for a URL: check_url, then the checked resolution."""
    try:
        target = check_url(url, policy)
        if target.ip is None:
            await resolve_checked(target.host, target.port, policy, stub_lookup(DNS))
    except BlockedURLError as exc:
        return f"block: {exc}"
    return "allow"


# Categories whose refusal must come from a specific rule, not from a later one by luck.
RULE = {"scheme": "scheme", "port": "port", "whitespace": "whitespace", "crlf": "whitespace"}


def test_url_vectors(vectors: dict[str, Any]) -> None:
    url_vectors = vectors["url_vectors"]
    assert [v["expect"] for v in url_vectors].count("block") == 92
    got = {v["id"]: run(verdict(v["url"])) for v in url_vectors}
    wrong = [
        (v["id"], v["url"], v["expect"], got[v["id"]])
        for v in url_vectors
        if got[v["id"]].split(":")[0] != v["expect"]
    ]
    assert wrong == []
    blocked = [v for v in url_vectors if v["expect"] == "block"]
    allowed = [v for v in url_vectors if v["expect"] == "allow"]
    assert (len(blocked), len(allowed)) == (92, 11)
    for v in blocked:
        rule = RULE.get(v["category"])
        if rule is not None:
            assert rule in got[v["id"]], (v["url"], got[v["id"]])
        if v["category"] == "metadata":
            assert "metadata" in got[v["id"]], (v["url"], got[v["id"]])


def test_url_vectors_host_is_the_whatwg_host(vectors: dict[str, Any]) -> None:
    """The host judged is the one the fixture records for the WHATWG parser (ada-url)."""
    for v in vectors["url_vectors"]:
        if not v["whatwg_host"] or not v["url"].startswith("http"):
            continue
        if any(ch <= " " for ch in v["url"]):
            continue  # refused before parsing
        got = check_url(v["url"], NetPolicy(allow=[ip_network("0.0.0.0/0"), ip_network("::/0")]))
        assert got.host == v["whatwg_host"].strip("[]"), v


def test_ip_vectors(vectors: dict[str, Any]) -> None:
    ip_vectors = vectors["ip_vectors"]
    counts = {e: [v["expect"] for v in ip_vectors].count(e) for e in ("block", "allow", "either")}
    assert counts == {"block": 128, "allow": 9, "either": 1}
    wrong = []
    for v in ip_vectors:
        try:
            check_ip(ip_address(v["ip"]), DEFAULT_POLICY, v["port"])
            got = "allow"
        except BlockedURLError:
            got = "block"
        # 'either' (an RFC 8215 local-use NAT64 address): every tunnel is refused here.
        if got != {"either": "block"}.get(v["expect"], v["expect"]):
            wrong.append((v["ip"], v["port"], v["expect"], got))
    assert wrong == []


def test_dns_scenarios_pure(vectors: dict[str, Any]) -> None:
    ids = [d["id"] for d in vectors["dns_scenarios"]]
    assert ids == ["D1", "D2", "D3", "D4", "D5"]
    # D1: one look-up per resolution, and only what it returned (and was checked) is used.
    calls: list[str] = []
    answers = iter([[PUBLIC], ["127.0.0.1"]])

    async def rebinding(host: str, port: int, family: int) -> list[str]:
        calls.append(host)
        return next(answers)

    got = run(resolve_checked("rebind.example", 443, DEFAULT_POLICY, rebinding))
    assert (got, calls) == ([ip_address(PUBLIC)], ["rebind.example"])
    # D2: one blocked answer among public ones blocks the name (fail closed).
    mixed = stub_lookup({"mixed.example": [PUBLIC, "10.0.0.1"]})
    with pytest.raises(BlockedURLError, match=r"10\.0\.0\.1 is private"):
        run(resolve_checked("mixed.example", 443, DEFAULT_POLICY, mixed))
    # D3
    v6 = stub_lookup({"v6only.example": ["::ffff:127.0.0.1"]})
    with pytest.raises(BlockedURLError, match="IPv4-mapped"):
        run(resolve_checked("v6only.example", 443, DEFAULT_POLICY, v6))
    # D4: NXDOMAIN is a fetch failure, never a fall-back.
    with pytest.raises(FetchError, match="cannot resolve"):
        run(resolve_checked("nx.example", 443, DEFAULT_POLICY, stub_lookup({})))


def test_dns_rebinding_end_to_end(dials: list[str]) -> None:
    """D1 through aiohttp: each request resolves once and dials what was checked."""
    answers = iter([[HOME], ["127.0.0.3"]])  # 127.0.0.3: blocked (not allow-listed)
    calls: list[str] = []

    async def rebinding(host: str, port: int, family: int) -> list[str]:
        calls.append(host)
        return next(answers)

    async def scenario() -> list[str]:
        async with LoopbackServer(HOME) as server:
            session = guarded_session(
                HOME_POLICY,
                lookup=rebinding,
                connector_kw={"use_dns_cache": False, "force_close": True},
            )
            async with session:
                async with session.get(server.url("/1", host="rebind.example")) as resp:
                    assert resp.status == 200
                with pytest.raises(BlockedURLError, match=r"127\.0\.0\.3 is loopback"):
                    await session.get(server.url("/2", host="rebind.example"))
            return server.paths

    assert run(scenario()) == ["/1"]
    assert (calls, dials) == (["rebind.example", "rebind.example"], [HOME])


def test_proxy_variables_are_ignored(dials: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """D5: HTTP_PROXY set, the guarded client still goes direct; an explicit proxy is refused."""

    async def scenario() -> tuple[list[str], list[str]]:
        async with LoopbackServer(HOME) as server, LoopbackServer(HOME) as proxy:
            for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
                monkeypatch.setenv(name, proxy.url("/"))
            async with guarded_session(HOME_POLICY) as session:
                async with session.get(server.url("/direct")) as resp:
                    assert resp.status == 200
                with pytest.raises(BlockedURLError, match="proxy"):
                    await session.get(server.url("/via"), proxy=proxy.url("/"))
            return server.paths, proxy.paths

    assert run(scenario()) == (["/direct"], [])
    assert dials == [HOME]


async def _follow(server: LoopbackServer, start: str, **kw: Any) -> tuple[int, list[str]]:
    lookup = stub_lookup({"a.example": [HOME], "b.example": [HOME]})
    async with guarded_session(HOME_POLICY, lookup=lookup) as session:
        resp, chain = await open_guarded(session, server.url(start), HOME_POLICY, **kw)
        resp.release()
        return resp.status, chain


@pytest.mark.parametrize(
    ("sid", "routes", "paths", "reason"),
    [
        ("R1", {"/s": (302, "http://127.0.0.1/")}, ["/s"], r"127\.0\.0\.1 is loopback"),
        ("R2", {"/s": (307, "http://169.254.169.254/latest/meta-data/")}, ["/s"], "metadata"),
        (
            "R3",
            {"/s": (301, "/relative"), "/relative": (302, "http://[::1]/")},
            ["/s", "/relative"],
            "::1 is loopback",
        ),
        ("R4", {"/s": (302, "file:///etc/passwd")}, ["/s"], "scheme 'file:'"),
        ("R5", {"/s": (302, "gopher://127.0.0.1:25/_x")}, ["/s"], "scheme 'gopher:'"),
        ("R7", {"/s": (302, "http://2130706433/")}, ["/s"], r"127\.0\.0\.1 is loopback"),
    ],
)
def test_redirect_to_blocked_target(
    vectors: dict[str, Any],
    dials: list[str],
    sid: str,
    routes: dict[str, tuple[int, str]],
    paths: list[str],
    reason: str,
) -> None:
    scenario = next(r for r in vectors["redirect_scenarios"] if r["id"] == sid)
    for (status, location), hop in zip(routes.values(), scenario["hops"], strict=True):
        assert hop.startswith(str(status))
        assert hop.endswith(location)

    async def go() -> list[str]:
        async with LoopbackServer(HOME) as server:
            server.routes.update(routes)
            with pytest.raises(BlockedURLError, match=reason):
                await _follow(server, "/s")
            return server.paths

    assert run(go()) == paths
    assert set(dials) == {HOME}


def test_redirect_loop_stops(vectors: dict[str, Any], dials: list[str]) -> None:
    """R6: a redirect to itself stops after max_redirects hops with a FetchError."""
    assert len(next(r for r in vectors["redirect_scenarios"] if r["id"] == "R6")["hops"]) == 30

    async def go(limit: int) -> list[str]:
        async with LoopbackServer(HOME) as server:
            server.routes["/self"] = (302, "/self")
            with pytest.raises(FetchError, match=f"more than {limit} redirects") as info:
                await _follow(server, "/self", max_redirects=limit)
            assert not isinstance(info.value, BlockedURLError)
            return server.paths

    assert run(go(5)) == ["/self"] * 6
    assert run(go(10)) == ["/self"] * 11


def test_meta_refresh_target_is_checked() -> None:
    """R8: a meta refresh target goes through check_redirect like a Location."""
    with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is loopback"):
        check_redirect("https://a.example/page", "http://127.0.0.1/")


def test_cross_origin_redirect_drops_credentials(dials: list[str]) -> None:
    """R9: Authorization and Cookie go to the first origin only."""

    async def go() -> tuple[int, list[str], list[dict[str, str]]]:
        async with LoopbackServer(HOME) as server:
            server.routes["/r9"] = (302, server.url("/landing", host="b.example"))
            lookup = stub_lookup({"a.example": [HOME], "b.example": [HOME]})
            async with guarded_session(HOME_POLICY, lookup=lookup) as session:
                secrets = {"Authorization": "Bearer t", "Cookie": "sid=1", "X-Keep": "1"}
                resp, chain = await open_guarded(
                    session, server.url("/r9", host="a.example"), HOME_POLICY, headers=secrets
                )
                resp.release()
            return resp.status, chain, [headers for _, headers in server.seen]

    status, chain, seen = run(go())
    assert status == 200 and len(chain) == 2 and "b.example" in chain[1]
    assert seen[0]["Authorization"] == "Bearer t" and seen[0]["Cookie"] == "sid=1"
    assert "Authorization" not in seen[1] and "Cookie" not in seen[1]
    assert seen[1]["X-Keep"] == "1"
    assert set(dials) == {HOME}


def test_plain_aiohttp_redirects_are_checked_by_the_connector(dials: list[str]) -> None:
    """A caller that lets aiohttp follow redirects is still guarded at each connection."""

    async def go() -> list[str]:
        async with LoopbackServer(HOME) as server:
            server.routes["/s"] = (302, f"http://127.0.0.1:{server.port}/")
            async with guarded_session(HOME_POLICY) as session:
                with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is loopback"):
                    await session.get(server.url("/s"))
            return server.paths

    assert run(go()) == ["/s"]
    assert set(dials) == {HOME}
