"""Character encoding of an HTML body, in the order of the HTML standard; never raises.

Order (HTML "encoding sniffing algorithm", without the optional guessing step): a byte order
mark, then the ``charset`` of the HTTP ``Content-Type`` header, then the ``<meta>`` prescan of the
first 1024 bytes, then UTF-8. Labels follow the WHATWG Encoding standard, so ``latin1``,
``iso-8859-1`` and ``ascii`` mean windows-1252, ``x-sjis`` means Shift_JIS, and so on.
Undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_compiled_head: Callable[[bytes, int], bytes | None] | None
_compiled_loop: Callable[[bytes, Callable[[bytes, int], tuple[int, str] | None]], str | None] | None
try:  # simple_head_label and prescan's loop, compiled (setup.py builds them)
    from linkatlas.extract import _walk

    _compiled_head = _walk.simple_head_label
    _compiled_loop = _walk.prescan_loop
except ImportError:  # pragma: no cover - depends on the build
    _compiled_head = _compiled_loop = None

# WHATWG encoding name -> (Python codec, its labels). Names are the standard's, lower-cased.
_ENCODINGS: dict[str, tuple[str, str]] = {
    "utf-8": ("utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    "ibm866": ("cp866", "866 cp866 csibm866 ibm866"),
    "iso-8859-2": ("iso8859-2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
                   "iso_8859-2:1987 l2 latin2"),
    "iso-8859-3": ("iso8859-3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
                   "iso_8859-3:1988 l3 latin3"),
    "iso-8859-4": ("iso8859-4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
                   "iso_8859-4:1988 l4 latin4"),
    "iso-8859-5": ("iso8859-5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 "
                   "iso88595 iso_8859-5 iso_8859-5:1988"),
    "iso-8859-6": ("iso8859-6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic "
                   "ecma-114 iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 "
                   "iso_8859-6 iso_8859-6:1987"),
    "iso-8859-7": ("iso8859-7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 "
                   "iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"),
    "iso-8859-8": ("iso8859-8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e "
                   "iso-ir-138 iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual"),
    "iso-8859-8-i": ("iso8859-8", "csiso88598i iso-8859-8-i logical"),
    "iso-8859-10": ("iso8859-10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 "
                    "latin6"),
    "iso-8859-13": ("iso8859-13", "iso-8859-13 iso8859-13 iso885913"),
    "iso-8859-14": ("iso8859-14", "iso-8859-14 iso8859-14 iso885914"),
    "iso-8859-15": ("iso8859-15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"),
    "iso-8859-16": ("iso8859-16", "iso-8859-16"),
    "koi8-r": ("koi8-r", "cskoi8r koi koi8 koi8-r koi8_r"),
    "koi8-u": ("koi8-u", "koi8-ru koi8-u"),
    "macintosh": ("mac-roman", "csmacintosh mac macintosh x-mac-roman"),
    "windows-874": ("cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    "windows-1250": ("cp1250", "cp1250 windows-1250 x-cp1250"),
    "windows-1251": ("cp1251", "cp1251 windows-1251 x-cp1251"),
    "windows-1252": ("cp1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 "
                     "iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 "
                     "us-ascii windows-1252 x-cp1252"),
    "windows-1253": ("cp1253", "cp1253 windows-1253 x-cp1253"),
    "windows-1254": ("cp1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 "
                     "iso_8859-9 iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"),
    "windows-1255": ("cp1255", "cp1255 windows-1255 x-cp1255"),
    "windows-1256": ("cp1256", "cp1256 windows-1256 x-cp1256"),
    "windows-1257": ("cp1257", "cp1257 windows-1257 x-cp1257"),
    "windows-1258": ("cp1258", "cp1258 windows-1258 x-cp1258"),
    "x-mac-cyrillic": ("mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    "gbk": ("gbk", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 "
            "x-gbk"),
    "gb18030": ("gb18030", "gb18030"),
    "big5": ("big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    "euc-jp": ("euc-jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    "iso-2022-jp": ("iso2022-jp", "csiso2022jp iso-2022-jp"),
    "shift_jis": ("cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j "
                  "x-sjis"),
    "euc-kr": ("cp949", "cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
               "ksc5601 ksc_5601 windows-949"),
    "replacement": ("", "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr "
                    "replacement"),
    "utf-16be": ("utf-16-be", "unicodefffe utf-16be"),
    "utf-16le": ("utf-16-le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 "
                 "utf-16le"),
    "x-user-defined": ("cp1252", "x-user-defined"),
}

_LABELS: dict[str, str] = {
    label: name for name, (_, labels) in _ENCODINGS.items() for label in labels.split()
}
_WS = " \t\n\f\r"
_WSB = b" \t\n\f\r"
_LATE_META = 16384


def encoding_for_label(label: str) -> str | None:
    """The WHATWG encoding name of a label (``latin1`` -> ``windows-1252``), or None."""
    return _LABELS.get(label.strip(_WS).lower())


def python_codec(name: str) -> str:
    """The Python codec that decodes a WHATWG encoding name (``replacement`` has none: '')."""
    return _ENCODINGS[name][0]


# Memos of the two pure look-ups every page makes (a crawl meets a few dozen Content-Type
# values and meta labels); bounded in entries and key length.
_MEMO_MAX = 1024
_MEMO_KEY_MAX = 128
_content_type_memo: dict[str, str | None] = {}
_meta_label_memo: dict[bytes, str | None] = {}


def charset_from_content_type(value: str | None) -> str | None:
    """The encoding named by the ``charset`` parameter of a Content-Type value, or None."""
    if not value:
        return None
    hit = _content_type_memo.get(value, "")
    if hit != "":
        return hit
    out = _charset_in_meta_content(value)
    if len(_content_type_memo) < _MEMO_MAX and len(value) <= _MEMO_KEY_MAX:
        _content_type_memo[value] = out
    return out


def _meta_label(label: bytes) -> str | None:
    """The encoding a meta's charset label names, as the prescan reports it, or None."""
    hit = _meta_label_memo.get(label, "")
    if hit != "":
        return hit
    enc = encoding_for_label(label.decode("latin-1"))
    out = _meta_encoding(enc) if enc is not None else None
    if len(_meta_label_memo) < _MEMO_MAX and len(label) <= _MEMO_KEY_MAX:
        _meta_label_memo[label] = out
    return out


