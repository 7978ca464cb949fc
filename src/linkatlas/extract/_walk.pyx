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

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint16_t, uint32_t, uintptr_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy

from selectolax.lexbor cimport LexborHTMLParser, LexborNode, lxb_dom_node_t

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(uint32_t ch)
    int PyUnicode_KIND(object s)
    void *PyUnicode_DATA(object s)
    Py_ssize_t PyUnicode_GET_LENGTH(object s)
    uint32_t PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND

cdef extern from *:
    """
    #include "lexbor/dom/interfaces/element.h"
    #include "lexbor/dom/interfaces/attr.h"
    #include "lexbor/dom/interfaces/attr_res.h"
    #include "lexbor/dom/interfaces/character_data.h"
    #include "lexbor/tag/const.h"

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
    int LXB_DOM_NODE_TYPE_ELEMENT

cdef enum:
    START = 0xF0000  # plane 15 private use: start markers; plane 16: end markers
    END = 0x100000

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


cdef struct Stats:
    Py_ssize_t length  # code points
    Py_ssize_t collapsed  # len(" ".join(text.split()))
    bint gap
    bint first_space
    bint last_space


cdef inline void stats_char(Stats *st, uint32_t c) noexcept:
    st.length += 1
    if Py_UNICODE_ISSPACE(c):
        st.gap = st.collapsed > 0
        st.last_space = True
        if st.length == 1:
            st.first_space = True
    else:
        if st.gap:
            st.collapsed += 1
            st.gap = False
        st.collapsed += 1
        st.last_space = False


cdef int stats_utf8(Stats *st, const unsigned char *s, size_t n) noexcept:
    """Feed strict UTF-8 to the stats; -1 on anything Python's decoder would replace."""
    cdef size_t i = 0
    cdef unsigned char b, b1
    cdef uint32_t c
    cdef int more, k
    while i < n:
        b = s[i]
        if b < 0x80:
            stats_char(st, b)
            i += 1
            continue
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
        stats_char(st, c)
        i += more + 1
    return 0


cdef int walk_stats(lxb_dom_node_t *root, Stats *st) noexcept:
    """The Stats of ``root.text(deep=True)`` with the markers, without building the text;
    -1 when a text node is not valid UTF-8 (the caller decodes the text instead)."""
    cdef lxb_dom_node_t *node = root.first_child
    cdef const unsigned char *data
    cdef size_t n
    cdef uintptr_t mark
    while node != NULL:
        mark = <uintptr_t> node.user
        if mark and is_element(node):
            stats_char(st, START)
        if node.local_name == LXB_TAG__TEXT:
            data = la_text_data(node, &n)
            if data != NULL and stats_utf8(st, data, n) < 0:
                return -1
        if node.first_child != NULL:
            node = node.first_child
            continue
        while True:
            mark = <uintptr_t> node.user
            if mark and is_element(node):
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


# ---------------------------------------------------------------------------------------------
# Link elements


cdef inline LexborNode wrap(lxb_dom_node_t *node, LexborHTMLParser parser):
    cdef LexborNode out = LexborNode.__new__(LexborNode)
    out.node = node
    out.parser = parser
    out._is_fragment_root = 0
    out._is_template_content = 0
    return out


cdef dict attributes(lxb_dom_node_t *node):
    """``node.attributes`` as selectolax builds it."""
    cdef dict out = {}
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    cdef const unsigned char *name
    cdef const unsigned char *value
    cdef size_t name_len, value_len
    while attr != NULL:
        name = la_attr_name(attr, &name_len)
        key = PyUnicode_DecodeUTF8(<const char *> name, name_len, "replace")
        value = la_attr_value(attr, &value_len)
        if value != NULL:
            out[key] = PyUnicode_DecodeUTF8(<const char *> value, value_len, "replace")
        else:
            out[key] = None
        attr = la_next_attr(attr)
    return out


cdef bint has_attr(lxb_dom_node_t *node, uintptr_t attr_id) noexcept:
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    while attr != NULL:
        if la_attr_local(attr) == attr_id:
            return True
        attr = la_next_attr(attr)
    return False


