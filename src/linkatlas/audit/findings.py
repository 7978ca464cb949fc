"""From signals to findings: per-link and per-domain scores 0..100, bands and top reasons.

Each signal that fires carries a weight w in 0..1 ("how likely this alone makes the link
manipulative"); a link's score is ``100 * (1 - prod(1 - w))``, so independent signals add up
without passing 100 and one strong signal is enough. A link's evidence is its page's signals
plus its domain's (network, spam list, selling language, link exchange). A domain scores as its
worst link that passes credit (its worst link when none does). Bands: ``ok`` below 30,
``review`` below 60, ``disavow candidate`` from 60. A link that passes no ranking credit
(nofollow, sponsored, ugc) is never a disavow candidate: it cannot help or hurt rankings, so at
most ``review``. High domain authority (``linkatlas rank``)
lowers a score: well-linked domains are rarely part of a scheme. docs/audit.md has the table.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

from linkatlas.audit import signals as S
from linkatlas.audit.hostname import score_host
from linkatlas.audit.network import network_evidence
from linkatlas.audit.records import (
    STATEMENT,
    AuditReport,
    Band,
    Category,
    DomainFinding,
    Evidence,
    LinkFinding,
)
from linkatlas.audit.relevance import Relevance
from linkatlas.extract import anchors as A
from linkatlas.model import AuditData, Referrer, SourcedLink
from linkatlas.urls import registrable_domain

REVIEW_AT, DISAVOW_AT = 30.0, 60.0
AUTHORITY_FROM, AUTHORITY_CUT = 50.0, 0.5
TOP_REASONS = 3


def combine(weights: Iterable[float]) -> float:
    """0..100 from independent signal weights: 100 * (1 - prod(1 - w))."""
    keep = 1.0
    for w in weights:
        keep *= 1.0 - min(max(w, 0.0), 1.0)
    return round(100.0 * (1.0 - keep), 1)


def band(score: float, passes_credit: bool) -> Band:
    """The band of a score; links that pass no credit stop at review."""
    if score >= DISAVOW_AT and passes_credit:
        return Band.DISAVOW
    return Band.REVIEW if score >= REVIEW_AT else Band.OK


def authority_factor(authority: float | None) -> float:
    """How much a domain's authority lowers its scores (1 = not at all)."""
    if authority is None or authority <= AUTHORITY_FROM:
        return 1.0
    return 1.0 - AUTHORITY_CUT * (authority - AUTHORITY_FROM) / (100.0 - AUTHORITY_FROM)


def _authority_evidence(r: Referrer) -> Evidence | None:
    factor = authority_factor(r.authority)
    if factor >= 1.0 or r.authority is None:
        return None
    return Evidence("authority", round(r.authority, 1), AUTHORITY_FROM,
                    f"domain authority {r.authority:.0f}/100 lowers the score by "
                    f"{1 - factor:.0%}", None, 0.0)


_ORDER = {c: i for i, c in enumerate(Category)}


def _categories(evidence: Sequence[Evidence]) -> tuple[Category, ...]:
    by: dict[Category, list[float]] = defaultdict(list)
    for e in evidence:
        if e.category is not None and e.weight > 0:
            by[e.category].append(e.weight)
    return tuple(sorted(by, key=lambda c: (-combine(by[c]), _ORDER[c])))


def _reasons(evidence: Sequence[Evidence]) -> tuple[str, ...]:
    ranked = sorted((e for e in evidence if e.weight > 0), key=lambda e: -e.weight)
    return tuple(e.text for e in ranked[:TOP_REASONS])