def _charset_in_meta_content(s: str) -> str | None:
    """HTML's "extract a character encoding from a meta element" on an attribute value."""
    low = s.lower()
    pos = 0
    n = len(s)
    while True:
        pos = low.find("charset", pos)
        if pos < 0:
            return None
        pos += 7
        while pos < n and s[pos] in _WS:
            pos += 1
        if pos >= n or s[pos] != "=":
            continue
        pos += 1
        while pos < n and s[pos] in _WS:
            pos += 1
        if pos >= n:
            return None
        quote = s[pos]
        if quote in "\"'":
            end = s.find(quote, pos + 1)
            return None if end < 0 else encoding_for_label(s[pos + 1 : end])
        end = pos
        while end < n and s[end] not in _WS and s[end] != ";":
            end += 1
        return encoding_for_label(s[pos:end])


def _get_attribute(b: bytes, pos: int) -> tuple[int, str, str] | None:
    """HTML prescan "get an attribute": (new position, name, value) or None when none."""
    n = len(b)
    while pos < n and (b[pos] in _WSB or b[pos] == 0x2F):
        pos += 1
    if pos >= n or b[pos] == 0x3E:
        return None
    name = bytearray()
    value = bytearray()
    while True:
        if pos >= n:
            return None
        c = b[pos]
        if c == 0x3D and name:
            pos += 1
            break
        if c in _WSB:
            while pos < n and b[pos] in _WSB:
                pos += 1
            if pos >= n:
                return None
            if b[pos] != 0x3D:
                return pos, name.decode("latin-1"), ""
            pos += 1
            break
        if c in (0x2F, 0x3E):
            return pos, name.decode("latin-1"), ""
        name.append(c + 32 if 0x41 <= c <= 0x5A else c)
        pos += 1
    while pos < n and b[pos] in _WSB:
        pos += 1
    if pos >= n:
        return None
    c = b[pos]
    if c in (0x22, 0x27):
        end = b.find(bytes([c]), pos + 1)
        if end < 0:
            return None
        value = bytearray(b[pos + 1 : end].lower())
        return end + 1, name.decode("latin-1"), value.decode("latin-1")
    if c == 0x3E:
        return pos, name.decode("latin-1"), ""
    while pos < n and b[pos] not in _WSB and b[pos] != 0x3E:
        c = b[pos]
        value.append(c + 32 if 0x41 <= c <= 0x5A else c)
        pos += 1
    if pos >= n:
        return None
    return pos, name.decode("latin-1"), value.decode("latin-1")


