# Included by _walk.pyx (one extension module): html.py's per-link loops (link elements, collect, clone merge, records).

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


# ---------------------------------------------------------------------------------------------
# html.py's ``tree.strip_tags(["script", "style", "noscript", "template"])`` without its four
# tag searches: link_elements notes the candidates during its walk, strip_collected detaches
# the same nodes in the same order. selectolax searches one tag at a time from the document
# and removes (detaches, lxb_dom_node_remove) what it found before the next search, so an
# element is removed when no ancestor was removed by an earlier search (nesting of one tag
# does not protect: the search collects before it removes).


cdef inline int strip_order(lxb_dom_node_t *node) noexcept:
    """The search that removes this element (0 script, 1 style, 2 noscript, 3 template) or -1;
    lxb_dom_node_by_tag_name matches the tag id and an empty prefix."""
    cdef uintptr_t tag = node.local_name
    if node.prefix != LXB_NS__UNDEF:
        return -1
    if tag == LXB_TAG_SCRIPT:
        return 0
    if tag == LXB_TAG_STYLE:
        return 1
    if tag == LXB_TAG_NOSCRIPT:
        return 2
    if tag == LXB_TAG_TEMPLATE:
        return 3
    return -1


cdef inline void detach(lxb_dom_node_t *node) noexcept:
    """lxb_dom_node_remove_wo_events. lxb_dom_node_remove adds the document's "removed"
    mutation steps, which for these four HTML elements (and any non-HTML one) do nothing."""
    if node.parent != NULL:
        if node.parent.first_child == node:
            node.parent.first_child = node.next
        if node.parent.last_child == node:
            node.parent.last_child = node.prev
    if node.next != NULL:
        node.next.prev = node.prev
    if node.prev != NULL:
        node.prev.next = node.next
    node.parent = NULL
    node.next = NULL
    node.prev = NULL


cpdef strip_collected(LexborHTMLParser tree, list candidates):
    """Detach what ``tree.strip_tags(["script", "style", "noscript", "template"])`` would, from
    the candidates ``link_elements`` noted (addresses in document order); the tree must not
    have changed in between. The elements removed by an earlier search are marked through
    their ``user`` pointer while the searches run (restored after)."""
    cdef Py_ssize_t m = len(candidates), k, start, count = 0
    cdef lxb_dom_node_t **nodes
    cdef lxb_dom_node_t **removed
    cdef void **kept_user
    cdef lxb_dom_node_t *node
    cdef lxb_dom_node_t *anc
    cdef int order
    if m == 0:
        tree._mutation_count += 1  # selectolax's _mark_mutated, which strip_tags calls
        return
    nodes = <lxb_dom_node_t **> malloc(m * sizeof(lxb_dom_node_t *))
    removed = <lxb_dom_node_t **> malloc(m * sizeof(lxb_dom_node_t *))
    kept_user = <void **> malloc(m * sizeof(void *))
    try:
        if nodes == NULL or removed == NULL or kept_user == NULL:
            raise MemoryError()
        for k in range(m):
            nodes[k] = <lxb_dom_node_t *> <uintptr_t> candidates[k]
        for order in range(4):
            start = count
            for k in range(m):
                node = nodes[k]
                if strip_order(node) != order:
                    continue
                anc = node.parent
                while anc != NULL and anc.user != <void *> &_GONE:
                    anc = anc.parent
                if anc == NULL:  # no ancestor removed by an earlier search
                    removed[count] = node
                    count += 1
            for k in range(start, count):  # (marked after the search: nesting does not protect)
                kept_user[k] = removed[k].user
                removed[k].user = <void *> &_GONE
        for k in range(count):
            removed[k].user = kept_user[k]
        for k in range(count):
            detach(removed[k])
    finally:
        free(nodes)
        free(removed)
        free(kept_user)
    tree._mutation_count += 1  # selectolax's _mark_mutated, which strip_tags calls


cdef char _GONE = 0  # its address marks an element an earlier search removed


def html_lang(LexborNode root):
    """``root.attributes.get("lang") or ""`` when root is the ``html`` element, else ''."""
    if root.node.local_name != LXB_TAG_HTML or root.node.prefix != LXB_NS__UNDEF:
        return ""
    return attr_value(root.node, b"lang", 4)


cdef enum:  # LinkElements.tags: the kind of each element found
    EL_A = 0
    EL_AREA = 1
    EL_LINK = 2
    EL_META = 3