def link_elements(LexborHTMLParser tree, LexborNode root):
    """([(tag, attributes, node) of every element ``a[href], area[href], link[href],
    meta[content]`` under root, in document order], the first ``base[href]``, the first
    ``title``): what html.py's css queries return."""
    cdef list out = []
    cdef lxb_dom_node_t *base = NULL
    cdef lxb_dom_node_t *title = NULL
    cdef lxb_dom_node_t *top = root.node
    cdef lxb_dom_node_t *node = top.first_child
    cdef uintptr_t tag
    cdef str name
    while node != NULL:
        if is_element(node):
            tag = node.local_name
            name = None
            if tag == LXB_TAG_A and has_attr(node, LXB_DOM_ATTR_HREF):
                name = "a"
            elif tag == LXB_TAG_AREA and has_attr(node, LXB_DOM_ATTR_HREF):
                name = "area"
            elif tag == LXB_TAG_LINK and has_attr(node, LXB_DOM_ATTR_HREF):
                name = "link"
            elif tag == LXB_TAG_META and has_attr(node, LXB_DOM_ATTR_CONTENT):
                name = "meta"
            elif tag == LXB_TAG_BASE and base == NULL and has_attr(node, LXB_DOM_ATTR_HREF):
                base = node
            elif tag == LXB_TAG_TITLE and title == NULL:
                title = node
            if name is not None:
                out.append((name, attributes(node), wrap(node, tree)))
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != top and node.next == NULL:
            node = node.parent
        if node == top or node == NULL:
            break
        node = node.next
    return (out, wrap(base, tree) if base != NULL else None,
            wrap(title, tree) if title != NULL else None)


# ---------------------------------------------------------------------------------------------
# Body text: html.py's marker algorithm (collapse whitespace, re-join lone markers, read the
# marker offsets, drop the markers) on code points.


cdef inline bint is_marker(uint32_t c) noexcept:
    return c >= START


cdef Py_ssize_t marks_match(uint32_t *a, Py_ssize_t n, Py_ssize_t p) noexcept:
    """Where the group of ``([M]+(?: [M]+)*)(?: |$)`` matched at p ends (-1: no match), with
    the regex engine's greedy-then-backtrack choice; the caller consumes one space after it."""
    cdef Py_ssize_t q, prev
    if p >= n or not is_marker(a[p]):
        return -1
    q = p
    while q < n and is_marker(a[q]):
        q += 1
    prev = -1
    while q + 1 < n and a[q] == 32 and is_marker(a[q + 1]):
        prev = q
        q += 1
        while q < n and is_marker(a[q]):
            q += 1
    if q == n or a[q] == 32:
        return q
    return prev  # the last repetition backs off; a space follows the one before it


def body_text(LexborNode root, Py_ssize_t count):
    """(buffer, starts, ends): html.py's ``_text`` from the raw marked text to the collapsed
    buffer and each marked link's offsets in it (-1 where a marker is missing)."""
    cdef str raw = node_text(root.node, False)
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(raw)
    cdef int kind = PyUnicode_KIND(raw)
    cdef void *data = PyUnicode_DATA(raw)
    cdef uint32_t *a = <uint32_t *> malloc((size + 1) * sizeof(uint32_t))
    cdef Py_ssize_t i, n, w, g, k, pos, code
    cdef uint32_t c
    cdef bint gap
    cdef list starts = [-1] * count
    cdef list ends = [-1] * count
    if a == NULL:
        raise MemoryError()
    try:
        # " ".join(raw.split())
        n = 0
        gap = False
        for i in range(size):
            c = PyUnicode_READ(kind, data, i)
            if Py_UNICODE_ISSPACE(c):
                gap = n > 0
            else:
                if gap:
                    a[n] = 32
                    n += 1
                    gap = False
                a[n] = c
                n += 1
        if count == 0:
            return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, a, n), starts, ends
        # _LONE_MARKS.sub(_join_lone, ...): in place, the output never outgrows the input
        i = w = 0
        while i < n:
            if a[i] == 32:
                g = marks_match(a, n, i + 1)
                if g >= 0:
                    a[w] = 32
                    w += 1
                    for k in range(i + 1, g):
                        if a[k] != 32:
                            a[w] = a[k]
                            w += 1
                    i = g + 1 if g < n else g
                    continue
            a[w] = a[i]
            w += 1
            i += 1
        n = w
        # _LEADING_MARKS at the start
        if n and a[0] > 0xFFFF:
            g = marks_match(a, n, 0)
            if g >= 0:
                w = 0
                for k in range(g):
                    if a[k] != 32:
                        a[w] = a[k]
                        w += 1
                i = g + 1 if g < n else g
                while i < n:
                    a[w] = a[i]
                    w += 1
                    i += 1
                n = w
        # the marker offsets, and the text without them
        w = k = 0
        for i in range(n):
            c = a[i]
            if is_marker(c):
                pos = i - k
                code = <Py_ssize_t> c
                if code >= END:
                    if code - END < count:
                        ends[code - END] = pos
                elif code - START < count:
                    starts[code - START] = pos
                k += 1
            else:
                a[w] = c
                w += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, a, w), starts, ends
    finally:
        free(a)


# ---------------------------------------------------------------------------------------------
# Placement (placement.py's Classifier and the scoring half of main_block_ids)

cdef enum:  # placement codes: None, then the Placement members in configure() order
    C_NONE = 0
    C_CONTENT = 1
    C_NAVIGATION = 2
    C_HEADER = 3
    C_FOOTER = 4
    C_SIDEBAR = 5
    C_COMMENT = 6
    C_UNKNOWN = 7

