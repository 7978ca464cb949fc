"""The link index: DuckDB tables and Parquet files generated from the model column lists.

The only package that imports ``duckdb`` and ``pyarrow``. ``Index`` opens one DuckDB file;
``store.arrow`` converts records to and from Arrow tables of ``LINK_SCHEMA`` / ``PAGE_SCHEMA``.
See docs/store.md (tables, write path, figures) and docs/link-model.md (merge rules).
"""

from linkatlas.store.arrow import (
    LINK_SCHEMA,
    PAGE_SCHEMA,
    links_from_arrow,
    links_to_arrow,
    pages_from_arrow,
    pages_to_arrow,
)
from linkatlas.store.index import Index
from linkatlas.store.runs import RunInfo

__all__ = [
    "LINK_SCHEMA",
    "PAGE_SCHEMA",
    "Index",
    "RunInfo",
    "links_from_arrow",
    "links_to_arrow",
    "pages_from_arrow",
    "pages_to_arrow",
]
