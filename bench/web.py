"""Web load bench (issue 6, point 6): p50/p99 latency and requests/s of the dashboard's overview
page and the main JSON API endpoints under concurrent clients, all on loopback.

The index is the sample web (seed 7: 217 pages, 2,181 links) ingested and ranked into a fresh
DuckDB file. ``linkatlas serve`` runs it in its own process (uvicorn, one worker, as an
operator would start it), so the load generator does not share its interpreter. The clients are
asyncio tasks on one aiohttp session (keep-alive, no connection limit), each sending requests
back to back for ``--seconds`` per endpoint and concurrency level, after one warm-up request
(the first view of a target fills the server's result cache; the figures are the steady state
a dashboard user sees, the cold first view is in docs/web.md).

Results are printed and written into bench/README.md between the WEB markers.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from linkatlas import api, sample, urls  # noqa: E402

BEGIN, END = "<!-- WEB:BEGIN -->", "<!-- WEB:END -->"


def endpoints(target: str) -> list[tuple[str, str]]:
    """(label, path) of what is measured."""
    t = f"/api/v1/targets/{target}"
    return [("overview page /t/{target}", f"/t/{target}"),
            ("backlinks page (50 rows)", f"/t/{target}/backlinks"),
            ("API profile", f"{t}/profile"),
            ("API backlinks (50 rows)", f"{t}/backlinks"),
            ("API refdomains", f"{t}/refdomains"),
            ("API anchors", f"{t}/anchors"),
            ("API audit", f"{t}/audit?links_limit=5"),
            ("API authority", f"{t}/authority")]


def build_index(folder: Path) -> tuple[Path, str]:
    """The sample web ingested and ranked; (index, target domain)."""
    web = sample.build(seed=7)
    warc = folder / "web.warc.gz"
    sample.write_warc(web, warc)
    db = folder / "index.duckdb"
    api.ingest([warc], db=db)
    api.rank(db=db, levels=("domain",), harmonic=False)
    return db, urls.registrable_domain(web.target_host)


def free_port() -> int:
    """A port free on 127.0.0.1 now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _wait_up(base: str, server: subprocess.Popen[bytes], log: Path,
                   timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline and server.poll() is None:
            try:
                async with session.get(base + "/") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise SystemExit(f"the server did not start:\n{tail}")


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0-100) of sorted values."""
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


async def load(base: str, path: str, clients: int, seconds: float) -> dict[str, float]:
    """Latencies of ``clients`` concurrent request loops on ``path`` for ``seconds``."""
    times: list[float] = []
    errors = 0
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn) as session:
        async with session.get(base + path) as r:  # warm the server's cache
            await r.read()
            if r.status != 200:
                raise SystemExit(f"{path}: HTTP {r.status}")
        stop = time.perf_counter() + seconds

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    async with session.get(base + path) as r:
                        await r.read()
                        errors += r.status != 200
                except (aiohttp.ClientError, OSError):  # counted, never a crash of the run
                    errors += 1
                    continue
                times.append(time.perf_counter() - t0)

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - start
    times.sort()
    if not times:
        raise SystemExit(f"{path}: no request succeeded ({errors} errors)")
    return {"n": len(times), "p50": 1000 * statistics.median(times),
            "p99": 1000 * percentile(times, 99), "rps": len(times) / wall, "errors": errors}


def table(rows: list[tuple[str, int, dict[str, float]]]) -> str:
    """The results as a Markdown table."""
    lines = ["| endpoint | clients | requests | p50 ms | p99 ms | requests/s | errors |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, clients, r in rows:
        lines.append(f"| {label} | {clients} | {r['n']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} "
                     f"| {r['rps']:,.0f} | {r['errors']:.0f} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the WEB section of bench/README.md (appended when missing)."""
    readme = ROOT / "bench" / "README.md"
    doc = readme.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + block + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n## Web dashboard and API under load (`bench/web.py`)\n\n" \
            + block + "\n"
    readme.write_text(doc, encoding="utf-8")


def main() -> None:
    """Build the index, serve it, load each endpoint at each concurrency, report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", default="1,8,32", help="concurrency levels, comma-separated")
    ap.add_argument("--seconds", type=float, default=5.0, help="per endpoint and level")
    ap.add_argument("--no-readme", action="store_true", help="print only")
    args = ap.parse_args()
    levels = [int(x) for x in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="linkatlas-web-bench-") as tmp:
        db, target = build_index(Path(tmp))
        port = free_port()
        log = Path(tmp) / "serve.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(
                [sys.executable, "-m", "linkatlas", "serve", "--db", str(db), "--port",
                 str(port)], stdout=sink, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        base = f"http://127.0.0.1:{port}"
        rows = []
        load_before = os.getloadavg()[0]
        try:
            asyncio.run(_wait_up(base, server, log))
            for label, path in endpoints(target):
                for clients in levels:
                    r = asyncio.run(load(base, path, clients, args.seconds))
                    rows.append((label, clients, r))
                    print(f"{label:32} {clients:3} clients: p50 {r['p50']:7.1f} ms, "
                          f"p99 {r['p99']:7.1f} ms, {r['rps']:7.0f}/s, {r['errors']:.0f} errors",
                          flush=True)
        finally:
            load_after = os.getloadavg()[0]
            server.terminate()
            server.wait(60)
    cpu = os.cpu_count()
    text = (f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}: sample web (seed 7), target "
            f"`{target}`, `linkatlas serve` (one uvicorn worker) in its own process; clients: "
            f"asyncio tasks on one aiohttp keep-alive session in this process, {args.seconds:g} s "
            f"per row after a warm-up request. {platform.python_implementation()} "
            f"{platform.python_version()} on {platform.machine()}, **{cpu} cores shared with "
            f"other work** (load average {load_before:.1f} at the start, {load_after:.1f} at the "
            "end), and the load generator runs on the same cores as the server: read the "
            "figures as orders of magnitude and ratios, not as capacity.\n\n" + table(rows))
    print("\n" + text)
    if not args.no_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
