"""One HTTP request, bounded: the crawler's only contact with aiohttp.

``open_session`` builds the one ``ClientSession`` of a crawl: every connection goes through the
request-forgery guard (``guard.GuardedConnector`` checks, a resolver that hands aiohttp only
checked addresses), no proxy variables, no cookies, no automatic decompression. ``fetch`` sends
one GET without following redirects (the engine schedules each hop so politeness and the guard
see it) and reads the body under limits: connect, read (between bytes) and total timeouts, a
body cap (longer bodies are truncated), a decompression guard (refuses a body that inflates
past the cap at a ratio no real page has), and content-type rules (bodies of types the caller
does not want are not downloaded). Failures raise ``FetchFailed`` with a short ``kind``.

``address_map`` is a test/demo transport: a mapped host is connected to the given address
instead of being looked up, Host header and URL unchanged, and an https URL to a mapped host
is spoken as plain HTTP. Never use it for real crawling.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import socket
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from aiohttp.abc import ResolveResult

from linkatlas.errors import BlockedURLError, FetchError
from linkatlas.sources import guard

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    brotli = None

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSIENT_KINDS = frozenset({"connection", "connect-timeout", "read-timeout"})
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Bodies a browser would never show as HTML whatever their label says.
_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
                 b"OggS", b"RIFF", b"\x00\x00\x01\x00")
BOMB_RATIO = 100  # real HTML compresses 5-15x; a body inflating past the cap at >100x is a bomb
_CHUNK = 1 << 16


class FetchFailed(FetchError):
    """A fetch that produced no usable response; ``kind`` says why in one word."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Limits:
    """Timeouts (seconds) and size limits for one fetch."""

    connect: float = 10.0
    read: float = 20.0
    total: float = 60.0
    max_body_bytes: int = 5 * 1024 * 1024


@dataclass(slots=True)
class Response:
    """One response: status, headers as sent, body (decoded transfer, maybe truncated)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    location: str | None = None  # the raw Location header of a redirect
    retry_after: float | None = None
    truncated: bool = False
    skipped_body: str = ""  # why the body was not read ('' when it was)
    wire_bytes: int = 0
    ip: str = ""  # the address the connection went to


class _MappedResolver(guard.GuardedResolver):
    """The guard's resolver, with a fixed host -> (address, port) table consulted first."""

    def __init__(self, policy: guard.NetPolicy, address_map: Mapping[str, tuple[str, int]]):
        super().__init__(policy)
        self.address_map = dict(address_map)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The mapped address of ``host`` (checked by the guard), else a checked look-up."""
        mapped = self.address_map.get(host.lower().rstrip("."))
        if mapped is None:
            return await super().resolve(host, port, family)
        addr, mport = mapped
        ips = await guard.resolve_checked(addr, mport, self.policy)
        return [ResolveResult(hostname=host, host=str(ip), port=mport,
                              family=socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                              proto=0, flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV)
                for ip in ips]


class _Connector(guard.GuardedConnector):
    """``GuardedConnector`` (proxy, scheme and IP-literal checks) with the mapped resolver."""

    def __init__(self, policy: guard.NetPolicy, resolver: _MappedResolver, **kw: Any) -> None:
        aiohttp.TCPConnector.__init__(self, resolver=resolver, **kw)
        self.policy = policy


def accept_encoding() -> str:
    """The codings this fetcher can decode under its guard."""
    return "gzip, deflate, br" if brotli is not None else "gzip, deflate"


def open_session(*, user_agent: str, limits: Limits, policy: guard.NetPolicy,
                 address_map: Mapping[str, tuple[str, int]] | None = None,
                 concurrency: int = 32) -> aiohttp.ClientSession:
    """The crawl's one session: guarded connections, no cookies, no proxies, no auto-decoding."""
    resolver = _MappedResolver(policy, address_map or {})
    connector = _Connector(policy, resolver, limit=concurrency, limit_per_host=0,
                           ttl_dns_cache=300, enable_cleanup_closed=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=limits.connect,
                                    sock_read=limits.read)
    headers = {"User-Agent": user_agent, "Accept-Encoding": accept_encoding(),
               "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    return aiohttp.ClientSession(connector=connector, timeout=timeout, headers=headers,
                                 trust_env=False, auto_decompress=False,
                                 cookie_jar=aiohttp.DummyCookieJar(), max_field_size=16384)


def wire_url(url: str, address_map: Mapping[str, tuple[str, int]] | None) -> str:
    """The URL to request: https to a mapped host becomes http (the test/demo transport)."""
    if address_map and url.startswith("https://"):
        end = len("https://")
        stop = min((i for i in (url.find(c, end) for c in "/:?#") if i >= 0), default=len(url))
        if url[end:stop] in address_map:
            return "http://" + url[end:]
    return url


