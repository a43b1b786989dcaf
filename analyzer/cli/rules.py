"""The `certriage rules list|test|lint` commands: look at, test and check a rule pack."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from analyzer.dsl.ast import pattern_names
from analyzer.engine import run_examples
from analyzer.errors import Diagnostic, RuleError, Severity
from analyzer.ruleset import RuleSet, default_rules_dir, lint, load_ruleset
from analyzer.taxonomy import CAUSES, UNKNOWN

rules_app = typer.Typer(
    name="rules",
    help="List, test and lint rule packs (default: the shipped pack).",
    no_args_is_help=True,
)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Rule files or folders (recursive *.rules); default: the shipped pack."),
]


def register(app: typer.Typer) -> None:
    """Add the `rules` command group to the root app."""
    app.add_typer(rules_app, name="rules")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _load(paths: list[Path] | None, console: Console) -> RuleSet:
    try:
        return load_ruleset(paths or None)
    except RuleError as error:
        _print_diagnostics(error.diagnostics, console)
        raise typer.Exit(2) from None


def _print_diagnostics(diagnostics: list[Diagnostic], console: Console) -> None:
    for diagnostic in diagnostics:
        console.print(diagnostic.render(), markup=False)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    console.print(f"{errors} error{'s' if errors != 1 else ''}", markup=False)


@rules_app.command("lint")
def lint_command(paths: PathsArg = None) -> None:
    """Check rule files: every mistake of every file at once; exit 2 on any error."""
    console = _console()
    diagnostics = lint(paths or None)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        _print_diagnostics(diagnostics, console)
        raise typer.Exit(2)
    for diagnostic in diagnostics:
        console.print(diagnostic.render(), markup=False)
    count = len(load_ruleset(paths or None))
    console.print(f"{count} rule{'s' if count != 1 else ''} OK", markup=False)


@rules_app.command("test")
def test_command(paths: PathsArg = None) -> None:
    """Run every example and counter-example through the engine; exit 1 on any failure."""
    console = _console()
    ruleset = _load(paths, console)
    outcomes = run_examples(ruleset)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        console.print(f"{outcome.id}: {outcome.message} ({outcome.location})", markup=False)
    passed = len(outcomes) - len(failed)
    console.print(
        f"{passed} passed, {len(failed)} failed ({len(ruleset)} rules, {len(outcomes)} cases)",
        markup=False,
    )
    if failed:
        raise typer.Exit(1)


@rules_app.command("list")
def list_command(
    paths: PathsArg = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Rules and examples per taxonomy id.")
    ] = False,
) -> None:
    """Show the rules of a pack, or with --coverage how well each root cause is covered."""
    console = _console()
    ruleset = _load(paths, console)
    console.print(_coverage_table(ruleset) if coverage else _rules_table(ruleset))


def _where(path: str, line: int | None, root: Path) -> str:
    try:
        shown = str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        shown = path
    return f"{shown}:{line}"


def _rules_table(ruleset: RuleSet) -> Table:
    root = default_rules_dir()
    table = Table(title=f"{len(ruleset)} rules")
    for column in ("id", "cause", "severity", "priority", "file:line"):
        table.add_column(
            column,
            justify="right" if column == "priority" else "left",
            no_wrap=column == "id",
            overflow="fold",
        )
    for rule in ruleset.rules:
        cause = "(benign)" if rule.benign else rule.cause or ""
        where = _where(rule.location.path, rule.location.line, root)
        table.add_row(rule.id, cause, rule.severity.value, str(rule.priority), where)
    return table


def _coverage_table(ruleset: RuleSet) -> Table:
    rules = Counter(r.cause for r in ruleset.rules if not r.benign)
    examples = Counter(r.cause for r in ruleset.rules if not r.benign for _ in r.examples)
    patterns: dict[str | None, set[str]] = {}
    for rule in ruleset.rules:
        if not rule.benign:
            patterns.setdefault(rule.cause, set()).update(pattern_names(rule.when))
    table = Table(title="coverage of the taxonomy")
    for column in ("cause", "rules", "named patterns", "examples"):
        table.add_column(column, justify="left" if column == "cause" else "right")
    for cause_id in CAUSES:
        if cause_id == UNKNOWN:
            continue
        style = "bold red" if rules[cause_id] == 0 else None
        used = str(len(patterns.get(cause_id, ())))
        table.add_row(cause_id, str(rules[cause_id]), used, str(examples[cause_id]), style=style)
    return table
