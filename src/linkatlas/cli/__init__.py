"""The command line: a thin shell over ``linkatlas.api``.

Each command is one loop around one library call. Errors from the library become one line on
standard error and an exit code here, in ``main``, and nowhere else.
"""


from __future__ import annotations

import sys

import click
import typer

# The command modules register their commands on ``app`` when imported, in this order (the
# order of the help panels).
from linkatlas.cli import _index  # noqa: F401

# isort: split
from linkatlas.cli import _imports  # noqa: F401

# isort: split
from linkatlas.cli import _profile  # noqa: F401

# isort: split
from linkatlas.cli import _audit  # noqa: F401

# isort: split
from linkatlas.cli import _sources  # noqa: F401

# isort: split
from linkatlas.cli import _crawl  # noqa: F401

# isort: split
from linkatlas.cli import _graph  # noqa: F401

# isort: split
from linkatlas.cli import _hosts  # noqa: F401

# isort: split
from linkatlas.cli import _disavow  # noqa: F401

# isort: split
from linkatlas.cli import _traffic  # noqa: F401

# isort: split
from linkatlas.cli import _web  # noqa: F401

# isort: split
from linkatlas.cli import _demo  # noqa: F401
from linkatlas.cli._app import app, err
from linkatlas.errors import LinkatlasError

__all__ = ["app", "main"]

try:  # newer typer ships its own copy of click, whose errors are not click's
    from typer._click.exceptions import ClickException as _TyperClickException
except ImportError:  # pragma: no cover - typer that uses click itself
    _TyperClickException = click.ClickException  # type: ignore[misc,assignment]
_USAGE_ERRORS = (click.ClickException, _TyperClickException)


def main() -> None:
    """Entry point: run the app, turn library errors into one line and an exit code."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)  # typer.Exit(n) comes back as a return value in this mode
    except LinkatlasError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, typer.Abort):
        err.print("aborted")
        sys.exit(130)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except _USAGE_ERRORS as exc:  # a missing argument, a bad option value: usage and one line
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
