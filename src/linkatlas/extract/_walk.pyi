"""Types of the compiled extraction walk (_walk.pyx)."""

from collections.abc import Callable
from types import ModuleType
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from linkatlas.model import LinkKind, Placement

def configure(placement_module: ModuleType, places: list[Placement]) -> None: ...
def link_elements(
    tree: LexborHTMLParser, root: LexborNode
) -> tuple[
    list[tuple[str, dict[str, str | None], LexborNode]], LexborNode | None, LexborNode | None,
    list[int],
]: ...
def strip_collected(tree: LexborHTMLParser, candidates: list[int]) -> None: ...
def body_text(root: LexborNode, count: int) -> tuple[str, list[int], list[int]]: ...
def set_block_tags(words: list[str]) -> None: ...
def spaced_utf8(text: str, exact: bytes | None = None) -> bytes | None: ...

def configure_resolution(shared: dict[Any, str | None], href_max: int) -> None: ...
def shared_key(origin: str, href: str) -> str | tuple[str, str] | None: ...
def collect(
    elements: list[tuple[str, dict[str, str | None], LexborNode]],
    resolve: Callable[[str], str | None],
    same_page: set[str], emails: set[str], robots: list[str], items: list[Any],
    meta: Callable[..., None], link_element: Callable[..., None],
    mailto_address: Callable[[str], str | None], kind_a: LinkKind, kind_area: LinkKind,
) -> None: ...

class Pending:
    node: LexborNode
    target: str
    kind: LinkKind
    rel: str
    attrs: dict[str, str | None]
    start: int
    end: int
    place: Placement | None
    anchor: str
    def __init__(
        self, node: LexborNode, target: str, kind: LinkKind, rel: str,
        attrs: dict[str, str | None],
    ) -> None: ...

def set_offsets(pending: list[Any], starts: list[int], ends: list[int]) -> None: ...

def merge_clones(pending: list[Any], buffer: str, source: str) -> set[int]: ...

def page_scan(
    text: str,
) -> tuple[int, tuple[list[int], list[int], list[int], list[int]], bool]: ...
def configure_records(
    link_type: type, field_names: tuple[str, ...],
    host_and_domain: Callable[[str], tuple[str, str]],
    rel_flags: Callable[[str], tuple[str, bool, bool, bool]],
) -> None: ...
def anchors(
    pending: list[Any], buffer: str, kind_a: LinkKind, limit: int,
    cap: Callable[[str, int], str], fallback: Callable[[Any, str], None],
) -> None: ...

def emit(
    items: list[Any], buffer: str, n: int, make: Callable[..., Any],
    builder: Any, unknown: Placement,
) -> tuple[int, int]: ...

class Marks:
    def __init__(self, nodes: list[LexborNode]) -> None: ...
    def release(self) -> None: ...
    def text(self, node: LexborNode, separator: bool) -> str: ...
    def place(self, pending: list[Any], main: frozenset[int], text_budget: int) -> None: ...
    def paragraph_scores(self, root: LexborNode) -> dict[int, float]: ...
    def main_ids(self, root: LexborNode) -> frozenset[int]: ...
    def first_img(self, node: LexborNode) -> LexborNode | None: ...
