"""``python -m linkatlas``: the command line."""

from linkatlas.cli import main

main()
