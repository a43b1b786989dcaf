"""The orders table: one row per order named anywhere in the logs, with its latest state and attributes."""

from __future__ import annotations

import polars as pl

from analyzer.schema import EVENT_INDEX, STATE_DTYPE, Kind, Level, State

ORDER_KEY = "order_key"

# Attributes an order takes from its own events: the last non-null value wins, order records first.
_ATTRIBUTES = (
    "status",
    "connector",
    "ca_type",
    "endpoint",
    "template",
    "cert_type",
    "common_name",
    "sans",
    "key_alg",
    "key_size",
    "sig_alg",
    "serial",
)

_ERROR_LEVELS = [Level.ERROR.value, Level.FATAL.value]
_FAILED_STATES = [State.FAILED.value, State.REVOKE_FAILED.value]


def with_order_key(events: pl.DataFrame) -> pl.DataFrame:
    """Add `order_key`: the order id, else the order a request id belongs to, else the request id.

    One expression over the frame (a request-id lookup, not a join), so the wide events frame only
    gains a column: its other columns are shared, not copied.
    """
    pairs = (
        events.filter(pl.col("order_id").is_not_null() & pl.col("request_id").is_not_null())
        .select("request_id", "order_id")
        .unique(subset="request_id", keep="first", maintain_order=True)
    )
    via_request = pl.col("request_id").replace_strict(
        pairs.get_column("request_id"), pairs.get_column("order_id"), default=None
    )
    return events.with_columns(pl.coalesce("order_id", via_request, "request_id").alias(ORDER_KEY))


def is_error_event() -> pl.Expr:
    """An event that reports a failure by its level or its state."""
    return pl.col("level").cast(pl.String).is_in(_ERROR_LEVELS).fill_null(False) | pl.col(
        "state"
    ).cast(pl.String).is_in(_FAILED_STATES).fill_null(False)


def build_orders(keyed: pl.DataFrame) -> pl.DataFrame:
    """One row per order key: latest state and attributes, first / last time, time of failure."""
    # Only the columns the orders table reads: sorting the wide frame would copy its text columns.
    needed = [ORDER_KEY, EVENT_INDEX, "ts", "source_file", "line", "kind", "level", "state",
              "order_id", "request_id", *_ATTRIBUTES]  # fmt: skip
    own = (
        keyed.lazy()
        .select(needed)
        .filter(pl.col(ORDER_KEY).is_not_null())
        .sort(["ts", "source_file", "line"], nulls_last=True)
        .collect()
    )
    is_record = pl.col("kind") == Kind.ORDER.value

    def latest(name: str) -> pl.Expr:
        from_records = pl.col(name).filter(is_record).drop_nulls().last()
        return pl.coalesce(from_records, pl.col(name).drop_nulls().last()).alias(name)

    orders = own.group_by(ORDER_KEY).agg(
        *(latest(name) for name in _ATTRIBUTES),
        latest("state"),
        pl.col("order_id").drop_nulls().first().alias("order_id"),
        pl.col("request_id").drop_nulls().first().alias("request_id"),
        pl.col("ts").min().alias("first_ts"),
        pl.col("ts").max().alias("last_ts"),
        pl.col("ts").filter(is_error_event()).max().alias("error_ts"),
        is_error_event().any().alias("has_error"),
        is_record.any().alias("has_record"),
        pl.col(EVENT_INDEX).count().alias("events"),
    )
    return orders.with_columns(
        pl.coalesce("error_ts", "last_ts").alias("failed_at"),
        pl.col("state").cast(STATE_DTYPE),
    ).sort(ORDER_KEY)
