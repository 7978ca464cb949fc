# Included by _walk.pyx (one extension module): Link records built in C.
#
# ``Link`` is a slots dataclass; its generated keyword ``__init__`` costs about 1.3 us a record,
# more than the rest of a link's compiled work. ``emit`` allocates the object through its
# type and stores the 23 values straight into the slots, at the offsets the class's own member
# descriptors give (``PyMemberDef.offset``, the same place ``__init__`` writes to). The record
# is the same object ``__init__`` would build (no __post_init__, no validation in Link); the
# tests compare every field of every link with the pure-Python path.


cdef extern from *:
    """
    #include "structmember.h"
    /* The slot offset of a __slots__ member descriptor, -1 for anything else. */
    static Py_ssize_t la_member_offset(PyObject *descr) {
        PyMemberDef *member;
        if (Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
        member = ((PyMemberDescrObject *) descr)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) return -1;
        return member->offset;
    }
    /* A new instance of type with values[i] stored (new references) at offsets[i], left out
       of the cycle collector's lists: a record holds strings, numbers, booleans, enum members
       and a datetime, none of which can refer back to it (CPython untracks tuples and dicts of
       such values the same way). */
    static PyObject *la_new_record(PyTypeObject *type, const Py_ssize_t *offsets,
                                   PyObject *const *values, Py_ssize_t n) {
        Py_ssize_t i;
        PyObject *obj = type->tp_alloc(type, 0);
        if (obj == NULL) return NULL;
        for (i = 0; i < n; i++) {
            Py_INCREF(values[i]);
            *(PyObject **) ((char *) obj + offsets[i]) = values[i];
        }
        if (PyObject_IS_GC(obj)) PyObject_GC_UnTrack(obj);
        return obj;
    }
    """
    Py_ssize_t la_member_offset(PyObject *descr)
    object la_new_record(type cls, const Py_ssize_t *offsets, PyObject **values, Py_ssize_t n)

# The fields of model.Link in the order emit fills them; configure_records checks that the
# class has exactly these (a model change fails at import, not with half-filled records).
LINK_FIELDS = (
    "source_url", "target_url", "source_host", "source_domain", "target_host", "target_domain",
    "anchor", "kind", "rel", "nofollow", "sponsored", "ugc", "passes_credit", "internal",
    "placement", "context_before", "context_after", "position", "occurrence", "first_seen",
    "last_seen", "via", "observed_in",
)
DEF N_LINK_FIELDS = 23
cdef Py_ssize_t _link_offsets[N_LINK_FIELDS]
cdef type _link_type = None
_host_and_domain = None
_rel_flags = None
# urls.host_and_domain's results for the targets seen (an lru_cache there; a dict read is
# cheaper), and common.rel_flags's own cache, read before calling it
cdef dict _host_memo = {}
cdef dict _rel_cache = {}
cdef tuple _anchor_kinds = ()  # LinkKind A, IMAGE, AREA: counted on the page (configure_page)
DEF HOST_MEMO_MAX = 65536  # as many as the lru_cache it fronts (urls._cached_host_and_domain)
DEF HOST_MEMO_KEY_MAX = 512  # bounds the memo's memory whatever the URLs


cdef object hosts_of(str target):
    """``urls.host_and_domain(target)``, from the memo in front of its lru_cache."""
    hosts = _host_memo.get(target)
    if hosts is None:  # urls.host_and_domain is an lru_cache; a dict read is cheaper
        hosts = _host_and_domain(target)
        if PyUnicode_GET_LENGTH(target) <= HOST_MEMO_KEY_MAX:
            if len(_host_memo) >= HOST_MEMO_MAX:
                _host_memo.clear()
            _host_memo[target] = hosts
    return hosts


cdef tuple rel_info(str rel):
    """``common.rel_flags(rel)`` (normalised tokens, nofollow, sponsored, ugc), from its cache
    when it is there."""
    flags = _rel_cache.get(rel)
    return flags if flags is not None else _rel_flags(rel)


