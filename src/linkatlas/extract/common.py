"""The one constructor of ``Link`` records, shared by every extractor and importer.

``make_link`` builds one record; ``LinkMaker`` builds the many links of one source page with the
per-page work (source host and domain, credit, timestamps) done once.
"""

from __future__ import annotations

import datetime as _dt

from linkatlas import urls
from linkatlas.model import EPOCH, Link, LinkKind, Placement, Source

_CREDIT_BLOCKERS = frozenset({"nofollow", "sponsored", "ugc"})
# rel_flags results by rel value; the compiled record loop reads it directly (html.py binds it)
REL_FLAGS_CACHE: dict[str, tuple[str, bool, bool, bool]] = {"": ("", False, False, False)}


def rel_flags(rel: str) -> tuple[str, bool, bool, bool]:
    """Normalised rel tokens and the nofollow, sponsored, ugc flags they carry."""
    hit = REL_FLAGS_CACHE.get(rel)
    if hit is not None:
        return hit
    tokens = rel.lower().split()
    seen = dict.fromkeys(tokens)
    out = " ".join(seen), "nofollow" in seen, "sponsored" in seen, "ugc" in seen
    if len(REL_FLAGS_CACHE) < 4096 and len(rel) <= 256:  # pages cannot grow it without bound
        REL_FLAGS_CACHE[rel] = out
    return out


def make_link(
    source_url: str,
    target_url: str,
    *,
    anchor: str = "",
    kind: LinkKind = LinkKind.A,
    rel: str = "",
    page_nofollow: bool = False,
    placement: Placement = Placement.UNKNOWN,
    context_before: str = "",
    context_after: str = "",
    position: int = 0,
    occurrence: int = 0,
    seen: _dt.datetime = EPOCH,
    via: Source = Source.WARC,
    observed_in: str = "",
) -> Link:
    """A Link with hosts, domains, rel flags, credit and the internal flag filled in.

    ``source_url`` and ``target_url`` must already be normalised (``urls.normalize``).
    ``page_nofollow`` is True when meta robots or X-Robots-Tag say nofollow for the page.
    """
    s_host, s_domain = urls.host_and_domain(source_url)
    t_host, t_domain = urls.host_and_domain(target_url)
    rel_norm, nofollow, sponsored, ugc = rel_flags(rel)
    return Link(
        source_url=source_url,
        target_url=target_url,
        source_host=s_host,
        source_domain=s_domain,
        target_host=t_host,
        target_domain=t_domain,
        anchor=anchor,
        kind=kind,
        rel=rel_norm,
        nofollow=nofollow,
        sponsored=sponsored,
        ugc=ugc,
        passes_credit=not (nofollow or sponsored or ugc or page_nofollow),
        internal=s_domain == t_domain,
        placement=placement,
        context_before=context_before,
        context_after=context_after,
        position=position,
        occurrence=occurrence,
        first_seen=seen,
        last_seen=seen,
        via=via,
        observed_in=observed_in,
    )


class LinkMaker:
    """Builds the links of one source page: ``make_link`` with the per-page work done once."""

    __slots__ = ("_domain", "_host", "_observed_in", "_seen", "_source", "_via", "page_nofollow")

    def __init__(self, source_url: str, *, page_nofollow: bool = False, seen: _dt.datetime = EPOCH,
                 via: Source = Source.WARC, observed_in: str = "",
                 hosts: tuple[str, str] | None = None) -> None:
        """``source_url`` normalised; ``hosts`` its ``urls.host_and_domain`` when the caller
        has it; the other arguments are those of ``make_link``."""
        self._source = source_url
        self._host, self._domain = hosts if hosts is not None else urls.host_and_domain(source_url)
        self.page_nofollow = page_nofollow  # meta robots, read after the headers, may set it
        self._seen = seen
        self._via = via
        self._observed_in = observed_in

    def __call__(self, target_url: str, kind: LinkKind, anchor: str, rel: str,
                 placement: Placement, context_before: str, context_after: str, position: int,
                 occurrence: int) -> Link:
        """The same record ``make_link`` builds for this page and these arguments."""
        t_host, t_domain = urls.host_and_domain(target_url)
        rel_norm, nofollow, sponsored, ugc = rel_flags(rel) if rel else _NO_REL
        seen = self._seen
        return Link(
            source_url=self._source, target_url=target_url, source_host=self._host,
            source_domain=self._domain, target_host=t_host, target_domain=t_domain,
            anchor=anchor, kind=kind, rel=rel_norm, nofollow=nofollow, sponsored=sponsored,
            ugc=ugc, passes_credit=not (nofollow or sponsored or ugc or self.page_nofollow),
            internal=self._domain == t_domain, placement=placement,
            context_before=context_before, context_after=context_after, position=position,
            occurrence=occurrence, first_seen=seen, last_seen=seen, via=self._via,
            observed_in=self._observed_in,
        )


_NO_REL = ("", False, False, False)
