"""Readers: every exported log (folders, archives, JSON, tables, text) into one canonical frame."""

from __future__ import annotations

from analyzer.readers.intake import read_logs
from analyzer.readers.result import FileReport, ReadOptions, ReadResult

__all__ = ["FileReport", "ReadOptions", "ReadResult", "read_logs"]
