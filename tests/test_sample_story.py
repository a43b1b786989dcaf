"""The story of sample_logs/README.md, checked end to end: every order gets the verdict the story says."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema

from analyzer.models import SCHEMA_FILE, report_json_schema
from analyzer.pipeline import Analysis
from analyzer.report import OutputFormat, render

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def _expected(name: str) -> list[dict[str, str]]:
    with (GOLDEN / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_order_of_the_story_gets_its_verdict(sample_analysis: Analysis) -> None:
    got = {o.order_id: o.root_cause for o in sample_analysis.report.orders}
    expected = {row["order_id"]: row["root_cause"] for row in _expected("expected_verdicts.csv")}
    wrong = {
        order: (cause, got.get(order))
        for order, cause in expected.items()
        if got.get(order) != cause
    }
    assert wrong == {}, "order: (expected, got)"
    assert sorted(set(got) - set(expected)) == [], "verdicts the story does not tell"


def test_connector_findings_of_the_story(sample_analysis: Analysis) -> None:
    causes = {
        (c.connector, cause)
        for c in sample_analysis.report.connectors
        for cause in [*c.causes, *c.order_causes]
    }
    expected = {(r["connector"], r["cause"]) for r in _expected("expected_connectors.csv")}
    assert sorted(expected - causes) == []


def test_every_line_is_accounted_for(sample_analysis: Analysis) -> None:
    report = sample_analysis.report
    acc = report.accounting
    assert acc.events == sum(i.events for i in report.inputs)
    # The frame holds what triage reads: every trouble line, the extremes of the healthy ones.
    assert 0 < sample_analysis.events.height < acc.events
    assert acc.lines_read == sum(i.lines for i in report.inputs)
    assert acc.files_skipped == ["sample_logs/README.md: not a log: documentation"]


def test_json_output_validates_against_the_shipped_schema(sample_analysis: Analysis) -> None:
    shipped = json.loads((ROOT / "analyzer" / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(report_json_schema(), sort_keys=True)), (
        "the shipped JSON Schema is stale: regenerate it with `python -m analyzer.models`"
    )
    text = render(sample_analysis.report, OutputFormat.JSON)
    assert isinstance(text, str)
    document = json.loads(text)
    jsonschema.validate(document, shipped)
    assert document["schema_version"] == 1
    assert {o["order_id"] for o in document["orders"]} >= {"ORD-100406", "ORD-100422"}
