"""``linkatlas verify``: the sample web and small special-case servers, all on loopback."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web as aioweb

from linkatlas import api, sample, urls
from linkatlas.errors import InputError
from linkatlas.extract import links_from_page
from linkatlas.model import Capture
from linkatlas.sample.server import SampleServer
from linkatlas.sources import verify as vmod

LOOPBACK = ["127.0.0.0/8"]


@pytest.fixture(scope="module")
def web() -> sample.SampleWeb:
    return sample.build(seed=7)


@pytest.fixture(scope="module")
def served(web: sample.SampleWeb) -> Iterator[SampleServer]:
    with SampleServer(web) as server:
        yield server


def check(server: SampleServer, url: str, to: str, **kw: object) -> vmod.Verification:
    return api.verify(url, to, allow_net=LOOPBACK, address_map=server.address_map(), **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------- the sample web


def _pages_linking(web: sample.SampleWeb, domain: str) -> list[sample.SamplePage]:
    out = []
    for page in web.pages():
        if page.status != 200 or "oversized" in page.tags or urls.host(page.url) == web.target_host:
            continue
        if any(urls.registrable_domain(urls.host(x.target_url)) == domain
               for x in page.truth if "mailto" not in x.tags):
            out.append(page)
    return out


def test_every_sample_page_linking_the_target_agrees_with_the_truth(
        web: sample.SampleWeb, served: SampleServer) -> None:
    domain = urls.registrable_domain(web.target_host)
    pages = _pages_linking(web, domain)
    assert len(pages) > 40
    for page in pages:
        truth = [x for x in page.truth if "mailto" not in x.tags and x.kind in vmod.LINK_KINDS
                 and urls.registrable_domain(urls.host(x.target_url)) == domain]
        got = check(served, page.url, domain)
        assert got.found and got.status == 200 and not got.redirected, page.url
        assert [(r.target_url, r.anchor) for r in got.links] == [
            (x.target_url, x.anchor) for x in truth], page.url
        # placement is extraction's heuristic (evaluated elsewhere): verify must pass it through
        offline = links_from_page(Capture(url=page.url, status=200, headers=page.headers,
                                          body=page.body, fetched_at=web.fetched_at))
        assert [r.placement for r in got.links] == [
            x.placement.value for x in offline.links
            if x.kind in vmod.LINK_KINDS and x.target_domain == domain], page.url
        for row, x in zip(got.links, truth, strict=True):
            blocked = set(x.rel.split()) & {"nofollow", "sponsored", "ugc"}
            assert row.passes_credit == (not blocked), (page.url, row)
            assert {f"rel {t}" for t in blocked} == set(row.reasons), (page.url, row)
        expected = "links" if any(r.passes_credit for r in got.links) else "links-no-credit"
        assert got.verdict == expected


def test_followed_content_link(web: sample.SampleWeb, served: SampleServer) -> None:
    url = "https://thecoffeenerd.example/a-week-with-a-burr-grinder-5/"
    got = check(served, url, "beancraft.example")
    assert got.verdict == "links" and got.exit_code == 0
    assert got.target == "domain:beancraft.example"
    (row,) = got.links
    assert (row.anchor, row.kind, row.placement, row.passes_credit) == ("BeanCraft", "a",
                                                                       "content", True)
    assert row.reasons == () and not row.redirect_only and "[BeanCraft]" in row.context
    assert got.issues == () and not got.noindex and not got.canonical_elsewhere


def test_sponsored_and_nofollow(served: SampleServer) -> None:
    got = check(served, "https://brewratio.example/cupping-kenya-nyeri-three-ways-1/",
                "beancraft.example")
    assert got.verdict == "links-no-credit" and got.exit_code == 1
    assert [r.reasons for r in got.links] == [("rel sponsored",)]
    got = check(served, "https://brewratio.example/5-mistakes-every-new-home-roaster-makes-2/",
                "beancraft.example")
    assert got.verdict == "links-no-credit"
    assert [(r.anchor, r.rel, r.reasons) for r in got.links] == [
        ("BeanCraft", "nofollow", ("rel nofollow",))]


def test_url_target_is_exact(served: SampleServer) -> None:
    page = "https://brewratio.example/cupping-kenya-nyeri-three-ways-1/"
    hit = check(served, page, "https://www.beancraft.example/roasters/ember-1kg")
    assert [r.target_url for r in hit.links] == ["https://www.beancraft.example/roasters/ember-1kg"]
    miss = check(served, page, "https://www.beancraft.example/roasters/ember-250")
    assert miss.verdict == "no-link" and miss.exit_code == 3 and miss.links == ()
    host_miss = check(served, page, "host:beancraft.example")  # the bare host, not www
    assert host_miss.verdict == "no-link"


def test_page_without_link(web: sample.SampleWeb, served: SampleServer) -> None:
    url = "https://coffee-guild.example/"
    assert not [x for x in web.page(url).truth if "beancraft" in x.target_url]  # type: ignore[union-attr]
    got = check(served, url, "beancraft.example")
    assert (got.verdict, got.found, got.status, got.exit_code) == ("no-link", False, 200, 3)


def test_page_redirect_chain(served: SampleServer) -> None:
    got = check(served, "https://www.beancraft.example/shop", "host:www.beancraft.example")
    assert got.redirects == ("https://www.beancraft.example/shop",
                             "https://www.beancraft.example/store/",
                             "https://www.beancraft.example/roasters/")
    assert got.redirected and got.final_url == got.redirects[-1] and got.status == 200
    assert "redirects (2 hop(s))" in got.issues[0] and got.verdict == "links"


def test_canonical_elsewhere(served: SampleServer) -> None:
    url = "https://www.beancraft.example/roasters/ember-1kg?ref=newsletter"
    got = check(served, url, "beancraft.example")
    assert got.canonical == "https://www.beancraft.example/roasters/ember-1kg"
    assert got.canonical_elsewhere and got.verdict == "links-no-credit" and got.links
    assert all(any(r.startswith("canonical points elsewhere") for r in row.reasons)
               and not row.passes_credit for row in got.links)
    plain = check(served, "https://www.beancraft.example/roasters/ember-1kg", "beancraft.example")
    assert not plain.canonical_elsewhere and plain.verdict == "links"


# ------------------------------------------------------------------- special cases


TARGET = "https://target.example/"
LINK = f'<p>Read <a href="{TARGET}">Target</a> today.</p>'


def _html(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


ROUTES: dict[str, tuple[int, dict[str, str], str]] = {
    "/plain": (200, {}, _html(LINK)),
    "/meta-nofollow": (200, {}, _html(LINK, '<meta name="robots" content="index, nofollow">')),
    "/meta-none": (200, {}, _html(LINK, '<meta name="robots" content="none">')),
    "/xrt-noindex": (200, {"X-Robots-Tag": "noindex"}, _html(LINK)),
    "/xrt-otherbot": (200, {"X-Robots-Tag": "bingbot: noindex, nofollow"}, _html(LINK)),
    "/canonical": (200, {}, _html(LINK, '<link rel="canonical" href="/plain">')),
    "/gone": (404, {}, _html(LINK)),
    "/redirector": (200, {}, _html(
        '<a href="https://out.example/r?url=https%3A%2F%2Ftarget.example%2Fpage">go</a>')),
    "/liar": (200, {}, _html('<a href="https://out.example/lie?to=https://target.example/">x</a>')),
    "/shortener": (200, {}, _html('<a href="https://bit.ly/abc">short</a>')),
    "/mixed": (200, {}, _html(LINK + '<a rel="nofollow" href="https://target.example/b">b</a>')),
    "/hop1": (301, {"Location": "/hop2"}, ""),
    "/hop2": (302, {"Location": "https://other.example/plain"}, ""),
    "/loop": (301, {"Location": "/loop"}, ""),
    "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, ""),
    **{f"/chain{i}": (301, {"Location": f"/chain{i + 1}"}, "") for i in range(7)},
}


class Special:
    """A loopback aiohttp server in a thread: ROUTES on every host, plus redirectors."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str]] = []
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, request: aioweb.Request) -> aioweb.Response:
        host = request.host.split(":")[0]
        self.requests.append((request.method, host, request.path_qs))
        if host == "out.example" and request.path == "/r":
            return aioweb.Response(status=302, headers={"Location": request.query["url"]})
        if host == "out.example" and request.path == "/lie":
            return aioweb.Response(status=302, headers={"Location": "https://elsewhere.example/"})
        if host == "bit.ly":
            if request.method == "HEAD":  # like some shorteners: HEAD refused, GET answers
                return aioweb.Response(status=405)
            return aioweb.Response(status=301, headers={"Location": "https://target.example/"})
        if host in ("target.example", "elsewhere.example"):
            return aioweb.Response(text="landing", content_type="text/html")
        status, headers, body = ROUTES.get(request.path, (404, {}, "nothing"))
        return aioweb.Response(status=status, headers={"Content-Type": "text/html", **headers},
                               body=body.encode())

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = aioweb.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = aioweb.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = aioweb.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> Special:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def address_map(self) -> dict[str, tuple[str, int]]:
        hosts = ("site.example", "other.example", "out.example", "bit.ly", "target.example",
                 "elsewhere.example")
        return {h: ("127.0.0.1", self.port) for h in hosts}

    def map_args(self) -> list[str]:
        return [a for h, (ad, p) in self.address_map().items()
                for a in ("--map-host", f"{h}={ad}:{p}")]


