# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled walks over a parsed selectolax (Lexbor) tree for ``extract.html``.

Each function reproduces exactly a result the pure-Python path (html.py, placement.py) gets
from selectolax calls; tests/test_extract_compiled.py runs both over thousands of pages.
The walks read Lexbor's node structs directly (the layout of the pinned selectolax 1.0.2) and
call no Lexbor function: those symbols live inside selectolax's extension, which Python loads
privately. Link markers are virtual: a marked node carries its marker index in Lexbor's
``node.user`` field (unused by Lexbor and selectolax) while a ``Marks`` object is alive, and
the walks emit the marker characters where html.py used to insert marker text nodes.
"""

cimport cython
from cpython.ref cimport Py_DECREF, Py_INCREF, PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint16_t, uint32_t, uint64_t, uintptr_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, memmove, memset

from selectolax.lexbor cimport (
    LexborHTMLParser,
    LexborNode,
    lxb_dom_node_t,
    lxb_html_document_t,
)

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(uint32_t ch)
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    Py_ssize_t PyUnicode_GET_LENGTH(object s)
    uint32_t PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    uint32_t PyUnicode_READ_CHAR(object s, Py_ssize_t index)
    Py_ssize_t PyUnicode_FindChar(object s, uint32_t ch, Py_ssize_t start, Py_ssize_t end,
                                  int direction) except -2
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND
    const char *PyUnicode_AsUTF8AndSize(object s, Py_ssize_t *size) except NULL

cdef extern from *:
    """
    #include "lexbor/dom/interfaces/element.h"
    #include "lexbor/dom/interfaces/attr.h"
    #include "lexbor/dom/interfaces/attr_res.h"
    #include "lexbor/dom/interfaces/character_data.h"
    #include "lexbor/tag/const.h"
    #include "lexbor/ns/const.h"

    /* The qualified name of an attribute, as lxb_dom_attr_qualified_name gives it. */
    static const unsigned char *la_attr_name(const lxb_dom_attr_t *attr, size_t *len) {
        uintptr_t id = attr->qualified_name != 0 ? attr->qualified_name : attr->node.local_name;
        const lxb_dom_attr_data_t *data;
        if (id >= LXB_DOM_ATTR__LAST_ENTRY) {
            if (id == LXB_DOM_ATTR__LAST_ENTRY) { *len = 0; return (const unsigned char *) ""; }
            data = (const lxb_dom_attr_data_t *) id;
        } else {
            data = &lxb_dom_attr_res_data_default[id];
        }
        *len = data->entry.length;
        return lexbor_hash_entry_str(&data->entry);
    }
    static const lxb_dom_attr_t *la_first_attr(const lxb_dom_node_t *node) {
        return ((const lxb_dom_element_t *) node)->first_attr;
    }
    static const lxb_dom_attr_t *la_next_attr(const lxb_dom_attr_t *attr) { return attr->next; }
    static uintptr_t la_attr_local(const lxb_dom_attr_t *attr) { return attr->node.local_name; }
    /* The value bytes of an attribute, NULL when it has none (selectolax reports None). */
    static const unsigned char *la_attr_value(const lxb_dom_attr_t *attr, size_t *len) {
        if (attr->value == NULL || attr->value->data == NULL) { *len = 0; return NULL; }
        *len = attr->value->length;
        return attr->value->data;
    }
    static const unsigned char *la_text_data(const lxb_dom_node_t *node, size_t *len) {
        const lexbor_str_t *str = &((const lxb_dom_character_data_t *) node)->data;
        *len = str->length;
        return str->data;
    }
    """
    ctypedef struct lxb_dom_attr_t "lxb_dom_attr_t"
    const unsigned char *la_attr_name(const lxb_dom_attr_t *attr, size_t *length)
    const lxb_dom_attr_t *la_first_attr(const lxb_dom_node_t *node)
    const lxb_dom_attr_t *la_next_attr(const lxb_dom_attr_t *attr)
    uintptr_t la_attr_local(const lxb_dom_attr_t *attr)
    const unsigned char *la_attr_value(const lxb_dom_attr_t *attr, size_t *length)
    const unsigned char *la_text_data(const lxb_dom_node_t *node, size_t *length)
    uintptr_t LXB_TAG_BASE, LXB_TAG_TITLE, LXB_TAG_IMG
    uintptr_t LXB_TAG__TEXT, LXB_TAG_A, LXB_TAG_AREA, LXB_TAG_LINK, LXB_TAG_META, LXB_TAG_HTML
    uintptr_t LXB_TAG_BODY, LXB_TAG_NAV, LXB_TAG_HEADER, LXB_TAG_FOOTER, LXB_TAG_ASIDE
    uintptr_t LXB_TAG_MAIN, LXB_TAG_ARTICLE, LXB_TAG_MENU, LXB_TAG_UL, LXB_TAG_OL, LXB_TAG_DL
    uintptr_t LXB_TAG_TABLE, LXB_TAG_DIV, LXB_TAG_SECTION, LXB_TAG_FORM, LXB_TAG_P, LXB_TAG_PRE
    uintptr_t LXB_TAG_TD, LXB_TAG_BLOCKQUOTE, LXB_TAG_LI, LXB_TAG_DD, LXB_TAG_DT
    uintptr_t LXB_TAG_ADDRESS, LXB_TAG_TH, LXB_TAG_H1, LXB_TAG_H2, LXB_TAG_H3, LXB_TAG_H4
    uintptr_t LXB_DOM_ATTR_HREF, LXB_DOM_ATTR_CONTENT
    uintptr_t LXB_TAG_SCRIPT, LXB_TAG_STYLE, LXB_TAG_NOSCRIPT, LXB_TAG_TEMPLATE, LXB_NS__UNDEF
    int LXB_DOM_NODE_TYPE_ELEMENT

cdef enum:
    START = 0xF0000  # plane 15 private use: start markers; plane 16: end markers
    END = 0x100000

# str.isspace for the 128 ASCII characters (tab, LF, VT, FF, CR, 0x1C-0x1F, space): the
# per-character loops below read it without branching on each character.
cdef unsigned char ASCII_SPACE[128]
for _c in range(128):
    ASCII_SPACE[_c] = chr(_c).isspace()


# ---------------------------------------------------------------------------------------------
# A growable byte buffer.

cdef struct Buf:
    char *data
    Py_ssize_t size
    Py_ssize_t cap
    Py_ssize_t pieces


cdef int buf_add(Buf *b, const unsigned char *data, Py_ssize_t n) except -1:
    cdef Py_ssize_t cap
    cdef char *grown
    if b.size + n > b.cap:
        cap = max(b.cap * 2, b.size + n + 256)
        grown = <char *> realloc(b.data, cap)
        if grown == NULL:
            raise MemoryError()
        b.data = grown
        b.cap = cap
    if n:
        memcpy(b.data + b.size, data, n)
    b.size += n
    return 0


cdef int buf_piece(Buf *b, const unsigned char *data, Py_ssize_t n, bint sep) except -1:
    # one text() fragment, with selectolax's separator logic (a space between fragments)
    if sep and b.pieces > 0:
        buf_add(b, <const unsigned char *> b" ", 1)
    b.pieces += 1
    return buf_add(b, data, n)


cdef int buf_marker(Buf *b, uint32_t cp, bint sep) except -1:
    cdef unsigned char out[4]
    out[0] = 0xF0 | (cp >> 18)
    out[1] = 0x80 | ((cp >> 12) & 0x3F)
    out[2] = 0x80 | ((cp >> 6) & 0x3F)
    out[3] = 0x80 | (cp & 0x3F)
    return buf_piece(b, out, 4, sep)


cdef inline bint is_element(lxb_dom_node_t *node) noexcept:
    return node.type == LXB_DOM_NODE_TYPE_ELEMENT


cdef int walk_text(lxb_dom_node_t *root, Buf *b, bint sep) except -1:
    """``root.text(deep=True, separator=sep and ' ' or '')`` with the virtual markers: the text
    of every text node under root in document order, a start marker before and an end marker
    after each marked element (its index + 1 is in ``node.user``)."""
    cdef lxb_dom_node_t *node = root.first_child
    cdef const unsigned char *data
    cdef size_t n
    cdef uintptr_t mark
    while node != NULL:
        mark = <uintptr_t> node.user
        if mark and is_element(node):
            buf_marker(b, START + <uint32_t> (mark - 1), sep)
        if node.local_name == LXB_TAG__TEXT:
            data = la_text_data(node, &n)
            if data != NULL:
                buf_piece(b, data, n, sep)
        if node.first_child != NULL:
            node = node.first_child
            continue
        while True:
            mark = <uintptr_t> node.user
            if mark and is_element(node):
                buf_marker(b, END + <uint32_t> (mark - 1), sep)
            if node.next != NULL:
                node = node.next
                break
            node = node.parent
            if node == root or node == NULL:
                node = NULL
                break
    return 0


cdef str node_text(lxb_dom_node_t *root, bint sep):
    cdef Buf b
    b.data = NULL
    b.size = b.cap = b.pieces = 0
    try:
        walk_text(root, &b, sep)
        if b.size == 0:
            return ""
        return PyUnicode_DecodeUTF8(b.data, b.size, "replace")
    finally:
        free(b.data)


cdef struct Run:
    # figures of a run of text: len(t), len(" ".join(t.split())) and what t.strip() drops
    Py_ssize_t length  # code points
    Py_ssize_t collapsed
    bint gap  # a space seen since the last other character (collapses to one)
    Py_ssize_t lead  # spaces before the first other character
    Py_ssize_t trail  # spaces after the last other character
    bint seen  # a character other than a space


cdef struct Stats:
    Run all  # the whole text
    bint first_space
    bint last_space
    Py_ssize_t commas  # "," and U+FF0C
    # the link text (the text between a start marker and the next marker, when that one is an
    # end marker): stripped, or whitespace-collapsed when collapse_links
    bint collapse_links
    Py_ssize_t linked
    bint open  # the last marker was a start marker
    Run seg  # the link text since it


cdef inline void stats_init(Stats *st, bint collapse_links) noexcept:
    memset(st, 0, sizeof(Stats))
    st.collapse_links = collapse_links


cdef inline Py_ssize_t run_stripped(Run *r) noexcept:
    """len(text.strip())."""
    return r.length - r.lead - r.trail if r.seen else 0


cdef inline void run_word(Run *r, Py_ssize_t k) noexcept:
    """k characters that are not spaces."""
    r.length += k
    if r.gap:
        r.collapsed += 1
        r.gap = False
    r.collapsed += k
    r.seen = True
    r.trail = 0


cdef inline void run_space(Run *r) noexcept:
    r.length += 1
    r.gap = r.collapsed > 0
    if not r.seen:
        r.lead += 1
    r.trail += 1


cdef inline void stats_char(Stats *st, uint32_t c) noexcept:
    cdef bint space = Py_UNICODE_ISSPACE(c)
    if space:
        if st.all.length == 0:
            st.first_space = True
        run_space(&st.all)
    else:
        run_word(&st.all, 1)
        if c == 0x2C or c == 0xFF0C:
            st.commas += 1
    st.last_space = space
    if c >= START:  # a marker (html._linked_len's pairing)
        if c < END:
            st.open = True
            memset(&st.seg, 0, sizeof(Run))
        elif st.open:
            st.open = False
            st.linked += st.seg.collapsed if st.collapse_links else run_stripped(&st.seg)
    elif st.open:
        if space:
            run_space(&st.seg)
        else:
            run_word(&st.seg, 1)


cdef inline int utf8_at(const unsigned char *s, size_t n, size_t i, uint32_t *out) noexcept:
    """The bytes of the strict UTF-8 sequence at s[i] (a non-ASCII lead byte) with its code
    point in out, or -1 where Python's decoder would put a replacement character."""
    cdef unsigned char b = s[i], b1
    cdef uint32_t c
    cdef int more, k
    if 0xC2 <= b <= 0xDF:
        more, c = 1, b & 0x1F
    elif 0xE0 <= b <= 0xEF:
        more, c = 2, b & 0x0F
    elif 0xF0 <= b <= 0xF4:
        more, c = 3, b & 0x07
    else:
        return -1
    if i + more >= n:
        return -1
    b1 = s[i + 1]
    if ((b == 0xE0 and b1 < 0xA0) or (b == 0xED and b1 > 0x9F)
            or (b == 0xF0 and b1 < 0x90) or (b == 0xF4 and b1 > 0x8F)):
        return -1
    for k in range(1, more + 1):
        b1 = s[i + k]
        if b1 & 0xC0 != 0x80:
            return -1
        c = (c << 6) | (b1 & 0x3F)
    out[0] = c
    return more + 1