cdef int PRIORITY[8]
PRIORITY[:] = [9, 3, 1, 1, 1, 1, 0, 2]

cdef object _placement = None  # linkatlas.extract.placement, set by configure()
cdef list _PLACES = []  # code -> Placement or None
cdef dict _CODES = {}  # Placement or None -> code
cdef dict _token_codes = {}
cdef dict _role_codes = {}
cdef dict _weights = {}


def configure(placement_module, places):
    """Bind the Python half: placement.py (token_signal, role signals, class weights) and the
    Placement members in code order (content, navigation, header, footer, sidebar, comment,
    unknown)."""
    global _placement, _PLACES, _CODES
    _placement = placement_module
    _PLACES = [None, *places]
    _CODES = {p: i for i, p in enumerate(_PLACES)}


cdef int token_code(str value) except -1:
    hit = _token_codes.get(value)
    if hit is None:
        hit = _CODES[_placement.token_signal(value)]
        if len(_token_codes) < 50_000:
            _token_codes[value] = hit
    return hit


cdef int role_code(str role) except -1:
    hit = _role_codes.get(role)
    if hit is None:
        hit = _CODES[_placement._ROLE_SIGNAL.get(role.strip().lower().split(" ")[0])]
        if len(_role_codes) < 50_000:
            _role_codes[role] = hit
    return hit


cdef str attr_value(lxb_dom_node_t *node, const char *name, size_t name_len):
    """``node.attributes.get(name)`` (the last attribute of that qualified name), '' for
    None."""
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    cdef const lxb_dom_attr_t *found = NULL
    cdef const unsigned char *key
    cdef const unsigned char *value
    cdef size_t key_len, value_len
    while attr != NULL:
        key = la_attr_name(attr, &key_len)
        if key_len == name_len and memcmp(key, name, name_len) == 0:
            found = attr
        attr = la_next_attr(attr)
    if found == NULL:
        return ""
    value = la_attr_value(found, &value_len)
    if value == NULL or value_len == 0:
        return ""
    return PyUnicode_DecodeUTF8(<const char *> value, value_len, "replace")


cdef int tag_signal(uintptr_t tag) noexcept:
    if tag == LXB_TAG_NAV or tag == LXB_TAG_MENU:
        return C_NAVIGATION
    if tag == LXB_TAG_HEADER:
        return C_HEADER
    if tag == LXB_TAG_FOOTER:
        return C_FOOTER
    if tag == LXB_TAG_ASIDE:
        return C_SIDEBAR
    if tag == LXB_TAG_MAIN or tag == LXB_TAG_ARTICLE:
        return C_CONTENT
    return C_NONE


cdef str value_of(const lxb_dom_attr_t *attr):
    cdef const unsigned char *value
    cdef size_t value_len
    if attr == NULL:
        return ""
    value = la_attr_value(attr, &value_len)
    if value == NULL or value_len == 0:
        return ""
    return PyUnicode_DecodeUTF8(<const char *> value, value_len, "replace")


cdef int element_signal(lxb_dom_node_t *node, bint *strong) except -1:
    """placement.element_signal for an element."""
    cdef uintptr_t tag = node.local_name
    cdef int best, place
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    cdef const lxb_dom_attr_t *role = NULL
    cdef const lxb_dom_attr_t *ident = NULL
    cdef const lxb_dom_attr_t *cls = NULL
    cdef const unsigned char *key
    cdef size_t key_len
    while attr != NULL:  # the last of each name, as the attributes dict keeps it
        key = la_attr_name(attr, &key_len)
        if key_len == 4 and memcmp(key, b"role", 4) == 0:
            role = attr
        elif key_len == 2 and memcmp(key, b"id", 2) == 0:
            ident = attr
        elif key_len == 5 and memcmp(key, b"class", 5) == 0:
            cls = attr
        attr = la_next_attr(attr)
    cdef str value = value_of(role)
    if value:
        place = role_code(value)
        if place != C_NONE:
            strong[0] = True
            return place
    if tag == LXB_TAG_BODY or tag == LXB_TAG_HTML:
        strong[0] = False
        return C_NONE
    best = tag_signal(tag)
    strong[0] = best != C_NONE
    cdef int i
    for i in range(2):
        value = value_of(ident if i == 0 else cls)
        if value:
            place = token_code(value)
            if place != C_NONE and (best == C_NONE or PRIORITY[place] < PRIORITY[best]):
                best = place
                strong[0] = False
    return best


cdef struct Ctx:
    int place
    bint in_article
    bint in_main
    bint strong


cdef inline bint weak_over(int place) noexcept:
    return place == C_NONE or place == C_CONTENT or place == C_HEADER or place == C_UNKNOWN


