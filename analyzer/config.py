"""The user's declarative formats file (extra aliases, extra text layouts), validated on load."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analyzer.errors import ConfigError, Diagnostic, Location
from analyzer.schema import EVENT_SCHEMA, Kind, State

# Columns a user may alias: every canonical column the reader does not own itself.
ALIASABLE = frozenset(EVENT_SCHEMA) - {
    "source_file",
    "line",
    "line_end",
    "kind",
    "format",
    "raw",
    "fields",
    "state",
}
_GROUP = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")


class TextLayout(BaseModel):
    """A text line layout: a Rust-syntax regex whose named groups become fields."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    pattern: str = Field(min_length=1)
    kind: Kind | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        # Polars runs Rust regex: validate with Polars, not with Python's `re`.
        try:
            pl.select(pl.lit("").str.contains(pattern))
        except pl.exceptions.PolarsError as exc:
            found = re.search(r"^error: (.+)$", str(exc), re.MULTILINE)
            reason = found.group(1) if found else str(exc).strip().splitlines()[0]
            raise ValueError(f"not a valid regular expression: {reason}") from None
        if not _GROUP.search(pattern):
            raise ValueError("the pattern has no named group; name one, e.g. (?P<message>.*)")
        return pattern

    @property
    def groups(self) -> list[str]:
        return _GROUP.findall(self.pattern)


class FormatsConfig(BaseModel):
    """The whole formats file."""

    model_config = ConfigDict(extra="forbid")

    aliases: dict[str, list[str]] = Field(default_factory=dict)
    layouts: list[TextLayout] = Field(default_factory=list)
    states: dict[State, list[str]] = Field(default_factory=dict)

    @field_validator("aliases")
    @classmethod
    def _known_columns(cls, aliases: dict[str, list[str]]) -> dict[str, list[str]]:
        for name in aliases:
            if name not in ALIASABLE:
                close = difflib.get_close_matches(name, sorted(ALIASABLE), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ValueError(f"'{name}' is not a canonical column{hint}")
        return aliases


def _line_of(text: str, loc: tuple[int | str, ...], message: str) -> int | None:
    """Best-effort line of a validation error: the key it names, after the n-th [[layouts]]."""
    lines = text.splitlines()
    start = 0
    if len(loc) >= 2 and loc[0] == "layouts" and isinstance(loc[1], int):
        tables = [i for i, line in enumerate(lines) if line.strip() == "[[layouts]]"]
        if loc[1] < len(tables):
            start = tables[loc[1]]
    keys = [part for part in loc if isinstance(part, str)]
    named = re.match(r"'([^']+)' is not a canonical column", message)
    key = named.group(1) if named else (keys[-1] if keys else None)
    if key is None:
        return start + 1 if start else None
    pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=|^\s*\[{re.escape(key)}\]')
    for index in range(start, len(lines)):
        if pattern.search(lines[index]):
            return index + 1
    return start + 1 if start else None


def parse_formats(text: str, path: str) -> FormatsConfig:
    """Validate the text of a formats file; every mistake is reported at once with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(
            Diagnostic(
                code="config.toml",
                message=f"not valid TOML: {message}",
                location=Location(path, line, col),
                source_line=text.splitlines()[line - 1]
                if line and line <= len(text.splitlines())
                else None,
                hint="see rules/formats.toml for the expected shape",
            )
        ) from None
    try:
        return FormatsConfig.model_validate(data)
    except ValidationError as exc:
        diagnostics = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(part) for part in loc)
            message = error["msg"].removeprefix("Value error, ")
            diagnostics.append(
                Diagnostic(
                    code="config.invalid",
                    message=f"{where}: {message}",
                    location=Location(path, _line_of(text, loc, message)),
                    hint="see rules/formats.toml for the expected shape",
                )
            )
        raise ConfigError(diagnostics) from None


def load_formats(path: Path) -> FormatsConfig:
    """Read and validate a formats file; a missing or unreadable file is a ConfigError too."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            Diagnostic(
                code="config.unreadable",
                message=f"cannot read the formats file ({exc})",
                location=Location(str(path)),
            )
        ) from None
    return parse_formats(text, str(path))