# The common head (doctype, comments, plain tags with simple attributes, then
# ``<meta charset=...>``) matched in one go. Every construct it accepts is one the prescan skips
# the same way, and attribute separators are mandatory so the match cannot backtrack
# exponentially; anything else (or an unknown label) falls back to the byte-by-byte prescan.
_ATTR = rb"""[ \t\n\f\r/]+[a-z_:][-a-z0-9_:.]*(?:=(?:"[^"]*"|'[^']*'|[^ \t\n\f\r>"'<=`/]+))?"""
_SIMPLE_HEAD = re.compile(
    rb"(?:[ \t\n\f\r]*(?:<!(?=--)(?:(?!-->).)*-->|<![^->][^>]*>|<\?[^>]+>"
    rb"|</?(?!meta[ \t\n\f\r/])[a-z][^ \t\n\f\r>/]*(?:" + _ATTR + rb")*[ \t\n\f\r/]*>))*"
    rb"""[ \t\n\f\r]*<meta[ \t\n\f\r]+charset=(?:"([^"]*)"|'([^']*)'"""
    rb"""|([^ \t\n\f\r>"'<=`/]+)(?=[ \t\n\f\r>]))"""
    rb"[ \t\n\f\r/]*>",
    re.I | re.S,
)


def simple_head_label(body: bytes, limit: int) -> bytes | None:
    """The charset label when ``body[:limit]`` opens with the common head ``_SIMPLE_HEAD``
    matches, else None (the compiled walk's ``simple_head_label`` is the same scan in C)."""
    m = _SIMPLE_HEAD.match(body, 0, limit)  # endpos: the regex sees body[:limit] only
    if m is None:
        return None
    label: bytes = m.group(1) if m.group(1) is not None else m.group(2) or m.group(3) or b""
    return label


def prescan(body: bytes, limit: int = 1024) -> str | None:
    """HTML's meta prescan of the first ``limit`` bytes: an encoding name or None."""
    # the common head first, on the body itself
    if _compiled_head is not None and type(body) is bytes:
        label = _compiled_head(body, limit)
    else:
        label = simple_head_label(body, limit)
    if label is not None:
        enc = _meta_label(label)
        if enc is not None:
            return enc
    if _compiled_loop is not None and type(body) is bytes:
        return _compiled_loop(body[:limit], _meta)
    b = body[:limit]
    low = b.lower()
    if b"charset" not in low:
        return None  # both ways of naming an encoding spell "charset"; skip the byte loop
    return _prescan_loop(b, low)


