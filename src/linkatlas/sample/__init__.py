"""The sample web: a deterministic small web in one niche (home coffee roasting) for demos,
tests and benchmarks.

``build(seed, version)`` makes it (sites, pages, statuses, headers, robots.txt, sitemaps, and
the ground truth of every page's links); ``write_warc(web, path)`` writes it as a gzipped WARC.
See ``docs/sample-web.md`` for the sites and the cases they exercise.
"""

from linkatlas.sample.generate import build
from linkatlas.sample.warcwriter import write_warc
from linkatlas.sample.web import Change, ExpectedLink, SamplePage, SampleSite, SampleWeb

__all__ = ["Change", "ExpectedLink", "SamplePage", "SampleSite", "SampleWeb", "build",
           "write_warc"]
