"""The sample web over real HTTP on loopback: pages as generated, misbehaviours as documented.

Every request goes to 127.0.0.1 with an explicit Host header; every client has a timeout.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import gzip
import http.client
import re
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp
import pytest

from linkatlas import urls
from linkatlas.errors import InputError
from linkatlas.sample import SampleWeb, build
from linkatlas.sample.misbehave import BOMB_SIZE, CHARSET_ANCHOR, ENDPOINTS
from linkatlas.sample.server import SampleServer

TARGET = "www.beancraft.example"
SLOW = "www.roastlog-tools.example"
MIS = "misbehave.example"
DOC = Path(__file__).resolve().parents[1] / "docs" / "sample-web.md"

Response = tuple[int, list[tuple[str, str]], bytes]


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return build(seed=7)


@pytest.fixture(scope="module")
def server(web: SampleWeb) -> Iterator[SampleServer]:
    with SampleServer(web) as s:
        yield s


def fetch(server: SampleServer, host: str, path: str, method: str = "GET",
          headers: dict[str, str] | None = None, timeout: float = 5.0) -> Response:
    """One raw request (no redirects followed, no decoding) to 127.0.0.1 with that Host."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, path, headers={"Host": host, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def raw(server: SampleServer, request: bytes, limit: int, timeout: float = 3.0) -> bytes:
    """Send raw bytes, read until ``limit`` bytes, EOF or timeout."""
    got = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(request)
        try:
            while len(got) < limit:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return got


def path_of(url: str) -> tuple[str, str]:
    host, _, rest = url.removeprefix("https://").partition("/")
    return host, "/" + rest


# --- the sample web -----------------------------------------------------------------------


def test_every_page_is_served_as_generated(server: SampleServer, web: SampleWeb) -> None:
    pages = list(web.pages())

    def get(url: str) -> Response:
        return fetch(server, *path_of(urls.normalize(url)), timeout=10)  # as a client sends it

    with ThreadPoolExecutor(16) as pool:  # the slow host answers in 1.5 s: overlap its pages
        results = list(pool.map(get, [p.url for p in pages]))
    statuses = set()
    for page, (status, headers, body) in zip(pages, results, strict=True):
        assert status == page.status, page.url
        assert body == page.body, page.url
        for name, value in page.headers:
            assert header(headers, name) == value, (page.url, name)
        statuses.add(status)
    assert {200, 301, 302, 404, 410} <= statuses
    assert len(pages) > 150


def test_head_gives_headers_without_body(server: SampleServer, web: SampleWeb) -> None:
    page = web.page(f"https://{TARGET}/")
    assert page is not None
    status, headers, body = fetch(server, TARGET, "/", method="HEAD")
    assert (status, body) == (200, b"")
    assert header(headers, "Content-Length") == str(len(page.body))
    assert header(headers, "Content-Type") == page.content_type


def test_redirect_chain_is_not_followed(server: SampleServer) -> None:
    steps = []
    path = "/shop"
    for _ in range(4):
        status, headers, _ = fetch(server, TARGET, path)
        steps.append((path, status))
        location = header(headers, "Location")
        if location is None:
            break
        absolute = urls.resolve(location, f"https://{TARGET}{path}")  # Location may be relative
        assert absolute is not None
        host, path = path_of(absolute)
        assert host == TARGET
    assert steps == [("/shop", 301), ("/store/", 302), ("/roasters/", 200)]


def test_robots_and_sitemap(server: SampleServer, web: SampleWeb) -> None:
    site = web.site(TARGET)
    assert site is not None and site.robots_txt
    status, headers, body = fetch(server, TARGET, "/robots.txt")
    assert (status, body.decode()) == (200, site.robots_txt)
    assert header(headers, "Content-Type", ).startswith("text/plain")  # type: ignore[union-attr]
    assert fetch(server, "espresso-diaries.example", "/robots.txt")[0] == 404
    status, headers, body = fetch(server, TARGET, "/sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", body.decode())
    assert status == 200 and header(headers, "Content-Type") == "application/xml"
    assert f"https://{TARGET}/roasters/ember-1kg" in locs
    assert all(loc.startswith(f"https://{TARGET}/") for loc in locs)


def test_trap_months_are_rendered_on_demand(server: SampleServer, web: SampleWeb) -> None:
    host, path = "coffee-guild.example", "/events/calendar?month=2077-11"
    page = web.page(f"https://{host}{path}")
    assert page is not None
    status, _, body = fetch(server, host, path)
    assert (status, body) == (200, page.body)
    assert b"month=2077-12" in body and b"month=2077-10" in body
    assert fetch(server, host, "/events/calendar?month=2077-13")[0] == 404


