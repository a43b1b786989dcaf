"""The root `certriage` command and the registration of its sub-commands."""

from __future__ import annotations

import typer

from analyzer.cli import analyze, csr, parse, rules, suggest

app = typer.Typer(
    name="certriage",
    help="Tell, for every failed or stuck certificate order, what went wrong, who must fix it, and how.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """certriage reads exported CA-integration logs and explains failed certificate orders."""


for _register in (
    analyze.register,
    parse.register,
    rules.register,
    csr.register,
    suggest.register,
):
    _register(app)


def main() -> None:
    """Console-script entry point."""
    app()
