"""Child process for the store durability and lock tests (run as a script, never imported).

``write DB``: writes numbered batches of generated links until killed, printing
"committed N" after each commit. ``hold DB``: opens the index for writing, prints "ready" and
waits, to hold DuckDB's writer lock.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from linkatlas.store import Index
from store_gen import gen_batch

PAGES_PER_BATCH = 40
LINKS_PER_PAGE = 25


def main(mode: str, db: str, start: int) -> None:
    """Run the child: 'write' batches forever, or 'hold' the writer lock."""
    with Index(db) as ix:
        if mode == "hold":
            print("ready", flush=True)
            time.sleep(60)
            return
        ix.begin_run([f"child-{start}"])
        batch = start
        while True:
            pages, links = gen_batch(
                batch, PAGES_PER_BATCH, LINKS_PER_PAGE, observed_in=f"batch-{batch}"
            )
            ix.write(pages, links)
            print(f"committed {batch}", flush=True)
            batch += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
