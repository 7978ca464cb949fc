"""Charts as inline SVG strings, drawn in Python: no JavaScript, no CDN, CSP-friendly.

Every function takes labelled numbers and returns one ``<svg>`` element whose text is escaped
here (labels come from the index, i.e. from the web, i.e. from strangers). Colours come from
class names styled by the page's CSS, with a fallback ``fill`` so a lone SVG still reads.
No ``style`` attributes: a strict Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from html import escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096", "#d69e2e",
           "#319795", "#e53e3e", "#4a5568")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
            f' width="{width}" height="{height}" role="img" aria-label="{_e(title)}">'
            f"<title>{_e(title)}</title>{''.join(body)}</svg>")


def _clip(label: str, n: int = 28) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def empty(title: str, width: int = 480, height: int = 60) -> str:
    """A placeholder chart saying there is nothing to draw."""
    return _svg(width, height, title, [
        f'<text x="8" y="{height // 2}" class="muted" fill="#718096">no data</text>'])


def hbar(title: str, items: Sequence[tuple[str, float]], *, width: int = 480,
         unit: str = "") -> str:
    """Horizontal bars, one per (label, value), in the order given."""
    if not items or max(v for _, v in items) <= 0:
        return empty(title, width)
    row, label_w, top = 22, 190, 6
    height = top + row * len(items) + 4
    peak = max(v for _, v in items)
    bar_w = width - label_w - 70
    body: list[str] = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = max(1.0, bar_w * value / peak) if value > 0 else 0.0
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="label">'
            f"{_e(_clip(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'class="c0" fill="{PALETTE[0]}"><title>{_e(label)}: {_num(value)}{_e(unit)}</title>'
            f"</rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" class="value">{_num(value)}</text>')
    return _svg(width, height, title, body)


def share_bar(title: str, parts: Sequence[tuple[str, float]], *, width: int = 480) -> str:
    """One 100% bar split into the parts, with a legend: a donut's information, read linearly."""
    total = sum(v for _, v in parts if v > 0)
    if total <= 0:
        return empty(title, width)
    x, body = 0.0, []
    legend_rows = (len(parts) + 2) // 3
    for i, (label, value) in enumerate(parts):
        if value <= 0:
            continue
        w = width * value / total
        cls = i % len(PALETTE)
        body.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="26" class="c{cls}" '
                    f'fill="{PALETTE[cls]}"><title>{_e(label)}: {_num(value)} '
                    f"({100 * value / total:.1f}%)</title></rect>")
        x += w
    for i, (label, value) in enumerate(parts):
        lx, ly = (i % 3) * (width // 3), 46 + (i // 3) * 18
        cls = i % len(PALETTE)
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="10" height="10" class="c{cls}" '
                    f'fill="{PALETTE[cls]}"></rect><text x="{lx + 14}" y="{ly}" class="label">'
                    f"{_e(_clip(label, 18))} {100 * value / total:.0f}%</text>")
    return _svg(width, 40 + legend_rows * 18, title, body)


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                 *, width: int = 480) -> str:
    """Vertical bars per label, each stacked from the series (name, one value per label)."""
    if not labels or not series:
        return empty(title, width)
    totals = [sum(max(0.0, s[1][i]) for s in series) for i in range(len(labels))]
    peak = max(totals)
    if peak <= 0:
        return empty(title, width)
    left, top, plot_h, bottom = 40, 8, 150, 60
    slot = (width - left) / len(labels)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" '
            f'class="axis" stroke="#a0aec0"></line>',
            f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" class="value">'
            f"{_num(peak)}</text>"]
    for i, label in enumerate(labels):
        y = float(top + plot_h)
        x = left + i * slot + slot * 0.15
        for j, (name, values) in enumerate(series):
            h = plot_h * max(0.0, values[i]) / peak
            y -= h
            cls = j % len(PALETTE)
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                        f'height="{h:.1f}" class="c{cls}" fill="{PALETTE[cls]}"><title>'
                        f"{_e(label)} {_e(name)}: {_num(values[i])}</title></rect>")
        body.append(f'<text x="{x + slot * 0.35:.1f}" y="{top + plot_h + 14}" '
                    f'text-anchor="middle" class="label">{_e(_clip(label, 10))}</text>')
    for j, (name, _values) in enumerate(series):
        lx = left + j * 110
        cls = j % len(PALETTE)
        body.append(f'<rect x="{lx}" y="{top + plot_h + 30}" width="10" height="10" '
                    f'class="c{cls}" fill="{PALETTE[cls]}"></rect><text x="{lx + 14}" '
                    f'y="{top + plot_h + 40}" class="label">{_e(_clip(name, 14))}</text>')
    return _svg(width, top + plot_h + bottom, title, body)


def weekly_area(title: str, weeks: Sequence[tuple[_dt.date, float]], *, width: int = 480,
                cumulative: bool = True) -> str:
    """A line with a filled area over weeks (running total when ``cumulative``)."""
    if not weeks:
        return empty(title, width)
    values, run = [], 0.0
    for _week, v in weeks:
        run = run + v if cumulative else v
        values.append(run)
    peak = max(max(values), 1.0)
    left, top, plot_h = 40, 8, 140
    plot_w = width - left - 10
    step = plot_w / max(1, len(values) - 1)
    pts = [(left + i * step, top + plot_h - plot_h * v / peak) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    area = f"{left},{top + plot_h} {line} {pts[-1][0]:.1f},{top + plot_h}"
    body = [f'<polygon points="{area}" class="area" fill="#bee3f8"></polygon>',
            f'<polyline points="{line}" class="line" fill="none" stroke="{PALETTE[0]}" '
            f'stroke-width="2"></polyline>',
            f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
            f'class="axis" stroke="#a0aec0"></line>',
            f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" class="value">'
            f"{_num(peak)}</text>",
            f'<text x="{left}" y="{top + plot_h + 16}" class="label">'
            f"{_e(weeks[0][0].isoformat())}</text>",
            f'<text x="{width - 10}" y="{top + plot_h + 16}" text-anchor="end" class="label">'
            f"{_e(weeks[-1][0].isoformat())}</text>"]
    for (week, _v), (x, y), total in zip(weeks, pts, values, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="dot" fill="{PALETTE[0]}">'
                    f"<title>{_e(week.isoformat())}: {_num(total)}</title></circle>")
    return _svg(width, top + plot_h + 24, title, body)
