"""Crawler benchmark (issue 3, point 9): linkatlas against Scrapy on a served web, same run.

One bench web of ``--hosts`` sites (``--posts`` posts each, plus home, archive, about, contact
and privacy pages, one broken link and one robots.txt-disallowed link per site; about 12.6 KB and
61 links a page) is generated here and served by a small aiohttp server in its own process,
with 20 ms of latency on every response, routed by Host header on 127.0.0.1. No host has a
Crawl-delay and none is slow, so the politeness settings below are the only ones in force.

Each crawler runs in its own process too, so its CPU time (user + sys, every thread) is
measured alone, between the start and the end of its crawl:

* linkatlas: ``api.crawl`` into a fresh DuckDB file (fetch, extraction with placement and
  context, storage), ``min_delay=D``, ``per_host_concurrency=1``, ``global_concurrency=C``,
  sitemaps off (the bench sites have none), hosts reached through ``address_map``.
* Scrapy: a Spider that extracts every link of every page with ``LinkExtractor``, yields one
  item (source, url, anchor) per link into a JSON-lines feed and follows the in-scope ones;
  ``DOWNLOAD_DELAY=D``, no jitter,
  ``CONCURRENT_REQUESTS_PER_DOMAIN=1``, ``CONCURRENT_REQUESTS=C``, ``ROBOTSTXT_OBEY=True``,
  AutoThrottle off, cookies off. Hosts are reached by a download handler for ``https`` that
  sends the request as plain HTTP to 127.0.0.1:PORT with the original Host header and hands
  back the response under the original URL (the mirror of linkatlas's ``address_map``, at the
  same layer: slots, robots.txt, dedup and link resolution all see ``https://host/path``).

Politeness is checked from the server's log of each run: the most requests in flight to one
host, the shortest gap between two request starts to one host, and the shortest gap between
the end of a response and the next request to that host.

Results are printed and written into bench/README.md between the CRAWL markers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CONTROL_HOST = "bench-control.invalid"
LATENCY_S = 0.020
POSTS_PER_ARCHIVE = 20


def _split(words: str) -> list[str]:
    return words.split()


_WORDS = _split("roast bean crack first second light dark medium origin ethiopia kenya "
          "brazil colombia guatemala drum air popper heat gun cooling tray chaff "
          "collector profile curve rate "
          "rise development time maillard caramel acidity body sweetness aroma grinder burr "
          "espresso filter pourover kettle scale ratio bloom extraction yield water hardness "
          "storage degassing valve bag jar freshness week blend single estate washed natural "
          "honey process altitude variety bourbon typica gesha harvest green moisture density "
          "sample batch log thermometer probe fan speed power gas electric ventilation smoke "
          "the a of and to in for with on at from by is are was be this that it as")
_ADJ = _split("amber bright copper dusky ember fresh golden hearty ivory jolly kindly "
              "lively mellow noble olive plucky quiet rustic sunny tawny umber velvet warm")
_NOUN = _split("bean brew cup drum grind kettle ladle mill pot roast scoop tamp")


def host_names(n: int) -> list[str]:
    """``n`` distinct bench host names, the same for every run."""
    return [f"{_ADJ[i % len(_ADJ)]}-{_NOUN[i % len(_NOUN)]}{i:02d}.example" for i in range(n)]


_STYLE = "".join(f".c{i} {{ margin: {i}px; color: #{i * 4099 % 0xffffff:06x}; }}\n"
                 for i in range(40))


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _page(title: str, host: str, path: str, nav: str, main: str, aside: str, foot: str) -> bytes:
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta name="description" content="{title} - notes on home coffee roasting">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="https://{host}{path}">
<link rel="stylesheet" href="/static/site.css">
<style>{_STYLE}</style>
<script src="/static/site.js" defer></script>
</head><body>
<header class="site-header"><a class="logo" href="/">{host}</a>
<nav class="main-nav"><ul>{nav}</ul></nav></header>
<div class="layout"><main id="content"><article class="post">
{main}
</article></main>
<aside class="sidebar"><h3>Related</h3><ul>{aside}</ul></aside></div>
<footer class="site-footer">{foot}<p>&copy; 2026 {host}</p></footer>
</body></html>
"""
    return html.encode()


