"""The server's settings, fixed at start by the operator (never by a request)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linkatlas.web.quick import QuickConfig


@dataclasses.dataclass(frozen=True, slots=True)
class WebConfig:
    """What ``create_app`` needs: the index, the token, and what jobs may touch.

    ``allow_net`` and ``address_map`` are handed to crawl jobs as the operator chose them
    (the request-forgery guard stays on otherwise); import and ingest jobs read files only under
    ``files_dir`` (none when unset); report jobs write under ``reports_dir``.
    """

    db: Path
    token: str = ""
    allow_net: tuple[str, ...] = ()
    address_map: dict[str, tuple[str, int]] | None = None
    files_dir: Path | None = None
    reports_dir: Path | None = None
    start_worker: bool = True
    quick: QuickConfig | None = None  # the public form's settings (None: from the settings)
