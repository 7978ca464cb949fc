"""Scope rules, canonicalisation and trap heuristics (pure)."""

from __future__ import annotations

import datetime as _dt

import pytest

from linkatlas.errors import ConfigError
from linkatlas.sources.scope import Scope, ScopeRules, canonicalize


@pytest.mark.parametrize(("raw", "canon"), [
    ("https://Ex.COM/a;jsessionid=0A1B?utm_source=x&id=3&sid=9#top", "https://ex.com/a?id=3"),
    ("http://ex.com/?gclid=1&fbclid=2", "http://ex.com/"),
    ("http://ex.com/p?PHPSESSID=abc&page=2&utm_campaign=c", "http://ex.com/p?page=2"),
    ("http://ex.com:80/%7euser/?q=a%2fb", "http://ex.com/~user/?q=a%2Fb"),
    ("https://ex.com/search?q=sid", "https://ex.com/search?q=sid"),  # a value, not a key
    ("mailto:someone@ex.com", None),
    ("javascript:void(0)", None),
    ("not a url", None),
])
def test_canonicalize(raw: str, canon: str | None) -> None:
    assert canonicalize(raw) == canon


def test_default_scope_is_the_seeds_registrable_domains() -> None:
    scope = Scope.for_seeds(["https://www.shop.co.uk/"], ScopeRules())
    assert scope.check("https://blog.shop.co.uk/x", "blog.shop.co.uk", 1) is None
    assert scope.check("https://other.co.uk/", "other.co.uk", 1) == "out-of-scope"


def test_hosts_depth_and_patterns() -> None:
    rules = ScopeRules(hosts=frozenset({"a.ex.com"}), max_depth=2, include=(r"/docs/",),
                       exclude=(r"\.pdf$",))
    scope = Scope.for_seeds(["https://a.ex.com/docs/"], rules)
    assert scope.check("https://b.ex.com/docs/", "b.ex.com", 1) == "out-of-scope"
    assert scope.check("https://a.ex.com/docs/x", "a.ex.com", 3) == "max-depth"
    assert scope.check("https://a.ex.com/docs/x.pdf", "a.ex.com", 1) == "excluded"
    assert scope.check("https://a.ex.com/blog/", "a.ex.com", 1) == "not-included"
    assert scope.check("https://a.ex.com/docs/y", "a.ex.com", 2) is None
    with pytest.raises(ConfigError):
        Scope(ScopeRules(include=("(",)))


def test_traps_url_length_repeated_segments_budget() -> None:
    scope = Scope.for_seeds(["https://ex.com/"], ScopeRules(max_url_length=60, host_budget=3))
    assert scope.check("https://ex.com/" + "a" * 60, "ex.com", 1) == "url-length"
    assert scope.check("https://ex.com/a/b/a/b/a/", "ex.com", 1) == "repeated-segments"
    assert scope.check("https://ex.com/a/b/a/b/", "ex.com", 1) is None
    assert [scope.admit("ex.com") for _ in range(4)] == [True, True, True, False]


def test_calendar_stops_beyond_horizon_and_budget() -> None:
    scope = Scope(ScopeRules(domains=frozenset({"ex.com"}), calendar_budget=5),
                  today=_dt.date(2025, 6, 1))
    assert scope.check("https://ex.com/cal/2028-01", "ex.com", 1) == "calendar"
    months = [f"https://ex.com/cal?month=2024-{m:02d}" for m in range(1, 9)]
    verdicts = [scope.check(u, "ex.com", 1) for u in months]
    assert verdicts == [None] * 5 + ["calendar"] * 3
    assert scope.check("https://ex.com/2024/05/my-post", "ex.com", 1) is None  # not a calendar
