"""Hostname spam scores: the features, the AUC floor on WEBSPAM-UK2007, index facts from the
sample web, the spam list, and the score-hosts command."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import fixture_path
from hostspam_eval import fitted_auc, load, rank_auc, score_auc
from linkatlas import api, sample
from linkatlas.audit.hostname import (
    KnownHost,
    clean_host,
    host_features,
    listed,
    score_host,
)
from linkatlas.cli import app
from linkatlas.errors import InputError
from linkatlas.store import Index

# Measured 0.638 (hand-set weights, docs/audit-hosts.md). A floor that may only be raised.
AUC_FLOOR = 0.635

runner = CliRunner()


# -- the evaluation -----------------------------------------------------------------------------

def test_rank_auc_counts_ties_half_and_orders() -> None:
    assert rank_auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert rank_auc([0.1, 0.2, 0.9, 0.8], [True, True, False, False]) == 0.0
    assert rank_auc([0.5, 0.5, 0.5], [True, False, False]) == 0.5
    # 1 positive over 2 negatives: beats one, ties one -> (1 + 0.5) / 2.
    assert rank_auc([0.7, 0.3, 0.7], [True, False, False]) == 0.75
    with pytest.raises(ValueError):
        rank_auc([1.0, 2.0], [True, True])


def test_auc_floor_on_webspam_uk2007_set1() -> None:
    rows = load(fixture_path("spam/webspam-uk2007-set1"))
    assert sum(s for _, s in rows) == 222 and len(rows) == 3998  # undecided left out
    auc = score_auc(rows)
    assert auc >= AUC_FLOOR, f"hostname score AUC {auc:.4f} fell below the floor {AUC_FLOOR}"


def test_hand_set_weights_hold_up_against_a_fitted_model() -> None:
    rows = load(fixture_path("spam/webspam-uk2007-set1"))
    # A model fitted on the same signals, judged out of fold, does no better than the
    # hand-set weights by more than a hair: the weights are not leaving signal unused.
    assert fitted_auc(rows) < score_auc(rows) + 0.02


# -- features and the score ---------------------------------------------------------------------

def test_features_count_what_the_name_shows() -> None:
    f = host_features("www.cheap-viagra-pills-4u.example.co.uk")
    assert f.domain == "example.co.uk" and f.label == "example" and f.suffix == "co.uk"
    assert f.subdomain == "cheap-viagra-pills-4u" and f.depth == 5
    assert (f.hyphens, f.digits, f.digit_runs) == (3, 1, 1)
    assert set(f.keywords) == {"viagra", "pills"} and set(f.bait) >= {"cheap", "4u"}
    assert not f.is_ip and not f.is_idn and not f.restricted


def test_punycode_is_measured_on_its_unicode_spelling() -> None:
    f = host_features("xn--bcher-kva.example")  # bücher.example
    assert f.is_idn and f.hyphens == 0 and f.label_length == 6


def test_reasons_carry_the_numbers() -> None:
    s = score_host("www.best-cheap-loans-2024.xyz")
    assert 0.0 <= s.score <= 100.0
    text = " | ".join(s.reasons)
    assert "hostname has 3 hyphens" in text
    assert "4 digits in the name" in text
    assert "TLD .xyz is common among spam hosts" in text
    assert "keyword-stuffed name:" in text and "'loans'" in text and "'cheap'" in text


def test_spam_names_outscore_plain_ones() -> None:
    plain = score_host("www.bbc.co.uk").score
    for spammy in ("cheap-loans-4u.co.uk", "casino-bonus-poker-slots.com", "192.0.2.7",
                   "www.x7kq9zbv3.tk"):
        assert score_host(spammy).score > plain + 20, spammy
    # Each signal added raises the score, never lowers it.
    assert (score_host("loans.example").score < score_host("cheap-loans.example").score
            < score_host("cheap-loans-24.example").score)


def test_eligibility_checked_registries_start_lower() -> None:
    uni = score_host("www.physics.ox.ac.uk")
    assert uni.score < score_host("www.physics.ox.co.uk").score
    assert any("checks eligibility" in r for r in uni.reasons)
    assert score_host("www.example.gov").score == 0.0


def test_ip_literals_and_www_variants() -> None:
    assert score_host("10.1.2.3").reasons == ("the host is a bare IP address",)
    assert host_features("[2001:db8::1]").is_ip
    assert host_features("www2.example.com").www_variant
    assert not host_features("www.example.com").www_variant


def test_clean_host_accepts_hosts_and_rejects_the_rest() -> None:
    assert clean_host("  WWW.Example.COM.  ") == "www.example.com"
    assert clean_host("https://shop.example.com/path?q=1") == "shop.example.com"
    assert clean_host("example.co.uk:8080") == "example.co.uk"
    assert clean_host("Bücher.example") == "xn--bcher-kva.example"
    for bad in ("", "not a host", "=cmd|' /C calc'!A0", "a..b", "-lead.example",
                "x" * 64 + ".example", "host:port"):
        assert clean_host(bad) is None, bad


def test_known_facts_add_and_remove_points() -> None:
    name = "plain-site.example"
    bare = score_host(name).score
    thin = score_host(name, known=KnownHost(pages=4, words_per_page=20.0, external_links=400,
                                            shared_tracking_domains=3))
    assert thin.score > bare + 20
    assert "thin content: 20 words a page (4 pages)" in thin.reasons
    assert "100 outbound links to other sites a page" in thin.reasons
    assert any("with 3 other domains" in r for r in thin.reasons)
    trusted = score_host(name, known=KnownHost(pages=10, words_per_page=800.0, refdomains=40,
                                               authority=60.0))
    assert trusted.score < bare
    listed_host = score_host(name, known=KnownHost(on_spam_list=True))
    assert listed_host.score == 100.0 and listed_host.reasons[0] == "on user spam list"


def test_listed_matches_the_host_or_a_parent_domain() -> None:
    entries = frozenset({"spam.example", "bad.host.example"})
    assert listed("spam.example", entries) and listed("www.spam.example", entries)
    assert listed("a.bad.host.example", entries)
    assert not listed("host.example", entries) and not listed("notspam.example", entries)


# -- the index: the sample web ------------------------------------------------------------------

@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, web: sample.SampleWeb) -> Path:
    folder = tmp_path_factory.mktemp("hosts")
    sample.write_warc(web, folder / "web.warc.gz")
    path = folder / "index.duckdb"
    api.ingest([folder / "web.warc.gz"], db=path)
    api.rank(db=path, levels=("host",))
    return path


def test_index_facts_of_the_sample_web(db: Path, web: sample.SampleWeb) -> None:
    network = [s.host for s in web.by_role("network")]
    directory = [s.host for s in web.by_role("directory")]
    with Index(db, read_only=True) as index:
        stats = index.host_stats([web.target_host, *network, *directory, "absent.example"])
    target, *rest = stats
    assert target.pages > 10 and target.refdomains >= 5 and target.authority is not None
    for s in rest[: len(network)]:  # the link network shares analytics IDs across its sites
        assert s.shared_tracking_domains >= len(network) - 1, s
    for s in rest[len(network): -1]:  # the directory is a page of outbound links
        assert s.external_links / s.pages >= 10, s
    assert stats[-1].pages == 0 and stats[-1].refdomains == 0 and stats[-1].authority is None


def test_score_hosts_uses_the_index(db: Path, web: sample.SampleWeb, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    network = [s.host for s in web.by_role("network")]
    spam = [s.host for s in web.by_role("spam")]
    rows = api.score_hosts([web.target_host, *network, *spam], db=db)
    by_host = {r.host: r for r in rows}
    target = by_host[web.target_host]
    for host in network:
        assert any("analytics/ad ID" in r for r in by_host[host].reasons), by_host[host]
        assert by_host[host].score > target.score
    assert any("outbound links to other sites" in r
               for h in spam for r in by_host[h].reasons)
    # Without the index (none named, none at the default path) the names alone say less.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LINKATLAS_DB", raising=False)
    alone = {r.host: r for r in api.score_hosts(network, db=None, spam_list=None)}
    assert all(alone[h].score < by_host[h].score for h in network)


def test_spam_list_file_and_bad_input(db: Path, tmp_path: Path) -> None:
    listing = tmp_path / "spam.txt"
    listing.write_text("# mine\ndomain:kafei-pifa.example\nhttps://top-links-hub.example/x\n"
                       "not a host at all\n", encoding="utf-8")
    assert api.read_spam_list(listing) == {"kafei-pifa.example", "top-links-hub.example"}
    rows = api.score_hosts(["www.kafei-pifa.example", "coffeewiki.example"], db=db,
                           spam_list=listing)
    assert rows[0].score == 100.0 and rows[0].reasons[0] == "on user spam list"
    assert rows[1].score < 100.0
    with pytest.raises(InputError, match="not a hostname"):
        api.score_hosts(["good.example", "bad host"], db=db)
    with pytest.raises(InputError, match="does not exist"):
        api.score_hosts(["good.example"], db=db, spam_list=tmp_path / "missing.txt")


# -- the command --------------------------------------------------------------------------------

def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_cli_writes_csv_and_counts_bad_lines(db: Path, tmp_path: Path,
                                             web: sample.SampleWeb) -> None:
    hosts = tmp_path / "hosts.txt"
    hosts.write_text(f"# hosts to check\n{web.target_host}\n\nnot a hostname\n"
                     "=HYPERLINK(\"http://x\")\ncheap-loans-4u.xyz\n", encoding="utf-8")
    result = runner.invoke(app, ["score-hosts", str(hosts), "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = _csv(result.stdout)
    assert rows[0] == ["host", "score", "reasons"]
    assert [r[0] for r in rows[1:]] == [web.target_host, "cheap-loans-4u.xyz"]
    assert float(rows[2][1]) > float(rows[1][1]) and "hyphens" in rows[2][2]
    assert "skipped 2 line(s)" in result.stderr
    out = tmp_path / "scores.csv"
    spam = tmp_path / "spam.txt"
    spam.write_text("cheap-loans-4u.xyz\n", encoding="utf-8")
    result = runner.invoke(app, ["score-hosts", str(hosts), "-o", str(out), "--db", str(db),
                                 "--spam-list", str(spam)])
    assert result.exit_code == 0 and result.stdout == ""
    written = _csv(out.read_text(encoding="utf-8"))
    assert written[2][:2] == ["cheap-loans-4u.xyz", "100.0"]
    assert written[2][2].startswith("on user spam list")


def test_cli_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "linkatlas", "score-hosts", str(tmp_path / "nope.txt")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: host list {tmp_path / 'nope.txt'} does not exist"
