"""The public verbs of linkatlas: the one place that wires sources, extraction and the index.

Every verb opens the index it is given (``db``; the ``db`` setting by default), does one thing
and returns typed rows from ``linkatlas.model``. ``to_frame`` turns rows into a pandas or polars
DataFrame for notebook users. One module per area: ``ingest``, ``crawl`` (and verify, robots
checks), ``query``, ``graphs``, ``hosts``, ``demo``.
"""

from __future__ import annotations

from linkatlas.api._audit import (
    audit,
)
from linkatlas.api._common import (
    ARCHIVE_SUFFIXES,
    parse_target,
)
from linkatlas.api._contacts import (
    contacts,
    disavow_sites,
)
from linkatlas.api._crawl import (
    FOLLOW_KINDS,
    CrawlReport,
    crawl,
    robots_check,
    verify,
)
from linkatlas.api._demo import (
    DemoResult,
    demo,
)
from linkatlas.api._disavow import (
    DisavowResult,
    audit_candidates,
    disavow_diff,
    disavow_from_audit,
    disavow_generate,
    disavow_parse,
    read_keep,
)
from linkatlas.api._graphs import (
    GRAPH_LEVELS,
    GraphImport,
    RankedGraph,
    authority,
    graph_import,
    graph_name,
    graph_ranks,
    graphs,
    rank,
)
from linkatlas.api._hosts import (
    parse_hosts,
    read_hosts,
    read_spam_list,
    score_hosts,
)
from linkatlas.api._imports import (
    ExportShape,
    ImportReport,
    import_file,
    imported_stats,
    inspect_export,
)
from linkatlas.api._ingest import (
    IngestProgress,
    IngestReport,
    expand_paths,
    ingest,
)
from linkatlas.api._owner import (
    own_index,
)
from linkatlas.api._query import (
    anchors,
    backlinks,
    counts,
    export,
    import_parquet,
    outlinks,
    profile,
    refdomains,
    to_frame,
)
from linkatlas.api._report import (
    report_data,
    report_html,
)
from linkatlas.api._sources import (
    link_sources,
    source_coverage,
)
from linkatlas.api._traffic import (
    REFERRAL_VIEWS,
    TRAFFIC_FORMATS,
    TrafficFile,
    TrafficReport,
    dead_pages,
    import_traffic,
    referrals,
)

__all__ = [
    "ARCHIVE_SUFFIXES",
    "FOLLOW_KINDS",
    "GRAPH_LEVELS",
    "REFERRAL_VIEWS",
    "TRAFFIC_FORMATS",
    "CrawlReport",
    "DemoResult",
    "DisavowResult",
    "ExportShape",
    "GraphImport",
    "ImportReport",
    "IngestProgress",
    "IngestReport",
    "RankedGraph",
    "TrafficFile",
    "TrafficReport",
    "anchors",
    "audit",
    "audit_candidates",
    "authority",
    "backlinks",
    "contacts",
    "counts",
    "crawl",
    "dead_pages",
    "demo",
    "disavow_diff",
    "disavow_from_audit",
    "disavow_generate",
    "disavow_parse",
    "disavow_sites",
    "expand_paths",
    "export",
    "graph_import",
    "graph_name",
    "graph_ranks",
    "graphs",
    "import_file",
    "import_parquet",
    "import_traffic",
    "imported_stats",
    "ingest",
    "inspect_export",
    "link_sources",
    "outlinks",
    "own_index",
    "parse_hosts",
    "parse_target",
    "profile",
    "rank",
    "read_hosts",
    "read_keep",
    "read_spam_list",
    "refdomains",
    "referrals",
    "report_data",
    "report_html",
    "robots_check",
    "score_hosts",
    "source_coverage",
    "to_frame",
    "verify",
]