cdef class LinkElements:
    """What html.py's css queries return, kept as node pointers (no attribute dict or node
    wrapper a link): every ``a[href], area[href], link[href], meta[content]`` element under a
    root in document order, the first ``base[href]`` and ``title``, and the addresses of the
    script, style, noscript and template elements for ``strip_collected``. Valid while the
    tree is unchanged (the pointers are the tree's own)."""

    cdef LexborHTMLParser tree
    cdef lxb_dom_node_t **nodes
    cdef unsigned char *tags
    cdef Py_ssize_t count
    cdef Py_ssize_t cap
    cdef lxb_dom_node_t *base_node
    cdef lxb_dom_node_t *title_node
    cdef readonly list strip

    def __cinit__(self):
        self.nodes = NULL
        self.tags = NULL
        self.count = self.cap = 0
        self.base_node = self.title_node = NULL
        self.strip = []

    def __dealloc__(self):
        free(self.nodes)
        free(self.tags)

    cdef int add(self, lxb_dom_node_t *node, unsigned char tag) except -1:
        cdef Py_ssize_t cap
        cdef void *grown
        if self.count == self.cap:
            cap = self.cap * 2 + 16
            grown = realloc(self.nodes, cap * sizeof(lxb_dom_node_t *))
            if grown == NULL:
                raise MemoryError()
            self.nodes = <lxb_dom_node_t **> grown
            grown = realloc(self.tags, cap)
            if grown == NULL:
                raise MemoryError()
            self.tags = <unsigned char *> grown
            self.cap = cap
        self.nodes[self.count] = node
        self.tags[self.count] = tag
        self.count += 1
        return 0

    def __len__(self):
        return self.count

    @property
    def base(self):
        """The first ``base[href]`` element, or None."""
        return wrap(self.base_node, self.tree) if self.base_node != NULL else None

    def title_text(self):
        """``collapse(self.title.text())`` (None without a title), from its text nodes."""
        cdef uint32_t *a = NULL
        cdef Py_ssize_t n, cap = 256, spaces
        if self.title_node == NULL:
            return None
        try:
            a = <uint32_t *> malloc(cap * sizeof(uint32_t))
            if a == NULL:
                raise MemoryError()
            n = walk_collapse(self.title_node, &a, &cap, NULL, NULL)
            if n < 0:  # not strict UTF-8: as Python decodes and splits it
                return " ".join(node_text(self.title_node, False).split())
            return text_of(a, n, &spaces)
        finally:
            free(a)


def link_elements(LexborHTMLParser tree, LexborNode root):
    """The ``LinkElements`` under root (None: none)."""
    cdef LinkElements out = LinkElements.__new__(LinkElements)
    out.tree = tree
    if root is None:
        return out
    cdef list strip = out.strip
    cdef lxb_dom_node_t *top = root.node
    cdef lxb_dom_node_t *node = top.first_child
    cdef uintptr_t tag
    while node != NULL:
        if is_element(node):
            tag = node.local_name
            if tag == LXB_TAG_A and has_attr(node, LXB_DOM_ATTR_HREF):
                out.add(node, EL_A)
            elif tag == LXB_TAG_AREA and has_attr(node, LXB_DOM_ATTR_HREF):
                out.add(node, EL_AREA)
            elif tag == LXB_TAG_LINK and has_attr(node, LXB_DOM_ATTR_HREF):
                out.add(node, EL_LINK)
            elif tag == LXB_TAG_META and has_attr(node, LXB_DOM_ATTR_CONTENT):
                out.add(node, EL_META)
            elif (tag == LXB_TAG_BASE and out.base_node == NULL
                    and has_attr(node, LXB_DOM_ATTR_HREF)):
                out.base_node = node
            elif tag == LXB_TAG_TITLE and out.title_node == NULL:
                out.title_node = node
            elif strip_order(node) >= 0:
                strip.append(<uintptr_t> node)
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != top and node.next == NULL:
            node = node.parent
        if node == top or node == NULL:
            break
        node = node.next
    return out


# ---------------------------------------------------------------------------------------------
# The compiled path's pending link (html.py's _Pending with the attributes the compiled path
# uses, as C fields: every compiled loop reads and writes them without an attribute lookup)


@cython.no_gc
cdef class Pending:
    """A body link waiting for its anchor, context and placement. Not tracked by the cycle
    collector: it refers to its tree, strings, an attribute dict and enum members, none of
    which can refer back to it (link-heavy pages spent 5% of their time in collections).

    It keeps its element as a pointer into its tree: ``node`` (a selectolax node) and
    ``attrs`` (its attributes dict) are built when asked for, which only the rare paths do;
    like the tree's own nodes, it is valid until the tree is recycled."""

    cdef lxb_dom_node_t *ptr
    cdef LexborHTMLParser tree
    cdef dict _attrs
    cdef public str target
    cdef public object kind
    cdef public str rel
    cdef public Py_ssize_t start
    cdef public Py_ssize_t end
    cdef public object place
    cdef public str anchor
    cdef object hosts  # the target's (host, domain) when collect had them, else None

    def __init__(self, LexborNode node, str target, kind, str rel, dict attrs):
        self.ptr = node.node
        self.tree = node.parser
        self.target = target
        self.kind = kind
        self.rel = rel
        self._attrs = attrs
        self.start = -1
        self.end = -1
        self.anchor = ""

    @property
    def node(self):
        return wrap(self.ptr, self.tree)

    @property
    def attrs(self):
        if self._attrs is None:
            self._attrs = attributes(self.ptr)
        return self._attrs


# ---------------------------------------------------------------------------------------------
# html.py's _collect loop over the link elements


cdef frozenset _link_rels = frozenset()  # the rel words of the link elements html.py keeps
cdef dict _shared = None  # html._SHARED, the process-wide resolution memo
cdef Py_ssize_t _shared_href_max = 0


