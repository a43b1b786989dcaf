"""Diagnostic building for rule checks: source lines, did-you-mean suggestions, times."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import datetime

from analyzer.errors import Diagnostic, Location


class Checker:
    """Builds diagnostics with the offending source line attached; one per file set."""

    def __init__(self, sources: Mapping[str, Sequence[str]]) -> None:
        self.sources = sources

    def diag(self, code: str, message: str, at: Location, hint: str | None = None) -> Diagnostic:
        lines = self.sources.get(at.path, ())
        line = lines[at.line - 1] if at.line and 0 < at.line <= len(lines) else None
        return Diagnostic(code, message, at, hint, source_line=line)


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """`did you mean 'x'?` for the closest choice, if any is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time as rules and examples write it (`Z` allowed); naive means UTC."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
