"""The dashboard on the sample web: pages, charts, tables (filter, sort, pages, exports), audit
and disavow builder, authority, the served report, jobs and the token, and one real server."""

from __future__ import annotations

import csv
import io
import itertools
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from linkatlas.report import csvout
from linkatlas.report import html as report_html
from linkatlas.web import WebConfig, create_app
from web_support import TOKEN, assert_security_headers, free_port, sample_index, structure


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db, target, _web = sample_index(tmp_path_factory.mktemp("webpages"))
    return db, target


@pytest.fixture(scope="module")
def client(built: tuple[Path, str]) -> Iterator[TestClient]:
    db, _ = built
    app = create_app(WebConfig(db=db, token=TOKEN, reports_dir=db.parent / "reports"))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _page(client: TestClient, path: str, status: int = 200) -> str:
    r = client.get(path)
    assert r.status_code == status, (path, r.text[:300])
    assert r.headers["content-type"].startswith("text/html"), path
    assert_security_headers(r.headers, path)
    return r.text


def test_every_page_renders_with_the_security_headers(client: TestClient,
                                                      built: tuple[Path, str]) -> None:
    _, target = built
    for path in ("/", f"/t/{target}", f"/t/{target}/backlinks", f"/t/{target}/refdomains",
                 f"/t/{target}/anchors", f"/t/{target}/audit", f"/t/{target}/authority",
                 "/jobs"):
        doc = structure(_page(client, path))
        scripts = [u for t, a, u in doc.urls if t == "script"]
        assert scripts == ["/static/table.js"], path  # no inline or foreign script
        assert all(not u.startswith(("http://", "https://", "//")) for t, a, u in doc.urls
                   if t in ("script", "link", "img")), path  # nothing from a CDN
    for path in ("/t/not..a..host", "/t/example.com/nope", "/jobs/999"):
        _page(client, path, status=400 if "not.." in path else 404)
    css = client.get("/static/web.css")
    assert css.status_code == 200 and css.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/..%2Fapp.py").status_code == 404


def test_overview_draws_the_six_charts_as_inline_svg(client: TestClient,
                                                     built: tuple[Path, str]) -> None:
    _, target = built
    text = _page(client, f"/t/{target}")
    assert text.count("<svg") == 6
    assert "<title>Anchor classes (links)</title>" in text
    assert "exact match" in text and "footer" in text  # sample-web anchor class, placement
    assert " style=" not in text  # a strict CSP forbids inline style attributes


def test_backlinks_filter_sort_paginate_and_export(client: TestClient,
                                                   built: tuple[Path, str]) -> None:
    _, target = built
    api_all = client.get(f"/api/v1/targets/{target}/backlinks", params={"per_page": 500}).json()
    total = api_all["total"]
    assert total > 60
    text = _page(client, f"/t/{target}/backlinks?per_page=25&sort=anchor&order=asc&page=2")
    assert f"{total} rows · page 2 of {-(-total // 25)}" in text
    assert 'rel="prev"' in text and 'rel="next"' in text
    footer = client.get(f"/api/v1/targets/{target}/backlinks",
                        params={"placement": "footer", "per_page": 500}).json()
    assert 0 < footer["total"] < total
    assert {row["placement"] for row in footer["items"]} == {"footer"}
    q = client.get(f"/api/v1/targets/{target}/backlinks",
                   params={"q": "forum", "sort": "source_url", "order": "asc"}).json()
    assert 0 < q["total"] < total
    sources = [row["source_url"] for row in q["items"]]
    assert sources == sorted(sources, key=str.casefold)
    r = client.get(f"/t/{target}/backlinks.csv", params={"q": "forum"})
    assert r.headers["content-disposition"].startswith("attachment")
    rows = list(csvout.read_rows(io.StringIO(r.text)))
    assert rows[0][0] == "source_url" and len(rows) - 1 == q["total"]
    js = client.get(f"/t/{target}/backlinks.json", params={"q": "forum"}).json()
    assert len(js) == q["total"]


