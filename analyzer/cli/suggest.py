"""The `certriage suggest-rule` command: a rule skeleton for an unknown cluster or an order."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Protocol

import polars as pl
import typer

from analyzer.cli.options import KindOpt, NoRedactOpt, OutputOpt, Paths, RulesDir, TzOpt
from analyzer.errors import AnalyzerError
from analyzer.models import Report
from analyzer.pipeline import AnalyzeOptions, analyze_paths
from analyzer.redact import Redactor
from analyzer.suggest import suggest_for


class AnalysisLike(Protocol):
    """What the command needs from a finished analysis."""

    @property
    def report(self) -> Report: ...

    @property
    def unknown_rows(self) -> pl.DataFrame: ...


def suggestions(
    analysis: AnalysisLike,
    *,
    cluster_id: str | None,
    order_id: str | None,
    redact: bool = True,
) -> str:
    """The command's logic without I/O: the skeleton text for the chosen cluster(s)."""
    return suggest_for(
        analysis.report.unknown_clusters,
        analysis.unknown_rows,
        cluster_id=cluster_id,
        order_id=order_id,
        redactor=Redactor() if redact else None,
    )


def _fail(exc: AnalyzerError) -> typer.Exit:
    for diagnostic in exc.diagnostics:
        typer.echo(diagnostic.render(), err=True)
    return typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add suggest-rule to the root app."""

    @app.command("suggest-rule")
    def suggest_rule(
        paths: Paths,
        *,
        cluster: Annotated[
            str | None, typer.Option("--cluster", help="An unknown cluster id (U1, U2, ...).")
        ] = None,
        order: Annotated[
            str | None, typer.Option("--order", help="Every cluster touching this order.")
        ] = None,
        output: OutputOpt = None,
        rules: RulesDir = None,
        kind: KindOpt = None,
        tz: TzOpt = "UTC",
        no_redact: NoRedactOpt = False,
    ) -> None:
        """Write a rule skeleton (regex, likely causes, examples, counter) for unexplained lines."""
        if (cluster is None) == (order is None):
            typer.echo("certriage suggest-rule: give exactly one of --cluster or --order", err=True)
            raise typer.Exit(2)
        options = AnalyzeOptions(rules=rules, kind=kind, tz=tz, redact=not no_redact)
        try:
            analysis = analyze_paths(paths, options)
            text = suggestions(analysis, cluster_id=cluster, order_id=order, redact=not no_redact)
        except AnalyzerError as exc:
            raise _fail(exc) from None
        if output is None:
            sys.stdout.write(text)
        else:
            Path(output).write_text(text, encoding="utf-8")
