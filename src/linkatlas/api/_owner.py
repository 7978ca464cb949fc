"""One process, one writer: a long-running process (``linkatlas serve``) owning an index file.

DuckDB lets one process open a file read-write (an OS lock keeps other processes out) and,
inside that process, refuses a read-only connection beside the read-write one ("different
configuration"). A server that runs write jobs while it answers reads therefore holds the file
read-write for its whole life and registers it here; ``api._common._reader`` then opens the
verbs' connections read-write too, so they share the owner's database instance (DuckDB's MVCC
gives every read a consistent snapshot while a job writes). See docs/web.md.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from linkatlas.store import Index

_LOCK = threading.Lock()
_OWNED: dict[Path, int] = {}


def _key(path: str | Path) -> Path:
    return Path(path).resolve()


def owned(path: str | Path) -> bool:
    """Whether this process owns ``path`` as its one writer (see ``own_index``)."""
    with _LOCK:
        return _key(path) in _OWNED


@contextlib.contextmanager
def own_index(path: str | Path) -> Iterator[Index]:
    """Open ``path`` read-write for the life of the block and route every verb's reads through
    the same database instance; another process gets ``StoreLockedError`` meanwhile."""
    index = Index(path)  # creates an empty index when the file does not exist yet
    key = _key(path)
    with _LOCK:
        _OWNED[key] = _OWNED.get(key, 0) + 1
    try:
        yield index
    finally:
        with _LOCK:
            _OWNED[key] -= 1
            if not _OWNED[key]:
                del _OWNED[key]
        index.close()
