"""Slimming each file's healthy lines to the aggregates' extremes changes nothing triage decides."""

from __future__ import annotations

import os
from datetime import timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.correlate.connectors import connector_health
from analyzer.correlate.orders import ORDER_KEY, build_orders, with_order_key
from analyzer.correlate.slim import slim
from analyzer.pipeline import AnalyzeOptions, analyze_paths
from analyzer.pki.bundle import logged_facts
from analyzer.pki.context import issued_templates
from analyzer.report import OutputFormat, render
from analyzer.schema import EVENT_INDEX, conform, empty_findings
from tests.conftest import FIXED_CLOCK, SAMPLES
from tests.correlate.builders import at


def _frame(file: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    filled = [
        {"source_file": file, "line": i + 1, "line_end": i + 1, "raw": "x", **row}
        for i, row in enumerate(rows)
    ]
    return conform(pl.DataFrame(filled, infer_schema_length=None)).collect()


def _triaged(frames: list[pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
    events = pl.concat(frames, how="vertical").with_row_index(EVENT_INDEX)
    keyed = with_order_key(events)
    orders = build_orders(keyed).drop(EVENT_INDEX, strict=False)
    empty = pl.DataFrame(schema={"order_key": pl.String, "root_cause": pl.String,
                                 "connector": pl.String})  # fmt: skip
    health = connector_health(keyed, empty_findings(), empty)
    return orders, health


_ROW = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["order", "bot", "connector"]),
        "ts": st.one_of(st.none(), st.integers(0, 30).map(at)),
        "level": st.sampled_from(["info", "debug", None]),
        "order_id": st.sampled_from(["O1", "O2", None]),
        "request_id": st.sampled_from(["R1", "R2", None]),
        "connector": st.sampled_from(["C1", "C2", None]),
        "status": st.sampled_from(["Issued", "Submitted", None]),
        "state": st.sampled_from(["issued", "revoked", "cancelled", None]),
        "template": st.sampled_from(["WebServer", "User", None]),
        "serial": st.sampled_from(["0a1b", "0c2d", None]),
        "key_size": st.sampled_from([2048, 4096, None]),
        "key_alg": st.sampled_from(["RSA", "EC", None]),
        "common_name": st.sampled_from(["a.example", "b.example", None]),
        "endpoint": st.sampled_from(["https://a", "https://b", None]),
        "http_status": st.sampled_from([200, 201, None]),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ROW, min_size=1, max_size=25), min_size=1, max_size=3))
def test_orders_and_connectors_are_the_same_from_slimmed_files(
    files: list[list[dict[str, object]]],
) -> None:
    frames = [_frame(f"f{i}.log", rows) for i, rows in enumerate(files)]
    full = _triaged(frames)
    slimmed = _triaged([slim(frame) for frame in frames])
    for whole, cut in zip(full, slimmed, strict=True):
        assert cut.to_dicts() == whole.to_dicts()


def _decoded(frames: list[pl.DataFrame]) -> list[list[dict[str, object]]]:
    """What the decoders aggregate over all events, with event indexes as (file, line)."""
    events = pl.concat(frames, how="vertical").with_row_index(EVENT_INDEX)
    keyed = with_order_key(events)
    as_orders = keyed.with_columns(pl.col(ORDER_KEY).alias("order_id"))  # as decoded_candidates
    where = keyed.select(EVENT_INDEX, "source_file", "line")
    orders = build_orders(keyed).select(
        pl.col(ORDER_KEY).alias("order_id"), "state", "connector", "template", "serial"
    )
    issued_serials = (
        as_orders.filter(pl.col("state") == "issued")
        .select("serial", "order_id", "connector")
        .unique()
        .sort(pl.all(), nulls_last=True)
    )
    facts = logged_facts(as_orders).join(where, on=EVENT_INDEX).drop(EVENT_INDEX).sort("order_id")
    first_template = (
        keyed.filter(pl.col("order_id").is_not_null() & pl.col("template").is_not_null())
        .sort(EVENT_INDEX)
        .group_by("order_id", maintain_order=True)
        .agg(pl.col("template").first())
        .sort("order_id")
    )
    return [
        frame.to_dicts()
        for frame in (
            issued_templates(as_orders, orders),
            issued_serials,
            facts,
            first_template,
        )
    ]