def test_unknown_path_unknown_host_and_methods(server: SampleServer) -> None:
    status, _, body = fetch(server, TARGET, "/no/such/page")
    assert status == 404 and b"BeanCraft could not find" in body
    assert fetch(server, "nowhere.example", "/")[:1] == (421,)
    assert b"no such site: nowhere.example" in fetch(server, "nowhere.example", "/")[2]
    # the Host header's port, case and trailing dot do not matter
    assert fetch(server, "WWW.BeanCraft.Example.:8080", "/shop")[0] == 301
    assert fetch(server, TARGET, "/", method="POST")[0] == 405
    no_host = raw(server, b"GET / HTTP/1.0\r\n\r\n", 1 << 16)
    assert no_host.startswith(b"HTTP/1.0 421") and b"(no Host header)" in no_host


def test_gzip_when_asked(web: SampleWeb) -> None:
    page = web.page(f"https://{TARGET}/")
    assert page is not None
    with SampleServer(web, gzip=True) as s:
        status, headers, body = fetch(s, TARGET, "/", headers={"Accept-Encoding": "gzip"})
        assert status == 200 and header(headers, "Content-Encoding") == "gzip"
        assert header(headers, "Content-Length") == str(len(body)) and len(body) < len(page.body)
        assert gzip.decompress(body) == page.body
        for accept in ("identity", "gzip;q=0", ""):
            status, headers, body = fetch(s, TARGET, "/", headers={"Accept-Encoding": accept})
            assert header(headers, "Content-Encoding") is None and body == page.body


def test_latency_global_and_per_site(web: SampleWeb) -> None:
    with SampleServer(web, latency_ms=60) as s:
        t0 = time.monotonic()
        assert fetch(s, TARGET, "/")[0] == 200
        assert time.monotonic() - t0 >= 0.05
        with ThreadPoolExecutor(2) as pool:  # the slow host's 1.5 s, overlapped with the above
            t0 = time.monotonic()
            slow = pool.submit(fetch, s, SLOW, "/")
            assert slow.result()[0] == 200
            assert time.monotonic() - t0 >= 1.4
        assert [e.host for e in s.log.entries()] == [TARGET, SLOW]


def test_latency_does_not_block_other_hosts(web: SampleWeb) -> None:
    with SampleServer(web) as s, ThreadPoolExecutor(2) as pool:
        slow = pool.submit(fetch, s, SLOW, "/")
        time.sleep(0.1)
        t0 = time.monotonic()
        assert fetch(s, TARGET, "/")[0] == 200
        fast = time.monotonic() - t0
        assert slow.result()[0] == 200
        assert fast < 1.0  # answered while the slow host's request was still sleeping


# --- request log --------------------------------------------------------------------------


def test_request_log_and_concurrency(web: SampleWeb) -> None:
    with SampleServer(web, latency_ms=300) as s:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda p: fetch(s, TARGET, p), ["/", "/shop", "/about", "/nope"]))
        fetch(s, "coffee-guild.example", "/")
        log = s.log_for(TARGET)
        assert sorted((e.path, e.status) for e in log) == [
            ("/", 200), ("/about", 200), ("/nope", 404), ("/shop", 301)]
        assert all(e.method == "GET" and e.end - e.time >= 0.25 for e in log)
        assert [e.time for e in log] == sorted(e.time for e in log)
        assert s.max_in_flight(TARGET) == 4
        assert s.max_in_flight("coffee-guild.example") == 1
        assert len(s.log) == 5 and s.log.in_flight(TARGET) == 0
        s.log.clear()
        assert len(s.log) == 0 and s.max_in_flight(TARGET) == 0


# --- misbehave.example --------------------------------------------------------------------


def test_index_and_docs_list_every_endpoint(server: SampleServer) -> None:
    status, _, body = fetch(server, MIS, "/")
    listed = [line.split("\t")[0] for line in body.decode().splitlines()]
    assert status == 200 and listed == list(ENDPOINTS)
    doc = DOC.read_text(encoding="utf-8")
    for path in ENDPOINTS:
        assert f"`{path}`" in doc, f"{path} is not documented in {DOC.name}"
    assert fetch(server, MIS, "/robots.txt")[2] == b"User-agent: *\nAllow: /\n"
    assert fetch(server, MIS, "/nothing-here")[0] == 404