cdef int stats_utf8(Stats *st, const unsigned char *s, size_t n) noexcept:
    """Feed strict UTF-8 to the stats; -1 on anything Python's decoder would replace."""
    cdef size_t i = 0, j
    cdef unsigned char b
    cdef uint32_t c
    cdef int more
    while i < n:
        b = s[i]
        if b < 0x80:
            if not st.open:
                # a run of ASCII characters that are neither spaces nor commas, outside link
                # text, at once: what stats_char does for each of them, summed
                j = i
                while j < n and s[j] < 0x80 and s[j] != 0x2C and not Py_UNICODE_ISSPACE(s[j]):
                    j += 1
                if j > i:
                    run_word(&st.all, j - i)
                    st.last_space = False
                    i = j
                    continue
            stats_char(st, b)
            i += 1
            continue
        more = utf8_at(s, n, i, &c)
        if more < 0:
            return -1
        stats_char(st, c)
        i += more
    return 0


# The figures of one text node, as the stats would take them from its characters alone: each
# walk over a block reads a text node's figures instead of its characters, and the figures are
# kept (``Pieces``, owned by a ``Marks``) for the walks that read the node again (a paragraph,
# then the candidate main blocks around it, then the density block of its links).

cdef enum:  # Piece.kind
    PIECE_PLAIN = 0  # the figures below hold
    PIECE_MARKERS = 1  # characters in the marker range: fed one by one
    PIECE_INVALID = 2  # not strict UTF-8 (the caller decodes the text instead)