class _Auditor:
    """The per-target context every link is judged in."""

    def __init__(self, data: AuditData, brands: Sequence[str], keywords: Sequence[str],
                 spam: frozenset[str]) -> None:
        self.data = data
        self.brands, self.keywords, self.spam = tuple(brands), tuple(keywords), spam
        self.language = data.target_languages[0][0] if data.target_languages else ""
        self.relevance = Relevance(data.target_terms, dict(data.term_df), data.documents)
        self.referrers = {r.domain: r for r in data.referrers}
        self.network = network_evidence(data.shared, data.interlinks)
        # Anchors repeat across a profile, so each (anchor, kind) is classified once.
        self._classify = cache(self._classify_anchor)
        self._cosine = cache(self.relevance.cosine)
        self.classes = {id(s): self.anchor_class(s) for s in data.links}
        anchor_domains: dict[str, set[str]] = defaultdict(set)
        template_domains: dict[str, set[str]] = defaultdict(set)
        anchor_pages: dict[tuple[str, str], set[str]] = defaultdict(set)
        for s in data.links:
            key = " ".join(s.link.anchor.lower().split())
            anchor_domains[key].add(s.link.source_domain)
            anchor_pages[(s.link.source_domain, key)].add(s.link.source_url)
            if s.link.placement in S.SITEWIDE_PLACES:
                template_domains[key].add(s.link.source_domain)
        self.anchor_domains = {k: len(v) for k, v in anchor_domains.items()}
        self.template_domains = {k: len(v) for k, v in template_domains.items()}
        self.anchor_pages = {k: len(v) for k, v in anchor_pages.items()}
        self.host_score = cache(score_host)
        self.spikes = self._language_spikes()
        self.duplicates = dict(data.duplicates)
        host = data.target.value.split("/")[2] if data.target.scope == "url" else \
            data.target.value
        self.site_domain = registrable_domain(host)

    def _language_spikes(self) -> dict[str, Evidence]:
        """Language-spike evidence per referring domain whose linking pages are in a foreign
        language shared by several domains that appeared together."""
        mine = self.language.split("-")[0]
        seen: dict[str, dict[str, _dt.datetime]] = defaultdict(dict)
        for s in self.data.links:
            lang = (s.page.language if s.page else "").split("-")[0]
            if not lang or not mine or lang == mine:
                continue
            first = seen[lang].get(s.link.source_domain)
            if first is None or s.link.first_seen < first:
                seen[lang][s.link.source_domain] = s.link.first_seen
        out: dict[str, Evidence] = {}
        for lang, domains in seen.items():
            span = (max(domains.values()) - min(domains.values())).total_seconds() / 86400
            found = S.language_spike(lang, len(domains), span)
            if found is not None:
                out.update(dict.fromkeys(domains, found))
        return out

    def _classify_anchor(self, anchor: str, kind: str) -> str:
        return A.classify(anchor, kind, self.brands, self.keywords)

    def anchor_class(self, s: SourcedLink) -> str:
        """The anchor's class against the target's brands and keywords (extract.anchors)."""
        return self._classify(s.link.anchor, s.link.kind.value)

    def domain_evidence(self, r: Referrer, s: SourcedLink) -> list[Evidence]:
        """Signals about the whole referring domain, seen from one of its links."""
        found = [S.listed(r.domain, s.link.source_host, self.spam),
                 S.link_seller(s.link, r, s.page), S.spam_niche(r),
                 S.reciprocal(r, self.data.target.value), _authority_evidence(r),
                 self.spikes.get(r.domain)]
        return [e for e in found if e is not None] + self.network.get(r.domain, [])

    def link_evidence(self, s: SourcedLink, r: Referrer) -> list[Evidence]:
        """Signals about one link and the page that carries it."""
        link, page = s.link, s.page
        cls = self.classes[id(s)]
        key = " ".join(link.anchor.lower().split())
        cosine, shared = self._cosine(page.terms) if page is not None else (None, ())
        found = [
            S.paid_link(link, page), S.thin_content(link, page),
            S.duplicate_text(page, self.duplicates.get(link.source_url, ()), self.site_domain),
            S.link_farm(page),
            S.link_list(page),
            S.sitewide(link, r, cls, self.anchor_pages[(link.source_domain, key)]),
            S.spread_template(link, self.template_domains[key], cls)
            if link.placement in S.SITEWIDE_PLACES else None,
            S.forum_comment(link, cls), S.exact_anchor(link, cls, self.anchor_domains[key]),
            S.foreign_anchor(link, self.language, cls),
            S.language_mismatch(page, self.language), S.off_topic(cosine, shared),
            S.hostname(self.host_score(link.source_host)),
        ]
        return [e for e in found if e is not None]

    def judge(self, s: SourcedLink) -> LinkFinding:
        """The finding of one link: its own signals and its domain's."""
        link = s.link
        r = self.referrers.get(link.source_domain) or Referrer(
            domain=link.source_domain, links=1, followed=int(link.passes_credit),
            linking_pages=1, anchors=1, pages=0, words_per_page=0.0, external_per_page=0.0)
        own = self.link_evidence(s, r)
        evidence = self.domain_evidence(r, s) + own
        score = round(combine(e.weight for e in evidence) * authority_factor(r.authority), 1)
        cats = _categories(evidence)
        return LinkFinding(
            source_url=link.source_url, target_url=link.target_url,
            source_domain=link.source_domain, anchor=link.anchor,
            placement=link.placement.value, rel=link.rel, passes_credit=link.passes_credit,
            score=score, band=band(score, link.passes_credit),
            category=cats[0] if cats else None, reasons=_reasons(evidence),
            evidence=tuple(sorted(evidence, key=lambda e: -e.weight)),
        )


