"""The misbehaving host ``misbehave.example``: endpoints a robust crawler must survive.

Each endpoint is cheap for the server: streams are generated as they are sent (the
decompression bomb is about 1 MB of repeated deflate segments), nothing large is held in
memory, and long-running responses end when the client goes away or the server stops.
``ENDPOINTS`` (path -> one-line description) drives the index page and ``docs/sample-web.md``.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import hashlib
import itertools
import socket
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from functools import cache

from aiohttp import web

HOST = "misbehave.example"
ORIGIN = f"https://{HOST}"
BOMB_SIZE = 1 << 30  # bytes the bomb inflates to
_SEGMENT = 1 << 20  # zeros per repeated deflate segment of the bomb
CHARSET_ANCHOR = "Купить кофе"  # the anchor text of /meta-charset, encoded as windows-1251
CHARSET_TARGET = "https://www.beancraft.example/"

# marks a response whose Content-Type the server's prepare hook removes again
DROP_CONTENT_TYPE = web.RequestKey("drop_content_type", bool)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ENDPOINTS: dict[str, str] = {
    "/": "this index (text/plain)",
    "/robots.txt": "allows everything",
    "/drip": "200 text/html, one byte every `ms` ms (default 250) for `bytes` bytes "
             "(default 1000, with Content-Length)",
    "/hang": "accepts the request and never answers (not even the status line)",
    "/endless": "200 text/html, chunked, an endless body of 64 KiB chunks",
    "/bomb": "200 text/html, Content-Encoding: gzip: ~1 MB that inflates to 1 GiB of zeros "
             "(`mib` MiB, default 1024)",
    "/loop/a": "302 to /loop/b, which 302s back to /loop/a: a redirect loop",
    "/loop/b": "302 to /loop/a",
    "/reset": "200 with Content-Length 100000, sends 1000 bytes, then resets the connection",
    "/429": "429 Too Many Requests, Retry-After: 2 (delta-seconds)",
    "/503": "503 Service Unavailable, Retry-After: an HTTP-date 3 s ahead",
    "/429-once": "429 with Retry-After: 1 the first time a URL is asked for, then 200 text/html",
    "/pdf-as-html": "a PDF document served as text/html",
    "/html-as-png": "an HTML page with a link served as image/png",
    "/no-content-type": "an HTML page with a link and no Content-Type header",
    "/huge-header": "200 with an X-Padding header of `kb` KiB (default 64)",
    "/meta-charset": "windows-1251 HTML, charset only in a <meta http-equiv> tag "
                     f"(one link, anchor {CHARSET_ANCHOR!r})",
    "/calendar": "endless calendar `?month=YYYY-MM`; every link carries a fresh `sid` session "
                 "id and utm_source/utm_medium/utm_campaign parameters",
}

_PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
_LINK_PAGE = (b'<!DOCTYPE html><html><head><title>Mislabelled</title></head><body>'
              b'<p>A page with <a href="https://www.beancraft.example/">a link</a>.</p>'
              b'</body></html>\n')
_ENDLESS_CHUNK = b"<p>" + b"endless " * 8190 + b"</p>\n"  # 64 KiB


def _html(body: bytes, status: int = 200, headers: dict[str, str] | None = None
          ) -> web.Response:
    return web.Response(status=status, body=body,
                        headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})})


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query.get(name, default))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None
    return min(max(value, low), high)


@cache
def _bomb_parts() -> tuple[bytes, bytes]:
    """The gzip header with the first segment, and the segment every later MiB repeats.

    A full flush resets the compressor, so the deflate bytes of each further MiB of zeros are
    identical and byte-aligned: the stream is one header, the same segment 1,024 times, an empty
    final block and the trailer.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(_SEGMENT)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    return first, again


@cache
def _bomb_crc(count: int) -> int:
    zeros, crc = bytes(_SEGMENT), 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    return crc