cdef Ctx combine(Ctx ctx, int sig, bint sig_strong, bint is_main) noexcept:
    """placement._combine."""
    if is_main:
        ctx.in_main = True
        if weak_over(ctx.place) or (not ctx.strong and ctx.place != C_COMMENT):
            ctx.place = C_CONTENT
            ctx.in_article = True
            ctx.strong = False
    if ctx.place == C_COMMENT or sig == C_NONE:
        return ctx
    if sig == C_CONTENT:
        if weak_over(ctx.place):
            ctx.place = C_CONTENT
            ctx.in_article = True
            ctx.strong = sig_strong
        return ctx
    if sig == C_HEADER and ctx.in_article:
        return ctx
    ctx.place = sig
    ctx.strong = sig_strong
    return ctx


cdef inline bint density_block(uintptr_t tag) noexcept:
    return (tag == LXB_TAG_UL or tag == LXB_TAG_OL or tag == LXB_TAG_DL
            or tag == LXB_TAG_TABLE or tag == LXB_TAG_DIV or tag == LXB_TAG_SECTION
            or tag == LXB_TAG_FORM or tag == LXB_TAG_NAV or tag == LXB_TAG_ASIDE
            or tag == LXB_TAG_HEADER or tag == LXB_TAG_FOOTER or tag == LXB_TAG_ARTICLE
            or tag == LXB_TAG_MAIN or tag == LXB_TAG_BODY or tag == LXB_TAG_MENU)


cdef inline bint list_block(uintptr_t tag) noexcept:
    return (tag == LXB_TAG_UL or tag == LXB_TAG_OL or tag == LXB_TAG_DL
            or tag == LXB_TAG_MENU or tag == LXB_TAG_NAV)


cdef inline Py_ssize_t collapsed_len(str text) noexcept:
    """len(" ".join(text.split()))."""
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, n = 0
    cdef bint gap = False
    for i in range(size):
        if Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            gap = n > 0
        else:
            if gap:
                n += 1
                gap = False
            n += 1
    return n