# Healthy lines of few orders, so that one order has many lines whose time and line orders differ.
_HEALTHY_ROW = st.fixed_dictionaries(
    {
        "kind": st.just("bot"),
        "ts": st.integers(0, 30).map(at),
        "level": st.just("info"),
        "order_id": st.sampled_from(["O1", "O2"]),
        "connector": st.sampled_from(["C1", "C2"]),
        "state": st.sampled_from(["issued", None, None, None]),
        "template": st.sampled_from(["WebServer", "User", None]),
        "serial": st.sampled_from(["0a1b", "0c2d", None]),
        "key_alg": st.sampled_from(["RSA", "EC", None]),
        "common_name": st.sampled_from(["a.example", None]),
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.one_of(_ROW, _HEALTHY_ROW, _HEALTHY_ROW), min_size=1, max_size=25),
        min_size=1,
        max_size=3,
    )
)
def test_what_the_decoders_aggregate_is_the_same_from_slimmed_files(
    files: list[list[dict[str, object]]],
) -> None:
    frames = [_frame(f"f{i}.log", rows) for i, rows in enumerate(files)]
    assert _decoded([slim(frame) for frame in frames]) == _decoded(frames)


def test_an_orders_first_template_in_line_order_survives() -> None:
    # Line 2 holds the order's first template, yet it is no time extreme: only the line-order
    # extreme the onset reads keeps it.
    rows: list[dict[str, object]] = [
        {"order_id": "O1", "level": "info", "ts": at(0)},
        {"order_id": "O1", "level": "info", "ts": at(3), "template": "WebServer"},
        {"order_id": "O1", "level": "info", "ts": at(5), "template": "User"},
        {"order_id": "O1", "level": "info", "ts": at(9)},
    ]
    frame = _frame("f.log", [{"kind": "bot", "connector": "C1", **row} for row in rows])
    assert _decoded([slim(frame)]) == _decoded([frame])
    assert _decoded([frame])[3] == [{"order_id": "O1", "template": "WebServer"}]


def test_slim_keeps_trouble_with_its_text_and_drops_healthy_text() -> None:
    frame = _frame(
        "f.log",
        [
            {"order_id": "O1", "level": "info", "ts": at(0), "message": "submitted"},
            {"order_id": "O1", "level": "info", "ts": at(1), "message": "polling"},
            {"order_id": "O1", "level": "info", "ts": at(2), "message": "polling"},
            {"order_id": "O1", "level": "error", "ts": at(3), "message": "HTTP 401"},
            {"order_id": "O1", "level": "info", "ts": at(4), "message": "retrying"},
        ],
    )
    out = slim(frame)
    assert out.columns == frame.columns
    assert out["line"].to_list() == [1, 4, 5]  # first, the error, last
    assert out["message"].to_list() == [None, "HTTP 401", None]


def test_slim_keeps_text_the_decoders_read_on_healthy_lines() -> None:
    pem = "csr=-----BEGIN CERTIFICATE REQUEST-----MIIB-----END CERTIFICATE REQUEST-----"
    frame = _frame(
        "f.log",
        [
            {"order_id": "O1", "level": "info", "ts": at(0), "message": "a", "raw": pem},
            {"order_id": "O1", "level": "info", "ts": at(1), "message": "b"},
            {"order_id": "O1", "level": "info", "ts": at(2), "message": "c"},
            {"connector": "C1", "level": "info", "ts": at(3), "message": "Configuration updated"},
        ],
    )
    out = slim(frame)
    # Lines 2 and 3 are the first and last of the order's healthy lines.
    assert out["raw"].to_list() == [pem, None, None, "x"]


def test_the_sample_report_is_the_same_with_and_without_slimming() -> None:
    paths = [os.path.relpath(SAMPLES)]
    slimmed = analyze_paths(paths, AnalyzeOptions(generated_at=FIXED_CLOCK))
    whole = analyze_paths(paths, AnalyzeOptions(generated_at=FIXED_CLOCK, slim=False))
    assert slimmed.events.height < whole.events.height
    for fmt in (OutputFormat.JSON, OutputFormat.MD):
        assert render(slimmed.report, fmt) == render(whole.report, fmt)


def test_window_applies_before_slimming() -> None:
    # The last line inside --until must stay the order's last line, not one cut away earlier.
    paths = [os.path.relpath(SAMPLES)]
    until = FIXED_CLOCK - timedelta(days=2, hours=12)
    opts = {"generated_at": FIXED_CLOCK, "until": until}
    slimmed = analyze_paths(paths, AnalyzeOptions(**opts))  # type: ignore[arg-type]
    whole = analyze_paths(paths, AnalyzeOptions(**opts, slim=False))  # type: ignore[arg-type]
    assert render(slimmed.report, OutputFormat.JSON) == render(whole.report, OutputFormat.JSON)
