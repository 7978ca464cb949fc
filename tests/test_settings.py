"""Settings: one table, precedence defaults < toml < env < CLI, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkatlas import settings
from linkatlas.errors import ConfigError


def test_precedence(tmp_path: Path) -> None:
    toml = tmp_path / "linkatlas.toml"
    toml.write_text('db = "from-toml.duckdb"\nbatch_size = 10\n')
    env = {"LINKATLAS_BATCH_SIZE": "20", "LINKATLAS_CONTEXT_CHARS": "50"}
    got = settings.load({"context_chars": 7}, config_file=toml, environ=env)
    assert got["db"] == "from-toml.duckdb"
    assert got["batch_size"] == 20
    assert got["context_chars"] == 7
    assert settings.load(config_file=tmp_path / "none.toml", environ={})["db"] == "linkatlas.duckdb"


def test_bad_values_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        settings.load(environ={"LINKATLAS_BATCH_SIZE": "many"}, config_file=tmp_path / "x")
    bad = tmp_path / "bad.toml"
    bad.write_text("nonsense = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        settings.load(config_file=bad, environ={})
    bad.write_text("db = [")
    with pytest.raises(ConfigError, match="TOML"):
        settings.load(config_file=bad, environ={})


def test_docs_table_is_current() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
    assert settings.markdown_page() == doc.read_text(), "run `make docs` to refresh it"
