"""The Python API for notebooks: read logs into the canonical frame, analyse them into a Report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import polars as pl

from analyzer.models import Report
from analyzer.pipeline import Analysis, AnalyzeOptions, analyze_paths
from analyzer.readers import ReadOptions, read_logs
from analyzer.schema import Kind

__all__ = ["Analysis", "Report", "analyze", "read_events"]


def read_events(
    paths: Sequence[str | Path], *, kind: Kind | None = None, tz: str = "UTC"
) -> pl.DataFrame:
    """Every event of the given logs as one canonical Polars frame (see `analyzer.schema.EVENT_SCHEMA`)."""
    return read_logs(paths, ReadOptions(kind=kind, tz=tz)).events


def analyze(
    paths: Sequence[str | Path],
    *,
    rules: Sequence[Path] | None = None,
    tz: str = "UTC",
    link_window: timedelta = timedelta(minutes=15),
    pending_after: timedelta = timedelta(hours=24),
    redact: bool = True,
) -> Analysis:
    """Analyse logs: `.report` is the pydantic Report, `.verdicts` the verdicts as a Polars frame."""
    options = AnalyzeOptions(
        rules=rules, tz=tz, link_window=link_window, pending_after=pending_after, redact=redact
    )
    return analyze_paths(paths, options)
