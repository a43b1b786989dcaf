"""Engine: findings shape and order, captures, time-window thresholds, examples via evaluate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from analyzer.dsl.matcher import find_matches
from analyzer.engine import TROUBLE, ExampleOutcome, evaluate, run_examples
from analyzer.ruleset import RuleSet, load_ruleset
from analyzer.schema import EVENT_INDEX, FINDING_SCHEMA, conform

FIXTURES = Path(__file__).parent / "fixtures"
PACK = load_ruleset([FIXTURES / "pack"])
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def events(*rows: dict[str, object]) -> pl.DataFrame:
    return conform(pl.DataFrame(list(rows))).collect().with_row_index(EVENT_INDEX)


def outage(minute: float, connector: str | None = "EJBCA", **extra: object) -> dict[str, object]:
    row = {"kind": "connector", "connector": connector, "http_status": 503, "message": "down"}
    return {**row, "ts": T0 + timedelta(minutes=minute), **extra}


def matched(ruleset: RuleSet, frame: pl.DataFrame, rule_id: str) -> list[int]:
    found = evaluate(ruleset, frame).filter(pl.col("rule_id") == rule_id)
    return found[EVENT_INDEX].to_list()


def test_findings_schema_order_and_metadata() -> None:
    frame = events(
        {"kind": "connector", "http_status": 200, "message": "fine"},
        {"kind": "connector", "http_status": 401, "message": "Key expired for user 'svc'"},
        {
            "level": "error",
            "message": "template 'Web' not found",
            "error_code": "EMS-951",
            "ts": T0,
        },
    )
    found = evaluate(PACK, frame)
    assert found.schema == pl.Schema(FINDING_SCHEMA)
    rows = found.select(
        EVENT_INDEX,
        "rule_id",
        "cause",
        "severity",
        "priority",
        "benign",
        "threshold",
        "cap_account",
        "cap_template",
    ).rows()
    assert rows == [
        (
            1,
            "auth.api-key-expired",
            "auth.expired_credentials",
            "high",
            70,
            False,
            False,
            "svc",
            None,
        ),
        (2, "benign.dcv-not-ready", None, "medium", 50, True, False, None, None),
        (2, "template.missing", "template.not_found", "medium", 50, False, False, None, "Web"),
    ]
    assert evaluate(PACK, frame.lazy()).equals(found)


def test_nothing_matches_gives_the_empty_schema() -> None:
    found = evaluate(PACK, events({"message": "all quiet"}))
    assert found.height == 0 and found.schema == pl.Schema(FINDING_SCHEMA)
    assert evaluate(RuleSet(()), events({"message": "x"})).schema == pl.Schema(FINDING_SCHEMA)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        ([0, 4, 8], [0, 1, 2]),  # three within 10m
        ([0, 6, 12], []),  # every 10m window holds two
        ([0, 1, 2, 30], [0, 1, 2]),  # the late one is alone
        ([0, 5, 10, 15], [0, 1, 2, 3]),  # sliding: [0,10] and [5,15] both qualify
        ([3, 3, 3], [0, 1, 2]),  # same instant
    ],
)
def test_threshold_windows(minutes: list[int], expected: list[int]) -> None:
    frame = events(*(outage(m) for m in minutes))
    assert matched(PACK, frame, "ca.outage") == expected


def test_threshold_counts_per_group_and_only_matching_events() -> None:
    frame = events(
        outage(0),
        outage(1, connector="Other"),
        outage(2),
        outage(3, connector=None),
        outage(4, http_status=200),
        outage(5),
        outage(6, ts=None),
    )
    assert matched(PACK, frame, "ca.outage") == [0, 2, 5]
    assert evaluate(PACK, frame).filter(pl.col("rule_id") == "ca.outage")["threshold"].all()


def test_prefilter_never_changes_the_result() -> None:
    messages = ["API key EXPIRED", "no longer valid", "template 'a' not found", "x", None]
    rows = [
        {"kind": "connector", "http_status": s, "message": m, "level": lv, "ts": T0}
        for s in (401, 403, 503, None)
        for m in messages
        for lv in ("error", "info")
    ]
    frame = events(*rows)
    fast = find_matches(PACK.rules, PACK.patterns, frame, prefilter=True)
    slow = find_matches(PACK.rules, PACK.patterns, frame, prefilter=False)
    assert fast.equals(slow) and fast.height > 0


def test_run_examples_reports_each_case() -> None:
    outcomes = run_examples(PACK)
    assert all(o.passed for o in outcomes)
    assert outcomes[0] == ExampleOutcome(
        id="auth.api-key-expired::example-1",
        rule_id="auth.api-key-expired",
        counter=False,
        passed=True,
        message="matched 1 of 1 event",
        location=outcomes[0].location,
    )
    assert str(outcomes[0].location).endswith("auth.rules:15:15")
    assert len(outcomes) == sum(len(r.examples) + len(r.counters) for r in PACK.rules)


def test_failing_cases_say_what_went_wrong() -> None:
    broken = load_ruleset([FIXTURES / "failing.rules"])
    messages = {o.id: o.message for o in run_examples(broken) if not o.passed}
    assert messages == {
        "net.dns::example-2": "expected match, got none",
        "net.dns::counter-1": "expected no match, got 1 of 1 event",
        "ca.burst::example-1": "expected match, got none",
    }


CASES = [(o.id, o) for o in run_examples(PACK)]


@pytest.mark.parametrize("outcome", [o for _, o in CASES], ids=[i for i, _ in CASES])
def test_fixture_pack_examples(outcome: ExampleOutcome) -> None:
    assert outcome.passed, f"{outcome.message} ({outcome.location})"


def test_the_readme_example_file_loads_and_its_examples_pass(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "rules" / "README.md").read_text("utf-8")
    first_block = readme.split("```")[1]
    (tmp_path / "readme.rules").write_text(first_block, encoding="utf-8")
    ruleset = load_ruleset([tmp_path])
    assert [r.id for r in ruleset.rules] == [
        "auth.api-key-expired",
        "ca.outage",
        "benign.dcv-not-ready",
    ]
    assert all(o.passed for o in run_examples(ruleset))


def test_trouble_gate_reads_level_state_and_a_levelless_result() -> None:
    rows = [
        ({"level": "info", "message": "Order ORD-1 issued"}, False),
        ({"level": "error", "message": "boom"}, True),
        ({"level": "error", "state": "issued"}, False),
        ({"message": "no level at all"}, True),
        # A CA API response whose meta.status says success: the reader gives it result ok.
        ({"http_status": 200, "result": "ok"}, False),
        ({"http_status": 200, "result": "Success"}, False),
        ({"http_status": 200, "result": "failed"}, True),
        ({"http_status": 503, "result": "ok"}, True),
        ({"result": "ok", "error_code": "EMS-921"}, True),
        ({"result": "ok", "state": "pending"}, True),
        ({"level": "warn", "result": "ok"}, True),  # a level decides before the result does
    ]
    frame = events(*(row for row, _ in rows))
    assert frame.select(TROUBLE).to_series().to_list() == [want for _, want in rows]
