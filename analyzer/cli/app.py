"""The root `certriage` command and the registration of its sub-commands."""

from __future__ import annotations

import os
import sys

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
    """Console-script entry point: an internal failure is one clear line, never a traceback."""
    try:
        app()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # Polars panics arrive as pyo3 PanicException (a BaseException)
        if os.environ.get("CERTRIAGE_DEBUG"):
            raise
        # No traceback and no locals: logs hold secrets. The type and first line say enough.
        first = str(exc).splitlines()[0] if str(exc) else ""
        sys.stderr.write(
            f"certriage: internal error ({type(exc).__name__}: {first[:200]}). This is a certriage "
            "bug, not a problem with your logs; set CERTRIAGE_DEBUG=1 for details and report it.\n"
        )
        sys.exit(2)
