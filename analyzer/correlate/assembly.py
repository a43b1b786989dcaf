"""Report assembly: the one place where triage frames become the pydantic Report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import polars as pl

from analyzer.correlate import Triage
from analyzer.correlate.linking import OWN
from analyzer.correlate.orders import ORDER_KEY
from analyzer.models import (
    Accounting,
    ConnectorHealth,
    CsrDetails,
    Escalation,
    Evidence,
    InputFile,
    OrderVerdict,
    Report,
    RunnerUp,
    SecurityFinding,
    Summary,
    UnknownCluster,
)
from analyzer.schema import EVENT_INDEX
from analyzer.taxonomy import STUCK_PENDING, UNKNOWN, cause

MAX_EVIDENCE = 6

BUILTIN_FIXES: dict[str, tuple[str, str]] = {
    STUCK_PENDING: (
        "Order stuck at CSR Pending with no error in the logs",
        "Open Integrations → CA Connectors and confirm the order's connector is Active and its last "
        "Test passed; check the order at the CA (approval or validation may be waiting); then "
        "re-initiate the certificate order and retry the provisioning workflow.",
    ),
    UNKNOWN: (
        "Failure no rule explains",
        "Review the connector validation, provisioning bot and order-submission logs around the "
        "failure (the error lines are listed in the unknown clusters); once understood, teach "
        "certriage with `certriage suggest-rule`.",
    ),
}

FixLookup = Callable[[str, str], tuple[str, str, str]]  # rule id, cause -> (title, severity, fix)


def _evidence_rows(result: Triage) -> pl.DataFrame:
    """Per order: the winning event, the other events of the winning cause, then its own error lines."""
    verdicts = result.verdicts.select(ORDER_KEY, "root_cause", pl.col(EVENT_INDEX).alias("_win"))
    same_cause = result.candidates.join(
        verdicts, left_on=[ORDER_KEY, "cause"], right_on=[ORDER_KEY, "root_cause"], how="inner"
    ).select(
        ORDER_KEY,
        EVENT_INDEX,
        "rule_id",
        (pl.col("proximity") != OWN).alias("linked"),
        pl.when(pl.col(EVENT_INDEX) == pl.col("_win")).then(0).otherwise(1).alias("_order"),
    )
    own_errors = (
        result.unknown_rows.filter(pl.col(ORDER_KEY).is_not_null())
        .join(verdicts, on=ORDER_KEY, how="semi")
        .select(
            ORDER_KEY,
            EVENT_INDEX,
            pl.lit(None, pl.String).alias("rule_id"),
            pl.lit(value=False).alias("linked"),
            pl.lit(2).alias("_order"),
        )
    )
    rows = pl.concat([same_cause, own_errors], how="vertical_relaxed")
    return (
        # rule_id breaks ties between two rules on one event (a burst and its line): Polars sorts
        # are not stable, and the kept rule must not change from run to run.
        rows.sort([ORDER_KEY, "_order", EVENT_INDEX, "rule_id"], nulls_last=True)
        .unique(subset=[ORDER_KEY, EVENT_INDEX], keep="first", maintain_order=True)
        .group_by(ORDER_KEY, maintain_order=True)
        .head(MAX_EVIDENCE)
        .join(
            result.keyed.select(EVENT_INDEX, "source_file", "line", "kind", "ts", "message", "raw"),
            on=EVENT_INDEX,
            how="left",
        )
    )


def _grouped(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in frame.iter_rows(named=True):
        out.setdefault(row[ORDER_KEY], []).append(row)
    return out


def _evidence(row: dict[str, Any]) -> Evidence:
    text = row["message"] if row["message"] is not None else row["raw"]
    return Evidence(
        file=row["source_file"],
        line=row["line"],
        kind=str(row["kind"]),
        ts=row["ts"],
        message=(text or "").strip(),
        rule=row["rule_id"],
        linked=row["linked"],
    )


def _most_detailed(items: list[Evidence]) -> str | None:
    """The error to hand on: the longest message among the winning cause's evidence lines."""
    deciding = [e.message for e in items if e.rule is not None] or [e.message for e in items]
    return max(deciding, key=len) if deciding else None


