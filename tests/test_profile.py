"""``linkatlas profile``: every section against what the sample-web generator knows, a weekly
new/lost/spike scenario written through ``Index.write``, and the CLI's formats and options."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkatlas import api, sample, urls
from linkatlas.cli import app
from linkatlas.extract import make_link
from linkatlas.extract.anchors import (
    BRANDED,
    EXACT,
    GENERIC,
    IMAGE_OR_EMPTY,
    OTHER,
    PARTIAL,
    URL,
    classify,
    infer_brand,
    infer_keywords,
)
from linkatlas.model import UTC, LinkKind, Page, Placement, Profile
from linkatlas.sample.kit import BRAND, EXACT_ANCHORS
from linkatlas.sample.spam import NETWORK
from linkatlas.store import Index
from linkatlas.store.profile import SPIKE_MIN_NEW, subnet

runner = CliRunner()
KEYWORDS = ("home coffee roaster", "coffee roaster")


@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, web: sample.SampleWeb) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("profile")
    warc = folder / "web.warc.gz"
    sample.write_warc(web, warc)
    db = folder / "index.duckdb"
    api.ingest([warc], db=db)
    return db, urls.registrable_domain(web.target_host)


@pytest.fixture(scope="module")
def truth(web: sample.SampleWeb) -> list[tuple[sample.SamplePage, sample.ExpectedLink]]:
    """Every expected link to the target from another site."""
    own = f"https://{web.target_host}/"
    return [(p, link) for p, link in web.links_to(web.target_host) if not p.url.startswith(own)]


@pytest.fixture(scope="module")
def prof(indexed: tuple[Path, str]) -> Profile:
    db, target = indexed
    return api.profile(target, db=db, top=100, brands=[BRAND], keywords=KEYWORDS)


def test_totals_and_splits_match_the_generator(prof: Profile, truth: list,
                                               indexed: tuple[Path, str]) -> None:
    assert prof.links == len(truth)
    assert prof.refdomains == len({urls.registrable_domain(p.url.split("/")[2])
                                   for p, _ in truth})
    assert prof.ref_pages == len({p.url for p, _ in truth})
    assert prof.refhosts == len({p.url.split("/")[2] for p, _ in truth})
    # the split is what extraction stored (its placement accuracy is tested on its own) ...
    stored = collections.Counter(link.placement.value for link in api.backlinks(
        indexed[1], db=indexed[0]))
    assert {b.name: b.links for b in prof.placements} == stored == prof.by_placement
    # ... which is close to the generator's truth
    placements = collections.Counter(link.placement.value for _, link in truth)
    assert sum(min(n, stored[k]) for k, n in placements.items()) >= 0.95 * prof.links
    assert stored["footer"] == placements["footer"]
    kinds = collections.Counter(link.kind.value for _, link in truth)
    assert {b.name: b.links for b in prof.kinds} == kinds
    rel = {b.name: b.links for b in prof.rel}
    assert rel["sponsored"] == sum("sponsored" in link.rel for _, link in truth)
    assert sum(rel.values()) == prof.links
    assert rel["followed"] == prof.followed
    for split in (prof.placements, prof.kinds, prof.rel, prof.languages, prof.tlds,
                  prof.anchor_classes, prof.authority):
        assert sum(b.links for b in split) == prof.links


def test_sitewide_groups_are_the_generators_sitewide_links(prof: Profile, truth: list) -> None:
    tagged = collections.defaultdict(set)
    for p, link in truth:
        if "sitewide" in link.tags or "banner" in link.tags:
            tagged[p.url.split("/")[2]].add(p.url)
    groups = {g.host: g for g in prof.sitewide}
    assert set(groups) == set(tagged)
    assert {h for h, _ in NETWORK} < set(groups)
    for host, group in groups.items():
        assert group.pages == len(tagged[host])
        assert group.placement == "footer" and group.host_pages >= group.pages
    journal = groups["homeroaster-journal.example"]
    assert journal.anchor == BRAND
    assert journal.links == sum(1 for p, link in truth if p.url.split("/")[2] == journal.host
                                and ("sitewide" in link.tags or "banner" in link.tags))
    assert prof.links_once == prof.links - sum(g.links for g in groups.values()) + len(groups)


def test_anchor_classes_with_the_sites_brand(prof: Profile, truth: list) -> None:
    got = {(a.anchor, a.kind): a.cls for a in prof.classified_anchors}
    expected_by_tag = {"anchor:brand": BRANDED, "anchor:naked": URL, "anchor:generic": GENERIC}
    checked = 0
    for _, link in truth:
        cls = got[(link.anchor, link.kind.value)]
        if link.kind is LinkKind.IMAGE:
            assert cls == IMAGE_OR_EMPTY
            checked += 1
        elif "anchor:exact" in link.tags and link.anchor in EXACT_ANCHORS:
            assert cls == EXACT, link.anchor
            checked += 1
        elif link.anchor == BRAND:
            assert cls == expected_by_tag["anchor:brand"]
            checked += 1
        else:
            for tag, want in expected_by_tag.items():
                if tag in link.tags and tag != "anchor:brand":
                    assert cls == want, link.anchor
                    checked += 1
    assert checked > 60
    assert got[("this small-batch coffee roaster", "a")] == PARTIAL
    assert got[("купить ростер для кофе", "a")] == OTHER  # a Russian keyword was not given
    classes = {b.name: b for b in prof.anchor_classes}
    assert classes[EXACT].links == sum(1 for _, link in truth if link.kind is LinkKind.A
                                       and link.anchor in EXACT_ANCHORS)
    assert not prof.brand_inferred and prof.brand == (BRAND,)


def test_brand_and_keywords_are_inferred_from_the_site(indexed: tuple[Path, str]) -> None:
    db, target = indexed
    inferred = api.profile(target, db=db, top=100)
    assert inferred.brand_inferred and inferred.keywords_inferred
    assert inferred.brand == ("beancraft",)
    assert "home coffee roaster" in inferred.keywords
    got = {a.anchor: a.cls for a in inferred.classified_anchors}
    assert got[BRAND] == BRANDED and got["home coffee roaster"] == EXACT
    assert got["https://www.beancraft.example/"] == URL


def test_network_shares_a_subnet_and_languages(prof: Profile) -> None:
    assert prof.ref_ips >= prof.refhosts - 1 > 0
    shared = [b for b in prof.subnets if b.refdomains > 1]
    assert len(shared) == 1 and shared[0].refdomains == len(NETWORK)
    assert prof.ref_subnets == prof.refdomains - len(NETWORK) + 1
    langs = {b.name: b.refdomains for b in prof.languages}
    assert langs["ru"] == 1 and langs["zh"] == 1 and langs["en"] == prof.refdomains - 2
    assert [b.name for b in prof.tlds] == ["example"]


def test_authority_bands_before_and_after_rank(indexed: tuple[Path, str], prof: Profile,
                                               tmp_path: Path) -> None:
    assert prof.authority_graph == ""
    assert [(b.name, b.refdomains) for b in prof.authority] == [("not scored", prof.refdomains)]
    db, target = indexed
    ranked = tmp_path / "ranked.duckdb"
    shutil.copy(db, ranked)
    api.rank(db=ranked)
    after = api.profile(target, db=ranked)
    assert after.authority_graph == "index:domain"
    assert sum(b.refdomains for b in after.authority) == after.refdomains
    assert all(b.name == "not scored" or b.name.endswith("0") for b in after.authority)
    assert any(b.name != "not scored" for b in after.authority)


def test_referral_visits_where_known(indexed: tuple[Path, str], prof: Profile,
                                     tmp_path: Path) -> None:
    assert prof.referrals is None  # no traffic data for the target
    db, target = indexed
    copy = tmp_path / "traffic.duckdb"
    shutil.copy(db, copy)
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    hits = [("/", "https://homeroaster-journal.example/")] * 3 + [
        ("/roasters/ember-1kg", "https://thecoffeenerd.example/review/"),
        ("/", "https://news.unrelated.example/story")]
    log = tmp_path / "access.log"
    log.write_text("".join(
        f'203.0.113.7 - - [12/Mar/2026:10:11:12 +0000] "GET {path} HTTP/1.1" 200 512 '
        f'"{ref}" "{ua}"\n' for path, ref in hits))
    api.import_traffic([log], site=target, db=copy)
    after = api.profile(target, db=copy)
    assert after.referrals is not None and after.referral_visits == 5
    assert after.referral_domains == 3 and after.referral_domains_linking == 2
    assert after.referrals[0].domain == "homeroaster-journal.example"
    assert after.referrals[0].visits == 3


def _page(url: str, fetched: dt.datetime) -> Page:
    host, domain = urls.host_and_domain(url)
    return Page(url=url, final_url=url, host=host, domain=domain, status=200, fetched_at=fetched,
                content_type="text/html", title="A page", ip="2001:db8:5:1::7")


def test_weeks_new_lost_and_spike(tmp_path: Path) -> None:
    """Eight quiet weeks with one or two new domains each, then a week with twelve; three
    domains lost (every link missing from a later fetch of its page), one only half lost."""
    monday = dt.datetime(2024, 1, 1, 9, tzinfo=UTC)  # a Monday
    target = "https://shop.example/"
    pages, links = [], []
    plan = [(w, 1 + w % 2) for w in range(8)] + [(8, 12)]
    n = 0
    for week, count in plan:
        for _ in range(count):
            seen = monday + dt.timedelta(weeks=week, days=n % 5)
            src = f"https://site{n}.example/post"
            link = make_link(src, target, anchor="shop", seen=seen)
            fetched = seen
            if n in (0, 3, 5):  # lost: the page was fetched again in week 10 without the link
                fetched = monday + dt.timedelta(weeks=10)
            links.append(link)
            pages.append(_page(src, fetched))
            n += 1
    # site1 keeps one live link on another page: half lost is not lost
    half = make_link("https://site1.example/other", target, anchor="shop",
                     seen=monday + dt.timedelta(weeks=10))
    links[1].last_seen = monday  # its first page dropped the link
    pages[1] = _page(links[1].source_url, monday + dt.timedelta(weeks=10))
    links.append(half)
    pages.append(_page(half.source_url, half.last_seen))
    db = tmp_path / "weeks.duckdb"
    with Index(db) as index:
        index.write(pages, links)
    prof = api.profile("shop.example", db=db, brands=["shop"], keywords=["widgets"])
    by_week = {w.week: w for w in prof.weeks}
    assert prof.weeks[0].week == monday.date()
    assert len(prof.weeks) == 11 and all(w.week.weekday() == 0 for w in prof.weeks)
    assert [by_week[monday.date() + dt.timedelta(weeks=w)].new for w, _ in plan] == [
        c for _, c in plan]
    lost_week = monday.date() + dt.timedelta(weeks=10)
    assert by_week[lost_week].lost == 3 and sum(w.lost for w in prof.weeks) == 3
    assert len(prof.spikes) == 1
    spike = prof.spikes[0]
    assert spike.week == monday.date() + dt.timedelta(weeks=8) and spike.new == 12
    assert spike.new >= SPIKE_MIN_NEW and spike.threshold < 12
    assert sorted(spike.domains) == sorted(f"site{i}.example" for i in range(n - 12, n))
    assert prof.ref_subnets == 1 and prof.subnets[0].name == "2001:db8:5::/48"


def test_anchor_rules() -> None:
    kws = ["home coffee roaster"]
    assert classify("Home Coffee Roasters", "a", ["Acme"], kws) == EXACT
    assert classify("buy home coffee roaster", "a", ["Acme"], kws) == EXACT
    assert classify("Acme Inc.", "a", ["Acme"], kws) == BRANDED
    assert classify("acme coffee roaster", "a", ["Acme"], kws) == PARTIAL
    assert classify("www.acme.com", "a", ["Acme"], kws) == URL
    assert classify("Click here!", "a", ["Acme"], kws) == GENERIC
    assert classify("hier klicken", "a", [], kws) == GENERIC
    assert classify("  ", "a", [], kws) == IMAGE_OR_EMPTY
    assert classify("Acme logo", "image", ["Acme"], kws) == IMAGE_OR_EMPTY
    assert classify("weather today", "a", ["Acme"], kws) == OTHER
    assert infer_brand("acmecoffee.com", ["Shop | Acme Coffee", "Acme Coffee Roasters"]) == (
        "acme coffee", "acmecoffee")
    assert infer_brand("widgets.io", []) == ("widgets",)
    kw = infer_keywords(["Acme – Blue Widgets", "Blue widgets | Acme"], [["gadgets"]], ["Acme"])
    assert kw[0] == "blue widget" and "gadget" in kw
    assert subnet("203.0.113.77") == "203.0.113.0/24"
    assert subnet("::ffff:203.0.113.9") == "203.0.113.0/24"
    assert subnet("not an address") is None


def test_cli_formats_and_options(indexed: tuple[Path, str], prof: Profile) -> None:
    db, target = indexed
    table = runner.invoke(app, ["profile", target, "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "Backlink profile of" in table.stdout and "sitewide groups" in table.stdout
    whole = json.loads(runner.invoke(app, ["profile", target, "--db", str(db), "-f", "json",
                                           "--brand", BRAND, "--keyword", KEYWORDS[0],
                                           "--keyword", KEYWORDS[1],
                                           "--top", "100"]).stdout)
    assert whole["links"] == prof.links and whole["brand"] == [BRAND]
    assert {c["name"]: c["links"] for c in whole["anchor_classes"]} == {
        b.name: b.links for b in prof.anchor_classes}
    assert whole["weeks"] and "week" in whole["weeks"][0]
    res = runner.invoke(app, ["profile", target, "--db", str(db), "-f", "csv", "--section",
                              "sitewide"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["host"] for r in rows} == {g.host for g in prof.sitewide}
    pages = list(csv.reader(io.StringIO(runner.invoke(
        app, ["profile", target, "--db", str(db), "-f", "csv", "--section", "pages"]).stdout)))
    assert pages[0] == ["target_url", "links"] and len(pages) > 3
    one = runner.invoke(app, ["profile", target, "--db", str(db), "--section", "anchor-classes"])
    assert one.exit_code == 0 and "exact match" in one.stdout
    empty = runner.invoke(app, ["profile", "nobody-links-here.example", "--db", str(db)])
    assert empty.exit_code == 0 and "no links to this target" in empty.stdout
    header = runner.invoke(app, ["profile", "nobody-links-here.example", "--db", str(db), "-f",
                                 "csv", "--section", "sitewide"]).stdout
    assert header.strip().split(",")[:2] == ['"host"', '"domain"']
    for bad in (["-f", "csv"], ["--section", "nope"]):
        res = runner.invoke(app, ["profile", target, "--db", str(db), *bad])
        assert res.exit_code != 0
    assert Placement.CONTENT.value in {b.name for b in prof.placements}
