"""Settings as one declarative table: name, default, type, help.

The table drives validation, the ``linkatlas.toml`` file, ``LINKATLAS_*`` environment variables
and the CLI options, in that order of precedence (the CLI wins), and the generated docs page
(``docs/settings.md``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkatlas.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, default, type and a one-line help text."""

    name: str
    default: Any
    type: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "linkatlas.duckdb", str, "Path of the DuckDB index file."),
    Setting("batch_size", 20_000, int, "Links buffered before one batched write to the index."),
    Setting("context_chars", 100, int, "Characters of text kept left and right of each link."),
    Setting("max_body_bytes", 10 * 1024 * 1024, int, "Bytes of a page body read for extraction."),
    Setting("web_token", "", str,
            "API token for the write endpoints of 'linkatlas serve' (empty: writes disabled)."),
    Setting("public_url", "", str,
            "Public base URL of 'linkatlas serve' for emailed links (empty: its own address)."),
    Setting("quick_secret", "", str,
            "Secret signing the quick-report form's CSRF tokens (empty: random per process)."),
    Setting("quick_per_ip_hour", 10, int, "Quick reports one client address may ask per hour."),
    Setting("quick_per_email_day", 3, int, "Quick reports one email address may ask per day."),
    Setting("quick_per_site_day", 5, int, "Quick reports of one website per day."),
    Setting("quick_max_pages", 30, int, "Pages a quick report crawls of the website."),
    Setting("quick_max_depth", 2, int, "Link depth a quick report crawls from the home page."),
    Setting("smtp_host", "", str, "SMTP relay for quick-report emails (empty: mail off)."),
    Setting("smtp_port", 25, int, "Port of the SMTP relay."),
    Setting("smtp_from", "linkatlas@localhost", str, "Sender address of quick-report emails."),
    Setting("smtp_starttls", False, bool, "Upgrade the SMTP connection with STARTTLS."),
    Setting("smtp_user", "", str, "SMTP login name (empty: no login)."),
    Setting("smtp_password", "", str, "SMTP password (LINKATLAS_SMTP_PASSWORD)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
CONFIG_FILE = "linkatlas.toml"
ENV_PREFIX = "LINKATLAS_"


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    if isinstance(value, setting.type) and not (setting.type is int and isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            if setting.type is bool:
                low = value.strip().lower()
                if low in {"1", "true", "yes", "on"}:
                    return True
                if low in {"0", "false", "no", "off"}:
                    return False
                raise ValueError(value)
            return setting.type(value)
        except ValueError:
            pass
    raise ConfigError(
        f"setting {setting.name!r} from {origin} must be {setting.type.__name__}, got {value!r}"
    )


def load(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Resolve every setting: defaults < linkatlas.toml < LINKATLAS_* env < overrides."""
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = Path(config_file) if config_file is not None else Path(CONFIG_FILE)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        for key, value in data.items():
            if key not in _BY_NAME:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(_BY_NAME[key], value, str(path))
    env = os.environ if environ is None else environ
    for setting in SETTINGS:
        raw = env.get(ENV_PREFIX + setting.name.upper())
        if raw is not None:
            values[setting.name] = _coerce(setting, raw, ENV_PREFIX + setting.name.upper())
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(_BY_NAME[key], value, "the command line")
    return values


def markdown_page() -> str:
    """The whole docs/settings.md page (``make docs`` writes it)."""
    return (
        "# Settings\n\nGenerated from `linkatlas.settings.SETTINGS` by `make docs`; a test keeps "
        "it current.\nPrecedence: defaults, then `linkatlas.toml`, then `LINKATLAS_*` environment "
        "variables, then command-line options.\n\n" + markdown_table()
    )


def markdown_table() -> str:
    """The settings table as Markdown, for docs/settings.md."""
    lines = ["| name | default | type | environment | help |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        env = ENV_PREFIX + s.name.upper()
        lines.append(f"| `{s.name}` | `{s.default}` | {s.type.__name__} | `{env}` | {s.help} |")
    return "\n".join(lines) + "\n"
