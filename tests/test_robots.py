"""Unit tests of sources.robots: each RFC 9309 rule, verdicts, fetch policy, hostile input."""

from __future__ import annotations

import random
import re
import time

import pytest

from linkatlas.sources.robots import (
    MAX_LINE_BYTES,
    RobotsTxt,
    Verdict,
    check_text,
    path_for_matching,
    policy_for_status,
    product_token,
)

U = "https://example.com"


def allowed(robots: str | bytes, path: str, agent: str = "linkatlas") -> bool:
    return RobotsTxt.parse(robots).allowed(U + path, agent)


# --- group selection -------------------------------------------------------------------------


def test_product_token_is_the_part_before_the_slash_case_insensitive() -> None:
    assert product_token("LinkAtlas/0.3 (+https://example.org/bot)") == "linkatlas"
    assert product_token(" Googlebot ") == "googlebot"
    assert product_token("*") == "*"
    txt = "User-agent: LINKATLAS\nDisallow: /x\n"
    assert not allowed(txt, "/x", "linkatlas/1.0 (+https://example.org)")
    assert allowed(txt, "/x", "otherbot")


def test_user_agent_line_names_its_leading_token() -> None:
    txt = "User-agent: linkatlas/2.1 (compatible)\nDisallow: /\n"
    assert not allowed(txt, "/a")
    assert allowed("User-agent: MJ12bot\nDisallow: /\n", "/a", "MJ")  # digits are kept
    assert not allowed("User-agent: * (everyone)\nDisallow: /\n", "/a")  # '*' then a space
    assert allowed("User-agent: *bot\nDisallow: /\n", "/a")  # names no token at all


def test_agents_with_a_space_match_no_specific_group() -> None:
    txt = "User-agent: *\nDisallow: /\nUser-agent: Foo Bar\nAllow: /x/\n"
    assert allowed(txt, "/x/y", "Foo")
    assert not allowed(txt, "/x/y", "Foo Bar")


def test_consecutive_user_agent_lines_form_one_group() -> None:
    txt = "User-agent: a\n\nUser-agent: b\n# comment\nDisallow: /p\nUser-agent: c\nDisallow: /q\n"
    robots = RobotsTxt.parse(txt)
    assert not robots.allowed(U + "/p", "a") and not robots.allowed(U + "/p", "b")
    assert robots.allowed(U + "/p", "c") and not robots.allowed(U + "/q", "c")
    assert robots.check(U + "/p", "b").group_agents == ("a", "b")


def test_groups_for_the_same_agent_are_merged() -> None:
    txt = (
        "User-agent: bot\nDisallow: /a\nUser-agent: other\nDisallow: /\n"
        "User-agent: BOT\nDisallow: /b\n"
    )
    robots = RobotsTxt.parse(txt)
    assert not robots.allowed(U + "/a", "bot") and not robots.allowed(U + "/b", "bot")
    assert robots.allowed(U + "/c", "bot")
    assert robots.check(U + "/b", "bot").group_agents == ("bot", "BOT")


def test_star_group_is_the_fallback_only() -> None:
    txt = "User-agent: *\nDisallow: /\nUser-agent: linkatlas\nDisallow: /private\n"
    assert allowed(txt, "/public")  # the specific group exists: '*' does not apply at all
    assert not allowed(txt, "/private")
    assert not allowed(txt, "/public", "otherbot")
    assert allowed("User-agent: a\nDisallow: /\n", "/x")  # no group and no '*': allowed


def test_sitemap_and_unknown_lines_do_not_end_the_agent_list() -> None:
    txt = "User-agent: a\nSitemap: https://e.com/s.xml\nFoo: bar\nUser-agent: b\nDisallow: /\n"
    assert not allowed(txt, "/x", "a")


def test_rules_before_any_user_agent_are_ignored() -> None:
    assert allowed("Disallow: /\nUser-agent: other\nDisallow: /\n", "/x")


