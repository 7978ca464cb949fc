"""Link-graph benchmark (issue 4, point 7): PageRank and harmonic centrality against networkit,
igraph and networkx, memory per edge, and PageRank against the memory-bandwidth bound.

Inputs: cnr-2000 (LAW web graph, 325,557 pages, 3.2M links, read from the shared fixtures) and
a generated directed power-law graph of 1M nodes and exactly 10M distinct links (Chung-Lu style:
sources drawn with weight ``rank**-0.6``, targets with ``rank**-0.9`` over two independent random
node orders, so out-degrees follow a power law of exponent ~2.7 and in-degrees ~2.1 as in web
crawls; duplicates and self-loops removed, then 10M links kept at random; numpy PCG64, seed
20261125). Node ids of the generated graph carry no locality (unlike a crawl in BFS order).

Each PageRank contender runs in its own subprocess, so its resident memory can be read from
/proc/self/status: the RSS growth of building its graph structure, and the peak RSS growth
during PageRank (VmHWM reset through /proc/self/clear_refs just before the run).

Results are printed and written into bench/README.md between the GRAPH markers.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
CNR = Path("/work/shared/fixtures/graphs/webgraph-cnr-2000/cnr-2000.arcs.tsv.gz")
DAMPING = 0.85
TOL = 1e-10  # L1 change between iterates, for every tool that exposes the criterion
SEED = 20261125
START, END = "<!-- GRAPH -->", "<!-- /GRAPH -->"


# ---------------------------------------------------------------- inputs


def load_cnr(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """cnr-2000 arcs (src, dst as int32) and the node count."""
    with gzip.open(path, "rt") as fh:
        arcs = np.loadtxt(fh, dtype=np.int32, comments="#", ndmin=2)
    return arcs[:, 0].copy(), arcs[:, 1].copy(), int(arcs.max()) + 1


def power_law_graph(
    n: int = 1_000_000, m: int = 10_000_000, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, int]:
    """Directed Chung-Lu power-law graph with exactly m distinct links and no self-loops."""
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, n + 1, dtype=np.float64)
    cdf_out = np.cumsum(ranks**-0.6)
    cdf_in = np.cumsum(ranks**-0.9)
    perm_out, perm_in = rng.permutation(n), rng.permutation(n)
    keys = np.zeros(0, dtype=np.int64)
    draw = int(m * 1.2)
    while keys.size < m:
        s = perm_out[np.searchsorted(cdf_out, rng.random(draw) * cdf_out[-1])].astype(np.int64)
        d = perm_in[np.searchsorted(cdf_in, rng.random(draw) * cdf_in[-1])].astype(np.int64)
        keep = s != d
        keys = np.sort(np.concatenate([keys, s[keep] * n + d[keep]]))
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        draw = int((m - keys.size) * 1.5) + 1000
    keys = np.sort(keys[rng.choice(keys.size, m, replace=False)])
    return (keys // n).astype(np.int32), (keys % n).astype(np.int32), n


# ---------------------------------------------------------------- measuring


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    return out


def _trim() -> None:
    """Hand freed heap memory back to the system, so RSS shows what is still held.

    glibc's adaptive mmap threshold keeps freed large arrays on the heap; fixing the threshold
    instead (MALLOC_MMAP_THRESHOLD_) would make every numpy temporary a fresh mmap and more than
    double our iteration time, so the timing runs keep the default allocator.
    """
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def copy_bandwidth(mb: int = 512, repeat: int = 5) -> float:
    """Best copy bandwidth in bytes/s: (bytes read + bytes written) / time of np.copyto."""
    src = np.ones(mb * (1 << 20) // 8)
    dst = np.zeros_like(src)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2 * src.nbytes / best


def bytes_per_iteration(n: int, m: int, dangling: int) -> tuple[int, int]:
    """Bytes our PageRank iteration touches as written, and its compulsory traffic alone.

    As written (linkatlas.graph.pagerank_info, one pass of the loop): the mat-vec streams
    8 + 4 bytes per edge of the float64/int32 operator, 4 per node of row pointers, gathers
    8 bytes of ``x`` per edge and writes 8 per node; ``x[dangling].sum()`` reads the mask and
    ``x`` and copies the dangling entries; ``new *= d`` reads and writes 16 per node; the
    teleport term makes a temporary (16) and adds it (24); the L1 change makes ``new - x`` (24),
    its ``abs`` (16) and sums it (8). Compulsory: the operator once, ``x`` read once, ``new``
    written once and ``v`` read once (12m + 4n + 24n).
    """
    written = 20 * m + 4 * (n + 1) + 8 * n + (9 * n + 16 * dangling) + 16 * n + 40 * n + 48 * n
    compulsory = 12 * m + 4 * (n + 1) + 24 * n
    return written, compulsory


# ---------------------------------------------------------------- PageRank children


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def child(args: argparse.Namespace) -> None:
    """Build one tool's graph, run its PageRank, print a JSON line (vector saved to args.out)."""
    edges = np.load(args.edges)
    src, dst, n = edges[0], edges[1], int(args.n)
    tool: str = args.tool
    info: dict[str, Any] = {"tool": tool}
    # Import before the first reading: the library's own pages are not graph memory.
    if tool == "linkatlas":
        from linkatlas.graph import csr_from_edges, pagerank_info
        from linkatlas.graph.pagerank import transition
    elif tool.startswith("networkit"):
        import networkit as nk
    elif tool == "igraph":
        import igraph as ig
    elif tool == "networkx":
        import networkx as nx
    else:
        raise SystemExit(f"unknown tool {tool}")
    _trim()
    before = _status()["VmRSS"]
    t0 = time.perf_counter()
    run: Callable[[], Any]
    if tool == "linkatlas":
        adj = csr_from_edges(src, dst, n)
        info["csr_bytes"] = adj.data.nbytes + adj.indices.nbytes + adj.indptr.nbytes
        info["edges"] = int(adj.nnz)
        info["dangling"] = int((np.diff(adj.indptr) == 0).sum())

        def run() -> Any:
            return pagerank_info(adj, damping=DAMPING, tol=TOL, max_iter=500)

    elif tool.startswith("networkit"):
        if tool == "networkit-1":
            nk.setNumberOfThreads(1)
        info["threads"] = nk.getMaxNumberOfThreads()
        ones = np.ones(src.size)
        g = nk.GraphFromCoo(
            (ones, (src.astype(np.uint64), dst.astype(np.uint64))), n=n, directed=True
        )
        del ones
        g.removeSelfLoops()
        g.removeMultiEdges()
        info["edges"] = int(g.numberOfEdges())

        def run() -> Any:
            pr = nk.centrality.PageRank(
                g, damp=DAMPING, tol=TOL, distributeSinks=nk.centrality.SinkHandling.DistributeSinks
            )
            pr.norm = nk.centrality.Norm.L1_NORM  # same criterion as ours: L1 change < tol
            pr.maxIterations = 500
            pr.run()
            return np.asarray(pr.scores()), pr.numberOfIterations(), None

    elif tool == "igraph":
        keep = src != dst
        g = ig.Graph(n=n, edges=np.column_stack([src[keep], dst[keep]]), directed=True)
        g.simplify(multiple=True, loops=True)
        info["edges"] = int(g.ecount())

        def run() -> Any:
            return np.asarray(g.pagerank(damping=DAMPING, implementation="prpack")), None, None

    else:
        keep = src != dst
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from(np.column_stack([src[keep], dst[keep]]).tolist())
        info["edges"] = g.number_of_edges()

        def run() -> Any:
            # networkx stops when the L1 change is below n * tol
            pr = nx.pagerank(g, alpha=DAMPING, tol=TOL / n, max_iter=500)
            return np.array([pr[i] for i in range(n)]), None, None

    info["build_s"] = time.perf_counter() - t0
    _trim()
    ready = _status()["VmRSS"]
    info["graph_rss"] = ready - before
    _reset_peak()
    t = time.perf_counter()
    vec, iters, _err = run()
    first = time.perf_counter() - t
    info["peak_growth"] = _status()["VmHWM"] - ready
    more, _ = _best(run, args.repeat - 1) if args.repeat > 1 else (first, None)
    info["seconds"] = min(first, more)
    info["runs"] = args.repeat
    info["iterations"] = iters
    if tool == "linkatlas":
        # the once-per-call operator build, so the bound table can show the iteration alone
        info["setup_s"] = _best(lambda: transition(adj), args.repeat)[0]
    vec = np.asarray(vec, dtype=np.float64)
    np.save(args.out, vec / vec.sum())
    print(json.dumps(info))


