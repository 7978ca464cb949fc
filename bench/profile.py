"""Profile benchmark (issue 5, point 10): ``linkatlas profile`` (and the audit, when the API has
one) for one popular and one small target on generated indexes of growing size.

Each index is generated inside DuckDB (``INSERT ... SELECT`` over ``range(n)``, hash-derived
columns, no Python per row) into a file created by ``store.Index``, then sorted by
``Index.optimize()`` as every ingest leaves it. The shape (see ``generate``): 20 links per source
page, 20 pages per host, 3 hosts per domain; target domains drawn log-uniformly (Zipf, exponent
1) so the most linked target holds ~7% of all links and a target in the middle a few hundred;
anchors, rel, placement and kind from fixed mixes; first seen spread over two years; 15% of
links lost (their page was fetched after their last sighting); every page has a language and an
IPv4 address (one /24 per domain).

Timings: ``cold`` is a fresh process after the index file was dropped from the page cache
(``posix_fadvise(DONTNEED)`` on this file only); ``warm`` is the best of 3 fresh calls of
``api.profile`` (new connection, file in the page cache; one call for the audit), with the CPU
seconds of all the process's threads, the figure least inflated by other load on the machine.
Results go into bench/README.md between the PROFILE markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
START, END = "<!-- PROFILE -->", "<!-- /PROFILE -->"
SIZES = {"1M": 1_000_000, "3M": 3_000_000, "10M": 10_000_000, "30M": 30_000_000,
         "100M": 100_000_000}
LINKS_PER_PAGE = 20
PAGES_PER_HOST = 20
HOSTS_PER_DOMAIN = 3
ANCHORS = ["{brand}", "{brand}", "best widgets", "widgets", "cheap widgets online", "click here",
           "read more", "", "https://www.{brand}.com/", "this widget shop", "blue widget guide",
           "{brand} widgets", "here", "widget reviews 2024"]
PLACEMENTS = ["content"] * 6 + ["footer"] * 3 + ["sidebar"] * 2 + ["navigation", "comment",
                                                                   "header", "unknown"]
LANGS = ["en"] * 6 + ["de", "fr", "es", "ru", "ja", "pt", ""]
TLDS = ["com", "net", "org", "de", "co.uk", "fr", "io", "info"]


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


def generate(path: Path, n: int) -> dict[str, float]:
    """A sorted index of ``n`` links at ``path``; returns the seconds each step took."""
    import duckdb

    from linkatlas.model import LINK_COLUMNS, PAGE_COLUMNS
    from linkatlas.store import Index
    from linkatlas.store.schema import LINKS

    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with Index(path):
        pass  # creates the tables from the model's column lists
    pages = max(n // LINKS_PER_PAGE, 1)
    targets = max(n // 1000, 1000)
    defaults = {"str": "''", "int": "0", "bool": "false",
                "timestamp": "TIMESTAMPTZ '2025-01-01 00:00:00+00'", "list[str]": "[]::VARCHAR[]"}
    # page s lives on host s // PAGES_PER_HOST of domain host // HOSTS_PER_DOMAIN
    dom = f"(s // {PAGES_PER_HOST}) // {HOSTS_PER_DOMAIN}"
    tld = f"{_sql_list(TLDS)}[1 + ({dom}) % {len(TLDS)}]"
    host_sql = (f"'h' || (s // {PAGES_PER_HOST}) % {HOSTS_PER_DOMAIN} || '.site' || {dom} || '.'"
                f" || {tld}")
    domain_sql = f"'site' || {dom} || '.' || {tld}"
    url_sql = f"'https://' || {host_sql} || '/p' || s"
    fetched = "TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds((hm(s * 31 + 7, 2592000))::BIGINT)"
    page_expr = {
        "url": url_sql, "final_url": url_sql, "host": host_sql, "domain": domain_sql,
        "status": "200", "fetched_at": fetched, "content_type": "'text/html'",
        "title": "'Page ' || s", "language": f"{_sql_list(LANGS)}[1 + hm(s * 13, {len(LANGS)})]",
        "word_count": "hm(s * 17, 3000)", "via": "'warc'",
        "ip": f"'10.' || ({dom}) % 256 || '.' || (({dom}) // 256) % 256 || '.' || "
              f"(s // {PAGES_PER_HOST}) % 256",
    }
    cols = [page_expr.get(c.name, defaults[c.type]) for c in PAGE_COLUMNS]
    took: dict[str, float] = {}
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TEMP MACRO hm(x, m) AS (hash(x) % m)::BIGINT")
    started = time.perf_counter()
    con.execute(f"""INSERT INTO pages SELECT {', '.join(cols)},
                    md5_number_lower({url_sql}) FROM (SELECT range AS s FROM range({pages}))""")
    took["pages"] = time.perf_counter() - started
    # link i: source page s, target domain t (log-uniform over targets: Zipf with exponent 1)
    t = f"(exp((hm(i * 3 + 1, 1000000)) / 1000000.0 * ln({targets} + 1))::BIGINT - 1)"
    brand = "'t' || t"
    anchors = ", ".join("replace('" + a.replace("'", "''") + "', '{brand}', " + brand + ")"
                        for a in ANCHORS)
    roll = "hm(i * 5 + 2, 100)"
    lost = "hm(i * 11 + 3, 100) < 15"
    first_seen = ("TIMESTAMPTZ '2023-01-02 00:00:00+00' + "
                  "to_seconds((hm(i * 7 + 5, 63072000))::BIGINT)")
    link_expr = {
        "source_url": url_sql, "source_host": host_sql, "source_domain": domain_sql,
        "target_url": "'https://www.' || " + brand + " || '.com/p' || hm(i * 19, 50)",
        "target_host": "'www.' || " + brand + " || '.com'",
        "target_domain": brand + " || '.com'",
        "anchor": f"[{anchors}][1 + hm(i * 23, {len(ANCHORS)})]",
        "kind": "CASE WHEN hm(i * 29, 100) < 5 THEN 'image' ELSE 'a' END",
        "rel": f"CASE WHEN {roll} < 80 THEN '' WHEN {roll} < 90 THEN 'nofollow' "
               f"WHEN {roll} < 95 THEN 'sponsored' ELSE 'nofollow ugc' END",
        "nofollow": f"{roll} >= 80 AND NOT ({roll} BETWEEN 90 AND 94)",
        "sponsored": f"{roll} BETWEEN 90 AND 94", "ugc": f"{roll} >= 95",
        "passes_credit": f"{roll} < 80",
        "placement": f"{_sql_list(PLACEMENTS)}[1 + hm(i * 37, {len(PLACEMENTS)})]",
        "position": "hm(i * 41, 100)", "occurrence": "0",
        "first_seen": first_seen,
        "last_seen": f"CASE WHEN {lost} THEN {first_seen} + INTERVAL 1 DAY ELSE {fetched} END",
        "via": "'warc'", "observed_in": "'gen'",
    }
    key = LINKS.key_hash_sql()
    cols = [link_expr.get(c.name, defaults[c.type]) for c in LINK_COLUMNS]
    started = time.perf_counter()
    step = 10_000_000  # bounded memory per statement
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        con.execute(f"""
            INSERT INTO links SELECT *, {key} FROM (
                SELECT {', '.join(f'{e} AS {c.name}' for e, c in zip(cols, LINK_COLUMNS,
                                                                     strict=True))}
                FROM (SELECT i, (hm(i * 2 + 9, {pages})) AS s, {t} AS t
                      FROM (SELECT range AS i FROM range({lo}, {hi}))))""")
    took["links"] = time.perf_counter() - started
    con.execute("UPDATE meta SET value = ? WHERE name = 'unsorted_links'", [str(n)])
    con.close()
    started = time.perf_counter()
    with Index(path) as index:
        index.optimize()
    took["optimize"] = time.perf_counter() - started
    took["bytes"] = float(path.stat().st_size)
    return took


def pick_targets(path: Path) -> dict[str, tuple[str, int]]:
    """The most linked target domain and the one closest to 300 links: (domain, links)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("SELECT target_domain, count(*) FROM links GROUP BY 1 ORDER BY 2 DESC"
                       ).fetchall()
    con.close()
    small = min(rows, key=lambda r: abs(r[1] - 300))
    return {"popular": (rows[0][0], rows[0][1]), "small": (small[0], small[1])}


