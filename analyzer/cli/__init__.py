"""The command line (typer): the only layer that knows exit codes and the console."""

from analyzer.cli.app import app, main

__all__ = ["app", "main"]
