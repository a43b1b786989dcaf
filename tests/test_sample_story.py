"""The story of sample_logs/README.md, checked end to end: every order gets the verdict the story says."""

from __future__ import annotations

import csv
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from analyzer.models import SCHEMA_FILE, report_json_schema
from analyzer.pipeline import Analysis, AnalyzeOptions, analyze_paths
from analyzer.report import OutputFormat, render

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_logs"
GOLDEN = ROOT / "tests" / "golden"
FIXED_CLOCK = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
UPDATE = os.environ.get("CERTRIAGE_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyze_paths([SAMPLES], AnalyzeOptions(generated_at=FIXED_CLOCK))


def _expected(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_order_of_the_story_gets_its_verdict(analysis: Analysis) -> None:
    got = {o.order_id: o.root_cause for o in analysis.report.orders}
    expected = {row["order_id"]: row["root_cause"] for row in _expected("expected_verdicts.csv")}
    wrong = {
        order: (cause, got.get(order)) for order, cause in expected.items() if got.get(order) != cause
    }
    assert wrong == {}, "order: (expected, got)"
    assert sorted(set(got) - set(expected)) == [], "verdicts the story does not tell"


def test_connector_findings_of_the_story(analysis: Analysis) -> None:
    causes = {
        (c.connector, cause)
        for c in analysis.report.connectors
        for cause in [*c.causes, *c.order_causes]
    }
    expected = {(r["connector"], r["cause"]) for r in _expected("expected_connectors.csv")}
    assert sorted(expected - causes) == []


def test_nothing_is_lost(analysis: Analysis) -> None:
    acc = analysis.report.accounting
    for item in analysis.report.inputs:
        assert item.lines >= item.events
    assert acc.lines_read > 0
    assert acc.events == analysis.events.height


def test_json_output_matches_the_shipped_schema_and_the_golden_file(analysis: Analysis) -> None:
    shipped = json.loads((ROOT / "analyzer" / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(report_json_schema(), sort_keys=True))
    text = render(analysis.report, OutputFormat.JSON)
    assert isinstance(text, str)
    document = json.loads(text)
    jsonschema.validate(document, shipped)
    assert document["schema_version"] == 1
    golden = GOLDEN / "sample_report.json"
    if UPDATE or not golden.exists():
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
