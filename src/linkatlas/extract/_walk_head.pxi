# Included by _walk.pyx (one extension module): charset.py's common-head match, compiled.
#
# charset._SIMPLE_HEAD matches a head made of a doctype, comments, processing instructions and
# plain tags with simple attributes, then ``<meta charset=...>``. Every construct it accepts
# parses one way only (each part ends where the next cannot start), so the regex never
# backtracks into a different parse: scanning the constructs left to right and failing where
# the regex would fail gives the same answer. ``simple_head_label`` is that scan;
# tests/test_text_scans.py fuzzes it against the regex.

cdef inline bint head_ws(unsigned char c) noexcept:
    return c == 32 or c == 9 or c == 10 or c == 12 or c == 13


cdef inline unsigned char lower(unsigned char c) noexcept:
    return c + 32 if 65 <= c <= 90 else c


cdef inline bint alpha(unsigned char c) noexcept:
    c = lower(c)
    return 97 <= c <= 122


cdef bint word_at(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, const char *word) noexcept:
    """Whether the lower-case ASCII ``word`` is at s[i:], ignoring case."""
    cdef Py_ssize_t k = 0
    while word[k] != 0:
        if i + k >= n or lower(s[i + k]) != <unsigned char> word[k]:
            return False
        k += 1
    return True


cdef inline bint unquoted(unsigned char c) noexcept:
    """[^ \t\n\f\r>"'<=`/]"""
    return not (head_ws(c) or c == 62 or c == 34 or c == 39 or c == 60 or c == 61 or c == 96
                or c == 47)


