# Included by _walk.pyx (one extension module): body text, input spaces, link contexts.

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


cdef Py_ssize_t collapse_into(const unsigned char *s, size_t size, uint32_t *a, Py_ssize_t n,
                              bint *owed) noexcept:
    """The strict UTF-8 text s, whitespace-collapsed, appended to a[:n] (owed: a space is owed
    before the next character, carried from call to call); the new length, or -1 where
    Python's decoder would replace bytes. a must have room for size + 1 more code points."""
    cdef size_t i = 0
    cdef uint32_t c
    cdef int more
    cdef bint gap = owed[0], space
    while i < size:
        c = s[i]
        if c < 0x80:  # the branches below as arithmetic (spaces come every few characters)
            space = ASCII_SPACE[c]
            a[n] = 32  # a space owed before a character (overwritten when none is owed)
            n += gap & (not space)
            a[n] = c  # (a space is overwritten by the next character, or left past the end)
            n += not space
            gap = space & (n > 0)
            i += 1
            continue
        else:
            more = utf8_at(s, size, i, &c)
            if more < 0:
                return -1
            i += more
        if Py_UNICODE_ISSPACE(c):
            gap = n > 0
        else:
            if gap:
                a[n] = 32
                n += 1
                gap = False
            a[n] = c
            n += 1
    owed[0] = gap
    return n


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    /* Sixteen bytes at s: 1 when all are ASCII whitespace (str.isspace: 9-13, 28-31, 32);
       2 when they are plain ASCII prose: the only whitespace is single U+0020 spaces (their
       bit mask in *spaces, the commas' in *commas); 0 otherwise. */
    static inline int la_chunk16(const unsigned char *s, unsigned *spaces, unsigned *commas) {
    #if defined(__SSE2__)
        __m128i v = _mm_loadu_si128((const __m128i *) s);
        __m128i a, b;
        unsigned ws, sp;
        if (_mm_movemask_epi8(v)) return 0;
        a = _mm_sub_epi8(v, _mm_set1_epi8(9));
        b = _mm_sub_epi8(v, _mm_set1_epi8(28));
        ws = (unsigned) _mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(4)), a),    /* 9-13 */
            _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(4)), b)));  /* 28-32 */
        if (ws == 0xFFFF) return 1;
        sp = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(32)));
        if (ws != sp || (ws & (ws >> 1))) return 0;
        *spaces = ws;
        *commas = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(44)));
        return 2;
    #else
        unsigned ws = 0, sp = 0, cm = 0, k;
        for (k = 0; k < 16; k++) {
            unsigned char c = s[k];
            if (c >= 0x80) return 0;
            ws |= (unsigned) ((c >= 9 && c <= 13) || (c >= 28 && c <= 32)) << k;
            sp |= (unsigned) (c == 32) << k;
            cm |= (unsigned) (c == 44) << k;
        }
        if (ws == 0xFFFF) return 1;
        if (ws != sp || (ws & (ws >> 1))) return 0;
        *spaces = ws;
        *commas = cm;
        return 2;
    #endif
    }
    /* The sixteen ASCII bytes at s as code points at out. */
    static inline void la_widen16(const unsigned char *s, uint32_t *out) {
    #if defined(__SSE2__)
        __m128i v = _mm_loadu_si128((const __m128i *) s), z = _mm_setzero_si128();
        __m128i lo = _mm_unpacklo_epi8(v, z), hi = _mm_unpackhi_epi8(v, z);
        _mm_storeu_si128((__m128i *) out, _mm_unpacklo_epi16(lo, z));
        _mm_storeu_si128((__m128i *) (out + 4), _mm_unpackhi_epi16(lo, z));
        _mm_storeu_si128((__m128i *) (out + 8), _mm_unpacklo_epi16(hi, z));
        _mm_storeu_si128((__m128i *) (out + 12), _mm_unpackhi_epi16(hi, z));
    #else
        int k;
        for (k = 0; k < 16; k++) out[k] = s[k];
    #endif
    }
    static inline int la_bits16(unsigned x) {
        x = x - ((x >> 1) & 0x5555u);
        x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
        x = (x + (x >> 4)) & 0x0F0Fu;
        return (int) ((x + (x >> 8)) & 0x1Fu);
    }
    """
    int la_chunk16(const unsigned char *s, unsigned *spaces, unsigned *commas) noexcept
    void la_widen16(const unsigned char *s, uint32_t *out) noexcept
    int la_bits16(unsigned x) noexcept


cdef Py_ssize_t collapse_piece(const unsigned char *s, size_t size, uint32_t *a, Py_ssize_t n,
                               bint *owed, Piece *p) noexcept:
    """collapse_into and piece_of in one pass over a text node's bytes (-1 as collapse_into;
    p is then left unfinished). Sixteen bytes at a time where they are all whitespace (real
    pages' indentation) or plain prose (ASCII, single spaces: copied as they are)."""
    cdef size_t i = 0, probe = 0
    cdef uint32_t c
    cdef int more, chunk
    cdef unsigned spaces, commas
    cdef bint gap = owed[0], space, seen = False, pgap = False, first, last
    p.kind = PIECE_PLAIN
    p.length = p.lead = p.trail = p.collapsed = p.commas = 0
    while i < size:
        c = s[i]
        if c < 0x80:  # both loops' branch-free steps
            if i >= probe and i + 16 <= size:
                chunk = la_chunk16(s + i, &spaces, &commas)
                if chunk == 1:  # whitespace only
                    gap = n > 0
                    p.length += 16
                    p.lead += 16 * (not seen)
                    p.trail += 16
                    pgap = seen
                    i += 16
                    continue
                first = chunk == 2 and spaces & 1  # (spaces is set for prose only)
                if chunk == 2 and (n > 0 or not first):  # prose: the bytes are the text
                    last = (spaces >> 15) & 1
                    if gap and not first:
                        a[n] = 32  # the space owed (a leading space stands for it)
                        n += 1
                    la_widen16(s + i, a + n)
                    n += 16 - last  # a trailing space is owed, not written
                    gap = last
                    p.length += 16
                    p.commas += la_bits16(commas)
                    # the words, the spaces inside, and a space before the first word when
                    # text came before it
                    p.collapsed += (16 - la_bits16(spaces) + la_bits16(spaces & 0x7FFE)
                                    + (seen if first else pgap))
                    if first and not seen:
                        p.lead += 1
                    p.trail = last
                    pgap = last
                    seen = True
                    i += 16
                    continue
                probe = i + 16  # not again inside these sixteen bytes
            space = ASCII_SPACE[c]
            a[n] = 32
            n += gap & (not space)
            a[n] = c
            n += not space
            gap = space & (n > 0)
            p.length += 1
            p.lead += space & (not seen)
            p.trail = (p.trail + 1) * space
            p.collapsed += (pgap & (not space)) + (not space)
            pgap = seen & space
            seen = seen | (not space)
            p.commas += c == 0x2C
            i += 1
            continue
        more = utf8_at(s, size, i, &c)
        if more < 0:
            return -1
        i += more
        if c >= START:
            p.kind = PIECE_MARKERS
        p.length += 1
        if Py_UNICODE_ISSPACE(c):
            gap = n > 0
            if not seen:
                p.lead += 1
            p.trail += 1
            pgap = seen
        else:
            if gap:
                a[n] = 32
                n += 1
                gap = False
            a[n] = c
            n += 1
            if pgap:
                p.collapsed += 1
                pgap = False
            p.collapsed += 1
            seen = True
            p.trail = 0
            if c == 0x2C or c == 0xFF0C:
                p.commas += 1
    owed[0] = gap
    return n


cdef Py_ssize_t collapse_utf8(const unsigned char *s, size_t size, uint32_t *a) noexcept:
    """``" ".join(text.split())`` of the strict UTF-8 text s into a (code points), its length;
    -1 where Python's decoder would replace bytes (the caller decodes the text instead)."""
    cdef bint owed = False
    return collapse_into(s, size, a, 0, &owed)


cdef Py_ssize_t walk_collapse(lxb_dom_node_t *root, uint32_t **out, Py_ssize_t *cap,
                             Pieces *cache, IndexList *paras) except -2:
    """``collapse_utf8`` of what ``walk_text(root, sep=False)`` writes, straight from the text
    nodes into *out (grown as needed, *cap code points): its length, or -1 when a text node
    is not strict UTF-8 (the caller then decodes the joined bytes, as an invalid sequence may
    be completed by the next text node). Each text node's piece is computed on the way and
    kept in cache (when not NULL) for the walks after it; the p, pre, td and blockquote
    elements are listed in paras (when not NULL) for Marks.paragraph_scores."""
    cdef Piece *slot
    cdef lxb_dom_node_t *node = root.first_child
    cdef const unsigned char *data
    cdef size_t size
    cdef uintptr_t mark
    cdef Py_ssize_t n = 0
    cdef bint owed = False
    cdef uintptr_t tag
    while node != NULL:
        mark = <uintptr_t> node.user
        if mark and is_element(node):
            if room(out, cap, n, 2) < 0:
                return -2
            if owed:
                out[0][n] = 32
                n += 1
                owed = False
            out[0][n] = START + <uint32_t> (mark - 1)
            n += 1
        tag = node.local_name
        if paras != NULL and (tag == LXB_TAG_P or tag == LXB_TAG_PRE or tag == LXB_TAG_TD
                              or tag == LXB_TAG_BLOCKQUOTE) and is_element(node):
            index_add(paras, <Py_ssize_t> node)
        if tag == LXB_TAG__TEXT:
            data = la_text_data(node, &size)
            if data != NULL and size:
                if room(out, cap, n, <Py_ssize_t> size + 1) < 0:
                    return -2
                slot = piece_slot(cache) if cache != NULL and not has_piece(node, cache) \
                    else NULL
                if slot != NULL:
                    n = collapse_piece(data, size, out[0], n, &owed, slot)
                    if n >= 0:
                        piece_keep(cache, node)
                else:
                    n = collapse_into(data, size, out[0], n, &owed)
                if n < 0:
                    return -1
        if node.first_child != NULL:
            node = node.first_child
            continue
        while True:
            mark = <uintptr_t> node.user
            if mark and is_element(node):
                if room(out, cap, n, 2) < 0:
                    return -2
                if owed:
                    out[0][n] = 32
                    n += 1
                    owed = False
                out[0][n] = END + <uint32_t> (mark - 1)
                n += 1
            if node.next != NULL:
                node = node.next
                break
            node = node.parent
            if node == root or node == NULL:
                node = NULL
                break
    return n


cdef int room(uint32_t **out, Py_ssize_t *cap, Py_ssize_t n, Py_ssize_t more) except -1:
    """Grow *out to hold n + more + 1 code points."""
    cdef Py_ssize_t want = n + more + 1
    cdef uint32_t *grown
    if want <= cap[0]:
        return 0
    if want < 2 * cap[0]:
        want = 2 * cap[0]
    grown = <uint32_t *> realloc(out[0], want * sizeof(uint32_t))
    if grown == NULL:
        raise MemoryError()
    out[0] = grown
    cap[0] = want
    return 0


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    /* The index of the first marker (a code point from U+F0000 up) in a[i:n], or n: eight
       code points at a time (markers are a few in a text of thousands). */
    static Py_ssize_t la_next_marker(const uint32_t *a, Py_ssize_t i, Py_ssize_t n) {
    #if defined(__SSE2__)
        const __m128i below = _mm_set1_epi32(0xEFFFF);
        while (i + 8 <= n) {
            __m128i x = _mm_cmpgt_epi32(_mm_loadu_si128((const __m128i *) (a + i)), below);
            __m128i y = _mm_cmpgt_epi32(_mm_loadu_si128((const __m128i *) (a + i + 4)), below);
            int m = _mm_movemask_ps(_mm_castsi128_ps(x))
                    | (_mm_movemask_ps(_mm_castsi128_ps(y)) << 4);
            if (m) return i + __builtin_ctz((unsigned) m);
            i += 8;
        }
    #endif
        while (i < n && a[i] < 0xF0000) i++;
        return i;
    }
    /* The bitwise or of a[0:n] and the number of spaces among them. */
    static uint32_t la_or_spaces(const uint32_t *a, Py_ssize_t n, Py_ssize_t *spaces) {
        Py_ssize_t i = 0, count = 0;
        uint32_t top = 0;
    #if defined(__SSE2__)
        __m128i acc = _mm_setzero_si128(), sp = _mm_setzero_si128();
        const __m128i space = _mm_set1_epi32(32);
        uint32_t lanes[4];
        while (i + 4 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *) (a + i));
            acc = _mm_or_si128(acc, v);
            sp = _mm_sub_epi32(sp, _mm_cmpeq_epi32(v, space));
            i += 4;
        }
        _mm_storeu_si128((__m128i *) lanes, acc);
        top = lanes[0] | lanes[1] | lanes[2] | lanes[3];
        _mm_storeu_si128((__m128i *) lanes, sp);
        count = (Py_ssize_t) lanes[0] + lanes[1] + lanes[2] + lanes[3];
    #endif
        for (; i < n; i++) {
            top |= a[i];
            count += a[i] == 32;
        }
        *spaces = count;
        return top;
    }
    /* a[0:n] (every code point below 65536) as two-byte units. */
    static void la_narrow16(const uint32_t *a, Py_ssize_t n, uint16_t *out) {
        Py_ssize_t i = 0;
    #if defined(__SSE2__)
        const __m128i bias = _mm_set1_epi32(0x8000), back = _mm_set1_epi16((short) 0x8000);
        while (i + 8 <= n) {  /* (signed saturation: shifted into range and back) */
            __m128i p = _mm_packs_epi32(
                _mm_sub_epi32(_mm_loadu_si128((const __m128i *) (a + i)), bias),
                _mm_sub_epi32(_mm_loadu_si128((const __m128i *) (a + i + 4)), bias));
            _mm_storeu_si128((__m128i *) (out + i), _mm_xor_si128(p, back));
            i += 8;
        }
    #endif
        for (; i < n; i++) out[i] = (uint16_t) a[i];
    }
    /* a[0:n] (every code point below 256) as bytes. */
    static void la_narrow8(const uint32_t *a, Py_ssize_t n, unsigned char *out) {
        Py_ssize_t i = 0;
    #if defined(__SSE2__)
        while (i + 16 <= n) {
            __m128i p = _mm_packs_epi32(_mm_loadu_si128((const __m128i *) (a + i)),
                                        _mm_loadu_si128((const __m128i *) (a + i + 4)));
            __m128i q = _mm_packs_epi32(_mm_loadu_si128((const __m128i *) (a + i + 8)),
                                        _mm_loadu_si128((const __m128i *) (a + i + 12)));
            _mm_storeu_si128((__m128i *) (out + i), _mm_packus_epi16(p, q));
            i += 16;
        }
    #endif
        for (; i < n; i++) out[i] = (unsigned char) a[i];
    }
    """
    Py_ssize_t la_next_marker(const uint32_t *a, Py_ssize_t i, Py_ssize_t n) noexcept
    uint32_t la_or_spaces(const uint32_t *a, Py_ssize_t n, Py_ssize_t *spaces) noexcept
    void la_narrow8(const uint32_t *a, Py_ssize_t n, unsigned char *out) noexcept
    void la_narrow16(const uint32_t *a, Py_ssize_t n, uint16_t *out) noexcept


cdef Py_ssize_t join_lone_marks(uint32_t *a, Py_ssize_t n) noexcept:
    """_LONE_MARKS.sub(_join_lone, ...) in place (the output never outgrows the input); the new
    length. Text before the first change stays where it is; the text between changes moves in
    runs (a change needs a marker right after a space: the search skips to the markers)."""
    cdef Py_ssize_t i, w, g, k, p
    p = la_next_marker(a, 1, n)
    while p < n and not (a[p - 1] == 32 and marks_match(a, n, p) >= 0):
        p = la_next_marker(a, p + 1, n)
    if p >= n:
        return n
    i = w = p - 1  # a space, then a group of markers that changes
    while True:
        g = marks_match(a, n, i + 1)
        a[w] = 32
        w += 1
        for k in range(i + 1, g):
            if a[k] != 32:
                a[w] = a[k]
                w += 1
        i = g + 1 if g < n else g
        # the next change: a marker after a space, from i + 1 on
        p = la_next_marker(a, i + 1, n)
        while p < n and not (a[p - 1] == 32 and marks_match(a, n, p) >= 0):
            p = la_next_marker(a, p + 1, n)
        if p >= n:
            break
        memmove(a + w, a + i, (p - 1 - i) * sizeof(uint32_t))
        w += p - 1 - i
        i = p - 1
    memmove(a + w, a + i, (n - i) * sizeof(uint32_t))
    return w + n - i


cdef str text_of(const uint32_t *a, Py_ssize_t n, Py_ssize_t *spaces):
    """The str of n code points, and the number of spaces among them."""
    cdef uint32_t top = la_or_spaces(a, n, spaces)
    if top < 0x100:  # (every code point below 256): one byte each, written here
        out = PyUnicode_New(n, 0xFF if top > 0x7F else 0x7F)
        la_narrow8(a, n, <unsigned char *> PyUnicode_DATA(out))
        return out
    if top < 0x10000:  # two bytes each
        out = PyUnicode_New(n, 0xFFFF)
        la_narrow16(a, n, <uint16_t *> PyUnicode_DATA(out))
        return out
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, a, n)


cdef str node_body_text(lxb_dom_node_t *root, list pending, Py_ssize_t size_hint,
                        Py_ssize_t *spaces, Pieces *cache, IndexList *paras):
    """html.py's ``_text`` from the raw marked text to the collapsed buffer: the body text of
    root (spaces: its number of spaces); each link of pending (marked with its index) gets its
    start and end offsets in it (-1 where a marker is missing). size_hint: about the text's
    length (the buffer grows past it when needed)."""
    cdef Buf b
    cdef bytes valid
    cdef Py_ssize_t n
    cdef uint32_t *a = NULL
    cdef Py_ssize_t count = len(pending)
    cdef Py_ssize_t cap = size_hint + 2 * count + 64
    cdef Pending item
    for item in pending:
        item.start = item.end = -1
    b.data = NULL
    b.size = b.cap = b.pieces = 0
    try:
        a = <uint32_t *> malloc(cap * sizeof(uint32_t))
        if a == NULL:
            raise MemoryError()
        # " ".join(raw.split()), straight from the UTF-8 text nodes
        if paras != NULL:
            paras.count = 0
        n = walk_collapse(root, &a, &cap, cache, paras)
        if n < 0:  # text with invalid UTF-8: the joined bytes decoded as Python decodes them
            # (replacing bytes), collapsed from that encoding (its code points are no more
            # than the raw bytes)
            if paras != NULL:
                paras.count = -1  # (the walk stopped at the text node: not all listed)
            walk_text(root, &b, False)
            room(&a, &cap, 0, b.size)
            valid = PyUnicode_DecodeUTF8(b.data, b.size, "replace").encode("utf-8")
            n = collapse_utf8(<const unsigned char *> PyBytes_AS_STRING(valid), len(valid), a)
        if count == 0:
            return text_of(a, n, spaces)
        n = unmark(a, n, pending, count)
        return text_of(a, n, spaces)
    finally:
        free(b.data)
        free(a)


cdef Py_ssize_t unmark(uint32_t *a, Py_ssize_t n, list pending, Py_ssize_t count) except -1:
    """html.py's _text from the collapsed marked text on: lone marks joined, the leading marks
    too, then the markers dropped, each link of pending (marked with its index, count links)
    given its start and end offsets; the new length."""
    cdef Py_ssize_t i, w, g, k, code
    n = join_lone_marks(a, n)
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
            memmove(a + w, a + i, (n - i) * sizeof(uint32_t))
            n = w + n - i
    # the marker offsets, and the text without them (the text between moves in runs)
    i = la_next_marker(a, 0, n)
    w = i
    while i < n:
        code = <Py_ssize_t> a[i]
        if code >= END:
            if code - END < count:
                (<Pending> pending[code - END]).end = w
        elif code - START < count:
            (<Pending> pending[code - START]).start = w
        g = la_next_marker(a, i + 1, n)
        memmove(a + w, a + i + 1, (g - i - 1) * sizeof(uint32_t))
        w += g - i - 1
        i = g
    return w


def unmark_text(str raw, Py_ssize_t count):
    """For the tests: ``unmark`` on a collapsed marked text with count links marked (what the
    pure path does with _LONE_MARKS, _LEADING_MARKS and its marker loop): (the text, the
    (start, end) offsets of each link, the number of spaces)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(raw), i, spaces = 0
    cdef uint32_t *a = <uint32_t *> malloc((n + 1) * sizeof(uint32_t))
    cdef list pending = []
    cdef Pending item
    if a == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            a[i] = PyUnicode_READ_CHAR(raw, i)
        for i in range(count):
            item = Pending.__new__(Pending)
            item.start = item.end = -1
            pending.append(item)
        n = unmark(a, n, pending, count)
        text = text_of(a, n, &spaces)
        return text, [(item.start, item.end) for item in pending], spaces
    finally:
        free(a)


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
    /* The names of each length and first letter: la_block_slot[n][c] packs the first index in
       la_block_by_slot (low byte) and how many there are (high byte); built on first use. */
    static unsigned short la_block_slot[12][26];
    static unsigned char la_block_by_slot[64];
    static int la_block_ready = 0;
    static void la_block_init(void) {
        int n, c, i, k = 0;
        for (n = 1; n < 12; n++)
            for (c = 0; c < 26; c++) {
                int first = k;
                for (i = 0; la_block_tags[i] != NULL; i++)
                    if (strlen(la_block_tags[i]) == (size_t) n && la_block_tags[i][0] == 'a' + c)
                        la_block_by_slot[k++] = (unsigned char) i;
                la_block_slot[n][c] = (unsigned short) (first | ((k - first) << 8));
            }
        la_block_ready = 1;
    }
    static int la_is_block_tag(const char *word, size_t n) {
        unsigned short slot;
        int i, end;
        if (!la_block_ready) la_block_init();
        if (n == 0 || n >= 12 || word[0] < 'a' || word[0] > 'z') return 0;
        slot = la_block_slot[n][word[0] - 'a'];
        for (i = slot & 0xFF, end = i + (slot >> 8); i < end; i++)
            if (memcmp(la_block_tags[la_block_by_slot[i]], word, n) == 0) return 1;
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


# The first letters of the block tags, either case (block_tag_bytes rejects others at once).
cdef unsigned char BLOCK_FIRST[256]
# The bytes that may follow each first letter (a-z) in a block tag's name: its second
# letter in either case, and for a one-letter name ("p") any byte that ends a name or is
# non-ASCII (block_tag_bytes decides those).
cdef unsigned char BLOCK_NEXT[26 * 256]


cdef void block_tables() noexcept:
    cdef int i = 0, c
    cdef const unsigned char *name
    while la_block_tag(i) != NULL:
        name = <const unsigned char *> la_block_tag(i)
        BLOCK_FIRST[name[0]] = BLOCK_FIRST[name[0] - 32] = 1
        if name[1] != 0:
            BLOCK_NEXT[(name[0] - 97) * 256 + name[1]] = 1
            if 97 <= name[1] <= 122:
                BLOCK_NEXT[(name[0] - 97) * 256 + name[1] - 32] = 1
        else:
            for c in range(256):
                if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95):
                    BLOCK_NEXT[(name[0] - 97) * 256 + c] = 1
        i += 1


