"""What every verb shares: the index path, opening it for reading, parsing targets."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal, cast

from linkatlas import settings as _settings
from linkatlas import urls
from linkatlas.api._owner import owned
from linkatlas.errors import InputError, StoreError
from linkatlas.model import (
    Target,
)
from linkatlas.store import Index

log = logging.getLogger("linkatlas")

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".wat", ".wat.gz", ".arc", ".arc.gz")


def _db(db: str | Path | None) -> Path:
    return Path(db) if db is not None else Path(_settings.load()["db"])


def _reader(db: str | Path | None) -> Index:
    """The index opened for reading; a missing file is a clear error, not an empty index."""
    path = _db(db)
    if not path.exists():
        raise StoreError(f"no index at {path}: run 'linkatlas ingest' first, or pass --db")
    # DuckDB refuses a read-only connection beside this process's read-write one (api._owner).
    return Index(path, read_only=not owned(path))


def parse_target(text: str) -> Target:
    """A Target from what a user typed: a domain, a host or a URL."""
    scope, value = urls.parse_target(text)
    if scope in ("domain", "host", "url"):
        return Target(scope=cast(Literal["domain", "host", "url"], scope), value=value)
    raise InputError(f"cannot tell what {text!r} is: give a domain, a host or a URL")


