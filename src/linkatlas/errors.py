"""One exception tree for linkatlas.

Every error a user can cause or meet is a ``LinkatlasError``; the CLI turns it into one line and
an exit code in one place. Anything else escaping is a bug.

::

    LinkatlasError
    ├── ConfigError          a setting has a wrong value or type
    ├── InputError           a user-supplied value is unusable (target, path, option)
    │   └── InvalidURLError  a URL that cannot be parsed
    ├── SourceError          a source file cannot be read at all (missing, wrong format)
    │   └── RecordError      one record inside a source is malformed (skipped and counted)
    ├── FetchError           a URL could not be fetched (network, limits, protocol)
    │   └── BlockedURLError  a URL is refused by the request-forgery guard or a scope rule
    └── StoreError           the index cannot be opened, read or written
        └── StoreLockedError another process holds the writer lock on the index
"""

from __future__ import annotations


class LinkatlasError(Exception):
    """Root of every error linkatlas raises on purpose."""

    exit_code = 1


class ConfigError(LinkatlasError):
    """A setting has a wrong value or type."""

    exit_code = 2


class InputError(LinkatlasError):
    """A user-supplied value (target, path, option) is unusable."""

    exit_code = 2


class InvalidURLError(InputError):
    """A URL cannot be parsed."""


class SourceError(LinkatlasError):
    """A source file cannot be read at all."""

    exit_code = 3


class RecordError(SourceError):
    """One record inside a source is malformed; the run skips it and counts it."""


class FetchError(LinkatlasError):
    """A URL could not be fetched (network, limits, protocol)."""

    exit_code = 5


class BlockedURLError(FetchError):
    """A URL is refused by the request-forgery guard (private address, bad scheme...)."""


class StoreError(LinkatlasError):
    """The index cannot be opened, read or written."""

    exit_code = 4


class StoreLockedError(StoreError):
    """Another process holds the writer lock on the index file."""