def run_child(tool: str, edges: Path, n: int, out: Path, repeat: int) -> dict[str, Any]:
    """Run one PageRank child process and return its JSON report."""
    cmd = [sys.executable, __file__, "--child", tool, "--edges", str(edges), "--n", str(n)]
    cmd += ["--out", str(out), "--repeat", str(repeat)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} failed:\n{proc.stderr[-2000:]}")
    info: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return info


# ---------------------------------------------------------------- harmonic centrality


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    """Largest difference relative to the largest reference value."""
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def harmonic_full(src: np.ndarray, dst: np.ndarray, n: int, sample: int) -> dict[str, Any]:
    """HyperBall on the whole graph; exact values (ours and igraph) on a random node sample."""
    import igraph as ig

    from linkatlas.graph import csr_from_edges, harmonic_exact, hyperball

    adj = csr_from_edges(src, dst, n)
    t = time.perf_counter()
    est, rounds = hyperball(adj, log2m=8)
    out: dict[str, Any] = {"hyperball_s": time.perf_counter() - t, "rounds": rounds}
    nodes = np.sort(np.random.default_rng(SEED).choice(n, sample, replace=False))
    t = time.perf_counter()
    exact = harmonic_exact(adj, nodes)
    out["ours_exact_s"] = time.perf_counter() - t
    rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(adj.indptr))
    g = ig.Graph(n=n, edges=np.column_stack([rows, adj.indices]), directed=True)
    t = time.perf_counter()
    ref = np.asarray(g.harmonic_centrality(vertices=nodes.tolist(), mode="in", normalized=False))
    out["igraph_exact_s"] = time.perf_counter() - t
    out["exact_agree"] = _rel(exact, ref)
    ok = exact > 0
    err = np.abs(est[nodes][ok] - exact[ok]) / exact[ok]
    out["sample"] = sample
    out["hb_median"], out["hb_p90"] = float(np.median(err)), float(np.quantile(err, 0.9))
    return out


