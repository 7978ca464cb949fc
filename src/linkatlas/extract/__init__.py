"""Extraction: Capture or WAT record -> Page and Links. Pure functions, no I/O."""

from linkatlas.extract.common import make_link, rel_flags

__all__ = ["make_link", "rel_flags"]
