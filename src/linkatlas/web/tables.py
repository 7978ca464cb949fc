"""Filter, sort, paginate and export the tables of a target (shared by pages and the API).

Rows come from the ``linkatlas.api`` verbs as ``linkatlas.model`` records; the view is
computed here, server-side, so every table works without JavaScript (query parameters carry
the state) and the CSV export holds exactly the filtered rows, written by ``report.csvout``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import io
from collections.abc import Sequence
from typing import Any, Generic, Literal, TypeVar

from linkatlas.report import csvout

T = TypeVar("T")

MAX_PER_PAGE = 500

BACKLINK_COLUMNS = ("source_url", "target_url", "anchor", "rel", "placement", "kind",
                    "passes_credit", "first_seen", "last_seen", "via")
REFDOMAIN_COLUMNS = ("domain", "links", "followed_links", "pages", "first_seen", "last_seen",
                     "top_anchor")
ANCHOR_COLUMNS = ("anchor", "links", "refdomains", "followed_links")


@dataclasses.dataclass(frozen=True, slots=True)
class TableQuery:
    """What a request asks of a table: text filter, sort column and order, page."""

    q: str = ""
    sort: str = ""
    order: Literal["asc", "desc"] = "desc"
    page: int = 1
    per_page: int = 50


@dataclasses.dataclass(frozen=True, slots=True)
class TableView(Generic[T]):
    """One page of filtered, sorted rows and where it sits in the whole."""

    total: int
    page: int
    per_page: int
    pages: int
    items: list[T]
    sort: str
    order: str


def _key(value: Any) -> Any:
    """A sort key that orders mixed None/bool/number/str/datetime values without errors."""
    if value is None:
        return (0, "")
    if isinstance(value, enum.Enum):
        return (1, str(value.value))
    if isinstance(value, bool | int | float):
        return (2, float(value))
    if isinstance(value, _dt.datetime | _dt.date):
        return (3, value.isoformat())
    return (1, str(value).casefold())


def filtered(rows: Sequence[T], query: TableQuery, columns: Sequence[str],
             text_columns: Sequence[str], default_sort: str) -> list[T]:
    """Every row the text filter keeps, sorted as asked (the exports take all of them)."""
    needle = query.q.strip().casefold()
    picked = [r for r in rows if not needle
              or any(needle in str(getattr(r, c)).casefold() for c in text_columns)]
    sort = query.sort if query.sort in columns else default_sort
    picked.sort(key=lambda r: _key(getattr(r, sort)), reverse=query.order == "desc")
    return picked


def view(rows: Sequence[T], query: TableQuery, columns: Sequence[str],
         text_columns: Sequence[str], default_sort: str) -> TableView[T]:
    """One page of the filtered, sorted rows."""
    picked = filtered(rows, query, columns, text_columns, default_sort)
    per = max(1, min(MAX_PER_PAGE, query.per_page))
    pages = max(1, -(-len(picked) // per))
    page = max(1, min(query.page, pages))
    sort = query.sort if query.sort in columns else default_sort
    return TableView(total=len(picked), page=page, per_page=per, pages=pages,
                     items=picked[(page - 1) * per: page * per], sort=sort, order=query.order)


def to_csv(rows: Sequence[Any], columns: Sequence[str]) -> str:
    """Rows as formula-safe CSV (``report.csvout``: a leading apostrophe neutralises a
    formula, ``csvout.read_rows`` restores the original text)."""
    buf = io.StringIO()
    csvout.write_records(buf, rows, columns)
    return buf.getvalue()
