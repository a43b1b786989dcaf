"""The hand-over from a format parser to normalisation: rows by source field name, accounting."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from analyzer.errors import Diagnostic, Location, Severity

# Columns every parsed frame carries, whatever its format.
ROW = "_row"
BASE_COLUMNS = (ROW, "line", "line_end", "raw")
# A source field named like one of those columns (`line` is common in JSON logs) is renamed with
# this prefix before it joins them; normalisation gives it its own name back in `fields`.
CLASH_PREFIX = "_src."
# A longer line is cut to this many characters before parsing: no log line is that long, and a
# 50 MB line otherwise costs ~30x its size in copies through regexes, events and rules.
MAX_LINE_CHARS = 1 << 20


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


def without_clashes(fields: pl.DataFrame) -> pl.DataFrame:
    """`fields` (one column per source field) with no column named like a BASE_COLUMNS one.

    Names already starting with CLASH_PREFIX get it once more, so that removing it once always
    gives every field its own name back."""
    renames = {
        name: CLASH_PREFIX + name
        for name in fields.columns
        if name in BASE_COLUMNS or name.startswith(CLASH_PREFIX)
    }
    return fields.rename(renames) if renames else fields


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
    del parts
    if "\r" in text:  # a cheap scan that spares a copy of every line when there is no CR
        frame = frame.with_columns(pl.col("raw").str.strip_suffix("\r"))
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("line"))


def count_lines(text: str) -> int:
    """Physical lines in `text`, a last line without its terminator included."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def clip_long_lines(text: str, limit: int = MAX_LINE_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """`text` with every line longer than `limit` cut to its first `limit` characters, and the
    (line number, length) of each cut line. Lines stay lines: accounting does not change."""
    if len(text) <= limit:
        return text, []
    pieces: list[str] = []
    cut: list[tuple[int, int]] = []
    start = kept_from = counted_to = 0
    line = 1
    while len(text) - start > limit:
        # Every line starting before the last newline of this window is short enough: skip them.
        newline = text.rfind("\n", start, start + limit + 1)
        if newline != -1:
            start = newline + 1
            continue
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line += text.count("\n", counted_to, start)
        counted_to = start
        pieces.append(text[kept_from : start + limit])
        cut.append((line, end - start))
        kept_from = end
        start = end + 1
    if not cut:
        return text, []
    pieces.append(text[kept_from:])
    return "".join(pieces), cut