class Misbehaviour:
    """The handlers of ``misbehave.example``; ``closing`` ends long responses at shutdown."""

    def __init__(self, closing: asyncio.Event) -> None:
        self.closing = closing
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self.routes: dict[str, Handler] = {
            "/": self.index, "/robots.txt": self.robots, "/drip": self.drip,
            "/hang": self.hang, "/endless": self.endless, "/bomb": self.bomb,
            "/loop/a": self.loop, "/loop/b": self.loop, "/reset": self.reset,
            "/429": self.too_many, "/503": self.unavailable, "/429-once": self.too_many_once,
            "/pdf-as-html": self.pdf_as_html, "/html-as-png": self.html_as_png,
            "/no-content-type": self.no_content_type, "/huge-header": self.huge_header,
            "/meta-charset": self.meta_charset, "/calendar": self.calendar,
        }
        assert set(self.routes) == set(ENDPOINTS)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request to misbehave.example (404 for an unknown path)."""
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="no such misbehaviour\n")
        return await handler(request)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep, or stop early and return True when the server is closing."""
        try:
            await asyncio.wait_for(self.closing.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The list of endpoints."""
        lines = [f"{path}\t{doc}" for path, doc in ENDPOINTS.items()]
        return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")

    async def robots(self, request: web.Request) -> web.StreamResponse:
        """A robots.txt that allows everything."""
        return web.Response(text="User-agent: *\nAllow: /\n", content_type="text/plain")

    async def drip(self, request: web.Request) -> web.StreamResponse:
        """One byte every ``ms`` milliseconds."""
        interval = _int_param(request, "ms", 250, 1, 60_000) / 1000
        size = _int_param(request, "bytes", 1000, 1, 1 << 20)
        body = (b"<!DOCTYPE html><html><body><p>" + b"." * size)[:size]
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        resp.content_length = size
        await resp.prepare(request)
        if request.method == "HEAD":  # headers only; a body loop would spin
            return resp
        for i in range(size):
            await resp.write(body[i:i + 1])
            if i + 1 < size and await self._sleep(interval):
                break
        return resp

    async def hang(self, request: web.Request) -> web.StreamResponse:
        """Never answer; at shutdown the connection is dropped without a response."""
        await self.closing.wait()
        _abort(request)
        raise asyncio.CancelledError

    async def endless(self, request: web.Request) -> web.StreamResponse:
        """A chunked body that never ends (until the client leaves or the server stops)."""
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        if request.method == "HEAD":  # headers only; a body loop would spin
            return resp
        await resp.write(b"<!DOCTYPE html><html><body>\n")
        while not self.closing.is_set():
            await resp.write(_ENDLESS_CHUNK)
        return resp

    async def bomb(self, request: web.Request) -> web.StreamResponse:
        """About 1 MB of gzip that inflates to 1 GiB, streamed segment by segment."""
        first, again = _bomb_parts()
        count = _int_param(request, "mib", BOMB_SIZE // _SEGMENT, 1, 4096)
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8",
                                           "Content-Encoding": "gzip"})
        resp.content_length = len(first) + len(again) * (count - 1) + 2 + 8
        await resp.prepare(request)
        if request.method == "HEAD":  # headers only; a body loop would spin
            return resp
        await resp.write(first)
        for _ in range(count - 1):
            if self.closing.is_set():
                return resp
            await resp.write(again)
        crc = await asyncio.get_running_loop().run_in_executor(None, _bomb_crc, count)
        size = count * _SEGMENT
        await resp.write(b"\x03\x00" + struct.pack("<II", crc, size & 0xFFFFFFFF))
        return resp

    async def loop(self, request: web.Request) -> web.StreamResponse:
        """Two URLs redirecting to each other."""
        other = "/loop/b" if request.path == "/loop/a" else "/loop/a"
        return _html(b"<p>Round and round.</p>", 302, {"Location": ORIGIN + other})

    async def reset(self, request: web.Request) -> web.StreamResponse:
        """Promise 100,000 bytes, send 1,000, then reset the TCP connection."""
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        resp.content_length = 100_000
        await resp.prepare(request)
        if request.method == "HEAD":  # headers only; a body loop would spin
            return resp
        await resp.write(b"<!DOCTYPE html><html><body><p>" + b"x" * 970)
        await asyncio.sleep(0.05)  # let the partial body reach the client before the RST
        _abort(request)
        raise asyncio.CancelledError

    async def too_many(self, request: web.Request) -> web.StreamResponse:
        """429 with a delta-seconds Retry-After."""
        return _html(b"<p>Slow down.</p>", 429, {"Retry-After": "2"})

    async def unavailable(self, request: web.Request) -> web.StreamResponse:
        """503 with an HTTP-date Retry-After."""
        when = _dt.datetime.now(_dt.UTC) + _dt.timedelta(seconds=3)
        return _html(b"<p>Down for maintenance.</p>", 503,
                     {"Retry-After": format_datetime(when, usegmt=True)})

    async def too_many_once(self, request: web.Request) -> web.StreamResponse:
        """429 for the first request of each URL, 200 afterwards."""
        with self._lock:
            first = request.path_qs not in self._seen
            self._seen.add(request.path_qs)
        if first:
            return _html(b"<p>Slow down.</p>", 429, {"Retry-After": "1"})
        return _html(_LINK_PAGE)

    async def pdf_as_html(self, request: web.Request) -> web.StreamResponse:
        """PDF bytes labelled text/html."""
        return web.Response(body=_PDF, headers={"Content-Type": "text/html"})

    async def html_as_png(self, request: web.Request) -> web.StreamResponse:
        """An HTML page labelled image/png."""
        return web.Response(body=_LINK_PAGE, headers={"Content-Type": "image/png"})

    async def no_content_type(self, request: web.Request) -> web.StreamResponse:
        """An HTML page without a Content-Type header."""
        # aiohttp adds application/octet-stream to a body without a type; the server's prepare
        # hook drops it again for requests marked like this
        request[DROP_CONTENT_TYPE] = True
        return web.Response(body=_LINK_PAGE)

    async def huge_header(self, request: web.Request) -> web.StreamResponse:
        """A response header of ``kb`` KiB."""
        size = _int_param(request, "kb", 64, 1, 1024) * 1024
        return _html(_LINK_PAGE, 200, {"X-Padding": "a" * size})

    async def meta_charset(self, request: web.Request) -> web.StreamResponse:
        """windows-1251 HTML whose charset is declared only in a meta tag."""
        page = ('<!DOCTYPE html><html lang="ru"><head>'
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
                "<title>Кофе для дома</title></head><body><p>Свежая обжарка: "
                f'<a href="{CHARSET_TARGET}">{CHARSET_ANCHOR}</a>.</p></body></html>\n')
        return web.Response(body=page.encode("cp1251"), headers={"Content-Type": "text/html"})

    async def calendar(self, request: web.Request) -> web.StreamResponse:
        """One month of an endless calendar whose links carry session ids and utm tags."""
        month = request.query.get("month", "2024-01")
        if not _valid_month(month):
            return web.Response(status=404, text="no such month\n")
        year, mon = int(month[:4]), int(month[5:])
        prev = f"{year - (mon == 1):04d}-{12 if mon == 1 else mon - 1:02d}"
        nxt = f"{year + (mon == 12):04d}-{1 if mon == 12 else mon + 1:02d}"
        sid = hashlib.sha1(f"sid|{next(self._sids)}".encode()).hexdigest()[:16]

        def href(m: str) -> str:
            return (f"/calendar?month={m}&amp;sid={sid}&amp;utm_source=calendar"
                    f"&amp;utm_medium=web&amp;utm_campaign={month}")

        body = (f"<!DOCTYPE html><html><head><title>Events {month}</title></head><body>"
                f"<h1>Events in {month}</h1><p>No events.</p>"
                f'<p><a href="{href(prev)}">previous month</a> '
                f'<a href="{href(nxt)}">next month</a></p></body></html>\n')
        return _html(body.encode())


def _valid_month(month: str) -> bool:
    return (len(month) == 7 and month[4] == "-" and month[:4].isdigit()
            and month[5:].isdigit() and 1 <= int(month[5:]) <= 12
            and 1 <= int(month[:4]) <= 9998)


def _abort(request: web.Request) -> None:
    """Reset the connection (RST, not FIN) so the client sees a broken transfer."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
