"""Disavow files: parsing with line-numbered problems, build with keep-lists, render, diff."""

from __future__ import annotations

import pytest

from conftest import fixture_path
from linkatlas.audit import disavow as d
from linkatlas.errors import InputError

FIXTURE = "spam/disavow-turkish-tech/disavow.txt"


def _messages(f: d.DisavowFile) -> dict[int, str]:
    return {p.line: p.message for p in f.problems}


def test_parse_is_tolerant_like_google() -> None:
    text = (
        "\ufeff# header\n"
        "\n"
        "  DOMAIN:Example.COM.  \r\n"
        "Domain: spam.example.net\n"
        "# bad pages\n"
        "https://Other.example.org:443/a/../b#frag\n"
        "domain:bücher.de\n"
    )
    f = d.parse(text.encode("utf-8"))
    assert f.problems == ()
    assert f.domains() == {"example.com", "spam.example.net", "xn--bcher-kva.de"}
    assert f.urls() == {"https://other.example.org/b"}
    reasons = {e.value: e.reason for e in f.entries}
    assert reasons["example.com"] == "header" and reasons["https://other.example.org/b"] == (
        "bad pages")
    assert [e.line for e in f.entries] == [3, 4, 6, 7]


def test_parse_reports_each_problem_with_its_line() -> None:
    lines = [
        "domain:example.com",             # 1 fine
        "domain:http://bad.example/",     # 2 scheme
        "domain:bad.example/path",        # 3 path
        "domain:*.wild.example",          # 4 wildcard
        "example.org/page",               # 5 no scheme
        "ftp://files.example/x",          # 6 not http
        "domain:EXAMPLE.com.",            # 7 duplicate by meaning
        "https://www.example.com/x",      # 8 covered by line 1
        "domain:blog.example.com",        # 9 covered by line 1
        "domain:",                        # 10 empty
        "domain:co.uk",                   # 11 public suffix
        "https://ok.example.net/a b",     # 12 a space
        "domain:localhost",               # 13 no dot
    ]
    f = d.parse("\n".join(lines) + "\n")
    msgs = _messages(f)
    assert sorted(msgs) == list(range(2, 14))
    assert "URL" in msgs[2] and "path" in msgs[3] and "wildcard" in msgs[4]
    assert "domain:example.org" in msgs[5] and "http" in msgs[6]
    assert msgs[7] == "duplicate of line 1: domain:example.com"
    assert "covered by domain:example.com (line 1)" in msgs[8] and "covered" in msgs[9]
    assert "public suffix" in msgs[11] and "space" in msgs[12] and "dot" in msgs[13]
    severities = {p.line: p.severity for p in f.problems}
    assert severities[7] == severities[8] == severities[11] == "warning"
    assert severities[2] == severities[5] == "error"
    assert f.domains() == {"example.com", "blog.example.com", "co.uk"}


def test_not_utf8_and_limits() -> None:
    data = b"domain:a.example\n# caf\xe9\ndomain:b.example\n"
    f = d.parse(data)
    assert [(p.line, p.severity) for p in f.problems] == [(2, "error")]
    assert "UTF-8" in f.problems[0].message and f.domains() == {"a.example", "b.example"}
    big = "".join(f"domain:site{i}.example\n" for i in range(d.MAX_LINES + 1))
    over = d.parse(big)
    assert any(p.line == 0 and "lines" in p.message for p in over.problems)
    assert any(p.line == 0 and "bytes" in p.message for p in over.problems)


def test_render_layout_is_sorted_grouped_and_stable() -> None:
    entries = [
        d.DisavowEntry("url", "https://z.example/b", "paid post"),
        d.DisavowEntry("domain", "b.example", "link network"),
        d.DisavowEntry("domain", "a.example", "link network"),
        d.DisavowEntry("domain", "c.example", ""),
        d.DisavowEntry("url", "https://y.example/a", "paid post"),
        d.DisavowEntry("domain", "a.example", "again"),  # same meaning: the first one stays
    ]
    text = d.render(entries, header=["disavow for target.example"])
    assert text == (
        "# disavow for target.example\n"
        "\n"
        "domain:c.example\n"
        "\n"
        "# link network\n"
        "domain:a.example\n"
        "domain:b.example\n"
        "\n"
        "# paid post\n"
        "https://y.example/a\n"
        "https://z.example/b\n"
    )
    assert d.render(reversed(entries[:5]), header=["disavow for target.example"]) == text
    assert d.parse(text).problems == ()


