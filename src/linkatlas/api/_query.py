"""Questions to the index: backlinks, referring domains, anchors, profiles, exports."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal

from linkatlas import urls
from linkatlas.api._common import _db, _reader, parse_target
from linkatlas.errors import InputError
from linkatlas.extract import anchors as anchors_mod
from linkatlas.model import (
    AnchorStat,
    Link,
    Placement,
    Profile,
    RefDomain,
    Target,
)
from linkatlas.report.csvout import FORMULA_PATTERN
from linkatlas.store import Index


def backlinks(
    target: str | Target,
    *,
    db: str | Path | None = None,
    follow_only: bool = False,
    placement: str | None = None,
    limit: int | None = None,
    include_internal: bool = False,
) -> list[Link]:
    """Links pointing at a domain, host or URL."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    if placement is not None and placement not in {p.value for p in Placement}:
        choices = ", ".join(p.value for p in Placement)
        raise InputError(f"unknown placement {placement!r}: choose one of {choices}")
    with _reader(db) as index:
        return index.backlinks(
            tgt, follow_only=follow_only, placement=placement, limit=limit,
            include_internal=include_internal,
        )


def refdomains(
    target: str | Target,
    *,
    db: str | Path | None = None,
    follow_only: bool = False,
    limit: int | None = None,
) -> list[RefDomain]:
    """Referring domains of a target, most links first."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        return index.refdomains(tgt, follow_only=follow_only, limit=limit)


def anchors(
    target: str | Target,
    *,
    db: str | Path | None = None,
    follow_only: bool = False,
    limit: int | None = None,
) -> list[AnchorStat]:
    """Anchor texts pointing at a target, most links first."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        return index.anchors(tgt, follow_only=follow_only, limit=limit)


def outlinks(url: str, *, db: str | Path | None = None, limit: int | None = None) -> list[Link]:
    """Links found on one page, in page order."""
    norm = urls.normalize(url)
    with _reader(db) as index:
        return index.outlinks(norm, limit=limit)


def counts(*, db: str | Path | None = None) -> dict[str, int]:
    """How many pages, links, domains and runs the index holds."""
    with _reader(db) as index:
        return index.counts()


def export(
    what: Literal["links", "pages"] = "links",
    *,
    fmt: Literal["parquet", "csv"] = "parquet",
    path: str | Path | None = None,
    stream: BinaryIO | None = None,
    db: str | Path | None = None,
    formula_guard: bool = True,
) -> int:
    """Write the links or pages table as Parquet or CSV (CSV to ``stream`` when no path).

    CSV text cells that a spreadsheet would run as a formula get a leading apostrophe
    (``report.csvout``); ``formula_guard=False`` writes the stored text unchanged.
    """
    if what not in ("links", "pages"):
        raise InputError(f"cannot export {what!r}: choose links or pages")
    if fmt not in ("parquet", "csv"):
        raise InputError(f"unknown format {fmt!r}: choose parquet or csv")
    if path is None and (fmt != "csv" or stream is None):
        raise InputError("Parquet needs an output path (-o PATH)")
    with _reader(db) as index:
        return index.export(what, Path(path) if path is not None else None, fmt, stream=stream,
                            formula_pattern=FORMULA_PATTERN if formula_guard else None)


def import_parquet(
    path: str | Path, *, what: Literal["links", "pages"] = "links", db: str | Path | None = None
) -> int:
    """Merge a Parquet file with the links or pages schema into the index."""
    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    with Index(_db(db)) as index:
        return index.import_parquet(what, Path(path))


def profile(
    target: str | Target,
    *,
    db: str | Path | None = None,
    top: int = 10,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
) -> Profile:
    """The full backlink profile of a target (docs/profile.md); brand names and keywords are
    inferred from the target's own pages when not given."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    if top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    given_brands = tuple(b.strip() for b in brands if b.strip())
    given_keywords = tuple(k.strip() for k in keywords if k.strip())
    with _reader(db) as index:
        domain = urls.registrable_domain(urls.host(tgt.value)) if tgt.scope == "url" else (
            urls.registrable_domain(tgt.value))
        titles, terms = ([], []) if given_brands and given_keywords else index.site_texts(domain)
        use_brands = given_brands or anchors_mod.infer_brand(domain, titles)
        use_keywords = given_keywords or anchors_mod.infer_keywords(titles, terms, use_brands)
        visits = index.referral_visits(tgt)
        prof = index.profile(tgt, top=top, brands=use_brands, keywords=use_keywords,
                             referrals=visits)
    return dataclasses.replace(prof, brand_inferred=not given_brands,
                               keywords_inferred=not given_keywords)


def to_frame(rows: Sequence[Any], library: Literal["pandas", "polars"] = "pandas") -> Any:
    """A pandas or polars DataFrame of typed rows (Link, RefDomain, AnchorStat, ...)."""
    records = [_row_dict(r) for r in rows]
    if library == "pandas":
        import pandas

        return pandas.DataFrame.from_records(records)
    if library == "polars":
        import polars

        return polars.DataFrame(records)
    raise InputError(f"unknown DataFrame library {library!r}: choose pandas or polars")


def _row_dict(row: Any) -> dict[str, Any]:
    out = {}
    for field in dataclasses.fields(row):
        value = getattr(row, field.name)
        out[field.name] = list(value) if isinstance(value, tuple) else value
    return out
