"""The crawler end to end: the sample web served on loopback, crawled into a real index."""

from __future__ import annotations

import itertools
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from linkatlas import api, sample, urls
from linkatlas.sample.server import SampleServer

# Sites without a long Crawl-delay or a slow server, so the tests stay quick.
QUICK_ROLES = ("target", "competitor", "blog", "news", "network", "directory", "resource")


@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


def quick_hosts(web: sample.SampleWeb) -> list[str]:
    return [s.host for s in web.sites if s.role in QUICK_ROLES and not s.latency_ms
            and "Crawl-delay" not in (s.robots_txt or "")]


def link_set(db: Path, domain: str, sources: set[str]) -> set[tuple[str, ...]]:
    return {
        (link.source_url, link.target_url, link.anchor, link.kind.value, link.placement.value,
         str(link.nofollow), str(link.sponsored), str(link.ugc))
        for link in api.backlinks(domain, db=db) if link.source_host in sources
    }


def test_crawl_finds_what_the_archive_holds(tmp_path: Path, web: sample.SampleWeb) -> None:
    hosts = quick_hosts(web)
    assert len(hosts) >= 8
    warc = tmp_path / "web.warc.gz"
    sample.write_warc(web, warc)
    archived = tmp_path / "warc.duckdb"
    api.ingest([warc], db=archived)
    crawled = tmp_path / "crawl.duckdb"
    with SampleServer(web) as server:
        report = api.crawl([f"https://{h}/" for h in hosts], db=crawled,
                           allow_net=["127.0.0.0/8"], address_map=server.address_map(),
                           min_delay=0.02, max_pages=0)
        per_host = {h: server.max_in_flight(h) for h in hosts}
    assert report.stats.pages > 100 and not report.stats.errors
    assert report.frontier.get("queued", 0) == 0 and report.frontier.get("inflight", 0) == 0
    assert max(per_host.values()) == 1
    target = urls.registrable_domain(web.target_host)
    got = link_set(crawled, target, set(hosts))
    want = link_set(archived, target, set(hosts))
    assert got and got == want
    # a page blocked by robots.txt is recorded as blocked and never fetched
    assert report.stats.blocked_robots == report.frontier.get("blocked", 0)


def test_guard_refuses_loopback_unless_allowed(tmp_path: Path, web: sample.SampleWeb) -> None:
    with SampleServer(web) as server:
        report = api.crawl([f"https://{web.target_host}/"], db=tmp_path / "g.duckdb",
                           address_map=server.address_map(), min_delay=0.01, max_pages=5)
        assert report.stats.pages == 0 and report.stats.blocked_guard >= 1
        assert server.log.entries() == []


def test_kill_9_twenty_times_then_resume(tmp_path: Path, web: sample.SampleWeb) -> None:
    hosts = quick_hosts(web)[:6]
    delay = 0.15
    db = tmp_path / "killed.duckdb"
    rng = random.Random(11)
    reference = tmp_path / "reference.duckdb"
    with SampleServer(web) as server:
        amap = server.address_map()
        api.crawl([f"https://{h}/" for h in hosts], db=reference, name="k",
                  allow_net=["127.0.0.0/8"], address_map=amap, min_delay=0.01, max_pages=0)
        server.log.clear()
        command = [sys.executable, "-m", "linkatlas", "crawl", *[f"https://{h}/" for h in hosts],
                   "--db", str(db), "--name", "k", "--max-pages", "0", "--delay", str(delay),
                   "--allow-net", "127.0.0.0/8"]
        for host in hosts:
            address, port = amap[host]
            command += ["--map-host", f"{host}={address}:{port}"]
        kills: list[float] = []
        for _ in range(20):
            seen = len(server.log.entries())
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while len(server.log.entries()) == seen and proc.poll() is None:
                if time.monotonic() > deadline:
                    proc.kill()
                    pytest.fail("the crawler made no request within 30 s")
                time.sleep(0.01)
            time.sleep(rng.uniform(0.05, 0.6))  # kill somewhere in the middle of the crawl
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills.append(time.monotonic())
            proc.wait(timeout=30)
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        entries = server.log.entries()
    assert len(kills) >= 15, "most runs should die mid-crawl"
    # no URL lost: the resumed crawl ends where an uninterrupted one does
    assert _frontier_states(db) == _frontier_states(reference)
    assert _page_urls(db) == _page_urls(reference)
    assert api.counts(db=db)["links"] == api.counts(db=reference)["links"]
    # politeness held across every restart: per host, request starts at least `delay` apart
    by_host: dict[str, list[float]] = defaultdict(list)
    for entry in entries:
        by_host[entry.host].append(entry.time)
    for host, times in by_host.items():
        times.sort()
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert not gaps or min(gaps) >= delay * 0.9, (host, min(gaps))
    # a page is fetched twice only when a kill came before its fetch was committed
    fetched: dict[tuple[str, str], list[float]] = defaultdict(list)
    for entry in entries:
        if entry.path != "/robots.txt" and "sitemap" not in entry.path:
            fetched[(entry.host, entry.path)].append(entry.time)
    for key, times in fetched.items():
        for first, second in itertools.pairwise(times):
            # (a request the killed process sent may reach the server just after the kill)
            assert any(first - 0.05 <= k <= second and k - first < 3.0 for k in kills), (
                key, first, second, [k for k in kills if first - 5 < k < second + 5])


def _page_urls(db: Path) -> set[str]:
    import csv
    import io

    buf = io.BytesIO()
    api.export("pages", fmt="csv", stream=buf, db=db)
    return {row["url"] for row in csv.DictReader(io.StringIO(buf.getvalue().decode()))}


def _frontier_states(db: Path) -> dict[str, str]:
    from linkatlas.store import Index

    with Index(db) as index:
        rows = index._con.execute("SELECT url, state FROM frontier").fetchall()
    return dict(rows)