cdef struct Piece:
    lxb_dom_node_t *node
    int kind
    Py_ssize_t length  # code points
    Py_ssize_t lead  # spaces before the first other character (all of them if none)
    Py_ssize_t trail  # spaces after the last other character (all of them if none)
    Py_ssize_t collapsed  # len(" ".join(t.split()))
    Py_ssize_t commas


cdef struct Pieces:
    Piece *items
    Py_ssize_t count
    Py_ssize_t cap


cdef void piece_of(Piece *p, const unsigned char *s, size_t n) noexcept:
    cdef size_t i = 0
    cdef uint32_t c
    cdef int more
    cdef bint seen = False, gap = False, space
    p.kind = PIECE_PLAIN
    p.length = p.lead = p.trail = p.collapsed = p.commas = 0
    while i < n:
        c = s[i]
        if c < 0x80:  # the branches below as arithmetic (spaces come every few characters)
            space = ASCII_SPACE[c]
            p.length += 1
            p.lead += space & (not seen)
            p.trail = (p.trail + 1) * space
            p.collapsed += (gap & (not space)) + (not space)
            gap = seen & space
            seen = seen | (not space)
            p.commas += c == 0x2C
            i += 1
            continue
        else:
            more = utf8_at(s, n, i, &c)
            if more < 0:
                p.kind = PIECE_INVALID
                return
            i += more
            if c >= START:
                p.kind = PIECE_MARKERS
        p.length += 1
        if Py_UNICODE_ISSPACE(c):
            if not seen:
                p.lead += 1
            p.trail += 1
            gap = seen
        else:
            if gap:
                p.collapsed += 1
                gap = False
            p.collapsed += 1
            seen = True
            p.trail = 0
            if c == 0x2C or c == 0xFF0C:
                p.commas += 1


