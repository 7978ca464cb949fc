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


def test_compiled_head_scan_equals_the_head_regex() -> None:
    from linkatlas.extract import _walk, charset

    pieces = [b"<!DOCTYPE html>", b"<!doctype>", b"<!>", b"<!-->", b"<!--x-->", b"<!---->",
              b"<!-- <meta charset=koi8-r> -->", b"<!-", b"<?xml v?>", b"<?>", b"<html>",
              b"<HTML lang=en>", b"</head>", b"<head >", b"<br/>", b"<a href=x>", b"<a b='c'>",
              b'<a b="c" d>', b"<a b=>", b"<a b=\"c>", b"<a =x>", b"<x y:z.w-v_=1/>",
              b"<meta charset=utf-8>", b"<META CHARSET='UTF-8'>", b'<meta charset="">',
              b"<meta  charset=\"x\" />", b"<meta charset=a/>", b"<meta/charset=a>",
              b"<meta name=x>", b"</meta >", b"<metax>", b"<meta\tcharset=b\t>",
              b" ", b"\n\t", b"<", b">", b"x", b"=", b"'", b'"', b"/", b"-->", b"charset=",
              b"<meta charset=", b"<a", b"\xff", b"<title>T</title>", b"<1>"]
    rnd = random.Random(11)
    found = 0
    for _ in range(80_000):
        body = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 7)))
        limit = rnd.choice([1024, 5, 20, 40, len(body), len(body) - 1])
        want = charset.simple_head_label(body, limit)
        assert _walk.simple_head_label(body, limit) == want, (body, limit)
        found += want is not None
    assert found > 3_000


def test_compiled_prescan_loop_equals_the_python_loop() -> None:
    """charset.prescan's byte loop, compiled, against the Python loop: tags, attributes with
    and without values and quotes, comments, bogus comments, metas naming an encoding by
    charset or by content (with and without the pragma), cut anywhere."""
    from linkatlas.extract import _walk, charset

    pieces = [b"<!--", b"-->", b"<!-- x -->", b"<!x>", b"</x>", b"<?p?>", b"</ >", b"<", b">",
              b"<a", b"<a ", b"<A HREF=x>", b"<b c='d>e'>", b'<b c="d">', b"<b c=d e = f>",
              b"<b c =>", b"<b/c>", b"<b =c>", b"<b c", b" = ", b"'", b'"', b"/", b"=", b" ",
              b"\t", b"\n", b"<meta charset=koi8-r>", b"<META CHARSET='UTF-8'>",
              b"<meta charset=bogus>", b'<meta http-equiv="Content-Type" ',
              b'content="text/html; charset=iso-8859-2">', b"<meta content='charset=utf-16'>",
              b"<meta/charset=gbk>", b"<meta\tcharset=big5 charset=x>", b"<meta",
              b"<meta ", b"<metax charset=koi8-r>", b"charset", b"x", b"\xff", b"<1>"]
    rnd = random.Random(5)
    named = 0
    for _ in range(60_000):
        b = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        b = b[: rnd.choice([len(b), rnd.randint(0, len(b))])]
        if rnd.random() < 0.8:  # (the Python loop is only run where the word is)
            b = rnd.choice([b"charset ", b"<x CharSet>", b"x" * rnd.randint(0, 40)]) + b
        want = charset._prescan_loop(b, b.lower()) if b"charset" in b.lower() else None
        assert _walk.prescan_loop(b, charset._meta) == want, b
        named += want is not None
    assert named > 5_000


def test_cloudflare_scan_of_utf8_bytes_equals_the_text_scan() -> None:
    """The Cloudflare address scan on UTF-8 bytes finds what the scan of the decoded text
    finds, with every character str.isspace accepts (each spelled in UTF-8 in the bytes
    pattern) and non-ASCII text around the markup."""
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    assert len(spaces) == 29  # the bytes pattern spells out these (and none past U+3000)
    assert not any(chr(c).isspace() for c in range(0x3001, 0x110000))
    key, address = 0x42, b"hi@example.com"
    hexed = bytes([key, *(b ^ key for b in address)]).hex()
    pieces = ["data-cfemail", "=", '"', "'", hexed, "email-protection#", "é", "€", "x", "#",
              hexed.upper(), "cfemail", hexed[:6], *spaces]
    rnd = random.Random(3)
    found = 0
    for _ in range(20_000):
        page = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
        if rnd.random() < 0.6:  # the forms themselves, any spaces around the "="
            gap = "".join(rnd.choice(spaces) for _ in range(rnd.randint(0, 2)))
            quote = rnd.choice(["", '"', "'"])
            page += rnd.choice([f"data-cfemail{gap}={gap}{quote}", "email-protection#"]) + hexed
            page += "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 3)))
        want = text.cloudflare_emails(page)
        assert text.cloudflare_emails_utf8(page.encode()) == want, ascii(page)
        found += bool(want)
    assert found > 8_000