def configure_resolution(dict shared, Py_ssize_t href_max, link_rels):
    """Bind html.py's process-wide resolution memo, its href length limit and the rel words
    of the link elements it keeps (canonical, alternate and _LINK_RELS)."""
    global _shared, _shared_href_max, _link_rels
    _shared = shared
    _shared_href_max = href_max
    _link_rels = frozenset(link_rels)
    la_hrefs_clear()


def shared_key(str origin, str scheme, str href):
    """``html._Resolver.shared_key`` for a resolver of that origin and scheme (tested equal)."""
    return key_of(origin, scheme, href)


cdef inline bint starts_ascii(str text, const char *word, Py_ssize_t k, bint fold) noexcept:
    """Whether text starts with the ASCII ``word`` (k characters; any case when fold, which
    needs a lower-case word)."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_ssize_t i
    cdef uint32_t c
    if PyUnicode_GET_LENGTH(text) < k:
        return False
    for i in range(k):
        c = PyUnicode_READ(kind, data, i)
        if fold and 65 <= c <= 90:
            c += 32
        if c != <unsigned char> word[i]:
            return False
    return True


cdef object key_of(str origin, str scheme, str href):
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(href)
    cdef uint32_t second
    if n > _shared_href_max:
        return None
    if starts_ascii(href, "http://", 7, False) or starts_ascii(href, "https://", 8, False):
        return href
    if scheme and starts_ascii(href, "//", 2, False):
        return scheme + href
    if origin and n and PyUnicode_READ_CHAR(href, 0) == 47:  # "/"
        if n > 1:
            second = PyUnicode_READ_CHAR(href, 1)
            if second == 47 or second == 92 or second == 9 or second == 10 or second == 13:
                return None  # "//", "/\\", "/\t", "/\n", "/\r": scheme-relative
        return (origin, href)
    return None


cdef str stripped_href(lxb_dom_node_t *node):
    """``(attrs.get("href") or "").strip()``; str.strip only when an end is a space."""
    cdef str href = attr_value(node, b"href", 4)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(href)
    if n and (Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(href, 0))
              or Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(href, n - 1))):
        return href.strip()
    return href


cdef bint is_mailto(str href):
    """``href[:7].lower() == "mailto:"`` (str.lower where a non-ASCII character is met)."""
    cdef Py_ssize_t i
    for i in range(min(7, PyUnicode_GET_LENGTH(href))):
        if PyUnicode_READ_CHAR(href, i) > 127:
            return href[:7].lower() == "mailto:"
    return starts_ascii(href, "mailto:", 7, True)


cdef object _MISS = object()  # a memo's "not there"


# ---------------------------------------------------------------------------------------------
# The compiled path's own resolution memo, read before any str is made: the href attribute's
# bytes (behind the resolver's origin for a path-absolute href, behind its scheme for a
# scheme-relative one) -> (target or None, its (host, domain) or None). A repeat of an href met
# on an earlier page costs a hash of its bytes and one comparison: no decode, no strip, no key
# tuple, no dict look-ups, and emit takes the target's hosts from the item. Entries are written
# only for hrefs the shared memo would key (absolute http(s), path-absolute with a plain
# origin, scheme-relative under a valid base) once the str path has resolved them, so a hit
# gives what that path gives. "http://h" + "/x", "http:" + "//h/x" and "http://h/x" are one
# key: each resolves as the absolute URL would.

cdef extern from *:
    """
    /* One memo entry in one allocation, its key right after it (one cache line or two for
       the usual href: the table holds only pointers, 512 KiB). */
    typedef struct {
        uint64_t hash;
        size_t len;
        PyObject *target;    /* str or None */
        PyObject *hosts;     /* (host, domain) or None */
        unsigned char key[];
    } la_href_entry;
    #define LA_HREF_SLOTS 65536  /* a power of two; cleared when half full */
    static la_href_entry **la_hrefs = NULL;
    static size_t la_hrefs_used = 0;
    static uint64_t la_mix(uint64_t h, const unsigned char *s, size_t n) {
        uint64_t w;
        while (n >= 8) {
            memcpy(&w, s, 8);
            h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
            h ^= h >> 32;
            s += 8; n -= 8;
        }
        w = 0;
        memcpy(&w, s, n);
        h = (h ^ w ^ ((uint64_t) n << 56)) * 0x9E3779B97F4A7C15ULL;
        return h ^ (h >> 29);
    }
    /* Whether key_of would give href (these bytes, decoded) a key, and what goes in front of
       it: 0 no key, 1 the href alone, 2 the origin, 3 the scheme ("//host/x"). Only forms
       whose decoding is their bytes at both ends (no space str.strip would remove). */
    static int la_href_keyed(const unsigned char *s, size_t n, size_t origin_len,
                             size_t scheme_len) {
        unsigned char c;
        if (n == 0 || n > 512) return 0;
        c = s[n - 1];
        if (c >= 0x80 || c == 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f)) return 0;
        if (n >= 7 && memcmp(s, "http://", 7) == 0) return 1;
        if (n >= 8 && memcmp(s, "https://", 8) == 0) return 1;
        if (n >= 2 && s[0] == '/' && s[1] == '/') return scheme_len ? 3 : 0;
        if (s[0] == '/' && origin_len) {
            if (n > 1 && (s[1] == 47 || s[1] == 92 || s[1] == 9 || s[1] == 10 || s[1] == 13))  /* / backslash tab LF CR */
                return 0;
            return 2;
        }
        return 0;
    }
    static uint64_t la_href_hash(const unsigned char *o, size_t olen, const unsigned char *s,
                                 size_t n) {
        return la_mix(la_mix(0x51ED270B7A2F1C3DULL, o, olen), s, n);
    }
    /* The slot of origin + href (whose hash is h) in the allocated table: its entry, or the
       empty slot (NULL) where it would go. */
    static la_href_entry **la_href_slot(uint64_t h, const unsigned char *o, size_t olen,
                                        const unsigned char *s, size_t n) {
        size_t i = (size_t) h & (LA_HREF_SLOTS - 1);
        la_href_entry *e;
        for (;;) {
            e = la_hrefs[i];
            if (e == NULL || (e->hash == h && e->len == olen + n
                              && memcmp(e->key, o, olen) == 0
                              && memcmp(e->key + olen, s, n) == 0)) return &la_hrefs[i];
            i = (i + 1) & (LA_HREF_SLOTS - 1);
        }
    }
    /* The entry of origin + href (whose hash is h), or NULL. */
    static la_href_entry *la_href_find_h(uint64_t h, const unsigned char *o, size_t olen,
                                         const unsigned char *s, size_t n) {
        return la_hrefs != NULL ? *la_href_slot(h, o, olen, s, n) : NULL;
    }
    /* Ask for the slot of hash h (step 0), or the entry in it (step 1), ahead of the look-up:
       a page's look-ups otherwise miss the cache one after another. */
    static void la_href_prefetch(uint64_t h, int step) {
        la_href_entry *e;
        if (la_hrefs == NULL) return;
        if (step == 0) {
            __builtin_prefetch(&la_hrefs[(size_t) h & (LA_HREF_SLOTS - 1)]);
        } else {
            e = la_hrefs[(size_t) h & (LA_HREF_SLOTS - 1)];
            if (e != NULL) __builtin_prefetch(e);
        }
    }
    static void la_hrefs_clear(void) {
        size_t i;
        if (la_hrefs == NULL) return;
        for (i = 0; i < LA_HREF_SLOTS; i++) {
            if (la_hrefs[i] != NULL) {
                Py_DECREF(la_hrefs[i]->target);
                Py_DECREF(la_hrefs[i]->hosts);
                free(la_hrefs[i]);
            }
        }
        memset(la_hrefs, 0, LA_HREF_SLOTS * sizeof(la_href_entry *));
        la_hrefs_used = 0;
    }
    /* Store target and hosts (new references taken) under origin + href; 0, or -1 when memory
       ran out (nothing stored: the memo is only a shortcut). */
    static int la_href_store(const unsigned char *o, size_t olen, const unsigned char *s,
                             size_t n, PyObject *target, PyObject *hosts) {
        uint64_t h;
        la_href_entry **slot, *e;
        if (la_hrefs == NULL) {
            la_hrefs = (la_href_entry **) calloc(LA_HREF_SLOTS, sizeof(la_href_entry *));
            if (la_hrefs == NULL) return -1;
        }
        if (la_hrefs_used >= LA_HREF_SLOTS / 2) la_hrefs_clear();
        h = la_href_hash(o, olen, s, n);
        slot = la_href_slot(h, o, olen, s, n);
        if (*slot != NULL) return 0;
        e = (la_href_entry *) malloc(sizeof(la_href_entry) + olen + n);
        if (e == NULL) return -1;
        e->hash = h;
        e->len = olen + n;
        memcpy(e->key, o, olen);
        memcpy(e->key + olen, s, n);
        Py_INCREF(target); e->target = target;
        Py_INCREF(hosts); e->hosts = hosts;
        *slot = e;
        la_hrefs_used++;
        return 0;
    }
    """
    ctypedef struct la_href_entry:
        PyObject *target
        PyObject *hosts
    uint64_t la_mix(uint64_t h, const unsigned char *s, size_t n) noexcept
    int la_href_keyed(const unsigned char *s, size_t n, size_t origin_len,
                      size_t scheme_len) noexcept
    uint64_t la_href_hash(const unsigned char *o, size_t olen, const unsigned char *s,
                          size_t n) noexcept
    la_href_entry *la_href_find_h(uint64_t h, const unsigned char *o, size_t olen,
                                  const unsigned char *s, size_t n) noexcept
    void la_href_prefetch(uint64_t h, int step) noexcept
    void la_hrefs_clear()
    size_t la_hrefs_used
    int la_href_store(const unsigned char *o, size_t olen, const unsigned char *s, size_t n,
                      PyObject *target, PyObject *hosts) noexcept


def clear_href_memo():
    """Empty the compiled path's resolution memo (configure_resolution does; for the tests)."""
    la_hrefs_clear()


