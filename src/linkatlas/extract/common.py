"""The one constructor of ``Link`` records, shared by every extractor and importer."""

from __future__ import annotations

import datetime as _dt

from linkatlas import urls
from linkatlas.model import EPOCH, Link, LinkKind, Placement, Source

_CREDIT_BLOCKERS = frozenset({"nofollow", "sponsored", "ugc"})


def rel_flags(rel: str) -> tuple[str, bool, bool, bool]:
    """Normalised rel tokens and the nofollow, sponsored, ugc flags they carry."""
    tokens = rel.lower().split()
    seen = dict.fromkeys(tokens)
    return " ".join(seen), "nofollow" in seen, "sponsored" in seen, "ugc" in seen


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
