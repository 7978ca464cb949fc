"""The command line: a thin shell over ``linkatlas.api``.

Each command is one loop around one library call. Errors from the library become one line on
standard error and an exit code here, in ``main``, and nowhere else.
"""


from __future__ import annotations

import sys

import click

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


def main() -> None:
    """Entry point: run the app, turn library errors into one line and an exit code."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)  # typer.Exit(n) comes back as a return value in this mode
    except LinkatlasError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