block_tables()


cdef inline bint block_tag_bytes(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """block_tag_at on the UTF-8 encoding of the text (valid UTF-8; '<' at byte i)."""
    cdef Py_ssize_t j = i + 1, k = 0
    cdef uint32_t c
    cdef char word[12]
    if j < n and s[j] == 47:
        j += 1
    if j >= n or not BLOCK_FIRST[s[j]]:
        return False  # (a name must start with a block tag's first letter)
    if j + 1 < n and not BLOCK_NEXT[((s[j] | 32) - 97) * 256 + s[j + 1]]:
        return False  # (nor go on with a letter no block tag has there)
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


def spaced_utf8(str text, bytes exact=None):
    """``_BLOCK_TAG.sub(" <", text)`` as the UTF-8 bytes selectolax parses for it, or None when
    the text holds lone surrogates (selectolax drops them when it encodes; the caller then
    uses the regex). The space before each block-level tag keeps "<p>one</p><p>two</p>" from
    reading "onetwo". ``exact``, when given, must be ``text.encode("utf-8")`` (the body the
    text was decoded from): it is used instead of encoding again."""
    if exact is not None:
        raw = exact
    else:
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    return spaced_from(raw, 0)


cdef struct Offsets:  # a growable array of byte offsets
    Py_ssize_t *data
    Py_ssize_t count
    Py_ssize_t cap


cdef int offsets_add(Offsets *o, Py_ssize_t at) except -1:
    cdef Py_ssize_t *grown
    if o.count == o.cap:
        grown = <Py_ssize_t *> realloc(o.data, (o.cap * 2 + 64) * sizeof(Py_ssize_t))
        if grown == NULL:
            raise MemoryError()
        o.data = grown
        o.cap = o.cap * 2 + 64
    o.data[o.count] = at
    o.count += 1
    return 0


cdef bytes spaced_from(bytes raw, Py_ssize_t skip):
    """``spaced_utf8`` of the text whose strict UTF-8 encoding is ``raw[skip:]``."""
    cdef const unsigned char *src = <const unsigned char *> PyBytes_AS_STRING(raw) + skip
    cdef Py_ssize_t n = len(raw) - skip, i = 0
    cdef const unsigned char *found
    cdef Offsets blocks = Offsets(NULL, 0, 0)  # the offsets of the block tags' '<'
    try:
        while i < n:
            found = <const unsigned char *> memchr(src + i, 60, n - i)
            if found == NULL:
                break
            i = found - src
            if block_tag_bytes(src, n, i):
                offsets_add(&blocks, i)
            i += 1
        return spaced_at(raw, skip, &blocks)
    finally:
        free(blocks.data)


cdef bytes spaced_at(bytes raw, Py_ssize_t skip, const Offsets *blocks):
    """``raw[skip:]`` with a space inserted before each of the offsets (ascending)."""
    cdef const unsigned char *src = <const unsigned char *> PyBytes_AS_STRING(raw) + skip
    cdef Py_ssize_t n = len(raw) - skip, prev = 0, at, k
    cdef char *dst
    if blocks.count == 0:
        return raw if skip == 0 else raw[skip:]
    out = PyBytes_FromStringAndSize(NULL, n + blocks.count)
    dst = PyBytes_AS_STRING(out)
    for k in range(blocks.count):
        at = blocks.data[k]
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


cdef extern from *:
    """
    /* The bitwise or of the n two-byte units at u. */
    static unsigned la_or16(const uint16_t *u, Py_ssize_t n) {
        Py_ssize_t i = 0;
        unsigned top = 0;
    #if defined(__SSE2__)
        __m128i acc = _mm_setzero_si128();
        uint16_t lanes[8];
        int k;
        for (; i + 8 <= n; i += 8)
            acc = _mm_or_si128(acc, _mm_loadu_si128((const __m128i *) (u + i)));
        _mm_storeu_si128((__m128i *) lanes, acc);
        for (k = 0; k < 8; k++) top |= lanes[k];
    #endif
        for (; i < n; i++) top |= u[i];
        return top;
    }
    /* The n two-byte units at u (each below 256) as bytes. */
    static void la_pack16(const uint16_t *u, Py_ssize_t n, unsigned char *out) {
        Py_ssize_t i = 0;
    #if defined(__SSE2__)
        for (; i + 16 <= n; i += 16)
            _mm_storeu_si128((__m128i *) (out + i), _mm_packus_epi16(
                _mm_loadu_si128((const __m128i *) (u + i)),
                _mm_loadu_si128((const __m128i *) (u + i + 8))));
    #endif
        for (; i < n; i++) out[i] = (unsigned char) u[i];
    }
    """
    unsigned la_or16(const uint16_t *u, Py_ssize_t n) noexcept
    void la_pack16(const uint16_t *u, Py_ssize_t n, unsigned char *out) noexcept


cdef str stripped(str buffer, int kind, void *data, Py_ssize_t lo, Py_ssize_t hi):
    cdef unsigned top
    cdef const uint16_t *u
    while lo < hi and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
        lo += 1
    while hi > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1)):
        hi -= 1
    if kind != 2 or hi - lo < 8:
        return buffer[lo:hi]
    # buffer[lo:hi] of a two-byte text: the narrowest kind its units fit, packed sixteen at a
    # time (most contexts and anchors of such a page are ASCII)
    u = <const uint16_t *> data + lo
    top = la_or16(u, hi - lo)
    if top >= 0x100:
        return buffer[lo:hi]
    out = PyUnicode_New(hi - lo, 0xFF if top > 0x7F else 0x7F)
    la_pack16(u, hi - lo, <unsigned char *> PyUnicode_DATA(out))
    return out


