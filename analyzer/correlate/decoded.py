"""Decoded evidence as candidates: what analyzer.pki proves about CSRs, serials, templates and bursts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analyzer.correlate.linking import CANDIDATE_COLUMNS, OWN
from analyzer.correlate.orders import ORDER_KEY
from analyzer.pki import pki_evidence
from analyzer.schema import EVENT_INDEX

# Rule ids of decoded evidence (analyzer.pki) start with this: they are facts, not pack rules.
DECODED_PREFIX = "pki."

# Context rows say what preceded a failure; they support the rules' cause and never compete.
CONTEXT_ONLY = frozenset({"pki.change-before-failure"})


def decoded_candidates(
    keyed: pl.DataFrame,
    findings: pl.DataFrame,
    all_orders: pl.DataFrame,
    verdicts: pl.DataFrame,
    template_map: Path | None,
    csr_policy: Path | None,
) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """PKI evidence for the orders with a verdict, as candidate rows, and its notes per order.

    Every order goes in (issued ones tell which templates and serials the CA knows); only orders
    with a verdict carry a candidate cause.
    """
    events = keyed.with_columns(pl.col(ORDER_KEY).alias("order_id"))
    orders = all_orders.join(
        verdicts.select(
            ORDER_KEY, pl.col("root_cause").alias("candidate_cause"), pl.col("state").alias("_vs")
        ),
        on=ORDER_KEY,
        how="left",
    ).select(
        pl.col(ORDER_KEY).alias("order_id"),
        pl.coalesce(pl.col("_vs").cast(pl.String), pl.col("state").cast(pl.String)).alias("state"),
        "connector",
        "template",
        "cert_type",
        "serial",
        "failed_at",
        "candidate_cause",
    )
    evidence = pki_evidence(
        events, findings, orders, template_map=template_map, csr_policy=csr_policy
    )
    notes: dict[str, list[str]] = {}
    for order_id, note in evidence.select("order_id", "note").iter_rows():
        notes.setdefault(order_id, []).append(note)
    competing = evidence.filter(~pl.col("rule_id").is_in(list(CONTEXT_ONLY)))
    # Only the events the evidence names: a join with every event hashes them all.
    times = keyed.select(EVENT_INDEX, "ts").filter(
        pl.col(EVENT_INDEX).is_in(competing.get_column(EVENT_INDEX).drop_nulls().implode())
    )
    failed = verdicts.select(ORDER_KEY, "failed_at")
    rows = (
        competing.rename({"order_id": ORDER_KEY})
        .join(times, on=EVENT_INDEX, how="left")
        .join(failed, on=ORDER_KEY, how="left")
        .with_columns(
            pl.col("note").alias("title"),
            pl.lit("high").alias("severity"),
            pl.lit(OWN).cast(pl.Int8).alias("proximity"),
            (pl.col("ts") - pl.col("failed_at"))
            .abs()
            .dt.total_milliseconds()
            .truediv(1000.0)
            .fill_null(0.0)
            .alias("distance_s"),
        )
        .select(CANDIDATE_COLUMNS)
    )
    return rows, notes
