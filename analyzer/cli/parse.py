"""The `certriage parse` command: logs into the canonical frame, the accounting, the output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analyzer.errors import ConfigError, Severity
from analyzer.readers import ReadOptions, ReadResult, read_logs
from analyzer.schema import Kind

_SUFFIXES = (".parquet", ".csv")


def _table(result: ReadResult) -> Table:
    table = Table(
        title=f"{len(result.files)} input files (zone-less times read as {escape(result.tz)})"
    )
    for column in (
        "path",
        "kind",
        "format",
        "confidence",
        "lines",
        "events",
        "unparsed",
        "skipped",
    ):
        numeric = column in {"lines", "events", "unparsed"}
        table.add_column(
            column,
            justify="right" if numeric else "left",
            overflow="fold" if column == "path" else "ellipsis",
        )
    for report in result.files:
        skipped = (
            f"{report.skipped_lines} ({report.skipped})"
            if report.skipped
            else str(report.skipped_lines)
        )
        table.add_row(
            escape(report.path),
            report.kind.value,
            escape(report.format),
            report.confidence,
            str(report.lines),
            str(report.events),
            str(report.unparsed_lines),
            escape(skipped),
        )
    return table


def _write(result: ReadResult, output: Path) -> None:
    events = result.events
    if output.suffix.lower() == ".parquet":
        events.write_parquet(output)
        return
    # CSV has no nested or enum types: the frame is flat already; enums become their text.
    events.with_columns(pl.col(pl.Enum).cast(pl.String)).write_csv(output)


def _print_diagnostics(result: ReadResult, console: Console) -> None:
    for diagnostic in result.diagnostics:
        style = {Severity.ERROR: "red", Severity.WARNING: "yellow"}.get(diagnostic.severity, "dim")
        console.print(escape(diagnostic.render()), style=style)


def parse_command(
    paths: Annotated[
        list[str],
        typer.Argument(help="Log files, folders, .gz or .zip; `kind:path` forces a kind."),
    ],
    kind: Annotated[
        Kind | None, typer.Option("--kind", help="Read every input as this kind.")
    ] = None,
    tz: Annotated[str, typer.Option("--tz", help="Zone for timestamps without one.")] = "UTC",
    formats: Annotated[
        Path | None,
        typer.Option("--formats", help="Your formats file (extra aliases and layouts)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the events to .parquet or .csv.")
    ] = None,
) -> None:
    """Read logs into the canonical events frame and show how every line was used."""
    console = Console(highlight=False, soft_wrap=True)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    if output is not None and output.suffix.lower() not in _SUFFIXES:
        errors.print(f"--output must end in .parquet or .csv, not {escape(output.name)}")
        raise typer.Exit(2)
    try:
        pl.select(pl.lit(None, dtype=pl.Datetime("us", tz)))
    except Exception:  # Polars rejects unknown zones with ComputeError
        errors.print(f"--tz {escape(tz)} is not a known time zone (try UTC or Europe/Berlin)")
        raise typer.Exit(2) from None
    try:
        result = read_logs(paths, ReadOptions(kind=kind, tz=tz, formats_file=formats))
    except ConfigError as error:
        for diagnostic in error.diagnostics:
            errors.print(escape(diagnostic.render()))
        raise typer.Exit(2) from None
    console.print(_table(result))
    _print_diagnostics(result, console)
    total = sum(r.lines for r in result.files)
    console.print(
        f"{total} lines, {result.events.height} events, "
        f"{sum(r.unparsed_lines for r in result.files)} unparsed, "
        f"{sum(r.skipped_lines for r in result.files)} skipped"
    )
    if result.nothing_read:
        errors.print("nothing could be read from the given paths")
        raise typer.Exit(2)
    if output is not None:
        try:
            _write(result, output)
        except OSError as exc:
            errors.print(f"cannot write {escape(str(output))}: {escape(exc.strerror or str(exc))}")
            raise typer.Exit(2) from None
        console.print(f"wrote {result.events.height} events to {escape(str(output))}")


def register(app: typer.Typer) -> None:
    """Add the `parse` command to the root app."""
    app.command("parse")(parse_command)
