# Included by _walk.pyx (one extension module): placement and the main-block scores.

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
cdef dict _role_codes = {}
cdef dict _weights = {}


def configure(placement_module, places):
    """Bind the Python half: placement.py (token_signal, role signals, class weights) and the
    Placement members in code order (content, navigation, header, footer, sidebar, comment,
    unknown)."""
    global _placement, _PLACES, _CODES
    token_table_clear()
    _placement = placement_module
    _PLACES = [None, *places]
    _CODES = {p: i for i, p in enumerate(_PLACES)}


# The placement code of an id or class value, by the attribute's bytes (the same bytes decode
# to the same str): an open-addressing table of copies of the keys, so a value seen before costs
# no decode and no call (past TOKEN_MAX, placement.token_signal's own cache answers).
cdef struct TokenEntry:
    uint64_t hash
    char *key  # NULL: an empty slot
    Py_ssize_t size
    int code


cdef TokenEntry *_token_table = NULL
cdef Py_ssize_t _token_cap = 0
cdef Py_ssize_t _token_count = 0
DEF TOKEN_MAX = 32768  # entries kept (then new values go to token_signal alone)
DEF TOKEN_KEY_MAX = 256  # bytes


cdef void token_table_clear() noexcept:
    global _token_table, _token_cap, _token_count
    cdef Py_ssize_t i
    for i in range(_token_cap):
        free(_token_table[i].key)
    free(_token_table)
    _token_table, _token_cap, _token_count = NULL, 0, 0


cdef int token_table_grow() except -1:
    global _token_table, _token_cap
    cdef Py_ssize_t cap = _token_cap * 2 if _token_cap else 1024, i, j
    cdef TokenEntry *table = <TokenEntry *> malloc(cap * sizeof(TokenEntry))
    if table == NULL:
        raise MemoryError()
    memset(table, 0, cap * sizeof(TokenEntry))
    for i in range(_token_cap):
        if _token_table[i].key != NULL:
            j = <Py_ssize_t> (_token_table[i].hash & <uint64_t> (cap - 1))
            while table[j].key != NULL:
                j = (j + 1) & (cap - 1)
            table[j] = _token_table[i]
    free(_token_table)
    _token_table, _token_cap = table, cap
    return 0


cdef int token_code_of(const unsigned char *s, Py_ssize_t n) except -1:
    """The code of ``placement.token_signal`` of the attribute value bytes s[:n] (n > 0),
    decoded as ``attr_value`` decodes them."""
    global _token_count
    cdef uint64_t h = la_mix(0x2545F4914F6CDD1DULL, s, n)  # (eight bytes a step)
    cdef Py_ssize_t i
    cdef int code
    cdef char *key
    if _token_cap:
        i = <Py_ssize_t> (h & <uint64_t> (_token_cap - 1))
        while _token_table[i].key != NULL:
            if (_token_table[i].hash == h and _token_table[i].size == n
                    and memcmp(_token_table[i].key, s, n) == 0):
                return _token_table[i].code
            i = (i + 1) & (_token_cap - 1)
    value = PyUnicode_DecodeUTF8(<const char *> s, n, "replace")
    code = _CODES[_placement.token_signal(value)]
    if n <= TOKEN_KEY_MAX and _token_count < TOKEN_MAX:
        if 2 * (_token_count + 1) > _token_cap:
            token_table_grow()
        key = <char *> malloc(n)
        if key == NULL:
            return code
        memcpy(key, s, n)
        i = <Py_ssize_t> (h & <uint64_t> (_token_cap - 1))
        while _token_table[i].key != NULL:
            i = (i + 1) & (_token_cap - 1)
        _token_table[i].hash, _token_table[i].key = h, key
        _token_table[i].size, _token_table[i].code = n, code
        _token_count += 1
    return code


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
    cdef size_t value_len
    cdef const unsigned char *value = attr_bytes(node, name, name_len, &value_len)
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
    cdef const unsigned char *data
    cdef size_t size
    for i in range(2):
        attr = ident if i == 0 else cls
        data = la_attr_value(attr, &size) if attr != NULL else NULL
        if data != NULL and size:  # (value_of's '' for a missing or empty value)
            place = token_code_of(data, size)
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