cdef Py_ssize_t skip_tag(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """``</?(?!meta[ws/])[a-z][^ws>/]*(?:ATTR)*[ws/]*>`` at s[i] == '<': its end, or -1."""
    cdef Py_ssize_t save
    cdef unsigned char c, quote
    i += 1
    if i < n and s[i] == 47:  # '/'
        i += 1
    if word_at(s, n, i, b"meta") and i + 4 < n and (head_ws(s[i + 4]) or s[i + 4] == 47):
        return -1
    if i >= n or not alpha(s[i]):
        return -1
    i += 1
    while i < n and not (head_ws(s[i]) or s[i] == 62 or s[i] == 47):
        i += 1
    while True:  # attributes: [ws/]+ name (= value)?
        save = i
        while i < n and (head_ws(s[i]) or s[i] == 47):
            i += 1
        if i == save or i >= n:
            i = save
            break
        c = lower(s[i])
        if not (97 <= c <= 122 or c == 95 or c == 58):  # [a-z_:]
            i = save
            break
        i += 1
        while i < n:
            c = lower(s[i])
            if 97 <= c <= 122 or 48 <= c <= 57 or c == 45 or c == 95 or c == 58 or c == 46:
                i += 1
            else:
                break
        if i < n and s[i] == 61:  # '=' and a value; without a value the '=' ends the match
            if i + 1 < n and (s[i + 1] == 34 or s[i + 1] == 39):
                quote = s[i + 1]
                save = i + 2
                while save < n and s[save] != quote:
                    save += 1
                if save >= n:
                    return -1
                i = save + 1
            elif i + 1 < n and unquoted(s[i + 1]):
                i += 2
                while i < n and unquoted(s[i]):
                    i += 1
            else:
                return -1
    while i < n and (head_ws(s[i]) or s[i] == 47):
        i += 1
    if i < n and s[i] == 62:
        return i + 1
    return -1


cdef Py_ssize_t skip_construct(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """One comment, doctype-like ``<!...>``, ``<?...>`` or tag at s[i] == '<': its end, or
    -1 (the same alternatives, in the same order, as the regex)."""
    cdef Py_ssize_t j
    if i + 1 < n and s[i + 1] == 33:  # '<!'
        if i + 3 < n and s[i + 2] == 45 and s[i + 3] == 45:  # comment: up to the first -->
            j = i + 2
            while j + 2 < n:
                if s[j] == 45 and s[j + 1] == 45 and s[j + 2] == 62:
                    return j + 3
                j += 1
            return -1
        if i + 2 < n and s[i + 2] != 45 and s[i + 2] != 62:  # <![^->][^>]*>
            j = i + 3
            while j < n and s[j] != 62:
                j += 1
            return j + 1 if j < n else -1
        return -1
    if i + 1 < n and s[i + 1] == 63:  # <\?[^>]+>
        j = i + 2
        while j < n and s[j] != 62:
            j += 1
        return j + 1 if j < n and j > i + 2 else -1
    return skip_tag(s, n, i)


def simple_head_label(bytes body, Py_ssize_t limit):
    """The charset label of ``charset._SIMPLE_HEAD.match(body, 0, limit)`` (the first of its
    groups that is set, as prescan reads them), or None when it does not match."""
    cdef const unsigned char *s = body
    cdef Py_ssize_t n = min(limit, len(body)), i = 0, j, start
    cdef unsigned char quote
    if n < 0:
        n = 0
    while True:
        while i < n and head_ws(s[i]):
            i += 1
        if i >= n or s[i] != 60:
            return None
        if word_at(s, n, i + 1, b"meta") and i + 5 < n and head_ws(s[i + 5]):
            break
        i = skip_construct(s, n, i)
        if i < 0:
            return None
    # <meta[ws]+charset=(value)[ws/]*>
    i += 5
    while i < n and head_ws(s[i]):
        i += 1
    if not word_at(s, n, i, b"charset="):
        return None
    i += 8
    if i < n and (s[i] == 34 or s[i] == 39):
        quote = s[i]
        start = i + 1
        j = start
        while j < n and s[j] != quote:
            j += 1
        if j >= n:
            return None
        i = j + 1
    else:
        start = j = i
        while j < n and unquoted(s[j]):
            j += 1
        if j == start or j >= n or not (head_ws(s[j]) or s[j] == 62):
            return None
        i = j
    label = body[start:j]
    while i < n and (head_ws(s[i]) or s[i] == 47):
        i += 1
    if i < n and s[i] == 62:
        return label
    return None


# ---------------------------------------------------------------------------------------------
# charset.prescan's byte loop, compiled: the same steps over the same bytes; each <meta is
# handed to charset._meta (a few a page: its attribute rules stay in one place). Tags other
# than meta only have their attributes skipped, which needs no names or values.


cdef Py_ssize_t skip_attribute(const unsigned char *b, Py_ssize_t n, Py_ssize_t pos) noexcept:
    """charset._get_attribute's position after the attribute at pos, or -1 where it returns
    None."""
    cdef Py_ssize_t name_len = 0
    cdef unsigned char c
    cdef const unsigned char *hit
    while pos < n and (head_ws(b[pos]) or b[pos] == 0x2F):
        pos += 1
    if pos >= n or b[pos] == 0x3E:
        return -1
    while True:
        if pos >= n:
            return -1
        c = b[pos]
        if c == 0x3D and name_len:
            pos += 1
            break
        if head_ws(c):
            while pos < n and head_ws(b[pos]):
                pos += 1
            if pos >= n:
                return -1
            if b[pos] != 0x3D:
                return pos
            pos += 1
            break
        if c == 0x2F or c == 0x3E:
            return pos
        name_len += 1
        pos += 1
    while pos < n and head_ws(b[pos]):
        pos += 1
    if pos >= n:
        return -1
    c = b[pos]
    if c == 0x22 or c == 0x27:
        hit = <const unsigned char *> memchr(b + pos + 1, c, n - pos - 1)
        return -1 if hit == NULL else hit - b + 1
    if c == 0x3E:
        return pos
    while pos < n and not head_ws(b[pos]) and b[pos] != 0x3E:
        pos += 1
    return -1 if pos >= n else pos


cdef Py_ssize_t find_from(const unsigned char *b, Py_ssize_t n, Py_ssize_t pos,
                          const char *what, Py_ssize_t k) noexcept:
    """bytes.find(what, pos) for a k-byte what."""
    cdef const unsigned char *hit
    if pos > n:
        return -1
    hit = <const unsigned char *> la_memmem(<const char *> b + pos, n - pos, what, k)
    return -1 if hit == NULL else hit - b


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    /* Whether "charset", any case, starts at s[i] (s has n bytes). */
    static int la_charset_at(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) {
        const unsigned char *w = s + i;
        return i + 7 <= n && (w[0] == 'c' || w[0] == 'C') && (w[1] == 'h' || w[1] == 'H')
               && (w[2] == 'a' || w[2] == 'A') && (w[3] == 'r' || w[3] == 'R')
               && (w[4] == 's' || w[4] == 'S') && (w[5] == 'e' || w[5] == 'E')
               && (w[6] == 't' || w[6] == 'T');
    }
    /* Whether "charset" is in s[0:n], any case (bytes.lower then in): the c's found sixteen
       bytes a step. */
    static int la_has_charset(const unsigned char *s, Py_ssize_t n) {
        Py_ssize_t i = 0;
        unsigned bits;
    #if defined(__SSE2__)
        const __m128i low = _mm_set1_epi8(0x20), c = _mm_set1_epi8('c');
        for (; i + 16 <= n; i += 16) {
            __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *) (s + i)), low);
            bits = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(v, c));
            while (bits) {
                if (la_charset_at(s, n, i + __builtin_ctz(bits))) return 1;
                bits &= bits - 1;
            }
        }
    #endif
        for (; i < n; i++)
            if ((s[i] | 0x20) == 'c' && la_charset_at(s, n, i)) return 1;
        return 0;
    }
    """
    int la_has_charset(const unsigned char *s, Py_ssize_t n) noexcept


def prescan_loop(bytes b, meta):
    """charset.prescan's loop over b (the bytes it reads), with ``meta`` its ``_meta``: the
    encoding the first meta names, or None (at once when b has no "charset", in any case:
    both ways of naming an encoding spell it)."""
    cdef const unsigned char *s = <const unsigned char *> PyBytes_AS_STRING(b)
    cdef Py_ssize_t n = len(b), pos = 0, start, end, after
    cdef const unsigned char *hit
    cdef unsigned char nxt
    if not la_has_charset(s, n):
        return None
    while pos < n:
        hit = <const unsigned char *> memchr(s + pos, 0x3C, n - pos)  # every branch is at '<'
        if hit == NULL:
            return None
        pos = hit - s
        if pos + 3 < n and s[pos + 1] == 0x21 and s[pos + 2] == 0x2D and s[pos + 3] == 0x2D:
            end = find_from(s, n, pos + 2, b"-->", 3)
            if end < 0:
                return None
            pos = end + 3
            continue
        if (word_at(s, n, pos, b"<meta") and pos + 5 < n
                and (head_ws(s[pos + 5]) or s[pos + 5] == 0x2F)):
            found = meta(b, pos + 5)
            if found is None:
                return None
            pos, enc = found
            if enc:
                return enc
            continue
        if pos + 1 < n:
            nxt = s[pos + 1]
            start = pos + 2 if nxt == 0x2F else pos + 1
            if start < n and alpha(s[start]):
                pos = start
                while pos < n and not head_ws(s[pos]) and s[pos] != 0x3E:
                    pos += 1
                after = skip_attribute(s, n, pos)
                while after >= 0:
                    pos = after
                    after = skip_attribute(s, n, pos)
                pos += 1
                continue
            if nxt == 0x21 or nxt == 0x2F or nxt == 0x3F:
                hit = <const unsigned char *> memchr(s + pos + 2, 0x3E, n - pos - 2) \
                    if pos + 2 < n else NULL
                if hit == NULL:
                    return None
                pos = hit - s + 1
                continue
        pos += 1
    return None