def test_refdomains_and_anchors_tables(client: TestClient, built: tuple[Path, str]) -> None:
    _, target = built
    text = _page(client, f"/t/{target}/refdomains?sort=links&order=desc")
    assert "homeroaster-journal.example" in text
    rd = client.get(f"/t/{target}/refdomains.csv").text
    counts = [int(r["links"]) for r in csv.DictReader(io.StringIO(rd))]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 10
    text = _page(client, f"/t/{target}/anchors?q=roaster")
    assert "best home coffee roaster" in text
    followed = client.get(f"/api/v1/targets/{target}/anchors",
                          params={"follow_only": "true"}).json()
    assert all(a["followed_links"] > 0 for a in followed["items"])


def test_audit_page_and_disavow_builder(client: TestClient, built: tuple[Path, str]) -> None:
    _, target = built
    text = _page(client, f"/t/{target}/audit")
    assert "Google ignores most junk links" in text
    assert "coffee-tips-daily.example" in text and "shares analytics/ad id" in text
    only = _page(client, f"/t/{target}/audit?band=ok")
    assert "coffee-tips-daily.example" not in only.split("<tbody>")[1]
    form = {"domain": ["coffee-tips-daily.example", "brew-hacks-hub.example"],
            "keep": "brew-hacks-hub.example\n"}
    r = client.post(f"/t/{target}/disavow", data=form)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "domain:coffee-tips-daily.example" in r.text
    assert "domain:brew-hacks-hub.example" not in r.text


def test_authority_page_explains_the_score(client: TestClient, built: tuple[Path, str]) -> None:
    _, target = built
    text = _page(client, f"/t/{target}/authority")
    assert re.search(r"scores <b>\d+\.\d</b>/100 on index:domain", text)
    what_if = _page(client, f"/t/{target}/authority?if_link_from=roastersforum.example")
    assert "One more followed link from <b>roastersforum.example</b>" in what_if


def test_served_report_is_self_contained_under_a_hash_csp(client: TestClient,
                                                          built: tuple[Path, str]) -> None:
    _, target = built
    r = client.get(f"/t/{target}/report")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert report_html.style_hash() in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and r.headers["x-content-type-options"] == "nosniff"
    doc = structure(r.text)
    assert not [u for t, _a, u in doc.urls if t in ("script", "link", "img")]
    assert not any(t == "script" for t, _ in doc.tags)
    assert r.text.count("<svg") == 6 and "Top risks" in r.text and "Authority" in r.text


