"""'linkatlas report': one self-contained HTML file with the profile, charts, risks, authority."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkatlas import api
from linkatlas.cli import app
from linkatlas.report import charts
from linkatlas.report import html as report_html
from web_support import sample_index, structure

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db, target, _web = sample_index(tmp_path_factory.mktemp("report"))
    return db, target


def test_cli_writes_one_self_contained_file(built: tuple[Path, str], tmp_path: Path) -> None:
    db, target = built
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", target, "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    doc = structure(text)
    assert not any(t in ("script", "link", "img", "iframe") for t, _ in doc.tags)
    assert all(u.startswith(("http://", "https://")) for _t, _a, u in doc.urls)  # links only
    assert text.count("<svg") == 6 and "<style>" in text
    prof = api.profile(target, db=db)
    assert f'<div class="n">{prof.refdomains:,}</div>referring domains' in text
    assert "Top risks" in text and "disavow candidate" in text  # the sample's link network
    assert "scores <b>" in text  # authority: the fixture ranked the domain graph
    assert "Ask for an editorial link" in text or "Review sitewide links" in text


def test_report_of_a_target_with_no_links_still_renders(built: tuple[Path, str]) -> None:
    db, _ = built
    text = api.report_html("nobody-links-here.example", db=db)
    assert "no data" in text and "None found in the index today." in text


def test_bad_output_and_target_are_one_line_errors(built: tuple[Path, str],
                                                   tmp_path: Path) -> None:
    db, target = built
    r = runner.invoke(app, ["report", target, "-o", str(tmp_path), "--db", str(db)])
    assert r.exit_code != 0 and "is a directory" in str(r.exception or r.output)
    r = runner.invoke(app, ["report", "no..such", "-o", str(tmp_path / "x.html"),
                            "--db", str(db)])
    assert r.exit_code != 0 and not (tmp_path / "x.html").exists()


def test_charts_scale_and_total() -> None:
    bars = charts.hbar("t", [("a", 10.0), ("b", 5.0)])
    widths = [float(w) for w in __import__("re").findall(r'<rect x="190" y="\d+" width="([\d.]+)"',
                                                         bars)]
    assert len(widths) == 2 and abs(widths[0] - 2 * widths[1]) < 0.2
    share = charts.share_bar("t", [("x", 1.0), ("y", 3.0)])
    assert "x: 1 (25.0%)" in share and "y: 3 (75.0%)" in share
    weeks = [(_dt.date(2024, 1, 1) + _dt.timedelta(weeks=i), 2.0) for i in range(5)]
    area = charts.weekly_area("t", weeks)
    assert "2024-01-29: 10" in area  # running total of referring domains
    assert report_html.style_hash().startswith("'sha256-")