# --- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "path", "expected"),
    [
        ("Disallow: /x/page.html\nAllow: /x/", "/x/page.html", False),  # longest wins
        ("Allow: /x/page.html\nDisallow: /x/", "/x/page.html", True),
        ("Disallow: /\nAllow: /", "/a", True),  # Allow wins a tie
        ("Disallow: /a\nAllow: /a", "/a", True),
        ("Disallow: /*.php$\nAllow: /", "/index.php", False),
        ("Disallow: /*.php$\nAllow: /", "/index.php?x=1", True),
        ("Disallow: /fish*.php", "/fish/salmon.php", False),
        ("Disallow: /a$b", "/a$b", False),  # '$' is literal except at the end
        ("Disallow: /a$b", "/a", True),
        ("Disallow: /*", "/", False),
        ("Disallow: *", "/anything", False),
        ("Disallow: /a**b", "/axxb", False),
        ("Disallow: /a*$", "/a", False),
        ("Disallow: private", "/private", True),  # not a path: never matches
        ("Disallow: /Private", "/private", True),  # paths are case-sensitive
        ("Disallow:", "/x", True),  # empty Disallow allows everything
        ("Disallow: \nAllow: ", "/", True),
        ("Disallow: /q?a=1", "/q?a=1&b=2", False),  # query is part of the match
        ("Disallow: /a;b", "/a;b", False),
    ],
)
def test_longest_match_and_wildcards(rules: str, path: str, expected: bool) -> None:
    assert allowed("User-agent: *\n" + rules + "\n", path) is expected


def test_pattern_length_is_counted_in_octets_of_the_encoded_pattern() -> None:
    # 'ツ' is 9 octets once encoded (%E3%83%84), so this Allow outranks the 6-octet Disallow.
    txt = "User-agent: *\nDisallow: /a/*/b\nAllow: /a/ツ\n"
    assert allowed(txt, "/a/%E3%83%84/b")


def test_percent_encoding_is_normalised_on_both_sides() -> None:
    txt = "User-agent: *\nDisallow: /%aa\nDisallow: /ä\n"
    assert not allowed(txt, "/%AA")
    assert not allowed(txt, "/%aa")
    assert not allowed(txt, "/%c3%a4")  # lower-case hex in the URL
    # Percent-encoded unreserved octets stay encoded (Google's ID_Encoding case; see robots.md).
    assert allowed("User-agent: *\nDisallow: /%62\n", "/b")


def test_fragment_is_ignored_and_path_params_query_are_kept() -> None:
    assert path_for_matching("https://e.com/a/b?c=d#frag") == "/a/b?c=d"
    assert path_for_matching("https://e.com") == "/"
    assert path_for_matching("https://e.com?q") == "/?q"
    assert path_for_matching("/x/y") == "/x/y"


def test_robots_txt_is_always_allowed() -> None:
    txt = "User-agent: *\nDisallow: /\nDisallow: /robots.txt\n"
    verdict = RobotsTxt.parse(txt).check(U + "/robots.txt", "bot")
    assert verdict.allowed and verdict.rule is None and "always" in verdict.reason
    assert not allowed(txt, "/robots.txt?x=1")
    assert RobotsTxt.disallow_all().allowed(U + "/robots.txt", "bot")


# --- parsing ---------------------------------------------------------------------------------


def test_keys_are_case_insensitive_and_typos_of_disallow_count() -> None:
    assert not allowed("uSeR-aGeNt: *\ndIsAlLoW: /\n", "/x")
    assert not allowed("user agent: *\ndissallow: /\n", "/x")
    assert not allowed("User-agent *\nDisallow /\n", "/x")  # missing colons
    assert allowed("User-agent: *\nDisallow / x\n", "/x")  # three words: not a rule


def test_comments_are_stripped() -> None:
    txt = "User-agent: * # all\n# Disallow: /\nDisallow: /a#b\n"
    assert allowed(txt, "/b") and not allowed(txt, "/a") and not allowed(txt, "/a#b")


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_line_endings_and_line_numbers(eol: str) -> None:
    txt = eol.join(["User-agent: *", "", "# c", "Disallow: /private/", "Allow: /"]) + eol
    verdict = RobotsTxt.parse(txt.encode()).check(U + "/private/x", "bot")
    assert verdict == Verdict(False, "Disallow: /private/", 4, ("*",), "longest matching rule")
    assert verdict.explain() == "disallowed: 'Disallow: /private/' (line 4) in group [*]"


def test_mixed_line_endings_count_each_break_once() -> None:
    txt = b"User-agent: *\r\nAllow: /a\rDisallow: /b\nDisallow: /c"
    robots = RobotsTxt.parse(txt)
    assert robots.check(U + "/b", "x").line == 3
    assert robots.check(U + "/c", "x").line == 4
    assert robots.check(U + "/a", "x").line == 2


def test_bom_and_utf16_are_handled() -> None:
    txt = "User-agent: *\nDisallow: /x\n"
    assert not allowed(b"\xef\xbb\xbf" + txt.encode(), "/x")
    assert RobotsTxt.parse(b"\xef\xbb\xbf" + txt.encode()).check(U + "/x", "a").line == 2
    assert not allowed("\ufeff" + txt, "/x")
    assert not allowed(txt.encode("utf-16"), "/x")