@pytest.fixture(scope="module")
def special() -> Iterator[Special]:
    with Special() as server:
        yield server


def sv(server: Special, path: str, to: str = "target.example", **kw: object) -> vmod.Verification:
    return api.verify(f"https://site.example{path}", to, allow_net=LOOPBACK,
                      address_map=server.address_map(), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "reason", "flag"), [
    ("/meta-nofollow", "meta robots nofollow", "nofollow"),
    ("/meta-none", "meta robots noindex (the page is not indexed)", "noindex"),
    ("/xrt-noindex", "X-Robots-Tag noindex (the page is not indexed)", "noindex"),
    ("/gone", "HTTP status 404", None),
])
def test_page_level_signals_withhold_credit(special: Special, path: str, reason: str,
                                            flag: str | None) -> None:
    got = sv(special, path)
    assert got.verdict == "links-no-credit" and got.exit_code == 1
    (row,) = got.links
    assert reason in row.reasons and not row.passes_credit and row.rel == ""
    assert any(reason.split(" (")[0] in issue for issue in got.issues)
    if flag is not None:
        assert getattr(got, flag) is True


def test_meta_none_is_both(special: Special) -> None:
    got = sv(special, "/meta-none")
    assert got.nofollow and got.noindex
    assert set(got.links[0].reasons) == {"meta robots nofollow",
                                         "meta robots noindex (the page is not indexed)"}


