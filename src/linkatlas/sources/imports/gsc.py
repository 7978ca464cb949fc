"""Google Search Console Links report exports (English interface).

Search Console exports each table of the Links report on its own (CSV, Google Sheets, or a zip
of CSVs): Latest links and More sample links (``Linking page``, ``Last crawled``), Top linking
sites (``Site``, ``Linking pages``, ``Target pages``), Top linked pages (``Target page``,
``Incoming links``, ``Linking sites``) and Top linking text (``Linking text``). None names both
ends of a link except the per-page drill-downs that carry ``Target page`` next to ``Linking
page``; the rest become ``ImportedStat`` rows about the property, which no file names: it comes
from ``--target`` or the export's file name.
"""

from __future__ import annotations

from linkatlas.model import Source
from linkatlas.sources.imports.columns import LINK, ReportSpec

LINKS = ReportSpec(
    Source.GSC, "Search Console links", LINK,
    {
        "source_url": ("Linking page",),
        "target_url": ("Target page",),
        "anchor": ("Linking text",),
        "last_seen": ("Last crawled",),
    },
    ("source_url", "target_url"),
)

LATEST = ReportSpec(
    Source.GSC, "Search Console latest links", "linking_page",
    {"key": ("Linking page",), "last_seen": ("Last crawled",)},
    ("key",),
)

SITES = ReportSpec(
    Source.GSC, "Search Console top linking sites", "linking_site",
    {"key": ("Site", "Linking site"), "links": ("Linking pages",),
     "pages": ("Target pages",)},
    ("key", "links"),
)

PAGES = ReportSpec(
    Source.GSC, "Search Console top linked pages", "linked_page",
    {"key": ("Target page", "Top linked pages"), "links": ("Incoming links",),
     "domains": ("Linking sites",)},
    ("key", "links"),
)

TEXT = ReportSpec(
    Source.GSC, "Search Console top linking text", "anchor",
    {"key": ("Linking text", "Top linking text")},
    ("key",),
)

REPORTS = (LINKS, LATEST, SITES, PAGES, TEXT)
