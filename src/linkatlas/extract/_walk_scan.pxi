# Included by _walk.pyx (one extension module): one pass over the decoded page for the
# page-level scans of html.py (tracking IDs, Cloudflare e-mail hints, the tag count).
#
# The pure path runs four regex scans and three substring scans over the whole page; each
# costs about as much as this pass. Here one loop finds the few places where a pattern can
# start, and text.tracking_ids_at runs the same regexes there (pattern.match at a position sees
# the text before it, so the lookbehinds hold). A trigger is necessary for a match, never
# sufficient: the regexes decide.

ctypedef fused uchar_t:
    unsigned char
    uint16_t
    uint32_t


cdef inline uint32_t at(const uchar_t *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    return s[i] if 0 <= i < n else 0


cdef inline bint has(const uchar_t *s, Py_ssize_t n, Py_ssize_t i, const char *word) noexcept:
    """Whether the ASCII ``word`` is at s[i:]."""
    cdef Py_ssize_t k = 0
    if i < 0:
        return False
    while word[k] != 0:
        if i + k >= n or s[i + k] != <unsigned char> word[k]:
            return False
        k += 1
    return True


# Characters that can end a scan's trigger: '<', '-', '(', 'C', 'j'.
cdef unsigned char TRIGGER[256]
for _c in (60, 45, 40, 67, 106):  # < - ( C j
    TRIGGER[_c] = 1


cdef inline void on_trigger(const uchar_t *s, Py_ssize_t n, Py_ssize_t i, uint32_t c,
                            list dashed, list calls, list counters, list hotjar,
                            bint *cloudflare):
    """What a trigger character other than '<' at s[i] starts, by the characters before it."""
    cdef uint32_t p
    if c == 45:  # '-': UA-, GTM-, AW-, G-, pub-; data-cfemail, email-protection#
        p = at(s, n, i - 1)
        if p == 65 or p == 77 or p == 87 or p == 71 or p == 98:  # A M W G b
            dashed.append(i)
        elif (p == 97 and has(s, n, i - 4, "data-cfemail")) or (
                p == 108 and has(s, n, i - 5, "email-protection#")):
            cloudflare[0] = True
    elif c == 40:  # '(': fbq(, ym(
        p = at(s, n, i - 1)
        if p == 113 or p == 109:  # q m
            calls.append(i)
    elif c == 67:  # 'C' of yaCounter
        if at(s, n, i - 1) == 97 and at(s, n, i - 2) == 121:
            counters.append(i)
    elif at(s, n, i - 1) == 104:  # 'j' of hjid
        hotjar.append(i)


cdef void scan_chars(const uchar_t *s, Py_ssize_t n, Py_ssize_t *tags, list dashed,
                     list calls, list counters, list hotjar, bint *cloudflare):
    cdef Py_ssize_t i
    cdef uint32_t c
    for i in range(n):
        c = s[i]
        if c > 127 or not TRIGGER[c]:
            continue
        if c == 60:  # '<'
            tags[0] += 1
        else:
            on_trigger(s, n, i, c, dashed, calls, counters, hotjar, cloudflare)


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    /* Eight two-byte characters at s (s[-1] and s[8] readable): the number of '<' in *lt, and
       two bits per character that can start a pattern by itself and the characters around it
       ('-' after A M W G b, "a-c", "l-p", '(' after q m, 'C' after a, 'j' after h); SSE2
       compares where the compiler has them. */
    #define LA_EQ(x, c) _mm_cmpeq_epi16((x), _mm_set1_epi16(c))
    static unsigned la_block16(const uint16_t *s, unsigned *lt) {
    #if defined(__SSE2__)
        __m128i v = _mm_loadu_si128((const __m128i *) s);
        __m128i p = _mm_loadu_si128((const __m128i *) (s - 1));
        __m128i x = _mm_loadu_si128((const __m128i *) (s + 1));
        __m128i dash = _mm_and_si128(LA_EQ(v, 45), _mm_or_si128(
            _mm_or_si128(_mm_or_si128(LA_EQ(p, 65), LA_EQ(p, 77)),
                         _mm_or_si128(LA_EQ(p, 87), LA_EQ(p, 71))),
            _mm_or_si128(LA_EQ(p, 98), _mm_or_si128(  /* a-c(femail), l-p(rotection) */
                _mm_and_si128(LA_EQ(p, 97), LA_EQ(x, 99)),
                _mm_and_si128(LA_EQ(p, 108), LA_EQ(x, 112))))));
        __m128i call = _mm_and_si128(LA_EQ(v, 40), _mm_or_si128(LA_EQ(p, 113), LA_EQ(p, 109)));
        __m128i rest = _mm_or_si128(_mm_and_si128(LA_EQ(v, 67), LA_EQ(p, 97)),
                                    _mm_and_si128(LA_EQ(v, 106), LA_EQ(p, 104)));
        *lt = (unsigned) __builtin_popcount((unsigned) _mm_movemask_epi8(LA_EQ(v, 60))) >> 1;
        return (unsigned) _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(dash, call), rest));
    #else
        unsigned bits = 0, k;
        *lt = 0;
        for (k = 0; k < 8; k++) {
            uint16_t c = s[k];
            *lt += c == 60;
            if (c == 45 || c == 40 || c == 67 || c == 106) bits |= 3u << (2 * k);
        }
        return bits;
    #endif
    }
    """
    unsigned la_block16(const uint16_t *s, unsigned *lt) noexcept
    int __builtin_ctz(unsigned x) noexcept


cdef void scan_wide(const uint16_t *s, Py_ssize_t n, Py_ssize_t *tags, list dashed,
                    list calls, list counters, list hotjar, bint *cloudflare):
    """scan_chars for a two-byte-a-character text, eight characters at a time, each tested with
    the character before it (markup and script are full of '<', '-' and '(': testing them one
    by one was a mispredicted branch every few characters)."""
    cdef Py_ssize_t i = 0, k, lts = 0
    cdef unsigned bits, lt
    cdef uint32_t c
    if n:  # the first character one by one: the blocks read the character before them
        if s[0] == 60:
            lts += 1
        elif s[0] == 45 or s[0] == 40 or s[0] == 67 or s[0] == 106:
            on_trigger(s, n, 0, s[0], dashed, calls, counters, hotjar, cloudflare)
        i = 1
    while i + 9 <= n:
        bits = la_block16(s + i, &lt)
        lts += lt
        while bits:
            k = __builtin_ctz(bits) >> 1
            bits &= ~(3u << (2 * k))
            on_trigger(s, n, i + k, s[i + k], dashed, calls, counters, hotjar, cloudflare)
        i += 8
    while i < n:
        c = s[i]
        if c == 60:
            lts += 1
        elif c == 45 or c == 40 or c == 67 or c == 106:
            on_trigger(s, n, i, c, dashed, calls, counters, hotjar, cloudflare)
        i += 1
    tags[0] += lts


cdef void scan_bytes(const unsigned char *s, Py_ssize_t n, Py_ssize_t *tags, list dashed,
                     list calls, list counters, list hotjar, bint *cloudflare):
    """scan_chars for a one-byte-a-character text: memchr finds each trigger character (a
    vectorised search: markup and script are full of '-' and '('), then the characters before
    it are checked; '<' is counted by a loop the compiler vectorises."""
    cdef Py_ssize_t i, lt = 0
    cdef const unsigned char *hit
    cdef int c
    for i in range(n):
        lt += s[i] == 60
    tags[0] += lt
    for c in (45, 40, 67, 106):  # - ( C j, in turn: each list stays in document order
        hit = <const unsigned char *> memchr(s, c, n)
        while hit != NULL:
            i = hit - s
            on_trigger(s, n, i, c, dashed, calls, counters, hotjar, cloudflare)
            hit = <const unsigned char *> memchr(hit + 1, c, n - i - 1)


def page_scan(str text):
    """(count of '<', positions where a tracking-ID pattern may start: dashed, calls,
    yaCounter, hjid; whether Cloudflare-protected addresses may be present)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), tags = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef list dashed = [], calls = [], counters = [], hotjar = []
    cdef bint cloudflare = False
    if kind == 1:
        scan_bytes(<const unsigned char *> data, n, &tags, dashed, calls, counters, hotjar,
                   &cloudflare)
    elif kind == 2:
        scan_wide(<const uint16_t *> data, n, &tags, dashed, calls, counters, hotjar,
                  &cloudflare)
    else:
        scan_chars(<const uint32_t *> data, n, &tags, dashed, calls, counters, hotjar,
                   &cloudflare)
    return tags, (dashed, calls, counters, hotjar), cloudflare