def test_robots_for_another_bot_do_not_count(special: Special) -> None:
    got = sv(special, "/xrt-otherbot")
    assert got.x_robots_tag == "bingbot: noindex, nofollow"
    assert got.verdict == "links" and not got.noindex and not got.nofollow


def test_canonical_elsewhere_special(special: Special) -> None:
    got = sv(special, "/canonical")
    assert got.canonical == "https://site.example/plain" and got.canonical_elsewhere
    assert got.verdict == "links-no-credit"
    assert got.links[0].reasons == ("canonical points elsewhere (https://site.example/plain)",)


def test_one_followed_link_is_enough(special: Special) -> None:
    got = sv(special, "/mixed")
    assert [r.passes_credit for r in got.links] == [True, False] and got.verdict == "links"


def test_redirector_link_is_redirect_only(special: Special) -> None:
    special.requests.clear()
    got = sv(special, "/redirector")
    assert got.verdict == "redirect-only" and got.exit_code == 1 and got.found
    (row,) = got.links
    assert row.redirect_only and row.target_url == "https://target.example/page"
    assert row.href_url.startswith("https://out.example/r?url=") and row.confirmed is None
    assert "redirect only (through out.example)" in row.reasons and not row.passes_credit
    assert not [r for r in special.requests if r[1] == "out.example"]  # not followed by default
    followed = sv(special, "/redirector", follow_redirectors=True)
    (row,) = followed.links
    assert row.confirmed is True and row.landed == "https://target.example/page"
    assert followed.verdict == "redirect-only"
    assert ("HEAD", "out.example") in [(m, h) for m, h, _ in special.requests]


def test_lying_redirector_is_refuted_when_followed(special: Special) -> None:
    assert sv(special, "/liar").verdict == "redirect-only"
    got = sv(special, "/liar", follow_redirectors=True)
    (row,) = got.links
    assert row.confirmed is False and row.landed == "https://elsewhere.example/"
    assert got.verdict == "no-link"


