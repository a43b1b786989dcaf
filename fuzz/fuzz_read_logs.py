"""Atheris harness: read_logs on arbitrary bytes, written to a temp file with a chosen suffix.

The first byte picks the suffix (so the corpus covers .log, .jsonl, .csv, .gz, .zip, .xlsx ...);
the rest is the file. Any exception, or a broken line accounting, is a crash.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris
import polars as pl

# Only our code is instrumented: instrumenting Polars' Python layer changes its behaviour.
with atheris.instrument_imports(include=["analyzer"]):
    from analyzer.readers import read_logs

from suffixes import SUFFIXES

_FOLDER = Path(tempfile.mkdtemp(prefix="certriage-fuzz-"))


def check(data: bytes) -> None:
    """Read `data[1:]` as a file named by `data[0]`; the accounting must hold."""
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = _FOLDER / f"bot-input{suffix}"
    path.write_bytes(data[1:])
    result = read_logs([path])
    for report in result.files:
        mine = result.events.filter(pl.col("source_file") == report.path)
        in_events = int(
            mine.select((pl.col("line_end").cast(pl.Int64) - pl.col("line") + 1).sum()).item()
        )
        total = in_events + report.unparsed_lines + report.skipped_lines
        assert report.lines == total, (report, in_events)
        assert report.events == mine.height, report
    internal = [d for d in result.diagnostics if d.code.startswith("internal.")]
    assert not internal, internal


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