def href_memo_size():
    """The number of hrefs in the compiled path's resolution memo (for the tests)."""
    return la_hrefs_used


cdef const unsigned char *attr_bytes(lxb_dom_node_t *node, const char *name, size_t name_len,
                                     size_t *value_len) noexcept:
    """The value bytes of the last attribute of that qualified name (what
    ``node.attributes.get(name)`` decodes), NULL when there is none or it has no value."""
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    cdef const lxb_dom_attr_t *found = NULL
    cdef const unsigned char *key
    cdef size_t key_len
    while attr != NULL:
        key = la_attr_name(attr, &key_len)
        if key_len == name_len and memcmp(key, name, name_len) == 0:
            found = attr
        attr = la_next_attr(attr)
    value_len[0] = 0
    if found == NULL:
        return NULL
    return la_attr_value(found, value_len)


def collect(LinkElements found, resolve, set same_page, set emails, list robots, list items,
            meta, link_element, mailto_address, kind_a, kind_area):
    """The body of html.py's ``_HtmlPage._collect`` loop, compiled: head elements go to
    ``meta``/``link_element`` (with their attributes dict), mailto: addresses to ``emails``,
    every other kept ``a``/``area`` becomes a ``Pending`` record appended to ``items``."""
    cdef str href
    cdef Pending item
    cdef dict cache = resolve._cache  # _Resolver's own memo, read first as its __call__ does
    cdef str origin = resolve.origin
    cdef Py_ssize_t i, olen = 0
    cdef unsigned char tag
    cdef lxb_dom_node_t *node
    cdef const unsigned char *o = <const unsigned char *> PyUnicode_AsUTF8AndSize(origin, &olen)
    cdef str scheme = resolve.scheme
    cdef Py_ssize_t slen = 0
    cdef const unsigned char *sc = <const unsigned char *> PyUnicode_AsUTF8AndSize(scheme, &slen)
    cdef const unsigned char *kp
    cdef size_t kplen
    cdef const unsigned char *hb = NULL
    cdef size_t hlen = 0
    cdef int keyed
    cdef la_href_entry *entry
    # Each a/area's href bytes, key form and hash are read two elements ahead, when its memo
    # slot is asked for; one ahead, the entry in that slot (ring of three, by index % 3).
    cdef const unsigned char *ring_hb[3]
    cdef size_t ring_len[3]
    cdef int ring_keyed[3]
    cdef uint64_t ring_hash[3]
    cdef Py_ssize_t count = found.count, r
    for r in range(min(2, count)):
        ahead(found, r, o, olen, sc, slen, ring_hb, ring_len, ring_keyed, ring_hash)
    if count > 0 and ring_keyed[0]:
        la_href_prefetch(ring_hash[0], 1)
    for i in range(count):
        if i + 2 < count:
            ahead(found, i + 2, o, olen, sc, slen, ring_hb, ring_len, ring_keyed, ring_hash)
        if i + 1 < count and ring_keyed[(i + 1) % 3]:
            la_href_prefetch(ring_hash[(i + 1) % 3], 1)
        node = found.nodes[i]
        tag = found.tags[i]
        if tag == EL_META:
            # only robots, googlebot and refresh metas mean anything to html.py's _meta
            if meta_named(node, b"name", 4, b"robots", b"googlebot") or meta_named(
                    node, b"http-equiv", 10, b"refresh", NULL):
                meta(attributes(node), robots, resolve, items)
            continue
        if tag != EL_LINK:  # the bytes memo first
            r = i % 3
            hb, hlen, keyed = ring_hb[r], ring_len[r], ring_keyed[r]
            if keyed:
                kp = key_prefix(keyed, o, olen, sc, slen, &kplen)
                entry = la_href_find_h(ring_hash[r], kp, kplen, hb, hlen)
                if entry != NULL:
                    target = <object> entry.target
                    if target is None or (memchr(hb, 35, hlen) != NULL and target in same_page):
                        continue
                    items.append(new_pending(node, found.tree, target, <object> entry.hosts,
                                             kind_area if tag == EL_AREA else kind_a))
                    continue
        else:
            keyed = 0
        href = stripped_href(node)  # (attrs.get("href") or "").strip()
        if tag == EL_LINK:
            # only a rel html.py's _link_element keeps (canonical, alternate, _LINK_RELS)
            if not _link_rels.isdisjoint(attr_value(node, b"rel", 3).lower().split()):
                link_element(href, attributes(node), resolve, items)
            continue
        if not href or PyUnicode_READ_CHAR(href, 0) == 35:  # "#..."
            continue
        if is_mailto(href):
            address = mailto_address(href)
            if address:
                emails.add(address)
            continue
        target = cache.get(href, _MISS)
        if target is _MISS:  # the shared memo next, as _Resolver.__call__ reads it (a repeat
            # on the page reads the shared memo again: no copy into the page's)
            key = key_of(origin, scheme, href)
            if key is not None:
                target = _shared.get(key, _MISS)
            if target is _MISS:
                target = resolve(href)
        hosts = None
        if keyed:  # the bytes are the href (it was keyed so): remember what it gave
            if target is not None:
                hosts = hosts_of(target)
            kp = key_prefix(keyed, o, olen, sc, slen, &kplen)
            la_href_store(kp, kplen, hb, hlen, <PyObject *> target,
                          <PyObject *> hosts)
        if target is None or (PyUnicode_FindChar(href, 35, 0, PyUnicode_GET_LENGTH(href), 1) >= 0
                              and target in same_page):
            continue
        items.append(new_pending(node, found.tree, target, hosts,
                                 kind_area if tag == EL_AREA else kind_a))


