"""Hostname spam score evaluation on WEBSPAM-UK2007 SET1 (shared by the test and the docs).

Spam vs nonspam hosts (undecided left out), scored by ``audit.hostname.score_host`` from the
hostname alone; AUC by ranks (Mann-Whitney U, ties counted half). ``python tests/hostspam_eval.py``
prints the AUC, the AUC of each signal alone and the AUC without each, for docs/audit-hosts.md.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from linkatlas.audit import hostname
from linkatlas.audit.hostname import (
    HostFeatures,
    host_features,
    name_signals,
    points_to_score,
    score_host,
)

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


# Each measure behind a signal as a raw number (for the "alone" column of the ablation).
MEASURES: dict[str, Callable[[HostFeatures], float]] = {
    "keywords": lambda f: 2 * len(f.keywords) + len(f.bait),
    "hyphens": lambda f: f.hyphens,
    "digits": lambda f: f.digits,
    "length": lambda f: f.label_length,
    "depth": lambda f: f.subdomain.count(".") + 1 if f.subdomain else 0,
    "long subdomain": lambda f: len(f.subdomain),
    "random": lambda f: f.longest_consonant_run if f.label_length >= 8 else 0,
    "tld": lambda f: f.tld in hostname.RISKY_TLDS,
    "idn": lambda f: f.is_idn,
    "ip": lambda f: f.is_ip,
    "www variant": lambda f: f.www_variant,
    "restricted": lambda f: not f.restricted,
}


def ablation(rows: Sequence[tuple[str, bool]]) -> dict[str, tuple[float, float, int]]:
    """Per signal: AUC of its measure alone, AUC of the score without it, hosts it fires on."""
    feats = [host_features(h) for h, _ in rows]
    labels = [s for _, s in rows]
    fired = [name_signals(f) for f in feats]
    out: dict[str, tuple[float, float, int]] = {}
    for name, measure in MEASURES.items():
        alone = rank_auc([float(measure(f)) for f in feats], labels)
        without = [points_to_score(sum(s.points for s in sig if s.name != name)) for sig in fired]
        hits = sum(any(s.name == name for s in sig) for sig in fired)
        out[name] = (alone, rank_auc(without, labels), hits)
    return out


def fitted_auc(rows: Sequence[tuple[str, bool]], folds: int = 5) -> float:
    """Out-of-fold AUC of a logistic regression fitted on the signals' points (k folds,
    grouped by registrable domain so www1/www2 of one site never straddle a split): how much a
    fitted weighting could add over the hand-set one."""
    names = list(MEASURES)
    feats = [host_features(h) for h, _ in rows]
    x = np.zeros((len(rows), len(names) + 1))
    x[:, -1] = 1.0
    for i, f in enumerate(feats):
        for sig in name_signals(f):
            x[i, names.index(sig.name)] += sig.points / 10.0
    y = np.array([s for _, s in rows], dtype=float)
    fold = np.array([zlib.crc32(f.domain.encode()) % folds for f in feats])
    oof = np.zeros(len(rows))
    for k in range(folds):
        train = fold != k
        w = _logistic(x[train], y[train])
        oof[~train] = x[~train] @ w
    return rank_auc(oof.tolist(), [bool(v) for v in y])


def _logistic(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], l2: float = 1.0) -> Any:
    """L2-regularised logistic regression by Newton's method (small dense problem)."""
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main(folder: Path) -> None:
    """Print the AUC, class counts and the per-signal ablation."""
    rows = load(folder)
    spam = sum(s for _, s in rows)
    print(f"hosts: {len(rows)} ({spam} spam, {len(rows) - spam} nonspam)")
    print(f"score_host AUC: {score_auc(rows):.4f}")
    print(f"fitted logistic regression, 5-fold out-of-fold AUC: {fitted_auc(rows):.4f}")
    print("| signal | fires on | AUC alone | AUC without |")
    print("|---|---:|---:|---:|")
    for name, (alone, without, hits) in ablation(rows).items():
        print(f"| {name} | {hits} | {alone:.3f} | {without:.3f} |")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared/fixtures/spam/webspam-uk2007-set1"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
