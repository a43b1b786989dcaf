"""The error vocabulary: located diagnostics and the one exception root every user-facing failure uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is: a file, and optionally a 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem a user can act on: what happened (message), where, and how to fix it (hint)."""

    code: str
    message: str
    location: Location
    hint: str | None = None
    severity: Severity = Severity.ERROR
    source_line: str | None = field(default=None, compare=False)

    def render(self) -> str:
        """`path:line:col: message`, then the source line with a caret, then the hint."""
        out = [f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"]
        if self.source_line is not None:
            out.append(f"    {self.source_line}")
            col = self.location.column or 1
            out.append("    " + " " * (col - 1) + "^")
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


class AnalyzerError(Exception):
    """Root of every error certriage reports to a user; carries one or more diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        self.diagnostics = diagnostics if isinstance(diagnostics, list) else [diagnostics]
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class InputError(AnalyzerError):
    """A log input could not be read at all."""


class RuleError(AnalyzerError):
    """A rule file has mistakes."""


class ConfigError(AnalyzerError):
    """A configuration file (formats, aliases, template mapping) has mistakes."""


class UsageError(AnalyzerError):
    """The command line asks for something impossible."""