def build_web(hosts: list[str], posts: int, seed: int = 3) -> dict[tuple[str, str], bytes]:
    """Every page of the bench web: (host, path) -> HTML body (robots.txt included)."""
    rng = random.Random(seed)
    pages: dict[tuple[str, str], bytes] = {}
    archives = -(-posts // POSTS_PER_ARCHIVE)
    for host in hosts:
        nav = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in (
            ("/", "Home"), ("/archive/1", "Archive"), ("/about", "About"),
            ("/contact", "Contact"), ("https://twitter.com/" + host.split(".")[0], "Twitter"),
            ("https://github.com/" + host.split(".")[0], "GitHub")))
        foot = ('<p><a href="/privacy">Privacy</a> | <a href="/private/admin">Admin</a> | '
                '<a href="/old-page">Old page</a> | '
                '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY</a> '
                '| <a href="https://www.wordpress.org/" rel="nofollow">WordPress</a></p>')
        pages[(host, "/robots.txt")] = (b"User-agent: *\nDisallow: /private/\n"
                                        b"Disallow: /search\n")
        titles = [_text(rng, 5).title() for _ in range(posts)]
        popular = "<h3>Popular</h3>" + "".join(
            f'<li><a href="/post/{j}">{titles[j]}</a></li>' for j in rng.sample(range(posts), 10))

        def share(i: int, host: str = host) -> str:
            url = f"https%3A%2F%2F{host}%2Fpost%2F{i}"
            return ('<div class="share">' + " ".join(
                f'<a href="https://{net}/share?url={url}" rel="nofollow noopener">{net}</a>'
                for net in ("www.facebook.com", "twitter.com", "www.linkedin.com",
                            "www.reddit.com", "pinterest.com")) + "</div>")

        for i in range(posts):
            paras = []
            for _ in range(9):
                bits = [_text(rng, rng.randint(25, 50))]
                for _ in range(3):
                    kind = rng.random()
                    if kind < 0.45:
                        j = rng.randrange(posts)
                        link = f'<a href="/post/{j}">{titles[j].lower()}</a>'
                    elif kind < 0.75:
                        other = rng.choice(hosts)
                        link = (f'<a href="https://{other}/post/{rng.randrange(posts)}">'
                                f'{_text(rng, 3)}</a>')
                    else:
                        word = rng.choice(_WORDS)
                        link = (f'<a href="https://en.wikipedia.org/wiki/{word.title()}" '
                                f'rel="noopener">{word}</a>')
                    bits += [link, _text(rng, rng.randint(15, 35))]
                paras.append("<p>" + " ".join(bits) + ".</p>")
            paras.insert(3, f'<figure><img src="/img/p{i}.jpg" alt="{titles[i]}"></figure>')
            main = (f'<h1>{titles[i]}</h1><p class="meta">Posted in <a href="/archive/'
                    f'{i // POSTS_PER_ARCHIVE + 1}">archive</a></p>' + "\n".join(paras)
                    + f'<p class="next"><a href="/post/{(i + 1) % posts}">Next post</a></p>')
            aside = "".join(f'<li><a href="/post/{j}">{titles[j]}</a></li>'
                            for j in rng.sample(range(posts), 8))
            pages[(host, f"/post/{i}")] = _page(titles[i], host, f"/post/{i}", nav, main,
                                                aside + popular, foot + share(i))
        for a in range(1, archives + 1):
            chunk = range((a - 1) * POSTS_PER_ARCHIVE, min(posts, a * POSTS_PER_ARCHIVE))
            items = "".join(f'<li><h2><a href="/post/{j}">{titles[j]}</a></h2>'
                            f"<p>{_text(rng, 30)}</p></li>" for j in chunk)
            pager = " ".join(f'<a href="/archive/{b}">{b}</a>' for b in range(1, archives + 1))
            pages[(host, f"/archive/{a}")] = _page(
                f"Archive page {a}", host, f"/archive/{a}", nav,
                f"<h1>Archive, page {a}</h1><ul>{items}</ul><p class='pager'>{pager}</p>",
                "", foot)
        pager = "".join(f'<li><a href="/archive/{b}">Archive page {b}</a></li>'
                        for b in range(1, archives + 1))
        latest = "".join(f'<li><a href="/post/{j}">{titles[j]}</a></li>'
                         for j in range(min(10, posts)))
        pages[(host, "/")] = _page(f"{host} home", host, "/", nav,
                                   f"<h1>Welcome</h1><p>{_text(rng, 80)}</p><ul>{latest}</ul>",
                                   pager, foot)
        for path in ("/about", "/contact", "/privacy"):
            pages[(host, path)] = _page(path[1:].title(), host, path, nav,
                                        f"<h1>{path[1:].title()}</h1><p>{_text(rng, 120)}</p>",
                                        "", foot)
    return pages


# --- the server (its own process) ----------------------------------------------------------


