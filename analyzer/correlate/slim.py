"""Slim each file's events to what triage reads, as soon as the file is read.

Triage reads the text of trouble (the rules, unknown clusters, decoders) and, of every other line,
only aggregates: an order's latest state and attributes, its first and last times, a connector's
last status and last success, the certificates that issued. Each of those is an extreme (first or
last, in line order or in time order) of a group of lines, and the extreme of a union is the
extreme of the groups' extremes. So of the healthy lines of one file only the extremes are kept,
per group and per column; the result of triage is the same as on every line.

The groups refine the order key (an order id, else the order its request id belongs to, else the
request id): (order_id, request_id, kind) cells, and (connector, kind). Trouble keeps every line.
"""

from __future__ import annotations

import polars as pl

from analyzer.correlate.connectors import looks_successful
from analyzer.correlate.orders import ATTRIBUTES, is_error_event
from analyzer.engine import TROUBLE
from analyzer.pki import text_read

# The text columns: by far the largest part of an events frame (stack traces, JSON bodies).
TEXT_COLUMNS = ("message", "raw", "fields")

# "kind" too: order records take precedence over other lines, and a connector's status is read
# from connector logs only (a reader gives a whole file one kind; a hand-made frame may not).
_CELL = ["order_id", "request_id", "kind"]
# Which extremes each aggregate of triage takes: "last" / "first" in time order (the orders table,
# connector health), "max" / "min" in line order (the decoders' facts and templates).
_LATEST = dict.fromkeys((*ATTRIBUTES, "state"), ("last",))
_PER_ORDER: dict[str, tuple[str, ...]] = {
    **_LATEST,
    **dict.fromkeys(("key_alg", "key_size", "sig_alg", "sans", "common_name"), ("last", "max")),
    "template": ("last", "min"),
    "ts": ("first", "last"),
}
_PER_CONNECTOR: dict[str, tuple[str, ...]] = dict.fromkeys(
    ("status", "endpoint", "ca_type"), ("last",)
)


def text_needed() -> pl.Expr:
    """Events whose text some stage reads: the rules (TROUBLE), unknown clusters, the decoders."""
    return (TROUBLE | is_error_event() | text_read()).fill_null(False)


def _extremes(name: str, ends: tuple[str, ...], where: pl.Expr | None = None) -> list[pl.Expr]:
    """Positions of the rows holding a value at the wanted ends of the time or the line order.

    "first" / "last" give a position in time order (`_t`, prefixed `t`), "min" / "max" a row
    number in line order (`_r`, prefixed `r`). A min or max over when/then, not a filter per group.
    """
    held = pl.col(name).is_not_null() if where is None else where
    in_time, in_lines = pl.when(held).then(pl.col("_t")), pl.when(held).then(pl.col("_r"))
    take = {
        "first": ("t", in_time.min()),
        "last": ("t", in_time.max()),
        "min": ("r", in_lines.min()),
        "max": ("r", in_lines.max()),
    }
    return [take[end][1].alias(f"{take[end][0]}_{name}_{end}") for end in ends]


def _kept_rows(healthy: pl.DataFrame) -> pl.Series:
    """Row numbers (`_r`) of the healthy rows some aggregate of triage may take."""
    in_time = healthy.sort(["ts", "_r"], nulls_last=True).with_row_index("_t")
    success = looks_successful()  # healthy lines carry no finding: no cause to rule them out
    per_order = in_time.group_by(_CELL).agg(
        *_extremes("_any", ("min",), pl.lit(value=True)),  # an order cell with no time at all
        *(e for column, ends in _PER_ORDER.items() for e in _extremes(column, ends)),
    )
    per_connector = (
        in_time.filter(pl.col("connector").is_not_null())
        .group_by("connector", "kind")
        .agg(
            *(e for column, ends in _PER_CONNECTOR.items() for e in _extremes(column, ends)),
            *_extremes("_success", ("last",), success),
        )
    )
    # Every certificate that issued: (serial, connector, template) per order cell, once.
    issued = (
        healthy.filter(pl.col("state") == "issued")
        .unique([*_CELL, "serial", "connector", "template"], keep="first", maintain_order=True)
        .get_column("_r")
    )
    frames = (per_order, per_connector)
    times = pl.concat([f.select(pl.col("^t_.*$")).unpivot().get_column("value") for f in frames])
    lines = pl.concat([f.select(pl.col("^r_.*$")).unpivot().get_column("value") for f in frames])
    by_time = in_time.get_column("_r").gather(times.drop_nulls().unique())
    return pl.concat([by_time, lines.drop_nulls(), issued]).unique()


def slim(events: pl.DataFrame) -> pl.DataFrame:
    """One file's events (in line order) with healthy lines cut to the aggregates' extremes.

    Trouble keeps every line and its text; the healthy lines kept lose theirs (their wording never
    decides a cause: the engine reads TROUBLE events only).
    """
    if not events.height:
        return events
    marked = events.with_row_index("_r").with_columns(text_needed().alias("_text"))
    healthy = marked.filter(~pl.col("_text")).select("_r", *_CELL, *_columns_read())
    kept = _kept_rows(healthy).cast(pl.UInt32).implode()
    return (
        marked.filter(pl.col("_text") | pl.col("_r").is_in(kept))
        .with_columns(
            # A new string, not a view of the file's text: the file's buffers can then be freed.
            pl.when("_text").then(pl.concat_str([pl.col(c), pl.lit("")])).alias(c)
            for c in TEXT_COLUMNS
        )
        .drop("_r", "_text")
    )


def _columns_read() -> list[str]:
    columns = {*_PER_ORDER, *_PER_CONNECTOR, "connector", "http_status", "level"}
    return sorted(columns - set(_CELL))