cdef inline const unsigned char *key_prefix(int keyed, const unsigned char *o, Py_ssize_t olen,
                                            const unsigned char *sc, Py_ssize_t slen,
                                            size_t *plen) noexcept:
    """What goes before an href's bytes in its memo key (la_href_keyed's answer): the origin,
    the scheme or nothing."""
    if keyed == 2:
        plen[0] = olen
        return o
    if keyed == 3:
        plen[0] = slen
        return sc
    plen[0] = 0
    return o


cdef inline void ahead(LinkElements found, Py_ssize_t i, const unsigned char *o, Py_ssize_t olen,
                       const unsigned char *sc, Py_ssize_t slen,
                       const unsigned char **ring_hb, size_t *ring_len, int *ring_keyed,
                       uint64_t *ring_hash) noexcept:
    """collect's look-ahead: element i's href bytes, key form and hash into the ring, and its
    memo slot asked for."""
    cdef Py_ssize_t r = i % 3
    cdef const unsigned char *hb = NULL
    cdef size_t hlen = 0
    cdef int keyed = 0
    cdef const unsigned char *kp
    cdef size_t kplen
    if found.tags[i] == EL_A or found.tags[i] == EL_AREA:
        hb = attr_bytes(found.nodes[i], b"href", 4, &hlen)
        keyed = la_href_keyed(hb, hlen, olen, slen) if hb != NULL else 0
        if keyed:
            kp = key_prefix(keyed, o, olen, sc, slen, &kplen)
            ring_hash[r] = la_href_hash(kp, kplen, hb, hlen)
            la_href_prefetch(ring_hash[r], 0)
    ring_hb[r], ring_len[r], ring_keyed[r] = hb, hlen, keyed