def serve(hosts: int, posts: int) -> None:
    """Serve the bench web on 127.0.0.1 until stdin closes; prints the port first."""
    from aiohttp import web

    pages = build_web(host_names(hosts), posts)
    log: list[tuple[float, float, str, str, int]] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        start = time.monotonic()
        host = request.headers.get("Host", "").split(":")[0].lower()
        if host == CONTROL_HOST:  # the bench's own channel: hand over the log and clear it
            body = json.dumps(log)
            log.clear()
            return web.Response(text=body, content_type="application/json")
        await asyncio.sleep(LATENCY_S)
        body_ = pages.get((host, request.raw_path))
        if body_ is None:
            resp = web.Response(status=404, text="<html><body><h1>Not found</h1></body></html>",
                                content_type="text/html")
        elif request.raw_path == "/robots.txt":
            resp = web.Response(body=body_, content_type="text/plain")
        else:
            resp = web.Response(body=body_, content_type="text/html", charset="utf-8")
        await resp.prepare(request)
        await resp.write_eof()
        log.append((start, time.monotonic(), host, request.raw_path, resp.status))
        return resp

    async def main() -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = runner.addresses[0][1]
        print(port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)  # ends when the parent closes stdin
        await runner.cleanup()

    asyncio.run(main())


def fetch_log(port: int) -> list[tuple[float, float, str, str, int]]:
    """The server's request log since the last call (and clear it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/log", headers={"Host": CONTROL_HOST})
    data = json.loads(conn.getresponse().read())
    conn.close()
    return [tuple(e) for e in data]  # type: ignore[misc]


def politeness(log: list[tuple[float, float, str, str, int]]) -> dict[str, Any]:
    """Max in flight per host, min start-to-start and end-to-start gaps per host (ms)."""
    by_host: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for start, end, host, _, _ in log:
        by_host[host].append((start, end))
    max_inflight, min_start, min_after_end = 0, float("inf"), float("inf")
    for reqs in by_host.values():
        reqs.sort()
        events = sorted([(s, 1) for s, _ in reqs] + [(e, -1) for _, e in reqs],
                        key=lambda x: (x[0], x[1]))
        now = 0
        for _, step in events:
            now += step
            max_inflight = max(max_inflight, now)
        for (s0, e0), (s1, _) in itertools.pairwise(reqs):
            min_start = min(min_start, s1 - s0)
            min_after_end = min(min_after_end, s1 - e0)
    return {"hosts": len(by_host), "max_inflight": max_inflight,
            "min_start_gap_ms": min_start * 1000, "min_end_gap_ms": min_after_end * 1000}


# --- the crawlers (each in its own process) ------------------------------------------------


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return ru.ru_utime + ru.ru_stime


def run_linkatlas(port: int, hosts: int, delay: float, conc: int, out: Path) -> dict[str, Any]:
    """One api.crawl of the bench web into a fresh DuckDB file."""
    sys.path.insert(0, str(ROOT / "src"))
    from linkatlas import api

    names = host_names(hosts)
    amap = {h: ("127.0.0.1", port) for h in names}
    cpu0, t0 = _cpu(), time.perf_counter()
    report = api.crawl([f"https://{h}/" for h in names], db=out / "bench.duckdb",
                       name="bench", allow_net=["127.0.0.0/8"], address_map=amap,
                       min_delay=delay, per_host_concurrency=1, global_concurrency=conc,
                       max_pages=0, max_depth=10, sitemaps=False)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    return {"pages": report.stats.pages, "links": report.stats.links, "wall": wall, "cpu": cpu,
            "robots_blocked": report.stats.blocked_robots}


def run_scrapy(port: int, hosts: int, delay: float, conc: int, out: Path) -> dict[str, Any]:
    """One Scrapy crawl of the bench web, items (one per link) into a JSON-lines feed."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response
    from scrapy.linkextractors import LinkExtractor
    from scrapy.settings import default_settings

    names = host_names(hosts)
    in_scope = frozenset(names)

    class BenchSpider(scrapy.Spider):
        name = "bench"
        allowed_domains = tuple(names)
        start_urls = tuple(f"https://{h}/" for h in names)
        extractor = LinkExtractor(unique=False)

        async def start(self) -> Any:  # Scrapy >= 2.13
            for request in self.start_requests():
                yield request

        def start_requests(self) -> Any:
            # the default start requests skip the dupe filter: the home page would be
            # fetched a second time when a page links to it
            for url in self.start_urls:
                yield scrapy.Request(url, callback=self.parse)

        def parse(self, response: Response) -> Any:
            source = response.url
            for link in self.extractor.extract_links(response):
                yield {"source": source, "url": link.url, "anchor": link.text,
                       "nofollow": link.nofollow}
                if urlsplit(link.url).hostname in in_scope:
                    yield response.follow(link.url, callback=self.parse)

    settings: dict[str, Any] = {
        "DOWNLOAD_DELAY": delay,
        # Scrapy 2.19 with its default asyncio reactor starts a slot's whole queue at once
        # when DOWNLOAD_DELAY is 0 (tasks are created before they mark themselves as
        # transferring), ignoring CONCURRENT_REQUESTS_PER_DOMAIN; the epoll reactor runs them
        # eagerly and keeps the limit, as the server log of each run shows.
        "TWISTED_REACTOR": "twisted.internet.epollreactor.EPollReactor",
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "CONCURRENT_REQUESTS": conc,
        "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": False, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "WARNING", "DEPTH_LIMIT": 10,
        "USER_AGENT": "linkatlas-bench-scrapy/0.1 (+https://github.com/linkatlas/linkatlas)",
        "DOWNLOAD_HANDLERS": {"https": "crawl.LoopbackHandler"},  # bench/ is on sys.path
        "BENCH_PORT": port,
        "FEEDS": {str(out / "items.jsonl"): {"format": "jsonlines"}},
    }
    if hasattr(default_settings, "DOWNLOAD_DELAY_JITTER"):  # Scrapy >= 2.19
        settings["DOWNLOAD_DELAY_JITTER"] = 0
    else:
        settings["RANDOMIZE_DOWNLOAD_DELAY"] = False
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    cpu0, t0 = _cpu(), time.perf_counter()
    process.crawl(crawler)
    process.start()
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    items = stats.get("item_scraped_count", 0)
    pages = stats.get("response_received_count", 0) - stats.get(
        "robotstxt/response_count", 0)
    return {"pages": pages, "links": items, "wall": wall, "cpu": cpu,
            "robots_blocked": stats.get("robotstxt/forbidden", 0)}


