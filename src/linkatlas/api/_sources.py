"""Many sources, one truth: which sources saw each backlink, and what each one misses."""

from __future__ import annotations

from pathlib import Path

from linkatlas.api._common import _reader, parse_target
from linkatlas.audit.coverage import coverage
from linkatlas.model import LinkSources, SourceCoverage, Target


def link_sources(
    target: str | Target, *, db: str | Path | None = None, limit: int | None = None
) -> list[LinkSources]:
    """Each backlink of a target with every source that saw it (first and last seen each),
    backlinks seen by more sources first."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        rows = index.sightings(tgt, limit=limit)
    out: list[LinkSources] = []
    for row in rows:
        if out and (out[-1].source_url, out[-1].target_url) == (row.source_url, row.target_url):
            last = out[-1]
            out[-1] = LinkSources(last.source_url, last.target_url, (*last.seen, row))
        else:
            out.append(LinkSources(row.source_url, row.target_url, (row,)))
    return out


def source_coverage(
    target: str | Target, *, db: str | Path | None = None
) -> list[SourceCoverage]:
    """Per source, for backlinks and for referring domains: what it saw, what other sources
    saw too, and a capture-recapture estimate of what it misses (docs/sources.md)."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    with _reader(db) as index:
        counts = index.source_counts(tgt)
    rows: list[SourceCoverage] = []
    for unit, (per_source, union) in counts.items():
        rows.extend(coverage(unit, per_source, union))
    return rows
