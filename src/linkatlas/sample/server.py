"""The sample web served over plain HTTP on loopback, for the crawler's tests, demos and benchmark.

One port serves every host: a request is routed by its ``Host`` header, so
``GET /shop`` with ``Host: www.beancraft.example`` is answered with
``web.page("https://www.beancraft.example/shop")`` (status, headers and body as the page says;
redirects are not followed). Clients connect to ``127.0.0.1:port`` and set the Host header;
``SampleServer.address_map()`` gives the host -> address mapping for that. A known host with an
unknown path gets the site's 404 page; an unknown host gets ``421 Misdirected Request``. The
misbehaving host ``misbehave.example`` is described in ``misbehave.py``. Every request is logged
with monotonic times (``RequestLog``) so politeness tests can check delays and concurrency.

::

    with SampleServer(build(seed=7), latency_ms=20) as server:
        server.address_map()   # {"www.beancraft.example": ("127.0.0.1", 41234), ...}
        server.log_for("www.beancraft.example")
"""

from __future__ import annotations

import asyncio
import gzip as _gzip
import ipaddress
import threading
import time
from collections import Counter
from dataclasses import dataclass
from types import TracebackType

from aiohttp import web as aioweb
from multidict import CIMultiDict

from linkatlas import urls
from linkatlas.errors import InputError
from linkatlas.sample import misbehave
from linkatlas.sample.render import error_page
from linkatlas.sample.web import SamplePage, SampleSite, SampleWeb

