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
import operator
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from linkatlas import api
from linkatlas.errors import InputError
from linkatlas.report import csvout
from linkatlas.web.cache import cached

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


def _sort_key(rows: Sequence[Any], column: str) -> Callable[[Any], Any]:
    """The cheapest correct key for one column: the value itself when every row holds the same
    comparable type (a 400,000-row sort then takes a fraction of a second), ``_key`` otherwise."""
    kinds = {type(getattr(r, column)) for r in rows}
    if len(kinds) == 1:
        kind = next(iter(kinds))
        if issubclass(kind, enum.Enum):
            return lambda r: getattr(r, column).value
        if issubclass(kind, str):
            return lambda r: getattr(r, column).casefold()
        if issubclass(kind, _dt.datetime):  # timestamp(): naive and aware values compare too
            return lambda r: getattr(r, column).timestamp()
        if issubclass(kind, bool | int | float):
            return operator.attrgetter(column)
    return lambda r: _key(getattr(r, column))


def table_rows(db: Path, table: str, target: str, follow_only: bool,
               placement: str | None) -> list[Any]:
    """The rows of one of the target's tables (backlinks, refdomains, anchors) from the index."""
    if table == "backlinks":
        return list(api.backlinks(target, db=db, follow_only=follow_only, placement=placement))
    if table == "refdomains":
        return list(api.refdomains(target, db=db, follow_only=follow_only))
    if table == "anchors":
        return list(api.anchors(target, db=db, follow_only=follow_only))
    raise InputError(f"no table {table!r}: choose backlinks, refdomains or anchors")


def filtered(rows: Sequence[T], query: TableQuery, columns: Sequence[str],
             text_columns: Sequence[str], default_sort: str) -> list[T]:
    """Every row the text filter keeps, sorted as asked (the exports take all of them)."""
    needle = query.q.strip().casefold()
    picked = [r for r in rows if not needle
              or any(needle in str(getattr(r, c)).casefold() for c in text_columns)]
    sort = query.sort if query.sort in columns else default_sort
    picked.sort(key=_sort_key(picked, sort), reverse=query.order == "desc")
    return picked


def page_of(picked: list[T], query: TableQuery, columns: Sequence[str],
            default_sort: str) -> TableView[T]:
    """One page of rows already filtered and sorted."""
    per = max(1, min(MAX_PER_PAGE, query.per_page))
    pages = max(1, -(-len(picked) // per))
    page = max(1, min(query.page, pages))
    sort = query.sort if query.sort in columns else default_sort
    return TableView(total=len(picked), page=page, per_page=per, pages=pages,
                     items=picked[(page - 1) * per: page * per], sort=sort, order=query.order)


def view(rows: Sequence[T], query: TableQuery, columns: Sequence[str],
         text_columns: Sequence[str], default_sort: str) -> TableView[T]:
    """One page of the filtered, sorted rows."""
    return page_of(filtered(rows, query, columns, text_columns, default_sort), query, columns,
                   default_sort)


TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "backlinks": (BACKLINK_COLUMNS, ("source_url", "target_url", "anchor"), "first_seen"),
    "refdomains": (REFDOMAIN_COLUMNS, ("domain", "top_anchor"), "links"),
    "anchors": (ANCHOR_COLUMNS, ("anchor",), "links"),
}


def cached_filtered(state: Any, db: Path, table: str, target: str, follow_only: bool,
                    placement: str | None, query: TableQuery) -> list[Any]:
    """A table's rows filtered and sorted, through the app's cache: paging through a big
    table re-uses both the rows read from the index and their order."""
    columns, text_columns, default_sort = TABLES[table]
    base = (table, target, follow_only, placement)
    rows = cached(state, base, lambda: table_rows(db, table, target, follow_only, placement),
                  len)
    sort = query.sort if query.sort in columns else default_sort
    # An ordering holds references to the cached records, not records: weigh it lightly.
    return cached(state, (*base, query.q.strip().casefold(), sort, query.order),
                  lambda: filtered(rows, query, columns, text_columns, default_sort),
                  lambda v: len(v) // 50)


def cached_view(state: Any, db: Path, table: str, target: str, follow_only: bool,
                placement: str | None, query: TableQuery) -> TableView[Any]:
    """One page of a table, through the app's cache."""
    columns, _text, default_sort = TABLES[table]
    picked = cached_filtered(state, db, table, target, follow_only, placement, query)
    return page_of(picked, query, columns, default_sort)


def to_csv(rows: Sequence[Any], columns: Sequence[str]) -> str:
    """Rows as formula-safe CSV (``report.csvout``: a leading apostrophe neutralises a
    formula, ``csvout.read_rows`` restores the original text)."""
    buf = io.StringIO()
    csvout.write_records(buf, rows, columns)
    return buf.getvalue()
