"""Majestic Site Explorer exports: backlinks and referring domains.

Majestic's downloads and its API (``GetBackLinkData``, ``GetRefDomains``) share the column
names (``SourceURL``, ``TargetURL``, ``AnchorText``, ``FlagNoFollow``, ``FlagImages``,
``FlagRedirect``, ``FlagFrame``, ``FirstIndexedDate``, ``LastSeenDate``...); the web export spells
some with spaces (``Source URL``, ``Anchor Text``), which header matching treats as the same.
"""

from __future__ import annotations

from linkatlas.model import Source
from linkatlas.sources.imports.columns import LINK, ReportSpec

_SIGNATURE = ("SourceTrustFlow", "SourceCitationFlow", "TargetTrustFlow", "TargetCitationFlow",
              "FlagDeleted", "FlagMention", "FlagOldCrawl", "FlagAltText", "FirstIndexedDate",
              "LastSeenDate", "TrustFlow", "CitationFlow", "TopicalTrustFlow_Topic_0")

BACKLINKS = ReportSpec(
    Source.MAJESTIC, "Majestic backlinks", LINK,
    {
        "source_url": ("Source URL", "SourceURL"),
        "target_url": ("Target URL", "TargetURL"),
        "anchor": ("Anchor Text", "AnchorText"),
        "type": ("LinkType", "Link Type"),
        "nofollow": ("Flag NoFollow", "FlagNoFollow", "NoFollow"),
        "image": ("FlagImages", "FlagImageLink", "Flag Image", "Flag Images"),
        "alt_flag": ("FlagAltText", "Flag Alt Text"),
        "redirect": ("FlagRedirect", "Flag Redirect"),
        "frame": ("FlagFrame", "Flag Frame"),
        "first_seen": ("FirstIndexedDate", "First Indexed Date", "Source First Found Date"),
        "last_seen": ("LastSeenDate", "Last Seen Date", "Source Crawl Date"),
    },
    ("source_url", "target_url"),
    _SIGNATURE,
)

REFDOMAINS = ReportSpec(
    Source.MAJESTIC, "Majestic referring domains", "refdomain",
    {
        "key": ("Domain", "RefDomain"),
        "links": ("MatchedLinks", "Matched Links", "ExtBackLinks", "Backlinks"),
        "first_seen": ("FirstSeen", "FirstIndexedDate"),
        "last_seen": ("LastSeen", "LastSeenDate"),
    },
    ("key", "links"),
    _SIGNATURE,
)

REPORTS = (BACKLINKS, REFDOMAINS)
