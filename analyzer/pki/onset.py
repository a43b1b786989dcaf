"""Onset and blast radius: when a cause began on a connector, what changed before, what it hit."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from analyzer.pki.context import CHANGE_WINDOW, change_before, change_events
from analyzer.schema import EVENT_INDEX, TS_DTYPE

ONSET_SCHEMA = pl.Schema(
    {
        "connector": pl.String(),
        "cause": pl.String(),
        "onset_ts": TS_DTYPE,
        "preceded_by": pl.String(),
        "preceded_ts": TS_DTYPE,
        "preceded_at": pl.String(),
        "orders": pl.UInt32(),
        "templates": pl.List(pl.String()),
    }
)


def connector_onset(
    events: pl.DataFrame, findings: pl.DataFrame, *, window: timedelta = CHANGE_WINDOW
) -> pl.DataFrame:
    """One row per (connector, cause) of the non-benign findings, columns of ONSET_SCHEMA.

    preceded_by / preceded_ts / preceded_at (file:line) name the config edit, credential rotation
    or CA upgrade on that connector within `window` before the first failure; null when none.
    """
    templates_of_orders = (
        events.lazy()
        .filter(pl.col("order_id").is_not_null() & pl.col("template").is_not_null())
        .sort(EVENT_INDEX)
        .group_by("order_id", maintain_order=True)
        .agg(pl.col("template").first().alias("_order_template"))
    )
    hits = (
        findings.lazy()
        .filter(~pl.col("benign").fill_null(False))
        .select(EVENT_INDEX, "cause", "cap_template")
        .join(
            events.lazy().select(EVENT_INDEX, "connector", "ts", "order_id", "template"),
            on=EVENT_INDEX,
        )
        .filter(pl.col("connector").is_not_null() & pl.col("ts").is_not_null())
        .join(templates_of_orders, on="order_id", how="left")
    )
    onset = (
        hits.group_by("connector", "cause")
        .agg(
            pl.col("ts").min(),
            pl.col("order_id").drop_nulls().n_unique().cast(pl.UInt32).alias("orders"),
            pl.coalesce("template", "cap_template", "_order_template")
            .drop_nulls()
            .unique()
            .sort()
            .alias("templates"),
        )
        .collect()
    )
    if onset.is_empty():
        return pl.DataFrame(schema=ONSET_SCHEMA)
    return (
        change_before(onset, change_events(events), window=window)
        .select(
            "connector",
            "cause",
            pl.col("ts").alias("onset_ts"),
            pl.col("change_text").alias("preceded_by"),
            pl.col("change_ts").alias("preceded_ts"),
            pl.col("change_at").alias("preceded_at"),
            "orders",
            "templates",
        )
        .cast(ONSET_SCHEMA)
        .sort("connector", "onset_ts", "cause")
    )
