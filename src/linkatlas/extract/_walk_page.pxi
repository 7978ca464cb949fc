# Included by _walk.pyx (one extension module): html.py's compiled path from the collected
# links to the records in one call (the steps are the functions above, called from C).

cdef object _kind_a = None
cdef object _kind_image = None
cdef object _unknown = None
cdef object _cap = None
cdef object _collapse = None
cdef Py_ssize_t _anchor_limit = 0
cdef Py_ssize_t _max_marked = 0


def configure_page(kind_a, kind_image, unknown, Py_ssize_t anchor_limit,
                   Py_ssize_t max_marked, cap, collapse, tuple anchor_kinds):
    """Bind what ``page_body`` needs from html.py: LinkKind.A and IMAGE, Placement.UNKNOWN,
    the anchor length limit, the number of links that can be marked, text.cap,
    text.collapse and the kinds a page counts as its links (html._ANCHOR_KINDS)."""
    global _kind_a, _kind_image, _unknown, _anchor_limit, _max_marked, _cap, _collapse
    global _anchor_kinds
    _anchor_kinds = anchor_kinds
    _kind_a, _kind_image, _unknown = kind_a, kind_image, unknown
    _anchor_limit, _max_marked = anchor_limit, max_marked
    _cap, _collapse = cap, collapse


cdef bint under(lxb_dom_node_t *node, lxb_dom_node_t *top) noexcept:
    """Whether node is top or one of its descendants."""
    while node != NULL:
        if node == top:
            return True
        node = node.parent
    return False


def page_body(page, LexborHTMLParser tree, LexborNode root, list items, list strip,
              source, Py_ssize_t size, Py_ssize_t n, make, builder):
    """html.py's ``_HtmlPage`` steps after ``_collect`` on the compiled path: strip the
    script/style/noscript/template elements, mark the links, read the body text and each
    link's offsets, merge clones, take the anchors, place the links and build the records
    (``page`` is the ``_HtmlPage``: its ``marks`` is set while the marks live and its
    ``_anchor`` is the fallback for anchors the offsets cannot give; ``source`` is the page's
    text or its UTF-8 encoding, ``size`` the text's length in characters). Returns (buffer, its
    word count, whether e-mail forms may be in it (``email_hint``), internal links, body
    links)."""
    cdef list pending = [item for item in items if type(item) is Pending]
    cdef Marks marks
    cdef lxb_dom_node_t *body
    cdef str buffer = ""
    cdef Py_ssize_t spaces = -1
    cdef set dropped
    strip_collected(tree, strip)  # tree.strip_tags(_STRIP_TAGS)
    marks = Marks(pending[:_max_marked])
    page.marks = marks
    try:
        body = la_body(tree.document)  # tree.body
        if body == NULL and root is not None:  # tree.root
            body = root.node
        if body != NULL:
            spaces = 0
            # the paragraphs the walk meets are all of root's when body is root or under it
            buffer = node_body_text(body, pending, size, &spaces, &marks.pieces,
                                    &marks.paras if root is not None and under(body, root.node)
                                    else NULL)
        dropped = merge_clones(pending, buffer, source)
        if dropped:
            items[:] = [it for it in items if type(it) is not Pending or id(it) not in dropped]
            pending = [it for it in pending if id(it) not in dropped]
        anchors(pending, buffer, _kind_a, _kind_image, _anchor_limit, _cap, _collapse,
                page._anchor)
        if root is not None:
            marks.main_ids(root)
        marks.place(pending, 4 * size + 10_000)
    finally:
        marks.release()
        page.marks = None
    internal, count = emit(items, buffer, n, make, builder, _unknown)
    return buffer, word_count(buffer, spaces), email_hint(buffer), internal, count


cdef Py_ssize_t word_count(str buffer, Py_ssize_t spaces) noexcept:
    """html.py's word count of a body text with ``spaces`` spaces (counted whenever the text
    is not empty): the buffer holds single spaces only, so spaces count the words; a text of
    spaces has none."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(buffer)
    cdef int kind = PyUnicode_KIND(buffer)
    cdef void *data = PyUnicode_DATA(buffer)
    for i in range(n):
        if not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            break
    else:
        return 0  # empty, or buffer.isspace()
    return spaces + 1 - (PyUnicode_READ(kind, data, n - 1) == 32)


def plain_origin(str base):
    """``html._PLAIN_ORIGIN.match(base)``'s text, or '': ``https?://`` then a host of ASCII
    letters, digits, dots and hyphens, maybe a port of one to five digits, followed by '/'."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(base), i, start, digits
    cdef uint32_t c
    if starts_ascii(base, "http://", 7, False):
        i = 7
    elif starts_ascii(base, "https://", 8, False):
        i = 8
    else:
        return ""
    start = i
    while i < n:
        c = PyUnicode_READ_CHAR(base, i)
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 46 or c == 45):
            break
        i += 1
    if i == start:
        return ""
    if i < n and PyUnicode_READ_CHAR(base, i) == 58:  # ':'
        digits = 0
        while i + 1 + digits < n and digits < 6 and 48 <= PyUnicode_READ_CHAR(base, i + 1 + digits) <= 57:
            digits += 1
        if 1 <= digits <= 5 and i + 1 + digits < n and PyUnicode_READ_CHAR(base, i + 1 + digits) == 47:
            return base[:i + 1 + digits]
        # the regex backtracks: a host that ends before the ':' needs a '/' right after it
        return ""
    if i < n and PyUnicode_READ_CHAR(base, i) == 47:
        return base[:i]
    return ""