def test_html_error_page_parses_to_nothing() -> None:
    page = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>\n<body>\n" * 50
    robots = RobotsTxt.parse(page)
    assert robots.agents == () and robots.allowed(U + "/x", "bot")


def test_crawl_delay_per_group() -> None:
    txt = (
        "User-agent: *\nCrawl-delay: 10\nDisallow: /x\n"
        "User-agent: linkatlas\nCrawl-delay: 2.5\nCrawl-delay: bogus\n"
        "User-agent: slow\nCrawl-delay: 1\nUser-agent: slow\nCrawl-delay: 4\n"
        "User-agent: bad\nCrawl-delay: -1\nCrawl-delay: nan\n"
    )
    robots = RobotsTxt.parse(txt)
    assert robots.crawl_delay("linkatlas/1.0") == 2.5
    assert robots.crawl_delay("other") == 10
    assert robots.crawl_delay("slow") == 4  # merged groups: the largest delay
    assert robots.crawl_delay("bad") is None
    assert RobotsTxt.parse("User-agent: *\nDisallow:\n").crawl_delay("a") is None


def test_crawl_delay_closes_the_agent_list() -> None:
    txt = "User-agent: a\nCrawl-delay: 5\nUser-agent: b\nDisallow: /\n"
    robots = RobotsTxt.parse(txt)
    assert robots.allowed(U + "/x", "a") and not robots.allowed(U + "/x", "b")
    assert robots.crawl_delay("b") is None


def test_sitemaps_anywhere_in_order_without_duplicates() -> None:
    txt = (
        "Sitemap: https://e.com/a.xml\nUser-agent: *\nSitemap: https://e.com/b.xml\n"
        "Disallow: /\nsitemap:https://e.com/a.xml\nSitemap:\n"
    )
    assert RobotsTxt.parse(txt).sitemaps == ("https://e.com/a.xml", "https://e.com/b.xml")


def test_verdict_without_a_matching_rule() -> None:
    robots = RobotsTxt.parse("User-agent: linkatlas\nDisallow: /a\n")
    verdict = robots.check(U + "/b", "linkatlas")
    assert verdict == Verdict(True, None, None, ("linkatlas",), "no rule matches")
    assert robots.check(U + "/a", "x").reason == "no group for this agent and no '*'"
    assert check_text("User-agent: *\nDisallow: /a", U + "/a", "x").rule == "Disallow: /a"


# --- fetch policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "policy"),
    [
        (200, "parse"),
        (204, "parse"),
        (301, "allow_all"),
        (401, "allow_all"),
        (403, "allow_all"),
        (404, "allow_all"),
        (410, "allow_all"),
        (429, "disallow_all"),
        (500, "disallow_all"),
        (503, "disallow_all"),
        (None, "disallow_all"),
        (99, "disallow_all"),
        (600, "disallow_all"),
    ],
)
def test_policy_for_status(status: int | None, policy: str) -> None:
    assert policy_for_status(status) == policy


def test_allow_all_and_disallow_all() -> None:
    assert RobotsTxt.allow_all().allowed(U + "/anything", "bot")
    verdict = RobotsTxt.disallow_all().check(U + "/anything", "bot")
    assert not verdict.allowed and "unreachable" in verdict.reason
    assert RobotsTxt.disallow_all().crawl_delay("bot") is None


# --- limits and hostile input ----------------------------------------------------------------


def test_only_max_bytes_are_parsed_and_the_cut_line_is_dropped() -> None:
    head = "User-agent: *\nDisallow: /a\n"
    txt = head + "Allow: /abcdef\nDisallow: /z\n"
    robots = RobotsTxt.parse(txt, max_bytes=len(head) + 8)  # cuts "Allow: /abcdef" to "Allow: /"
    assert robots.truncated
    assert not robots.allowed(U + "/a", "x")  # the cut Allow would have read "Allow: /"
    assert robots.allowed(U + "/z", "x")  # beyond the limit: ignored
    assert not RobotsTxt.parse(txt).truncated


def test_ten_megabyte_file_is_cut_at_the_limit_quickly() -> None:
    line = "Disallow: /" + "x" * 88 + "\n"
    txt = ("User-agent: *\n" + line * 105_000 + "Disallow: /last\n").encode()
    assert len(txt) > 10_000_000
    started = time.perf_counter()
    robots = RobotsTxt.parse(txt)
    assert time.perf_counter() - started < 2
    assert robots.truncated and robots.allowed(U + "/last", "x")


