"""linkatlas: an open backlink index and audit toolkit.

The verbs are importable from here (``linkatlas.backlinks(...)``); rows are the records of
``linkatlas.model``. They load lazily so that ``import linkatlas.urls`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "anchors": "linkatlas.api",
    "backlinks": "linkatlas.api",
    "counts": "linkatlas.api",
    "demo": "linkatlas.api",
    "export": "linkatlas.api",
    "import_file": "linkatlas.api",
    "import_parquet": "linkatlas.api",
    "imported_stats": "linkatlas.api",
    "ingest": "linkatlas.api",
    "outlinks": "linkatlas.api",
    "parse_target": "linkatlas.api",
    "profile": "linkatlas.api",
    "refdomains": "linkatlas.api",
    "score_hosts": "linkatlas.api",
    "to_frame": "linkatlas.api",
    "import_traffic": "linkatlas.api",
    "referrals": "linkatlas.api",
    "link_sources": "linkatlas.api",
    "source_coverage": "linkatlas.api",
    "contacts": "linkatlas.api",
    "disavow_generate": "linkatlas.api",
    "LinkatlasError": "linkatlas.errors",
    "AnchorStat": "linkatlas.model",
    "ImportedStat": "linkatlas.model",
    "Link": "linkatlas.model",
    "Page": "linkatlas.model",
    "Placement": "linkatlas.model",
    "Profile": "linkatlas.model",
    "RefDomain": "linkatlas.model",
    "Target": "linkatlas.model",
}
__all__ = [
    "AnchorStat",
    "ImportedStat",
    "Link",
    "LinkatlasError",
    "Page",
    "Placement",
    "Profile",
    "RefDomain",
    "Target",
    "anchors",
    "backlinks",
    "contacts",
    "counts",
    "demo",
    "disavow_generate",
    "export",
    "import_file",
    "import_parquet",
    "import_traffic",
    "imported_stats",
    "ingest",
    "link_sources",
    "outlinks",
    "parse_target",
    "profile",
    "refdomains",
    "referrals",
    "score_hosts",
    "source_coverage",
    "to_frame",
]

if TYPE_CHECKING:
    from linkatlas.api import (
        anchors,
        backlinks,
        contacts,
        counts,
        demo,
        disavow_generate,
        export,
        import_file,
        import_parquet,
        import_traffic,
        imported_stats,
        ingest,
        link_sources,
        outlinks,
        parse_target,
        profile,
        refdomains,
        referrals,
        score_hosts,
        source_coverage,
        to_frame,
    )
    from linkatlas.errors import LinkatlasError
    from linkatlas.model import (
        AnchorStat,
        ImportedStat,
        Link,
        Page,
        Placement,
        Profile,
        RefDomain,
        Target,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'linkatlas' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
