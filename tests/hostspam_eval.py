"""Hostname spam score evaluation on WEBSPAM-UK2007 SET1 (shared by the test and the docs).

Spam vs nonspam hosts (undecided left out), scored by ``audit.hostname.score_host`` from the
hostname alone; AUC by ranks (Mann-Whitney U, ties counted half). ``python tests/hostspam_eval.py``
prints the AUC, the AUC of each signal alone and the AUC without each, for docs/audit-hosts.md.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from linkatlas.audit import hostname
from linkatlas.audit.hostname import HostFeatures, host_features, score_host

LABELS = "WEBSPAM-UK2007-SET1-labels.txt"
HOSTNAMES = "WEBSPAM-UK2007-hostnames.txt.gz"


def load(folder: Path) -> list[tuple[str, bool]]:
    """(hostname, is_spam) for every SET1 host labelled spam or nonspam."""
    names: dict[str, str] = {}
    with gzip.open(folder / HOSTNAMES, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                names[parts[0]] = parts[1]
    out: list[tuple[str, bool]] = []
    with open(folder / LABELS, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1] in ("spam", "nonspam"):
                out.append((names[parts[0]], parts[1] == "spam"))
    return out


def rank_auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Area under the ROC curve from ranks: P(score of a positive > score of a negative)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # tied scores share their mean rank
        i = j + 1
    n_pos = sum(positive)
    n_neg = len(positive) - n_pos
    if not n_pos or not n_neg:
        raise ValueError("AUC needs both positives and negatives")
    rank_sum = sum(r for r, p in zip(ranks, positive, strict=True) if p)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def score_auc(rows: Sequence[tuple[str, bool]]) -> float:
    """AUC of score_host on labelled hosts."""
    return rank_auc([score_host(h).score for h, _ in rows], [s for _, s in rows])


# Each signal of the score as a numeric feature of its own (for the ablation table).
SIGNALS: dict[str, Callable[[HostFeatures], float]] = {
    "spam-niche keywords": lambda f: len(f.keywords),
    "sales-bait keywords": lambda f: len(f.bait),
    "open registry": lambda f: not f.restricted,
    "hyphens": lambda f: f.hyphens,
    "digits": lambda f: f.digits,
    "label length": lambda f: f.label_length,
    "host length": lambda f: f.host_length,
    "subdomain levels": lambda f: f.subdomain.count(".") + 1 if f.subdomain else 0,
    "random-looking": lambda f: f.longest_consonant_run,
    "risky TLD": lambda f: f.tld in hostname.RISKY_TLDS,
    "IDN": lambda f: f.is_idn,
    "IP literal": lambda f: f.is_ip,
    "www variant": lambda f: f.www_variant,
}


def ablation(rows: Sequence[tuple[str, bool]]) -> dict[str, float]:
    """AUC of each signal alone, as a raw feature value."""
    feats = [host_features(h) for h, _ in rows]
    labels = [s for _, s in rows]
    return {name: rank_auc([float(fn(f)) for f in feats], labels) for name, fn in SIGNALS.items()}


def main(folder: Path) -> None:
    """Print the AUC, class counts and the per-signal ablation."""
    rows = load(folder)
    spam = sum(s for _, s in rows)
    print(f"hosts: {len(rows)} ({spam} spam, {len(rows) - spam} nonspam)")
    print(f"score_host AUC: {score_auc(rows):.4f}")
    for name, auc in ablation(rows).items():
        print(f"  {name:18s} alone {auc:.4f}")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared/fixtures/spam/webspam-uk2007-set1"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
