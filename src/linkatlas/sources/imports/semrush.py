"""Semrush exports: Backlink Analytics backlinks, referring domains and anchors, Backlink Audit.

Header names as Semrush writes them in CSV/XLSX exports (``Page ascore``, ``Source url``,
``Target url``, ``Anchor``, ``Nofollow``, ``Sponsored``, ``Ugc``, ``Text``, ``Frame``, ``Form``,
``Image``, ``First seen``, ``Last seen``...), with its API column names as aliases.
"""

from __future__ import annotations

from linkatlas.model import Source
from linkatlas.sources.imports.columns import LINK, ReportSpec

_LINK_COLUMNS = {
    "source_url": ("Source url", "source_url"),
    "target_url": ("Target url", "target_url"),
    "anchor": ("Anchor", "anchor"),
    "type": ("Type", "Link type"),
    "rel": ("Rel", "Link attributes", "Attributes"),
    "nofollow": ("Nofollow", "nofollow"),
    "sponsored": ("Sponsored", "sponsored"),
    "ugc": ("Ugc", "ugc"),
    "text": ("Text",),
    "image": ("Image", "image"),
    "frame": ("Frame",),
    "form": ("Form",),
    "redirect": ("Redirect", "redirect"),
    "first_seen": ("First seen", "first_seen"),
    "last_seen": ("Last seen", "last_seen"),
}

BACKLINKS = ReportSpec(
    Source.SEMRUSH, "Semrush backlinks", LINK, _LINK_COLUMNS, ("source_url", "target_url"),
    ("Page ascore", "Source title", "New link", "Lost link"),
)

AUDIT = ReportSpec(
    Source.SEMRUSH, "Semrush Backlink Audit", LINK, _LINK_COLUMNS, ("source_url", "target_url"),
    ("Toxicity score", "Toxic score", "Toxic markers", "Page AS", "Domain AS"),
)

REFDOMAINS = ReportSpec(
    Source.SEMRUSH, "Semrush referring domains", "refdomain",
    {
        "key": ("Domain", "domain"),
        "links": ("Backlinks", "backlinks_num"),
        "first_seen": ("First seen", "first_seen"),
        "last_seen": ("Last seen", "last_seen"),
    },
    ("key", "links"),
    ("Domain ascore", "domain_ascore"),
)

ANCHORS = ReportSpec(
    Source.SEMRUSH, "Semrush anchors", "anchor",
    {
        "key": ("Anchor", "anchor"),
        "domains": ("Domains", "domains_num"),
        "links": ("Backlinks", "backlinks_num"),
        "first_seen": ("First seen", "first_seen"),
        "last_seen": ("Last seen", "last_seen"),
    },
    ("key", "domains", "links"),
)

REPORTS = (BACKLINKS, AUDIT, REFDOMAINS, ANCHORS)