cdef inline Py_ssize_t block_len_of(Stats *st) noexcept:
    """placement.Classifier.block_text_len's length from the stats of the block's text."""
    cdef Py_ssize_t n = st.all.collapsed
    if n == 0:
        return 1 if st.all.length else 0
    return n + st.first_space + st.last_space


cdef inline lxb_dom_node_t *marked(object node) except NULL:
    """The element of a ``Pending`` link or a selectolax node."""
    if type(node) is Pending:
        return (<Pending> node).ptr
    return (<LexborNode?> node).node


# ---------------------------------------------------------------------------------------------
# What the placement walks learn about an element, found by its address in a C hash table (no
# Python int, tuple or float a lookup): the context memo, a paragraph's text figures, a density
# block's text length and link figures, a main-block candidate's score.


cdef struct NodeInfo:
    uintptr_t key
    bint has_ctx  # the context memo: ctx, block, in_list
    Ctx ctx
    uintptr_t block
    bint in_list
    bint has_para  # a paragraph main_ids measured: its text length and block text length
    Py_ssize_t para_length
    Py_ssize_t para_block_len
    bint has_block_len  # a density block measured
    Py_ssize_t block_len
    bint is_block  # a density block of this page's links: their characters and count
    Py_ssize_t block_chars
    Py_ssize_t block_links
    double density
    bint has_score  # a main-block candidate: its score, and when it was first scored
    double score
    Py_ssize_t rank
    bint in_main  # the main block or one of its strong siblings


cdef struct InfoMap:
    Py_ssize_t *slots  # index + 1 into items, 0 for an empty slot; cap slots (a power of two)
    Py_ssize_t cap
    NodeInfo *items  # in order of creation
    Py_ssize_t count
    Py_ssize_t items_cap


cdef inline Py_ssize_t info_slot(const InfoMap *m, uintptr_t key) noexcept:
    """The slot of key, or of the empty slot where it would go (linear probing)."""
    cdef uint64_t h = (<uint64_t> key >> 4) * <uint64_t> 0x9E3779B97F4A7C15
    cdef Py_ssize_t mask = m.cap - 1
    cdef Py_ssize_t i = <Py_ssize_t> (h >> 32) & mask
    cdef Py_ssize_t at
    while True:
        at = m.slots[i]
        if at == 0 or m.items[at - 1].key == key:
            return i
        i = (i + 1) & mask


cdef inline Py_ssize_t info_find(const InfoMap *m, uintptr_t key) noexcept:
    """The index of key's info, or -1."""
    if m.cap == 0:
        return -1
    return m.slots[info_slot(m, key)] - 1


cdef Py_ssize_t info_add(InfoMap *m, uintptr_t key) except -1:
    """The index of key's info, created (zeroed) when missing. Indices stay valid; pointers
    into items do not (the array grows)."""
    cdef Py_ssize_t i, at, cap
    cdef Py_ssize_t *slots
    cdef NodeInfo *items
    if m.cap:
        at = m.slots[info_slot(m, key)]
        if at:
            return at - 1
    if 2 * (m.count + 1) > m.cap:  # keep the table at most half full
        cap = m.cap * 2 if m.cap else 64
        slots = <Py_ssize_t *> malloc(cap * sizeof(Py_ssize_t))
        if slots == NULL:
            raise MemoryError()
        memset(slots, 0, cap * sizeof(Py_ssize_t))
        free(m.slots)
        m.slots = slots
        m.cap = cap
        for i in range(m.count):
            m.slots[info_slot(m, m.items[i].key)] = i + 1
    if m.count == m.items_cap:
        cap = m.items_cap * 2 if m.items_cap else 32
        items = <NodeInfo *> realloc(m.items, cap * sizeof(NodeInfo))
        if items == NULL:
            raise MemoryError()
        m.items = items
        m.items_cap = cap
    at = m.count
    memset(&m.items[at], 0, sizeof(NodeInfo))
    m.items[at].key = key
    m.count += 1
    m.slots[info_slot(m, key)] = at + 1
    return at


cdef void info_free(InfoMap *m) noexcept:
    free(m.slots)
    free(m.items)
    memset(m, 0, sizeof(InfoMap))


cdef inline bint ranks_before(const NodeInfo *a, const NodeInfo *b) noexcept:
    """Whether a comes before b in ``sorted(scores, key=scores.__getitem__, reverse=True)``:
    higher score first, first-scored first among equal scores (the sort is stable)."""
    return a.score > b.score or (a.score == b.score and a.rank < b.rank)


