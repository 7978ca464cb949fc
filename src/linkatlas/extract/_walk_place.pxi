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


cdef class Marks:
    """Marker indices on the link nodes of one tree while it lives; ``release`` clears them.

    Marked node i gets start marker U+F0000+i and end marker U+100000+i in every text read
    here, as if html.py had inserted them as text nodes around it."""

    cdef list nodes
    cdef Py_ssize_t budget
    cdef dict memo  # element address -> (Ctx fields..., block address, block is a list)
    cdef dict block_len
    cdef dict para_len  # paragraph address -> (length, block text length), from main_ids
    cdef Pieces pieces  # the text nodes' figures, read once (their index + 1 in node.user)

    def __cinit__(self):
        self.pieces.items = NULL
        self.pieces.count = self.pieces.cap = 0

    def __dealloc__(self):
        free(self.pieces.items)  # the tree may be gone: the nodes are not touched

    def __init__(self, list nodes):
        """Mark nodes (``Pending`` links or selectolax nodes) with their indices."""
        cdef Py_ssize_t i
        self.nodes = nodes
        self.memo = {}
        self.block_len = {}
        self.para_len = {}
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
        cdef Py_ssize_t n, length
        known = self.para_len.get(block)  # a paragraph main_ids walked already
        if known is not None:
            length, n = known
        else:
            node_stats(<lxb_dom_node_t *> block, False, False, &st, &self.pieces)
            length, n = st.all.length, block_len_of(&st)
        self.budget -= length
        self.block_len[block] = n
        return n

    cpdef place(self, list pending, frozenset main, Py_ssize_t text_budget):
        """html.py's ``_place`` for the pending links: sets each one's ``place`` (its node,
        anchor length and rel are read from it)."""
        cdef Py_ssize_t i, count = len(pending), size
        cdef tuple ctx
        cdef dict blocks = {}
        cdef list infos = []
        cdef list entry
        cdef list ugc = []
        cdef Pending item
        self.budget = text_budget
        for i in range(count):
            item = pending[i]
            rel = item.rel
            ugc.append(bool(rel) and rel_info(rel)[3])  # "ugc" in rel.lower().split()
            ctx = self.context(item.ptr, main)
            block = ctx[4]
            infos.append(ctx)
            if block:
                size = len(item.anchor)
                if size < 1:
                    size = 1
                entry = blocks.get(block)
                if entry is None:
                    blocks[block] = [size, 1, 0.0]
                else:
                    entry[0] += size
                    entry[1] += 1
        for block, entry in blocks.items():
            total = self.block_text_len(block)
            entry[2] = min(1.0, entry[0] / total) if total > 0 else (1.0 if total == 0 else -1.0)
        cdef bint has_main = bool(main)
        cdef double density
        cdef Py_ssize_t links
        cdef int place
        for i in range(count):
            ctx = infos[i]
            density, links = -1.0, 0
            if ctx[4]:
                entry = blocks[ctx[4]]
                density, links = entry[2], entry[1]
            place = ctx[0]
            if place == C_NONE and ugc[i]:
                place = C_COMMENT
            item = pending[i]
            item.place = _PLACES[decide(place, ctx[2], has_main, density, links, ctx[5])]

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
        cdef Stats st
        cdef Py_ssize_t length, linked, level
        cdef double score
        while node != NULL:
            if is_element(node):
                tag = node.local_name
                if (tag == LXB_TAG_P or tag == LXB_TAG_PRE or tag == LXB_TAG_TD
                        or tag == LXB_TAG_BLOCKQUOTE):
                    node_stats(node, False, False, &st, &self.pieces)  # node_text(node, False)
                    self.para_len[<uintptr_t> node] = (st.all.length, block_len_of(&st))
                    length = run_stripped(&st.all)
                    if length >= 25 and node.parent != NULL:
                        score = 1.0 + st.commas + min(length // 100, 3)
                        linked = st.linked
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

    cpdef main_ids(self, LexborNode root):
        """placement.choose_main over ``paragraph_scores(root)``, compiled: the addresses of
        the main block and its strong siblings (empty: no main block)."""
        cdef dict scores = self.paragraph_scores(root)
        if not scores:
            return frozenset()
        cdef uintptr_t key, best_key = 0
        cdef double best = 0.0, final, score
        cdef Py_ssize_t total, links, rank = 0
        cdef bint found = False
        cdef Stats st
        cdef lxb_dom_node_t *node
        # sorted(..., reverse=True) keeps first-scored order among equal scores, as in Python
        for k in sorted(scores, key=scores.__getitem__, reverse=True):
            if rank == 5:
                break
            rank += 1
            score = scores[k]
            if score <= best or score < 10:
                break  # link density only lowers a score: the rest cannot win (nor reach 10)
            key = k
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
        chosen = {best_key}
        cdef double threshold = max(10.0, best * 0.2)
        node = (<lxb_dom_node_t *> best_key).parent
        if node != NULL:
            node = node.first_child
            while node != NULL:
                key = <uintptr_t> node
                if key != best_key and scores.get(key, 0.0) >= threshold:
                    chosen.add(key)
                node = node.next
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
