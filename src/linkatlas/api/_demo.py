"""The demo: the sample web written, ingested, served, crawled, ranked and profiled."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from linkatlas import urls
from linkatlas.api._crawl import CrawlReport, crawl
from linkatlas.api._graphs import RankedGraph, rank
from linkatlas.api._ingest import IngestReport, ingest
from linkatlas.api._query import profile
from linkatlas.model import (
    Profile,
)
from linkatlas.sources.crawler import CrawlProgress


@dataclasses.dataclass(slots=True)
class DemoResult:
    """What the demo built and found."""

    warc: Path
    db: Path
    sites: int
    pages: int
    report: IngestReport
    crawl: CrawlReport | None
    ranked: RankedGraph
    profile: Profile


def demo(directory: str | Path = "out/demo", *, seed: int = 7, live: bool = True,
         crawl_progress: Callable[[CrawlProgress], None] | None = None) -> DemoResult:
    """Build the sample web, write it as a WARC and ingest it afresh; with ``live``, also serve
    it over HTTP on loopback and crawl it politely into the same index; rank the domain graph
    (so the profile, the report and the dashboard show authority); profile its target."""
    from linkatlas import sample
    from linkatlas.sample.server import SampleServer

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    web = sample.build(seed=seed)
    warc = folder / "sample-web.warc.gz"
    sample.write_warc(web, warc)
    db = folder / "linkatlas.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    report = ingest([warc], db=db)
    crawled = None
    if live:
        with SampleServer(web) as server:
            crawled = crawl(
                [f"https://{site.host}/" for site in web.sites], db=db, name="demo",
                allow_net=["127.0.0.0/8"], address_map=server.address_map(),
                progress=crawl_progress, min_delay=0.05, max_pages=0,
            )
    # PageRank only: harmonic centrality adds nothing the demo shows.
    ranked = rank(db=db, levels=("domain",), harmonic=False)[0]
    n_pages = sum(1 for _ in web.pages())
    return DemoResult(
        warc=warc, db=db, sites=len(web.sites), pages=n_pages, report=report, crawl=crawled,
        ranked=ranked, profile=profile(urls.registrable_domain(web.target_host), db=db),
    )
