"""The orders table: one row per order named anywhere in the logs, with its latest state and attributes."""

from __future__ import annotations

import polars as pl

from analyzer.schema import STATE_DTYPE, Kind, Level, State

ORDER_KEY = "order_key"

# Attributes an order takes from its own events: the last non-null value wins, order records first.
ATTRIBUTES = (
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
    """One row per order key: latest state and attributes, first / last time, time of failure.

    "Latest" is in time order (ties: file, then line), order records first. The events are
    ordered by their narrow columns and row positions only; each value is then gathered once from
    its row, so no string column is sorted or copied per event.
    """
    is_record = pl.col("kind") == Kind.ORDER.value
    latest = [*ATTRIBUTES, "state"]
    firsts = ["order_id", "request_id"]
    row = pl.col("_pos")

    def held(name: str) -> pl.Expr:
        return pl.col(f"_{name}")

    positions = (
        keyed.lazy()
        .with_row_index("_pos")
        .filter(pl.col(ORDER_KEY).is_not_null())
        .select(
            ORDER_KEY,
            "_pos",
            "ts",
            "source_file",
            "line",
            is_record.alias("_record"),
            is_error_event().alias("_error"),
            *(pl.col(name).is_not_null().alias(f"_{name}") for name in [*latest, *firsts]),
        )
        .sort(["ts", "source_file", "line"], nulls_last=True)
        .group_by(ORDER_KEY)
        .agg(
            *(
                pl.coalesce(
                    row.filter(held(name) & pl.col("_record")).last(), row.filter(held(name)).last()
                ).alias(name)
                for name in latest
            ),
            *(row.filter(held(name)).first().alias(name) for name in firsts),
            pl.col("ts").min().alias("first_ts"),
            pl.col("ts").max().alias("last_ts"),
            pl.col("ts").filter(pl.col("_error")).max().alias("error_ts"),
            pl.col("_error").any().alias("has_error"),
            pl.col("_record").any().alias("has_record"),
        )
        .collect()
    )
    values = {
        name: keyed.get_column(name).gather(positions.get_column(name))
        for name in [*latest, *firsts]
    }
    return (
        positions.with_columns(**values)
        .with_columns(
            pl.coalesce("error_ts", "last_ts").alias("failed_at"),
            pl.col("state").cast(STATE_DTYPE),
        )
        .sort(ORDER_KEY)
    )