def harmonic_subgraph(src: np.ndarray, dst: np.ndarray, k: int) -> dict[str, Any]:
    """Exact harmonic centrality of every node of the subgraph induced by nodes 0..k-1."""
    import igraph as ig
    import networkit as nk
    import networkx as nx

    from linkatlas.graph import csr_from_edges, harmonic_exact

    keep = (src < k) & (dst < k)
    adj = csr_from_edges(src[keep], dst[keep], k)
    rows = np.repeat(np.arange(k, dtype=np.int32), np.diff(adj.indptr))
    cols = adj.indices
    res: dict[str, Any] = {"nodes": k, "edges": int(adj.nnz), "tools": []}
    t = time.perf_counter()
    ours = harmonic_exact(adj)
    res["tools"].append(("linkatlas harmonic_exact", time.perf_counter() - t, 0.0))
    # networkit sums distances *from* each node: give it the transposed graph.
    ones = np.ones(cols.size)
    gt = nk.GraphFromCoo(
        (ones, (cols.astype(np.uint64), rows.astype(np.uint64))), n=k, directed=True
    )
    default_threads = nk.getMaxNumberOfThreads()
    for threads in (1, default_threads):
        nk.setNumberOfThreads(threads)
        t = time.perf_counter()
        hc = nk.centrality.HarmonicCloseness(gt, normalized=False)
        hc.run()
        sec = time.perf_counter() - t
        name = f"networkit HarmonicCloseness, {threads} thread{'s' if threads > 1 else ''}"
        res["tools"].append((name, sec, _rel(np.asarray(hc.scores()), ours)))
    nk.setNumberOfThreads(default_threads)
    g = ig.Graph(n=k, edges=np.column_stack([rows, cols]), directed=True)
    t = time.perf_counter()
    vals = np.asarray(g.harmonic_centrality(mode="in", normalized=False))
    res["tools"].append(("igraph harmonic_centrality", time.perf_counter() - t, _rel(vals, ours)))
    gx = nx.DiGraph()
    gx.add_nodes_from(range(k))
    gx.add_edges_from(np.column_stack([rows, cols]).tolist())
    t = time.perf_counter()
    hx = nx.harmonic_centrality(gx)
    sec = time.perf_counter() - t
    res["tools"].append(
        ("networkx harmonic_centrality", sec, _rel(np.array([hx[i] for i in range(k)]), ours))
    )
    return res


# ---------------------------------------------------------------- driver and report


