"""Options shared by the analysis commands, and their parsing (durations, times, severities)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from analyzer.schema import Kind, RuleSeverity

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """`15m`, `24h`, `90s`, `2d` → timedelta; a clear usage error otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise typer.BadParameter(f"{text!r} is not a duration; write e.g. 90s, 15m, 24h or 2d")
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time (zone-less means UTC) or None."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 time, e.g. 2026-11-20T10:00:00Z"
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Paths = Annotated[
    list[Path], typer.Argument(help="Log files, folders, .gz or .zip; `kind:path` forces a kind.")
]
RulesDir = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="Rule files or folders (default: the shipped pack)."),
]
KindOpt = Annotated[Kind | None, typer.Option("--kind", help="Read every input as this kind.")]
TzOpt = Annotated[str, typer.Option("--tz", help="Zone for timestamps without one.")]
FormatsOpt = Annotated[
    Path | None, typer.Option("--formats", help="Extra field aliases and text layouts (TOML).")
]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only events at or after this time.")]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Only events at or before this time.")
]
PendingOpt = Annotated[
    str,
    typer.Option("--pending-after", help="A pending order with no evidence is stuck after this."),
]
WindowOpt = Annotated[
    str, typer.Option("--link-window", help="Connector events this close to a failure are linked.")
]
FailOnOpt = Annotated[
    RuleSeverity | None,
    typer.Option("--fail-on", help="Exit 1 when a verdict has at least this severity."),
]
NoRedactOpt = Annotated[
    bool, typer.Option("--no-redact", help="Show secrets found in logs (local use only).")
]
RedactOpt = Annotated[
    list[str] | None,
    typer.Option("--redact", help="Extra regex of secrets to redact (repeatable)."),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
WidthOpt = Annotated[
    int | None, typer.Option("--width", help="Terminal width (default: detected).")
]
TemplateMapOpt = Annotated[
    Path | None,
    typer.Option("--template-map", help="Documented template mapping (TOML) for near-miss names."),
]
CsrPolicyOpt = Annotated[
    Path | None, typer.Option("--csr-policy", help="Template CSR policy (TOML) checked on CSRs.")
]
