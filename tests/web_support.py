"""Test helpers for the web layer: sample-web indexes, a hostile index, an HTML structure probe."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html.parser
import socket
from collections.abc import Sequence
from pathlib import Path

from linkatlas import api, sample, urls
from linkatlas.extract import make_link
from linkatlas.model import Page, Placement
from linkatlas.store import Index

TOKEN = "test-token-5f1c"
VICTIM = "victim.example"


def sample_index(folder: Path, *, rank: bool = True) -> tuple[Path, str, sample.SampleWeb]:
    """The sample web (seed 7) ingested into ``folder``; (index path, target domain, web)."""
    web = sample.build(seed=7)
    warc = folder / "web.warc.gz"
    sample.write_warc(web, warc)
    db = folder / "index.duckdb"
    api.ingest([warc], db=db)
    if rank:
        api.rank(db=db, levels=("domain",), harmonic=False)
    return db, urls.registrable_domain(web.target_host), web


def hostile_index(db: Path, strings: Sequence[str]) -> None:
    """An index where every string is an anchor to ``victim.example`` and the title of the
    linking page and of a victim page; plus a link whose source is a ``javascript:`` URL."""
    seen = _dt.datetime(2024, 5, 6, tzinfo=_dt.UTC)
    pages, links = [], []
    for i, text in enumerate(strings):
        source = f"https://site{i % 40}.example/p{i}"
        target = f"https://www.{VICTIM}/page{i % 7}"
        links.append(make_link(source, target, anchor=text, placement=Placement.CONTENT,
                               seen=seen, context_before=text[:50]))
        for url in (source, target):
            host, domain = urls.host_and_domain(url)
            pages.append(Page(url=url, final_url=url, host=host, domain=domain, status=200,
                              fetched_at=seen, title=text, word_count=300))
    evil = make_link("https://evil.example/x", f"https://www.{VICTIM}/", anchor="click",
                     seen=seen)
    links.append(dataclasses.replace(evil, source_url="javascript:alert(document.domain)//"))
    with Index(db) as index:
        index.write(pages, links)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Structure(html.parser.HTMLParser):
    """Every element (tag and attribute names) and every href/src value of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.urls: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the element and its URL-valued attributes."""
        self.tags.append((tag, tuple(sorted(a for a, _ in attrs))))
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "srcset", "xlink:href"):
                self.urls.append((tag, name, value or ""))

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.text.append(data)


def structure(document: str) -> Structure:
    """The parsed structure of an HTML document."""
    probe = Structure()
    probe.feed(document)
    probe.close()
    return probe


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options")


def assert_security_headers(headers: object, path: str) -> None:
    """The CSP (with frame-ancestors 'none' and no unsafe source) and nosniff are present."""
    get = headers.get  # type: ignore[attr-defined]
    csp = get("content-security-policy") or ""
    assert "frame-ancestors 'none'" in csp, (path, csp)
    assert "default-src 'none'" in csp, (path, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
    assert get("x-content-type-options") == "nosniff", path