def pagerank_rows(name: str, edges: Path, n: int, small: bool, tmp: Path) -> list[dict[str, Any]]:
    """Every PageRank contender on one graph, each in its own process; L1 against ours."""
    tools = ["linkatlas", "networkit-1", "networkit", "igraph"] + (["networkx"] if small else [])
    rows = []
    safe = name.replace(" ", "_")
    for tool in tools:
        repeat = {"linkatlas": 3, "networkit-1": 3, "networkit": 3, "igraph": 2}.get(tool, 1)
        if not small:
            repeat = min(repeat, 2)
        out = tmp / f"{safe}-{tool}.npy"
        print(f"  pagerank {name}: {tool} ...", flush=True)
        info = run_child(tool, edges, n, out, repeat)
        info["graph"] = name
        rows.append(info)
    ours = np.load(tmp / f"{safe}-linkatlas.npy")
    for info in rows:
        info["l1"] = float(np.abs(np.load(tmp / f"{safe}-{info['tool']}.npy") - ours).sum())
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run the link-graph benchmark and write the tables into bench/README.md."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", dest="tool", help=argparse.SUPPRESS)
    p.add_argument("--edges", help=argparse.SUPPRESS)
    p.add_argument("--n", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--edges-generated", type=int, default=10_000_000)
    p.add_argument("--no-write", action="store_true", help="print only, leave README.md alone")
    args = p.parse_args(argv)
    if args.tool:
        child(args)
        return
    started = time.perf_counter()
    bw = copy_bandwidth()
    print(f"copy bandwidth {bw / 1e9:.1f} GB/s", flush=True)
    graphs: list[tuple[str, np.ndarray, np.ndarray, int]] = []
    if CNR.exists():
        graphs.append(("cnr-2000", *load_cnr(CNR)))
    else:
        print(f"skipping cnr-2000: fixture not found at {CNR}", flush=True)
    m = args.edges_generated
    graphs.append((f"power-law {m / 1e6:g}M", *power_law_graph(m // 10, m)))
    pr: list[dict[str, Any]] = []
    harm: list[tuple[str, dict[str, Any]]] = []
    sub: dict[str, Any] | None = None
    extra: list[dict[str, Any]] = []
    nodes = {g[0]: g[3] for g in graphs}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for name, src, dst, n in graphs:
            edges = tmp / f"{name}.npy".replace(" ", "_")
            np.save(edges, np.vstack([src, dst]))
            small = src.size <= 4_000_000
            pr += pagerank_rows(name, edges, n, small, tmp)
            if not small:
                # Same graph, nodes numbered by descending in-degree: how much of the gap to
                # the bound is the random placement of the gathered vector.
                label = np.empty(n, dtype=np.int32)
                label[np.argsort(-np.bincount(dst, minlength=n), kind="stable")] = np.arange(n)
                np.save(edges, np.vstack([label[src], label[dst]]))
                info = run_child("linkatlas", edges, n, tmp / "relabelled.npy", 2)
                info["graph"] = f"{name}, ids by in-degree"
                nodes[info["graph"]] = n
                extra.append(info)
            print(f"  harmonic {name} ...", flush=True)
            harm.append((name, harmonic_full(src, dst, n, 100 if small else 20)))
            if name == "cnr-2000":
                sub = harmonic_subgraph(src, dst, 10_000)
    text = report(pr, extra, harm, sub, bw, nodes, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        readme = README.read_text()
        if START not in readme or END not in readme:
            raise SystemExit(f"{README} has no {START} ... {END} block")
        head, rest = readme.split(START, 1)
        README.write_text(head + START + "\n" + text + END + rest.split(END, 1)[1])


def _mb(x: float) -> str:
    return f"{x / 1e6:,.1f}"


def report(
    pr: list[dict[str, Any]],
    extra: list[dict[str, Any]],
    harm: list[tuple[str, dict[str, Any]]],
    sub: dict[str, Any] | None,
    bw: float,
    nodes: dict[str, int],
    total: float,
) -> str:
    """Markdown tables of one run."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Run {now} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; whole run {total:.0f} s. Wall-clock seconds, best of the "
        "runs shown; damping 0.85; ours and networkit stop when the L1 change is below 1e-10, "
        "networkx below n x 1e-10 / n (the same), igraph's prpack solves to its own precision.",
        "",
        "### PageRank",
        "",
        "| graph | tool | links | runs | iterations | seconds | ms/iteration | speed vs networkit "
        "1 thread | L1 vs linkatlas | graph RSS B/link | peak RSS growth in PageRank B/link |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    goals: dict[str, float] = {}
    bound_rows = []
    for row in pr:
        base = next(r for r in pr if r["graph"] == row["graph"] and r["tool"] == "networkit-1")
        it = row["iterations"]
        per = f"{row['seconds'] / it * 1e3:.2f}" if it else "-"
        speed = base["seconds"] / row["seconds"]
        e = row["edges"]
        label = {"networkit-1": "networkit, 1 thread", "igraph": "igraph prpack"}.get(
            row["tool"], row["tool"]
        )
        if row["tool"] == "networkit":
            label = f"networkit, {row['threads']} threads"
        lines.append(
            f"| {row['graph']} | {label} | {e:,} | {row['runs']} | {it or '-'} | "
            f"{row['seconds']:.2f} | {per} | {speed:.2f}x | {row['l1']:.1e} | "
            f"{row['graph_rss'] / e:.1f} | {row['peak_growth'] / e:.1f} |"
        )
        if row["tool"] == "linkatlas":
            goals[row["graph"]] = speed
            bound_rows.append(row)
    lines += [
        "",
        "### PageRank against the memory-bandwidth bound (linkatlas)",
        "",
        f"Copy bandwidth of this machine: **{bw / 1e9:.1f} GB/s** (`np.copyto` of a 512 MB "
        "float64 array, best of 5, bytes read + written). Bound = bytes per iteration / "
        "bandwidth; ms/iteration here is the `pagerank_info` call minus the once-per-call "
        "operator build (`transition`, timed on its own), divided by the iterations.",
        "",
        "| graph | nodes | links | CSR B/link | operator build s | ms/iteration | "
        "bytes/iteration as written | bound ms | measured/bound | "
        "compulsory bytes/iteration | bound ms | measured/bound |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ratios = {}
    for row in bound_rows + extra:
        n, e = nodes[row["graph"]], row["edges"]
        written, compulsory = bytes_per_iteration(n, e, row["dangling"])
        per = (row["seconds"] - row["setup_s"]) / row["iterations"]
        r1, r2 = per / (written / bw), per / (compulsory / bw)
        ratios[row["graph"]] = (r1, r2)
        lines.append(
            f"| {row['graph']} | {n:,} | {e:,} | {row['csr_bytes'] / e:.2f} | "
            f"{row['setup_s']:.2f} | {per * 1e3:.2f} | "
            f"{_mb(written)} MB | {written / bw * 1e3:.2f} | {r1:.2f} | {_mb(compulsory)} MB | "
            f"{compulsory / bw * 1e3:.2f} | {r2:.2f} |"
        )
    lines += [
        "",
        "### Harmonic centrality",
        "",
        "Whole graphs: ours is HyperBall (log2m = 8); exact values for a random sample of nodes "
        "(seed fixed) by ours (`harmonic_exact(adj, nodes)`) and igraph "
        "(`harmonic_centrality(vertices=..., mode='in')`), which also gives HyperBall's error. "
        "networkit has no harmonic approximation and no per-node exact call; its exact "
        "`HarmonicCloseness` is O(nm), so it runs on the subgraph below.",
        "",
        "| graph | HyperBall s | rounds | sample | exact, ours s | exact, igraph s | "
        "ours vs igraph (max rel.) | HyperBall rel. error median | 90th pct |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, h in harm:
        lines.append(
            f"| {name} | {h['hyperball_s']:.1f} | {h['rounds']} | {h['sample']} | "
            f"{h['ours_exact_s']:.1f} | {h['igraph_exact_s']:.2f} | {h['exact_agree']:.1e} | "
            f"{h['hb_median']:.1%} | {h['hb_p90']:.1%} |"
        )
    if sub:
        lines += [
            "",
            f"Exact, every node of the cnr-2000 subgraph induced by nodes 0..{sub['nodes'] - 1} "
            f"({sub['nodes']:,} nodes, {sub['edges']:,} links; one run each):",
            "",
            "| tool | seconds | max rel. difference to linkatlas |",
            "|---|---|---|",
        ]
        lines += [f"| {t} | {s:.2f} | {d:.1e} |" for t, s, d in sub["tools"]]
    lines += ["", "Goals (issue 4, point 7) in this run:", ""]
    for g, speed in goals.items():
        met = "met" if speed > 1 else "not met"
        r1, r2 = ratios[g]
        met2 = "met" if r1 <= 2 else "not met"
        lines.append(
            f"- {g}: PageRank {speed:.2f}x the speed of single-threaded networkit ({met}); "
            f"an iteration takes {r1:.2f}x the bandwidth bound of the bytes it touches ({met2}), "
            f"{r2:.2f}x the bound of its compulsory traffic."
        )
    for row in extra:
        r1, r2 = ratios[row["graph"]]
        lines.append(
            f"- {row['graph']}: {r1:.2f}x the bound of the bytes touched "
            f"({'met' if r1 <= 2 else 'not met'}), {r2:.2f}x the compulsory-traffic bound."
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
