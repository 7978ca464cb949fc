"""Conformance of linkatlas.urls: WHATWG URL tests (WPT urltestdata) and the PSL test suite."""

from __future__ import annotations

import json
import re
from typing import Any

from conftest import fixture_path
from linkatlas import urls

FIELDS = ("href", "protocol", "username", "password", "hostname", "port", "pathname", "search")

# Cases that are allowed to fail, keyed by (input, base), each with its reason. Strict both ways:
# the test fails when an unlisted case fails and when a listed case starts to pass. Empty since
# urls.py rejects the invalid 'xn--' labels that ada 4.0 lets through (the 8 cases ada alone
# fails: 'http://a.b.c.xn--pokxncvks' and its case variants, 'https://xn--/', 'file://xn--/p').
EXPECTED_FAILURES: dict[tuple[str, str | None], str] = {}

WPT_FLOOR = 861  # of 869; the minimum, kept as a floor under the exact list above


def _wpt_cases() -> list[dict[str, Any]]:
    path = fixture_path("conformance/wpt-url/urltestdata.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return [case for case in data if isinstance(case, dict)]  # strings are comments


def _wpt_mismatch(case: dict[str, Any]) -> str | None:
    """Why ``case`` fails, or None when urls agrees with the expected WHATWG result."""
    got = urls.parts(case["input"], case["base"])
    if case.get("failure"):
        return None if got is None else f"parsed as {got.href!r}, expected failure"
    if got is None:
        return f"failed, expected {case['href']!r}"
    for field in (*FIELDS, "hash"):
        if getattr(got, field) != case[field]:
            return f"{field}: got {getattr(got, field)!r}, expected {case[field]!r}"
    host = got.hostname + (":" + got.port if got.port else "")
    if host != case["host"]:
        return f"host: got {host!r}, expected {case['host']!r}"
    if case["base"] is not None and urls.resolve(case["input"], case["base"]) != case["href"]:
        return "resolve() disagrees with parts()"
    return None


def test_wpt_urltestdata_score_and_expected_failures() -> None:
    cases = _wpt_cases()
    assert len(cases) == 869
    failures = {}
    for case in cases:
        why = _wpt_mismatch(case)
        if why is not None:
            failures[(case["input"], case["base"])] = why
    unexpected = {k: v for k, v in failures.items() if k not in EXPECTED_FAILURES}
    now_passing = [k for k in EXPECTED_FAILURES if k not in failures]
    assert not unexpected, f"new WPT failures: {unexpected}"
    assert not now_passing, f"listed as expected failures but now pass: {now_passing}"
    assert len(cases) - len(failures) >= WPT_FLOOR


def test_wpt_failures_resolve_to_none_and_normalize_raises() -> None:
    for case in _wpt_cases():
        if not case.get("failure"):
            continue
        if case["base"] is None:
            assert urls.try_normalize(case["input"]) is None, case["input"]
        else:
            assert urls.resolve(case["input"], case["base"]) is None, case
            assert urls.resolve_normalized(case["input"], case["base"]) is None, case


_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _canonical_escapes(text: str) -> str:
    """An independent oracle for the escape rule: decode unreserved, upper-case the rest."""

    def one(m: re.Match[str]) -> str:
        ch = chr(int(m.group()[1:], 16))
        return ch if ch in _UNRESERVED else m.group().upper()

    return re.sub(r"%[0-9a-fA-F]{2}", one, text)


def test_normalize_keeps_meaning_on_every_wpt_url() -> None:
    """normalize is idempotent and changes only fragment, escapes, a bare '?' and a final dot."""
    checked = 0
    for case in _wpt_cases():
        if case.get("failure"):
            continue
        href = case["href"]
        norm = urls.normalize(href)
        assert urls.normalize(norm) == norm, href
        if case["base"] is None:
            assert urls.normalize(case["input"]) == norm, case
        else:
            assert urls.resolve_normalized(case["input"], case["base"]) == norm, case
        before, after = urls.parts(href), urls.parts(norm)
        assert before is not None and after is not None, href
        assert after.hash == ""
        assert (after.protocol, after.port) == (before.protocol, before.port)
        if before.protocol in ("http:", "https:", "ws:", "wss:", "ftp:"):
            name = before.hostname
            if len(name) > 1 and name.endswith(".") and not name.endswith(".."):
                name = name[:-1]
            assert after.hostname == name, href
            assert after.pathname == _canonical_escapes(before.pathname), href
            assert after.search == _canonical_escapes(before.search), href
            assert after.username == _canonical_escapes(before.username), href
            checked += 1
        else:
            assert norm == href.split("#", 1)[0], href
    assert checked > 200


def _psl_cases() -> list[tuple[str | None, str | None]]:
    path = fixture_path("conformance/publicsuffix/test_psl.txt")
    call = re.compile(r"checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);")
    cases: list[tuple[str | None, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("//"):
            continue  # commented-out cases (the non-Internet .local TLD) are not active
        m = call.search(line)
        if m:
            name, expected = (None if g == "null" else g.strip("'") for g in m.groups())
            cases.append((name, expected))
    return cases


def test_psl_suite_all_78_pass() -> None:
    cases = _psl_cases()
    assert len(cases) == 78
    failures = [(n, e, got) for n, e in cases if (got := urls.psl_registrable_domain(n)) != e]
    assert not failures, f"{78 - len(failures)}/78 pass; failing: {failures}"


def _null(text: str) -> str | None:
    return None if text == "null" else text


def test_psl_tests_txt_is_the_same_suite() -> None:
    path = fixture_path("conformance/publicsuffix/tests.txt")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("//"):
            name, expected = line.split()
            pairs.append((_null(name), _null(expected)))
    assert pairs == _psl_cases()


def test_registrable_domain_agrees_with_psl_suite_in_punycode() -> None:
    """The lenient form: same answer in punycode; a bare suffix or leading dot gives itself."""
    for name, expected in _psl_cases():
        if name is None:
            continue
        got = urls.registrable_domain(name)
        want = expected if expected is not None else name.strip(".").lower()
        assert got == urls.host(f"http://{want}/"), (name, expected, got)