def drop_cache(path: Path) -> None:
    """Evict this file (only) from the OS page cache."""
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def _child(args: argparse.Namespace) -> None:
    """Time one verb in this (fresh) process and print the seconds as JSON."""
    from linkatlas import api

    verb = getattr(api, args.verb)
    times, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        verb(args.target, db=args.db)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(json.dumps({"times": times, "cpu": cpu}))


def time_verb(db: Path, verb: str, target: str, *, cold: bool, repeat: int = 1
              ) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per call of ``api.<verb>(target)`` in a fresh process; CPU counts
    every thread of the process, so it is the figure that load on this machine inflates least."""
    if cold:
        drop_cache(db)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", verb, "--db", str(db), "--target", target,
         "--repeat", str(repeat)], capture_output=True, text=True, check=True)
    got: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return list(zip(got["times"], got["cpu"], strict=True))


def main() -> None:
    """Generate the indexes, time profile (and audit) on each, write the README table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1M,3M", help="comma-separated: " + ", ".join(SIZES))
    p.add_argument("--dir", type=Path, default=Path("/tmp/linkatlas-bench-profile"))
    p.add_argument("--verbs", default="profile,audit",
                   help="verbs to time (audit only when linkatlas.api has it)")
    p.add_argument("--audit-max-links", type=int, default=2_000_000,
                   help="time the audit only for targets with at most this many links")
    p.add_argument("--keep", action="store_true", help="keep the generated index files")
    p.add_argument("--reuse", action="store_true", help="reuse index files already generated")
    p.add_argument("--no-write", action="store_true", help="print only, leave README.md alone")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--target", help=argparse.SUPPRESS)
    p.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        args.verb = args.child
        _child(args)
        return
    from linkatlas import api

    verbs = [v for v in args.verbs.split(",") if v == "profile" or hasattr(api, v)]
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for label in args.sizes.split(","):
        n = SIZES[label.strip()]
        db = args.dir / f"links-{label.strip()}.duckdb"
        gen: dict[str, float] = {}
        if not (args.reuse and db.exists()):
            gen = generate(db, n)
            print(f"{label}: generated in {gen['pages'] + gen['links']:.1f} s, sorted in "
                  f"{gen['optimize']:.1f} s, {gen['bytes'] / 1e9:.2f} GB", flush=True)
        for kind, (target, links) in pick_targets(db).items():
            for verb in verbs:
                if verb == "audit" and links > args.audit_max_links:
                    # The audit builds one record per link with its evidence: millions of
                    # them would take minutes and gigabytes, not what the audit is for.
                    print(f"{label} {kind} {target} ({links:,} links) audit: skipped, over "
                          f"--audit-max-links {args.audit_max_links:,}", flush=True)
                    rows.append({"size": label, "links": n, "target": kind, "domain": target,
                                 "target_links": links, "verb": verb, "skipped": True,
                                 **{f"gen_{k}": v for k, v in gen.items()}})
                    continue
                cold = time_verb(db, verb, target, cold=True)[0][0]
                # the audit is ~10x the profile's cost: best of 3 for the profile, 1 for it
                repeat = 3 if verb == "profile" else 1
                warm, cpu = min(time_verb(db, verb, target, cold=False, repeat=repeat))
                rows.append({"size": label, "links": n, "target": kind, "domain": target,
                             "target_links": links, "verb": verb, "cold": cold, "warm": warm,
                             "cpu": cpu, **{f"gen_{k}": v for k, v in gen.items()}})
                print(f"{label} {kind} {target} ({links:,} links) {verb}: cold {cold:.3f} s, "
                      f"warm {warm:.3f} s, warm CPU {cpu:.3f} s", flush=True)
        if not args.keep:
            for stale in (db, db.with_name(db.name + ".wal")):
                stale.unlink(missing_ok=True)
    text = render(rows)
    print(text)
    if not args.no_write:
        readme = README.read_text()
        if START not in readme:
            readme += f"\n{START}\n{END}\n"
        head, rest = readme.split(START, 1)
        README.write_text(head + START + "\n" + text + END + rest.split(END, 1)[1])


def render(rows: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Run {when} on {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end. "
             "Cold: fresh process, index file evicted from the page cache; warm: best of 3 "
             "fresh calls (new connection, file cached); CPU: all threads of the process.", "",
             "| index links | file GB | generate s | sort s | target | target links | verb | "
             "cold s | warm s | warm CPU s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        gen = (f"{r['gen_pages'] + r['gen_links']:.0f}" if "gen_links" in r else "-")
        sort = f"{r['gen_optimize']:.0f}" if "gen_optimize" in r else "-"
        size = f"{r['gen_bytes'] / 1e9:.2f}" if "gen_bytes" in r else "-"
        timed = ("skipped | - | -" if r.get("skipped")
                 else f"{r['cold']:.3f} | {r['warm']:.3f} | {r['cpu']:.3f}")
        lines.append(f"| {r['links']:,} | {size} | {gen} | {sort} | {r['target']} "
                     f"({r['domain']}) | {r['target_links']:,} | {r['verb']} | {timed} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