def configure_records(type link_type, tuple field_names, host_and_domain, rel_flags,
                      dict rel_cache=None):
    """Bind ``model.Link`` (its dataclass field names in order) and the helpers a record needs
    (``urls.host_and_domain``, ``common.rel_flags`` and the cache it fills,
    ``common.REL_FLAGS_CACHE``)."""
    global _link_type, _host_and_domain, _rel_flags, _rel_cache
    if sorted(field_names) != sorted(LINK_FIELDS) or len(LINK_FIELDS) != N_LINK_FIELDS:
        raise TypeError(f"Link fields changed: {field_names} (the compiled walk knows "
                        f"{LINK_FIELDS}); update _walk_records.pxi")
    cdef Py_ssize_t i, offset
    if hasattr(link_type, "__post_init__"):
        raise TypeError("Link has a __post_init__: records built in C would skip it; "
                        "update _walk_records.pxi")
    offsets = []
    for name in LINK_FIELDS:
        descr = link_type.__dict__.get(name)
        offset = la_member_offset(<PyObject *> descr) if descr is not None else -1
        if offset < 0:
            raise TypeError(f"Link.{name} is not a writable __slots__ member")
        offsets.append(offset)
    for i in range(N_LINK_FIELDS):  # only once every field checked out
        _link_offsets[i] = offsets[i]
    _link_type = link_type
    _host_and_domain = host_and_domain
    _rel_flags = rel_flags
    _rel_cache = rel_cache if rel_cache is not None else {}
    _host_memo.clear()


cdef object _true_object = True  # (a C cast of the literal True would give 1)
cdef object _false_object = False

# The occurrence count of emit: html.py keeps the last occurrence of each (target, kind,
# anchor) in a dict keyed by the tuple; here an open-addressing table of borrowed references
# (the items and records hold the objects while emit runs) does the same without building a
# tuple a link. Kinds are enum members, equal only to themselves: compared by identity.
cdef extern from *:
    """
    typedef struct {
        PyObject *target, *kind, *anchor;  /* borrowed; target NULL: an empty slot */
        Py_hash_t hash;
        Py_ssize_t last;
    } la_occ_entry;
    typedef struct { la_occ_entry *slots; size_t mask; } la_occ_table;
    static int la_occ_init(la_occ_table *t, Py_ssize_t n) {
        size_t cap = 16;
        while (cap < 2 * (size_t) n + 2) cap <<= 1;
        t->slots = (la_occ_entry *) calloc(cap, sizeof(la_occ_entry));
        t->mask = cap - 1;
        if (t->slots == NULL) { PyErr_NoMemory(); return -1; }
        return 0;
    }
    /* The next occurrence of (target, kind, anchor): 0 the first time, then 1, 2, ... (or
       start + 1 after a seed of start); -1 with an exception set on error. */
    static Py_ssize_t la_occ_next(la_occ_table *t, PyObject *target, PyObject *kind,
                                  PyObject *anchor, Py_ssize_t seed) {
        Py_hash_t ht = PyObject_Hash(target), ha, h;
        size_t i;
        int eq;
        la_occ_entry *e;
        if (ht == -1) return -1;
        ha = PyObject_Hash(anchor);
        if (ha == -1) return -1;
        h = (Py_hash_t) (((size_t) ht * 1000003u) ^ ((size_t) kind >> 4) ^ ((size_t) ha * 31u));
        i = (size_t) h & t->mask;
        for (;;) {
            e = &t->slots[i];
            if (e->target == NULL) {
                e->target = target; e->kind = kind; e->anchor = anchor; e->hash = h;
                e->last = seed >= 0 ? seed : 0;
                return e->last;
            }
            if (e->hash == h && e->kind == kind) {
                eq = e->target == target ? 1 : PyObject_RichCompareBool(e->target, target, Py_EQ);
                if (eq < 0) return -1;
                if (eq) {
                    eq = e->anchor == anchor ? 1
                         : PyObject_RichCompareBool(e->anchor, anchor, Py_EQ);
                    if (eq < 0) return -1;
                    if (eq) {
                        e->last = seed >= 0 ? seed : e->last + 1;
                        return e->last;
                    }
                }
            }
            i = (i + 1) & t->mask;
        }
    }
    """
    ctypedef struct la_occ_table:
        void *slots
    int la_occ_init(la_occ_table *t, Py_ssize_t n) except -1
    Py_ssize_t la_occ_next(la_occ_table *t, PyObject *target, PyObject *kind, PyObject *anchor,
                           Py_ssize_t seed) except -1