_COMPRESSIBLE = ("text/", "application/xml", "application/json", "application/xhtml+xml")
_GZIP_CACHE_LIMIT = 4096  # compressed bodies kept; trap pages are endless, so bound it


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the server saw it; ``time`` and ``end`` are ``time.monotonic()``.

    ``status`` is 0 when no complete response was given (a hang, a reset, a client that left).
    ``time`` is when the request arrived, before any simulated latency.
    """

    time: float
    end: float
    host: str
    path: str
    method: str
    status: int


class RequestLog:
    """Thread-safe list of served requests, with in-flight counts per host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []
        self._in_flight: Counter[str] = Counter()
        self._max: Counter[str] = Counter()

    def enter(self, host: str) -> None:
        """Count a request to ``host`` as in flight."""
        with self._lock:
            self._in_flight[host] += 1
            self._max[host] = max(self._max[host], self._in_flight[host])

    def leave(self, entry: LoggedRequest) -> None:
        """Record a finished request and take it out of the in-flight count."""
        with self._lock:
            self._in_flight[entry.host] -= 1
            self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        """Every finished request, by arrival time."""
        with self._lock:
            return sorted(self._entries, key=lambda e: e.time)

    def for_host(self, host: str) -> list[LoggedRequest]:
        """The finished requests to ``host``, by arrival time."""
        return [e for e in self.entries() if e.host == host]

    def max_in_flight(self, host: str) -> int:
        """The most requests to ``host`` that were in flight at the same time."""
        with self._lock:
            return self._max[host]

    def in_flight(self, host: str) -> int:
        """Requests to ``host`` in flight now."""
        with self._lock:
            return self._in_flight[host]

    def clear(self) -> None:
        """Forget finished requests and maxima (requests in flight stay counted)."""
        with self._lock:
            self._entries.clear()
            self._max = Counter(self._in_flight)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _loopback(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise InputError(f"sample server host must be a loopback IP, got {host!r}") from None
    if not address.is_loopback:
        raise InputError(f"sample server binds only to loopback, refused {host!r}")
    return str(address)


def _host_of(request: aioweb.Request) -> str:
    """The Host header's name, lower-case, without port or trailing dot ('' when absent)."""
    value = request.headers.get("Host", "").strip().lower()
    if value.startswith("["):
        return value.partition("]")[0] + "]"
    name, _, port = value.rpartition(":")
    if name and port.isdigit():
        value = name
    return value.rstrip(".")


def _accepts_gzip(accept: str) -> bool:
    for part in accept.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip"):
            continue
        q = params.strip().replace(" ", "")
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


class SampleServer:
    """Serve a ``SampleWeb`` on loopback; ``start()``/``stop()`` run it on a background thread.

    ``latency_ms`` is added to every sample-site response (on top of each site's own
    ``latency_ms``); ``gzip=True`` compresses text bodies for clients that accept gzip.
    """

    def __init__(self, web: SampleWeb, *, host: str = "127.0.0.1", port: int = 0,
                 latency_ms: int | None = None, gzip: bool = False) -> None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise InputError(f"port must be an integer in 0..65535, got {port!r}")
        if latency_ms is not None and (isinstance(latency_ms, bool)
                                       or not isinstance(latency_ms, int) or latency_ms < 0):
            raise InputError(f"latency_ms must be a non-negative integer, got {latency_ms!r}")
        self.web = web
        self.host = _loopback(host)
        self.latency_ms = latency_ms or 0
        self.gzip = gzip
        self.log = RequestLog()
        self._wanted_port = port
        self._port: int | None = None
        self._sites: dict[str, SampleSite] = {s.host: s for s in web.sites}
        self._gz: dict[str, bytes] = {}
        # stored URLs may hold raw non-ASCII ('tarrazú'); clients send them percent-encoded
        self._aliases: dict[str, SamplePage] = {}
        for page in web.pages():
            norm = urls.try_normalize(page.url)
            if norm is not None and norm != page.url:
                self._aliases.setdefault(norm, page)
        self._runner: aioweb.AppRunner | None = None
        self._closing: asyncio.Event | None = None
        self._misbehave: misbehave.Misbehaviour | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # --- addresses -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on (raises if it is not running)."""
        if self._port is None:
            raise InputError("the sample server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:port`` (requests still need a sample Host header)."""
        return f"http://{self.host}:{self.port}"

    def hosts(self) -> list[str]:
        """Every host name the server answers for, sample sites first."""
        return [*self._sites, misbehave.HOST]

    def address_map(self) -> dict[str, tuple[str, int]]:
        """Every served host name mapped to the (address, port) to connect to."""
        port = self.port
        return {h: (self.host, port) for h in self.hosts()}

    def log_for(self, host: str) -> list[LoggedRequest]:
        """The finished requests to ``host``, by arrival time."""
        return self.log.for_host(host)

    def max_in_flight(self, host: str) -> int:
        """The most concurrent requests ``host`` has seen."""
        return self.log.max_in_flight(host)

    # --- serving ---------------------------------------------------------------------------

    async def _handle(self, request: aioweb.Request) -> aioweb.StreamResponse:
        host = _host_of(request)
        start = time.monotonic()
        status = 0
        self.log.enter(host)
        try:
            resp = await self._respond(request, host)
            status = resp.status
            return resp
        except aioweb.HTTPException as exc:
            status = exc.status
            raise
        finally:
            self.log.leave(LoggedRequest(start, time.monotonic(), host, request.raw_path,
                                         request.method, status))

    async def _respond(self, request: aioweb.Request, host: str) -> aioweb.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            return aioweb.Response(status=405, text="only GET and HEAD\n",
                                headers={"Allow": "GET, HEAD"})
        if host == misbehave.HOST:
            assert self._misbehave is not None
            return await self._misbehave.handle(request)
        site = self._sites.get(host)
        if site is None:
            return aioweb.Response(status=421, text=f"no such site: {host or '(no Host header)'}\n")
        delay = site.latency_ms + self.latency_ms
        if delay:
            await asyncio.sleep(delay / 1000)
        url = f"https://{host}{request.raw_path}"
        return self._page_response(request, self._lookup(url, site))

    def _lookup(self, url: str, site: SampleSite) -> SamplePage:
        """The page at ``url`` as sent or in its normalised form, else the site's 404."""
        page = self.web.page(url)
        if page is None:
            norm = urls.try_normalize(url)
            if norm is not None:
                page = self._aliases.get(norm) or self.web.page(norm)
        return page or error_page(url, 404, site.name)

    def _page_response(self, request: aioweb.Request, page: SamplePage) -> aioweb.Response:
        headers = CIMultiDict(page.headers)
        body = page.body
        if (self.gzip and body and page.content_type.startswith(_COMPRESSIBLE)
                and "Content-Encoding" not in headers
                and _accepts_gzip(request.headers.get("Accept-Encoding", ""))):
            body = self._gz.get(page.url) or _gzip.compress(body, mtime=0)
            if len(self._gz) < _GZIP_CACHE_LIMIT:
                self._gz[page.url] = body
            headers["Content-Encoding"] = "gzip"
            headers["Content-Length"] = str(len(body))
            headers.add("Vary", "Accept-Encoding")
        return aioweb.Response(status=page.status, body=body, headers=headers)

    @staticmethod
    async def _on_prepare(request: aioweb.Request, response: aioweb.StreamResponse) -> None:
        if request.get(misbehave.DROP_CONTENT_TYPE):
            response.headers.popall("Content-Type", None)

    # --- running in the current event loop -------------------------------------------------

    async def astart(self) -> SampleServer:
        """Start serving in the running event loop."""
        if self._runner is not None:
            return self
        self._closing = asyncio.Event()
        self._misbehave = misbehave.Misbehaviour(self._closing)
        app = aioweb.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        app.on_response_prepare.append(self._on_prepare)
        runner = aioweb.AppRunner(app, access_log=None, handler_cancellation=True,
                               shutdown_timeout=1.0)
        await runner.setup()
        try:
            await aioweb.TCPSite(runner, self.host, self._wanted_port).start()
        except OSError as exc:
            await runner.cleanup()
            raise InputError(f"sample server cannot listen on {self.host}:"
                             f"{self._wanted_port}: {exc.strerror or exc}") from exc
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def astop(self) -> None:
        """Stop serving: long misbehaviour responses end, connections close."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        assert self._closing is not None
        self._closing.set()
        await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> SampleServer:
        return await self.astart()

    async def __aexit__(self, *exc: object) -> None:
        await self.astop()

    # --- running on a background thread ----------------------------------------------------

    def start(self) -> SampleServer:
        """Start serving on a background thread with its own event loop; returns self."""
        if self._thread is not None:
            return self
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failed: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.astart())
            except BaseException as exc:  # handed to the starting thread
                failed.append(exc)
            ready.set()
            if not failed:
                loop.run_forever()
            _drain(loop)

        thread = threading.Thread(target=run, name="linkatlas-sample-server", daemon=True)
        thread.start()
        ready.wait()
        if failed:
            thread.join()
            raise failed[0]
        self._loop, self._thread = loop, thread
        return self

    def stop(self) -> None:
        """Stop the background server and join its thread (no-op if not running)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.astop(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            self._loop = self._thread = None

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on the loop, join its executor threads and close it."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
