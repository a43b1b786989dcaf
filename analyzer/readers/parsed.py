"""The hand-over from a format parser to normalisation: rows by source field name, accounting."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from analyzer.errors import Diagnostic, Location, Severity

# Columns every parsed frame carries, whatever its format.
ROW = "_row"
BASE_COLUMNS = (ROW, "line", "line_end", "raw")


@dataclass
class Parsed:
    """What one format parser made of one file.

    `frame` has `_row`, `line`, `line_end`, `raw` (and usually `message`) plus one column per source
    field under its source name; `pairs` (`_row`, `key`, `value`) carries key=value pairs found in
    free text. `unparsed` and `skipped` count lines in no event.
    """

    frame: pl.DataFrame
    lines: int
    format: str
    unparsed: int = 0
    skipped: int = 0
    skipped_reason: str | None = None
    pairs: pl.DataFrame | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    detail: str | None = None  # e.g. the dominant text layout, shown next to the format


def no_rows() -> pl.DataFrame:
    """A parsed frame with no rows (an unreadable table or workbook)."""
    return pl.DataFrame(
        schema={ROW: pl.UInt32, "line": pl.UInt32, "line_end": pl.UInt32, "raw": pl.String}
    )


def line_problem(
    path: str,
    line: int,
    code: str,
    message: str,
    hint: str | None = None,
    *,
    severity: Severity = Severity.WARNING,
) -> Diagnostic:
    """A diagnostic pointing at one line of an input file."""
    return Diagnostic(
        code=code, message=message, location=Location(path, line), hint=hint, severity=severity
    )


def numbered_lines(text: str) -> pl.DataFrame:
    """One row per physical line: `line` (1-based) and `raw` without its line terminator."""
    if not text:
        return pl.DataFrame({"raw": [], "line": []}, schema={"raw": pl.String, "line": pl.UInt32})
    # str.split in Python then one Series: faster than Polars' split + explode on one huge string.
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()
    frame = pl.DataFrame({"raw": parts}, schema={"raw": pl.String})
    return frame.with_columns(
        pl.col("raw").str.strip_suffix("\r"),
        pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("line"),
    )


def count_lines(text: str) -> int:
    """Physical lines in `text`, a last line without its terminator included."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)