cdef inline bint ascii_space(unsigned char c) noexcept:
    """str.isspace for an ASCII character (9-13, 28-31, 32)."""
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


cdef bint meta_named(lxb_dom_node_t *node, const char *attr, size_t attr_len,
                     const char *word, const char *other):
    """``attr_value(node, attr).strip().lower()`` is word (or other, when not NULL): on the
    bytes when they are ASCII (no other character lower-cases to these ASCII words' letters),
    else on the str."""
    cdef size_t n, k, lo = 0
    cdef const unsigned char *v = attr_bytes(node, attr, attr_len, &n)
    if v == NULL:
        return False
    for k in range(n):
        if v[k] >= 0x80:  # str.strip and str.lower as html.py has them
            value = attr_value(node, attr, attr_len).strip().lower()
            return value == (<bytes> word).decode() or (
                other != NULL and value == (<bytes> other).decode())
    while lo < n and ascii_space(v[lo]):
        lo += 1
    while n > lo and ascii_space(v[n - 1]):
        n -= 1
    return ascii_word(v + lo, n - lo, word) or (other != NULL and ascii_word(v + lo, n - lo, other))


cdef inline bint ascii_word(const unsigned char *v, size_t n, const char *word) noexcept:
    """Whether the n ASCII bytes at v read as the lower-case word in any case."""
    cdef size_t k
    for k in range(n):
        if word[k] == 0 or lower(v[k]) != <unsigned char> word[k]:
            return False
    return word[n] == 0


def drop_fragment_links(list items, str canonical):
    """``items[:] = [it for it in items if isinstance(it, tuple) or not (it.target ==
    canonical and "#" in (it.attrs.get("href") or ""))]`` without an attributes dict: the href
    attribute's bytes hold a '#' where its text does."""
    cdef Pending item
    cdef const unsigned char *href
    cdef size_t n
    cdef Py_ssize_t i, w = 0
    cdef bint drop
    for i in range(len(items)):
        entry = items[i]
        drop = False
        if type(entry) is Pending:
            item = entry
            if item.target is canonical or item.target == canonical:
                if item._attrs is not None:
                    drop = "#" in (item._attrs.get("href") or "")
                else:
                    href = attr_bytes(item.ptr, b"href", 4, &n)
                    drop = href != NULL and memchr(href, 35, n) != NULL
        if not drop:
            items[w] = entry
            w += 1
    del items[w:]


cdef Pending new_pending(lxb_dom_node_t *node, LexborHTMLParser tree, str target, hosts, kind):
    cdef Pending item = Pending.__new__(Pending)
    item.ptr = node
    item.tree = tree
    item.target = target
    item.hosts = hosts
    item.kind = kind
    item.rel = attr_value(node, b"rel", 3)  # attrs.get("rel") or ""
    item.start = -1
    item.end = -1
    item.anchor = ""
    return item


cdef bint same_text(const unsigned char *a, size_t a_len, const unsigned char *b,
                    size_t b_len):
    """Whether two attribute names or values decode to the same str (invalid UTF-8 is
    replaced, so different bytes may)."""
    cdef size_t k
    if a_len == b_len and (a_len == 0 or memcmp(a, b, a_len) == 0):
        return True
    for k in range(a_len):
        if a[k] >= 0x80:
            break
    else:
        for k in range(b_len):
            if b[k] >= 0x80:
                break
        else:
            return False  # ASCII both: the bytes are the characters
    return (PyUnicode_DecodeUTF8(<const char *> a, a_len, "replace")
            == PyUnicode_DecodeUTF8(<const char *> b, b_len, "replace"))


