"""Extraction: Capture or WAT record -> Page and Links. Pure functions, no I/O."""

from linkatlas.extract.common import make_link, rel_flags
from linkatlas.extract.features import add_features
from linkatlas.extract.html import links_from_page

__all__ = ["add_features", "links_from_page", "make_link", "rel_flags"]
