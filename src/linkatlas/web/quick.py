"""The public quick-report form: ask for a website's link report, get a private link by email.

GET ``/quick`` shows the form with a CSRF token; POST ``/quick`` answers 503 while no mail relay
is configured (the report could not be sent), then checks, in order: the token
(``web.csrf``), ``Origin`` and ``Sec-Fetch-Site`` (403), the email (``email-validator``, syntax
only: no DNS), the website (``linkatlas.urls`` and the crawler's request-forgery guard) (400),
then the rate limits per client address, email and site (429 with ``Retry-After``), and queues
a ``quick-report`` job (``web.quick_job``) that crawls a bounded slice of the site, builds the
report, stores it under ``/r/<token>`` and emails the link. The email and the report's token
never appear in the job's parameters (the jobs pages are public): the job carries an opaque
request id that the form's in-memory ``QuickState`` maps to them.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import email_validator
from fastapi import APIRouter, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from linkatlas import urls
from linkatlas.errors import BlockedURLError, InputError
from linkatlas.sources.guard import check_url, parse_allow_net
from linkatlas.web import csrf
from linkatlas.web.mail import MailConfig
from linkatlas.web.ratelimit import Rate, RateLimiter, check_all

router = APIRouter(include_in_schema=False)

HOUR, DAY = 3600.0, 86400.0
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
SAFE_FETCH_SITES = frozenset({"same-origin", "none"})
MAIL_OFF = ("quick reports are off on this server: it has no mail relay to send them with "
            "(the operator sets smtp_host)")


@dataclasses.dataclass(frozen=True, slots=True)
class QuickConfig:
    """The form's settings (``from_settings`` reads them from the settings table)."""

    mail: MailConfig = dataclasses.field(default_factory=MailConfig)
    public_url: str = ""
    secret: bytes = b""
    per_ip_hour: int = 10
    per_email_day: int = 3
    per_site_day: int = 5
    max_pages: int = 30
    max_depth: int = 2

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> QuickConfig:
        """The form's settings from resolved settings (``linkatlas.settings.load()``)."""
        mail = MailConfig(host=str(values["smtp_host"]), port=int(values["smtp_port"]),
                          sender=str(values["smtp_from"]), starttls=bool(values["smtp_starttls"]),
                          user=str(values["smtp_user"]), password=str(values["smtp_password"]))
        return cls(mail=mail, public_url=str(values["public_url"]).rstrip("/"),
                   secret=str(values["quick_secret"]).encode("utf-8"),
                   per_ip_hour=int(values["quick_per_ip_hour"]),
                   per_email_day=int(values["quick_per_email_day"]),
                   per_site_day=int(values["quick_per_site_day"]),
                   max_pages=int(values["quick_max_pages"]),
                   max_depth=int(values["quick_max_depth"]))


@dataclasses.dataclass(frozen=True, slots=True)
class Pending:
    """What a queued quick report needs beyond its job parameters (kept out of them)."""

    email: str
    token: str
    base_url: str


class QuickState:
    """The form's per-process state: secret, rate limits, requests waiting for their job."""

    def __init__(self, config: QuickConfig) -> None:
        self.config = config
        # A random secret when none is configured: tokens then last as long as the process.
        self.secret = config.secret or secrets.token_bytes(32)
        self.by_ip = RateLimiter("client address", Rate(config.per_ip_hour, HOUR))
        self.by_email = RateLimiter("email address", Rate(config.per_email_day, DAY))
        self.by_site = RateLimiter("website", Rate(config.per_site_day, DAY))
        self._pending: dict[str, Pending] = {}
        self._lock = threading.Lock()

    def add(self, pending: Pending) -> str:
        """Remember a request; the opaque id its job carries."""
        ref = secrets.token_urlsafe(12)
        with self._lock:
            self._pending[ref] = pending
        return ref

    def pop(self, ref: str) -> Pending | None:
        """The request of a job (once)."""
        with self._lock:
            return self._pending.pop(ref, None)


def quick_dir(db: Path, reports_dir: Path | None) -> Path:
    """Where quick reports are stored: ``quick/`` in the reports folder."""
    return (reports_dir or db.parent / "reports") / "quick"


def own_origin(request: Request, config: QuickConfig) -> str:
    """The app's origin: the configured public URL's, else the one the request addressed."""
    if config.public_url:
        parts = urlsplit(config.public_url)
        return f"{parts.scheme}://{parts.netloc}".lower()
    return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}".lower()


def check_email(text: str) -> str:
    """The normalised address, or InputError saying what is wrong (no DNS lookups)."""
    try:
        found = email_validator.validate_email(text.strip(" "), check_deliverability=False,
                                                strict=True)
    except email_validator.EmailNotValidError as exc:
        raise InputError(f"email: {exc}") from exc
    return str(found.normalized)