cdef PyObject *_TRUE = <PyObject *> _true_object
cdef PyObject *_FALSE = <PyObject *> _false_object


cpdef emit(list items, str buffer, Py_ssize_t n, make, builder, unknown):
    """html.py's ``_emit`` loop, compiled: every link record in document order with its
    context (n characters each side of its offsets in the buffer), built as ``make`` (a
    ``common.LinkMaker``) would build it; returns (internal links, body links). The tuples
    among the items are head links ((target, kind), kinds that are no anchors, as
    ``builder.add`` would add them)."""
    # The record's values as borrowed references: each object is held by a local of
    # emit_loop (or is True, False or a constant) until la_new_record takes its own references.
    cdef PyObject *vals[N_LINK_FIELDS]
    cdef la_occ_table table
    cdef tuple key
    source, s_host, s_domain = make._source, make._host, make._domain
    first_seen, via, observed_in = make._seen, make._via, make._observed_in
    vals[0] = <PyObject *> source
    vals[2] = <PyObject *> s_host
    vals[3] = <PyObject *> s_domain
    vals[19] = vals[20] = <PyObject *> first_seen
    vals[21] = <PyObject *> via
    vals[22] = <PyObject *> observed_in
    seen = builder.seen  # the links builder.add made before (redirect, Link header canonical)
    la_occ_init(&table, len(items) + len(seen))
    try:
        for key, last in seen.items():
            la_occ_next(&table, <PyObject *> key[0], <PyObject *> key[1], <PyObject *> key[2],
                        last)
        return emit_loop(items, buffer, n, builder.links, unknown, &table, vals,
                         make.page_nofollow, s_domain)
    finally:
        free(table.slots)


cdef tuple emit_loop(list items, str buffer, Py_ssize_t n, list links, unknown,
                     la_occ_table *table, PyObject **vals, bint page_nofollow, s_domain):
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(buffer)
    cdef int kind_ = PyUnicode_KIND(buffer)
    cdef void *data = PyUnicode_DATA(buffer)
    cdef Pending item
    cdef Py_ssize_t j = 0, internal = 0
    cdef bint blocked, is_internal
    cdef str before, after
    cdef PyObject *cut_before
    cdef PyObject *cut_after
    # Python objects all: each one's pointer goes into vals (no C type inferred for any)
    cdef object target, kind, anchor, t_host, t_domain, rel_norm, nofollow, sponsored, ugc
    cdef object place, occurrence, position
    no_rel = ("", False, False, False)
    for entry in items:
        if type(entry) is tuple:  # a head link
            target, kind = entry
            anchor = before = after = ""
            rel_norm, nofollow, sponsored, ugc = no_rel
            place = unknown
        else:
            item = entry
            target, kind, anchor = item.target, item.kind, item.anchor
            rel = item.rel
            if rel:
                rel_norm, nofollow, sponsored, ugc = rel_info(rel)
            else:
                rel_norm, nofollow, sponsored, ugc = no_rel
            place = item.place or unknown
            context_pair(buffer, kind_, data, size, item.start, item.end, n, &cut_before,
                         &cut_after)
            before = <str> cut_before  # (a reference of its own: the pair's are dropped)
            after = <str> cut_after
            Py_DECREF(<object> cut_before)
            Py_DECREF(<object> cut_after)
        # seen.get(key, -1) + 1, stored back (in the table: seen is not read again)
        occurrence = la_occ_next(table, <PyObject *> target, <PyObject *> kind,
                                 <PyObject *> anchor, -1)
        if type(entry) is tuple or item.hosts is None:
            hosts = hosts_of(target)
        else:
            hosts = item.hosts
        t_host, t_domain = hosts
        blocked = nofollow or sponsored or ugc or page_nofollow
        is_internal = s_domain == t_domain
        position = len(links)
        vals[1] = <PyObject *> target
        vals[4] = <PyObject *> t_host
        vals[5] = <PyObject *> t_domain
        vals[6] = <PyObject *> anchor
        vals[7] = <PyObject *> kind
        vals[8] = <PyObject *> rel_norm
        vals[9] = <PyObject *> nofollow
        vals[10] = <PyObject *> sponsored
        vals[11] = <PyObject *> ugc
        vals[12] = _FALSE if blocked else _TRUE
        vals[13] = _TRUE if is_internal else _FALSE
        vals[14] = <PyObject *> place
        vals[15] = <PyObject *> before
        vals[16] = <PyObject *> after
        vals[17] = <PyObject *> position
        vals[18] = <PyObject *> occurrence
        links.append(la_new_record(_link_type, _link_offsets, vals, N_LINK_FIELDS))
        if type(entry) is not tuple:
            j += 1
            if is_internal:
                internal += 1
    return internal, j


