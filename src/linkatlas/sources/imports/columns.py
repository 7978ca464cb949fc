"""Export shapes: which columns each vendor report has, and tolerant header matching.

A ``ReportSpec`` names a report (``Ahrefs backlinks``), what its rows become (``link`` or one
of ``model.IMPORTED_REPORTS``), and for each field linkatlas reads the header names the vendor
has used for it (first the documented one, then renamings seen across export versions and
languages of the same tool). Headers are compared after ``norm_header``: case folded, BOM,
quotes, whitespace and punctuation dropped, so ``"Source URL"``, ``source_url`` and
``SourceURL`` are one name. A header matches a spec when every required field is present;
the best-scoring spec wins (fields found, plus columns only that vendor writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from linkatlas.model import Source

LINK = "link"


def norm_header(text: str) -> str:
    """A header cell in comparable form: case folded, only letters and digits kept."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """One vendor report: its fields (each with the header names it goes by) and what a row is.

    ``signature`` lists headers that only this vendor writes (they identify it when several
    vendors' reports share the required fields).
    """

    vendor: Source
    title: str
    report: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    signature: tuple[str, ...] = ()
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name, aliases in self.columns.items():
            for alias in aliases:
                self._index.setdefault(norm_header(alias), name)

    def documented(self, name: str) -> str:
        """The vendor's documented header for a field."""
        return self.columns[name][0]

    def expected(self) -> str:
        """The columns this report needs, as the vendor spells them (for error messages)."""
        return ", ".join(self.documented(n) for n in self.required)

    def match(self, header: Sequence[str]) -> Match | None:
        """Where each field sits in ``header``, or None when a required field is missing."""
        positions: dict[str, int] = {}
        names = [norm_header(h) for h in header]
        for position, name in enumerate(names):
            found = self._index.get(name)
            if found is not None and found not in positions:
                positions[found] = position
        if any(r not in positions for r in self.required):
            return None
        marks = {norm_header(s) for s in self.signature}
        score = len(positions) + 3 * len(marks.intersection(names))
        return Match(self, positions, score)


@dataclass(frozen=True, slots=True)
class Match:
    """A header matched to a spec: column position of each field found, and the score."""

    spec: ReportSpec
    positions: dict[str, int]
    score: int


def best_matches(header: Sequence[str], specs: Iterable[ReportSpec]) -> list[Match]:
    """The matching specs with the highest score (one vendor's first report wins a tie)."""
    found = [m for s in specs if (m := s.match(header)) is not None]
    if not found:
        return []
    top = max(m.score for m in found)
    best: list[Match] = []
    vendors: set[Source] = set()
    for m in found:
        if m.score == top and m.spec.vendor not in vendors:
            best.append(m)
            vendors.add(m.spec.vendor)
    return best


def describe(specs: Iterable[ReportSpec]) -> str:
    """Every report and its required columns, in one line (for the unknown-shape error)."""
    return "; ".join(f"{s.title} ({s.expected()})" for s in specs)
