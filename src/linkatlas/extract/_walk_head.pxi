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
