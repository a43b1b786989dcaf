"""Context to tell look-alike causes apart: bursts, issuing templates, changes before failures."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from analyzer.schema import EVENT_INDEX

INACTIVE_PATTERN = r"(?i)inactive account user"
# Enough distinct orders in a short window that the CA is throttling, not refusing the account.
BURST_ORDERS = 16
BURST_WINDOW = timedelta(seconds=10)
CHANGE_WINDOW = timedelta(minutes=30)
CHANGE_PATTERN = (
    r"(?i)\bconfig(?:uration)?[ _-]?(?:change|changed|update|updated|edit|edited|saved|modified)\b"
    r"|\bconnector[ _-]?(?:edit|edited|updated|modified|saved|re-?saved|reconfigured)\b"
    r"|\bedited (?:the )?(?:ca )?connector\b"
    r"|\bcredentials?[ _-]?(?:rotat\w*|changed|updated|renewed)\b"
    r"|\b(?:api[ _-]?key|password|secret|token)[ _-]?(?:rotat\w*|changed|updated|regenerated)\b"
    r"|\brotat\w* (?:the )?(?:api[ _-]?key|credentials?|password|secret)\b"
    r"|\bca[ _-]?(?:server )?upgrad\w*|\bupgraded to\b"
)


def _duration(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() * 1_000_000)}us"


def inactive_bursts(
    events: pl.DataFrame, *, min_orders: int = BURST_ORDERS, window: timedelta = BURST_WINDOW
) -> pl.DataFrame:
    """`Inactive Account User.` events: event_idx, order_id, connector, ts, burst_orders.

    burst_orders is the number of distinct orders of a window of `window` on the same connector
    that holds the event and at least `min_orders` orders; null when the event is in no burst.
    """
    hits = (
        events.lazy()
        .filter(
            (
                pl.col("raw").str.contains(INACTIVE_PATTERN)
                | pl.col("message").str.contains(INACTIVE_PATTERN).fill_null(False)
            )
            & pl.col("ts").is_not_null()
        )
        .select(
            EVENT_INDEX,
            "order_id",
            "connector",
            "ts",
            pl.col("connector").fill_null("").alias("_key"),
            pl.coalesce("order_id", "request_id").alias("_order"),
        )
        .sort("_key", "ts", EVENT_INDEX)
        .with_columns(
            pl.col("_order")
            .n_unique()
            .rolling(index_column="ts", period=_duration(window))
            .over("_key")
            .alias("_n")
        )
    )
    # A row closing a window of enough orders marks (ts - window, ts]; every row in there is in it.
    ends = hits.filter(pl.col("_n") >= min_orders).select("_key", pl.col("ts").alias("_end"), "_n")
    return (
        hits.drop("_n")
        .join_asof(
            ends.sort("_end"),
            left_on="ts",
            right_on="_end",
            by="_key",
            strategy="forward",
            check_sortedness=False,  # sorted by time within each connector just above
        )
        .with_columns(
            pl.when(pl.col("_end") - pl.col("ts") < window).then(pl.col("_n")).alias("burst_orders")
        )
        .select(EVENT_INDEX, "order_id", "connector", "ts", "burst_orders")
        .sort(EVENT_INDEX)
        .collect()
    )


def change_events(events: pl.DataFrame) -> pl.DataFrame:
    """Config edits, credential rotations and CA upgrades: event_idx, connector, ts, text, at.

    A change line without a connector field is tied to every connector whose name it mentions.
    """
    text = pl.concat_str(["operation", "message"], separator=" ", ignore_nulls=True)
    # Rechunked: the few change lines otherwise keep one (mostly empty) chunk per input chunk;
    # pl.format below was seen to panic on such a frame (Polars 2.1, `i < self.len()` in binview,
    # on the 4-day benchmark's events read back from a pickle).
    lines = (
        events.filter(text.str.contains(CHANGE_PATTERN) & pl.col("ts").is_not_null())
        .rechunk()
        .with_columns(pl.coalesce("message", "raw").str.strip_chars().alias("text"))
    )
    names = sorted(set(events["connector"].drop_nulls().unique().to_list()))
    mentioned = [
        lines.filter(
            pl.col("connector").is_null() & pl.col("text").str.contains(name, literal=True)
        ).with_columns(pl.lit(name).alias("connector"))
        for name in names
    ]
    return (
        pl.concat([lines.filter(pl.col("connector").is_not_null()), *mentioned])
        .select(
            EVENT_INDEX,
            "connector",
            "ts",
            "text",
            pl.format("{}:{}", "source_file", "line").alias("at"),
        )
        .sort("connector", "ts", EVENT_INDEX)
    )


def change_before(
    failures: pl.DataFrame, changes: pl.DataFrame, *, window: timedelta = CHANGE_WINDOW
) -> pl.DataFrame:
    """For each failure row (connector, ts, ...): the change within `window` before it, if any.

    Adds change_idx, change_text, change_ts, change_at (null when nothing changed just before).
    """
    right = changes.select(
        "connector",
        pl.col(EVENT_INDEX).alias("change_idx"),
        pl.col("text").alias("change_text"),
        pl.col("ts").alias("change_ts"),
        pl.col("at").alias("change_at"),
    ).sort("change_ts")
    return failures.sort("ts").join_asof(
        right,
        left_on="ts",
        right_on="change_ts",
        by="connector",
        strategy="backward",
        tolerance=window,
        check_sortedness=False,  # both sides are sorted by time just above
    )


def runs_after_change(
    failures: pl.DataFrame, changes: pl.DataFrame, *, window: timedelta = CHANGE_WINDOW
) -> pl.DataFrame:
    """Failures (order_id, connector, ts) of a run that starts within `window` after a change.

    Returns order_id, connector, ts, run_start and the change_* columns of `change_before`.
    """
    latest = change_before(failures, changes, window=timedelta(days=36_500))
    return (
        latest.filter(pl.col("change_ts").is_not_null())
        .with_columns(pl.col("ts").min().over("connector", "change_idx").alias("run_start"))
        .filter(pl.col("run_start") - pl.col("change_ts") <= window)
        .sort("connector", "ts", "order_id")
    )


def _issued_rows(events: pl.DataFrame, orders: pl.DataFrame) -> pl.LazyFrame:
    """connector, template, order_id of every issued event and order (repeats kept, nulls not)."""
    cols = ["connector", "template", "order_id"]
    # Lazy: the filter then reads three columns, not every column of every event.
    from_events = events.lazy().filter(pl.col("state") == "issued").select(cols)
    from_orders = (
        orders.lazy()
        .filter(pl.col("state").cast(pl.String) == "issued")
        .select([pl.col(c).cast(pl.String) for c in cols])
    )
    return pl.concat([from_events, from_orders]).drop_nulls()


def issued_templates(events: pl.DataFrame, orders: pl.DataFrame) -> pl.DataFrame:
    """Templates that did issue: connector, template, order_id (one row per issued order)."""
    return _issued_rows(events, orders).unique().sort("connector", "template", "order_id").collect()


def template_issuers(
    events: pl.DataFrame, orders: pl.DataFrame, of: pl.Series, *, shown: int = 4
) -> pl.DataFrame:
    """Per connector and issued template: how many orders issued it, which first, which of `of`.

    Columns connector, template, orders (distinct orders), first (the `shown` smallest order ids,
    sorted) and holders (the orders of `of` among them): what `issued_templates` says about a
    template, without a row per issued order.
    """
    order_id = pl.col("order_id")
    return (
        _issued_rows(events, orders)
        .group_by("connector", "template")
        .agg(
            order_id.n_unique().alias("orders"),
            order_id.unique().bottom_k(shown).sort().alias("first"),
            order_id.filter(order_id.is_in(of.implode())).unique().alias("holders"),
        )
        .sort("connector", "template")
        .collect()
    )
