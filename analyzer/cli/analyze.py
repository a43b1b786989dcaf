"""The triage commands: `certriage analyze`, `certriage orders` and `certriage explain`."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from analyzer.cli.options import (
    CsrPolicyOpt,
    FailOnOpt,
    FormatsOpt,
    KindOpt,
    NoRedactOpt,
    OutputOpt,
    Paths,
    PendingOpt,
    RedactOpt,
    RulesDir,
    SinceOpt,
    TemplateMapOpt,
    TzOpt,
    UntilOpt,
    WidthOpt,
    WindowOpt,
    parse_duration,
    parse_time,
)
from analyzer.errors import AnalyzerError
from analyzer.models import OrderVerdict, Report
from analyzer.pipeline import Analysis, AnalyzeOptions, analyze_paths
from analyzer.report import OutputFormat, render, render_order, render_to_console, verdicts_frame
from analyzer.schema import RuleSeverity
from analyzer.taxonomy import Side

_SEVERITY_RANK = {s.value: i for i, s in enumerate(RuleSeverity)}


def _console(width: int | None, stderr: bool = False) -> Console:
    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(width=width, stderr=stderr, no_color=no_color, highlight=False, soft_wrap=False)


def run_analysis(
    paths: list[Path],
    options: AnalyzeOptions,
    err: Console,
) -> Analysis:
    """Run the pipeline with a progress bar on stderr; every input or rule error exits 2, no traceback."""
    try:
        with Progress(
            TextColumn("[dim]reading[/] {task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} lines"),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("logs", total=None)

            def tick(path: str, lines: int) -> None:
                progress.update(task, description=escape(path), advance=lines)

            return analyze_paths(paths, options, tick)
    except AnalyzerError as exc:
        for diagnostic in exc.diagnostics:
            err.print(escape(diagnostic.render()), highlight=False)
        if not exc.diagnostics:
            err.print("certriage: nothing could be read from the given paths")
        raise typer.Exit(2) from None


def _options(
    rules: list[Path] | None,
    kind: object,
    tz: str,
    formats: Path | None,
    since: str | None,
    until: str | None,
    pending_after: str,
    link_window: str,
    no_redact: bool,
    redact: list[str] | None,
    template_map: Path | None = None,
    csr_policy: Path | None = None,
) -> AnalyzeOptions:
    return AnalyzeOptions(
        rules=rules,
        kind=kind,  # type: ignore[arg-type]
        tz=tz,
        formats_file=formats,
        since=parse_time(since),
        until=parse_time(until),
        pending_after=parse_duration(pending_after),
        link_window=parse_duration(link_window),
        redact=not no_redact,
        extra_redactions=tuple(redact or ()),
        template_map=template_map,
        csr_policy=csr_policy,
    )


def _exit_code(report: Report, fail_on: RuleSeverity | None) -> int:
    if fail_on is None:
        return 0
    floor = _SEVERITY_RANK[fail_on.value]
    worst = [_SEVERITY_RANK.get(o.severity, 0) for o in report.orders]
    return 1 if any(rank >= floor for rank in worst) else 0


def _emit(data: str | bytes, output: Path | None) -> None:
    if output is not None:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
        return
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data if data.endswith("\n") else data + "\n")


def register(app: typer.Typer) -> None:
    """Add analyze, orders and explain to the root app."""

    @app.command()
    def analyze(
        paths: Paths,
        fmt: Annotated[
            OutputFormat,
            typer.Option("--format", "-f", help="terminal, json, md, html, csv, parquet."),
        ] = OutputFormat.TERMINAL,
        output: OutputOpt = None,
        rules: RulesDir = None,
        kind: KindOpt = None,
        tz: TzOpt = "UTC",
        formats: FormatsOpt = None,
        since: SinceOpt = None,
        until: UntilOpt = None,
        pending_after: PendingOpt = "24h",
        link_window: WindowOpt = "15m",
        fail_on: FailOnOpt = None,
        no_redact: NoRedactOpt = False,
        redact: RedactOpt = None,
        template_map: TemplateMapOpt = None,
        csr_policy: CsrPolicyOpt = None,
        width: WidthOpt = None,
    ) -> None:
        """The root-cause summary of every failed or stuck order in the logs."""
        err = _console(width, stderr=True)
        opts = _options(
            rules,
            kind,
            tz,
            formats,
            since,
            until,
            pending_after,
            link_window,
            no_redact,
            redact,
            template_map,
            csr_policy,
        )
        # Only the report is rendered: the events and triage frames are freed before it is.
        report = run_analysis(paths, opts, err).report
        if fmt is OutputFormat.PARQUET and output is None:
            err.print("--format parquet needs --output FILE")
            raise typer.Exit(2)
        if fmt is OutputFormat.TERMINAL and output is None:
            render_to_console(report, _console(width), redact=not no_redact)
        else:
            out = render(report, fmt, width=width or 120, color=False, redact=not no_redact)
            _emit(out, output)
        raise typer.Exit(_exit_code(report, fail_on))

    @app.command()
    def orders(
        paths: Paths,
        cause: Annotated[
            list[str] | None, typer.Option("--cause", help="Only these root causes (prefix ok).")
        ] = None,
        connector: Annotated[
            list[str] | None, typer.Option("--connector", help="Only these connectors.")
        ] = None,
        side: Annotated[list[Side] | None, typer.Option("--side", help="Only these sides.")] = None,
        fmt: Annotated[
            OutputFormat, typer.Option("--format", "-f", help="terminal, csv or json.")
        ] = OutputFormat.TERMINAL,
        output: OutputOpt = None,
        rules: RulesDir = None,
        kind: KindOpt = None,
        tz: TzOpt = "UTC",
        since: SinceOpt = None,
        until: UntilOpt = None,
        pending_after: PendingOpt = "24h",
        link_window: WindowOpt = "15m",
        fail_on: FailOnOpt = None,
        no_redact: NoRedactOpt = False,
        width: WidthOpt = None,
    ) -> None:
        """One row per order with a verdict; filter by cause, connector, side and time of failure."""
        err = _console(width, stderr=True)
        opts = _options(
            rules, kind, tz, None, None, None, pending_after, link_window, no_redact, None
        )
        analysis = run_analysis(paths, opts, err)
        kept = filter_verdicts(
            analysis.report.orders, cause, connector, side, parse_time(since), parse_time(until)
        )
        report = analysis.report.model_copy(update={"orders": kept})
        if fmt in (OutputFormat.CSV, OutputFormat.JSON):
            data = render(report, fmt, width=width or 120, color=False, redact=not no_redact)
            if fmt is OutputFormat.JSON:
                data = json.dumps([o.model_dump(mode="json") for o in kept], indent=2)
            _emit(data, output)
        else:
            _console(width).print(verdicts_table(verdicts_frame(report)))
        raise typer.Exit(_exit_code(analysis.report, fail_on))

    @app.command()
    def explain(
        order_id: Annotated[str, typer.Argument(help="The order to explain.")],
        paths: Paths,
        rules: RulesDir = None,
        kind: KindOpt = None,
        tz: TzOpt = "UTC",
        pending_after: PendingOpt = "24h",
        link_window: WindowOpt = "15m",
        no_redact: NoRedactOpt = False,
        width: WidthOpt = None,
    ) -> None:
        """The whole story of one order: timeline, evidence, runner-ups, fix, escalation bundle."""
        err = _console(width, stderr=True)
        opts = _options(
            rules, kind, tz, None, None, None, pending_after, link_window, no_redact, None
        )
        analysis = run_analysis(paths, opts, err)
        if not any(o.order_id == order_id for o in analysis.report.orders):
            seen = analysis.triage.orders.filter(pl.col("order_key") == order_id)
            if seen.height == 0:
                err.print(f"order {escape(order_id)} does not appear in the logs")
                raise typer.Exit(2)
            state = seen.get_column("state").cast(pl.String)[0]
            _console(width).print(
                f"order {escape(order_id)} has no verdict: its state is {escape(str(state))}, "
                "nothing to explain."
            )
            raise typer.Exit(0)
        render_order(analysis.report, order_id, _console(width), redact=not no_redact)


def filter_verdicts(
    orders: list[OrderVerdict],
    causes: list[str] | None,
    connectors: list[str] | None,
    sides: list[Side] | None,
    since: datetime | None,
    until: datetime | None,
) -> list[OrderVerdict]:
    """Keep the verdicts matching every given filter (cause prefixes, connectors, sides, failure time)."""

    def keep(o: OrderVerdict) -> bool:
        checks = [
            not causes or any(o.root_cause.startswith(c) for c in causes),
            not connectors or o.connector in connectors,
            not sides or o.side in {s.value for s in sides},
            since is None or (o.failed_at is not None and o.failed_at >= since),
            until is None or (o.failed_at is not None and o.failed_at <= until),
        ]
        return all(checks)

    return [o for o in orders if keep(o)]


def verdicts_table(frame: pl.DataFrame) -> Table:
    """A compact rich table of verdicts."""
    table = Table(title=f"{frame.height} orders with a verdict", show_lines=False)
    for name in (
        "order_id",
        "connector",
        "root_cause",
        "side",
        "severity",
        "confidence",
        "failed_at",
    ):
        table.add_column(name)
    for row in frame.iter_rows(named=True):
        table.add_row(
            *(
                escape(str(row.get(n) if row.get(n) is not None else ""))
                for n in (
                    "order_id",
                    "connector",
                    "root_cause",
                    "side",
                    "severity",
                    "confidence",
                    "failed_at",
                )
            )
        )
    return table
