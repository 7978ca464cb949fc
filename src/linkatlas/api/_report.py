"""The HTML report of a target: profile, charts, top risks, authority, opportunities."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linkatlas import urls
from linkatlas.api._audit import audit
from linkatlas.api._common import parse_target
from linkatlas.api._graphs import authority, graphs
from linkatlas.api._query import profile
from linkatlas.errors import InputError
from linkatlas.model import Authority, Target
from linkatlas.report import html as _html


def _authority(tgt: Target, db: str | Path | None) -> Authority | None:
    """The target's authority on the domain graph, or None when the index has no such graph."""
    if not any(g.name == "index:domain" for g in graphs(db=db)):
        return None
    name = tgt.value if tgt.scope != "url" else urls.host(tgt.value)
    try:
        return authority(name, db=db, graph="index:domain")
    except InputError:  # ranked, but the target is not a node of the graph
        return None


def report_data(
    target: str | Target,
    *,
    db: str | Path | None = None,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
    top: int = 20,
) -> _html.ReportData:
    """What the HTML report of a target shows, computed from the index."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    prof = profile(tgt, db=db, top=top, brands=brands, keywords=keywords)
    found = audit(tgt, db=db, brand=prof.brand, keywords=prof.keywords)
    return _html.ReportData(profile=prof, audit=found, authority=_authority(tgt, db))


def report_html(
    target: str | Target,
    *,
    db: str | Path | None = None,
    output: str | Path | None = None,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
) -> str:
    """The self-contained HTML report of a target; also written to ``output`` when given."""
    text = _html.render(report_data(target, db=db, brands=brands, keywords=keywords))
    if output is not None:
        out = Path(output)
        if out.is_dir():
            raise InputError(f"{out} is a directory: give a file name for the report")
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the report to {out}: {exc.strerror}") from exc
    return text