cdef class Marks:
    """Marker indices on the link nodes of one tree while it lives; ``release`` clears them.

    Marked node i gets start marker U+F0000+i and end marker U+100000+i in every text read
    here, as if html.py had inserted them as text nodes around it."""

    cdef list nodes
    cdef Py_ssize_t budget
    cdef dict memo  # element address -> (Ctx fields..., block address, block is a list)
    cdef dict block_len

    def __init__(self, list nodes):
        cdef Py_ssize_t i
        cdef LexborNode node
        self.nodes = nodes
        self.memo = {}
        self.block_len = {}
        for i in range(len(nodes)):
            node = nodes[i]
            node.node.user = <void *> <uintptr_t> (i + 1)

    def release(self):
        """Clear the marks (the tree is as the parser left it again)."""
        cdef LexborNode node
        for node in self.nodes:
            node.node.user = NULL
        self.nodes = []

    def text(self, LexborNode node, bint separator):
        """``node.text(deep=True, separator=' ' if separator else '')`` with the markers."""
        return node_text(node.node, separator)

    cdef tuple context(self, lxb_dom_node_t *node, frozenset main):
        """placement.Classifier.context: (Ctx as a tuple, block address, in_list)."""
        cdef list chain = []
        cdef lxb_dom_node_t *cur = node.parent
        cdef lxb_dom_node_t *el
        cdef Ctx ctx
        cdef uintptr_t block = 0
        cdef bint in_list = False, strong
        cdef int sig
        cdef Py_ssize_t j
        hit = None
        while cur != NULL:
            key = <uintptr_t> cur
            hit = self.memo.get(key)
            if hit is not None:
                break
            chain.append(key)
            cur = cur.parent
        if hit is not None:
            ctx.place, ctx.in_article, ctx.in_main, ctx.strong, block, in_list = hit
        else:
            ctx.place, ctx.in_article, ctx.in_main, ctx.strong = C_NONE, False, False, False
        for j in range(len(chain) - 1, -1, -1):
            key = chain[j]
            el = <lxb_dom_node_t *> <uintptr_t> key
            if is_element(el):
                sig = element_signal(el, &strong)
                ctx = combine(ctx, sig, strong, key in main)
                if density_block(el.local_name):
                    block, in_list = <uintptr_t> el, list_block(el.local_name)
            hit = (ctx.place, ctx.in_article, ctx.in_main, ctx.strong, block, in_list)
            self.memo[key] = hit
        if hit is None:
            hit = (C_NONE, False, False, False, 0, False)
        return hit

    cdef Py_ssize_t block_text_len(self, uintptr_t block) except -2:
        """placement.Classifier.block_text_len."""
        hit = self.block_len.get(block)
        if hit is not None:
            return hit
        if self.budget <= 0:
            return -1
        cdef Stats st
        cdef Py_ssize_t n
        st.length = st.collapsed = 0
        st.gap = st.first_space = st.last_space = False
        if walk_stats(<lxb_dom_node_t *> block, &st) < 0:
            st.length = st.collapsed = 0
            st.gap = st.first_space = st.last_space = False
            stats_str(&st, node_text(<lxb_dom_node_t *> block, False))
        self.budget -= st.length
        n = st.collapsed
        if n == 0:
            n = 1 if st.length else 0
        else:
            n += st.first_space + st.last_space
        self.block_len[block] = n
        return n

    def placements(self, list nodes, list anchor_lens, list ugc, frozenset main,
                   Py_ssize_t text_budget):
        """html.py's ``_place`` for the pending link nodes: their Placement, in order."""
        cdef Py_ssize_t i, count = len(nodes)
        cdef LexborNode node
        cdef tuple ctx
        cdef dict blocks = {}
        cdef list infos = []
        cdef list entry
        self.budget = text_budget
        for i in range(count):
            node = nodes[i]
            ctx = self.context(node.node, main)
            block = ctx[4]
            infos.append(ctx)
            if block:
                entry = blocks.get(block)
                if entry is None:
                    blocks[block] = [max(anchor_lens[i], 1), 1, 0.0]
                else:
                    entry[0] += max(anchor_lens[i], 1)
                    entry[1] += 1
        for block, entry in blocks.items():
            total = self.block_text_len(block)
            entry[2] = min(1.0, entry[0] / total) if total > 0 else (1.0 if total == 0 else -1.0)
        cdef bint has_main = bool(main)
        cdef double density
        cdef Py_ssize_t links
        cdef int place
        out = []
        for i in range(count):
            ctx = infos[i]
            density, links = -1.0, 0
            if ctx[4]:
                entry = blocks[ctx[4]]
                density, links = entry[2], entry[1]
            place = ctx[0]
            if place == C_NONE and ugc[i]:
                place = C_COMMENT
            out.append(_PLACES[decide(place, ctx[2], has_main, density, links, ctx[5])])
        return out

    def paragraph_scores(self, LexborNode root):
        """The scoring half of placement.main_block_ids: {address: score} of the up-to-three
        ancestors of each paragraph, in first-scored order, and {address: node}."""
        cdef lxb_dom_node_t *top = root.node
        cdef lxb_dom_node_t *node = top.first_child
        cdef lxb_dom_node_t *anc
        cdef uintptr_t tag
        cdef dict scores = {}
        cdef dict chains = {}
        cdef list chain
        cdef str text
        cdef Py_ssize_t length, linked, level
        cdef double score
        while node != NULL:
            if is_element(node):
                tag = node.local_name
                if (tag == LXB_TAG_P or tag == LXB_TAG_PRE or tag == LXB_TAG_TD
                        or tag == LXB_TAG_BLOCKQUOTE):
                    text = node_text(node, False)
                    length = strip_len(text)
                    if length >= 25 and node.parent != NULL:
                        score = 1.0 + count_commas(text) + min(length // 100, 3)
                        linked = linked_len(text, False)
                        if linked:
                            score *= max(0.0, 1.0 - <double> linked / <double> length)
                        key = <uintptr_t> node.parent
                        chain = chains.get(key)
                        if chain is None:
                            chain = chains[key] = scored_ancestors(node.parent)
                        for level in range(len(chain)):
                            key = chain[level]
                            if key not in scores:
                                scores[key] = <double> initial_score(
                                    <lxb_dom_node_t *> <uintptr_t> key)
                            scores[key] += score / (1.0, 2.0, 6.0)[level]
            if node.first_child != NULL:
                node = node.first_child
                continue
            while node != top and node.next == NULL:
                node = node.parent
            if node == top or node == NULL:
                break
            node = node.next
        return scores

    def parent_children(self, uintptr_t key):
        """The addresses of the children of the parent of a node (itself included)."""
        cdef lxb_dom_node_t *node = <lxb_dom_node_t *> key
        cdef list out = []
        if node.parent == NULL:
            return out
        node = node.parent.first_child
        while node != NULL:
            out.append(<uintptr_t> node)
            node = node.next
        return out

    def first_img(self, LexborNode node):
        """``node.css_first("img")``: the first ``img`` element under node, or None."""
        cdef lxb_dom_node_t *top = node.node
        cdef lxb_dom_node_t *cur = top.first_child
        while cur != NULL:
            if is_element(cur) and cur.local_name == LXB_TAG_IMG:
                return wrap(cur, node.parser)
            if cur.first_child != NULL:
                cur = cur.first_child
                continue
            while cur != top and cur.next == NULL:
                cur = cur.parent
            if cur == top or cur == NULL:
                break
            cur = cur.next
        return None

    def candidate_stats(self, uintptr_t key):
        """(whitespace-collapsed length, link characters) of a main-block candidate's text with
        a space between text nodes: ``main_block_ids``'s final check, by address."""
        cdef str text = node_text(<lxb_dom_node_t *> key, True)
        return collapsed_len(text), linked_len(text, True)


cdef int decide(int inherited, bint in_main, bint has_main, double density,
                Py_ssize_t links_in_block, bint in_list) noexcept:
    """placement.decide."""
    cdef bint dense = density >= 0.6 and links_in_block >= 2
    if inherited == C_NONE or inherited == C_CONTENT:
        if has_main and not in_main:
            return C_NAVIGATION if dense and in_list else C_UNKNOWN
        if density < 0 and not in_main:
            return C_UNKNOWN
        if dense and not in_main:
            return C_NAVIGATION if in_list else C_UNKNOWN
        return C_CONTENT
    return inherited


cdef list scored_ancestors(lxb_dom_node_t *anc):
    cdef list out = []
    cdef int level
    for level in range(3):
        if anc == NULL or not is_element(anc) or anc.local_name == LXB_TAG_HTML:
            break
        out.append(<uintptr_t> anc)
        anc = anc.parent
    return out


cdef int initial_score(lxb_dom_node_t *node) except? -9999:
    cdef uintptr_t tag = node.local_name
    cdef int bonus = 0
    if tag == LXB_TAG_DIV or tag == LXB_TAG_ARTICLE or tag == LXB_TAG_MAIN:
        bonus = 5
    elif tag == LXB_TAG_PRE or tag == LXB_TAG_TD or tag == LXB_TAG_BLOCKQUOTE:
        bonus = 3
    elif tag == LXB_TAG_SECTION:
        bonus = 2
    elif (tag == LXB_TAG_FORM or tag == LXB_TAG_OL or tag == LXB_TAG_UL or tag == LXB_TAG_DL
          or tag == LXB_TAG_LI or tag == LXB_TAG_DD or tag == LXB_TAG_DT
          or tag == LXB_TAG_ADDRESS):
        bonus = -3
    elif (tag == LXB_TAG_TH or tag == LXB_TAG_H1 or tag == LXB_TAG_H2 or tag == LXB_TAG_H3
          or tag == LXB_TAG_H4):
        bonus = -5
    cdef str value
    for name, length in ((b"class", 5), (b"id", 2)):
        value = attr_value(node, name, length)
        if value:
            bonus += _placement._value_weight(value)
    return bonus


cdef Py_ssize_t strip_len(str text) noexcept:
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t lo = 0, hi = size
    while lo < hi and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
        lo += 1
    while hi > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1)):
        hi -= 1
    return hi - lo


