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


cdef inline bint id_start(uint32_t c) noexcept:
    """[A-Z0-9]: what _DASHED needs right after its dash."""
    return 48 <= c <= 57 or 65 <= c <= 90


cdef void on_trigger(const uchar_t *s, Py_ssize_t n, Py_ssize_t i, uint32_t c,
                            list dashed, list calls, list counters, list hotjar,
                            bint *cloudflare):
    """What a trigger character other than '<' at s[i] starts, by the characters around it: the
    literals each pattern needs there (a place is kept when they are all present; the regexes
    decide the rest). Only ASCII is compared, so UTF-8 bytes scan as the text would."""
    cdef uint32_t p
    if c == 45:  # '-': UA-, GTM-, AW-, G-, pub- and [A-Z0-9]; data-cfemail, email-protection#
        p = at(s, n, i - 1)
        if id_start(at(s, n, i + 1)) and (
                p == 71 or (p == 65 and at(s, n, i - 2) == 85)  # G- UA-
                or (p == 87 and at(s, n, i - 2) == 65)  # AW-
                or (p == 77 and has(s, n, i - 3, "GTM")) or (p == 98 and has(s, n, i - 3, "pub"))):
            dashed.append(i)
        elif (p == 97 and has(s, n, i - 4, "data-cfemail")) or (
                p == 108 and has(s, n, i - 5, "email-protection#")):
            cloudflare[0] = True
    elif c == 40:  # '(': fbq(, ym(
        p = at(s, n, i - 1)
        if (p == 113 and has(s, n, i - 3, "fbq")) or (p == 109 and at(s, n, i - 2) == 121):
            calls.append(i)
    elif c == 67:  # 'C' of yaCounter
        if at(s, n, i - 1) == 97 and at(s, n, i - 2) == 121 and has(s, n, i + 1, "ounter"):
            counters.append(i)
    elif at(s, n, i - 1) == 104 and has(s, n, i + 1, "id"):  # 'j' of hjid
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
    #if defined(__GNUC__)
    #define LA_HOT static inline __attribute__((always_inline))
    #else
    #define LA_HOT static inline
    #endif
    LA_HOT unsigned la_block16(const uint16_t *s, unsigned *lt) {
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
    void __builtin_prefetch(const void *p) noexcept


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



cdef extern from *:
    """
    /* Check the UTF-8 sequences that start in s[i:stop] (s has n bytes): strict UTF-8
       (nothing Python's decoder would replace), no U+FFFD, nothing in planes 15 and 16
       (html.py's marker range). The end of the last sequence checked (stop or a little
       past it), or -1; *tails counts the continuation bytes. Eight ASCII bytes at a time. */
    static Py_ssize_t la_utf8_run(const unsigned char *s, Py_ssize_t n, Py_ssize_t i,
                                  Py_ssize_t stop, Py_ssize_t *tails) {
        uint64_t word;
        unsigned char b, b1, b2;
        while (i < stop) {
            if (i + 8 <= stop) {
                memcpy(&word, s + i, 8);
                if (!(word & 0x8080808080808080ULL)) { i += 8; continue; }
            }
            b = s[i];
            if (b < 0x80) { i++; continue; }
            if (b >= 0xC2 && b <= 0xDF) {
                if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return -1;
                i += 2; *tails += 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                if (i + 2 >= n) return -1;
                b1 = s[i + 1]; b2 = s[i + 2];
                if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return -1;
                if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F)) return -1;
                if (b == 0xEF && b1 == 0xBF && b2 == 0xBD) return -1;  /* U+FFFD */
                i += 3; *tails += 2;
            } else if (b >= 0xF0 && b <= 0xF3) {
                if (i + 3 >= n) return -1;
                b1 = s[i + 1];
                if ((b1 & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80
                        || (s[i + 3] & 0xC0) != 0x80) return -1;
                if ((b == 0xF0 && b1 < 0x90) || (b == 0xF3 && b1 >= 0xB0)) return -1;
                i += 4; *tails += 3;
            } else {
                return -1;  /* a stray tail byte, C0 C1, F4 (U+100000 up) or F5-FF */
            }
        }
        return i;
    }
    /* The characters of s[0:n] when la_utf8_run accepts all of it, else -1. */
    static Py_ssize_t la_utf8_plain(const unsigned char *s, Py_ssize_t n) {
        Py_ssize_t tails = 0;
        return la_utf8_run(s, n, 0, n, &tails) < 0 ? -1 : n - tails;
    }
    """
    Py_ssize_t la_utf8_run(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Py_ssize_t stop,
                           Py_ssize_t *tails) noexcept
    Py_ssize_t la_utf8_plain(const unsigned char *s, Py_ssize_t n) noexcept


def utf8_plain(bytes body):
    """The number of characters of ``body`` when it is strict UTF-8 without U+FFFD or
    characters in planes 15-16, else -1 (exposed for the tests)."""
    return la_utf8_plain(<const unsigned char *> PyBytes_AS_STRING(body), len(body))


def prepare_utf8(bytes body, Py_ssize_t skip, Py_ssize_t tag_limit):
    """html.py's page-level work on a UTF-8 body without decoding it, when ``body[skip:]`` (the
    body after its BOM) is strict UTF-8 with no U+FFFD and no character of planes 15-16 (the
    text would need no replacement and no marker escaping) and has at most ``tag_limit`` '<':
    (the bytes to parse (``spaced_utf8`` of the text), the text's length in characters, the
    page scan's places as byte offsets (for ``text.tracking_ids_utf8``), the Cloudflare flag).
    None otherwise: html.py then decodes the body."""
    cdef const unsigned char *s = <const unsigned char *> PyBytes_AS_STRING(body) + skip
    cdef Py_ssize_t n = len(body) - skip, chars, tags = 0
    cdef list dashed = [], calls = [], counters = [], hotjar = []
    cdef bint cloudflare = False
    if skip < 0 or n < 0:
        raise ValueError("skip out of range")
    cdef Offsets blocks = Offsets(NULL, 0, 0)
    try:
        chars = scan_utf8(s, n, &tags, dashed, calls, counters, hotjar, &cloudflare, &blocks)
        if chars < 0 or tags > tag_limit:
            return None
        return (spaced_at(body, skip, &blocks), chars, (dashed, calls, counters, hotjar),
                cloudflare)
    finally:
        free(blocks.data)


cdef extern from *:
    """
    /* Sixteen bytes at s (s[-1] and s[16] readable): the '<' among them as a bit mask in *lt,
       and the bytes that can start a pattern by themselves and the bytes around them, as
       la_block16 tests two-byte characters. */
    #define LA_EQ8(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8((char) (c)))
    LA_HOT unsigned la_block8(const unsigned char *s, unsigned *lt, unsigned *high) {
    #if defined(__SSE2__)
        __m128i v = _mm_loadu_si128((const __m128i *) s);
        __m128i p, x;
        *lt = (unsigned) _mm_movemask_epi8(LA_EQ8(v, 60));
        *high = (unsigned) _mm_movemask_epi8(v);
        /* (no early exit for blocks without a trigger: markup has one in most blocks, and the
           branch mispredicted more than the compares it saved) */
        p = _mm_loadu_si128((const __m128i *) (s - 1));
        x = _mm_loadu_si128((const __m128i *) (s + 1));
        __m128i dash = _mm_and_si128(LA_EQ8(v, 45), _mm_or_si128(
            _mm_or_si128(_mm_or_si128(LA_EQ8(p, 65), LA_EQ8(p, 77)),
                         _mm_or_si128(LA_EQ8(p, 87), LA_EQ8(p, 71))),
            _mm_or_si128(LA_EQ8(p, 98), _mm_or_si128(  /* a-c(femail), l-p(rotection) */
                _mm_and_si128(LA_EQ8(p, 97), LA_EQ8(x, 99)),
                _mm_and_si128(LA_EQ8(p, 108), LA_EQ8(x, 112))))));
        __m128i call = _mm_and_si128(LA_EQ8(v, 40),
                                     _mm_or_si128(LA_EQ8(p, 113), LA_EQ8(p, 109)));
        __m128i rest = _mm_or_si128(_mm_and_si128(LA_EQ8(v, 67), LA_EQ8(p, 97)),
                                    _mm_and_si128(LA_EQ8(v, 106), LA_EQ8(p, 104)));
        return (unsigned) _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(dash, call), rest));
    #else
        unsigned bits = 0, lts = 0, highs = 0, k;
        for (k = 0; k < 16; k++) {
            unsigned char c = s[k];
            lts |= (unsigned) (c == 60) << k;
            highs |= (unsigned) (c >> 7) << k;
            if (c == 45 || c == 40 || c == 67 || c == 106) bits |= 1u << k;
        }
        *lt = lts;
        *high = highs;
        return bits;
    #endif
    }
    """
    unsigned la_block8(const unsigned char *s, unsigned *lt, unsigned *high) noexcept


cdef inline int scan_byte(const unsigned char *s, Py_ssize_t n, Py_ssize_t i,
                          Py_ssize_t *tags, list dashed, list calls, list counters,
                          list hotjar, bint *cloudflare, Offsets *blocks) except -1:
    cdef unsigned char c = s[i]
    if c == 60:
        tags[0] += 1
        if block_tag_bytes(s, n, i):
            offsets_add(blocks, i)
    elif c == 45 or c == 40 or c == 67 or c == 106:
        on_trigger(s, n, i, c, dashed, calls, counters, hotjar, cloudflare)
    return 0


cdef Py_ssize_t scan_utf8(const unsigned char *s, Py_ssize_t n, Py_ssize_t *tags, list dashed,
                          list calls, list counters, list hotjar, bint *cloudflare,
                          Offsets *blocks) except -2:
    """la_utf8_plain, scan_bytes and spaced_from's search for block tags in one pass over
    UTF-8 bytes, sixteen at a time: the sequences checked where a block has a non-ASCII byte,
    each '<' counted (and its offset kept in blocks when a block tag follows it), each trigger
    handed to on_trigger (places are byte offsets). The number of characters, or -1 where
    la_utf8_plain would say -1 (the scan is then unfinished)."""
    cdef Py_ssize_t i = 0, k, valid = 0, tails = 0
    cdef unsigned bits, lt, high
    if n:  # the first byte alone: a block reads the byte before it
        scan_byte(s, n, 0, tags, dashed, calls, counters, hotjar, cloudflare, blocks)
        valid = la_utf8_run(s, n, 0, 1, &tails)
        if valid < 0:
            return -1
        i = 1
    while i + 17 <= n:
        __builtin_prefetch(s + i + 1024)
        bits = la_block8(s + i, &lt, &high)
        if high:  # the sequences starting in the block (the last may run past it)
            valid = la_utf8_run(s, n, valid if valid > i else i, i + 16, &tails)
            if valid < 0:
                return -1
        elif valid < i:  # every byte before the block was checked or ASCII
            valid = i
        while lt:
            k = __builtin_ctz(lt)
            lt &= lt - 1
            tags[0] += 1
            if block_tag_bytes(s, n, i + k):
                offsets_add(blocks, i + k)
        while bits:
            k = __builtin_ctz(bits)
            bits &= bits - 1
            on_trigger(s, n, i + k, s[i + k], dashed, calls, counters, hotjar, cloudflare)
        i += 16
    while i < n:
        scan_byte(s, n, i, tags, dashed, calls, counters, hotjar, cloudflare, blocks)
        i += 1
    if valid < n and la_utf8_run(s, n, valid, n, &tails) < 0:  # the bytes after the blocks
        return -1
    return n - tails


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


cdef inline bint hint_at(const uchar_t *s, Py_ssize_t n, Py_ssize_t i, uint32_t c) noexcept:
    """Whether the trigger character c at s[i] makes the hint true."""
    if c == 64 or c == 38:  # @ &
        return True
    if c == 84:  # " AT "
        return at(s, n, i - 1) == 65 and at(s, n, i - 2) == 32 and at(s, n, i + 1) == 32
    # ] ) } >
    if is_t(at(s, n, i - 1)) and is_a(at(s, n, i - 2)):
        return True
    return at(s, n, i - 1) == 32 and is_t(at(s, n, i - 2)) and is_a(at(s, n, i - 3))


cdef bint hint_chars(const uchar_t *s, Py_ssize_t n) noexcept:
    cdef Py_ssize_t i
    cdef uint32_t c
    for i in range(n):
        c = s[i]
        if c > 255:
            if c == 0xFF20 or c == 0xFE6B:  # fullwidth and small commercial at
                return True
            continue
        if EMAIL_TRIGGER[c] and hint_at(s, n, i, c):
            return True
    return False


cdef extern from *:
    """
    /* The bytes of s[0:16] that are @ & ] ) } > or T, as a bit mask. */
    LA_HOT unsigned la_email_triggers16(const unsigned char *s) {
    #if defined(__SSE2__)
        __m128i v = _mm_loadu_si128((const __m128i *) s);
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(LA_EQ8(v, 64), LA_EQ8(v, 38)),
                         _mm_or_si128(LA_EQ8(v, 93), LA_EQ8(v, 41))),
            _mm_or_si128(_mm_or_si128(LA_EQ8(v, 125), LA_EQ8(v, 62)), LA_EQ8(v, 84)));
        return (unsigned) _mm_movemask_epi8(m);
    #else
        unsigned bits = 0, k;
        for (k = 0; k < 16; k++) {
            unsigned char c = s[k];
            if (c == 64 || c == 38 || c == 93 || c == 41 || c == 125 || c == 62 || c == 84)
                bits |= 1u << k;
        }
        return bits;
    #endif
    }
    """
    unsigned la_email_triggers16(const unsigned char *s) noexcept


cdef bint hint_bytes(const unsigned char *s, Py_ssize_t n) noexcept:
    """hint_chars for a one-byte-a-character text, sixteen characters a step (the triggers are
    a few in a hundred characters of prose)."""
    cdef Py_ssize_t i = 0, k
    cdef unsigned bits
    while i + 16 <= n:
        bits = la_email_triggers16(s + i)
        while bits:
            k = i + __builtin_ctz(bits)
            bits &= bits - 1
            if hint_at(s, n, k, s[k]):
                return True
        i += 16
    while i < n:
        if EMAIL_TRIGGER[s[i]] and hint_at(s, n, i, s[i]):
            return True
        i += 1
    return False


def email_hint(str text):
    """False when ``text.email_forms(text)`` cannot find an address (see above)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == 1:
        return hint_bytes(<const unsigned char *> data, n)
    if kind == 2:
        return hint_chars(<const uint16_t *> data, n)
    return hint_chars(<const uint32_t *> data, n)


# ---------------------------------------------------------------------------------------------
# text.email_signs in one pass: what email_forms looks for before its scans. The bracket forms
# of _AT_HINT / _DOT_HINT (an opening bracket, spaces, "at" or "@" ("dot" or "."), spaces, a
# closing bracket) are read back from each closing bracket: the spaces before it and after the
# opening bracket are runs the regex consumes whole (the word and the brackets are no spaces).

DEF SIGN_ENTITY = 1
DEF SIGN_LOOKALIKE = 2
DEF SIGN_AT = 4
DEF SIGN_FORM = 8

# Where signs_chars looks closer: & @ ] ) } > and the A of " AT ", the D of " DOT "
cdef unsigned char SIGN_TRIGGER[256]
for _c in (38, 64, 93, 41, 125, 62, 65, 68):
    SIGN_TRIGGER[_c] = 1


cdef inline Py_ssize_t skip_spaces_back(const uchar_t *s, Py_ssize_t j) noexcept:
    while j >= 0 and Py_UNICODE_ISSPACE(s[j]):
        j -= 1
    return j


cdef inline bint is_o(uint32_t c) noexcept:
    return c == 79 or c == 111


cdef inline bint is_d(uint32_t c) noexcept:
    return c == 68 or c == 100


cdef inline bint word_before(const uchar_t *s, Py_ssize_t n, Py_ssize_t j, bint dot) noexcept:
    """Whether "at" or "@" ("dot" or ".") ends at s[j] (any case)."""
    if dot:
        return at(s, n, j) == 46 or (is_t(at(s, n, j)) and is_o(at(s, n, j - 1))
                                     and is_d(at(s, n, j - 2)))
    return at(s, n, j) == 64 or (is_t(at(s, n, j)) and is_a(at(s, n, j - 1)))


cdef inline bint opened_form(const uchar_t *s, Py_ssize_t n, Py_ssize_t i, bint dot) noexcept:
    """Whether the closing bracket at s[i] ends a bracketed word form (_AT_HINT's first branch
    when not dot, _DOT_HINT's when dot)."""
    cdef Py_ssize_t j = skip_spaces_back(s, i - 1)
    if j < 0 or not word_before(s, n, j, dot):
        return False
    j -= 1 if at(s, n, j) == 46 or at(s, n, j) == 64 else (3 if dot else 2)
    j = skip_spaces_back(s, j)
    return j >= 0 and (s[j] == 91 or s[j] == 40 or s[j] == 123 or s[j] == 60)  # [ ( { <


cdef int signs_chars(const uchar_t *s, Py_ssize_t n) noexcept:
    cdef Py_ssize_t i
    cdef uint32_t c
    cdef int signs = 0
    # _AT_HINT_FAST / _DOT_HINT_FAST found, _AT_HINT / _DOT_HINT found
    cdef bint at_fast = False, dot_fast = False, at_full = False, dot_full = False
    for i in range(n):
        c = s[i]
        if c > 255:
            if c == 0xFF20 or c == 0xFE6B:  # fullwidth and small commercial at
                signs |= SIGN_LOOKALIKE
            continue
        if not SIGN_TRIGGER[c]:
            continue
        if c == 38:  # &#, &commat;, &period;
            if at(s, n, i + 1) == 35 or has(s, n, i, "&commat;") or has(s, n, i, "&period;"):
                signs |= SIGN_ENTITY
        elif c == 64:
            signs |= SIGN_AT
        elif c == 65:  # " AT "
            if at(s, n, i - 1) == 32 and at(s, n, i + 1) == 84 and at(s, n, i + 2) == 32:
                at_fast = at_full = True
        elif c == 68:  # " DOT "
            if at(s, n, i - 1) == 32 and has(s, n, i + 1, "OT "):
                dot_fast = dot_full = True
        else:  # ] ) } >: the word right before it (and maybe one space), then the whole form
            if word_before(s, n, i - 1, False) or (
                    at(s, n, i - 1) == 32 and word_before(s, n, i - 2, False)):
                at_fast = True
            if word_before(s, n, i - 1, True) or (
                    at(s, n, i - 1) == 32 and word_before(s, n, i - 2, True)):
                dot_fast = True
            if not at_full and opened_form(s, n, i, False):
                at_full = True
            if not dot_full and opened_form(s, n, i, True):
                dot_full = True
    if (at_fast and at_full) or (signs & SIGN_AT and dot_fast and dot_full):
        signs |= SIGN_FORM
    return signs


def email_signs(str text):
    """``text.email_signs(text)``, compiled: one pass over the text."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == 1:
        return signs_chars(<const unsigned char *> data, n)
    if kind == 2:
        return signs_chars(<const uint16_t *> data, n)
    return signs_chars(<const uint32_t *> data, n)
