"""The verdicts table: one row per order verdict, for CSV, Parquet and the Python API."""

from __future__ import annotations

from typing import Any

import polars as pl

from analyzer.models import Report
from analyzer.report.digest import failure_time, winning_evidence

TS = pl.Datetime("us", "UTC")

VERDICT_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.String(),
    "status": pl.String(),
    "state": pl.String(),
    "connector": pl.String(),
    "template": pl.String(),
    "root_cause": pl.String(),
    "rule": pl.String(),
    "title": pl.String(),
    "severity": pl.String(),
    "confidence": pl.Float64(),
    "side": pl.String(),
    "step": pl.Int32(),
    "failed_at": TS,
    "evidence_count": pl.UInt32(),
    "evidence_file": pl.String(),
    "evidence_line": pl.UInt32(),
    "evidence_message": pl.String(),
    "runner_ups": pl.String(),
    "endpoint": pl.String(),
    "error": pl.String(),
    "key_alg": pl.String(),
    "key_size": pl.Int32(),
    "sig_alg": pl.String(),
    "sans": pl.String(),
    "subject": pl.String(),
    "fix": pl.String(),
}


def _row(report: Report, index: int) -> dict[str, Any]:
    order = report.orders[index]
    win = winning_evidence(order)
    esc = order.escalation
    return {
        "order_id": order.order_id,
        "status": order.status,
        "state": order.state,
        "connector": order.connector,
        "template": order.template,
        "root_cause": order.root_cause,
        "rule": order.rule,
        "title": order.title,
        "severity": order.severity,
        "confidence": order.confidence,
        "side": order.side,
        "step": order.step,
        "failed_at": failure_time(order),
        "evidence_count": len(order.evidence),
        "evidence_file": win.file if win else None,
        "evidence_line": win.line if win else None,
        "evidence_message": win.message if win else None,
        "runner_ups": "; ".join(f"{r.root_cause} ({r.why_not})" for r in order.runner_ups) or None,
        "endpoint": esc.endpoint,
        "error": esc.error,
        "key_alg": esc.csr.key_alg,
        "key_size": esc.csr.key_size,
        "sig_alg": esc.csr.sig_alg,
        "sans": esc.csr.sans,
        "subject": esc.csr.subject,
        "fix": order.fix,
    }


def verdicts_frame(report: Report) -> pl.DataFrame:
    """One row per verdict, in the report's order, with the winning evidence and the CSR facts."""
    rows = [_row(report, i) for i in range(len(report.orders))]
    return pl.DataFrame(rows, schema=VERDICT_SCHEMA)
