"""The link audit: findings with evidence per link and per referring domain (docs/audit.md)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path

from linkatlas.api._common import _reader, parse_target
from linkatlas.api._hosts import read_spam_list
from linkatlas.audit.findings import audit as _audit
from linkatlas.audit.records import AuditReport
from linkatlas.errors import InputError
from linkatlas.model import Target


def audit(
    target: str | Target,
    *,
    db: str | Path | None = None,
    brand: Sequence[str] = (),
    keywords: Sequence[str] = (),
    spam_list: str | Path | None = None,
    limit: int | None = None,
) -> AuditReport:
    """Audit the links to a target: a 0-100 score, a band and the evidence per link and per
    referring domain (brands and keywords are inferred from the target's pages when not given)."""
    tgt = target if isinstance(target, Target) else parse_target(target)
    if limit is not None and limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    spam = read_spam_list(spam_list) if spam_list is not None else frozenset()
    started = time.perf_counter()
    with _reader(db) as index:
        data = index.audit_data(tgt, limit=limit)
    report = _audit(data, brands=tuple(b for b in brand if b.strip()),
                    keywords=tuple(k for k in keywords if k.strip()), spam=spam)
    return dataclasses.replace(report, seconds=round(time.perf_counter() - started, 3))
