"""open_path: format detection by content, and one clear SourceError for what is not an archive."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from conftest import fixture_path
from linkatlas import sources
from linkatlas.errors import SourceError
from linkatlas.extract.wat import WatRecord
from linkatlas.model import Capture, Skipped


@pytest.mark.parametrize(
    ("relative", "fmt"),
    [
        ("warc/warc-samples/iana.warc.gz", "warc"),
        ("warc/cc-wat-link-extraction-tests/link-extraction-test.warc", "warc"),
        ("warc/cc-whirlwind/whirlwind.warc.wat.gz", "wat"),
        ("warc/cc-whirlwind/whirlwind.warc.wet.gz", "warc"),
        ("warc/warc-samples/example.arc.gz", "arc"),
        ("conformance/warcio-torture/standard-torture-validate-field.warc", "warc"),
    ],
)
def test_detect_by_content(relative: str, fmt: str, tmp_path: Path) -> None:
    path = fixture_path(relative)
    assert sources.detect(path) == fmt
    renamed = tmp_path / "no-extension"
    renamed.write_bytes(path.read_bytes())
    assert sources.detect(renamed) == fmt  # the name plays no part


def test_plain_arc_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "x.arc"
    path.write_bytes(gzip.decompress(fixture_path("warc/warc-samples/example.arc.gz").read_bytes()))
    out = list(sources.open_path(path))
    assert [type(r) for r in out] == [Capture]


def _one_line(exc: pytest.ExceptionInfo[SourceError]) -> str:
    message = str(exc.value)
    assert message and "\n" not in message
    return message


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        sources.open_path(tmp_path / "nope.warc.gz")
    assert "no such file" in _one_line(exc)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        sources.open_path(tmp_path)
    assert "directory" in _one_line(exc)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<html><body>not an archive</body></html>",
        gzip.compress(b"just some gzipped text\n" * 10),
        b"\x1f\x8b\x08\x00garbage-after-a-gzip-magic",
        b"\x00\x01\x02\x03" * 100,
    ],
)
def test_not_an_archive(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "file.warc.gz"
    path.write_bytes(content)
    with pytest.raises(SourceError) as exc:
        sources.open_path(path)
    assert str(path) in _one_line(exc)


@pytest.mark.parametrize("reader", [sources.read_warc, sources.read_wat, sources.read_arc])
def test_readers_raise_at_call_time_for_a_missing_file(reader: object, tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        reader(tmp_path / "missing")  # type: ignore[operator]


def test_open_path_dispatches_by_type() -> None:
    wat = list(sources.open_path(fixture_path("warc/cc-whirlwind/whirlwind.warc.wat.gz")))
    assert wat and all(isinstance(r, WatRecord | Skipped) for r in wat)
    warc = list(sources.open_path(fixture_path("warc/cc-whirlwind/whirlwind.warc.gz")))
    assert [type(r) for r in warc] == [Capture]
