"""Small builders for canonical events and findings frames used by the triage tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from analyzer.schema import EVENT_INDEX, FINDING_SCHEMA, conform

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def events(*rows: dict[str, Any]) -> pl.DataFrame:
    filled = [
        {"source_file": "t.log", "line": i + 1, "line_end": i + 1, "raw": r.get("message", ""), **r}
        for i, r in enumerate(rows)
    ]
    frame = pl.DataFrame(filled, infer_schema_length=None)
    return conform(frame).collect().with_row_index(EVENT_INDEX)


def findings(*rows: dict[str, Any]) -> pl.DataFrame:
    base = {
        "title": "t",
        "severity": "high",
        "priority": 50,
        "benign": False,
        "threshold": False,
        "cap_template": None,
        "cap_account": None,
        "cap_host": None,
        "cap_serial": None,
    }
    return pl.DataFrame([{**base, **r} for r in rows], schema=FINDING_SCHEMA)
