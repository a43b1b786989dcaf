"""The PKI evidence record: its schema, its priorities, and the order lookups the checks share."""

from __future__ import annotations

import polars as pl

from analyzer.schema import EVENT_INDEX, TS_DTYPE

EVIDENCE_SCHEMA = pl.Schema(
    {
        "order_id": pl.String(),
        "cause": pl.String(),
        "rule_id": pl.String(),
        "note": pl.String(),
        EVENT_INDEX: pl.UInt32(),
        "priority": pl.Int32(),
    }
)
# What pki_evidence reads from `orders`; missing columns count as null.
ORDERS_SCHEMA = pl.Schema(
    {
        "order_id": pl.String(),
        "state": pl.String(),
        "connector": pl.String(),
        "template": pl.String(),
        "cert_type": pl.String(),
        "serial": pl.String(),
        "failed_at": TS_DTYPE,
        "candidate_cause": pl.String(),
    }
)
DECODED = 90  # facts decoded from the CSR, the serials or the event stream beat a word match
LOGGED = 80  # the same checks on what an order log reported instead of a decoded CSR
WEAK = 60  # a fact that only says what is absent from the export
CONTEXT = 50  # context that supports the cause the rules picked, never replaces it

NO_CAUSE = ("unknown",)

# order_id, cause, rule_id, note, event_idx, priority
Row = tuple[str, str, str, str, int | None, int]


def candidate(*causes: str, prefix: str | None = None) -> pl.Expr:
    """Orders whose rule-picked cause is null, `unknown`, one of `causes` or under `prefix`."""
    cand = pl.col("candidate_cause")
    picked = cand.is_null() | cand.is_in([*NO_CAUSE, *causes])
    return picked | cand.str.starts_with(prefix) if prefix else picked


def first_per_order(
    frame: pl.DataFrame, value: str, *, last: bool = False
) -> dict[str, tuple[str, int]]:
    """order_id → (value, event_idx) of the order's first (or last) event holding a value."""
    ordered = frame.filter(pl.col(value).is_not_null()).sort(EVENT_INDEX, descending=last)
    return {
        oid: (val, idx)
        for oid, val, idx in ordered.unique("order_id", keep="first", maintain_order=True)
        .select("order_id", value, EVENT_INDEX)
        .iter_rows()
    }


def finding_events(events: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """Findings joined to their event's order_id, serial, level and state (order events only)."""
    return findings.join(
        events.select(EVENT_INDEX, "order_id", "serial", "level", "state"), on=EVENT_INDEX
    ).filter(pl.col("order_id").is_not_null())
