"""Renderers of one Report: the format registry and the entry points of the CLI and the API."""

from __future__ import annotations

import io
from collections.abc import Callable
from enum import StrEnum

from rich.console import Console

from analyzer.models import Report
from analyzer.redact import Redactor, redact_report
from analyzer.report.html import render_html
from analyzer.report.machine import render_csv, render_json, render_parquet
from analyzer.report.markdown import render_markdown
from analyzer.report.story import print_order
from analyzer.report.terminal import print_report
from analyzer.report.verdicts import verdicts_frame

__all__ = [
    "RENDERERS",
    "OutputFormat",
    "render",
    "render_order",
    "render_to_console",
    "verdicts_frame",
]


class OutputFormat(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"
    MD = "md"
    HTML = "html"
    CSV = "csv"
    PARQUET = "parquet"


def _terminal_text(report: Report, width: int, color: bool) -> str:
    console = Console(
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        _environ={},  # NO_COLOR/COLUMNS of the caller must not change a string render
    )
    print_report(report, console)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


Renderer = Callable[[Report, int, bool], str | bytes]

RENDERERS: dict[OutputFormat, Renderer] = {
    OutputFormat.TERMINAL: _terminal_text,
    OutputFormat.JSON: lambda report, _w, _c: render_json(report),
    OutputFormat.MD: lambda report, _w, _c: render_markdown(report),
    OutputFormat.HTML: lambda report, _w, _c: render_html(report),
    OutputFormat.CSV: lambda report, _w, _c: render_csv(report),
    OutputFormat.PARQUET: lambda report, _w, _c: render_parquet(report),
}


def _safe(report: Report, redact: bool, redactor: Redactor | None) -> Report:
    """Defence in depth: no renderer may ever print a raw secret, whoever built the report.

    A report the pipeline already redacted with the default patterns is not redacted twice.
    """
    if not redact or (report.redacted and redactor is None):
        return report
    return redact_report(report, redactor or Redactor())


def render(
    report: Report,
    fmt: OutputFormat,
    *,
    width: int = 120,
    color: bool = True,
    redact: bool = True,
    redactor: Redactor | None = None,
) -> str | bytes:
    """The report in one format (bytes for Parquet); secrets redacted unless `redact` is False."""
    return RENDERERS[OutputFormat(fmt)](_safe(report, redact, redactor), width, color)


def render_to_console(
    report: Report, console: Console, *, redact: bool = True, redactor: Redactor | None = None
) -> None:
    """The terminal report onto the caller's console (its width, colour and NO_COLOR handling)."""
    print_report(_safe(report, redact, redactor), console)


def render_order(
    report: Report,
    order_id: str,
    console: Console,
    *,
    redact: bool = True,
    redactor: Redactor | None = None,
) -> None:
    """`certriage explain`: one order's whole story; UsageError when the order has no verdict."""
    print_order(_safe(report, redact, redactor), order_id, console)
