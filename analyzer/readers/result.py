"""What reading takes and produces: options, one report per input file, the combined result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from analyzer.errors import Diagnostic
from analyzer.schema import Kind


@dataclass(frozen=True)
class ReadOptions:
    """How to read: a kind forced on every input, the zone of zone-less times, a formats file."""

    kind: Kind | None = None
    tz: str = "UTC"
    formats_file: Path | None = None


@dataclass
class FileReport:
    """One input file (an archive member is its own file) and how every one of its lines was used.

    Invariant: lines == lines inside events + unparsed_lines + skipped_lines.
    """

    path: str
    kind: Kind
    format: str
    confidence: str
    lines: int
    events: int
    unparsed_lines: int
    skipped_lines: int
    skipped: str | None
    problems: list[Diagnostic] = field(default_factory=list)


@dataclass
class ReadResult:
    """The canonical events of every input, sorted by source_file then line, and the accounting."""

    events: pl.DataFrame
    files: list[FileReport]
    diagnostics: list[Diagnostic]
    tz: str

    @property
    def nothing_read(self) -> bool:
        """True when no input yielded a single line."""
        return all(report.lines == 0 for report in self.files)