cdef inline void run_piece(Run *r, const Piece *p) noexcept:
    """run_space / run_word for each character of the piece, at once."""
    if p.collapsed == 0:  # spaces only
        r.length += p.length
        r.gap = r.collapsed > 0
        if not r.seen:
            r.lead += p.length
        r.trail += p.length
        return
    if p.lead and r.seen:
        r.gap = True
    elif not r.seen:
        r.lead += p.lead
    if r.gap:
        r.collapsed += 1
    r.collapsed += p.collapsed
    r.length += p.length
    r.gap = p.trail > 0
    r.seen = True
    r.trail = p.trail


cdef inline void stats_piece(Stats *st, const Piece *p) noexcept:
    """stats_char for each character of a plain piece, at once."""
    if p.length == 0:
        return
    if st.all.length == 0 and p.lead > 0:
        st.first_space = True
    run_piece(&st.all, p)
    st.commas += p.commas
    st.last_space = p.trail > 0
    if st.open:
        run_piece(&st.seg, p)


cdef inline bint has_piece(lxb_dom_node_t *node, const Pieces *cache) noexcept:
    cdef Py_ssize_t at = <Py_ssize_t> <uintptr_t> node.user - 1
    return 0 <= at < cache.count and cache.items[at].node == node


cdef Piece *piece_slot(Pieces *cache) noexcept:
    """The next free entry of the cache (NULL when it cannot grow); piece_keep adds it."""
    cdef Py_ssize_t cap
    cdef Piece *grown
    if cache.count == cache.cap:
        cap = cache.cap * 2 + 64
        grown = <Piece *> realloc(cache.items, cap * sizeof(Piece))
        if grown == NULL:
            return NULL
        cache.items = grown
        cache.cap = cap
    return &cache.items[cache.count]


