"""Context between look-alike causes: bursts of inactive-account errors, changes before failures."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from analyzer.pki.context import change_events, inactive_bursts, runs_after_change
from tests.pki.factory import at, make_events

INACTIVE = "Inactive Account User."


def _burst(orders: int, *, spacing: float = 0.5, start: float = 0.0) -> list[dict[str, object]]:
    return [
        {
            "ts": at(start + i * spacing),
            "order_id": f"B{i:02}",
            "connector": "Sectigo",
            "message": INACTIVE,
        }
        for i in range(orders)
    ]


@pytest.mark.parametrize(("orders", "burst"), [(16, 16), (15, None)])
def test_sixteen_orders_in_ten_seconds_are_a_burst_fifteen_are_not(
    orders: int, burst: int | None
) -> None:
    result = inactive_bursts(make_events(_burst(orders)))
    assert result.height == orders
    assert result["burst_orders"].to_list() == [burst] * orders


def test_a_burst_needs_distinct_orders_within_the_window() -> None:
    spread = _burst(16, spacing=0.7)  # 15 gaps of 0.7 s = 10.5 s: never 16 within 10 s
    repeats = [{**row, "order_id": "SAME"} for row in _burst(20)]
    assert inactive_bursts(make_events(spread))["burst_orders"].null_count() == 16
    assert inactive_bursts(make_events(repeats))["burst_orders"].null_count() == 20


def test_bursts_are_counted_per_connector_and_only_cover_their_window() -> None:
    rows = _burst(16)
    rows += [{**r, "connector": "Other"} for r in _burst(8)]
    rows.append({"ts": at(60), "order_id": "LATE", "connector": "Sectigo", "message": INACTIVE})
    rows.append({"ts": at(1), "order_id": "X", "connector": "Sectigo", "message": "issued"})
    result = inactive_bursts(make_events(rows))
    by_connector = result.group_by("connector").agg(
        pl.col("burst_orders").drop_nulls().len().alias("in_burst"), pl.len()
    )
    assert sorted(by_connector.rows()) == [("Other", 0, 8), ("Sectigo", 16, 17)]


def test_change_lines_are_found_and_tied_to_the_connector_they_name() -> None:
    events = make_events(
        [
            {
                "ts": at(0),
                "connector": "DigiCert",
                "message": "Connector edited by admin: base URL updated",
            },
            {"ts": at(5), "kind": "audit", "message": "User admin rotated the API key of DigiCert"},
            {"ts": at(6), "kind": "audit", "message": "Configuration changed for ADCS-Prod"},
            {"ts": at(7), "connector": "ADCS-Prod", "message": "enroll failed"},
            {
                "ts": at(8),
                "connector": "ADCS-Prod",
                "operation": "credential rotated",
                "message": "ok",
            },
            {"ts": at(9), "kind": "audit", "message": "CA upgraded to 2025 R2"},
        ]
    )
    changes = change_events(events)
    assert changes.select("connector", "event_idx", "at").rows() == [
        ("ADCS-Prod", 2, "t.log:3"),
        ("ADCS-Prod", 4, "t.log:5"),
        ("DigiCert", 0, "t.log:1"),
        ("DigiCert", 1, "t.log:2"),
    ]


def test_a_run_of_failures_right_after_a_change_is_linked_to_it() -> None:
    events = make_events(
        [
            {"ts": at(0), "connector": "DigiCert", "message": "API key rotated"},
            {"ts": at(7200), "connector": "Sectigo", "message": "config changed"},
        ]
    )
    failures = pl.DataFrame(
        {
            "order_id": ["A", "B", "C", "D"],
            "connector": ["DigiCert", "DigiCert", "Sectigo", "Other"],
            "ts": [at(600), at(4000), at(7200 + 31 * 60), at(700)],
        }
    )
    runs = runs_after_change(failures, change_events(events), window=timedelta(minutes=30))
    assert runs.select("order_id", "change_text", "run_start").rows() == [
        ("A", "API key rotated", at(600)),
        ("B", "API key rotated", at(600)),
    ]
