"""Hostile-input helpers: the committed corpus, and the CLI run the way a user runs it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from analyzer.cli.app import app

CORPUS = Path(__file__).resolve().parent / "corpus"

# Rich's own styling: SGR sequences only (colours, bold, dim, reset), and the cursor show/hide and
# erase-line codes of the progress bar. Anything else with an ESC byte came from somewhere else.
SGR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def both(self) -> str:
        return self.stdout + self.stderr


def cli(*args: str, color: bool = False) -> Run:
    """`certriage ARGS` in process; colour forced, or NO_COLOR set, like a user's shell."""
    env = (
        {"FORCE_COLOR": "1", "NO_COLOR": None} if color else {"NO_COLOR": "1", "FORCE_COLOR": None}
    )
    result = CliRunner().invoke(app, list(args), env={**env, "COLUMNS": "120"})
    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    run = Run(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in run.both
    assert run.code in (0, 1, 2), run
    return run