# ---------------------------------------------------------------------------------------------
# Whether text.email_forms can find an address in a text: every form it reads needs an "@",
# an "&" (entities are decoded first), a fullwidth or small commercial at, " AT ", or a closing
# bracket right after "at", "at " (any case) or "@" (its _AT_HINT_FAST). False means it finds
# nothing; True means it must look.


cdef inline bint is_a(uint32_t c) noexcept:
    return c == 65 or c == 97


cdef inline bint is_t(uint32_t c) noexcept:
    return c == 84 or c == 116


# Characters where hint_chars looks closer: @ & ] ) } > T
cdef unsigned char EMAIL_TRIGGER[256]
for _c in (64, 38, 93, 41, 125, 62, 84):
    EMAIL_TRIGGER[_c] = 1


cdef bint hint_chars(const uchar_t *s, Py_ssize_t n) noexcept:
    cdef Py_ssize_t i
    cdef uint32_t c
    for i in range(n):
        c = s[i]
        if c > 255:
            if c == 0xFF20 or c == 0xFE6B:  # fullwidth and small commercial at
                return True
            continue
        if not EMAIL_TRIGGER[c]:
            continue
        if c == 64 or c == 38:  # @ &
            return True
        if c == 84:  # " AT "
            if at(s, n, i - 1) == 65 and at(s, n, i - 2) == 32 and at(s, n, i + 1) == 32:
                return True
        else:  # ] ) } >
            if is_t(at(s, n, i - 1)) and is_a(at(s, n, i - 2)):
                return True
            if at(s, n, i - 1) == 32 and is_t(at(s, n, i - 2)) and is_a(at(s, n, i - 3)):
                return True
    return False


def email_hint(str text):
    """False when ``text.email_forms(text)`` cannot find an address (see above)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == 1:
        return hint_chars(<const unsigned char *> data, n)
    if kind == 2:
        return hint_chars(<const uint16_t *> data, n)
    return hint_chars(<const uint32_t *> data, n)
