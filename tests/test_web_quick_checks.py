"""The quick-report form's checks without a server: email vectors, websites, CSRF, rate limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import fixture_path
from linkatlas.errors import InputError
from linkatlas.web import csrf
from linkatlas.web.quick import check_email, check_site
from linkatlas.web.ratelimit import Rate, RateLimiter, check_all


def _cases() -> dict[str, list[dict[str, Any]]]:
    path = fixture_path("conformance/email-validator/test_syntax_cases.json")
    cases: dict[str, list[dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def _accepted(text: str) -> str | None:
    try:
        return check_email(text)
    except InputError:
        return None


def test_email_vectors() -> None:
    """Our policy is upstream's strict mode without DNS: no quoted local parts, no display names, no
    domain literals, internationalised addresses allowed, special-use domains refused."""
    cases = _cases()
    # Valid upstream with default options (those needing quoting or a display name excepted).
    plain = [c for c in cases["test_email_valid"] + cases["test_email_valid_intl_local_part"]
             if '"' not in c["email_input"] and "<" not in c["email_input"]]
    assert len(plain) == 19
    for case in plain:
        assert _accepted(case["email_input"]) == case["output"]["normalized"], case
    # Valid only with options we leave off, or invalid: all refused.
    refused = (cases["test_email_valid_only_if_quoted_local_part"]
               + cases["test_email_invalid_syntax"] + cases["test_email_invalid_syntax_strict"]
               + cases["test_email_invalid_reserved_domain"])
    for case in refused:
        assert _accepted(case["email_input"]) is None, case
    for case in cases["test_email_unsafe_character"]:
        # As upstream places them: the whole local part, the whole domain.
        assert _accepted(f"{case['s']}@example.com") is None, case
        assert _accepted(f"test@{case['s']}") is None, case
    # isemail's corpus: only its plainly valid addresses pass; every diagnosis is refused.
    iso = cases["test_pyisemail_tests"]
    padded = 0
    for case in iso:
        text = case["email_input"]
        ok = _accepted(text) is not None
        # A space before or after the address in a form field is a slip we forgive.
        forgiven = text != text.strip(" ") and _accepted(text.strip(" ")) is not None
        padded += forgiven
        assert ok == (case["status"] == "ISEMAIL_VALID" or forgiven), case
    assert padded == 2
    assert sum(c["status"] == "ISEMAIL_VALID" for c in iso) == 13


def test_email_message_names_the_field() -> None:
    with pytest.raises(InputError, match=r"^email: .*@-sign"):
        check_email("hello.world")


@pytest.mark.parametrize("text", [
    "http://127.0.0.1/", "localhost", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8000/", "http://0x7f.1/", "10.1.2.3", "ftp://example.com/",
    "https://example.com:22/", "javascript:alert(1)", "", "http://exa mple.com/",
])
def test_site_refused_by_the_guard(text: str) -> None:
    with pytest.raises(InputError, match=r"^website: "):
        check_site(text, ())


def test_site_normalised_to_its_home_page() -> None:
    assert check_site("Shop.Example.COM/some/page?x=1", ()) == (
        "https://shop.example.com/", "example.com")
    assert check_site("http://user:pw@www.example.co.uk:8080/a", ()) == (
        "http://www.example.co.uk:8080/", "example.co.uk")
    # With the operator's allow-net policy loopback passes (how the tests crawl).
    assert check_site("http://127.0.0.1:8765/", ("127.0.0.0/8",))[0] == "http://127.0.0.1:8765/"


def test_csrf_tokens() -> None:
    secret = b"s" * 32
    nonce, token = csrf.issue(secret, now=1000.0)
    assert csrf.valid(secret, nonce, token, now=1001.0)
    assert not csrf.valid(secret, "another-nonce", token, now=1001.0)  # bound to the cookie
    assert not csrf.valid(b"t" * 32, nonce, token, now=1001.0)  # signed with our secret
    assert not csrf.valid(secret, nonce, token, now=1000.0 + csrf.MAX_AGE + 1)  # expires
    assert not csrf.valid(secret, nonce, token + "0", now=1001.0)
    assert not csrf.valid(secret, nonce, "", now=1001.0)
    forged_body = f"{nonce}.1000"
    assert not csrf.valid(secret, nonce, f"{forged_body}.{'0' * 64}", now=1001.0)


def test_token_buckets() -> None:
    now = [0.0]
    per_hour = RateLimiter("client address", Rate(3, 3600.0), clock=lambda: now[0])
    per_day = RateLimiter("website", Rate(2, 86400.0), clock=lambda: now[0])
    assert check_all([(per_hour, "a"), (per_day, "x.com")]) is None
    assert check_all([(per_hour, "a"), (per_day, "x.com")]) is None
    # The site's bucket is empty: refused with the wait for one token (43,200 s), and the
    # client's bucket is not charged for the refused request.
    assert check_all([(per_hour, "a"), (per_day, "x.com")]) == ("website", 43200)
    assert per_hour.retry_after("a") == 0
    assert check_all([(per_hour, "a"), (per_day, "y.com")]) is None
    assert check_all([(per_hour, "a"), (per_day, "z.com")]) == ("client address", 1200)
    now[0] = 1200.0
    assert check_all([(per_hour, "a"), (per_day, "z.com")]) is None
    assert check_all([(per_hour, "b"), (per_day, "z.com")]) is None  # other keys unaffected


def test_token_buckets_forget_least_recent_keys() -> None:
    limiter = RateLimiter("email address", Rate(1, 60.0), max_keys=2, clock=lambda: 0.0)
    for key in ("a", "b", "c"):
        limiter.take(key)
    assert limiter.retry_after("c") == 60
    assert limiter.retry_after("a") == 0  # forgotten: starts full
    assert RateLimiter("off", Rate(0, 60.0)).retry_after("a") == 0


def test_token_buckets_hold_under_concurrent_requests() -> None:
    """Requests checked at once (the form runs in a thread pool) never spend more than the
    bucket holds: the check and the take are one step."""
    import threading
    import time

    def slow_clock() -> float:
        time.sleep(0.002)  # lets other threads run between a check and its take
        return 0.0

    limiter = RateLimiter("website", Rate(5, 86400.0), clock=slow_clock)
    passed: list[bool] = []
    start = threading.Barrier(20)

    def ask() -> None:
        start.wait()
        passed.append(check_all([(limiter, "x.com")]) is None)

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert passed.count(True) == 5
