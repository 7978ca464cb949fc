"""Host spam scores: hostnames scored from their spelling, the index and a user's spam list."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from linkatlas.api._common import _db, _reader
from linkatlas.audit.hostname import HostScore, KnownHost, clean_host, listed, score_host
from linkatlas.errors import InputError, SourceError
from linkatlas.store.hostinfo import HostStats

log = logging.getLogger("linkatlas")


def read_spam_list(path: str | Path) -> frozenset[str]:
    """Hosts and domains of a spam list: one a line; '#' comments, URLs and
    disavow-style 'domain:' lines accepted; lines that name no host are skipped with a count."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        raise InputError(f"spam list {file} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"spam list {file} is a directory, not a file") from None
    except OSError as exc:
        raise SourceError(f"cannot read spam list {file}: {exc.strerror or exc}") from None
    entries: set[str] = set()
    bad = 0
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if text.lower().startswith("domain:"):
            text = text[len("domain:"):]
        name = clean_host(text)
        if name is None:
            bad += 1
        else:
            entries.add(name)
    if bad:
        log.warning("spam list %s: %d line(s) are not a host or domain, skipped", file, bad)
    return frozenset(entries)


def read_hosts(path: str | Path) -> tuple[list[str], int]:
    """Hostnames of a file, one a line (blank and '#' lines ignored), and how many lines were
    not a hostname (skipped)."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        raise InputError(f"host list {file} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"host list {file} is a directory, not a file") from None
    except OSError as exc:
        raise SourceError(f"cannot read host list {file}: {exc.strerror or exc}") from None
    return parse_hosts(lines)


def parse_hosts(lines: Iterable[str]) -> tuple[list[str], int]:
    """Hostnames of lines of text (blank and '#' lines ignored) and the count of lines that
    were not a hostname."""
    hosts: list[str] = []
    bad = 0
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name = clean_host(text)
        if name is None:
            bad += 1
        else:
            hosts.append(name)
    return hosts, bad


def _known(stats: HostStats, on_list: bool) -> KnownHost:
    return KnownHost(
        pages=stats.pages,
        words_per_page=stats.words / stats.pages if stats.pages else None,
        external_links=stats.external_links,
        refdomains=stats.refdomains if stats.pages or stats.refdomains else None,
        authority=stats.authority,
        shared_tracking_domains=stats.shared_tracking_domains,
        on_spam_list=on_list,
    )


def score_hosts(
    hosts: Iterable[str],
    *,
    db: str | Path | None = None,
    spam_list: str | Path | Iterable[str] | None = None,
) -> list[HostScore]:
    """Spam score (0..100) and reasons for each hostname, using what the index knows of it.

    ``db`` None uses the default index when it exists and the names alone when it does not; a
    named index that does not exist is an error. ``spam_list`` is a file (see
    ``read_spam_list``) or the hosts and domains themselves.
    """
    names: list[str] = []
    for text in hosts:
        name = clean_host(text)
        if name is None:
            raise InputError(f"not a hostname: {text.strip()[:120]!r}")
        names.append(name)
    if spam_list is None:
        entries: frozenset[str] = frozenset()
    elif isinstance(spam_list, str | Path):
        entries = read_spam_list(spam_list)
    else:
        entries = frozenset(n for n in (clean_host(t) for t in spam_list) if n)
    stats: list[HostStats] | None = None
    if db is not None or _db(None).exists():
        with _reader(db) as index:
            stats = index.host_stats(names)
    else:
        log.info("no index at %s: hosts scored from their names alone", _db(None))
    out: list[HostScore] = []
    for i, name in enumerate(names):
        on_list = listed(name, entries)
        if stats is not None:
            out.append(score_host(name, known=_known(stats[i], on_list)))
        else:
            out.append(score_host(name, known=KnownHost(on_spam_list=True) if on_list else None))
    return out
