# Included by _walk.pyx (one extension module): parsing on recycled Lexbor documents.
#
# ``LexborHTMLParser(html)`` creates a Lexbor document (memory pools, tag/attribute/namespace
# hashes, the tree builder) and destroys it with the parser object: on a small page that costs
# more than the parse itself (26 us a page against 11 us on a recycled document, for the 2.4 KB
# pages of the generated corpus). Lexbor documents are made to be reused:
# ``lxb_html_document_parse`` on a cleaned document builds the same tree.
# ``parse`` keeps one spare document, cleaned, and hands it to selectolax's own
# ``LexborHTMLParser.from_document``; ``recycle`` takes it back when the caller is done with
# the tree. The four document functions are exported by selectolax's extension but loaded
# privately by Python, so they are looked up with dlsym in the already-loaded module.
#
# What a cleaned document keeps that a new one would not: the quirks mode the tree builder set
# (it only ever sets quirks or limited quirks), the DOM options and the scripting flag; all
# three are reset to a new document's values before each parse. A test compares the trees of
# 1,900 html5lib inputs parsed in a row on one recycled document with fresh parses.

cdef extern from "dlfcn.h":
    void *dlopen(const char *filename, int flag)
    int RTLD_LAZY
    int RTLD_NOLOAD

cdef extern from *:
    """
    #include <dlfcn.h>
    #include "lexbor/html/interfaces/document.h"
    typedef lxb_html_document_t *(*la_create_f)(void);
    typedef lxb_status_t (*la_parse_f)(lxb_html_document_t *, const lxb_char_t *, size_t);
    typedef void (*la_clean_f)(lxb_html_document_t *);
    typedef lxb_html_document_t *(*la_destroy_f)(lxb_html_document_t *);
    static la_create_f la_create = NULL;
    static la_parse_f la_parse = NULL;
    static la_clean_f la_clean = NULL;
    static la_destroy_f la_destroy = NULL;
    /* Look the four functions up in selectolax's extension; 1 when all are there. */
    static int la_bind(void *handle) {
        la_create = (la_create_f) dlsym(handle, "lxb_html_document_create");
        la_parse = (la_parse_f) dlsym(handle, "lxb_html_document_parse");
        la_clean = (la_clean_f) dlsym(handle, "lxb_html_document_clean");
        la_destroy = (la_destroy_f) dlsym(handle, "lxb_html_document_destroy");
        return la_create != NULL && la_parse != NULL && la_clean != NULL && la_destroy != NULL;
    }
    /* What LexborHTMLParser's constructor sets (options 0, scripting off), and the quirks
       mode of a new document. */
    /* LexborHTMLParser.body's element (lxb_html_document_body_element), or NULL. */
    static lxb_dom_node_t *la_body(lxb_html_document_t *doc) {
        return doc != NULL ? (lxb_dom_node_t *) doc->body : NULL;
    }
    static void la_reset(lxb_html_document_t *doc) {
        doc->dom_document.compat_mode = LXB_DOM_DOCUMENT_CMODE_NO_QUIRKS;
        doc->dom_document.options = 0;
        doc->dom_document.scripting = false;
    }
    """
    int la_bind(void *handle)
    void la_reset(lxb_html_document_t *doc) noexcept nogil
    lxb_dom_node_t *la_body(lxb_html_document_t *doc) noexcept
    lxb_html_document_t *la_create() noexcept nogil
    unsigned int la_parse(lxb_html_document_t *doc, const unsigned char *html,
                          size_t size) noexcept nogil
    void la_clean(lxb_html_document_t *doc) noexcept nogil
    lxb_html_document_t *la_destroy(lxb_html_document_t *doc) noexcept nogil

cdef bint _recycling = False
cdef lxb_html_document_t *_spare = NULL
SPARE_MAX_INPUT = 1 << 20  # a document that parsed more is destroyed, not kept


def bind_lexbor(str path):
    """Look up Lexbor's document functions in selectolax's extension at ``path`` (already
    loaded); parse/recycle reuse documents from then on. False when they are not there."""
    global _recycling
    cdef bytes name = path.encode()
    cdef void *handle = dlopen(name, RTLD_LAZY | RTLD_NOLOAD)
    _recycling = handle != NULL and la_bind(handle) == 1
    return _recycling


def parse(bytes html):
    """``LexborHTMLParser(html)`` for UTF-8 bytes, on the spare document when there is one."""
    global _spare
    cdef lxb_html_document_t *doc
    cdef const unsigned char *data = html
    cdef size_t size = len(html)
    cdef unsigned int status
    if not _recycling:
        return LexborHTMLParser(html)
    doc = _spare
    _spare = NULL
    if doc == NULL:
        doc = la_create()
        if doc == NULL:
            raise MemoryError("Lexbor could not create a document")
    la_reset(doc)
    with nogil:
        status = la_parse(doc, data, size)
    if status != 0:  # LXB_STATUS_OK
        la_destroy(doc)
        return LexborHTMLParser(html)  # selectolax's own error, as the constructor raises it
    return LexborHTMLParser.from_document(doc, html)


def recycle(LexborHTMLParser tree):
    """Take the document back from ``tree``, which must not be used again (nor any node of it),
    and keep it, cleaned, for the next ``parse`` (destroyed when one is kept already or it
    held a large page)."""
    global _spare
    cdef lxb_html_document_t *doc = tree.document
    if doc == NULL or not _recycling:
        return
    tree.document = NULL
    if _spare == NULL and len(tree.raw_html or b"") <= SPARE_MAX_INPUT:
        la_clean(doc)
        _spare = doc
    else:
        la_destroy(doc)