def test_shortener_needs_following(special: Special) -> None:
    got = sv(special, "/shortener")
    assert got.verdict == "no-link" and got.unresolved_redirectors == ("https://bit.ly/abc",)
    assert any("--follow-redirectors" in i for i in got.issues)
    followed = sv(special, "/shortener", follow_redirectors=True)
    (row,) = followed.links
    assert row.redirect_only and row.confirmed and row.landed == "https://target.example/"
    assert followed.verdict == "redirect-only"


def test_redirect_hops_and_limits(special: Special) -> None:
    got = sv(special, "/hop1", to="host:other.example")
    assert got.redirects == ("https://site.example/hop1", "https://site.example/hop2",
                             "https://other.example/plain")
    # the final page links to target.example, not to other.example
    assert got.final_url == "https://other.example/plain" and got.verdict == "no-link"
    assert sv(special, "/hop1").verdict == "links"
    five = sv(special, "/chain2")  # chain2 -> chain7 is five hops, then 404
    assert five.verdict != "fetch-failed" and len(five.redirects) == 6
    six = sv(special, "/chain1")
    assert six.verdict == "fetch-failed" and "more than 5 redirects" in six.error
    loop = sv(special, "/loop")
    assert loop.verdict == "fetch-failed" and "loop" in loop.error and loop.exit_code == 5


def test_redirect_into_blocked_address_is_refused(special: Special) -> None:
    got = sv(special, "/to-metadata")
    assert got.verdict == "fetch-failed" and got.error.startswith("blocked: 169.254.169.254")


def test_unit_helpers() -> None:
    assert vmod.embedded_urls("https://l.example/?u=https%253A%252F%252Ft.example%252F") == [
        "https://t.example/"]
    assert vmod.embedded_urls("https://href.example/?https://t.example/x") == [
        "https://t.example/x"]
    assert vmod.embedded_urls("https://x.example/?page=https://t.example/") == []
    assert vmod.header_directives("googlebot: noindex, otherbot: nofollow") == {"noindex"}
    with pytest.raises(InputError):
        api.verify("https://site.example/", "")


# ------------------------------------------------------------------- the command


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linkatlas", "verify", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_cli_exit_codes_and_json(special: Special) -> None:
    base = ["--allow-net", "127.0.0.0/8", *special.map_args()]
    codes = {path: run(f"https://site.example{path}", "--to", "target.example", *base).returncode
             for path in ("/plain", "/meta-nofollow", "/redirector")}
    assert codes == {"/plain": 0, "/meta-nofollow": 1, "/redirector": 1}
    none = run("https://site.example/plain", "--to", "nowhere.example", *base, "-f", "json")
    assert none.returncode == 3
    data = json.loads(none.stdout)
    assert data["verdict"] == "no-link" and data["exit_code"] == 3 and data["links"] == []
    full = run("https://site.example/xrt-noindex", "--to", "target.example", *base,
               "--format", "json")
    data = json.loads(full.stdout)
    assert {"page_url", "final_url", "status", "target", "verdict", "found", "links", "issues",
            "redirects", "redirected", "noindex", "canonical", "error"} <= set(data)
    (row,) = data["links"]
    assert row["anchor"] == "Target" and row["passes_credit"] is False
    assert row["reasons"] == ["X-Robots-Tag noindex (the page is not indexed)"]
    assert {"target_url", "kind", "rel", "placement", "redirect_only"} <= set(row)
    assert row["context"] == "Read [Target] today."


def test_cli_blocked_without_allow_net(special: Special) -> None:
    special.requests.clear()
    direct = run(f"http://127.0.0.1:{special.port}/plain", "--to", "target.example")
    assert direct.returncode == 5 and direct.stdout == ""
    assert direct.stderr.count("\n") == 1 and "blocked: 127.0.0.1 is loopback" in direct.stderr
    mapped = run("https://site.example/plain", "--to", "target.example", *special.map_args())
    assert mapped.returncode == 5 and "blocked" in mapped.stderr
    assert special.requests == []  # nothing reached the server
    usage = run("https://site.example/plain", "--to", "")
    assert usage.returncode == 2 and "empty target" in usage.stderr


def test_cli_table(special: Special) -> None:
    res = run("https://site.example/meta-nofollow", "--to", "target.example", "--allow-net",
              "127.0.0.0/8", *special.map_args())
    assert "links, no credit" in res.stdout and "meta robots nofollow" in res.stdout
