"""`certriage rules lint|test|list`: output and exit codes through typer's CliRunner."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import typer
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"


def _rules_module() -> ModuleType:
    # Load the command module alone: `analyzer.cli` imports every command of the app, and the
    # rules commands must be testable whatever state the others are in.
    path = Path(__file__).resolve().parents[2] / "analyzer" / "cli" / "rules.py"
    spec = importlib.util.spec_from_file_location("certriage_rules_cli", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """certriage"""

    _rules_module().register(root)
    return root


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["rules", *args], env={"COLUMNS": "200", "NO_COLOR": "1"})
    return result.exit_code, result.output


def test_lint_ok(app: typer.Typer) -> None:
    assert run(app, "lint", str(FIXTURES / "pack")) == (0, "6 rules OK\n")


def test_lint_reports_everything_and_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "a.rules").write_text('rule a.a "t" {\n    when x = 1\n}\n', encoding="utf-8")
    (tmp_path / "b.rules").write_text('rule b.b "t" {\n    sevrity high\n}\n', encoding="utf-8")
    code, out = run(app, "lint", str(tmp_path))
    assert code == 2
    assert out.count("error[syntax]") == 2
    assert "        when x = 1\n               ^\n  hint: compare with '==', not '='" in out
    assert "hint: did you mean 'severity'?" in out
    assert out.endswith("2 errors\n")
    assert "Traceback" not in out


def test_test_passes(app: typer.Typer) -> None:
    code, out = run(app, "test", str(FIXTURES / "pack"))
    assert (code, out) == (0, "17 passed, 0 failed (6 rules, 17 cases)\n")


def test_test_lists_failures_and_exits_1(app: typer.Typer) -> None:
    code, out = run(app, "test", str(FIXTURES / "failing.rules"))
    path = FIXTURES / "failing.rules"
    assert code == 1
    assert out.splitlines() == [
        f"net.dns::example-2: expected match, got none ({path}:6:15)",
        f"net.dns::counter-1: expected no match, got 1 of 1 event ({path}:7:15)",
        f"ca.burst::example-1: expected match, got none ({path}:15:15)",
        "2 passed, 3 failed (2 rules, 5 cases)",
    ]


def test_test_with_broken_rules_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "a.rules").write_text('rule a.a "t" {\n    when x = 1\n}\n', encoding="utf-8")
    code, out = run(app, "test", str(tmp_path))
    assert code == 2 and "error[syntax]" in out


def test_list(app: typer.Typer) -> None:
    code, out = run(app, "list", str(FIXTURES / "pack"))
    assert code == 0
    assert "auth.api-key-expired" in out and "auth.expired_credentials" in out
    assert "(benign)" in out and "auth.rules:5" in out


def test_list_coverage(app: typer.Typer) -> None:
    code, out = run(app, "list", "--coverage", str(FIXTURES / "pack"))
    assert code == 0
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines()]
    rows = {c[0]: c[1:] for c in cells if len(c) == 4}
    assert rows["auth.expired_credentials"] == ["1", "1", "2"]  # rules, named patterns, examples
    assert rows["csr.key_policy"] == ["0", "0", "0"]
    assert "unknown " not in out
