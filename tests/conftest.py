"""Shared test helpers: where the third-party fixtures live, and skipping when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"


def fixture_path(relative: str) -> Path:
    """Path of a file or folder under ../shared/fixtures, or skip the test with the reason."""
    path = FIXTURES / relative
    if not path.exists():
        pytest.skip(f"fixture {relative} is absent (expected under {FIXTURES})")
    return path