def test_drip_sends_slowly_and_beats_read_timeouts(server: SampleServer) -> None:
    t0 = time.monotonic()
    status, headers, body = fetch(server, MIS, "/drip?ms=40&bytes=8", timeout=2)
    assert (status, len(body), header(headers, "Content-Length")) == (200, 8, "8")
    assert time.monotonic() - t0 >= 0.25
    # each byte comes within a 1 s read timeout, so only a total deadline stops the default drip

    async def client() -> None:
        timeout = aiohttp.ClientTimeout(total=0.8)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
                f"{server.base_url}/drip", headers={"Host": MIS}) as resp:
            await resp.read()

    t0 = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(client())
    assert time.monotonic() - t0 < 3


def test_hang_never_answers(server: SampleServer) -> None:
    t0 = time.monotonic()
    got = raw(server, b"GET /hang HTTP/1.1\r\nHost: misbehave.example\r\n\r\n", 1, timeout=0.4)
    assert got == b"" and time.monotonic() - t0 >= 0.35


def test_endless_body(server: SampleServer) -> None:
    req = b"GET /endless HTTP/1.1\r\nHost: misbehave.example\r\n\r\n"
    got = raw(server, req, 4 << 20)
    assert len(got) >= 4 << 20 and b"Transfer-Encoding: chunked" in got[:1000]
    assert not got.endswith(b"0\r\n\r\n")
    assert fetch(server, MIS, "/")[0] == 200  # still serving after the client walked away


def inflate(body: bytes, limit: int) -> tuple[int, bool]:
    """Bytes of zeros a gzip body inflates to (stopping past ``limit``), and whether it ended."""
    inflater, total, rest = zlib.decompressobj(31), 0, body
    while not inflater.eof and total <= limit:
        out = inflater.decompress(rest, 16 << 20)
        assert out.count(0) == len(out)
        total += len(out)
        rest = inflater.unconsumed_tail
        if not out and not rest:
            break
    return total, inflater.eof


def test_decompression_bomb_is_small_and_valid(server: SampleServer) -> None:
    status, headers, body = fetch(server, MIS, "/bomb", timeout=10)
    assert status == 200 and header(headers, "Content-Encoding") == "gzip"
    assert len(body) == int(header(headers, "Content-Length") or 0) < 2 << 20
    assert inflate(body, 64 << 20) == ((64 << 20) + (16 << 20), False)  # and on it goes
    assert b"\x00" * 1024 not in body  # small on the wire: the MiB segments repeat
    # a smaller bomb of the same making, inflated to the end: zlib checks the CRC and length
    status, headers, body = fetch(server, MIS, "/bomb?mib=40", timeout=10)
    assert inflate(body, 1 << 30) == (40 << 20, True)
    assert BOMB_SIZE == 1 << 30


def test_head_on_streams_returns_headers_only(server: SampleServer) -> None:
    for path in ("/endless", "/drip", "/bomb", "/reset"):
        status, headers, body = fetch(server, MIS, path, method="HEAD", timeout=2)
        assert (status, body) == (200, b""), path
        assert header(headers, "Content-Type") == "text/html; charset=utf-8"
    assert fetch(server, MIS, "/", timeout=2)[0] == 200
    heads = [(e.path, e.status) for e in server.log_for(MIS) if e.method == "HEAD"]
    assert heads == [("/endless", 200), ("/drip", 200), ("/bomb", 200), ("/reset", 200)]


def test_redirect_loop(server: SampleServer) -> None:
    status, headers, _ = fetch(server, MIS, "/loop/a")
    assert (status, header(headers, "Location")) == (302, "https://misbehave.example/loop/b")
    status, headers, _ = fetch(server, MIS, "/loop/b")
    assert (status, header(headers, "Location")) == (302, "https://misbehave.example/loop/a")


def test_reset_mid_body(server: SampleServer) -> None:
    with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
        fetch(server, MIS, "/reset", timeout=3)
    assert fetch(server, MIS, "/")[0] == 200
    assert [e.status for e in server.log_for(MIS) if e.path == "/reset"][-1] == 0


def test_rate_limits_with_retry_after(server: SampleServer) -> None:
    status, headers, _ = fetch(server, MIS, "/429")
    assert (status, header(headers, "Retry-After")) == (429, "2")
    status, headers, _ = fetch(server, MIS, "/503")
    when = parsedate_to_datetime(header(headers, "Retry-After") or "")
    now = _dt.datetime.now(_dt.UTC)
    assert status == 503 and now < when <= now + _dt.timedelta(seconds=5)
    url = f"/429-once?k={time.monotonic_ns()}"
    assert fetch(server, MIS, url)[:1] == (429,)
    assert fetch(server, MIS, url)[0] == 200


