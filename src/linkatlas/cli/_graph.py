"""Link graph commands: rank, authority, graph import / ranks / list."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from linkatlas import api
from linkatlas.cli._app import (
    DbOpt,
    Format,
    FormatOpt,
    LimitOpt,
    _emit,
    _jsonable,
    app,
    out,
)

graph_app = typer.Typer(help="Link graphs: import external graphs, list nodes with their "
                        "scores.", no_args_is_help=True)
app.add_typer(graph_app, name="graph", rich_help_panel="Authority")

GraphOpt = Annotated[str, typer.Option(
    "--graph", "-g", help="domain, host, page (the index's graphs) or an imported graph name.")]


def _score_table(rows: list[Any], title: str) -> None:
    """Scored nodes as a Rich table with readable numbers (CSV and JSON keep full precision)."""
    table = Table(title=title, title_justify="left")
    for name in ("rank", "name", "score", "pagerank", "harmonic"):
        table.add_column(name, overflow="fold", justify="left" if name == "name" else "right")
    for r in rows:
        hc = "" if r.harmonic is None else f"{r.harmonic:,.4g}"
        table.add_row(f"{r.rank:,}", Text(r.name), f"{r.score:.1f}", f"{r.pagerank:.4g}", hc)
    out.print(table)


@app.command("rank", rich_help_panel="Authority")
def rank_(
    db: DbOpt = None,
    level: Annotated[list[str] | None, typer.Option(
        "--level", help="domain, host or page (repeatable) \\[default: domain and page].")] = None,
    graph: Annotated[str | None, typer.Option(
        "--graph", "-g", help="Rank this imported graph instead of the index's own.")] = None,
    all_links: Annotated[bool, typer.Option(
        "--all-links", help="Count links that pass no credit (nofollow, sponsored, ugc, meta "
        "nofollow) too.")] = False,
    exact: Annotated[bool | None, typer.Option(
        "--exact/--hyperball", help="Exact harmonic centrality or HyperBall \\[default: exact "
        "up to 20,000 nodes].", show_default=False)] = None,
    harmonic: Annotated[bool, typer.Option(
        "--harmonic/--no-harmonic", help="Compute harmonic centrality (slow on big graphs).")]
    = True,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Build the link graphs, compute PageRank, harmonic centrality and scores, store them."""
    ranked = api.rank(db=db, levels=tuple(level or ("domain", "page")), graph=graph,
                      all_links=all_links, exact_harmonic=exact, harmonic=harmonic)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(ranked), ensure_ascii=False, indent=1) + "\n")
        return
    for r in ranked:
        g = r.graph
        out.print(f"[bold]{g.name}[/bold]: {g.nodes:,} nodes, {g.edges:,} edges; built in "
                  f"{r.build_seconds:.2f} s, PageRank {r.pagerank_seconds:.2f} s, harmonic "
                  f"{r.harmonic_seconds:.2f} s")
        for reason, count in g.dropped:
            out.print(f"  left out: {count:,} {reason}")
        _score_table(r.top, f"top of {g.name}")


@app.command(rich_help_panel="Authority")
def authority(
    name: Annotated[str, typer.Argument(help="A domain (or host, page, node of --graph).")],
    db: DbOpt = None,
    graph: GraphOpt = "domain",
    if_link_from: Annotated[str | None, typer.Option(
        "--if-link-from", help="What one more followed link from this node would change.")]
    = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Contributors shown.")] = 10,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """A domain's authority score and rank, and where its authority comes from."""
    result = api.authority(name, db=db, graph=graph, if_link_from=if_link_from, top=top)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(result), ensure_ascii=False, indent=1) + "\n")
        return
    row = result.row
    out.print(Text.assemble((f"{row.name}", "bold"), f" in {row.graph}: score {row.score:.1f} "
              f"/ 100, rank {row.rank:,} of {result.nodes:,} (PageRank {row.pagerank:.3g}, "
              f"harmonic {row.harmonic if row.harmonic is None else f'{row.harmonic:.3g}'}; "
              f"score version {row.version})"))
    out.print(f"  {result.referring:,} referring node(s) pass it authority")
    table = Table(title="top contributors (share of incoming PageRank)", title_justify="left")
    for col in ("name", "share", "score"):
        table.add_column(col, overflow="fold")
    for c in result.contributors:
        table.add_row(Text(c.name), f"{100 * c.share:.1f}%", f"{c.score:.1f}")
    out.print(table)
    if result.if_link_from is not None:
        if result.already_linked:
            out.print(f"{result.if_link_from} already links to {row.name}: one more link from "
                      "it adds nothing (edges are counted once per pair)")
        else:
            out.print(f"one more followed link from {result.if_link_from}: PageRank "
                      f"+{result.pagerank_gain:.3g}, score {result.score_gain:+.2f} "
                      "(first-order estimate)")


@graph_app.command("import")
def graph_import(
    edges: Annotated[Path, typer.Argument(help="Edge list: two tab-separated columns (names "
                     "or ids; .gz ok), or a Common Crawl edges file with --vertices.")],
    db: DbOpt = None,
    name: Annotated[str | None, typer.Option(help="Graph name \\[default: the file name].")]
    = None,
    level: Annotated[str, typer.Option(help="host, domain or node.")] = "host",
    fold: Annotated[str | None, typer.Option(
        help="'domain': fold host names into registrable domains.")] = None,
    vertices: Annotated[Path | None, typer.Option(
        help="Common Crawl vertices file (id<TAB>reversed.host.name).")] = None,
    ranks: Annotated[Path | None, typer.Option(
        help="Common Crawl ranks file (harmonic centrality and PageRank).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Import an external link graph (edge list or Common Crawl web-graph release)."""
    report = api.graph_import(edges, db=db, name=name, level=level, fold=fold,
                              vertices=vertices, ranks=ranks)
    if fmt is not Format.table:
        sys.stdout.write(json.dumps(_jsonable(report), ensure_ascii=False, indent=1) + "\n")
        return
    g = report.graph
    out.print(f"imported {g.name}: {g.nodes:,} nodes, {g.edges:,} edges ({g.level} level) "
              f"in {report.seconds:.2f} s")
    for reason, count in g.dropped:
        out.print(f"  left out: {count:,} {reason}")
    if ranks is not None:
        out.print(f"  ranks: {report.ranks_matched:,} nodes scored from {ranks}, "
                  f"{report.ranks_unknown:,} rows name no node of the graph")
    out.print(f"next: linkatlas rank --graph {g.name}")


@graph_app.command("ranks")
def graph_ranks(
    db: DbOpt = None,
    graph: GraphOpt = "domain",
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every node of a graph with its raw PageRank, harmonic centrality, score and rank."""
    rows = api.graph_ranks(db=db, graph=graph, limit=limit)
    if fmt is Format.table:
        _score_table(rows, f"ranks of {api.graph_name(graph)}")
    else:
        _emit(rows, fmt, ["graph", "id", "name", "pagerank", "harmonic", "score", "rank",
                          "version"], "")


@graph_app.command("list")
def graph_list(db: DbOpt = None, fmt: FormatOpt = Format.table) -> None:
    """The link graphs stored in the index."""
    _emit(api.graphs(db=db), fmt, ["name", "level", "nodes", "edges", "source", "built_at"],
          "graphs")
