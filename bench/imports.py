"""Vendor export import speed: synthetic Ahrefs backlinks exports (UTF-16 LE TSV with BOM, the
format Ahrefs writes) of growing size, read alone, imported into a fresh index, imported again
(an idempotent re-merge), and, for scale, read by pandas.read_csv (parsing only, no URL
normalisation or records). Run: ``python bench/imports.py [rows ...]``; prints a Markdown table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from linkatlas import api
from linkatlas.sources.imports import Section, open_export

HEADER = ["Referring page title", "Referring page URL", "Language", "Domain rating", "UR",
          "Target URL", "Left context", "Anchor", "Right context", "Type", "Nofollow", "UGC",
          "Sponsored", "First seen", "Last seen"]


def write_sample(path: Path, rows: int) -> None:
    """A synthetic Ahrefs backlinks export: 1 in 5 rows nofollow, 1 in 20 image links."""
    lines = ["\t".join(HEADER)]
    for i in range(rows):
        kind = "image" if i % 20 == 0 else "text"
        lines.append("\t".join([
            f"Page {i}", f"https://site{i % 5000}.example.org/post/{i}", "en", str(i % 90),
            str(i % 40), f"https://example.com/page/{i % 300}", "see", f"anchor text {i % 700}",
            "more", kind, "true" if i % 5 == 0 else "false", "false", "false",
            f"2023-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00:00", "2024-04-30 12:00:00",
        ]))
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))


def timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def read_all(path: Path) -> int:
    n = 0
    for section in open_export(path):
        if isinstance(section, Section):
            for _ in section.records:
                n += 1
    return n


def main(sizes: list[int]) -> None:
    import pandas

    print("| rows | MB | read (rows/s) | import (rows/s) | re-import (rows/s) | pandas.read_csv "
          "(rows/s) | import / pandas |")
    print("|---|---|---|---|---|---|---|")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "example.com-backlinks-subdomains.csv"
            write_sample(path, rows)
            db = Path(tmp) / "index.duckdb"
            t_read = timed(lambda: read_all(path))  # noqa: B023
            t_import = timed(lambda: api.import_file(path, db=db))  # noqa: B023
            t_again = timed(lambda: api.import_file(path, db=db))  # noqa: B023
            t_pandas = timed(lambda: pandas.read_csv(path, encoding="utf-16", sep="\t"))  # noqa: B023
            size = path.stat().st_size / 1e6
            print(f"| {rows:,} | {size:.0f} | {rows / t_read:,.0f} | {rows / t_import:,.0f} | "
                  f"{rows / t_again:,.0f} | {rows / t_pandas:,.0f} | "
                  f"{t_pandas / t_import:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [25_000, 100_000, 200_000])