cdef int context_pair(str buffer, int kind, void *data, Py_ssize_t size, Py_ssize_t start,
                      Py_ssize_t end, Py_ssize_t n, PyObject **before,
                      PyObject **after) except -1:
    """One link's context in the buffer, as html.py's ``_emit`` cuts it, into *before and
    *after (new references; empty where an offset is missing or n is 0)."""
    cdef Py_ssize_t lo, hi, top, j, last
    cdef str text
    if start < 0 or end < 0 or n == 0:
        Py_INCREF(<object> _empty)
        Py_INCREF(<object> _empty)
        before[0] = after[0] = _empty
        return 0
    lo = start - n if start > n else 0
    if lo > 0 and not space_at(kind, data, lo - 1):
        for j in range(lo, start):  # drop the cut word
            if space_at(kind, data, j):
                lo = j + 1
                break
    text = stripped(buffer, kind, data, lo, start)
    Py_INCREF(text)
    before[0] = <PyObject *> text
    hi = end + n
    top = hi if hi < size else size
    if hi < size and not space_at(kind, data, hi) and (top == end or not space_at(kind, data, top - 1)):
        # cut the last word when a space is left inside the stripped text
        lo, last = end, top
        while lo < last and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
            lo += 1
        while last > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, last - 1)):
            last -= 1
        for j in range(last - 1, lo - 1, -1):
            if space_at(kind, data, j):
                top = j
                break
    text = stripped(buffer, kind, data, end, top)
    Py_INCREF(text)
    after[0] = <PyObject *> text
    return 0