cdef class Marks:
    """Marker indices on the link nodes of one tree while it lives; ``release`` clears them.

    Marked node i gets start marker U+F0000+i and end marker U+100000+i in every text read
    here, as if html.py had inserted them as text nodes around it."""

    cdef list nodes
    cdef Py_ssize_t budget
    cdef Pieces pieces  # the text nodes' figures, read once (their index + 1 in node.user)
    cdef InfoMap infos  # what the walks learnt about elements (see NodeInfo)
    cdef IndexList chain  # context's ancestors without a memo, innermost first
    cdef Py_ssize_t scored  # main-block candidates scored so far
    cdef bint has_main
    # the p, pre, td and blockquote elements in document order, as the body text walk met
    # them (count -1: not listed, paragraph_scores walks the tree)
    cdef IndexList paras

    def __cinit__(self):
        memset(&self.pieces, 0, sizeof(Pieces))
        memset(&self.paras, 0, sizeof(IndexList))
        self.paras.count = -1
        memset(&self.infos, 0, sizeof(InfoMap))
        memset(&self.chain, 0, sizeof(IndexList))
        self.scored = 0
        self.has_main = False

    def __dealloc__(self):
        free(self.pieces.items)  # the tree may be gone: the nodes are not touched
        info_free(&self.infos)
        free(self.chain.items)
        free(self.paras.items)

    def __init__(self, list nodes):
        """Mark nodes (``Pending`` links or selectolax nodes) with their indices."""
        cdef Py_ssize_t i
        self.nodes = nodes
        for i in range(len(nodes)):
            marked(nodes[i]).user = <void *> <uintptr_t> (i + 1)

    def release(self):
        """Clear the marks (the tree is as the parser left it again)."""
        for node in self.nodes:
            marked(node).user = NULL
        self.nodes = []
        pieces_release(&self.pieces)

    def text(self, LexborNode node, bint separator):
        """``node.text(deep=True, separator=' ' if separator else '')`` with the markers."""
        return node_text(node.node, separator)

    cdef Py_ssize_t context(self, lxb_dom_node_t *node) except -2:
        """placement.Classifier.context of a link element: the index of its parent's info
        (ctx, block, in_list), or -1 (no parent)."""
        cdef lxb_dom_node_t *cur = node.parent
        cdef lxb_dom_node_t *el
        cdef Ctx ctx
        cdef uintptr_t block = 0
        cdef bint in_list = False, strong, is_main
        cdef int sig
        cdef Py_ssize_t j, at, top = -1
        cdef NodeInfo *info
        self.chain.count = 0
        while cur != NULL:
            at = info_find(&self.infos, <uintptr_t> cur)
            if at >= 0 and self.infos.items[at].has_ctx:
                top = at
                break
            index_add(&self.chain, <Py_ssize_t> <uintptr_t> cur)
            cur = cur.parent
        if top >= 0:
            info = &self.infos.items[top]
            ctx, block, in_list = info.ctx, info.block, info.in_list
        else:
            ctx.place, ctx.in_article, ctx.in_main, ctx.strong = C_NONE, False, False, False
        for j in range(self.chain.count - 1, -1, -1):
            el = <lxb_dom_node_t *> <uintptr_t> self.chain.items[j]
            at = info_add(&self.infos, <uintptr_t> el)
            if is_element(el):
                sig = element_signal(el, &strong)
                is_main = self.infos.items[at].in_main
                ctx = combine(ctx, sig, strong, is_main)
                if density_block(el.local_name):
                    block, in_list = <uintptr_t> el, list_block(el.local_name)
            info = &self.infos.items[at]
            info.has_ctx = True
            info.ctx, info.block, info.in_list = ctx, block, in_list
            top = at
        return top

    cdef Py_ssize_t block_text_len(self, uintptr_t block) except -2:
        """placement.Classifier.block_text_len."""
        cdef Py_ssize_t at = info_add(&self.infos, block)
        cdef NodeInfo *info = &self.infos.items[at]
        if info.has_block_len:
            return info.block_len
        if self.budget <= 0:
            return -1
        cdef Stats st
        cdef Py_ssize_t n, length
        if info.has_para:  # a paragraph main_ids walked already
            length, n = info.para_length, info.para_block_len
        else:
            node_stats(<lxb_dom_node_t *> block, False, False, &st, &self.pieces)
            length, n = st.all.length, block_len_of(&st)
            info = &self.infos.items[at]
        self.budget -= length
        info.has_block_len = True
        info.block_len = n
        return n

    cpdef place(self, list pending, Py_ssize_t text_budget):
        """html.py's ``_place`` for the pending links, with the main block ``main_ids`` chose
        (none if it was not called): sets each one's ``place`` (its node, anchor length and
        rel are read from it)."""
        cdef Py_ssize_t i, count = len(pending), size, at, b
        cdef Py_ssize_t *where = NULL  # each link's context info index (-1: none)
        cdef IndexList blocks  # the density blocks in first-seen order
        cdef NodeInfo *info
        cdef NodeInfo *blk
        cdef Pending item
        cdef double density
        cdef Py_ssize_t links, total
        cdef int place
        cdef bint in_main, in_list
        memset(&blocks, 0, sizeof(IndexList))
        self.budget = text_budget
        try:
            where = <Py_ssize_t *> malloc((count + 1) * sizeof(Py_ssize_t))
            if where == NULL:
                raise MemoryError()
            for i in range(count):
                item = pending[i]
                at = self.context(item.ptr)
                where[i] = at
                if at >= 0 and self.infos.items[at].block:
                    size = len(item.anchor)
                    if size < 1:
                        size = 1
                    b = info_add(&self.infos, self.infos.items[at].block)
                    blk = &self.infos.items[b]
                    if not blk.is_block:
                        blk.is_block = True
                        blk.block_chars = blk.block_links = 0
                        index_add(&blocks, b)
                    blk.block_chars += size
                    blk.block_links += 1
            for i in range(blocks.count):
                b = blocks.items[i]
                total = self.block_text_len(self.infos.items[b].key)
                blk = &self.infos.items[b]
                if total > 0:
                    blk.density = min(1.0, <double> blk.block_chars / <double> total)
                else:
                    blk.density = 1.0 if total == 0 else -1.0
            for i in range(count):
                item = pending[i]
                density, links = -1.0, 0
                place, in_main, in_list = C_NONE, False, False
                at = where[i]
                if at >= 0:
                    info = &self.infos.items[at]
                    place, in_main, in_list = info.ctx.place, info.ctx.in_main, info.in_list
                    if info.block:
                        blk = &self.infos.items[info_find(&self.infos, info.block)]
                        density, links = blk.density, blk.block_links
                rel = item.rel
                if place == C_NONE and rel and rel_info(rel)[3]:  # "ugc" in rel.lower().split()
                    place = C_COMMENT
                item.place = _PLACES[decide(place, in_main, self.has_main, density, links,
                                            in_list)]
        finally:
            free(where)
            free(blocks.items)

    cdef int score(self, uintptr_t key, double add) except -1:
        """scores[key] += add, with its initial score when key is new (first-scored order
        kept as its rank)."""
        cdef Py_ssize_t at = info_add(&self.infos, key)
        cdef NodeInfo *info = &self.infos.items[at]
        cdef int initial
        if not info.has_score:
            initial = initial_score(<lxb_dom_node_t *> key)  # (may run Python: no pointer kept)
            info = &self.infos.items[at]
            info.has_score = True
            info.score = <double> initial
            info.rank = self.scored
            self.scored += 1
        info.score += add
        return 0

    cdef int paragraph_scores(self, lxb_dom_node_t *top) except -1:
        """The scoring half of placement.main_block_ids: the scores of the up-to-three
        ancestors of each paragraph (and each paragraph's text figures for block_text_len)."""
        cdef lxb_dom_node_t *node = top.first_child
        cdef lxb_dom_node_t *anc
        cdef uintptr_t tag
        cdef Stats st
        cdef Py_ssize_t length, linked, level, at
        cdef double score
        cdef NodeInfo *info
        cdef Py_ssize_t k = 0
        if self.paras.count >= 0:  # the body text walk listed them (top holds them all)
            node = <lxb_dom_node_t *> self.paras.items[0] if self.paras.count else NULL
        while node != NULL:
            if is_element(node):
                tag = node.local_name
                if (tag == LXB_TAG_P or tag == LXB_TAG_PRE or tag == LXB_TAG_TD
                        or tag == LXB_TAG_BLOCKQUOTE):
                    node_stats(node, False, False, &st, &self.pieces)  # node_text(node, False)
                    at = info_add(&self.infos, <uintptr_t> node)
                    info = &self.infos.items[at]
                    info.has_para = True
                    info.para_length, info.para_block_len = st.all.length, block_len_of(&st)
                    length = run_stripped(&st.all)
                    if length >= 25 and node.parent != NULL:
                        score = 1.0 + st.commas + min(length // 100, 3)
                        linked = st.linked
                        if linked:
                            score *= max(0.0, 1.0 - <double> linked / <double> length)
                        anc = node.parent
                        for level in range(3):  # scored_ancestors
                            if anc == NULL or not is_element(anc) or anc.local_name == LXB_TAG_HTML:
                                break
                            self.score(<uintptr_t> anc, score / (1.0, 2.0, 6.0)[level])
                            anc = anc.parent
            if self.paras.count >= 0:
                k += 1
                node = <lxb_dom_node_t *> self.paras.items[k] if k < self.paras.count else NULL
                continue
            if node.first_child != NULL:
                node = node.first_child
                continue
            while node != top and node.next == NULL:
                node = node.parent
            if node == top or node == NULL:
                break
            node = node.next
        return 0

    cpdef main_ids(self, LexborNode root):
        """placement.choose_main over the paragraph scores, compiled: the addresses of the
        main block and its strong siblings (empty: no main block), which ``place`` then
        uses."""
        cdef Py_ssize_t top[5]
        cdef Py_ssize_t n_top = 0, i, j, k, at
        cdef uintptr_t key, best_key = 0
        cdef double best = 0.0, final, score
        cdef Py_ssize_t total, links
        cdef bint found = False
        cdef Stats st
        cdef lxb_dom_node_t *node
        cdef NodeInfo *info
        self.paragraph_scores(root.node)
        # the first five of sorted(scores, key=scores.__getitem__, reverse=True)
        for i in range(self.infos.count):
            info = &self.infos.items[i]
            if not info.has_score:
                continue
            j = n_top
            while j > 0 and ranks_before(info, &self.infos.items[top[j - 1]]):
                j -= 1
            if j < 5:
                for k in range(min(n_top, 4), j, -1):
                    top[k] = top[k - 1]
                top[j] = i
                if n_top < 5:
                    n_top += 1
        for i in range(n_top):
            info = &self.infos.items[top[i]]
            score = info.score
            if score <= best or score < 10:
                break  # link density only lowers a score: the rest cannot win (nor reach 10)
            key = info.key
            node_stats(<lxb_dom_node_t *> key, True, True, &st, &self.pieces)  # node_text(key, True)
            total = st.all.collapsed
            links = st.linked
            if total == 0:
                total = 1
            final = score * (1.0 - min(1.0, <double> links / <double> total))
            if final > best:
                best_key, best, found = key, final, True
        if not found or best < 10:
            return frozenset()
        chosen = [best_key]
        self.infos.items[info_find(&self.infos, best_key)].in_main = True
        cdef double threshold = max(10.0, best * 0.2)
        node = (<lxb_dom_node_t *> best_key).parent
        if node != NULL:
            node = node.first_child
            while node != NULL:
                key = <uintptr_t> node
                at = info_find(&self.infos, key)
                if (key != best_key and at >= 0 and self.infos.items[at].has_score
                        and self.infos.items[at].score >= threshold):
                    self.infos.items[at].in_main = True
                    chosen.append(key)
                node = node.next
        self.has_main = True
        return frozenset(chosen)

    def text_stats(self, LexborNode node, bint sep, bint collapse_links):
        """(length, stripped length, commas, collapsed length, link characters) of
        ``self.text(node, sep)`` as the walks stream them (for the tests)."""
        cdef Stats st
        node_stats(node.node, sep, collapse_links, &st, &self.pieces)
        return (st.all.length, run_stripped(&st.all), st.commas, st.all.collapsed, st.linked)

    def first_img(self, LexborNode node):
        """``node.css_first("img")``: the first ``img`` element under node, or None."""
        cdef lxb_dom_node_t *img = first_img_under(node.node)
        return wrap(img, node.parser) if img != NULL else None


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