def test_jobs_need_the_token_and_run_one_at_a_time(client: TestClient,
                                                   built: tuple[Path, str]) -> None:
    _, target = built
    body = {"kind": "report", "params": {"target": target}}
    assert client.post("/api/v1/jobs", json=body).status_code == 401
    bad = client.post("/api/v1/jobs", json=body, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    unknown = client.post("/api/v1/jobs", json={"kind": "mine-bitcoin"}, headers=auth)
    assert unknown.status_code == 400 and "unknown job kind" in unknown.json()["detail"]
    wrong = client.post("/api/v1/jobs", json={"kind": "crawl", "params": {"seeds": []}},
                        headers=auth)
    assert wrong.status_code == 400 and "seeds" in wrong.json()["detail"]
    ids = [client.post("/api/v1/jobs", json=b, headers=auth).json()["id"] for b in (
        body, {"kind": "import", "params": {"path": "x.csv"}}, {"kind": "rank"})]
    assert client.app.state.jobs.wait_idle(120)  # type: ignore[attr-defined]
    done = {j["id"]: j for j in client.get("/api/v1/jobs").json()}
    assert done[ids[0]]["state"] == "done" and done[ids[0]]["result"]["url"]
    assert done[ids[1]]["state"] == "failed" and "without --files" in done[ids[1]]["error"]
    assert done[ids[2]]["state"] == "done"  # a failed job does not stop the worker
    spans = sorted((j["started"], j["finished"]) for j in done.values() if j["id"] in ids)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # one at a time
    rep = client.get(done[ids[0]]["result"]["url"])
    assert rep.status_code == 200 and report_html.style_hash() in rep.headers[
        "content-security-policy"]
    page = _page(client, f"/jobs/{ids[1]}")
    assert "without --files" in page
    # The form posts with the token as a field (it doubles as the CSRF defence).
    r = client.post("/jobs", data={"kind": "rank", "params": "{}", "token": "nope"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("text/html")
    r = client.post("/jobs", data={"kind": "rank", "params": "[1]", "token": TOKEN})
    assert r.status_code == 400 and "JSON object" in r.text
    r = client.post("/jobs", data={"kind": "rank", "params": "{}", "token": TOKEN},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")


def test_without_a_token_writes_are_disabled(built: tuple[Path, str]) -> None:
    db, _ = built
    app = create_app(WebConfig(db=db, token="", start_worker=False))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/jobs", json={"kind": "rank"},
                   headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "disabled" in r.json()["detail"]
        assert "Write endpoints are disabled" in c.get("/jobs").text


def test_real_server_owns_the_index_and_crawls_on_loopback(tmp_path: Path) -> None:
    """One uvicorn on a free port: pages over TCP, a second process is locked out, and a crawl
    job of the live sample web (on loopback) writes while pages keep being read."""
    import uvicorn

    from linkatlas import sample
    from linkatlas.sample.server import SampleServer

    web = sample.build(seed=7)
    db = tmp_path / "live.duckdb"
    port = free_port()
    with SampleServer(web) as site:
        config = WebConfig(db=db, token=TOKEN, allow_net=("127.0.0.0/8",),
                           address_map=site.address_map())
        server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1",
                                               port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90  # the machine is shared: starting can be slow
            while not server.started and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.started, "uvicorn did not start"
            home = httpx.get(base + "/", timeout=60)
            assert home.status_code == 200
            assert_security_headers(home.headers, "/")
            locked = subprocess.run(
                [sys.executable, "-m", "linkatlas", "stats", "--db", str(db)],
                capture_output=True, text=True, timeout=300, check=False)
            assert locked.returncode == 4 and "locked" in locked.stderr, locked.stderr
            seeds = [f"https://{s.host}/" for s in web.sites]
            job = httpx.post(base + "/api/v1/jobs", json={"kind": "crawl", "params": {
                "seeds": seeds, "name": "live", "max_pages": 60}},
                headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60).json()
            reads = 0
            deadline = time.monotonic() + 300
            state = job["state"]
            while state in ("queued", "running") and time.monotonic() < deadline:
                assert httpx.get(base + "/", timeout=60).status_code == 200
                reads += 1
                state = httpx.get(f"{base}/api/v1/jobs/{job['id']}", timeout=60).json()["state"]
            final = httpx.get(f"{base}/api/v1/jobs/{job['id']}", timeout=60).json()
            assert final["state"] == "done", (final.get("error"), final)
            assert final["result"]["pages"] > 20 and reads >= 1
            counts = httpx.get(base + "/", timeout=60).text
            assert re.search(r'<div class="n">[1-9][\d,]*</div>links', counts)
            target = web.target_host.split(".", 1)[1] if web.target_host.startswith(
                "www.") else web.target_host
            assert httpx.get(f"{base}/t/{target}", timeout=60).status_code == 200
        finally:
            server.should_exit = True
            thread.join(120)
    assert not thread.is_alive(), "uvicorn did not stop"
    # The server is gone: the index is free for any process again.
    after = subprocess.run([sys.executable, "-m", "linkatlas", "stats", "--db", str(db)],
                           capture_output=True, text=True, timeout=120, check=False)
    assert after.returncode == 0, after.stderr
    assert re.search(r"links\D+[1-9]", after.stdout), after.stdout


def test_serve_refuses_an_index_another_process_writes(built: tuple[Path, str]) -> None:
    from linkatlas.store import Index

    db, _ = built
    with Index(db):  # this test process holds the writer lock
        r = subprocess.run([sys.executable, "-m", "linkatlas", "serve", "--db", str(db),
                            "--port", str(free_port())], capture_output=True, text=True,
                           timeout=300, check=False)
    assert r.returncode == 4 and "locked" in r.stderr and "Traceback" not in r.stderr
