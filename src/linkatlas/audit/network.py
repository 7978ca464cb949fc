"""Link networks among referring domains: shared analytics/ad ids, templates, server addresses
and dense interlinking.

A shared analytics or ad account id is strong evidence of one owner; a shared template is weak
(popular themes are shared by strangers), a shared address weaker still (shared hosting). Dense
interlinking counts inside the group of domains tied to a domain by any shared trait: a network
links among itself far more than neighbouring blogs do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from linkatlas.audit.records import Category, Evidence
from linkatlas.model import SharedTrait

W_SHARED_ID, W_SHARED_TEMPLATE, W_SHARED_IP, W_SHARED_SUBNET = 0.55, 0.15, 0.10, 0.05
DENSITY_MIN, GROUP_MIN, W_INTERLINK = 0.5, 3, 0.30
_WEIGHT = {"tracking_id": W_SHARED_ID, "template": W_SHARED_TEMPLATE, "ip": W_SHARED_IP,
           "subnet": W_SHARED_SUBNET}
_NOUN = {"tracking_id": "analytics/ad id", "template": "page template", "ip": "server address",
         "subnet": "IPv4 /24 subnet"}


def _names(domains: Sequence[str], limit: int = 3) -> str:
    more = f" and {len(domains) - limit} more" if len(domains) > limit else ""
    return ", ".join(domains[:limit]) + more


def network_evidence(
    shared: Sequence[SharedTrait], interlinks: Sequence[tuple[str, str, int]]
) -> dict[str, list[Evidence]]:
    """Evidence per referring domain from the traits it shares and the interlinking around it."""
    by_domain: dict[str, dict[str, list[SharedTrait]]] = defaultdict(lambda: defaultdict(list))
    for trait in shared:
        for domain in trait.domains:
            by_domain[domain][trait.kind].append(trait)
    links_to: dict[str, set[str]] = defaultdict(set)
    for a, b, _ in interlinks:
        links_to[a].add(b)
    density_of: dict[frozenset[str], tuple[int, int]] = {}
    out: dict[str, list[Evidence]] = defaultdict(list)
    for domain, kinds in by_domain.items():
        group: set[str] = {domain}
        for kind, traits in sorted(kinds.items()):
            others = sorted({d for t in traits for d in t.domains} - {domain})
            group.update(others)
            values = ", ".join(t.value for t in traits[:3])
            out[domain].append(Evidence(
                f"shared_{kind}", values, 2,
                f"shares {_NOUN[kind]} {values} with {len(others)} other referring domain"
                f"{'s' if len(others) != 1 else ''} ({_names(others)})",
                Category.NETWORK, _WEIGHT[kind]))
        if len(group) >= GROUP_MIN:
            # Members of one network share one group: count its internal links once.
            members = frozenset(group)
            if members not in density_of:
                pairs = sum(len(links_to[a] & members) for a in members)
                density_of[members] = (pairs, len(members) * (len(members) - 1))
            pairs, possible = density_of[members]
            density = pairs / possible
            if density >= DENSITY_MIN:
                out[domain].append(Evidence(
                    "interlink_density", round(density, 2), DENSITY_MIN,
                    f"{pairs} of {possible} possible links among the {len(members)} domains "
                    f"that share traits with it exist ({density:.0%})", Category.NETWORK,
                    W_INTERLINK))
    return dict(out)