# ---------------------------------------------------------------------------------------------
# Page records: links_from_page's Page(...) with its thirteen given fields, the rest copied
# from a template holding the defaults (all immutable: strings, numbers, empty tuples, an
# enum member), stored into the slots as emit stores a Link's.

PAGE_GIVEN = ("url", "final_url", "host", "domain", "status", "fetched_at", "content_type",
              "content_length", "x_robots_tag", "language", "via", "observed_in", "ip")
DEF PAGE_FIELDS_MAX = 64
cdef Py_ssize_t _page_offsets[PAGE_FIELDS_MAX]
cdef Py_ssize_t _page_given_at[13]  # the index of each PAGE_GIVEN name among the fields
cdef Py_ssize_t _page_fields = 0
cdef object _page_template = None


def configure_page_record(template):
    """Bind the Page class through an instance holding every default (``Page(url="", ...)``):
    ``new_page`` copies it and fills the given fields. Refuses a class whose fields are not
    writable slots, that lacks a given field or has a __post_init__."""
    import dataclasses

    global _page_template, _page_fields
    cls = type(template)
    names = [f.name for f in dataclasses.fields(cls)]
    if hasattr(cls, "__post_init__") or len(names) > PAGE_FIELDS_MAX:
        raise TypeError(f"{cls.__name__} cannot be built in C; update _walk_records.pxi")
    offsets = []
    for name in names:
        descr = cls.__dict__.get(name)
        offset = la_member_offset(<PyObject *> descr) if descr is not None else -1
        if offset < 0:
            raise TypeError(f"{cls.__name__}.{name} is not a writable __slots__ member")
        offsets.append(offset)
    missing = [name for name in PAGE_GIVEN if name not in names]
    if missing:
        raise TypeError(f"{cls.__name__} has no field {missing}; update _walk_records.pxi")
    cdef Py_ssize_t i
    for i in range(len(names)):
        _page_offsets[i] = offsets[i]
    for i in range(13):
        _page_given_at[i] = names.index(PAGE_GIVEN[i])
    _page_fields = len(names)
    _page_template = template


def new_page(url, final_url, host, domain, status, fetched_at, content_type, content_length,
             x_robots_tag, language, via, observed_in, ip):
    """``Page(url=url, ..., ip=ip)`` (the PAGE_GIVEN fields, the rest their defaults)."""
    cdef PyObject *vals[PAGE_FIELDS_MAX]
    cdef PyObject *given[13]
    cdef Py_ssize_t i
    cdef object template = _page_template
    if template is None:
        raise RuntimeError("configure_page_record was not called")
    for i in range(_page_fields):  # the template's values (it holds them)
        vals[i] = (<PyObject **> (<char *> <PyObject *> template + _page_offsets[i]))[0]
    given[0] = <PyObject *> url
    given[1] = <PyObject *> final_url
    given[2] = <PyObject *> host
    given[3] = <PyObject *> domain
    given[4] = <PyObject *> status
    given[5] = <PyObject *> fetched_at
    given[6] = <PyObject *> content_type
    given[7] = <PyObject *> content_length
    given[8] = <PyObject *> x_robots_tag
    given[9] = <PyObject *> language
    given[10] = <PyObject *> via
    given[11] = <PyObject *> observed_in
    given[12] = <PyObject *> ip
    for i in range(13):
        vals[_page_given_at[i]] = given[i]
    return la_new_record(type(template), _page_offsets, vals, _page_fields)