def _verdict(
    row: dict[str, Any],
    evidence: list[dict[str, Any]],
    losers: list[dict[str, Any]],
    endpoints: dict[str, str],
    lookup: FixLookup,
    notes: list[str],
) -> OrderVerdict:
    root = row["root_cause"]
    entry = cause(root)
    if row["rule_id"] is not None:
        # Decoded evidence (pki.*) borrows the title and fix of the pack's rule for its cause: the
        # title heads a whole cause in the summaries; the exact finding is in the verdict's notes.
        title, severity, fix = lookup(row["rule_id"], root)
    else:
        title, fix = BUILTIN_FIXES.get(root, BUILTIN_FIXES[UNKNOWN])
        severity = "medium"
    items = [_evidence(e) for e in evidence]
    connector = row["connector"]
    return OrderVerdict(
        order_id=row[ORDER_KEY],
        status=row["status"],
        state=str(row["state"]),
        connector=connector,
        template=row["template"],
        root_cause=root,
        rule=row["rule_id"],
        title=title,
        severity=severity,
        confidence=row["confidence"],
        side=entry.side.value,
        step=entry.step,
        fix=fix,
        evidence=items,
        runner_ups=[
            RunnerUp(root_cause=r["cause"], rule=r["rule_id"], why_not=r["why_not"]) for r in losers
        ],
        escalation=Escalation(
            connector=connector,
            endpoint=row["endpoint"] or (endpoints.get(connector) if connector else None),
            error=_most_detailed(items),
            template=row["template"],
            csr=CsrDetails(
                key_alg=row["key_alg"],
                key_size=row["key_size"],
                sig_alg=row["sig_alg"],
                sans=row["sans"],
                subject=f"CN={row['common_name']}" if row["common_name"] else None,
            ),
            timestamp=row["failed_at"],
        ),
        notes=notes,
        failed_at=row["failed_at"],
    )


def _counts(values: Sequence[str | None]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        key = value if value is not None else "(none)"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _onsets(result: Triage) -> dict[str, str]:
    """Per connector, each cause that began right after a change line: when, and what changed."""
    texts: dict[str, list[str]] = {}
    changed = result.onsets.filter(pl.col("preceded_by").is_not_null()).sort(
        "connector", "onset_ts"
    )
    for row in changed.iter_rows(named=True):
        minutes = round((row["onset_ts"] - row["preceded_ts"]).total_seconds() / 60)
        texts.setdefault(row["connector"], []).append(
            f"{row['cause']} from {row['onset_ts']:%Y-%m-%d %H:%M}Z ({row['orders']} orders), "
            f"{minutes} min after: {row['preceded_by'].strip()} ({row['preceded_at']})"
        )
    return {connector: "; ".join(parts) for connector, parts in texts.items()}


def _connectors(result: Triage) -> list[ConnectorHealth]:
    onsets = _onsets(result)
    out = []
    for row in result.connectors.iter_rows(named=True):
        causes = {c["cause"]: c["len"] for c in row["log_causes"] or []}
        out.append(
            ConnectorHealth(
                connector=row["connector"],
                status=row["status"],
                first_failure=row["first_failure"],
                last_success=row["last_success"],
                causes=causes,
                order_causes={c["cause"]: c["len"] for c in row["order_causes"] or []},
                orders_affected=row["orders_affected"],
                endpoint=row["endpoint"],
                ca_type=row["ca_type"],
                onset=onsets.get(row["connector"]),
            )
        )
    return out


def assemble(
    result: Triage,
    *,
    generated_at: datetime,
    inputs: list[InputFile],
    accounting: Accounting,
    timezone: str,
    lookup: FixLookup,
    clusters: list[UnknownCluster],
    benign: dict[str, int],
    security: list[SecurityFinding],
    notes: dict[str, list[str]] | None = None,
) -> Report:
    """Build the Report from triage frames; verdicts in order-id order, as triage sorted them."""
    evidence = _grouped(_evidence_rows(result))
    losers = _grouped(result.runner_ups)
    endpoints = {
        r["connector"]: r["endpoint"]
        for r in result.connectors.iter_rows(named=True)
        if r["endpoint"]
    }
    orders = [
        _verdict(
            row,
            evidence.get(row[ORDER_KEY], []),
            losers.get(row[ORDER_KEY], []),
            endpoints,
            lookup,
            (notes or {}).get(row[ORDER_KEY], []),
        )
        for row in result.verdicts.iter_rows(named=True)
    ]
    explained = [o for o in orders if o.root_cause != UNKNOWN]
    ts = result.keyed.get_column("ts")
    return Report(
        generated_at=generated_at,
        timezone_assumed=timezone,
        time_span=[ts.min(), ts.max()],  # type: ignore[list-item]
        inputs=inputs,
        accounting=accounting,
        orders=orders,
        connectors=_connectors(result),
        summary=Summary(
            orders_seen=result.orders.height,
            orders_failed=len(orders),
            explained=len(explained),
            unexplained=len(orders) - len(explained),
            by_root_cause=_counts([o.root_cause for o in orders]),
            by_side=_counts([o.side for o in orders]),
            by_connector=_counts([o.connector for o in orders]),
            by_step=_counts([str(o.step) for o in orders]),
        ),
        unknown_clusters=clusters,
        benign=benign,
        security_findings=security,
    )