cdef const lxb_dom_attr_t *last_named(lxb_dom_node_t *node, const unsigned char *name,
                                      size_t name_len):
    """The last attribute of node whose name reads as name (the one ``attributes`` keeps)."""
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    cdef const lxb_dom_attr_t *found = NULL
    cdef const unsigned char *key
    cdef size_t key_len
    while attr != NULL:
        key = la_attr_name(attr, &key_len)
        if same_text(key, key_len, name, name_len):
            found = attr
        attr = la_next_attr(attr)
    return found


cdef Py_ssize_t distinct_names(lxb_dom_node_t *node, Py_ssize_t limit):
    """The number of keys of ``attributes(node)``, or -1 when node has more than limit
    attributes."""
    cdef const lxb_dom_attr_t *attr = la_first_attr(node)
    cdef const lxb_dom_attr_t *later
    cdef const unsigned char *key
    cdef const unsigned char *other
    cdef size_t key_len, other_len
    cdef Py_ssize_t n = 0, seen = 0
    while attr != NULL:
        seen += 1
        if seen > limit:
            return -1
        key = la_attr_name(attr, &key_len)
        later = la_next_attr(attr)
        while later != NULL:  # counted at its last occurrence only
            other = la_attr_name(later, &other_len)
            if same_text(key, key_len, other, other_len):
                break
            later = la_next_attr(later)
        if later == NULL:
            n += 1
        attr = la_next_attr(attr)
    return n


cdef bint same_attrs(Pending a, Pending b):
    """``a.attrs == b.attrs`` from the elements' attribute lists (a dict each only for elements
    with many attributes)."""
    cdef lxb_dom_node_t *x = a.ptr
    cdef lxb_dom_node_t *y = b.ptr
    if a.target is not b.target and a.target != b.target:
        return False  # equal attributes hold equal hrefs, which resolve to equal targets
    cdef Py_ssize_t n = distinct_names(x, 32)
    if n < 0 or a._attrs is not None or b._attrs is not None:
        return a.attrs == b.attrs
    if distinct_names(y, 32) != n:
        return False  # (more than 32 attributes: more than n keys)
    cdef const lxb_dom_attr_t *attr = la_first_attr(x)
    cdef const lxb_dom_attr_t *other
    cdef const unsigned char *key
    cdef const unsigned char *value
    cdef const unsigned char *other_value
    cdef size_t key_len, value_len, other_len
    while attr != NULL:
        key = la_attr_name(attr, &key_len)
        if last_named(x, key, key_len) == attr:
            other = last_named(y, key, key_len)
            if other == NULL:
                return False
            value = la_attr_value(attr, &value_len)
            other_value = la_attr_value(other, &other_len)
            if (value == NULL) != (other_value == NULL):
                return False  # None and a str
            if value != NULL and not same_text(value, value_len, other_value, other_len):
                return False
        attr = la_next_attr(attr)
    return True


cdef bint spaces_between(str buffer, int kind, void *data, Py_ssize_t size, Py_ssize_t lo,
                         Py_ssize_t hi) noexcept:
    """Whether both offsets are known and ``buffer[lo:hi].strip()`` is empty."""
    cdef Py_ssize_t k
    if lo < 0 or hi < 0:
        return False
    if hi > size:
        hi = size
    for k in range(lo, hi):
        if not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
            return False
    return True


cdef extern from *:
    """
    #include <string.h>
    /* memmem where the C library has it (glibc, macOS, the BSDs), else memchr and memcmp. */
    static const char *la_memmem(const char *h, size_t n, const char *needle, size_t m) {
    #if defined(__GLIBC__) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__)
        return (const char *) memmem(h, n, needle, m);
    #else
        const char *end = h + n, *hit;
        while ((size_t) (end - h) >= m) {
            hit = (const char *) memchr(h, needle[0], (size_t) (end - h) - m + 1);
            if (hit == NULL) return NULL;
            if (memcmp(hit, needle, m) == 0) return hit;
            h = hit + 1;
        }
        return NULL;
    #endif
    }
    """
    const char *la_memmem(const char *h, size_t n, const char *needle, size_t m) noexcept


cdef Py_ssize_t find_bytes(bytes haystack, bytes needle, Py_ssize_t start):
    """``haystack.find(needle, start)`` with the C library's memmem (0 <= start)."""
    cdef const char *h = PyBytes_AS_STRING(haystack)
    cdef Py_ssize_t n = len(haystack), m = len(needle)
    cdef const char *hit
    if start > n:
        return -1
    if m == 0:
        return start
    hit = la_memmem(h + start, n - start, PyBytes_AS_STRING(needle), m)
    return -1 if hit == NULL else hit - h


