"""Unit tests of linkatlas.urls, including hostile input."""

from __future__ import annotations

import json

import pytest

from conftest import fixture_path
from linkatlas import urls
from linkatlas.errors import InputError, InvalidURLError

BASE = "https://www.example.com/dir/page.html?q=1#top"


# resolve ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("other.html", "https://www.example.com/dir/other.html"),
        ("../up", "https://www.example.com/up"),
        ("/abs?x=1#f", "https://www.example.com/abs?x=1#f"),
        ("//cdn.example.net/a", "https://cdn.example.net/a"),
        ("?only", "https://www.example.com/dir/page.html?only"),
        ("#frag", "https://www.example.com/dir/page.html?q=1#frag"),
        ("", "https://www.example.com/dir/page.html?q=1"),
        ("  \n/spaced\t/path \n", "https://www.example.com/spaced/path"),
        ("HTTP://Other.ORG:80", "http://other.org/"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("javascript:void(0)", "javascript:void(0)"),
        ("\\backslash", "https://www.example.com/backslash"),
    ],
)
def test_resolve(href: str, expected: str) -> None:
    assert urls.resolve(href, BASE) == expected


@pytest.mark.parametrize(
    "href", ["http://", "https://exa mple.com/", "http://[::1/", "http://a:99999/"]
)
def test_resolve_invalid_is_none(href: str) -> None:
    assert urls.resolve(href, BASE) is None


def test_resolve_against_invalid_base() -> None:
    assert urls.resolve("page.html", "not a url") is None
    assert urls.resolve("https://example.com/", "not a url") == "https://example.com/"


def test_resolve_normalized_is_one_parse_of_both() -> None:
    href = "../%7euser/./x?#frag"
    assert urls.resolve_normalized(href, BASE) == urls.normalize(urls.resolve(href, BASE) or "")
    assert urls.resolve_normalized(href, BASE) == "https://www.example.com/~user/x"
    assert urls.resolve_normalized("http://", BASE) is None


# normalize -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.COM/", "http://www.example.com/"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com/a#section", "http://example.com/a"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/%7Euser/%7e", "http://example.com/~user/~"),
        ("http://example.com/%41%2d%5F%2E", "http://example.com/A-_."),
        ("http://example.com/a%2fb%3f%c3%a4", "http://example.com/a%2Fb%3F%C3%A4"),
        ("http://example.com/?q=%7e%2b&r=%20", "http://example.com/?q=~%2B&r=%20"),
        ("http://example.com/a?", "http://example.com/a"),
        ("http://example.com./a", "http://example.com/a"),
        ("https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
        ("http://[0:0::1]:8080/", "http://[::1]:8080/"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://user:p%7eass@example.com/", "http://user:p~ass@example.com/"),
        ("http://example.com/%zz/%/%e", "http://example.com/%zz/%/%e"),
        ("http://example.com/?utm_source=x&b=2&a=1", "http://example.com/?utm_source=x&b=2&a=1"),
        ("http://example.com/Path/", "http://example.com/Path/"),
        ("mailto:Someone@Example.com#x", "mailto:Someone@Example.com"),
        ("javascript:alert(%27x%27)", "javascript:alert(%27x%27)"),
        ("data:text/plain,%7e", "data:text/plain,%7e"),
    ],
)
def test_normalize(url: str, expected: str) -> None:
    assert urls.normalize(url) == expected
    assert urls.normalize(expected) == expected


def test_normalize_keeps_what_changes_meaning() -> None:
    # Query order, parameters, trailing slashes, www and letter case in paths all matter.
    assert urls.normalize("http://x.com/?b=1&a=2") != urls.normalize("http://x.com/?a=2&b=1")
    assert urls.normalize("http://x.com/a/") != urls.normalize("http://x.com/a")
    assert urls.normalize("http://www.x.com/") != urls.normalize("http://x.com/")
    assert urls.normalize("http://x.com/A") != urls.normalize("http://x.com/a")
    assert urls.normalize("http://x.com/a%2Fb") != urls.normalize("http://x.com/a/b")
    assert urls.normalize("http://x.com/?a=%26") != urls.normalize("http://x.com/?a=&")


@pytest.mark.parametrize(
    "url", ["", "   ", "\x00", "not a url", "http://", "http://exa mple.com/", "//no-scheme.com/"]
)
def test_normalize_invalid_raises(url: str) -> None:
    with pytest.raises(InvalidURLError, match="not a valid URL"):
        urls.normalize(url)
    assert urls.try_normalize(url) is None


def test_invalid_url_error_is_an_input_error() -> None:
    with pytest.raises(InputError):
        urls.normalize("http://")