def _dedupe(evidence: Iterable[Evidence]) -> list[Evidence]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in evidence:
        if (e.signal, e.text) not in seen:
            seen.add((e.signal, e.text))
            out.append(e)
    return out


def audit(data: AuditData, *, brands: Sequence[str] = (), keywords: Sequence[str] = (),
          spam: frozenset[str] = frozenset()) -> AuditReport:
    """Score every link of ``data`` and every referring domain; worst first."""
    site = data.target.value.split("/")[2] if data.target.scope == "url" else data.target.value
    brands = tuple(brands) or A.infer_brand(site.removeprefix("www."), data.target_titles)
    keywords = tuple(keywords) or A.infer_keywords(
        data.target_titles, [[t for t, _ in data.target_terms]], brands)
    auditor = _Auditor(data, brands, keywords, spam)
    links: list[LinkFinding] = []
    worst: dict[str, LinkFinding] = {}
    for s in data.links:
        finding = auditor.judge(s)
        links.append(finding)
        # A domain is judged by its worst link that passes credit: a nofollow link cannot make
        # a domain worth disavowing. With no followed link, by its worst link (at most review).
        best = worst.get(finding.source_domain)
        if best is None or ((finding.passes_credit, finding.score)
                            > (best.passes_credit, best.score)):
            worst[finding.source_domain] = finding
    domains = []
    for domain, finding in worst.items():
        r = auditor.referrers.get(domain)
        evidence = _dedupe(sorted(finding.evidence, key=lambda e: -e.weight))
        followed = r.followed if r else sum(f.passes_credit for f in links
                                            if f.source_domain == domain)
        cats = _categories(evidence)
        # A forum or blog carrying user-placed links is not itself a scheme: the links are
        # disavow candidates (URL lines), the domain stops at review.
        ugc_only = bool(cats) and cats[0] is Category.FORUM
        domains.append(DomainFinding(
            domain=domain, links=r.links if r else 1, followed=followed, score=finding.score,
            band=band(finding.score, followed > 0 and not ugc_only),
            category=cats[0] if cats else None,
            categories=cats, reasons=_reasons(evidence), evidence=tuple(evidence),
            worst_link=finding.source_url, authority=r.authority if r else None))
    domains.sort(key=lambda d: (-d.score, d.domain))
    links.sort(key=lambda f: (-f.score, f.source_domain, f.source_url))
    counts = Counter(d.band.value for d in domains)
    return AuditReport(
        target=data.target, statement=STATEMENT, domains=tuple(domains), links=tuple(links),
        bands=tuple((b.value, counts.get(b.value, 0)) for b in Band), keywords=keywords,
        brands=tuple(brands),
    )