cdef Py_ssize_t count_commas(str text) noexcept:
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, n = 0
    cdef uint32_t c
    for i in range(size):
        c = PyUnicode_READ(kind, data, i)
        if c == 0x2C or c == 0xFF0C:
            n += 1
    return n


cdef Py_ssize_t linked_len(str text, bint collapse) noexcept:
    """html._linked_len: the text between each start marker and the next end marker with no
    other marker between them, stripped (or whitespace-collapsed)."""
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t i = 0, j, lo, hi, total = 0
    cdef uint32_t c
    if kind != PyUnicode_4BYTE_KIND:
        return 0
    while i < size:
        c = PyUnicode_READ(kind, data, i)
        if START <= c < END:
            j = i + 1
            while j < size and not is_marker(PyUnicode_READ(kind, data, j)):
                j += 1
            if j < size and PyUnicode_READ(kind, data, j) >= END:
                if collapse:
                    total += collapsed_len(text[i + 1 : j])
                else:
                    lo, hi = i + 1, j
                    while lo < hi and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
                        lo += 1
                    while hi > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1)):
                        hi -= 1
                    total += hi - lo
                i = j + 1
                continue
        i += 1
    return total


# ---------------------------------------------------------------------------------------------
# html.py's _BLOCK_TAG.sub(" <", text): a space before every block-level start or end tag


cdef extern from "Python.h":
    bint Py_UNICODE_ISALNUM(uint32_t ch)
    object PyUnicode_New(Py_ssize_t size, uint32_t maxchar)
    uint32_t PyUnicode_MAX_CHAR_VALUE(object s)
    void PyUnicode_WRITE(int kind, void *data, Py_ssize_t index, uint32_t value)

cdef extern from *:
    """
    #include <string.h>
    /* html.py's _BLOCK_TAGS, lower case, by length; kept equal by set_block_tags. */
    static const char *la_block_tags[] = {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "td", "th", "tr", "table", "h1", "h2",
        "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav", "aside", "main",
        "blockquote", "pre", "figure", "figcaption", "form", "address", "option", "br", NULL};
    static int la_is_block_tag(const char *word, size_t n) {
        for (const char **t = la_block_tags; *t != NULL; t++) {
            if (strlen(*t) == n && memcmp(*t, word, n) == 0) return 1;
        }
        return 0;
    }
    static const char *la_block_tag(int i) { return la_block_tags[i]; }
    """
    bint la_is_block_tag(const char *word, size_t n)
    const char *la_block_tag(int i)


