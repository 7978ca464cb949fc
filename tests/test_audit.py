"""The link audit on the sample web: categories, evidence, bands, outputs, and the floors of
precision and recall against the generator's own knowledge of which site is which."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkatlas import api, sample, urls
from linkatlas.audit import signals as S
from linkatlas.audit.findings import DISAVOW_AT, REVIEW_AT, band, combine
from linkatlas.audit.network import network_evidence
from linkatlas.audit.records import (
    STATEMENT,
    AuditReport,
    Band,
    Category,
    DomainFinding,
    LinkFinding,
)
from linkatlas.audit.relevance import Relevance
from linkatlas.cli import app
from linkatlas.model import Link, Page, Placement, Referrer, SharedTrait
from linkatlas.report import csvout
from linkatlas.sample.spam import network_ids

runner = CliRunner()
FLAGGED = (Band.REVIEW, Band.DISAVOW)
# Floors pinned from docs/audit.md (measured 1.0 for all four on seed 7); one domain of slack.
DISAVOW_PRECISION, DISAVOW_RECALL = 0.85, 0.85
FLAGGED_PRECISION, FLAGGED_RECALL = 0.85, 0.85


@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, web: sample.SampleWeb) -> Path:
    folder = tmp_path_factory.mktemp("audit")
    sample.write_warc(web, folder / "web.warc.gz")
    path = folder / "index.duckdb"
    api.ingest([folder / "web.warc.gz"], db=path)
    api.rank(db=path, levels=("domain",), harmonic=False)
    return path


@pytest.fixture(scope="module")
def target(web: sample.SampleWeb) -> str:
    return urls.registrable_domain(web.target_host)


@pytest.fixture(scope="module")
def report(db: Path, target: str) -> AuditReport:
    return api.audit(target, db=db)


def _domain(site: sample.SampleSite) -> str:
    return urls.registrable_domain(site.host)


def expected_band(site: sample.SampleSite) -> Band:
    """What the generator knows: network, spam and directory sites are schemes; a site with a
    paid post or followed signature links deserves a look; the rest are honest."""
    if site.role in ("network", "spam", "directory"):
        return Band.DISAVOW
    for page in site.pages:
        if "sponsored-post" in page.tags:
            return Band.REVIEW
        for link in page.truth:
            followed = not {"nofollow", "ugc"} & set(link.rel.split())
            if "signature" in link.tags and followed:
                return Band.REVIEW
    return Band.OK


def _by_domain(report: AuditReport) -> dict[str, DomainFinding]:
    return {d.domain: d for d in report.domains}


def _sites(web: sample.SampleWeb, role: str) -> list[str]:
    return [_domain(s) for s in web.sites if s.role == role]


def test_network_domains_flagged_with_shared_ids(
    report: AuditReport, web: sample.SampleWeb
) -> None:
    found = _by_domain(report)
    ua, _, _ = network_ids(web.seed)
    network = _sites(web, "network")
    assert len(network) == 4
    for domain in network:
        d = found[domain]
        assert d.band is Band.DISAVOW and d.category is Category.NETWORK, d
        shared = [e for e in d.evidence if e.signal == "shared_tracking_id"]
        assert shared and ua in str(shared[0].value)
        assert all(o in shared[0].text for o in network if o != domain)
        assert any(e.signal == "interlink_density" and float(e.value) >= 0.5
                   for e in d.evidence)
        subnet = web.ip_of(next(s.host for s in web.sites if _domain(s) == domain))
        subnet = subnet.rsplit(".", 1)[0] + ".0/24"
        assert any(e.signal == "shared_subnet" and e.value == subnet for e in d.evidence)


def test_farm_directory_and_foreign_spam(report: AuditReport, web: sample.SampleWeb) -> None:
    found = _by_domain(report)
    spam = {s.host: s for s in web.sites if s.role == "spam"}
    farm = found["top-links-hub.example"]
    assert "link-farm" in spam["top-links-hub.example"].tags
    assert farm.band is Band.DISAVOW and farm.category is Category.AUTOMATED
    outbound = next(e for e in farm.evidence if e.signal == "outbound_links")
    assert isinstance(outbound.value, int) and outbound.value >= S.FARM_LINKS
    for domain in _sites(web, "directory"):
        d = found[domain]
        assert d.band is Band.DISAVOW and d.category is Category.DIRECTORY
        assert any(e.signal == "words_per_outbound_link" for e in d.evidence)
    foreign = [h for h, s in spam.items() if any(t.startswith("lang:") for t in s.tags)]
    assert len(foreign) == 2
    for host in foreign:
        d = found[urls.registrable_domain(host)]
        assert d.band is Band.DISAVOW and d.category is Category.UNRELATED
        lang = next(e for e in d.evidence if e.signal == "language")
        assert lang.value in ("ru", "zh") and lang.threshold == "en"


def test_paid_post_is_flagged_with_quoted_text(report: AuditReport, web: sample.SampleWeb) -> None:
    paid_pages = [p.url for p in web.pages() if "sponsored-post" in p.tags]
    assert paid_pages
    links = [f for f in report.links if f.source_url in paid_pages]
    assert links
    for f in links:
        assert f.category is Category.PAID
        assert any("'sponsored post'" in e.text for e in f.evidence)
        # Qualified with rel=sponsored: worth a look, never a disavow candidate.
        assert f.band is Band.REVIEW and not f.passes_credit


def test_editorial_links_are_ok(report: AuditReport, web: sample.SampleWeb) -> None:
    honest = {s.host for s in web.sites if s.role in ("blog", "news", "resource")}
    editorial = {(p.url, x.anchor) for p in web.pages() if p.url.split("/")[2] in honest
                 for x in p.truth if "editorial" in x.tags and "sponsored-post" not in x.tags}
    judged = [f for f in report.links if (f.source_url, f.anchor) in editorial]
    assert len(judged) >= 5
    assert all(f.band is Band.OK for f in judged), [f for f in judged if f.band is not Band.OK]


def test_scores_and_bands_are_consistent(report: AuditReport) -> None:
    assert report.statement == STATEMENT and "manual action" in report.statement
    assert report.domains and report.links
    findings: list[DomainFinding | LinkFinding] = [*report.domains, *report.links]
    for f in findings:
        assert 0.0 <= f.score <= 100.0
        assert len(f.reasons) <= 3
        if f.band is Band.DISAVOW:
            assert f.score >= DISAVOW_AT
        elif f.band is Band.OK:
            assert f.score < REVIEW_AT
    for f in report.links:
        if not f.passes_credit:
            assert f.band is not Band.DISAVOW
    assert [d.score for d in report.domains] == sorted((d.score for d in report.domains),
                                                       reverse=True)
    assert sum(n for _, n in report.bands) == len(report.domains)


def _precision_recall(found: set[str], truth: set[str]) -> tuple[float, float]:
    hit = len(found & truth)
    return (hit / len(found) if found else 1.0), (hit / len(truth) if truth else 1.0)


def test_precision_recall_floors(report: AuditReport, web: sample.SampleWeb) -> None:
    truth = {_domain(s): expected_band(s) for s in web.sites}
    found = _by_domain(report)
    audited = set(found)
    disavow = _precision_recall({d for d in audited if found[d].band is Band.DISAVOW},
                                {d for d in audited if truth[d] is Band.DISAVOW})
    flagged = _precision_recall({d for d in audited if found[d].band in FLAGGED},
                                {d for d in audited if truth[d] in FLAGGED})
    assert disavow[0] >= DISAVOW_PRECISION and disavow[1] >= DISAVOW_RECALL, disavow
    assert flagged[0] >= FLAGGED_PRECISION and flagged[1] >= FLAGGED_RECALL, flagged


def test_spam_list_flags_a_domain(db: Path, target: str, tmp_path: Path) -> None:
    listed = tmp_path / "spam.txt"
    listed.write_text("# my list\ndomain:dailygrind-news.example\nnot a host !\n")
    before = _by_domain(api.audit(target, db=db))["dailygrind-news.example"]
    assert before.band is Band.OK
    after = _by_domain(api.audit(target, db=db, spam_list=listed))["dailygrind-news.example"]
    assert after.band is Band.DISAVOW and Category.LISTED in after.categories
    assert any(e.signal == "spam_list" for e in after.evidence)


def test_cli_json_and_csv_parse(db: Path, target: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", target, "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["statement"] == STATEMENT and data["domains"] and data["links"]
    assert {"score", "band", "reasons", "evidence"} <= set(data["domains"][0])
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["audit", target, "--db", str(db), "-f", "csv", "--links",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csvout.read_rows(stream))
    assert rows[0][:3] == ["source_url", "target_url", "source_domain"]
    assert len(rows) - 1 == len(data["links"])
    result = runner.invoke(app, ["audit", target, "--db", str(db), "-f", "csv"])
    domains = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(domains) == len(data["domains"]) and domains[0]["band"] in {b.value for b in Band}
    result = runner.invoke(app, ["audit", target, "--db", str(db)])
    assert result.exit_code == 0 and "Google ignores most junk links" in result.stdout


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linkatlas", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_errors_are_one_line(db: Path, target: str, tmp_path: Path) -> None:
    for args in (["audit", target, "--db", str(db), "--spam-list", str(tmp_path / "none.txt")],
                 ["audit", target, "--db", str(tmp_path / "missing.duckdb")],
                 ["audit", "not a target at all", "--db", str(db)]):
        proc = _cli(*args)
        assert proc.returncode != 0, args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
        assert "Traceback" not in proc.stderr


# -- signals and scoring on hand-built inputs -------------------------------------------------


def _link(**kw: object) -> Link:
    base: dict[str, object] = dict(source_url="https://a.example/p", target_url="https://t.example/",
                                   source_host="a.example", source_domain="a.example",
                                   target_host="t.example", target_domain="t.example")
    base.update(kw)
    return Link(**base)  # type: ignore[arg-type]


def _page(**kw: object) -> Page:
    base: dict[str, object] = dict(url="https://a.example/p", final_url="https://a.example/p",
                                   host="a.example", domain="a.example", status=200,
                                   fetched_at=_dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))
    base.update(kw)
    return Page(**base)  # type: ignore[arg-type]


def test_signal_thresholds() -> None:
    content = _link(placement=Placement.CONTENT)
    assert S.thin_content(content, _page(word_count=S.THIN_WORDS)) is None
    assert S.thin_content(content, _page(word_count=S.THIN_WORDS - 1)) is not None
    assert S.thin_content(_link(placement=Placement.FOOTER), _page(word_count=10)) is None
    assert S.link_farm(_page(external_links=S.FARM_LINKS - 1)) is None
    assert S.link_farm(_page(external_links=S.FARM_LINKS)) is not None
    assert S.link_list(_page(external_links=30, word_count=30 * 20)) is None
    listing = S.link_list(_page(external_links=30, word_count=60))
    assert listing is not None and listing.value == 2.0
    paid = _page(phrases=("sponsored post",))
    unqualified = S.paid_link(_link(), paid)
    qualified = S.paid_link(_link(rel="sponsored", sponsored=True, passes_credit=False), paid)
    assert unqualified is not None and qualified is not None
    assert unqualified.weight > qualified.weight and "passes ranking credit" in unqualified.text
    assert S.paid_link(_link(), _page(phrases=("write for us",))) is None
    assert S.language_mismatch(_page(language="en-gb"), "en") is None
    assert S.language_mismatch(_page(language="ru"), "en") is not None
    assert S.off_topic(0.2, ()) is None and S.off_topic(0.01, ()) is not None


def test_combine_bands_and_nofollow_cap() -> None:
    assert combine([]) == 0.0 and combine([1.0]) == 100.0
    assert combine([0.5, 0.5]) == 75.0 and 0.0 <= combine([0.9] * 10) <= 100.0
    assert band(DISAVOW_AT, True) is Band.DISAVOW
    assert band(DISAVOW_AT, False) is Band.REVIEW
    assert band(REVIEW_AT - 0.1, True) is Band.OK


def test_relevance_cosine() -> None:
    rel = Relevance([("coffee", 2.0), ("roaster", 1.0)], {"coffee": 5, "roaster": 1}, 10)
    same, shared = rel.cosine(("coffee", "roaster"))
    assert same is not None and 0.9 < same <= 1.0 + 1e-9 and set(shared) == {"coffee", "roaster"}
    assert rel.cosine(("casino", "poker")) == (0.0, ())
    assert rel.cosine(()) == (None, ())
    assert Relevance([], {}, 0).cosine(("coffee",)) == (None, ())


def test_network_needs_dense_interlinking() -> None:
    trio = ("a.example", "b.example", "c.example")
    template = [SharedTrait(kind="template", value="t1", domains=trio)]
    sparse = network_evidence(template, [("a.example", "b.example", 3)])
    assert {e.signal for e in sparse["a.example"]} == {"shared_template"}
    dense = [(x, y, 1) for x in trio for y in trio if x != y]
    found = network_evidence(template, dense)
    assert {e.signal for e in found["a.example"]} == {"shared_template", "interlink_density"}
    r = Referrer(domain="a.example", links=2, followed=2, linking_pages=2, anchors=1, pages=2,
                 words_per_page=100.0, external_per_page=1.0, links_back=3)
    exchange = S.reciprocal(r, "t.example")
    assert exchange is not None and exchange.category is Category.EXCHANGE


def test_language_spike_needs_several_domains_close_in_time() -> None:
    assert S.language_spike("ru", S.SPIKE_DOMAINS - 1, 1.0) is None
    assert S.language_spike("ru", S.SPIKE_DOMAINS, S.SPIKE_DAYS + 1) is None
    spike = S.language_spike("ru", S.SPIKE_DOMAINS, 2.0)
    assert spike is not None and spike.category is Category.UNRELATED and "'ru'" in spike.text


def test_many_linking_pages_read_by_join_give_the_same_findings(
    db: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from linkatlas.store import auditdata

    by_list = api.audit(target, db=db)
    monkeypatch.setattr(auditdata, "IN_LIST_URLS", 0)
    by_join = api.audit(target, db=db)
    assert by_join.domains == by_list.domains and by_join.links == by_list.links
    monkeypatch.setattr(auditdata, "IN_LIST_URLS", 10_000)
    monkeypatch.setattr(auditdata, "IN_LIST_CHUNK", 7)
    assert api.audit(target, db=db).links == by_list.links


def test_scraped_copy_of_the_target_is_found(tmp_path: Path) -> None:
    from linkatlas.store import Index

    words = tuple(f"term{i}" for i in range(30))
    other = tuple(f"other{i}" for i in range(30))
    pages = [
        _page(url="https://t.example/a", final_url="https://t.example/a", host="t.example",
              domain="t.example", content_type="text/html", word_count=500, terms=words),
        _page(url="https://s.example/copy", final_url="https://s.example/copy",
              host="s.example", domain="s.example", content_type="text/html", word_count=500,
              terms=(*words[:20][::-1], "spun")),  # same top-20 set, another order
        _page(url="https://o.example/own", final_url="https://o.example/own",
              host="o.example", domain="o.example", content_type="text/html", word_count=500,
              terms=other),
    ]
    links = [_link(source_url=p.url, source_host=p.host, source_domain=p.domain,
                   placement=Placement.CONTENT, anchor="T example") for p in pages[1:]]
    with Index(tmp_path / "x.duckdb") as index:
        index.write(pages, links)
    report = api.audit("t.example", db=tmp_path / "x.duckdb")
    found = {f.source_domain: f for f in report.links}
    copied = [e for e in found["s.example"].evidence if e.signal == "duplicate_text"]
    assert copied and "the target's own text" in copied[0].text
    assert copied[0].weight == S.W_SCRAPED_TARGET
    assert not [e for e in found["o.example"].evidence if e.signal == "duplicate_text"]


def test_domain_is_judged_by_its_worst_followed_link() -> None:
    from linkatlas.audit.findings import audit
    from linkatlas.model import AuditData, SourcedLink, Target

    farm = _page(url="https://a.example/links", external_links=400, word_count=400)
    clean = _page(url="https://a.example/p", external_links=2, word_count=800)
    nofollow = _link(source_url=farm.url, rel="nofollow", nofollow=True, passes_credit=False,
                     placement=Placement.CONTENT, anchor="T example")
    followed = _link(source_url=clean.url, placement=Placement.CONTENT, anchor="T example")
    data = AuditData(
        target=Target(scope="domain", value="t.example"),
        links=(SourcedLink(link=nofollow, page=farm), SourcedLink(link=followed, page=clean)),
        referrers=(), shared=(), interlinks=(), target_terms=(), target_languages=(),
        target_titles=(), term_df=(), documents=0)
    report = audit(data, brands=("T example",))
    by_url = {f.source_url: f for f in report.links}
    assert by_url[farm.url].score >= REVIEW_AT and by_url[farm.url].band is Band.REVIEW
    (domain,) = report.domains
    assert domain.worst_link == clean.url and domain.band is Band.OK


def test_exchange_paid_shared_ip_niche_and_list_through_an_index(tmp_path: Path) -> None:
    """Signals the sample web does not trigger, end to end through a hand-built index."""
    from linkatlas.store import Index

    terms = tuple(f"widget{i}" for i in range(30))

    def page(url: str, **kw: object) -> Page:
        host = urls.host(url)
        base: dict[str, object] = dict(url=url, final_url=url, host=host,
                                       domain=urls.registrable_domain(host),
                                       content_type="text/html", word_count=600, terms=terms,
                                       language="en", external_links=3)
        base.update(kw)
        return _page(**base)

    def link(source: Page, target_url: str = "https://t.example/") -> Link:
        host = urls.host(target_url)
        return _link(source_url=source.url, source_host=source.host,
                     source_domain=source.domain, target_url=target_url, target_host=host,
                     target_domain=urls.registrable_domain(host),
                     placement=Placement.CONTENT, anchor="T example widgets")

    home = page("https://t.example/")
    partners = page("https://t.example/partners")
    swap = page("https://swap.example/friends", phrases=("link exchange",))
    paid = page("https://adsblog.example/post", phrases=("sponsored post",))
    ip1 = page("https://one.example/a", ip="203.0.113.9")
    ip2 = page("https://two.example/b", ip="203.0.113.9")
    casino = page("https://luckyplay.example/", phrases=("casino",))
    listed = page("https://listed.example/x")
    pages = [home, partners, swap, paid, ip1, ip2, casino, listed]
    links = [link(p) for p in pages[2:]]
    links.append(link(partners, "https://swap.example/"))  # the target links back
    links.append(link(home, "https://swap.example/friends"))
    with Index(tmp_path / "x.duckdb") as index:
        index.write(pages, links)
    spam = tmp_path / "spam.txt"
    spam.write_text("# mine\nlisted.example\n", encoding="utf-8")
    report = api.audit("t.example", db=tmp_path / "x.duckdb", spam_list=spam,
                       brand=("T example",), keywords=("widgets",))
    signals = {f.source_domain: {e.signal: e for e in f.evidence} for f in report.links}
    exchange = signals["swap.example"]["links_back"]
    assert exchange.category is Category.EXCHANGE and exchange.value == 2
    assert exchange.weight == pytest.approx(S.W_RECIPROCAL + 0.3)  # it says "link exchange"
    sold = signals["adsblog.example"]["paid_page"]
    assert sold.category is Category.PAID and "sponsored post" in sold.text
    assert "shared_ip" in signals["one.example"] and "shared_ip" in signals["two.example"]
    assert signals["luckyplay.example"]["spam_niche"].category is Category.UNRELATED
    assert signals["listed.example"]["spam_list"].category is Category.LISTED
    by_domain = _by_domain(report)
    assert by_domain["listed.example"].band is Band.DISAVOW  # 0.90 alone
    assert by_domain["adsblog.example"].band is not Band.OK  # an unqualified paid post
    assert "t.example" not in by_domain  # internal links are not backlinks
