"""`certriage suggest-rule`: the command over a finished analysis, and over the sample logs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.cli import suggest as suggest_cli
from analyzer.engine import run_examples
from analyzer.models import Report
from analyzer.pipeline import AnalyzeOptions, analyze_paths
from analyzer.ruleset import lint, load_ruleset
from analyzer.schema import EVENT_INDEX
from analyzer.suggest import FIX_PLACEHOLDER
from analyzer.unknowns import cluster_unknowns
from tests.unknowns.rows import START, unknown_rows

SAMPLE_LOGS = Path(__file__).resolve().parents[2] / "sample_logs"


@dataclass
class FakeAnalysis:
    report: Report
    unknown_rows: pl.DataFrame


def _analysis() -> FakeAnalysis:
    rows = unknown_rows(
        ["HSM gateway hsm1.corp.example.com answered HTTP 418 for ORD-1"] * 2
        + ["Ledger shard 7 parked"]
    )
    assignment, clusters = cluster_unknowns(rows)
    report = Report.model_validate(
        {
            "generated_at": START,
            "inputs": [],
            "accounting": {"files": 0, "lines_read": 0, "events": 0, "unparsed_lines": 0},
            "orders": [],
            "connectors": [],
            "summary": {"orders_seen": 0, "orders_failed": 0, "explained": 0, "unexplained": 0},
            "unknown_clusters": [c.model_dump() for c in clusters],
        }
    )
    return FakeAnalysis(report, rows.join(assignment, on=EVENT_INDEX))


def test_suggestions_use_the_report_clusters_and_the_unknown_rows() -> None:
    text = suggest_cli.suggestions(_analysis(), cluster_id="U1", order_id=None)
    assert text.startswith("# Suggested from unknown cluster U1: 2 lines, 2 orders")
    assert "when      message ~ /HSM\\s+gateway\\s+\\S+\\s+answered\\s+HTTP\\s+418\\s+for/" in text


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(suggest_cli, "analyze_paths", lambda paths, options: _analysis())
    return CliRunner()


def test_the_command_prints_or_writes_the_skeleton(runner: CliRunner, tmp_path: Path) -> None:
    shown = runner.invoke(app, ["suggest-rule", "logs", "--order", "ORD-1002"])
    assert shown.exit_code == 0, shown.output
    assert "rule local.u2-ledger-shard-parked" in shown.stdout
    target = tmp_path / "new.rules"
    written = runner.invoke(app, ["suggest-rule", "logs", "--cluster", "U1", "-o", str(target)])
    assert (written.exit_code, written.stdout) == (0, "")
    assert "rule local.u1-hsm-gateway-answered-http-418" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--cluster", "U7"], "no unknown cluster 'U7'; clusters: U1, U2"),
        (["--order", "ORD-5"], "order 'ORD-5' has no unexplained lines"),
        ([], "give exactly one of --cluster or --order"),
        (["--cluster", "U1", "--order", "ORD-1000"], "give exactly one of --cluster or --order"),
    ],
)
def test_usage_mistakes_exit_2_with_a_message(
    runner: CliRunner, args: list[str], says: str
) -> None:
    result = runner.invoke(app, ["suggest-rule", "logs", *args])
    assert result.exit_code == 2
    assert says in result.stderr
    assert "Traceback" not in result.output


def test_every_sample_log_cluster_becomes_a_passing_rule(tmp_path: Path) -> None:
    # An empty pack leaves every error line unexplained: many clusters, none hidden by a rule.
    empty = tmp_path / "empty.rules"
    empty.write_text("", encoding="utf-8")
    args = ["suggest-rule", str(SAMPLE_LOGS), "--rules", str(empty), "--cluster", "U1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    analysis = analyze_paths([SAMPLE_LOGS], AnalyzeOptions(rules=[empty]))
    clusters = analysis.report.unknown_clusters
    assert len(clusters) > 20
    text = "\n".join(
        suggest_cli.suggestions(analysis, cluster_id=c.cluster_id, order_id=None) for c in clusters
    )
    text = re.sub(r"<choose one: [^>]*>", "ca.unavailable", text).replace(FIX_PLACEHOLDER, '"x"')
    path = tmp_path / "all.rules"
    path.write_text(text, encoding="utf-8")
    assert [d.render() for d in lint([path])] == []
    outcomes = run_examples(load_ruleset([path]))
    assert len(outcomes) > 2 * len(clusters)
    assert [o.id for o in outcomes if not o.passed] == []
