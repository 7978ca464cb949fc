"""The fast e-mail scan finds exactly what the e-mail regex's own scan finds."""

from __future__ import annotations

import random

from linkatlas.extract import text


def test_plain_emails_equal_the_regex_scan() -> None:
    pieces = ["a", "b", "Z", "0", "9", ".", "_", "%", "+", "-", "@", "@@", " ", "x.co",
              "example.com", "info", "\u017f", "\u212a", "\u0130", "\u00e9", "\u0660", "\n", "(",
              ")", "<", ">", "mail", "a" * 30, "b" * 40, "-x", ".com", "co.uk", "\u00e9@x.com",
              "_a@b.cd", "\U0001f600"]
    rnd = random.Random(1)
    hits = 0
    for _ in range(60_000):
        sample = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        want = [(m.span(), m.groups()) for m in text._EMAIL.finditer(sample)]
        got = [(m.span(), m.groups()) for m in text.plain_emails(sample)]
        assert got == want, sample
        hits += bool(want)
    assert hits > 2_000  # the pieces do make addresses


def test_plain_emails_on_a_long_page() -> None:
    page = ("x" * 5000 + " write to Sales.Team@Example.co.uk today; " + "@media{}" * 200
            + "a" * 70 + "@toolong.example " + "ok@fine.example")
    assert [m.group(0) for m in text.plain_emails(page)] == [
        m.group(0) for m in text._EMAIL.finditer(page)] == [
        "Sales.Team@Example.co.uk", "ok@fine.example"]


def test_bracket_hint_equals_the_hint_search() -> None:
    pieces = ["at", "AT", "aT", "@", " ", "dot", "DoT", ".", "]", ")", "}", ">", "[", "(", "x",
              "\n", "\u0130", "t", "a", "o", "d", "\U0001f600", "at]" * 20, "...", ")" * 40]
    rnd = random.Random(3)
    hits = 0
    for _ in range(60_000):
        sample = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        for pattern in (text._AT_HINT_FAST, text._DOT_HINT_FAST):
            want = pattern.search(sample) is not None
            assert text.bracket_hint(pattern, sample) == want, (pattern.pattern, sample)
            assert text.bracket_hint(pattern, sample, budget=2) == want, sample
            hits += want
    assert hits > 5_000