def set_block_tags(words):
    """Check that the compiled list of block tags is html.py's ``_BLOCK_TAGS``."""
    cdef list mine = []
    cdef int i = 0
    while la_block_tag(i) != NULL:
        mine.append(la_block_tag(i).decode("ascii"))
        i += 1
    if mine != list(words):
        raise ImportError("extract._walk was built with other block tags than html.py's")


cdef bint block_tag_at(int kind, void *data, Py_ssize_t size, Py_ssize_t i) noexcept:
    """Whether ``<`` at i opens the regex ``<(?=/?(?:p|div|...)\\b)`` (case-insensitive
    names): the run of word characters after ``<`` or ``</`` is exactly a block tag name."""
    cdef Py_ssize_t j = i + 1, k
    cdef uint32_t c
    cdef char word[12]
    if j < size and PyUnicode_READ(kind, data, j) == 47:  # '/'
        j += 1
    k = 0
    while j < size:
        c = PyUnicode_READ(kind, data, j)
        if not (Py_UNICODE_ISALNUM(c) or c == 95):
            break
        if k >= 11 or c > 127:
            return False
        word[k] = <char> (c + 32 if 65 <= c <= 90 else c)
        k += 1
        j += 1
    return k > 0 and la_is_block_tag(word, k)


cdef extern from "Python.h":
    object PyBytes_FromStringAndSize(const char *v, Py_ssize_t n)
    char *PyBytes_AS_STRING(object b)


cdef bint block_tag_bytes(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """block_tag_at on the UTF-8 encoding of the text (valid UTF-8; '<' at byte i)."""
    cdef Py_ssize_t j = i + 1, k = 0
    cdef uint32_t c
    cdef char word[12]
    if j < n and s[j] == 47:
        j += 1
    while j < n:
        c = s[j]
        if c >= 0x80:  # a non-ASCII character ends the name, or makes it no tag name
            if c < 0xE0:
                c = ((c & 0x1F) << 6) | (s[j + 1] & 0x3F)
            elif c < 0xF0:
                c = ((c & 0x0F) << 12) | ((s[j + 1] & 0x3F) << 6) | (s[j + 2] & 0x3F)
            else:
                c = (((c & 0x07) << 18) | ((s[j + 1] & 0x3F) << 12) | ((s[j + 2] & 0x3F) << 6)
                     | (s[j + 3] & 0x3F))
            if Py_UNICODE_ISALNUM(c):
                return False
            break
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95):
            break
        if k >= 11:
            return False
        word[k] = <char> (c + 32 if 65 <= c <= 90 else c)
        k += 1
        j += 1
    return k > 0 and la_is_block_tag(word, k)