def _loopback_handler() -> type:
    """The Scrapy download handler class (defined lazily: Scrapy is imported only when used)."""
    from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
    from scrapy.http import Request, Response

    class Handler(HTTP11DownloadHandler):
        """https://host/path is sent as http://127.0.0.1:PORT/path with Host: host."""

        def __init__(self, crawler: Any) -> None:
            super().__init__(crawler)
            self._port = crawler.settings.getint("BENCH_PORT")
            # every host shares one address here; keep a keep-alive connection per host,
            # as on the real web (Scrapy keys its pool by address: one slot by default)
            self._pool.maxPersistentPerHost = crawler.settings.getint("CONCURRENT_REQUESTS")

        async def download_request(self, request: Request) -> Response:
            scheme_end = request.url.index("//") + 2
            slash = request.url.find("/", scheme_end)
            netloc = request.url[scheme_end:slash if slash >= 0 else None]
            path = request.url[slash:] if slash >= 0 else "/"
            wire = request.replace(url=f"http://127.0.0.1:{self._port}{path}")
            wire.headers["Host"] = netloc
            response = await super().download_request(wire)
            return response.replace(url=request.url, request=request)

    return Handler


def __getattr__(name: str) -> Any:  # Scrapy loads the handler by dotted path
    if name == "LoopbackHandler":
        return _loopback_handler()
    raise AttributeError(name)


def child(args: argparse.Namespace) -> None:
    """Run one crawler and print its figures as one JSON line."""
    out = Path(args.out)
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # Scrapy imports crawl.py by name
    runner = run_linkatlas if args.crawler == "linkatlas" else run_scrapy
    result = runner(args.port, args.hosts, args.delay, args.conc, out)
    print("RESULT " + json.dumps(result), flush=True)


# --- the orchestrator ----------------------------------------------------------------------


def run_child(crawler: str, port: int, hosts: int, delay: float, conc: int) -> dict[str, Any]:
    """Run one crawler in a subprocess; its figures plus the whole process's CPU (wait4)."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{crawler}-") as tmp:
        cmd = [sys.executable, str(Path(__file__).resolve()), "child", crawler,
               "--port", str(port), "--hosts", str(hosts), "--delay", str(delay),
               "--conc", str(conc), "--out", tmp]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in output.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode != 0 or not lines:
            raise SystemExit(f"{crawler} failed (exit {proc.returncode}):\n{output}")
        result: dict[str, Any] = json.loads(lines[-1][7:])
        result["cpu_process"] = usage.ru_utime + usage.ru_stime
        return result


def start_server(hosts: int, posts: int) -> tuple[subprocess.Popen[str], int]:
    """The bench web's server in its own process, and its port."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve",
                             "--hosts", str(hosts), "--posts", str(posts)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        proc.kill()
        raise SystemExit(f"bench server did not start: {line!r}")
    return proc, int(line)