def test_very_long_urls_are_refused_not_crashed() -> None:
    limit = urls.MAX_URL_LENGTH
    near = "http://example.com/" + "a" * (limit - 19)
    assert len(near) == limit
    assert urls.normalize(near) == near
    too_long = near + "a"
    assert urls.try_normalize(too_long) is None
    assert urls.resolve("/" + "a" * limit, BASE) is None
    assert urls.host(too_long) == ""
    assert urls.is_http(too_long) is False
    assert urls.try_normalize("data:image/png;base64," + "A" * 1_000_000) is None


def test_lone_surrogates_become_replacement_characters() -> None:
    assert urls.normalize("http://example.com/\ud800") == "http://example.com/%EF%BF%BD"
    assert urls.normalize("http://example.com/\ud83d\ude00") == "http://example.com/%F0%9F%98%80"
    assert urls.host("http://\udcff.com/") == ""


# hosts and domains -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.Example.COM/x", "www.example.com"),
        ("http://user:pw@example.com:8080/", "example.com"),
        ("http://example.com./", "example.com"),
        ("https://Bücher.DE/", "xn--bcher-kva.de"),
        ("http://[2001:DB8::1]/", "[2001:db8::1]"),
        ("http://192.168.0.1:81/", "192.168.0.1"),
        ("http://3232235521/", "192.168.0.1"),
        ("mailto:a@example.com", ""),
        ("file:///etc/passwd", ""),
        ("not a url", ""),
        ("", ""),
        ("https://xn--pokxncvks.com/", ""),
        ("http://localhost:9999/x", "localhost"),
    ],
)
def test_host(url: str, expected: str) -> None:
    assert urls.host(url) == expected


def test_host_fast_path_agrees_with_full_parse() -> None:
    samples = [
        "http://example.com",
        "https://a.b.example.co.uk:8443/x?y#z",
        "http://-dash-.example.com/",
        "http://1.2.3/",
        "http://1.2.3.4/",
        "http://0x1f/",
        "http://example.com:99999/",
        "http://example.com:/",
        "http://xn--bcher-kva.de/",
        "http://xn--/",
        "http://example.com\\path",
        "http://example.com /",
        "http://Example.com/",
        "https://a/",
        "http://a..b/",
        "http://u@example.com/",
        "http://example.1a/",
    ]
    for url in samples:
        assert urls.host(url) == urls._host_of(url)[0], url


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("www.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("WWW.EXAMPLE.COM.", "example.com"),
        ("example.com", "example.com"),
        ("co.uk", "co.uk"),
        ("com", "com"),
        ("foo.github.io", "foo.github.io"),
        ("x.foo.github.io", "foo.github.io"),
        ("www.xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("www.bücher.de", "xn--bcher-kva.de"),
        ("192.168.0.1", "192.168.0.1"),
        ("[2001:db8::1]", "[2001:db8::1]"),
        ("10.0.0.example", "0.example"),
        ("", ""),
        ("...", ""),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(name: str, expected: str) -> None:
    assert urls.registrable_domain(name) == expected


def test_psl_registrable_domain_is_strict() -> None:
    assert urls.psl_registrable_domain(None) is None
    assert urls.psl_registrable_domain("") is None
    assert urls.psl_registrable_domain("co.uk") is None
    assert urls.psl_registrable_domain(".example.com") is None
    assert urls.psl_registrable_domain("a.example.co.uk") == "example.co.uk"


def test_psl_version_is_the_shipped_list() -> None:
    assert urls.psl_version()[:4].isdigit()


def test_host_and_domain() -> None:
    assert urls.host_and_domain("https://blog.example.co.uk/p") == (
        "blog.example.co.uk",
        "example.co.uk",
    )
    assert urls.host_and_domain("http://[::1]:8080/") == ("[::1]", "[::1]")
    assert urls.host_and_domain("mailto:a@b.com") == ("", "")


def test_reversed_host() -> None:
    assert urls.reversed_host("www.example.com") == "com.example.www"
    assert urls.reversed_host("example.com.") == "com.example"
    assert urls.reversed_host("localhost") == "localhost"
    assert urls.reversed_host("") == ""


def test_is_http() -> None:
    assert urls.is_http("http://example.com/")
    assert urls.is_http("HTTPS://EXAMPLE.COM")
    for url in ("ftp://example.com/", "mailto:a@b.c", "javascript:x", "data:,x", "http://", ""):
        assert not urls.is_http(url), url


def test_parts() -> None:
    p = urls.parts("https://u:p@Example.com:8443/a/b?x=1#f")
    assert p is not None
    assert (p.protocol, p.username, p.password, p.hostname, p.port) == (
        "https:",
        "u",
        "p",
        "example.com",
        "8443",
    )
    assert (p.pathname, p.search, p.hash) == ("/a/b", "?x=1", "#f")
    assert urls.parts("../c", "http://h/a/b") == urls.parts("http://h/c")
    assert urls.parts("http://") is None


# parse_target ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.com", ("domain", "example.com")),
        ("  Example.COM.  ", ("domain", "example.com")),
        ("example.co.uk", ("domain", "example.co.uk")),
        ("blog.example.com", ("host", "blog.example.com")),
        ("www.example.com", ("host", "www.example.com")),
        ("foo.github.io", ("domain", "foo.github.io")),
        ("bücher.de", ("domain", "xn--bcher-kva.de")),
        ("https://example.com/page#x", ("url", "https://example.com/page")),
        ("HTTP://Example.com", ("url", "http://example.com/")),
        ("example.com/page", ("url", "https://example.com/page")),
        ("example.com?q=1", ("url", "https://example.com/?q=1")),
        ("example.com:8080", ("url", "https://example.com:8080/")),
        ("localhost:8080/x", ("url", "https://localhost:8080/x")),
        ("http://127.0.0.1:9000", ("url", "http://127.0.0.1:9000/")),
        ("*.example.com", ("domain", "example.com")),
        ("domain:example.co.uk", ("domain", "example.co.uk")),
        ("domain:blog.example.co.uk", ("domain", "example.co.uk")),
        ("DOMAIN: example.com", ("domain", "example.com")),
        ("host:example.com", ("host", "example.com")),
        ("url:example.com/a", ("url", "https://example.com/a")),
        ("1.2.3.4", ("domain", "1.2.3.4")),
        ("[::1]", ("domain", "[::1]")),
    ],
)
def test_parse_target(text: str, expected: tuple[str, str]) -> None:
    assert urls.parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty target"),
        ("   ", "empty target"),
        ("garbage", "not an Internet host name"),
        ("com", "not an Internet host name"),
        ("co.uk", "public suffix"),
        ("*.co.uk", "public suffix"),
        ("*.blog.example.com", "wildcard"),
        ("not a url!!", "not a host name"),
        ("hello.world!", "not an Internet host name"),
        ("-bad-.com", "not an Internet host name"),
        ("a..b.com", "not an Internet host name"),
        ("example.123", "not a host name"),
        ("http://", "not a valid URL"),
        ("https://exa_mple!.com/", "not an Internet host name"),
        ("mailto:a@example.com", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("ftp://example.com/", "only http and https"),
        ("domain:", "not a host name"),
        ("user@example.com", "not a host name"),
    ],
)
def test_parse_target_rejects(text: str, message: str) -> None:
    with pytest.raises(InvalidURLError, match=message):
        urls.parse_target(text)