def test_render_reasons_are_one_line() -> None:
    entry = d.DisavowEntry("domain", "a.example", "line one\nline two\r\n#x" + "y" * 300)
    text = d.render([entry])
    assert text.count("\n") == 2 and text.startswith("# line one line two #xyyy")
    assert len(text.splitlines()[0]) <= 202


def test_render_refuses_to_exceed_limits() -> None:
    entries = [d.DisavowEntry("domain", f"site{i}.example", f"reason {i}")
               for i in range(d.MAX_LINES // 3 + 10)]
    with pytest.raises(InputError, match="at most 100,000 lines"):
        d.render(entries)


def test_build_keep_list_and_coverage() -> None:
    candidates = [
        ("spam.example", "toxic: link network"),
        ("https://spam.example/page", "covered by the domain"),
        ("friend.example", "looked toxic"),
        ("https://blog.friend.example/x", "under a kept domain"),
        ("https://other.example/p?a=1", "paid link"),
        ("domain:www.farm.example", "registrable domain asked for"),
        ("host:cdn.parent.example", "only this host"),
        ("parent.example", "but a subdomain of it is kept"),
        ("Spam.Example.", "same again"),
    ]
    res = d.plan(candidates, keep=["friend.example", "domain:keep.parent.example", "# note", ""])
    assert {e.text() for e in res.entries} == {
        "domain:spam.example", "https://other.example/p?a=1", "domain:farm.example",
        "domain:cdn.parent.example",
    }
    why = {e.value: reason for e, reason in res.dropped}
    assert why["https://spam.example/page"] == "covered by domain:spam.example"
    assert why["friend.example"].startswith("on the keep-list")
    assert why["https://blog.friend.example/x"] == "on the keep-list (friend.example)"
    assert why["parent.example"] == "on the keep-list (keep.parent.example)"
    assert why["spam.example"] == "already listed"


def test_build_merges_with_existing_and_keeps_manual_entries() -> None:
    existing = d.parse("# my manual review 2025\ndomain:old.example\nhttps://x.example/p\n"
                       "domain:friend.example\n")
    out = d.build([("old.example", "audit says toxic"), ("new.example", "audit: spam")],
                  keep=["friend.example"], existing=existing)
    by = {e.value: e.reason for e in out}
    assert by == {"old.example": "my manual review 2025", "https://x.example/p":
                  "my manual review 2025", "new.example": "audit: spam"}
    text = d.render(out)
    assert "friend.example" not in text and "# my manual review 2025\ndomain:old.example" in text


def test_build_rejects_bad_candidates_and_keep_entries() -> None:
    with pytest.raises(InputError, match="candidate"):
        d.build([("not a host", "x")])
    with pytest.raises(InputError, match="keep-list"):
        d.build([("a.example", "x")], keep=["http://"])


def test_diff_by_meaning() -> None:
    old = d.parse("# r1\ndomain:example.com\ndomain:gone.example\n# r2\nhttps://a.example/x\n")
    new = d.parse("# r1\ndomain:EXAMPLE.com.\n# r3\nhttps://A.example/x\n# r4\ndomain:n.example\n")
    delta = d.diff(old, new)
    assert [e.text() for e in delta.added] == ["domain:n.example"]
    assert [e.text() for e in delta.removed] == ["domain:gone.example"]
    assert [(a.reason, b.reason) for a, b in delta.reason_changed] == [("r2", "r3")]
    assert delta.unchanged == 1 and not delta.empty
    assert d.diff(new, new).empty


def test_real_file_round_trips() -> None:
    data = fixture_path(FIXTURE).read_bytes()
    f = d.parse(data)
    assert len(f.domains()) == 11_369 and f.urls() == set()
    assert not [p for p in f.problems if p.severity == "error"]
    covered = [p for p in f.problems if "already covered" in p.message]
    assert len(covered) == 1_623  # www.x listed beside x, and the like
    assert [p.line for p in f.problems if "public suffix" in p.message] == [25]
    text = d.render(f.entries, header=["round trip"])
    again = d.parse(text)
    assert again.domains() == f.domains() and again.urls() == f.urls()
    assert d.diff(f, again).empty
    assert d.render(again.entries, header=["round trip"]) == text  # a fixed point
    tidy = d.build(f.entries)  # candidates only: covered entries fold into their domains
    assert len(tidy) == 11_369 - 1_623
