"""The compiled extraction walk (extract/_walk.pyx) against the pure-Python reference path.

Every page is extracted twice, once with ``LINKATLAS_PURE_EXTRACT=1`` and once with the
compiled walk, and the two ``Extracted`` records (page, every field of every link, text) must
be equal. Hostile pages (nesting, huge attributes, invalid UTF-8, NULs, private-use characters
that look like the link markers, more links than markers) are synthetic and written here.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import os
import random
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType

from conftest import fixture_path
from linkatlas import sample
from linkatlas.extract import html, links_from_page, markers
from linkatlas.model import Capture, Extracted

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _capture(url: str, body: bytes, content_type: str = "text/html") -> Capture:
    return Capture(url=url, status=200, headers=(("Content-Type", content_type),), body=body,
                   fetched_at=NOW, observed_in="test")


def _extract(capture: Capture, *, pure: bool) -> Extracted:
    before = html.use_pure(pure)
    try:
        return links_from_page(capture)
    finally:
        html.use_pure(before)


def _assert_same(captures: list[Capture]) -> int:
    """Both paths agree on every capture; the number of links compared."""
    assert html.compiled_walk() is not None, "the compiled walk is not built"
    links = 0
    for capture in captures:
        pure = _extract(capture, pure=True)
        compiled = _extract(capture, pure=False)
        assert compiled.page == pure.page, capture.url
        assert len(compiled.links) == len(pure.links), capture.url
        for a, b in zip(compiled.links, pure.links, strict=True):
            assert a == b, (capture.url, a, b)
        assert compiled.text == pure.text, capture.url
        assert compiled == pure
        links += len(pure.links)
    return links


def test_extension_is_built_and_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "_pure", False)
    assert html._compiled_walk is not None, "linkatlas.extract._walk did not import: not built?"
    assert html.compiled_walk() is html._compiled_walk

    def no_pure(*_args: object) -> None:
        raise AssertionError("the pure-Python walk ran although the compiled one is available")

    monkeypatch.setattr(html._HtmlPage, "_text", no_pure)
    monkeypatch.setattr(html._HtmlPage, "_place", no_pure)
    out = links_from_page(_capture("http://a.test/", b"<p>x <a href='/y'>why</a> z</p>"))
    assert [(ln.target_url, ln.anchor, ln.context_before) for ln in out.links] == [
        ("http://a.test/y", "why", "x")]


def test_compiled_records_are_left_out_of_the_cycle_collector() -> None:
    import gc

    walk = html.compiled_walk()
    assert walk is not None
    out = links_from_page(_capture("http://a.test/", b"<p>x <a href='/y'>why</a> z</p>"))
    assert out.links and not any(gc.is_tracked(link) for link in out.links)
    assert not gc.is_tracked(walk.Pending.__new__(walk.Pending))
    before = html.use_pure(True)
    try:  # the dataclass constructor's records stay tracked, as Python builds them
        pure = links_from_page(_capture("http://a.test/", b"<p>x <a href='/y'>why</a> z</p>"))
    finally:
        html.use_pure(before)
    assert pure.links == out.links and gc.is_tracked(pure.links[0])


def test_environment_and_missing_extension_select_the_pure_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    script = "from linkatlas.extract import html; print(html.compiled_walk() is None)"
    for value, pure in (("1", "True"), ("0", "False"), ("", "False")):
        env = {**os.environ, html.PURE_ENV: value}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == pure, (value, out)
    monkeypatch.setattr(html, "_pure", False)
    assert html.use_pure(True) is False
    assert html.compiled_walk() is None
    assert html.use_pure(False) is True
    assert html.compiled_walk() is not None
    monkeypatch.setattr(html, "_compiled_walk", None)
    assert html.compiled_walk() is None
    out = links_from_page(_capture("http://a.test/", b"<a href='/y'>why</a>"))
    assert out.links[0].anchor == "why"


def test_spaced_utf8_is_the_regex_then_selectolax_encoding() -> None:
    walk = html._compiled_walk
    assert walk is not None
    pieces = ["<", "/", "p", "P", "div", "DIV", "br", "Br", "_", "\u00e9", "\u0660", "\u00a0",
              "\u3000", "\u4e00", "\U00010400", "\u2028", "\U0001f600", " ", ">", "a", "1",
              "h1", "H6", "tr", "tt", "option", "figcaption", "\u212a", "x", "\ud800"]
    rnd = random.Random(5)
    for tag in html._BLOCK_TAGS:  # every name, in any case, and its near misses
        pieces += [tag, tag.upper(), tag.title(), tag[:-1], tag + "x", tag[0] + "z"]
    for _ in range(60_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        expected = html._BLOCK_TAG.sub(" <", text)
        got = walk.spaced_utf8(text)
        if got is None:  # lone surrogates: html.py parses the regex's str instead
            assert any("\ud800" <= c <= "\udfff" for c in text), repr(text)
        else:
            assert got == expected.encode("utf-8", "ignore"), repr(text)
            # the body the text was decoded from, handed over instead of encoding again
            assert walk.spaced_utf8(text, text.encode("utf-8")) == got, repr(text)


# "info@example.com" as Cloudflare's e-mail protection writes it (key 0x42 XOR-ed in)
_CF_HEX = "42" + bytes(b ^ 0x42 for b in b"info@example.com").hex()


def test_page_scan_finds_what_the_reference_scans_find() -> None:
    """Tracking IDs at the scan's trigger places equal the four regex scans; the Cloudflare
    flag is never False where the reference would decode an address; the tag count is exact."""
    walk = html._compiled_walk
    assert walk is not None
    from linkatlas.extract import text as _text

    pieces = ["UA-", "GTM-", "AW-", "G-", "pub-", "ca-", "fbq(", "ym(", "yaCounter", "hjid",
              "hj", "ya", "'init', ", "init", ":", " ", "'", '"', "=", "-", "(", "<", "b", "C",
              "j", "1234567", "12", "0123456789012", "A1B2C3D4E5", "ABCD", "x", "_", "\u0660",
              "\u00e9", "\U0001f600", "data-cfemail=", "email-protection#", "0a1b2c3d4e",
              "Ф", "G", "M", "W", "1234567-12", "data-cfemail='" + _CF_HEX,
              "email-protection#" + _CF_HEX]
    rnd = random.Random(11)
    found = 0
    for _ in range(40_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        tags, starts, cloudflare = walk.page_scan(text)
        assert tags == text.count("<"), repr(text)
        assert _text.tracking_ids_at(text, starts) == _text.tracking_ids(text), repr(text)
        found += bool(_text.tracking_ids(text))
        if not cloudflare:
            assert _text.cloudflare_emails(text) == set(), repr(text)
            assert "data-cfemail" not in text and "email-protection#" not in text, repr(text)
    assert found > 300  # the pieces do make IDs


def test_prepare_utf8_is_the_decoded_page_scan() -> None:
    """The UTF-8 path never decodes the page: its scan of the bytes, its tracking IDs (read in
    windows of the text), its character count and its bytes to parse equal what the decoded
    text gives; anything the decoder would replace, U+FFFD and the marker planes refuse it."""
    walk = html._compiled_walk
    assert walk is not None
    from linkatlas.extract import text as _text

    pieces = ["UA-", "GTM-", "AW-", "G-", "pub-", "ca-", "fbq(", "ym(", "yaCounter", "hjid",
              "'init', ", "init", ":", " ", "'", '"', "=", "-", "(", "<", "<p>", "</div>",
              "<br/>", "1234567", "0123456789012", "A1B2C3D4E5", "x", "_", "\u0660", "\u00e9",
              "\u00a0", "\u3000" * 40, " " * 300, "\t\n" * 50, "\u4e00" * 90, "\U0001f600",
              "data-cfemail=", "email-protection#", "G", "1234567-12", "\u2028", "\x1c"]
    rnd = random.Random(12)
    found = 0
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        body = text.encode("utf-8")
        skip = 3 if rnd.random() < 0.1 else 0
        ready = walk.prepare_utf8(b"\xef\xbb\xbf" + body if skip else body, skip, 1 << 30)
        assert ready is not None, repr(text)
        spaced, size, starts, cloudflare = ready
        assert size == len(text) and spaced == walk.spaced_utf8(text), repr(text)
        ids = _text.tracking_ids(text)
        assert _text.tracking_ids_utf8(body, starts) == ids, repr(text)
        found += bool(ids)
        if not cloudflare:
            assert _text.cloudflare_emails(text) == set(), repr(text)
    assert found > 300
    assert walk.prepare_utf8(b"<p>" * 10, 0, 9) is None  # more tags than the limit
    alphabet = [b"a", b"<", b"\x80", b"\xbf", b"\xc2", b"\xdf", b"\xe0", b"\xa0", b"\xed",
                b"\x9f", b"\xef", b"\xbd", b"\xf0", b"\x90", b"\xf3", b"\xb0", b"\xf4",
                b"\x8f", b"\xf5", b"\xc0", b"\xe2\x82\xac", b"\xef\xbf\xbd", "\U000f0001".encode()]
    for _ in range(30_000):
        raw = b"".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        # past the eight-byte steps and across the sixteen-byte blocks of the page scan
        raw = b"x" * rnd.randint(0, 40) + raw * rnd.choice((1, 1, 5)) + b"y" * rnd.randint(0, 3)
        try:
            decoded: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
        plain = decoded is not None and "\ufffd" not in decoded and not any(
            c >= "\U000f0000" for c in decoded)
        assert walk.utf8_plain(raw) == (len(decoded) if plain and decoded is not None else -1)
        ready = walk.prepare_utf8(raw, 0, 1 << 30)
        assert (ready is None) == (not plain), raw
        assert ready is None or decoded is None or ready[1] == len(decoded), raw


def test_email_signs_are_the_reference_signs() -> None:
    """The compiled one-pass email_signs equals text.email_signs (entity, look-alike, "@" and
    the hint regexes' bracketed and capitalised forms) on fuzzed texts of every width."""
    walk = html._compiled_walk
    assert walk is not None
    from linkatlas.extract import text as _text

    pieces = ["(", ")", "[", "]", "{", "}", "<", ">", " ", "  ", "\u00a0", "\u3000", "\n", "at",
              "AT", "aT", "At", "@", "dot", "DOT", "dOt", ".", " AT ", " DOT ", "x", "a", "t", "d",
              "o", "\u00e9", "\U0001f600", "\uff08", "A", "T", "D", "O", "&", "&#", "&commat;",
              "&period;", "&comma", "\uff20", "\ufe6b", "#"]
    rnd = random.Random(13)
    seen = 0
    for _ in range(60_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        expected = _text.email_signs(text)
        assert walk.email_signs(text) == expected, text
        seen |= expected
        assert _text.email_forms(text, walk.email_signs) == _text.email_forms(text), text
    assert seen == 15  # every sign was met


def test_readability_pages_identical(tmp_path: Path) -> None:
    archive = fixture_path("placement/readability-test-pages/test-pages.tar.xz")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    pages = sorted(tmp_path.glob("test-pages/*/source.html"))
    assert len(pages) >= 130
    captures = [_capture(f"http://fakehost/{p.parent.name}/", p.read_bytes()) for p in pages]
    assert _assert_same(captures) > 15_000


def test_common_crawl_link_extraction_pages_identical() -> None:
    path = fixture_path("warc/cc-wat-link-extraction-tests/link-extraction-test.warc")
    captures = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response,
                                      parse_http=True):
            http = record.http_headers
            assert http is not None
            captures.append(Capture(
                url=record.headers.get("WARC-Target-URI", "").strip().strip("<>"),
                status=http.status_code, headers=tuple((k, v) for k, v in http.items()),
                body=record.reader.read(), fetched_at=NOW, observed_in="cc"))
    assert captures
    assert _assert_same(captures) > 0


def test_sample_web_pages_identical() -> None:
    captures = []
    for seed in range(1, 6):
        for page in sample.build(seed=seed).pages():
            if len(page.body) < 2_000_000:
                captures.append(Capture(url=page.url, status=page.status,
                                        headers=tuple(page.headers), body=page.body,
                                        fetched_at=NOW, observed_in="sample"))
    assert len(captures) > 800
    assert _assert_same(captures) > 10_000


def _html5lib_inputs() -> Iterator[str]:
    folder = fixture_path("conformance/html5lib-tests/tree-construction")
    for dat in sorted(folder.glob("*.dat")):
        lines = dat.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
        for i, line in enumerate(lines):
            if line == "#data":
                data = []
                for follow in lines[i + 1:]:
                    if follow.startswith("#errors") or follow == "#document-fragment":
                        break
                    data.append(follow)
                yield "\n".join(data)


def test_html5lib_tree_construction_inputs_identical() -> None:
    captures = []
    for i, data in enumerate(_html5lib_inputs()):
        body = data.encode("utf-8", "surrogateescape")
        captures.append(_capture(f"http://h5.test/{i}", body))
        # the same input as the content of a link, between two paragraphs of text
        wrapped = (f"<p>before words <a href='/l{i}' rel=ugc>{data}</a> after words</p>"
                   f"<ul><li><a href='/n{i}'>nav</a><li><a href='/m{i}'>more</a></ul>")
        captures.append(_capture(f"http://h5.test/w{i}", wrapped.encode("utf-8",
                                                                        "surrogateescape")))
    assert len(captures) > 2_000
    _assert_same(captures)


STRIP_CASES = [
    "<p>a<script>x</script><style>y</style><noscript><p>z <a href=/n>n</a></noscript>"
    "<template><script>t</script></template>b",
    "<noscript><style>s</style><script>x</script><template><p>t</template></noscript>",
    "<svg><script><style>q</style><script>r</script></script><style><script>w</script>"
    "</style><title><script>t</script>svg title</title></svg><p>after",
    "<math><style><noscript><template>m</template></noscript></style></math>",
    "<div><noscript><noscript>x</noscript><template><style>q</style></template></noscript>",
    "<table><script>1</script><tr><style>2</style><td><noscript>3</noscript></table>",
    "<frameset><noscript>f</noscript></frameset>", "",
]


def test_email_hint_never_hides_an_address() -> None:
    """The compiled pre-check that skips the e-mail scan of most pages: whenever it says no,
    the scan finds nothing (fuzzed with the characters every address form needs)."""
    from linkatlas.extract.text import email_forms

    walk = html.compiled_walk()
    assert walk is not None
    forms = ["john@example.com", "john AT example DOT com", "john [at] example [dot] com",
             "john(at)example.com", "john (AT) example.com", "john [@] example.com",
             "john&#64;example.com", "john&commat;example.com", "john\uff20example.com",
             "john\ufe6bexample.com", "john <at> example <dot> com", "john {aT } example.com"]
    for text in forms:
        assert email_forms(text) and walk.email_hint(text), text
        for wide in ("\u0100", "\U0001f600"):  # the same in two- and four-byte strings
            assert walk.email_hint(wide + text + wide), text
    rng = random.Random(7)
    alphabet = [*"@&#;:aAtTdDoO .]})>[({<xyz1-\n", "\uff20", "\ufe6b", "\u00e9", "\U0001f600",
                "\u3000", "64"]
    quiet = 0
    for _ in range(60_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        if text.isascii() or max(text) < "\u0100":  # one byte a character: sixteen a step
            padded = "x" * rng.randint(0, 20) + text
            assert walk.email_hint(padded) == walk.email_hint("\u0100" + padded), text
        if not walk.email_hint(text):
            quiet += 1
            assert email_forms(text) == {}, text
    assert quiet > 5_000


def test_attribute_comparison_is_dict_equality() -> None:
    """merge_clones compares the links' attribute lists without building their dicts: the same
    answer as the dicts' equality (order, valueless and empty attributes, duplicates, invalid
    UTF-8 that decodes alike, more attributes than the list walk takes)."""
    from selectolax.lexbor import LexborHTMLParser

    walk = html.compiled_walk()
    assert walk is not None
    many = " ".join(f"d{i}={i}" for i in range(40))
    tags = [
        b"<a href=x class=y>", b"<a class=y href=x>", b"<a href=x>", b"<a href=x title>",
        b"<a href=x title=''>", b"<a title href=x>", b"<a href=x href=z class=y>",
        b"<a href='\xff' class=y>", b"<a href='\xfe' class=y>", b"<a class=y href='\xff'>",
        b"<a href='\xc3\xa9'>", b"<a href='\xc3'>", b"<a href=X>", b"<a HREF=x CLASS=y>",
        b"<a \xff=1 href=x>", b"<a \xfe=1 href=x>", b"<a href=x " + many.encode() + b">",
        b"<a " + many.encode() + b" href=x>", b"<a href=x " + many.encode() + b" e=1>", b"<a>",
    ]
    tree = LexborHTMLParser(b"".join(t + b"t</a>" for t in tags))
    nodes = tree.css("a")
    assert len(nodes) == len(tags)
    checked = equal = 0
    for x in nodes:
        for y in nodes:
            got = walk.attrs_equal(walk.Pending(x, "", None, "", None),
                                   walk.Pending(y, "", None, "", None))
            assert got == (x.attributes == y.attributes), (x.html, y.html)
            checked += 1
            equal += got
    assert checked == len(tags) ** 2 and equal > 2 * len(tags)


def test_compiled_strip_removes_what_strip_tags_removes() -> None:
    from selectolax.lexbor import LexborHTMLParser

    walk = html.compiled_walk()
    assert walk is not None
    inputs = [*STRIP_CASES, *_html5lib_inputs()]
    for data in inputs:
        body = data.encode("utf-8", "surrogateescape")
        want, got = LexborHTMLParser(body), LexborHTMLParser(body)
        # the removed subtrees too: a link inside one reads its anchor from it
        query = "script, style, noscript, template, a, p, title"
        want_nodes, got_nodes = want.css(query), got.css(query)
        want.strip_tags(["script", "style", "noscript", "template"])
        root = got.root
        candidates = walk.link_elements(got, root).strip
        walk.strip_collected(got, candidates)
        assert got.html == want.html, data
        assert [n.html for n in got_nodes] == [n.html for n in want_nodes], data
        assert [n.parent is None for n in got_nodes] == [
            n.parent is None for n in want_nodes], data
    assert len(inputs) > 1_000


def test_recycled_documents_parse_like_new_ones() -> None:
    """One Lexbor document reused for every input in a row (quirks and no-quirks pages,
    scripting-sensitive noscript, templates, foreign content) builds the trees new ones do."""
    from selectolax.lexbor import LexborHTMLParser

    walk = html.compiled_walk()
    assert walk is not None
    inputs = [*STRIP_CASES, *_html5lib_inputs()]
    inputs += ["<p><table><tr><td>quirks</table>", "<!DOCTYPE html><p><table>standard",
               "<!DOCTYPE html PUBLIC '-//W3C//DTD HTML 4.01 Transitional//EN'><p><table>",
               "<head><noscript><img src=x></noscript><link rel=canonical href=/a></head>"]
    for data in inputs * 2:
        body = data.encode("utf-8", "surrogateescape")
        tree = walk.parse(body)
        assert tree.html == LexborHTMLParser(body).html, data
        assert tree.raw_html == body
        walk.recycle(tree)
        walk.recycle(tree)  # a second recycle of the same parser does nothing
    big = b"<p>" + b"x" * (walk.SPARE_MAX_INPUT + 10)
    tree = walk.parse(big)
    assert tree.css_first("p") is not None
    walk.recycle(tree)  # destroyed, not kept
    assert walk.parse(b"<p>after</p>").html == LexborHTMLParser(b"<p>after</p>").html


def test_threads_extract_what_one_thread_does() -> None:
    """Recycled documents and the process-wide memos under concurrent extraction (the parse
    runs without the GIL): four threads give what a single thread gives."""
    import concurrent.futures

    web = sample.build(seed=5)
    captures = [_capture(p.url, p.body) for p in list(web.pages())[:200]]
    want = [links_from_page(c) for c in captures]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            got = list(pool.map(links_from_page, captures))
            assert got == want


def test_streamed_text_stats_equal_the_text() -> None:
    """The figures the placement walks stream from the text nodes (paragraph scores, main-block
    candidates, link density) equal those read from the element's text."""
    from selectolax.lexbor import LexborHTMLParser

    from linkatlas.extract import markers

    walk = html.compiled_walk()
    assert walk is not None
    inputs = [*STRIP_CASES, *_html5lib_inputs()]
    inputs += ["<p>caf\u00e9, na\u00efve,\uff0c <a href=/x> link\u3000text </a>, \U0001f600"
               "<b> <a href=/y>two<a href=/z>three</a></a></b>\t </p>"]
    inputs += ["<div>  <p> \u00a0 </p>\t<p>a , b</p>  <a href=/m>&#xF0000; mark &#x100001;</a>"
               " x\U000f0005y <b> </b><a href=/n> </a>,<i></i> end </div>"]
    raw = [b"<div>ok <a href=/x>bad \xff\xfe bytes</a>, \xc3\x28 tail</div>"]
    checked = 0
    # each text node's figures are kept after the first walk that reads it: nodes in document
    # order (ancestors first), then in reverse (descendants first), each with new marks
    for body, order in itertools.product(
            [d.encode("utf-8", "surrogateescape") for d in inputs] + raw, (1, -1)):
        tree = LexborHTMLParser(body)
        marks = walk.Marks(tree.css("a"))
        try:
            for node in tree.css("p, td, pre, blockquote, div, body, li, a, b, table")[::order]:
                for sep in (False, True):
                    text = marks.text(node, sep)
                    stripped = len(text.strip())
                    commas = text.count(",") + text.count("\uff0c")
                    collapsed = len(" ".join(text.split()))
                    for collapse in (False, True):
                        want = (len(text), stripped, commas, collapsed,
                                markers.linked_len(text, collapse))
                        assert marks.text_stats(node, sep, collapse) == want, (body, sep)
                        checked += 1
        finally:
            marks.release()
    assert checked > 10_000


def test_big_list_of_naughty_strings_as_anchors_identical() -> None:
    strings = json.loads(fixture_path("conformance/blns/blns.json").read_text(encoding="utf-8"))
    raw = json.loads(fixture_path("conformance/blns/blns.base64.json").read_text())
    captures = []
    for i, s in enumerate(strings):
        body = (f"<html><body><nav class='menu'><a href='/a{i}'>{s}</a></nav>"
                f"<div class='entry-content'><p>{s} text, and more text around <a href='/b{i}' "
                f"title='{s}'>{s}</a> tail {s}</p><a href='/c{i}'><img alt='{s}'></a></div>"
                f"</body></html>")
        captures.append(_capture(f"http://blns.test/{i}", body.encode("utf-8", "surrogatepass")))
    for i, b64 in enumerate(raw):
        data = base64.b64decode(b64)
        captures.append(_capture(f"http://blns.test/raw{i}",
                                 b"<p>x <a href='/r'>" + data + b"</a> y " + data + b"</p>"))
    assert len(captures) > 500
    _assert_same(captures)


def _hostile() -> list[Capture]:
    pages: list[bytes] = [
        # a nesting bomb (flattened by the guard) and deep nesting just under it
        b"<div>" * 100_000 + b"<a href='/deep'>deep</a>",
        b"<div><span>" * 2_400 + b"<a href='/d'>in deep</a> text" + b"</span></div>" * 2_400,
        # huge attributes and text
        b"<a href='/" + b"x" * 70_000 + b"'>long href</a><a href='/ok' class='"
        + b"nav " * 200_000 + b"'>ok</a>",
        b"<a href='/t' title='" + b"t" * 1_000_000 + b"'></a><p>" + b"word " * 200_000 + b"</p>",
        # invalid UTF-8, NULs, lone surrogates in entities, private-use characters
        b"<p>a\x00b <a href='/n'>nul\x00 \xff\xfe bytes</a> \xc3\x28 \xed\xa0\x80 end</p>",
        "<p>\U000f0000 <a href='/pu'>\U000f0001x\U00100000</a> \U0010fffd</p>".encode(),
        b"<p>&#xF0000; <a href='/e'>&#x100000;e&#xF0002;</a>&#xDFFF;&#0; &#x10FFFF;</p>",
        "<meta charset=utf-8><p>\u00a0\u2003<a href='/s'>\u3000 s \u205f</a>\u0085x</p>".encode(),
        # links the tree builder moves, splits or hides
        b"<p><a href=/x>one<ul><li>two</ul></a><a href=/x>three</a>",
        b"<table><a href=/t>in table</a><tr><td><a href=/u>cell</a></table>",
        b"<noscript><a href=/ns>no script</a></noscript><template><a href=/tp>t</a></template>"
        b"<noscript><a href=/o>x<svg><a href=/i>y</a></svg>z<img alt=i></a><a href=/e></a>"
        b"</noscript><a href=/im><span><img title=first><img alt=second></span></a>"
        b"<script>var a = '<a href=/js>js</a>';</script><a href=/after>after</a>",
        b"<svg><a href=/svg>svg</a><a xlink:href=/xl>xl</a></svg><math><a href=/m>m</a></math>",
        b"<frameset><frame src=/f></frameset><a href=/fs>frameset</a>",
        b"<a href=/outer>out <a href=/inner>in</a> side</a><area href=/area alt=' area '>",
        b"<a href='#top'>top</a><a href=mailto:a@b.example>mail</a><a href=' /sp '>  </a>",
        # mailto: in any case (and look-alikes that are not), hrefs with spaces and fragments
        "<a href='MaIlTo:c@d.example'>m</a><a href='\u212ailto:x@y.example'>k</a>"
        "<a href='\u0130mailto:z@w.example'>i</a><a href=mailto>no</a><a href='mailto:'>e</a>"
        "<a href=' \u3000/ws\u3000 '>ws</a><a href='\t#frag'>f</a><a href='/p?#x'>q</a>"
        "<a href='\u00a0'>nbsp</a>".encode(),
        b"<aside role='main'><header class='no-comments'><a href=/h>h</a></header></aside>"
        b"<article><footer><a href=/f>f</a></footer><div id=comments><a href=/c>c</a></div>",
        # two main-block candidates with equal scores: the first scored wins, as sorted() keeps
        # first-scored order among equal scores
        b"<body><section><div><p>" + b"Equal text, with commas, that scores the same. " * 3
        + b"<a href=/one>one</a></p></div></section><section><div><p>"
        + b"Equal text, with commas, that scores the same. " * 3
        + b"<a href=/two>two</a></p></div></section></body>",
        # the first title is an SVG one, with elements and odd spaces in it
        "<body><svg><title> svg <a href=/st>t</a>\u00a0itle\u3000</title></svg>"
        "<title>\treal title </title><a href=/x>x</a></body>".encode(),
        # head elements in odd spellings
        b"<head><meta name=' ROBOTS ' content='nofollow'><meta name=googlebot content=noindex>"
        b"<meta http-equiv=' Refresh ' content='0;url=/r'><meta name=robots name=x content=y>"
        b"<link rel='Canonical Stylesheet' href=/c><link rel=' ALTERNATE ' href=/alt>"
        b"<link rel='preload icon' href=/p><link rel='next' href=/n><link rel=me href=''>"
        b"</head><a href=/body>b</a>",
        b"",
        b"<a href=/only>",
        b"<html><body></body></html>" + b"<a href=/late>late</a>",
    ]
    # more links than markers: the links past the marker range are read from their nodes
    many = b"".join(b"<li><a href='/p%d'>link %d</a>" % (i % 5_000, i) for i in range(66_000))
    pages.append(b"<ul>" + many + b"</ul>")
    return [_capture(f"http://hostile.test/{i}", body) for i, body in enumerate(pages)]


def _unmark_pure(raw: str, count: int) -> tuple[str, list[tuple[int, int]], int]:
    """html.py's _text after the collapse, as the pure path does it."""
    raw = markers.LONE_MARKS.sub(markers.join_lone, raw)
    if raw[:1] > "\uffff" and (lead := markers.LEADING_MARKS.match(raw)) is not None:
        raw = lead.group(1).replace(" ", "") + raw[lead.end() :]
    offsets = [[-1, -1] for _ in range(count)]
    for k, m in enumerate(html._MARKER.finditer(raw)):
        code = ord(m.group())
        if code >= html._END:
            if code - html._END < count:
                offsets[code - html._END][1] = m.start() - k
        elif code - html._START < count:
            offsets[code - html._START][0] = m.start() - k
    text = html._MARKER.sub("", raw)
    return text, [(a, b) for a, b in offsets], text.count(" ")


def test_unmark_is_the_pure_marker_handling() -> None:
    """The compiled lone-mark join, leading marks and marker removal (runs moved between the
    markers, sixteen code points narrowed at a time) against the pure path's regexes, on
    collapsed marked texts around the eight-code-point blocks of the marker search."""
    walk = html.compiled_walk()
    assert walk is not None
    rng = random.Random(7)
    marks = [chr(html._START + i) for i in range(4)] + [chr(html._END + i) for i in range(4)]
    words = ["a", "bc", "défg", "\u2014", "x" * 9, "\U0001f600", "\xa0z"]
    for _ in range(30_000):
        tokens = []
        for _ in range(rng.randrange(0, 14)):
            r = rng.random()
            if r < 0.45:
                tokens.append("".join(rng.choice(marks) for _ in range(rng.randrange(1, 4))))
            elif r < 0.6:  # a marker glued to a word
                tokens.append(rng.choice(marks) + rng.choice(words))
            else:
                tokens.append(rng.choice(words))
        raw = " ".join(tokens)
        count = rng.randrange(0, 5)
        assert walk.unmark_text(raw, count) == _unmark_pure(raw, count), ascii(raw)
    long = " ".join(["word"] * 40 + [marks[0], marks[4]] + ["é"] * 30 + [marks[1]])
    assert walk.unmark_text(long, 2) == _unmark_pure(long, 2)


def test_whitespace_runs_identical() -> None:
    """Text nodes of long whitespace runs (real pages' indentation, which the body-text pass
    takes sixteen bytes at a time) of every whitespace character, around words, commas and
    links, in blocks the main-block scoring and the link density read: both paths agree."""
    rnd = random.Random(17)
    spaces = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\u00a0", "\u3000"]
    words = ["word", "caf\u00e9", ",", "a,b", "\u4e00\u4e01", "x"]

    def run() -> str:
        size = rnd.choice((0, 1, 2, 15, 16, 17, 31, 32, 33, 40, 100))
        if rnd.random() < 0.6:  # mostly ASCII spaces and newlines, as indentation is
            return "".join(rnd.choice(" \n\t") for _ in range(size))
        return "".join(rnd.choice(spaces) for _ in range(size))

    def text() -> str:
        return "".join(run() + rnd.choice(words) for _ in range(rnd.randint(0, 4))) + run()

    captures = []
    for k in range(300):
        blocks = []
        for _ in range(rnd.randint(1, 6)):
            links = "".join(f"{text()}<a href='/p/{k}/{i}'>{text()}</a>{text()}"
                            for i in range(rnd.randint(0, 4)))
            tag = rnd.choice(("p", "div", "li", "td", "footer", "nav"))
            blocks.append(f"<{tag} class='{rnd.choice(('content', 'menu', 'x'))}'>{text()}"
                          f"{links}{text()}</{tag}>{run()}")
        body = f"<html><body>{run()}<div>{''.join(blocks)}</div>{run()}</body></html>"
        captures.append(_capture(f"http://ws.test/{k}", body.encode("utf-8")))
    assert _assert_same(captures) > 1_000


def test_one_pass_text_figures_equal_the_two_passes() -> None:
    """The body-text pass that collapses a text node and takes its figures at once (runs of
    whitespace sixteen bytes at a time) gives the text, the owed space and the figures the
    separate collapse and figures loops give."""
    walk = html.compiled_walk()
    assert walk is not None
    rnd = random.Random(19)
    pieces = [b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1f", b"\x1b", b"\x21",
              b"a", b",", b"\xc2\xa0", b"\xe3\x80\x80", b"\xef\xbc\x8c", b"\xc3\xa9",
              b"\xf3\xb0\x80\x81", b"\xff", b"word ", b"two words, ", b" lead", b"x"]
    for _ in range(20_000):
        data = b"".join(rnd.choice(pieces) * rnd.choice((1, 1, 3, 16, 17, 40))
                        for _ in range(rnd.randint(0, 8)))
        owed = rnd.random() < 0.5
        one, two = walk.collapse_pieces_agree(data, owed)
        assert one == two, (data, owed)


def test_parser_clones_merge_by_the_source_count() -> None:
    """A link the tree builder cloned (misnested blocks) is one link when the page source holds
    its href fewer times than the tree does, and stays two when the source holds it twice; the
    same whether the source is searched as UTF-8 bytes (with or without a BOM) or as text."""
    cases = [
        (b"<p><a href=/x>one<div>two</div></a></p>", [("http://a.test/x", "one two")]),
        (b"<a href=/x>one<p>two</a> three", [("http://a.test/x", "one two")]),
        (b"<a href=/x>one<p>two</a><script>'/x'</script>",
         [("http://a.test/x", "one"), ("http://a.test/x", "two")]),
        (b"<b><a href=/caf\xc3\xa9>one<p>two</a></b>", [("http://a.test/caf%C3%A9", "one two")]),
        (b"<b><a href=/caf\xc3\xa9>one<p>two</a></b>/caf\xc3\xa9",
         [("http://a.test/caf%C3%A9", "one"), ("http://a.test/caf%C3%A9", "two")]),
    ]
    for body, expected in cases:
        for prefix, content_type in ((b"", "text/html"), (b"\xef\xbb\xbf", "text/html"),
                                     (b"", "text/html; charset=utf-8")):
            capture = _capture("http://a.test/", prefix + body, content_type)
            assert _assert_same([capture]) == len(expected)
            got = [(link.target_url, link.anchor) for link in links_from_page(capture).links]
            assert got == expected, (body, prefix)
        if body.isascii():  # a windows-1252 page: the compiled path searches the decoded text
            capture = _capture("http://a.test/", body, "text/html; charset=windows-1252")
            assert _assert_same([capture]) == len(expected)


def test_href_memo_hits_give_what_resolution_gives() -> None:
    """The compiled path's memo of resolved hrefs (by their bytes, behind the page's origin for
    a path-absolute href) gives on later pages what resolving gives: the same hrefs on pages
    of other origins and bases, with fragments, spaces, odd slashes and unresolvable ones."""
    walk = html.compiled_walk()
    assert walk is not None
    hrefs = ["/x", "/x#frag", "/#top", "#top", "/", "http://a.test/x", "http://a.test/x#f",
             "http://a.test/", "https://b.test/p?q=1#f", "http://", "http://[bad/", "/x ",
             " /x", "/x\u00a0", "//c.test/y", "/\\c.test/z", "/\tx", "/caf\u00e9",
             "HTTP://a.test/up", "mailto:me@a.test", "/%7Ex/../y", "http://a.test:80/x",
             "https://a.test:443/x", "http://xn--nxasmq6b.test/x", "http://A.TEST/X"]
    body = "".join(f'<p><a href="{h}">link {i}</a></p>' for i, h in enumerate(hrefs))
    urls_ = ["http://a.test/", "http://a.test/dir/page", "https://a.test/", "http://b.test:8080/",
             "http://user@a.test/", "http://a.test/x"]
    pages = [_capture(u, body.encode()) for u in urls_]
    pages += [_capture(u, (f'<base href="{b}">' + body).encode()) for u in urls_[:2]
              for b in ("http://c.test/base/", "/other/", "https://a.test:8443/")]
    walk.clear_href_memo()
    first = _assert_same(pages[:1])
    size = walk.href_memo_size()
    # the keyed forms: path-absolute with a plain origin, absolute http(s) and scheme-relative
    # ("//c.test/y", under the page's own URL), whose last byte is no space ("#top", "/\\",
    # "/\t", " /x", NBSP, "HTTP:" are not)
    assert size == 16
    assert _assert_same(pages[:1]) == first
    assert walk.href_memo_size() == size  # all hits
    assert _assert_same(pages) > 0
    assert _assert_same(pages) > 0  # every page again, on a full memo
    walk.clear_href_memo()
    assert walk.href_memo_size() == 0


def test_occurrences_count_on_from_the_header_links() -> None:
    """Occurrences count per (target, kind, anchor) across the links the headers gave (a Link
    header canonical, a redirect's Location) and the page's own."""
    body = (b'<link rel=canonical href=/c><link rel=canonical href="http://a.test/c">'
            b'<a href=/c>c</a><a href=/c>c</a><a href=/c>d</a><a href="http://a.test/c">c</a>')
    headers = (("Content-Type", "text/html"), ("Link", '<http://a.test/c>; rel="canonical"'),
               ("Link", "</c>; rel=canonical"))
    capture = Capture(url="http://a.test/p", status=200, headers=headers, body=body,
                      fetched_at=NOW, observed_in="test")
    assert _assert_same([capture]) == 8
    got = [(link.kind.value, link.anchor, link.occurrence)
           for link in links_from_page(capture).links]
    assert got == [("canonical", "", 0), ("canonical", "", 1), ("canonical", "", 2),
                   ("canonical", "", 3), ("a", "c", 0), ("a", "c", 1), ("a", "d", 0),
                   ("a", "c", 2)]


def test_hostile_pages_identical() -> None:
    captures = _hostile()
    assert _assert_same(captures) > 66_000


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc (Linux)")
def test_no_leak_over_repeated_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "_pure", False)
    captures = [c for c in _hostile() if len(c.body) < 3_000_000][:-1]
    web = sample.build(seed=3)
    captures += [_capture(p.url, p.body) for p in list(web.pages())[:300]]
    for capture in captures:  # warm up caches and the allocator
        links_from_page(capture)
    start = _rss_kib()
    for _ in range(8):
        for capture in captures:
            links_from_page(capture)
    grown = _rss_kib() - start
    assert grown < 20_000, f"RSS grew by {grown} KiB over 8 rounds"


def test_records_in_c_refuse_a_changed_link_class() -> None:
    """The C record builder fills Link's slots directly: it must refuse a class whose fields
    differ or that has a __post_init__, rather than build half-filled records."""
    import dataclasses

    from linkatlas import urls
    from linkatlas.extract.common import REL_FLAGS_CACHE, rel_flags
    from linkatlas.model import Link

    walk = html._compiled_walk
    assert walk is not None
    names = tuple(f.name for f in dataclasses.fields(Link))

    @dataclasses.dataclass(slots=True)
    class WithHook:
        x: int = 0

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass
    class NoSlots:
        pass

    def bind(cls: type, fields: tuple[str, ...]) -> None:
        walk.configure_records(cls, fields, urls.host_and_domain, rel_flags, REL_FLAGS_CACHE)

    for cls, fields in ((WithHook, names), (Link, names[:-1]), (NoSlots, names)):
        with pytest.raises(TypeError):
            bind(cls, fields)
    bind(Link, names)  # as html.py binds it
    out = links_from_page(_capture("http://a.test/", b"<p>x <a href='/y' rel=ugc>why</a> z</p>"))
    assert out.links[0] == dataclasses.replace(out.links[0])  # every slot filled


def test_pages_in_c_are_the_dataclass_records() -> None:
    """new_page fills Page's slots from a template of its defaults and the given fields: the
    record equals Page(...) with those fields; a class it cannot fill is refused."""
    import dataclasses

    from linkatlas.model import EPOCH, Page, Source

    walk = html._compiled_walk
    assert walk is not None
    given = dict(url="http://a.test/", final_url="http://a.test/b", host="a.test", domain="a.test",
                 status=203, fetched_at=NOW, content_type="text/html", content_length=17,
                 x_robots_tag="noindex", language="en", via=Source.CRAWL, observed_in="t",
                 ip="127.0.0.1")
    page = walk.new_page(*given.values())
    assert type(page) is Page
    assert page == Page(**given)  # type: ignore[arg-type]
    assert page == dataclasses.replace(page)  # every slot filled
    page.title = "changed"  # a record of its own: the template keeps its defaults
    assert walk.new_page(*given.values()).title == ""

    @dataclasses.dataclass(slots=True)
    class Short:
        url: str = ""

    @dataclasses.dataclass
    class NoSlots:
        url: str = ""

    for template in (Short(), NoSlots()):
        with pytest.raises(TypeError):
            walk.configure_page_record(template)
    walk.configure_page_record(Page(url="", final_url="", host="", domain="", status=0,
                                    fetched_at=EPOCH))  # as html.py binds it


def test_links_to_the_canonical_with_a_fragment_are_same_page_links() -> None:
    """A link to the page's canonical URL with a fragment is dropped as a same-page link; the
    same target without one, or another target with one, is kept (both paths)."""
    body = (b'<link rel=canonical href="/c"><p><a href="/c#top">a</a> <a href="/c">b</a> '
            b'<a href="http://a.test/c#x">c</a> <a href="/d#x">d</a> <a href="/c#">e</a> '
            b'<a href="/c%23">f</a> <a HREF="/c#y" data-x=1>g</a></p>')
    capture = _capture("http://a.test/p", body)
    assert _assert_same([capture]) == 4
    got = [(link.target_url, link.anchor) for link in links_from_page(capture).links]
    assert got == [("http://a.test/c", ""), ("http://a.test/c", "b"),
                   ("http://a.test/d", "d"), ("http://a.test/c%23", "f")]


def test_collapsed_attribute_text_is_text_collapse() -> None:
    """The anchor loop's collapse of alt/title texts (no call when the text is collapsed
    already) against text.collapse, with every kind of space in every place."""
    from linkatlas.extract import text

    walk = html.compiled_walk()
    assert walk is not None
    rng = random.Random(9)
    pieces = ["a", "bc", "é", "\u2014", " ", "  ", "\t", "\n", "\xa0", "\u3000", "\x1f", "\u200b"]
    for _ in range(20_000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
        assert walk.collapsed_text(s, text.collapse) == text.collapse(s), ascii(s)


def test_plain_origin_is_the_regex() -> None:
    """The resolver's origin (the shared memo's key for path-absolute hrefs), compiled,
    against html._PLAIN_ORIGIN on URLs cut from scheme, host, port and path pieces."""
    walk = html.compiled_walk()
    assert walk is not None
    pieces = ["http://", "https://", "HTTP://", "ftp://", "a", "B-c.d", "é", "_", ":", "80",
              "123456", "0", "/", "/x", "?q", "#f", "@", "[::1]", "\\", " "]
    rng = random.Random(13)
    matched = 0
    for _ in range(40_000):
        base = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        if rng.random() < 0.6:  # mostly the shapes of real bases, with a piece gone wrong
            base = (rng.choice(["http://", "https://", "HTTP://"]) + rng.choice(["a", "B-c.d", "é"])
                    + rng.choice(["", ":"]) + rng.choice(["", "80", "0", "123456", "a"])
                    + rng.choice(["/", "/x", "?q", "#f", ""]) + base)
        m = html._PLAIN_ORIGIN.match(base)
        want = m.group(0) if m is not None else ""
        assert walk.plain_origin(base) == want, base
        matched += bool(want)
    assert matched > 2_000


def test_robots_and_refresh_metas_read_like_the_pure_path() -> None:
    """The meta names and http-equiv values the compiled collect reads on the bytes (stripped,
    any case) or, past ASCII, as str.strip().lower() does: every spelling gives the pure
    path's robots and refresh links."""
    names = ["robots", "ROBOTS", " Robots ", "\trobots\n", "robots\x1c", "robots\u00a0",
             "\u2003googlebot", "GoogleBot", "robot", "robotss", "", "r\u00f6bots", "googlebot "]
    equivs = ["refresh", "REFRESH", " Refresh", "refresh\u00a0", "refres", "\u3000refresh"]
    captures = []
    for i, name in enumerate(names):
        body = f'<meta name="{name}" content="noindex, nofollow"><a href="/x{i}">x</a>'
        captures.append(_capture(f"http://a.test/{i}", body.encode()))
    for i, equiv in enumerate(equivs):
        body = f'<meta http-equiv="{equiv}" content="0; url=/to{i}"><a href="/y">y</a>'
        captures.append(_capture(f"http://a.test/r{i}", body.encode()))
    assert _assert_same(captures) > 0
    robots = [links_from_page(c).page.meta_robots for c in captures[: len(names)]]
    assert sum(bool(r) for r in robots) == 9, robots
    refresh = [any(link.kind.value == "refresh" for link in links_from_page(c).links)
               for c in captures[len(names):]]
    assert refresh == [True, True, True, True, False, True]


def _context_pure(buffer: str, start: int, end: int, n: int) -> tuple[str, str]:
    """html.py's _emit context cut (the pure path's lines)."""
    size = len(buffer)
    before = after = ""
    if start >= 0 and end >= 0 and n:
        lo = start - n if start > n else 0
        before = buffer[lo:start]
        if lo > 0 and buffer[lo - 1] != " " and " " in before:
            before = before[before.index(" ") + 1 :]
        before = before.strip()
        hi = end + n
        after = buffer[end:hi]
        if hi < size and buffer[hi] != " " and after[-1:] != " " and " " in after.strip():
            after = after[: after.rstrip().rindex(" ")]
        after = after.strip()
    return before, after


def test_contexts_are_the_pure_cut_in_every_string_kind() -> None:
    """emit's context pair (its strings built the narrowest way for two-byte texts) against
    the pure path's cut, on one-, two- and four-byte texts around the sixteen-unit packs."""
    walk = html.compiled_walk()
    assert walk is not None
    rng = random.Random(17)
    words = ["a", "bc", "defgh", "\u00e9t\u00e9", "\u2014", "\u4e2d\u6587", "\U0001f600", "x" * 19,
             "\u00a0", "\u0100"]
    for _ in range(20_000):
        buffer = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.5:
            buffer = "\u2014" + buffer  # a two-byte text whose cuts are mostly one-byte text
        size = len(buffer)
        start = rng.randint(-1, size)
        end = rng.randint(max(start, 0), size) if start >= 0 else rng.randint(-1, size)
        n = rng.choice([0, 5, 17, 100])
        got = walk.context_of(buffer, start, end, n)
        want = _context_pure(buffer, start, end, n)
        assert got == want, (buffer, start, end, n)
        assert [type(s) for s in got] == [str, str]
