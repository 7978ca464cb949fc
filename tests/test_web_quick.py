"""The public quick-report form end to end: a real SMTP server (aiosmtpd) on loopback, the
sample web served on loopback and crawled, the emailed link serving the report."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("aiosmtpd", reason="aiosmtpd is in the dev extra (make test installs it)")
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from linkatlas.sample.server import SampleServer
from linkatlas.web import WebConfig, create_app
from linkatlas.web.mail import MailConfig
from linkatlas.web.quick import QuickConfig
from web_support import free_port, sample_index

ORIGIN = "https://atlas.example.org"  # the public URL, as behind a TLS proxy


class Inbox:
    """aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Parse and keep the message."""
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        self.arrived.set()
        return "250 OK"


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory,
           inbox: tuple[Inbox, int]) -> Iterator[tuple[TestClient, Any]]:
    db, _, web = sample_index(tmp_path_factory.mktemp("quick"), rank=False)
    quick = QuickConfig(mail=MailConfig(host="127.0.0.1", port=inbox[1],
                                        sender="reports@linkatlas.test"),
                        public_url="https://atlas.example.org", secret=b"k" * 32,
                        per_ip_hour=100, per_email_day=100, per_site_day=2, max_pages=4,
                        max_depth=1)
    with SampleServer(web) as server:
        config = WebConfig(db=db, allow_net=("127.0.0.0/8",),
                           address_map=server.address_map(), quick=quick)
        with TestClient(create_app(config), base_url=ORIGIN) as tc:
            yield tc, web


def _other_site(web: Any, n: int) -> str:
    """The n-th quick-to-crawl sample site other than the target (no latency, no delay)."""
    sites = [x.host for x in web.sites if x.host != web.target_host and not x.latency_ms
             and "Crawl-delay" not in (x.robots_txt or "") and x.role in ("blog", "news")]
    return str(sites[n])


def _form(tc: TestClient) -> str:
    page = tc.get("/quick")
    assert page.status_code == 200
    assert "Quick link report" in page.text and "quick_csrf" in tc.cookies
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _post(tc: TestClient, token: str, **fields: str) -> Any:
    data = {"csrf_token": token, "website": "example.com", "email": "a@example.com", **fields}
    headers = {k: v for k, v in fields.items() if k in ("origin", "sec-fetch-site")}
    for k in headers:
        data.pop(k)
    return tc.post("/quick", data=data, headers=headers)


def test_forgery_checks(client: tuple[TestClient, Any]) -> None:
    tc, _ = client
    token = _form(tc)
    evil = _post(tc, token, origin="https://evil.example")
    assert evil.status_code == 403 and "Origin header names another site" in evil.text
    # The configured public origin is ours; so is nothing else.
    assert _post(tc, token, origin="http://testserver").status_code == 403
    cross = _post(tc, token, **{"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403 and "Sec-Fetch-Site" in cross.text
    assert _post(tc, "", origin="https://atlas.example.org").status_code == 403
    # "Origin: null" (a no-referrer policy) passes only with Sec-Fetch-Site: same-origin.
    assert _post(tc, token, origin="null").status_code == 403
    assert _post(tc, token, origin="null", **{"sec-fetch-site": "none"}).status_code == 403
    assert tc.get("/quick").headers["referrer-policy"] == "same-origin"
    assert _post(tc, token.replace(".", "x.", 1)).status_code == 403
    tc.cookies.set("quick_csrf", "not-the-nonce", path="/quick")
    assert _post(tc, token).status_code == 403
    tc.cookies.clear()
    assert _post(tc, token).status_code == 403  # no cookie at all


def test_bad_input_is_answered_on_the_form(client: tuple[TestClient, Any]) -> None:
    tc, _ = client
    bad_email = _post(tc, _form(tc), email="no-at-sign.example.com", website="example.com")
    assert bad_email.status_code == 400
    assert "email: An email address must have an @-sign." in bad_email.text
    assert 'value="no-at-sign.example.com"' in bad_email.text  # what was typed is kept
    guarded = _post(tc, _form(tc), website="http://169.254.169.254/latest/")
    assert guarded.status_code == 400
    assert "website: blocked: 169.254.169.254" in guarded.text and "cloud metadata" in guarded.text


def test_report_is_crawled_built_and_mailed(client: tuple[TestClient, Any],
                                            inbox: tuple[Inbox, int]) -> None:
    tc, web = client
    host, box = web.target_host, inbox[0]
    box.messages.clear()
    box.arrived.clear()
    answer = _post(tc, _form(tc), website=host, email="Owner@Example.com",
                   origin="https://atlas.example.org", **{"sec-fetch-site": "same-origin"})
    assert answer.status_code == 202, answer.text
    assert "your report is on its way" in answer.text
    queue = tc.app.state.jobs  # type: ignore[attr-defined]
    assert queue.wait_idle(120)
    job = next(j for j in queue.jobs() if j.kind == "quick-report")
    assert job.state == "done", job.error
    # The job's public record holds neither the address nor the report's token.
    assert "Owner" not in str(job.params) and "@" not in str(job.params)
    assert job.result["mailed"] is True and job.result["crawled_pages"] >= 1
    assert box.arrived.wait(10)
    msg = box.messages[-1]
    assert msg["To"] == "Owner@example.com" and msg["From"] == "reports@linkatlas.test"
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"https://atlas\.example\.org/r/([A-Za-z0-9_-]{32})\b", body)
    assert link is not None, body
    assert link.group(1) not in str(job.result)
    report = tc.get(f"/r/{link.group(1)}")
    assert report.status_code == 200
    assert report.headers["x-robots-tag"] == "noindex, nofollow"
    for heading in ("Link report: beancraft.example", "Profile", "Top risks",
                    "Top opportunities", "Next steps"):
        assert heading in report.text
    assert report.text.count("<svg") == 2
    profile = tc.get("/api/v1/targets/beancraft.example/profile").json()
    assert f'<div class="n">{profile["refdomains"]:,}</div>referring domains' in report.text
    assert tc.get("/r/" + "A" * 32).status_code == 404
    assert tc.get("/r/..%2F..%2Fetc").status_code == 404


def test_rate_limit_per_site(client: tuple[TestClient, Any]) -> None:
    tc, web = client
    site = _other_site(web, 0)
    for _ in range(2):
        assert _post(tc, _form(tc), website=site).status_code == 202
    third = _post(tc, _form(tc), website=site)
    assert third.status_code == 429
    assert 40_000 <= int(third.headers["retry-after"]) <= 43_200
    assert "too many reports asked for this website" in third.text
    queue = tc.app.state.jobs  # type: ignore[attr-defined]
    assert queue.wait_idle(120)
    assert [j.state for j in queue.jobs()[:2]] == ["done", "done"]


def test_mail_failure_is_recorded(client: tuple[TestClient, Any]) -> None:
    tc, web = client
    state = tc.app.state.quick  # type: ignore[attr-defined]
    old = state.config
    state.config = dataclasses.replace(old, mail=MailConfig(host="127.0.0.1", port=free_port(),
                                                            timeout=5))
    try:
        assert _post(tc, _form(tc), website=_other_site(web, 1),
                     email="b@example.com").status_code == 202
        queue = tc.app.state.jobs  # type: ignore[attr-defined]
        assert queue.wait_idle(120)
    finally:
        state.config = old
    job = queue.jobs()[0]
    assert job.state == "failed"
    assert job.error.startswith("could not send the email via 127.0.0.1:")
    page = tc.get(f"/jobs/{job.id}")
    assert "could not send the email" in page.text


def test_without_a_mail_relay_the_form_takes_no_request(client: tuple[TestClient, Any]) -> None:
    tc, web = client
    state = tc.app.state.quick  # type: ignore[attr-defined]
    queue = tc.app.state.jobs  # type: ignore[attr-defined]
    old = state.config
    state.config = dataclasses.replace(old, mail=MailConfig(host=""))
    try:
        assert "cannot send email yet" in tc.get("/quick").text
        before = len(queue.jobs())
        answer = _post(tc, _form(tc), website=_other_site(web, 2), email="c@example.com")
        assert answer.status_code == 503
        assert "quick reports are off on this server" in answer.text
        assert 'value="c@example.com"' in answer.text  # what was typed is kept
        assert len(queue.jobs()) == before  # nothing crawled, nothing queued
    finally:
        state.config = old
    assert "cannot send email yet" not in tc.get("/quick").text