cdef inline void piece_keep(Pieces *cache, lxb_dom_node_t *node) noexcept:
    """Keep the entry piece_slot gave as node's piece."""
    cache.items[cache.count].node = node
    cache.count += 1
    node.user = <void *> <uintptr_t> cache.count


cdef const Piece *text_piece(lxb_dom_node_t *node, const unsigned char *data, size_t n,
                             Pieces *cache, Piece *scratch) noexcept:
    """The piece of a text node: from the cache (found through ``node.user``, the index + 1),
    else computed and kept there (in scratch when the cache cannot grow)."""
    cdef Piece *slot
    if has_piece(node, cache):
        return &cache.items[<Py_ssize_t> <uintptr_t> node.user - 1]
    slot = piece_slot(cache)
    if slot == NULL:
        piece_of(scratch, data, n)
        return scratch
    piece_of(slot, data, n)
    piece_keep(cache, node)
    return slot


cdef void pieces_release(Pieces *cache) noexcept:
    """Clear the text nodes' indices and free the cache (the nodes must still be alive)."""
    cdef Py_ssize_t i
    for i in range(cache.count):
        cache.items[i].node.user = NULL
    free(cache.items)
    cache.items = NULL
    cache.count = cache.cap = 0


cdef int walk_stats(lxb_dom_node_t *root, Stats *st, bint sep, Pieces *cache) noexcept:
    """The Stats of ``node_text(root, sep)`` (markers included) without building the text;
    -1 when a text node is not valid UTF-8 (the caller decodes the text instead)."""
    cdef lxb_dom_node_t *node = root.first_child
    cdef const unsigned char *data
    cdef size_t n
    cdef uintptr_t mark
    cdef Py_ssize_t pieces = 0  # buf_piece's separator logic: a space between pieces
    cdef Piece scratch
    cdef const Piece *piece
    while node != NULL:
        mark = <uintptr_t> node.user
        if mark and is_element(node):
            if sep and pieces:
                stats_char(st, 0x20)
            pieces += 1
            stats_char(st, START)
        if node.local_name == LXB_TAG__TEXT:
            data = la_text_data(node, &n)
            if data != NULL:
                if sep and pieces:
                    stats_char(st, 0x20)
                pieces += 1
                piece = text_piece(node, data, n, cache, &scratch)
                if piece.kind == PIECE_PLAIN:
                    stats_piece(st, piece)
                elif piece.kind == PIECE_INVALID or stats_utf8(st, data, n) < 0:
                    return -1
        if node.first_child != NULL:
            node = node.first_child
            continue
        while True:
            mark = <uintptr_t> node.user
            if mark and is_element(node):
                if sep and pieces:
                    stats_char(st, 0x20)
                pieces += 1
                stats_char(st, END)
            if node.next != NULL:
                node = node.next
                break
            node = node.parent
            if node == root or node == NULL:
                node = NULL
                break
    return 0


cdef void stats_str(Stats *st, str text) noexcept:
    cdef Py_ssize_t i, size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    for i in range(size):
        stats_char(st, PyUnicode_READ(kind, data, i))


cdef int node_stats(lxb_dom_node_t *node, bint sep, bint collapse_links, Stats *st,
                    Pieces *cache) except -1:
    """The Stats of ``node_text(node, sep)``: streamed from the text nodes' pieces (kept in
    cache), or read from the decoded text when a text node is not valid
    UTF-8 (decoding replaces bytes then)."""
    stats_init(st, collapse_links)
    if walk_stats(node, st, sep, cache) < 0:
        stats_init(st, collapse_links)
        stats_str(st, node_text(node, sep))
    return 0


cdef struct IndexList:  # a growable array of info indices
    Py_ssize_t *items
    Py_ssize_t count
    Py_ssize_t cap


cdef int index_add(IndexList *l, Py_ssize_t value) except -1:
    cdef Py_ssize_t cap
    cdef Py_ssize_t *grown
    if l.count == l.cap:
        cap = l.cap * 2 if l.cap else 16
        grown = <Py_ssize_t *> realloc(l.items, cap * sizeof(Py_ssize_t))
        if grown == NULL:
            raise MemoryError()
        l.items = grown
        l.cap = cap
    l.items[l.count] = value
    l.count += 1
    return 0


include "_walk_loops.pxi"
include "_walk_text.pxi"
include "_walk_place.pxi"
include "_walk_records.pxi"
include "_walk_scan.pxi"
include "_walk_head.pxi"
include "_walk_parse.pxi"
include "_walk_page.pxi"
