"""Shared helpers for the reader tests: write an input into a temporary folder and read it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analyzer.readers import FileReport, ReadOptions, ReadResult, read_logs
from analyzer.schema import EVENT_SCHEMA

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "readers"


def lines_in_events(events: pl.DataFrame, path: str) -> int:
    """Sum over one file's events of line_end - line + 1."""
    mine = events.filter(pl.col("source_file") == path)
    return int(mine.select((pl.col("line_end").cast(pl.Int64) - pl.col("line") + 1).sum()).item())


def assert_accounted(result: ReadResult) -> None:
    """The accounting invariant of LOG_FORMATS.md, for every file of a result."""
    for report in result.files:
        in_events = lines_in_events(result.events, report.path)
        assert report.lines == in_events + report.unparsed_lines + report.skipped_lines, report
        assert report.events == result.events.filter(pl.col("source_file") == report.path).height
    assert result.events.schema == pl.Schema(EVENT_SCHEMA)
    assert not [d for d in result.diagnostics if d.code.startswith("internal.")]
    for fields in result.events["fields"].drop_nulls():
        assert isinstance(json.loads(fields), dict)


def first_row(result: ReadResult) -> dict[str, Any]:
    return result.events.row(0, named=True)


@pytest.fixture
def read_text(tmp_path: Path) -> Callable[..., ReadResult]:
    """Write `content` (str or bytes) as `name` and read it with the given options."""

    def _read(name: str, content: str | bytes, **options: Any) -> ReadResult:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        result = read_logs([path], ReadOptions(**options))
        assert_accounted(result)
        return result

    return _read


def only(result: ReadResult) -> FileReport:
    assert len(result.files) == 1, result.files
    return result.files[0]