cpdef merge_clones(list pending, str buffer, source):
    """html.py's ``_merge_clones``, compiled (see there): the ids of the clones dropped.
    ``source`` is the page's text, or its strict UTF-8 encoding (the same counts: a character
    sequence occurs in a text where its encoding occurs in the text's)."""
    cdef bint utf8 = type(source) is bytes
    cdef set dropped = set()
    cdef Py_ssize_t i, j, k, count = len(pending), excess
    cdef int kind = PyUnicode_KIND(buffer)
    cdef void *data = PyUnicode_DATA(buffer)
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(buffer)
    cdef dict dom_count
    cdef Pending first, last
    for i in range(count - 1):  # a group needs a pair of clones with only spaces between
        if same_attrs(pending[i], pending[i + 1]) and spaces_between(
                buffer, kind, data, size, (<Pending> pending[i]).end,
                (<Pending> pending[i + 1]).start):
            break
    else:
        return dropped
    dom_count = {}
    in_source = {}  # href -> (occurrences found in the source, where to go on, all found)
    for item in pending:
        href = attr_value((<Pending> item).ptr, b"href", 4)  # item.attrs.get("href") or ""
        dom_count[href] = dom_count.get(href, 0) + 1
    i = 0
    while i < count - 1:
        first = pending[i]
        href = attr_value(first.ptr, b"href", 4)
        j = i + 1
        while j < count and same_attrs(pending[j], first):
            if not spaces_between(buffer, kind, data, size, (<Pending> pending[j - 1]).end,
                                  (<Pending> pending[j]).start):
                break
            j += 1
        if j - i > 1 and href:
            # source.count(href), but only up to the count that rules a merge out, and
            # resumed where the last group with this href stopped (the count only falls)
            total = dom_count[href]
            state = in_source.get(href)
            if state is None:
                found, at, exhausted = 0, 0, False
            else:
                found, at, exhausted = state
            needle = (<str> href).encode("utf-8", "surrogatepass") if utf8 else href
            while found < total and not exhausted:
                at = find_bytes(source, needle, at) if utf8 else source.find(needle, at)
                if at < 0:
                    exhausted = True
                    break
                found += 1
                at += len(needle)
            in_source[href] = (found, at, exhausted)
            excess = total - min(found, total)
            if 0 < excess < total:
                last = pending[min(j - 1, i + excess)]
                first.end = last.end
                for k in range(i + 1, min(j, i + excess + 1)):
                    dropped.add(id(pending[k]))
                dom_count[href] -= min(j - 1 - i, excess)
        i = j
    return dropped


cdef lxb_dom_node_t *first_img_under(lxb_dom_node_t *top) noexcept:
    """The first ``img`` element under top (``node.css_first("img")``), or NULL."""
    cdef lxb_dom_node_t *cur = top.first_child
    while cur != NULL:
        if is_element(cur) and cur.local_name == LXB_TAG_IMG:
            return cur
        if cur.first_child != NULL:
            cur = cur.first_child
            continue
        while cur != top and cur.next == NULL:
            cur = cur.parent
        if cur == top or cur == NULL:
            break
        cur = cur.next
    return NULL


cdef str collapsed(str text, collapse):
    """``collapse(text)`` (text.collapse: whitespace runs as one space, trimmed), without the
    call when text has no space but single ones between words (most alt texts and titles)."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef uint32_t c
    cdef bint gap = True  # (a space first is one to drop)
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if Py_UNICODE_ISSPACE(c):
            if gap or c != 32:
                return collapse(text)
            gap = True
        else:
            gap = False
    if gap and n:
        return collapse(text)  # a space last
    return text


cpdef anchors(list pending, str buffer, kind_a, kind_image, Py_ssize_t limit, cap, collapse,
            fallback):
    """The anchor loop of html.py's ``_anchors``: a link's text between its offsets, stripped
    and capped; an ``a`` with offsets and no text takes html.py's ``_anchor`` image rule here
    (the first ``img``'s alt or title, else the link's title or aria-label);
    ``fallback(item, buffer)`` for the rest (no offsets, not an ``a``)."""
    cdef Py_ssize_t start, end, size = PyUnicode_GET_LENGTH(buffer)
    cdef int kind = PyUnicode_KIND(buffer)
    cdef void *data = PyUnicode_DATA(buffer)
    cdef str anchor
    cdef Pending item
    cdef lxb_dom_node_t *img
    for item in pending:
        start = item.start
        end = item.end
        if 0 <= start <= end and item.kind is kind_a:
            anchor = stripped(buffer, kind, data, min(start, size), min(end, size))
            if not anchor:
                img = first_img_under(item.ptr)
                if img != NULL:
                    item.kind = kind_image
                    anchor = collapsed(attr_value(img, b"alt", 3)
                                       or attr_value(img, b"title", 5), collapse)
                if not anchor:
                    anchor = collapsed(attr_value(item.ptr, b"title", 5)
                                       or attr_value(item.ptr, b"aria-label", 10), collapse)
            item.anchor = anchor if len(anchor) <= limit else cap(anchor, limit)
            continue
        fallback(item, buffer)


def collapsed_text(str text, collapse):
    """For the tests: ``collapsed``."""
    return collapsed(text, collapse)


def attrs_equal(Pending a, Pending b):
    """``a.attrs == b.attrs`` as merge_clones decides it (for the tests)."""
    return same_attrs(a, b)