def test_hundred_thousand_lines_parse_and_check_fast() -> None:
    txt = "User-agent: *\n" + "".join(f"Disallow: /d{i}/p\n" for i in range(100_000))
    started = time.perf_counter()
    robots = RobotsTxt.parse(txt, max_bytes=10_000_000)
    assert not robots.truncated
    verdicts = [robots.check(f"{U}/d{i}/p/q", "x") for i in range(0, 100_000, 50)]
    assert time.perf_counter() - started < 5
    assert all(not v.allowed for v in verdicts)
    assert verdicts[-1].line == 99_952  # rule i sits on line i + 2


def test_pathological_wildcards_stay_linear() -> None:
    rules = "".join(f"Disallow: /*{'a*' * n}b{'$' * (n % 2)}\n" for n in range(1, 40))
    robots = RobotsTxt.parse("User-agent: *\n" + rules)
    path = U + "/" + "a" * 200_000
    started = time.perf_counter()
    assert robots.allowed(path, "x")
    assert not robots.allowed(path + "b", "x")
    assert time.perf_counter() - started < 0.5


def test_nul_bytes_and_control_characters() -> None:
    txt = b"User-agent: *\nDis\x00allow: /a\nDisallow: /b\x00c\n\x00\x01\x02\n"
    robots = RobotsTxt.parse(txt)
    assert robots.allowed(U + "/a", "x")  # "Dis\0allow" is an unknown key
    assert not robots.allowed(U + "/b\x00c", "x")
    assert robots.allowed(U + "/b", "x")
    # "*" followed by a non-space octet is not the '*' group (as in Google's parser)
    assert RobotsTxt.parse(b"User-agent: *\x00\nDisallow: /\n").allowed(U + "/a", "x")


def test_overlong_lines_are_truncated_like_googles_parser() -> None:
    pattern = "/x/" + "a" * (MAX_LINE_BYTES * 2)
    robots = RobotsTxt.parse(f"User-agent: *\nDisallow: {pattern}/q\n")
    kept = "/x/" + "a" * (MAX_LINE_BYTES - len("Disallow: /x/"))
    assert not robots.allowed(U + kept, "x")
    assert robots.allowed(U + kept[:-1], "x")


def test_random_bytes_never_raise() -> None:
    rng = random.Random(9309)
    alphabet = b"User-agent:Disallow:Allow:Sitemap:Crawl-delay*$#%/ \t\r\n\x00\xff\xc3\xa4abc"
    for _ in range(300):
        size = rng.randrange(0, 400)
        if rng.random() < 0.5:
            data = bytes(rng.choice(alphabet) for _ in range(size))
        else:
            data = rng.randbytes(size)
        robots = RobotsTxt.parse(data)
        for url in ("", "/", "http://h/a%zz?b#c", "//x", "ä/ö", "http://h/" + "*" * 50):
            robots.check(url, rng.choice(["*", "", "a", "Foo Bar/1", "\x00"]))
        robots.crawl_delay("a")


# --- the index agrees with a plain longest-match scan ----------------------------------------


def _reference(rules: list[tuple[bool, str]], path: str) -> bool:
    """Allowed per RFC 9309, by trying every rule as an anchored regex (small inputs only)."""
    best: tuple[int, bool] | None = None
    for allow, pattern in rules:
        if not pattern:
            continue
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(piece) for piece in body.split("*")) + ("$" if anchored else "")
        if re.match(regex, path, re.DOTALL):
            key = (len(pattern), allow)
            best = key if best is None or key > best else best
    return best is None or best[1]


def test_matcher_agrees_with_a_reference_scan() -> None:
    rng = random.Random(42)
    pieces = ["/", "a", "b", "/a", "/b", "*", "$", ".php", "?", "="]
    for _ in range(400):
        rules = [
            (rng.random() < 0.5, "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 6))))
            for _ in range(rng.randrange(1, 8))
        ]
        robots = RobotsTxt.parse(
            "User-agent: *\n" + "".join(f"{'Allow' if a else 'Disallow'}: {p}\n" for a, p in rules)
        )
        for _ in range(10):
            path = "/" + "".join(
                rng.choice(["a", "b", "/", ".php", "?", "=", "$"]) for _ in range(6)
            )
            if path == "/robots.txt":
                continue
            assert robots.allowed(U + path, "x") == _reference(rules, path), (rules, path)
