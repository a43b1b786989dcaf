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
    return pl.col("level").is_in(_ERROR_LEVELS).fill_null(False) | pl.col("state").is_in(
        _FAILED_STATES
    ).fill_null(False)


def time_order(events: pl.DataFrame) -> list[pl.Expr]:
    """Sort keys of time order (ts, then source file, then line; nulls last), cheap to sort by.

    The file names become an Enum of themselves sorted, which orders as the text does: events
    then sort by integers only (sorting two million events by file name is most of the sort).
    """
    files = pl.Enum(events.get_column("source_file").drop_nulls().unique().sort())
    return [pl.col("ts"), pl.col("source_file").cast(files), pl.col("line")]


def build_orders(keyed: pl.DataFrame) -> pl.DataFrame:
    """One row per order key: latest state and attributes, first / last time, time of failure.

    "Latest" is in time order (ties: file, then line), order records first. Only the narrow
    columns are ordered, once; each value is then gathered once from its row, so no string column
    is sorted or copied per event.
    """
    latest = [*ATTRIBUTES, "state"]
    firsts = ["order_id", "request_id"]
    events = (
        keyed.lazy()
        .with_row_index("_pos")
        .filter(pl.col(ORDER_KEY).is_not_null())
        .select(
            ORDER_KEY,
            "_pos",
            "ts",
            "source_file",
            "line",
            (pl.col("kind") == Kind.ORDER.value).alias("_record"),
            is_error_event().alias("_error"),
            *(pl.col(name).is_not_null().alias(f"_{name}") for name in [*latest, *firsts]),
        )
        .collect()
    )
    in_time = events.select(pl.arg_sort_by(time_order(keyed), nulls_last=True)).to_series()
    count = max(events.height, 1)
    positions = (
        _places(events.with_columns(in_time.arg_sort().alias("_place")), latest, firsts, count)
        .group_by(ORDER_KEY)
        .agg(
            *(pl.col(name).max() for name in latest),
            *(pl.col(name).min() for name in firsts),
            pl.col("ts").min().alias("first_ts"),
            pl.col("ts").max().alias("last_ts"),
            pl.col("ts").filter(pl.col("_error")).max().alias("error_ts"),
            pl.col("_error").any().alias("has_error"),
            pl.col("_record").any().alias("has_record"),
        )
        .collect()
    )
    # The event row at each place in time order turns the places back into rows of `keyed`.
    rows = events.get_column("_pos").gather(in_time)
    values = {
        name: keyed.get_column(name).gather(rows.gather(positions.get_column(name) % count))
        for name in latest
    } | {
        name: keyed.get_column(name).gather(rows.gather(positions.get_column(name)))
        for name in firsts
    }
    return (
        positions.with_columns(**values)
        .with_columns(
            pl.coalesce("error_ts", "last_ts").alias("failed_at"),
            pl.col("state").cast(STATE_DTYPE),
        )
        .sort(ORDER_KEY)
    )


def _places(events: pl.DataFrame, latest: list[str], firsts: list[str], count: int) -> pl.LazyFrame:
    """Per event and attribute, its place in time order when it holds the attribute, else null.

    For the latest values an order record's place is raised by `count` (the number of events),
    above every other event's: the maximum is then the latest record, else the latest event; the
    minimum of the plain places is the first event. Maxima and minima per order are plain integer
    aggregations, where a filter per order and attribute is not.
    """
    place = pl.col("_place").cast(pl.UInt64)
    raised = place + pl.col("_record").cast(pl.UInt64) * count
    return events.lazy().with_columns(
        *(pl.when(pl.col(f"_{name}")).then(raised).alias(name) for name in latest),
        *(pl.when(pl.col(f"_{name}")).then(place).alias(name) for name in firsts),
    )
