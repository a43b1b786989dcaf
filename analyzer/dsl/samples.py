"""Example and counter-example events of a rule, turned into canonical events frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from analyzer.dsl import ast
from analyzer.dsl.checker import parse_time
from analyzer.schema import EVENT_INDEX, EVENT_SCHEMA, conform

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def case_id(rule: ast.Rule, spec: ast.EventSpec) -> str:
    """`auth.api-key-expired::example-1` or `...::counter-2`, numbered from 1 per kind."""
    if spec in rule.examples:
        return f"{rule.id}::example-{rule.examples.index(spec) + 1}"
    return f"{rule.id}::counter-{rule.counters.index(spec) + 1}"


def event_rows(spec: ast.EventSpec) -> list[dict[str, object]]:
    """The event repeated `repeat` times, `every` apart; `raw` defaults to `message`."""
    row: dict[str, object] = {f.name: f.value.value for f in spec.fields}
    start = BASE_TIME
    if isinstance(row.get("ts"), str):
        moment = parse_time(str(row["ts"]))
        if moment is not None:
            start = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    row.setdefault("raw", row.get("message") or "")
    step = timedelta(seconds=spec.every.seconds if spec.every else 0)
    return [{**row, "ts": start + k * step} for k in range(spec.repeat)]


def event_frame(spec: ast.EventSpec) -> pl.DataFrame:
    """A canonical events frame (with `event_idx`) holding the case's events."""
    rows = event_rows(spec)
    schema = {name: EVENT_SCHEMA[name] for name in rows[0] if name in EVENT_SCHEMA}
    frame = pl.DataFrame(rows, schema=schema)
    return conform(frame).collect().with_row_index(EVENT_INDEX)