# hostile input ---------------------------------------------------------------------------------


def _hostile_strings() -> list[str]:
    path = fixture_path("conformance/blns/blns.json")
    strings: list[str] = json.loads(path.read_text(encoding="utf-8"))
    return [*strings, "%", "%%%", "%0", "http://%41.com/", "http://a/%ff%fe", "\x00\x01\x7f"]


def test_hostile_strings_never_crash() -> None:
    """Every function either answers or raises InvalidURLError, on 500+ naughty strings."""
    for text in _hostile_strings():
        for candidate in (text, "http://" + text, "http://example.com/" + text):
            norm = urls.try_normalize(candidate)
            assert norm is None or urls.normalize(norm) == norm, candidate
            resolved = urls.resolve(candidate, BASE)
            assert resolved is None or resolved.isascii(), candidate  # WHATWG output is ASCII
            assert isinstance(urls.host(candidate), str)
            assert isinstance(urls.host_and_domain(candidate)[1], str)
            assert isinstance(urls.is_http(candidate), bool)
            split = urls.parts(candidate)
            assert (split is None) == (urls.try_normalize(candidate) is None), candidate
            try:
                scope, value = urls.parse_target(candidate)
            except InvalidURLError:
                continue
            assert scope in ("domain", "host", "url") and value
        assert isinstance(urls.registrable_domain(text), str)
        relative = urls.resolve("x", text)
        assert relative is None or relative.isascii(), text


def test_host_and_domain_caches_only_short_urls() -> None:
    long_url = "http://www.example.co.uk/" + "p" * 600
    before = urls._cached_host_and_domain.cache_info().currsize
    assert urls.host_and_domain(long_url) == ("www.example.co.uk", "example.co.uk")
    assert urls._cached_host_and_domain.cache_info().currsize == before
    assert urls.host_and_domain("http://www.example.co.uk/short") == (
        "www.example.co.uk", "example.co.uk")
    assert urls._cached_host_and_domain.cache_info().currsize <= before + 1
