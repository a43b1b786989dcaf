"""The CSR part of the escalation bundle: per order the decoded CSR, else what the logs reported."""

from __future__ import annotations

import polars as pl

from analyzer.pki.csr import CsrFormatError, csr_blocks, decode_csr
from analyzer.schema import EVENT_INDEX

CSR_DETAILS_SCHEMA = pl.Schema(
    {
        "order_id": pl.String(),
        EVENT_INDEX: pl.UInt32(),
        "source": pl.String(),  # "csr" (decoded PEM) or "log" (the order's own columns)
        "key_alg": pl.String(),
        "key_size": pl.Int32(),
        "curve": pl.String(),
        "sig_alg": pl.String(),
        "sans": pl.String(),
        "subject": pl.String(),
        "error": pl.String(),  # why the CSR could not be parsed
    }
)
_LOGGED = ("key_alg", "key_size", "sig_alg", "sans", "common_name")


def csr_details(events: pl.DataFrame) -> pl.DataFrame:
    """One row per order with CSR facts (CSR_DETAILS_SCHEMA), sorted by order_id.

    The order's last CSR block wins; an order without one gets the key_alg, key_size, sig_alg,
    sans and common_name its events logged (the last non-null value of each).
    """
    latest = (
        csr_blocks(events)
        .filter(pl.col("order_id").is_not_null())
        .group_by("order_id", maintain_order=True)
        .last()
    )
    decoded = []
    for oid, idx, pem in latest.select("order_id", EVENT_INDEX, "pem").iter_rows():
        try:
            facts = decode_csr(pem).details()
        except CsrFormatError as exc:
            decoded.append({"order_id": oid, EVENT_INDEX: idx, "source": "csr", "error": str(exc)})
            continue
        decoded.append({"order_id": oid, EVENT_INDEX: idx, "source": "csr", **facts})
    from_csr = pl.DataFrame(decoded, schema=CSR_DETAILS_SCHEMA)
    from_log = logged_facts(events, exclude=from_csr["order_id"].to_list())
    return pl.concat([from_csr, from_log]).sort("order_id")


def logged_facts(
    events: pl.DataFrame, *, exclude: list[str] | None = None, only: list[str] | None = None
) -> pl.DataFrame:
    """Per order (of `only`, but those in `exclude`), the last logged key_alg, key_size, sig_alg,
    sans and CN."""
    has_fact = pl.any_horizontal(pl.col(c).is_not_null() for c in _LOGGED)
    wanted = pl.col("order_id").is_not_null() if only is None else pl.col("order_id").is_in(only)
    return (
        events.lazy()
        .filter(wanted & has_fact & ~pl.col("order_id").is_in(exclude or []))
        .sort(EVENT_INDEX)
        .group_by("order_id")
        .agg(
            pl.col(EVENT_INDEX).last(),
            *(pl.col(c).drop_nulls().last() for c in _LOGGED),
        )
        .select(
            "order_id",
            EVENT_INDEX,
            pl.lit("log").alias("source"),
            "key_alg",
            "key_size",
            pl.lit(None).alias("curve"),
            "sig_alg",
            "sans",
            pl.format("CN={}", "common_name").alias("subject"),
            pl.lit(None).alias("error"),
        )
        .cast(CSR_DETAILS_SCHEMA)
        .sort("order_id")
        .collect()
    )


def csr_detail(events: pl.DataFrame, order_id: str) -> dict[str, object] | None:
    """The CSR facts of one order as a dict (CSR_DETAILS_SCHEMA keys), None when unknown."""
    rows = csr_details(events.filter(pl.col("order_id") == order_id)).to_dicts()
    return rows[0] if rows else None
