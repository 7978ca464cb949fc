"""The one CSV writer: every OWASP/ASVS vector neutralised, visible text round-trips."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fixture_path
from linkatlas import api
from linkatlas.report import csvout

VECTORS = "conformance/csv-injection/csv_injection_vectors.json"
# What a spreadsheet could take for a formula: the union of both rule sets, and fullwidth forms.
DANGEROUS_START = tuple("=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20")


def _vectors() -> dict[str, object]:
    data: dict[str, object] = json.loads(fixture_path(VECTORS).read_text(encoding="utf-8"))
    return data


def _one_cell(value: object) -> str:
    buf = io.StringIO()
    csvout.write_rows(buf, ["v"], [[value]])
    return buf.getvalue()


def test_every_fixture_vector_is_neutralised_and_round_trips() -> None:
    vectors = _vectors()["vectors"]
    assert isinstance(vectors, list) and len(vectors) == 19
    safe = 0
    for vec in vectors:
        value = vec["value"]
        text = _one_cell(value)
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 2, vec["note"]  # an embedded newline stays inside one field
        seen = rows[1][0]
        # What a spreadsheet sees, even one that trims leading spaces, starts with no trigger.
        assert not seen.lstrip(" ").startswith(DANGEROUS_START), vec["note"]
        if vec["leading_trigger_owasp"] or vec["leading_trigger_asvs"]:
            assert seen == "'" + value, vec["note"]
        # Read back through the writer's reader: the original text exactly.
        assert list(csvout.read_rows(io.StringIO(text)))[1] == [value], vec["note"]
        safe += 1
    assert safe == 19


def test_owasp_examples_byte_for_byte() -> None:
    for example in _vectors()["owasp_examples"]:  # type: ignore[attr-defined]
        assert _one_cell(example["input"]).splitlines()[1] == example["escaped_output"]


def test_numbers_stay_numbers_and_text_numbers_are_text() -> None:
    buf = io.StringIO()
    csvout.write_rows(buf, ["n", "x", "t", "b", "none"], [[-3, -2.5, "-3", True, None]])
    line = buf.getvalue().splitlines()[1]
    assert line == "-3,-2.5,\"'-3\",\"True\",\"\""
    assert next(csv.reader(io.StringIO(line)))[:2] == ["-3", "-2.5"]


@pytest.mark.parametrize(
    "value",
    ["'=1", "''=1", "'", "'plain", " ' =x", "  -", "x=1", "", "'\t", "ok'=", "\uff20x"],
)
def test_restore_inverts_neutralise(value: str) -> None:
    assert csvout.restore(csvout.neutralise(value)) == value


def test_records_lists_and_dates() -> None:
    import datetime as dt
    from dataclasses import dataclass

    @dataclass
    class Row:
        name: str
        tags: tuple[str, ...]
        at: dt.datetime

    buf = io.StringIO()
    n = csvout.write_records(buf, [Row("=x", ("a", "b"), dt.datetime(2026, 1, 2, tzinfo=dt.UTC))])
    assert n == 1
    assert buf.getvalue() == '"name","tags","at"\n"\'=x","a b","2026-01-02T00:00:00+00:00"\n'


def test_pattern_agrees_with_arrow_regex() -> None:
    """store applies FORMULA_PATTERN with RE2 (Arrow); it must act as neutralise does."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = [v["value"] for v in _vectors()["vectors"]]  # type: ignore[attr-defined]
    values += ["'=1", "''@", "ok", "", " -1", "é=", "'plain"]
    got = pc.replace_substring_regex(
        pa.array(values), pattern=csvout.FORMULA_PATTERN, replacement="'\\1", max_replacements=1
    ).to_pylist()
    assert got == [csvout.neutralise(v) for v in values]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index whose anchors and titles are formula payloads (written through the store)."""
    from linkatlas.store import Index
    from store_gen import gen_batch

    pages, links = gen_batch(3, 4, 6)
    payloads = [v["value"] for v in _vectors()["vectors"]]  # type: ignore[attr-defined]
    for i, link in enumerate(links):
        link.anchor = payloads[i % len(payloads)]
    for i, page in enumerate(pages):
        page.title = payloads[(i + 5) % len(payloads)]
    db = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    with Index(db) as ix:
        ix.write(pages, links)
    return db


def _export(db: Path, what: str, *, guard: bool = True) -> str:
    buf = io.BytesIO()
    api.export(what, fmt="csv", stream=buf, db=db, formula_guard=guard)  # type: ignore[arg-type]
    return buf.getvalue().decode()


def test_export_csv_is_safe_and_restores(hostile_db: Path) -> None:
    for what, column in (("links", "anchor"), ("pages", "title")):
        safe = _export(hostile_db, what)
        header, *rows = list(csv.reader(io.StringIO(safe)))
        col = header.index(column)
        assert rows and all(not r[col].lstrip(" ").startswith(DANGEROUS_START) for r in rows)
        raw = list(csv.reader(io.StringIO(_export(hostile_db, what, guard=False))))
        assert any(r[col].startswith(DANGEROUS_START) for r in raw[1:])
        # The raw export is what the index holds; the safe one restores to exactly that.
        assert list(csvout.read_rows(io.StringIO(safe))) == raw


def test_cli_backlinks_csv_is_safe(hostile_db: Path) -> None:
    from typer.testing import CliRunner

    from linkatlas.cli import app

    first = next(csv.DictReader(io.StringIO(_export(hostile_db, "links", guard=False))))
    res = CliRunner().invoke(app, ["backlinks", first["target_domain"], "--db", str(hostile_db),
                                   "-f", "csv", "--internal"])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    col = rows[0].index("anchor")
    assert len(rows) > 1
    assert all(not r[col].lstrip(" ").startswith(DANGEROUS_START) for r in rows[1:])
    assert any(r[col].startswith("'") for r in rows[1:])


def test_cli_export_raw_option(hostile_db: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "linkatlas", "export", "--what", "pages", "--format", "csv",
         "--db", str(hostile_db), "--csv-raw"], capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    titles = [r["title"] for r in csv.DictReader(io.StringIO(res.stdout))]
    assert any(t.startswith(DANGEROUS_START) for t in titles)
