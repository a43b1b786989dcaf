"""Candidate causes per order: findings on its own events, then on connector events around its failure."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from analyzer.correlate.orders import ORDER_KEY
from analyzer.schema import EVENT_INDEX, Kind

_SETTLED = ["issued", "revoked", "cancelled"]

# Proximity ranks, lower is closer: the order's own lines, then its connector's lines, then bursts.
OWN, LINKED, THRESHOLD = 0, 1, 2

CANDIDATE_COLUMNS = [
    ORDER_KEY,
    EVENT_INDEX,
    "rule_id",
    "cause",
    "title",
    "severity",
    "priority",
    "proximity",
    "distance_s",
    "ts",
]


def effective_findings(findings: pl.DataFrame) -> pl.DataFrame:
    """Drop cause findings that a benign rule of at least their priority explains away on the same event."""
    benign_floor = (
        findings.filter(pl.col("benign"))
        .group_by(EVENT_INDEX)
        .agg(pl.col("priority").max().alias("_benign_priority"))
    )
    return (
        findings.filter(~pl.col("benign"))
        .join(benign_floor, on=EVENT_INDEX, how="left")
        .filter(
            pl.col("_benign_priority").is_null() | (pl.col("priority") > pl.col("_benign_priority"))
        )
        .drop("_benign_priority")
    )


def _located(findings: pl.DataFrame, keyed: pl.DataFrame) -> pl.DataFrame:
    events = keyed.select(EVENT_INDEX, ORDER_KEY, "connector", "kind", "ts")
    return findings.join(events, on=EVENT_INDEX, how="inner")


def own_candidates(
    findings: pl.DataFrame, keyed: pl.DataFrame, orders: pl.DataFrame
) -> pl.DataFrame:
    """Findings on events that name the order (order, bot, or connector lines carrying its id)."""
    located = _located(findings, keyed).filter(pl.col(ORDER_KEY).is_not_null())
    return (
        located.join(orders.select(ORDER_KEY, "failed_at"), on=ORDER_KEY, how="inner")
        .with_columns(
            pl.when(pl.col("threshold")).then(THRESHOLD).otherwise(OWN).alias("proximity"),
            _distance_s(),
        )
        .select(CANDIDATE_COLUMNS)
    )


def linked_candidates(
    findings: pl.DataFrame, keyed: pl.DataFrame, orders: pl.DataFrame, window: timedelta
) -> pl.DataFrame:
    """Findings on connector events with no order id, same connector, within `window` of the failure."""
    connector_findings = _located(findings, keyed).filter(
        pl.col(ORDER_KEY).is_null()
        & (pl.col("kind") == Kind.CONNECTOR.value)
        & pl.col("connector").is_not_null()
        & pl.col("ts").is_not_null()
    )
    # Orders that ended well never get a verdict: linking them would only multiply rows.
    settled = pl.col("state").cast(pl.String).is_in(_SETTLED).fill_null(False)
    targets = orders.filter(
        pl.col("connector").is_not_null() & pl.col("failed_at").is_not_null() & ~settled
    )
    # Join on (connector, time bucket of one window) against the failure's bucket and its two
    # neighbours: every pair within the window meets, and the join stays linear in the export.
    width = max(int(window.total_seconds()), 1)
    buckets = (
        targets.select(ORDER_KEY, "connector", "failed_at")
        .with_columns(
            (pl.col("failed_at").dt.epoch("s") // width + pl.lit([-1, 0, 1])).alias("_bucket")
        )
        .explode("_bucket")
    )
    linked = (
        buckets.join(
            connector_findings.drop(ORDER_KEY).with_columns(
                (pl.col("ts").dt.epoch("s") // width).alias("_bucket")
            ),
            on=["connector", "_bucket"],
            how="inner",
        )
        .filter((pl.col("ts") - pl.col("failed_at")).abs() <= pl.lit(window))
        .drop("_bucket")
    )
    return linked.with_columns(
        pl.when(pl.col("threshold")).then(THRESHOLD).otherwise(LINKED).alias("proximity"),
        _distance_s(),
    ).select(CANDIDATE_COLUMNS)


def _distance_s() -> pl.Expr:
    return (
        (pl.col("ts") - pl.col("failed_at")).abs().dt.total_milliseconds().truediv(1000.0)
    ).alias("distance_s")


def candidates(
    findings: pl.DataFrame, keyed: pl.DataFrame, orders: pl.DataFrame, window: timedelta
) -> pl.DataFrame:
    """Every candidate cause of every order, own and linked, benign findings excluded."""
    effective = effective_findings(findings)
    both = pl.concat(
        [
            own_candidates(effective, keyed, orders),
            linked_candidates(effective, keyed, orders, window),
        ],
        how="vertical_relaxed",
    )
    return both.with_columns(pl.col("proximity").cast(pl.Int8), pl.col("priority").cast(pl.Int32))
