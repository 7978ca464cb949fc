"""The process-wide resolution memo of html._Resolver never changes a result: every href
resolved against every base through the shared memo (warmed by all the other bases first)
equals a fresh resolution."""

from __future__ import annotations

import json
import random

import pytest

from conftest import fixture_path
from linkatlas import urls
from linkatlas.extract import html

BASES = [
    "http://example.com/a/b.html", "http://example.com/c/", "http://example.com/",
    "https://example.com/a/b.html", "http://example.com:8080/x", "http://EXAMPLE.com/y",
    "http://user:pw@example.com/a/", "http://example.com", "http://example.com?q/x",
    "http://example.com\\a/b", "http://example.com#f/x", "http://exa mple.com/x",
    "http://xn--nxasmq6b.com/p", "http://bücher.de/p", "http://[::1]/p", "http://1.2.3.4/p",
    "http://other.example/deep/er/page?x=1", "ftp://example.com/p", "http://example.com:99999/",
    "  http://example.com/lead", "http://example.com\t/tab", "http://a.b.c.xn--pokxncvks/",
]
HREFS = [
    "/", "/x", "/x/../y", "/%7Efoo", "/a b", "//evil.com/x", "/\\evil.com", "/\t/evil.com",
    "/\n/evil.com", "/\r/x", "/ /x", "/?q", "/#f", "/x#f", "http://example.com/z",
    "https://example.com:443/z", "http://EXAMPLE.com:80/Z", "HTTP://example.com/u",
    "http:relative", "http:/one-slash", "http://", "http://bad host/", "http://[::1]:70/",
    "http://xn--/x", "https://bücher.de/ä", "x", "../x", "?q", "#f", "mailto:a@b.c",
    "javascript:void(0)", "http://example.com/" + "p" * 3000, "/" + "q" * 3000,
    "http://a.b.c.xn--pokxncvks/", "/\u0000x", "/%zz", "http://example.com/\u00e9",
]


def _wpt_inputs() -> list[str]:
    path = fixture_path("conformance/wpt-url/urltestdata.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return [case["input"] for case in data if isinstance(case, dict)]


def _fresh(href: str, base: str) -> str | None:
    return html._Resolver(base)._resolve(href)


def _check_all(hrefs: list[str], bases: list[str]) -> int:
    html._SHARED.clear()
    shared = 0
    for base in bases:  # every base sees the memo the bases before it filled
        resolver = html._Resolver(base, urls.try_normalize(base) is not None)
        for href in hrefs:
            shared += resolver.shared_key(href) is not None
            assert resolver(href) == _fresh(href, base), (href, base)
    return shared


def test_shared_memo_never_changes_a_result() -> None:
    shared = _check_all(HREFS, BASES)
    assert shared > len(BASES) * 10  # the memo is really in use
    assert html._Resolver("http://example.com/a/").shared_key("/x") == ("http://example.com", "/x")
    for href in ("/\\evil.com", "/\t/evil.com", "x", "?q", "HTTP://a.b/"):
        assert html._Resolver("http://example.com/a/").shared_key(href) is None, href
    # a scheme-relative href is keyed as the absolute URL it makes under the base's scheme
    assert html._Resolver("https://example.com/a/", True).shared_key("//evil.com/x") == (
        "https://evil.com/x")
    for base, valid in (("ftp://example.com/a/", True), ("https://example.com/a/", False)):
        assert html._Resolver(base, valid).shared_key("//evil.com/x") is None
    for base in ("http://user:pw@example.com/a/", "http://example.com", "http://a.b?q/x"):
        assert html._Resolver(base).shared_key("/x") is None, base


def test_shared_memo_on_the_wpt_inputs() -> None:
    inputs = _wpt_inputs()  # skips when the fixture is absent
    hrefs = inputs + ["/" + h for h in inputs] + ["http://example.com/" + h for h in inputs]
    rnd = random.Random(7)
    rnd.shuffle(hrefs)
    assert _check_all(hrefs, BASES[:8]) > 1_000


def test_shared_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "_SHARED_MAX", 50)
    html._SHARED.clear()
    resolver = html._Resolver("http://example.com/")
    for i in range(500):
        assert resolver(f"/p{i}") == f"http://example.com/p{i}"
    assert 0 < len(html._SHARED) <= 50


def test_compiled_shared_key_equals_the_resolver() -> None:
    walk = html.compiled_walk()
    if walk is None:
        pytest.skip("the compiled walk is not in use")
    hrefs = [*HREFS, "/\u00e9", "/\x0b/x", "h", "", "http:", "https://", "/" * 2]
    for base in BASES:
        resolver = html._Resolver(base, urls.try_normalize(base) is not None)
        for href in hrefs:
            assert walk.shared_key(resolver.origin, resolver.scheme, href) == resolver.shared_key(
                href), (
                href, base)
