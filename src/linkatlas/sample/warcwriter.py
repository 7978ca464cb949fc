"""Write a sample web as a gzipped WARC/1.1 file, deterministically.

One gzip member per record (as Common Crawl does): a ``warcinfo`` record, then for each page a
``request`` and a ``response`` record; a page whose payload equals an earlier one's gets a
``revisit`` record (identical-payload-digest profile) instead of a second response. Digests are
SHA-1 in base32, record ids are uuid5 of the seed, version and URL, dates come from
``web.fetched_at`` plus one second per page, and gzip headers carry no time stamp, so the same
web always gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as _dt
import gzip
import hashlib
import os
import uuid
from collections.abc import Iterator
from http import HTTPStatus
from typing import BinaryIO

from linkatlas.errors import InputError
from linkatlas.sample.web import SamplePage, SampleWeb

REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
USER_AGENT = "linkatlas-sample/0.1 (+https://github.com/linkatlas)"


def digest(data: bytes) -> str:
    """``sha1:`` plus the base32 SHA-1 of ``data``, the form WARC files use."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _date(when: _dt.datetime) -> str:
    return when.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_id(web: SampleWeb, kind: str, url: str) -> str:
    name = f"linkatlas-sample:{web.seed}:{web.version}:{kind}:{url}"
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


def _record(fields: list[tuple[str, str]], block: bytes, content_type: str) -> bytes:
    head = [("Content-Type", content_type), ("Content-Length", str(len(block)))]
    lines = "".join(f"{k}: {v}\r\n" for k, v in [*fields, *head])
    raw = b"WARC/1.1\r\n" + lines.encode("utf-8") + b"\r\n" + block + b"\r\n\r\n"
    # mtime=0 keeps the gzip header free of the wall clock
    return gzip.compress(raw, compresslevel=6, mtime=0)


def _http_head(page: SamplePage) -> bytes:
    try:
        reason = HTTPStatus(page.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {page.status} {reason}"] + [f"{k}: {v}" for k, v in page.headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _request(page: SamplePage) -> bytes:
    rest = page.url.split("/", 3)
    target = "/" + (rest[3] if len(rest) > 3 else "")
    return (f"GET {target} HTTP/1.1\r\nHost: {rest[2]}\r\nUser-Agent: {USER_AGENT}\r\n"
            "Accept: */*\r\nAccept-Encoding: identity\r\n\r\n").encode()


def records(web: SampleWeb, filename: str = "sample.warc.gz") -> Iterator[tuple[str, bytes]]:
    """Each record of the WARC as (WARC-Type, gzip member), in file order."""
    info_id = _record_id(web, "warcinfo", filename)
    info = (f"software: linkatlas.sample\r\nformat: WARC File Format 1.1\r\n"
            f"description: linkatlas sample web, seed {web.seed}, version {web.version}\r\n"
            f"isPartOf: linkatlas-sample-{web.seed}-v{web.version}\r\n").encode()
    yield "warcinfo", _record(
        [("WARC-Type", "warcinfo"), ("WARC-Record-ID", info_id),
         ("WARC-Date", _date(web.fetched_at)), ("WARC-Filename", filename),
         ("WARC-Block-Digest", digest(info))], info, "application/warc-fields")
    seen: dict[str, tuple[str, str, str]] = {}  # payload digest -> (uri, date, record id)
    for i, page in enumerate(web.pages()):
        date = _date(web.fetched_at + _dt.timedelta(seconds=i))
        resp_id = _record_id(web, "response", page.url)
        req = _request(page)
        yield "request", _record(
            [("WARC-Type", "request"), ("WARC-Record-ID", _record_id(web, "request", page.url)),
             ("WARC-Date", date), ("WARC-Target-URI", page.url),
             ("WARC-Concurrent-To", resp_id), ("WARC-Warcinfo-ID", info_id),
             ("WARC-Block-Digest", digest(req))], req, "application/http; msgtype=request")
        head = _http_head(page)
        pdig = digest(page.body)
        common = [("WARC-Record-ID", resp_id), ("WARC-Date", date),
                  ("WARC-Target-URI", page.url), ("WARC-Warcinfo-ID", info_id),
                  ("WARC-Payload-Digest", pdig)]
        ip = web.ip_of(page.url.split("/")[2])
        if ip:
            common.append(("WARC-IP-Address", ip))
        original = seen.get(pdig) if page.body else None
        if original is not None:
            yield "revisit", _record(
                [("WARC-Type", "revisit"), *common, ("WARC-Profile", REVISIT_PROFILE),
                 ("WARC-Refers-To-Target-URI", original[0]),
                 ("WARC-Refers-To-Date", original[1]), ("WARC-Refers-To", original[2]),
                 ("WARC-Block-Digest", digest(head))],
                head, "application/http; msgtype=response")
            continue
        seen.setdefault(pdig, (page.url, date, resp_id))
        block = head + page.body
        yield "response", _record(
            [("WARC-Type", "response"), *common, ("WARC-Block-Digest", digest(block)),
             ("WARC-Identified-Payload-Type", page.content_type.split(";")[0].strip())],
            block, "application/http; msgtype=response")


def write_warc(web: SampleWeb, path: str | os.PathLike[str]) -> int:
    """Write ``web`` to ``path`` as a gzipped WARC; returns the number of response records."""
    name = os.path.basename(os.fspath(path))
    try:
        with open(path, "wb") as fh:
            return _write(web, fh, name)
    except OSError as exc:
        raise InputError(f"cannot write sample WARC to {os.fspath(path)!r}: {exc}") from exc


def _write(web: SampleWeb, fh: BinaryIO, name: str) -> int:
    responses = 0
    for kind, member in records(web, name):
        fh.write(member)
        responses += kind == "response"
    return responses