def spaced_utf8(str text):
    """``_BLOCK_TAG.sub(" <", text)`` as the UTF-8 bytes selectolax parses for it, or None when
    the text holds lone surrogates (selectolax drops them when it encodes; the caller then
    uses the regex). The space before each block-level tag keeps "<p>one</p><p>two</p>" from
    reading "onetwo"."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    cdef const unsigned char *src = <const unsigned char *> PyBytes_AS_STRING(raw)
    cdef Py_ssize_t n = len(raw), i = 0, prev, at
    cdef list where = []
    cdef const unsigned char *found
    while i < n:
        found = <const unsigned char *> memchr(src + i, 60, n - i)
        if found == NULL:
            break
        i = found - src
        if block_tag_bytes(src, n, i):
            where.append(i)
        i += 1
    if not where:
        return raw
    out = PyBytes_FromStringAndSize(NULL, n + len(where))
    cdef char *dst = PyBytes_AS_STRING(out)
    prev = 0
    for at in where:
        memcpy(dst, src + prev, at - prev)
        dst += at - prev
        dst[0] = 32
        dst += 1
        prev = at
    memcpy(dst, src + prev, n - prev)
    return out


# ---------------------------------------------------------------------------------------------
# html.py's link contexts: up to n characters each side, cut at a word, stripped


cdef inline bint space_at(int kind, void *data, Py_ssize_t i) noexcept:
    return PyUnicode_READ(kind, data, i) == 32


cdef str stripped(str buffer, int kind, void *data, Py_ssize_t lo, Py_ssize_t hi):
    while lo < hi and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
        lo += 1
    while hi > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1)):
        hi -= 1
    return buffer[lo:hi]


def contexts(str buffer, list starts, list ends, Py_ssize_t n):
    """(befores, afters): each link's context in the buffer, as html.py's ``_emit`` cuts it
    (empty where an offset is missing or n is 0)."""
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(buffer)
    cdef int kind = PyUnicode_KIND(buffer)
    cdef void *data = PyUnicode_DATA(buffer)
    cdef Py_ssize_t i, start, end, lo, hi, top, j, last
    cdef list befores = [], afters = []
    cdef bint found
    for i in range(len(starts)):
        start, end = starts[i], ends[i]
        if start < 0 or end < 0 or n == 0:
            befores.append("")
            afters.append("")
            continue
        lo = start - n if start > n else 0
        if lo > 0 and not space_at(kind, data, lo - 1):
            for j in range(lo, start):  # drop the cut word
                if space_at(kind, data, j):
                    lo = j + 1
                    break
        befores.append(stripped(buffer, kind, data, lo, start))
        hi = end + n
        top = hi if hi < size else size
        if hi < size and not space_at(kind, data, hi) and (top == end or not space_at(kind, data, top - 1)):
            # cut the last word when a space is left inside the stripped text
            lo, last = end, top
            while lo < last and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
                lo += 1
            while last > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, last - 1)):
                last -= 1
            found = False
            for j in range(last - 1, lo - 1, -1):
                if space_at(kind, data, j):
                    found = True
                    top = j
                    break
        afters.append(stripped(buffer, kind, data, end, top))
    return befores, afters


# ---------------------------------------------------------------------------------------------
# html.py's _collect loop over the link elements


def collect(list elements, resolve, set same_page, set emails, list robots, list items,
            meta, link_element, mailto_address, pending, kind_a, kind_area):
    """The body of html.py's ``_HtmlPage._collect`` loop, compiled: head elements go to
    ``meta``/``link_element``, mailto: addresses to ``emails``, every other kept ``a``/``area``
    becomes a ``pending`` record appended to ``items``."""
    cdef str tag, href
    cdef dict attrs
    cdef dict cache = resolve._cache  # _Resolver's own memo, read first as its __call__ does
    for tag, attrs, node in elements:
        if tag == "meta":
            meta(attrs, robots, resolve, items)
            continue
        href = (attrs.get("href") or "").strip()
        if tag == "link":
            link_element(href, attrs, resolve, items)
            continue
        if not href or href.startswith("#"):
            continue
        if href[:7].lower() == "mailto:":
            address = mailto_address(href)
            if address:
                emails.add(address)
            continue
        target = cache.get(href, "")
        if target == "":
            target = resolve(href)
        if target is None or ("#" in href and target in same_page):
            continue
        item = pending.__new__(pending)
        item.node = node
        item.target = target
        item.kind = kind_area if tag == "area" else kind_a
        item.rel = attrs.get("rel") or ""
        item.attrs = attrs
        item.start = -1
        item.end = -1
        item.place = None
        item.block = None
        item.block_key = 0
        item.in_list = False
        item.in_main = False
        item.anchor = ""
        items.append(item)


def merge_clones(list pending, str buffer, str source):
    """html.py's ``_merge_clones``, compiled (see there): the ids of the clones dropped."""
    cdef set dropped = set()
    cdef Py_ssize_t i, j, k, count = len(pending), excess, lo, hi
    cdef int kind = PyUnicode_KIND(buffer)
    cdef void *data = PyUnicode_DATA(buffer)
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(buffer)
    cdef bint gap_only
    cdef dict dom_count
    for i in range(count - 1):
        if pending[i].attrs == pending[i + 1].attrs:
            break
    else:
        return dropped
    dom_count = {}
    for item in pending:
        href = item.attrs.get("href") or ""
        dom_count[href] = dom_count.get(href, 0) + 1
    i = 0
    while i < count - 1:
        first = pending[i]
        href = first.attrs.get("href") or ""
        j = i + 1
        while j < count and pending[j].attrs == first.attrs:
            lo, hi = pending[j - 1].end, pending[j].start
            if lo < 0 or hi < 0:
                break
            gap_only = True  # buffer[lo:hi].strip() is empty
            if hi > size:
                hi = size
            for k in range(lo, hi):
                if not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
                    gap_only = False
                    break
            if not gap_only:
                break
            j += 1
        if j - i > 1 and href:
            excess = dom_count[href] - source.count(href)
            if 0 < excess < dom_count[href]:
                last = pending[min(j - 1, i + excess)]
                first.end = last.end
                for k in range(i + 1, min(j, i + excess + 1)):
                    dropped.add(id(pending[k]))
                dom_count[href] -= min(j - 1 - i, excess)
        i = j
    return dropped


def emit(list items, pending, list befores, list afters, make, builder, unknown):
    """html.py's ``_emit`` loop, compiled: every link record in document order (head links
    through ``builder.add``); returns (internal links, body links)."""
    cdef list links = builder.links
    cdef dict seen = builder.seen
    cdef Py_ssize_t j = 0, internal = 0
    for item in items:
        if type(item) is not pending:
            builder.add(*item)
            continue
        target, kind, anchor = item.target, item.kind, item.anchor
        key = (target, kind, anchor)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        link = make(target, kind, anchor, item.rel, item.place or unknown, befores[j],
                    afters[j], len(links), occurrence)
        j += 1
        links.append(link)
        if link.internal:
            internal += 1
    return internal, j