def _prescan_loop(b: bytes, low: bytes) -> str | None:
    """The prescan's byte loop over b (``low`` is b lower-cased); the compiled walk's
    ``prescan_loop`` is the same loop."""
    n = len(b)
    pos = 0
    while pos < n:
        pos = b.find(b"<", pos)  # every branch below starts at a '<'
        if pos < 0:
            return None
        if b.startswith(b"<!--", pos):
            end = b.find(b"-->", pos + 2)
            if end < 0:
                return None
            pos = end + 3
            continue
        if low.startswith(b"<meta", pos) and pos + 5 < n and b[pos + 5] in _WSB + b"/":
            found = _meta(b, pos + 5)
            if found is None:
                return None
            pos, enc = found
            if enc:
                return enc
            continue
        if b[pos] == 0x3C and pos + 1 < n:
            nxt = b[pos + 1]
            start = pos + 2 if nxt == 0x2F else pos + 1
            if start < n and (0x41 <= b[start] <= 0x5A or 0x61 <= b[start] <= 0x7A):
                pos = start
                while pos < n and b[pos] not in _WSB and b[pos] != 0x3E:
                    pos += 1
                while True:
                    attr = _get_attribute(b, pos)
                    if attr is None:
                        break
                    pos = attr[0]
                pos += 1
                continue
            if nxt in (0x21, 0x2F, 0x3F):
                end = b.find(b">", pos + 2)
                if end < 0:
                    return None
                pos = end + 1
                continue
        pos += 1
    return None


def _meta(b: bytes, pos: int) -> tuple[int, str] | None:
    """The meta branch of the prescan: (position after it, encoding or '') or None at EOF."""
    seen: set[str] = set()
    got_pragma = False
    need_pragma: bool | None = None
    charset: str | None = None
    while True:
        attr = _get_attribute(b, pos)
        if attr is None:
            if pos >= len(b) or b.find(b">", pos) < 0:
                return None
            break
        pos, name, value = attr
        if name in seen:
            continue
        seen.add(name)
        if name == "http-equiv" and value == "content-type":
            got_pragma = True
        elif name == "content" and charset is None:
            cs = _charset_in_meta_content(value)
            if cs is not None:
                charset, need_pragma = cs, True
        elif name == "charset":
            charset, need_pragma = encoding_for_label(value), False
    pos += 1
    if need_pragma is None or (need_pragma and not got_pragma) or charset is None:
        return pos, ""
    return pos, _meta_encoding(charset)


def _meta_encoding(charset: str) -> str:
    """A meta's encoding as the prescan reports it (UTF-16 means UTF-8 there)."""
    if charset in ("utf-16be", "utf-16le"):
        return "utf-8"
    if charset == "x-user-defined":
        return "windows-1252"
    return charset


def _bom(body: bytes) -> tuple[str, int] | None:
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8", 3
    if body.startswith(b"\xfe\xff"):
        return "utf-16be", 2
    if body.startswith(b"\xff\xfe"):
        return "utf-16le", 2
    return None


def sniff(body: bytes, content_type: str | None, default: str = "utf-8") -> tuple[str, int]:
    """The encoding name to decode ``body`` with and how many BOM bytes to skip."""
    bom = _bom(body)
    if bom is not None:
        return bom
    enc = charset_from_content_type(content_type)
    if enc is None:
        try:
            # A browser that meets a meta charset later in the head re-parses the page with it;
            # a second, wider prescan stands in for that re-parse.
            enc = prescan(body) or (prescan(body, _LATE_META) if len(body) > 1024 else None)
        except (IndexError, ValueError):  # defensive: the prescan must never stop a page
            enc = None
    return enc or default, 0


def decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    """The text of an HTML body and the encoding used (BOM, header, meta, UTF-8); never raises."""
    name, skip = sniff(body, content_type)
    return decode_as(body, name, skip)


def decode_as(body: bytes, name: str, skip: int) -> tuple[str, str]:
    """``decode`` given what ``sniff`` said: the encoding's name and the BOM bytes to skip."""
    codec = python_codec(name)
    if not codec:
        return ("\ufffd" if body else ""), name
    try:
        return body[skip:].decode(codec, "replace"), name  # bytes.decode: no Python wrapper
    except (LookupError, ValueError):
        return body[skip:].decode("utf-8", "replace"), "utf-8"