cdef object _empty_str = ""
cdef PyObject *_empty = <PyObject *> _empty_str


def context_of(str buffer, Py_ssize_t start, Py_ssize_t end, Py_ssize_t n):
    """For the tests: (before, after) as emit cuts them."""
    cdef PyObject *before
    cdef PyObject *after
    context_pair(buffer, PyUnicode_KIND(buffer), PyUnicode_DATA(buffer),
                 PyUnicode_GET_LENGTH(buffer), start, end, n, &before, &after)
    out = (<object> before, <object> after)
    Py_DECREF(<object> before)
    Py_DECREF(<object> after)
    return out


def collapse_pieces_agree(bytes data, bint owed):
    """For the tests: collapse_piece's output (text, owed space, figures) next to what
    collapse_into and piece_of give for the same bytes, as two tuples."""
    cdef const unsigned char *s = <const unsigned char *> PyBytes_AS_STRING(data)
    cdef size_t size = len(data)
    cdef uint32_t *a = <uint32_t *> malloc((size + 2) * sizeof(uint32_t))
    cdef uint32_t *b = <uint32_t *> malloc((size + 2) * sizeof(uint32_t))
    cdef Piece p, q
    cdef bint owed_a = owed, owed_b = owed
    cdef Py_ssize_t n, m, i
    if a == NULL or b == NULL:
        free(a)
        free(b)
        raise MemoryError()
    try:
        n = collapse_piece(s, size, a, 0, &owed_a, &p)
        m = collapse_into(s, size, b, 0, &owed_b)
        piece_of(&q, s, size)
        if n < 0 or m < 0:
            return (n, q.kind), (m, q.kind)
        return ((tuple(a[i] for i in range(n)), owed_a,
                 (p.kind, p.length, p.lead, p.trail, p.collapsed, p.commas)),
                (tuple(b[i] for i in range(m)), owed_b,
                 (q.kind, q.length, q.lead, q.trail, q.collapsed, q.commas)))
    finally:
        free(a)
        free(b)