def test_wrong_content_types(server: SampleServer) -> None:
    status, headers, body = fetch(server, MIS, "/pdf-as-html")
    assert header(headers, "Content-Type") == "text/html" and body.startswith(b"%PDF-")
    status, headers, body = fetch(server, MIS, "/html-as-png")
    assert header(headers, "Content-Type") == "image/png" and b"<a href=" in body
    status, headers, body = fetch(server, MIS, "/no-content-type")
    assert status == 200 and header(headers, "Content-Type") is None and b"<a href=" in body


def test_huge_header(server: SampleServer) -> None:
    got = raw(server, b"GET /huge-header HTTP/1.0\r\nHost: misbehave.example\r\n\r\n", 1 << 20)
    head = got.split(b"\r\n\r\n")[0]
    padding = [line for line in head.split(b"\r\n") if line.startswith(b"X-Padding: ")]
    assert len(padding) == 1 and len(padding[0]) == len(b"X-Padding: ") + 64 * 1024


def test_charset_only_in_meta(server: SampleServer) -> None:
    status, headers, body = fetch(server, MIS, "/meta-charset")
    assert status == 200 and header(headers, "Content-Type") == "text/html"
    assert b"charset=windows-1251" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert CHARSET_ANCHOR in body.decode("cp1251")


def test_session_id_calendar(server: SampleServer) -> None:
    bodies = [fetch(server, MIS, "/calendar?month=2030-12")[2].decode() for _ in range(2)]
    links = [re.findall(r'href="([^"]+)"', b.replace("&amp;", "&")) for b in bodies]
    assert all(len(x) == 2 for x in links)
    assert "month=2031-01" in links[0][1] and "utm_source=calendar" in links[0][1]
    sids = [re.search(r"sid=(\w+)", x[0]).group(1) for x in links]  # type: ignore[union-attr]
    assert sids[0] != sids[1]  # every visit mints new URLs
    assert fetch(server, MIS, links[0][1])[0] == 200
    assert fetch(server, MIS, "/calendar?month=soon")[0] == 404


# --- running ------------------------------------------------------------------------------


def test_address_map(server: SampleServer, web: SampleWeb) -> None:
    amap = server.address_map()
    assert set(amap) == {s.host for s in web.sites} | {MIS}
    assert set(amap.values()) == {("127.0.0.1", server.port)}
    assert server.base_url == f"http://127.0.0.1:{server.port}"


def test_refuses_non_loopback_and_bad_arguments(web: SampleWeb) -> None:
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.com"):
        with pytest.raises(InputError):
            SampleServer(web, host=host)
    for port in (-1, 70000, True):
        with pytest.raises(InputError):
            SampleServer(web, port=port)
    with pytest.raises(InputError):
        SampleServer(web, latency_ms=-5)
    with pytest.raises(InputError):
        _ = SampleServer(web).port


def test_start_stop_twice_without_leaks(web: SampleWeb) -> None:
    before = set(threading.enumerate())
    s = SampleServer(web)
    for _ in range(2):
        s.start()
        port = s.port
        assert fetch(s, TARGET, "/")[0] == 200
        with pytest.raises(InputError):  # the port is taken while it runs
            SampleServer(web, port=port).start()
        hung = threading.Thread(target=raw, args=(
            s, b"GET /hang HTTP/1.1\r\nHost: misbehave.example\r\n\r\n", 1, 5.0))
        hung.start()
        time.sleep(0.1)
        t0 = time.monotonic()
        s.stop()
        assert time.monotonic() - t0 < 2.0  # a hanging request does not hold up stop()
        hung.join(5)
        s.stop()  # stopping twice is harmless
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert set(threading.enumerate()) == before


def test_async_variant(web: SampleWeb) -> None:
    async def main() -> tuple[int, str]:
        timeout = aiohttp.ClientTimeout(total=5)
        async with SampleServer(web) as s, aiohttp.ClientSession(timeout=timeout) as session, \
                session.get(f"{s.base_url}/shop", headers={"Host": TARGET},
                            allow_redirects=False) as resp:
            return resp.status, resp.headers["Location"]

    assert asyncio.run(main()) == (301, f"https://{TARGET}/store/")
