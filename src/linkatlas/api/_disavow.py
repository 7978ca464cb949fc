"""Disavow files: check one, compare two, write one from audit findings and a keep-list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from linkatlas.api._audit import audit
from linkatlas.audit import disavow as _disavow
from linkatlas.audit.disavow import DisavowDiff, DisavowEntry, DisavowFile, Problem
from linkatlas.audit.records import Band, DomainFinding, LinkFinding
from linkatlas.errors import InputError


@dataclass(frozen=True, slots=True)
class DisavowResult:
    """A generated disavow file: its text, its entries, what was left out and why, and the
    problems of the existing file it was merged with."""

    text: str
    entries: tuple[DisavowEntry, ...]
    dropped: tuple[tuple[DisavowEntry, str], ...]
    existing_problems: tuple[Problem, ...] = ()


# Far above Google's 2 MB: such a file is still checked (and its size reported), but a file this
# big is not a disavow file and is refused before it is read into memory.
MAX_READ_BYTES = 64 * 1024 * 1024


def _read(path: str | Path, what: str) -> bytes:
    p = Path(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_READ_BYTES:
            raise InputError(f"{p}: {p.stat().st_size:,} bytes is not a {what} "
                             f"(Google accepts at most {_disavow.MAX_BYTES:,})")
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such {what}") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a folder, not a {what}") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None


def disavow_parse(source: str | Path | bytes) -> DisavowFile:
    """Parse a disavow file (a path, or its bytes) and check every line."""
    data = source if isinstance(source, bytes) else _read(source, "disavow file")
    return _disavow.parse(data)


def disavow_diff(old: str | Path | bytes, new: str | Path | bytes) -> DisavowDiff:
    """What changed, by meaning, from one disavow file to another."""
    return _disavow.diff(disavow_parse(old), disavow_parse(new))


def read_keep(values: Iterable[str | Path]) -> list[str]:
    """Keep-list names: a ``Path`` is a file of names (one a line, ``#`` comments), a ``str`` is
    a name. Only ``Path`` values are ever opened, so names from a web form cannot read files."""
    names: list[str] = []
    for value in values:
        if isinstance(value, Path):
            text = _read(value, "keep-list file").decode("utf-8", "replace")
            names.extend(line.strip() for line in text.splitlines())
        else:
            names.append(value)
    return names


def disavow_generate(
    target: str,
    *,
    candidates: Iterable[DisavowEntry | tuple[str, str]],
    keep: Iterable[str | Path] = (),
    existing: str | Path | bytes | DisavowFile | None = None,
) -> DisavowResult:
    """A disavow file for ``target`` from (domain-or-URL, reason) candidates, minus the
    keep-list (names, or ``Path`` files of names), merged with an existing file when given."""
    old = existing if isinstance(existing, DisavowFile) or existing is None else disavow_parse(
        existing)
    plan = _disavow.plan(candidates, keep=read_keep(keep), existing=old)
    domains = sum(1 for e in plan.entries if e.kind == "domain")
    header = [f"Disavow file for {target} written by linkatlas",
              f"{domains} domains, {len(plan.entries) - domains} URLs"]
    return DisavowResult(
        text=_disavow.render(plan.entries, header=header),
        entries=plan.entries,
        dropped=plan.dropped,
        existing_problems=old.problems if old is not None else (),
    )


def _reason(finding: DomainFinding | LinkFinding) -> str:
    """The entry's comment: the audit's category, its score and its top reason with the
    numbers or the quoted text behind it (one line; the render caps it)."""
    head = f"audit: {finding.category.value}" if finding.category else "audit: disavow candidate"
    why = f"{head}; score {finding.score:.0f}"
    return f"{why}; {finding.reasons[0]}" if finding.reasons else why


def audit_candidates(
    domains: Iterable[DomainFinding], links: Iterable[LinkFinding] = ()
) -> list[tuple[str, str]]:
    """(name, reason) of every referring domain the audit banded a disavow candidate, then the
    linking page (a URL line) of every disavow-candidate link whose domain is not one: a forum
    is capped at review as a site, but its spammed threads are still worth listing."""
    domains = list(domains)
    out = [(d.domain, _reason(d)) for d in domains if d.band is Band.DISAVOW]
    whole = {d.domain for d in domains if d.band is Band.DISAVOW}
    pages: dict[str, str] = {}
    for link in links:
        if link.band is Band.DISAVOW and link.source_domain not in whole:
            pages.setdefault(link.source_url, _reason(link))
    out.extend(sorted(pages.items()))
    return out


def disavow_from_audit(
    target: str,
    *,
    keep: Iterable[str | Path] = (),
    existing: str | Path | bytes | DisavowFile | None = None,
    db: str | Path | None = None,
    spam_list: str | Path | None = None,
    brand: Sequence[str] = (),
) -> DisavowResult:
    """Audit the links to ``target`` and write its disavow candidates as a disavow file:
    ``domain:`` lines for candidate domains, URL lines for candidate links of other domains."""
    report = audit(target, db=db, spam_list=spam_list, brand=brand)
    return disavow_generate(report.target.value,
                            candidates=audit_candidates(report.domains, report.links),
                            keep=keep, existing=existing)