def main(argv: list[str] | None = None) -> None:
    """Run every configuration for both crawlers, print the table, update bench/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd")
    p_serve = sub.add_parser("serve")
    p_child = sub.add_parser("child")
    p_child.add_argument("crawler", choices=("linkatlas", "scrapy"))
    for p in (p_serve, p_child, parser):
        p.add_argument("--hosts", type=int, default=24)
    for p in (p_serve, parser):
        p.add_argument("--posts", type=int, default=100, help="posts per host")
    p_child.add_argument("--port", type=int, required=True)
    p_child.add_argument("--delay", type=float, required=True)
    p_child.add_argument("--conc", type=int, required=True)
    p_child.add_argument("--out", required=True)
    parser.add_argument("--delays", default="0.1,0", help="min delays D to run, seconds")
    parser.add_argument("--conc", type=int, default=32, help="global concurrency C")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/README.md")
    args = parser.parse_args(argv)
    if args.cmd == "serve":
        serve(args.hosts, args.posts)
        return
    if args.cmd == "child":
        child(args)
        return

    server, port = start_server(args.hosts, args.posts)
    rows: list[dict[str, Any]] = []
    try:
        for delay in (float(d) for d in args.delays.split(",")):
            for crawler in ("scrapy", "linkatlas"):
                fetch_log(port)  # start from an empty log
                res = run_child(crawler, port, args.hosts, delay, args.conc)
                log = fetch_log(port)
                res.update(politeness(log), crawler=crawler, delay=delay, conc=args.conc,
                           requests=len(log),
                           served_pages=sum(1 for e in log if e[3] != "/robots.txt"))
                rows.append(res)
                print(_row(res), flush=True)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)
    text = report(rows, args)
    print(text)
    if not args.no_write:
        readme = ROOT / "bench" / "README.md"
        doc = readme.read_text()
        start, end = "<!-- CRAWL -->", "<!-- /CRAWL -->"
        head, _, rest = doc.partition(start)
        _, _, tail = rest.partition(end)
        readme.write_text(head + start + "\n" + text + end + tail)


def _row(r: dict[str, Any]) -> str:
    return (f"{r['crawler']:9} D={r['delay']:<4} pages={r['pages']} served={r['served_pages']} "
            f"wall={r['wall']:.2f}s pages/s={r['pages'] / r['wall']:.1f} "
            f"cpu/page={1000 * r['cpu'] / max(1, r['pages']):.2f}ms "
            f"inflight={r['max_inflight']} gap={r['min_start_gap_ms']:.1f}/"
            f"{r['min_end_gap_ms']:.1f}ms")


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """The markdown results: one table, then the ratios per configuration."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Run {now} on {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}: {args.hosts} hosts x ({args.posts} posts + "
             f"{-(-args.posts // POSTS_PER_ARCHIVE) + 4} other pages), "
             f"{int(LATENCY_S * 1000)} ms latency, one run each.", "",
             "| D (s) | C | crawler | pages | requests served | links | wall s | pages/s "
             "| CPU ms/page | CPU ms/page, whole process | max in flight/host "
             "| min gap start-start ms | min gap end-start ms |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['delay']:g} | {r['conc']} | {r['crawler']} | {r['pages']:,} | "
            f"{r['requests']:,} | {r['links']:,} | {r['wall']:.2f} | "
            f"{r['pages'] / r['wall']:.0f} | {1000 * r['cpu'] / max(1, r['pages']):.2f} | "
            f"{1000 * r['cpu_process'] / max(1, r['pages']):.2f} | {r['max_inflight']} | "
            f"{r['min_start_gap_ms']:.1f} | {r['min_end_gap_ms']:.1f} |")
    lines += ["", "| D (s) | throughput linkatlas/Scrapy | CPU per page linkatlas/Scrapy "
              "| pages linkatlas - Scrapy |", "|---|---|---|---|"]
    for delay in dict.fromkeys(r["delay"] for r in rows):
        by = {r["crawler"]: r for r in rows if r["delay"] == delay}
        if len(by) < 2:
            continue
        la, sc = by["linkatlas"], by["scrapy"]
        tput = (la["pages"] / la["wall"]) / (sc["pages"] / sc["wall"])
        cpu = (la["cpu"] / max(1, la["pages"])) / (sc["cpu"] / max(1, sc["pages"]))
        lines.append(f"| {delay:g} | {tput:.2f}x | {cpu:.2f}x | {la['pages'] - sc['pages']:+d} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
