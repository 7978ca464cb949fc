"""Ahrefs Site Explorer exports: backlinks, referring domains, anchors.

Header names from Ahrefs' export files (UTF-16 LE with BOM, tab separated, in "for Excel"
mode; UTF-8 CSV otherwise) and from the field names of its API (``url_from``, ``url_to``...),
which some third-party exporters write as headers. The older v1 export names (``Link URL``,
``Link Anchor``, ``Last Check``) are kept as aliases.
"""

from __future__ import annotations

from linkatlas.model import Source
from linkatlas.sources.imports.columns import LINK, ReportSpec

_SIGNATURE = ("Referring page URL", "Referring page title", "Domain rating", "DR", "UR",
              "URL rating", "Ahrefs rank", "Dofollow ref. domains", "Dofollow linked domains")

BACKLINKS = ReportSpec(
    Source.AHREFS, "Ahrefs backlinks", LINK,
    {
        "source_url": ("Referring page URL", "Referring Page URL", "url_from", "Source page"),
        "target_url": ("Target URL", "Link URL", "url_to"),
        "anchor": ("Anchor", "Link Anchor", "Anchor text"),
        "alt": ("Alt", "Alt text"),
        "type": ("Type", "Link type", "link_type"),
        "nofollow": ("Nofollow", "is_nofollow"),
        "ugc": ("UGC", "is_ugc"),
        "sponsored": ("Sponsored", "is_sponsored"),
        "first_seen": ("First seen", "first_seen_link", "first_seen"),
        "last_seen": ("Last seen", "Last check", "Last visited", "last_visited"),
    },
    ("source_url", "target_url"),
    _SIGNATURE,
)

REFDOMAINS = ReportSpec(
    Source.AHREFS, "Ahrefs referring domains", "refdomain",
    {
        "key": ("Domain", "Referring domain", "refdomain"),
        "links": ("Links to target", "Backlinks", "backlinks"),
        "first_seen": ("First seen", "first_seen"),
        "last_seen": ("Last seen", "last_visited"),
    },
    ("key", "links"),
    _SIGNATURE,
)

ANCHORS = ReportSpec(
    Source.AHREFS, "Ahrefs anchors", "anchor",
    {
        "key": ("Anchor", "Anchor text"),
        "domains": ("Referring domains", "Ref. domains", "refdomains"),
        "pages": ("Referring pages", "Ref. pages", "refpages"),
        "links": ("Links to target", "Backlinks"),
        "first_seen": ("First seen", "first_seen"),
        "last_seen": ("Last seen", "last_visited"),
    },
    ("key", "domains"),
    _SIGNATURE,
)

REPORTS = (BACKLINKS, REFDOMAINS, ANCHORS)
