"""Connector health: status, first failure, last success and causes per CA connector, orders or not."""

from __future__ import annotations

import polars as pl

from analyzer.correlate.orders import time_order
from analyzer.schema import EVENT_INDEX, Kind, Level

_QUIET_LEVELS = [Level.DEBUG.value, Level.INFO.value]


def looks_successful() -> pl.Expr:
    """A quiet line with no HTTP error and no state but issued: a success unless a rule flags it."""
    return (
        pl.col("level").is_in(_QUIET_LEVELS).fill_null(True)
        & (pl.col("http_status").is_null() | (pl.col("http_status") < 400))
        & (pl.col("state").is_null() | (pl.col("state") == "issued"))
    )


def connector_health(
    keyed: pl.DataFrame, effective: pl.DataFrame, verdicts: pl.DataFrame
) -> pl.DataFrame:
    """One row per connector seen anywhere: its log's causes by event, and the verdicts it carries."""
    # Narrow columns and row positions are ordered; the text values are gathered once at the end.
    columns = [EVENT_INDEX, "connector", "kind", "ts", "source_file", "line", "level",
               "http_status", "state"]  # fmt: skip
    described = ("status", "endpoint", "ca_type")
    connector_events = (
        keyed.lazy()
        .with_row_index("_pos")
        .filter(pl.col("connector").is_not_null())
        .select("_pos", *columns, *(pl.col(c).is_not_null().alias(f"_{c}") for c in described))
        .sort(time_order(keyed), nulls_last=True)
        .collect()
    )
    is_connector_log = pl.col("kind") == Kind.CONNECTOR.value
    # One cause per event, the strongest; sorted first because join output has no fixed order.
    flagged = (
        effective.sort([EVENT_INDEX, "priority", "rule_id"], descending=[False, True, False])
        .select(EVENT_INDEX, "cause")
        .unique(subset=EVENT_INDEX, keep="first", maintain_order=True)
    )
    with_cause = connector_events.join(flagged, on=EVENT_INDEX, how="left", maintain_order="left")
    success = pl.col("cause").is_null() & looks_successful()
    row = pl.col("_pos")
    positions = with_cause.group_by("connector").agg(
        row.filter(pl.col("_status") & is_connector_log).last().alias("status"),
        row.filter(pl.col("_endpoint")).last().alias("endpoint"),
        row.filter(pl.col("_ca_type")).last().alias("ca_type"),
        pl.col("ts").filter(pl.col("cause").is_not_null()).min().alias("first_failure"),
        pl.col("ts").filter(success).max().alias("last_success"),
    )
    health = positions.with_columns(
        **{c: keyed.get_column(c).gather(positions.get_column(c)) for c in described}
    )
    log_causes = (
        with_cause.filter(is_connector_log & pl.col("cause").is_not_null())
        .group_by("connector", "cause")
        .len()
        .group_by("connector")
        .agg(pl.struct("cause", "len").sort_by("cause").alias("log_causes"))
    )
    order_causes = (
        verdicts.filter(pl.col("connector").is_not_null())
        .group_by("connector", "root_cause")
        .len()
        .group_by("connector")
        .agg(
            pl.struct(pl.col("root_cause").alias("cause"), "len")
            .sort_by("root_cause")
            .alias("order_causes"),
            pl.col("len").sum().alias("orders_affected"),
        )
    )
    return (
        health.join(log_causes, on="connector", how="left")
        .join(order_causes, on="connector", how="left")
        .with_columns(pl.col("orders_affected").fill_null(0))
        .sort("connector")
    )
