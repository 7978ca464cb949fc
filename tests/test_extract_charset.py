"""Charset sniffing: BOM, HTTP header, meta prescan (html5lib encoding tests), never raising."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import fixture_path
from linkatlas.extract.charset import decode, encoding_for_label, prescan, sniff

# html5lib cases the prescan cannot pass, by design: the meta is written by a script, which a
# byte prescan (and linkatlas, which runs no scripts) never sees.
_SCRIPTED = ("document.write",)


def test_bom_wins_over_header_and_meta() -> None:
    body = b"\xef\xbb\xbf<meta charset=iso-8859-2><p>\xc3\xa9"
    assert decode(body, "text/html; charset=windows-1251") == ("<meta charset=iso-8859-2><p>é",
                                                               "utf-8")
    text, name = decode(b"\xff\xfe<\x00p\x00>\x00", None)
    assert (text, name) == ("<p>", "utf-16le")


def test_header_charset_then_meta_then_utf8() -> None:
    assert decode(b"<p>\xe9", "text/html; charset=ISO-8859-1") == ("<p>é", "windows-1252")
    assert decode(b'<meta charset="koi8-r"><p>\xc1', "text/html")[1] == "koi8-r"
    assert decode(b"<p>\xc3\xa9", None) == ("<p>é", "utf-8")
    assert decode(b"<p>\xc3\xa9", 'text/html; charset="bogus-label"')[1] == "utf-8"


def test_whatwg_labels() -> None:
    assert encoding_for_label(" Latin1 ") == "windows-1252"
    assert encoding_for_label("ascii") == "windows-1252"
    assert encoding_for_label("x-sjis") == "shift_jis"
    assert encoding_for_label("gb2312") == "gbk"
    assert encoding_for_label("rot13") is None


def test_meta_http_equiv_needs_pragma_and_utf16_meta_means_utf8() -> None:
    assert prescan(b'<meta content="text/html; charset=koi8-r">') is None
    assert prescan(b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">') == (
        "koi8-r")
    assert prescan(b'<meta charset="utf-16le">') == "utf-8"


def test_garbage_never_raises() -> None:
    for body in (b"", b"\x00\xff" * 5000, b"<meta charset=", b"<!--", b"<meta " * 400,
                 b"\xfe\xff\xd8", bytes(range(256)) * 10):
        text, name = decode(body, "text/html; charset=")
        assert isinstance(text, str) and name
    assert decode(b"abc", "text/html; charset=iso-2022-kr") == ("\ufffd", "replacement")


def _cases(path: Path) -> list[tuple[bytes, str]]:
    out = []
    for block in path.read_bytes().split(b"#data\n")[1:]:
        data, _, rest = block.partition(b"\n#encoding\n")
        out.append((data, rest.strip().split(b"\n")[0].decode()))
    return out


def test_html5lib_encoding_conformance() -> None:
    folder = fixture_path("conformance/html5lib-tests/encoding")
    cases = [c for f in sorted(folder.rglob("*.dat")) for c in _cases(f)]
    assert len(cases) >= 80
    failed = []
    for data, expected in cases:
        # the suite's default for a document that declares nothing is windows-1252
        got = sniff(data, None, default="windows-1252")[0]
        if got != encoding_for_label(expected):
            failed.append(data)
    unexpected = [d for d in failed if not any(s.encode() in d for s in _SCRIPTED)]
    assert unexpected == [], unexpected[:3]
    assert len(cases) - len(failed) >= 82  # 82 of 83 at the time of writing


@pytest.mark.parametrize("size", [2048, 8193])
def test_late_meta_found_by_the_wider_rescan(size: int) -> None:
    body = b"<!-- " + b"x" * size + b" -->" + b'<meta charset="iso-8859-2">'
    assert sniff(body, None)[0] == "iso-8859-2"