def check_site(text: str, allow_net: tuple[str, ...]) -> tuple[str, str]:
    """(home page URL, registrable domain) of a website the guard lets the crawler fetch."""
    value = text.strip()
    if not value:
        raise InputError("website: give a domain or an address such as https://example.com/")
    if "://" not in value:
        value = "https://" + value
    parts = urls.parts(value)
    if parts is None or not parts.hostname:
        raise InputError(f"website: {text.strip()[:100]!r} is not a web address")
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    try:
        # Only the home page: a path, query or credentials in the text are dropped.
        checked = check_url(f"{parts.protocol}//{netloc}/", parse_allow_net(allow_net))
    except BlockedURLError as exc:
        raise InputError(f"website: {exc}") from exc
    return checked.url, urls.registrable_domain(checked.host)


def _state(request: Request) -> QuickState:
    state: QuickState = request.app.state.quick
    return state


def _form(request: Request, status: int = 200, *, error: str = "", website: str = "",
          email: str = "", headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The form with a fresh CSRF token and its cookie."""
    state = _state(request)
    nonce, token = csrf.issue(state.secret)
    template = request.app.state.templates.get_template("quick.html")
    page = HTMLResponse(template.render(request=request, token=token, error=error,
                                        website=website, email=email, config=state.config),
                        status_code=status, headers=headers)
    page.headers["cache-control"] = "no-store"
    # Under the site-wide no-referrer policy the browser would send "Origin: null" with the
    # form; same-origin lets it name our origin to us, and still to nobody else.
    page.headers["referrer-policy"] = "same-origin"
    page.set_cookie(csrf.COOKIE, nonce, httponly=True, samesite="strict", path="/quick",
                    secure=request.url.scheme == "https" or
                    state.config.public_url.startswith("https:"))
    return page


@router.get("/quick", response_class=HTMLResponse)
def quick_form(request: Request) -> HTMLResponse:
    """The public form: a website and an email address."""
    return _form(request)


def _forbidden(request: Request, reason: str) -> HTMLResponse:
    template = request.app.state.templates.get_template("error.html")
    return HTMLResponse(template.render(request=request, status=403, message=reason),
                        status_code=403)


@router.post("/quick", response_class=HTMLResponse)
def quick_submit(request: Request, website: Annotated[str, Form(max_length=2000)] = "",
                 email: Annotated[str, Form(max_length=320)] = "",
                 csrf_token: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    """Check everything, rate-limit, queue the job, thank the person."""
    state = _state(request)
    if not state.config.mail.host:
        # Refused before any work: the job would crawl and build the report, then fail to
        # send it, after the person was told it is on its way.
        return _form(request, 503, error=MAIL_OFF, website=website, email=email)
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() not in SAFE_FETCH_SITES:
        return _forbidden(request, "this form only accepts submissions from its own page "
                                   f"(Sec-Fetch-Site: {fetch_site[:40]})")
    # "null" is what a browser sends under a no-referrer policy (a privacy setting can force
    # it); it names no other site, so it passes only when Sec-Fetch-Site says same-origin.
    null_ok = origin == "null" and (fetch_site or "").lower() == "same-origin"
    if origin is not None and not null_ok and origin.lower() != own_origin(request,
                                                                           state.config):
        return _forbidden(request, "this form only accepts submissions from its own page "
                                   "(the Origin header names another site)")
    if not csrf.valid(state.secret, request.cookies.get(csrf.COOKIE, ""), csrf_token):
        return _forbidden(request, "the form expired or was not sent from this site: "
                                   "reload the form and send it again")
    try:
        address = check_email(email)
        home, domain = check_site(website, request.app.state.config.allow_net)
    except InputError as exc:
        return _form(request, 400, error=str(exc), website=website, email=email)
    client = request.client.host if request.client else "unknown"
    over = check_all([(state.by_ip, client), (state.by_email, address.lower()),
                      (state.by_site, domain)])
    if over is not None:
        name, wait = over
        return _form(request, 429, error=f"too many reports asked for this {name}: try again "
                     f"in {_duration(wait)}", website=website, email=email,
                     headers={"retry-after": str(wait)})
    base = state.config.public_url or own_origin(request, state.config)
    ref = state.add(Pending(email=address, token=secrets.token_urlsafe(24), base_url=base))
    job = request.app.state.jobs.submit("quick-report", {"site": home, "ref": ref})
    template = request.app.state.templates.get_template("quick_thanks.html")
    return HTMLResponse(template.render(request=request, site=domain, email=address,
                                        job=job), status_code=202)


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"


@router.get("/r/{token}", response_class=HTMLResponse)
def quick_report(request: Request, token: str) -> Response:
    """A stored quick report, by its unguessable token."""
    config = request.app.state.config
    path = quick_dir(config.db, config.reports_dir) / f"{token}.html"
    if not TOKEN_RE.match(token) or not path.is_file():
        raise HTTPException(404, "no such report (the link may be mistyped)")
    return HTMLResponse(path.read_text(encoding="utf-8"), headers={
        "cache-control": "private, no-store", "x-robots-tag": "noindex, nofollow"})


def install(app: FastAPI, config: QuickConfig) -> None:
    """Add the form, the report route and the ``quick-report`` job kind to ``app``."""
    from linkatlas.web.quick_job import register

    app.state.quick = QuickState(config)
    app.include_router(router)
    register(app.state.jobs, app.state.quick)