async def fetch(session: aiohttp.ClientSession, url: str, limits: Limits, *,
                want: tuple[str, ...] | None = HTML_TYPES,
                address_map: Mapping[str, tuple[str, int]] | None = None) -> Response:
    """GET ``url`` once (no redirects followed) under ``limits``; raise FetchFailed.

    ``want`` lists the media types whose body is read (None: any); a missing Content-Type is
    read and sniffed.
    """
    try:
        async with asyncio.timeout(limits.total):
            return await _fetch(session, url, limits, want, address_map)
    except FetchFailed:
        raise
    except BlockedURLError as exc:
        raise FetchFailed("blocked", str(exc)) from None
    except FetchError as exc:  # the guard could not resolve the name
        raise FetchFailed("dns", str(exc)) from None
    except aiohttp.ConnectionTimeoutError:
        raise FetchFailed("connect-timeout", f"connect timeout ({limits.connect}s)") from None
    except aiohttp.SocketTimeoutError:
        raise FetchFailed("read-timeout", f"read timeout ({limits.read}s)") from None
    except TimeoutError:
        raise FetchFailed("total-timeout", f"total timeout ({limits.total}s)") from None
    except aiohttp.ClientConnectorDNSError as exc:
        raise FetchFailed("dns", str(exc)) from None
    except aiohttp.ClientResponseError as exc:
        raise FetchFailed("bad-response", f"bad response: {exc.message}"[:200]) from None
    except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, OSError) as exc:
        raise FetchFailed("connection", f"connection error: {exc}"[:200]) from None
    except (aiohttp.InvalidURL, ValueError) as exc:
        raise FetchFailed("invalid-url", f"cannot request {url[:100]!r}: {exc}") from None


def _peer_ip(resp: aiohttp.ClientResponse) -> str:
    """The server address of a live response ('' once the connection is gone)."""
    conn = resp.connection
    transport = conn.transport if conn is not None else None
    peer = transport.get_extra_info("peername") if transport is not None else None
    return str(peer[0]) if isinstance(peer, tuple) and peer else ""


async def _fetch(session: aiohttp.ClientSession, url: str, limits: Limits,
                 want: tuple[str, ...] | None,
                 address_map: Mapping[str, tuple[str, int]] | None) -> Response:
    target = wire_url(url, address_map)
    async with session.get(target, allow_redirects=False) as resp:
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers)
        status = resp.status
        out = Response(url, status, headers, b"", ip=_peer_ip(resp))
        if status in REDIRECT_STATUSES:
            out.location = resp.headers.get("Location")
        if status in RETRY_STATUSES:
            out.retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        ctype = resp.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if want is not None and ctype and not ctype.startswith(want):
            out.skipped_body = f"content-type {ctype}"
            resp.close()  # the unread body makes the connection unusable
            return out
        coding = resp.headers.get("Content-Encoding", "").strip().lower()
        out.body, out.truncated, out.wire_bytes = await _read_body(resp, coding,
                                                                   limits.max_body_bytes)
        if out.truncated:
            resp.close()
        if want is not None and out.body.startswith(_BINARY_MAGIC):
            out.skipped_body = "binary body labelled " + (ctype or "without a type")
            out.body = b""
        return out


async def _read_body(resp: aiohttp.ClientResponse, coding: str,
                     cap: int) -> tuple[bytes, bool, int]:
    """The decoded body up to ``cap`` bytes, whether it was cut, and bytes read off the wire."""
    decoder = _Decoder(coding) if coding not in ("", "identity") else None
    parts: list[bytes] = []
    size = wire = 0
    async for chunk in resp.content.iter_chunked(_CHUNK):
        wire += len(chunk)
        data = chunk if decoder is None else decoder.feed(chunk, cap - size + 1)
        size += len(data)
        parts.append(data)
        if size > cap:
            used = wire - (decoder.pending if decoder else 0)
            if decoder is not None and size > BOMB_RATIO * max(used, 1):
                raise FetchFailed("decompression-bomb",
                                  f"{used} compressed bytes inflate past {cap} bytes")
            return b"".join(parts)[:cap], True, wire
    return b"".join(parts), False, wire


class _Decoder:
    """Content-Encoding decoding with an output limit per call (the decompression guard)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.pending = 0  # input bytes not consumed by the last call
        self._br: Any = None
        if coding in ("gzip", "x-gzip", "deflate"):
            # 47: gzip or zlib framing, detected; some servers send raw deflate for 'deflate'.
            self._z = zlib.decompressobj(47)
            self._raw_ok = coding == "deflate"
        elif coding == "br" and brotli is not None:
            self._br = brotli.Decompressor()
        else:
            raise FetchFailed("bad-encoding", f"unsupported Content-Encoding {coding!r}")

    def feed(self, chunk: bytes, limit: int) -> bytes:
        """Decoded bytes of ``chunk``, at most ``limit`` of them."""
        limit = max(limit, 1)
        try:
            if self._br is not None:
                return bytes(self._br.process(chunk, output_buffer_limit=limit))
            try:
                out = self._z.decompress(chunk, limit)
            except zlib.error:
                if not self._raw_ok:
                    raise
                self._raw_ok = False
                self._z = zlib.decompressobj(-15)
                out = self._z.decompress(chunk, limit)
            self._raw_ok = False
            self.pending = len(self._z.unconsumed_tail)
            return out
        except Exception as exc:  # zlib.error, brotli.error: both mean a corrupt body
            raise FetchFailed("bad-encoding", f"corrupt {self.coding} body: {exc}") from None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return max(0.0, (when - _dt.datetime.now(_dt.UTC)).total_seconds())
