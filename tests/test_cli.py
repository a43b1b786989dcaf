"""The triage commands through typer's CliRunner: outputs, filters and exit codes (0 / 1 / 2)."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app

SAMPLES = os.path.relpath(Path(__file__).resolve().parent.parent / "sample_logs")
runner = CliRunner()


def test_analyze_json_is_the_contract() -> None:
    result = runner.invoke(app, ["analyze", SAMPLES, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert document["summary"]["orders_failed"] == len(document["orders"])


def test_fail_on_severity_sets_exit_code_1() -> None:
    # The sample holds critical verdicts (a CA outage, a timeout burst): --fail-on critical trips.
    assert (
        runner.invoke(app, ["analyze", SAMPLES, "--fail-on", "critical", "-f", "json"]).exit_code
        == 1
    )
    assert runner.invoke(app, ["analyze", SAMPLES, "-f", "json"]).exit_code == 0


def test_nothing_readable_exits_2_with_a_message(tmp_path: Path) -> None:
    missing = tmp_path / "nope.log"
    result = runner.invoke(app, ["analyze", str(missing)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "nope.log" in result.output


def test_orders_filters_by_cause_prefix_and_side() -> None:
    result = runner.invoke(app, ["orders", SAMPLES, "--cause", "network.", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["root_cause"].startswith("network.") for r in rows)
    result = runner.invoke(app, ["orders", SAMPLES, "--side", "ca_account", "--format", "json"])
    assert {r["side"] for r in json.loads(result.stdout)} == {"ca_account"}


def test_orders_csv_has_one_row_per_filtered_order() -> None:
    result = runner.invoke(app, ["orders", SAMPLES, "--cause", "template", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["root_cause"] for r in rows) == [
        "template.name_mismatch",
        "template.not_found",
        "template.permission_denied",
    ]


def test_explain_tells_the_story_of_one_order() -> None:
    result = runner.invoke(app, ["explain", "ORD-100445", SAMPLES, "--width", "120"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "auth.insufficient_permissions" in out
    assert "lower priority" in out  # the timeout burst lost, and says why
    assert "Escalation" in out and "EJBCA-Internal" in out


def test_explain_an_issued_order_says_there_is_nothing_to_explain() -> None:
    result = runner.invoke(app, ["explain", "ORD-100401", SAMPLES])
    assert result.exit_code == 0
    assert "no verdict" in result.stdout


def test_explain_an_unknown_order_exits_2() -> None:
    result = runner.invoke(app, ["explain", "ORD-999999", SAMPLES])
    assert result.exit_code == 2


def test_an_internal_failure_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app_module = importlib.import_module("analyzer.cli.app")

    def broken() -> None:
        raise RuntimeError("boom\npassword=hunter2 on the second line")

    monkeypatch.setattr(app_module, "app", broken)
    monkeypatch.delenv("CERTRIAGE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        app_module.main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err
    assert "Traceback" not in err and "hunter2" not in err
