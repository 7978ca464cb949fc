"""Moz Link Explorer exports: inbound links and linking domains.

Header names from Link Explorer's CSV (``URL`` or ``Source URL`` for the linking page,
``Target URL``, ``Anchor Text``, ``Link Type`` holding follow/nofollow/redirect, ``Spam Score``,
``Domain Authority``, ``Page Authority``, ``Date First Seen``/``Date Last Seen``), with the older
Open Site Explorer names (``No Follow``, ``First Seen``) as aliases.
"""

from __future__ import annotations

from linkatlas.model import Source
from linkatlas.sources.imports.columns import LINK, ReportSpec

_SIGNATURE = ("Spam Score", "Domain Authority", "Page Authority", "Linking Domains to Page",
              "Number of Domains Linking to Page")

INBOUND = ReportSpec(
    Source.MOZ, "Moz inbound links", LINK,
    {
        "source_url": ("URL", "Source URL", "Linking Page", "Linking URL"),
        "target_url": ("Target URL",),
        "anchor": ("Anchor Text",),
        "type": ("Link Type", "Link Types"),
        "nofollow": ("Nofollow", "No Follow"),
        "rel": ("Rel", "Link Attributes"),
        "first_seen": ("Date First Seen", "First Seen", "Discovered"),
        "last_seen": ("Date Last Seen", "Last Seen"),
    },
    ("source_url", "target_url"),
    _SIGNATURE,
)

LINKING_DOMAINS = ReportSpec(
    Source.MOZ, "Moz linking domains", "refdomain",
    {
        "key": ("Root Domain", "Linking Domain", "Domain"),
        "links": ("Links to Target", "Links to Target Domain", "Inbound Links"),
        "first_seen": ("Date First Seen", "First Seen", "Discovered"),
        "last_seen": ("Date Last Seen", "Last Seen"),
    },
    ("key", "links"),
    _SIGNATURE,
)

REPORTS = (INBOUND, LINKING_DOMAINS)
