"""Triage: link each order to its own and its connector's events, and decide one explained verdict per order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import polars as pl

from analyzer.correlate.connectors import connector_health
from analyzer.correlate.decoded import decoded_candidates
from analyzer.correlate.linking import candidates, effective_findings
from analyzer.correlate.orders import ORDER_KEY, build_orders, is_error_event, with_order_key
from analyzer.correlate.verdict import Decision, decide, eligible_orders
from analyzer.pki import ONSET_SCHEMA, connector_onset
from analyzer.schema import EVENT_INDEX

__all__ = ["ORDER_KEY", "Triage", "TriageOptions", "triage"]


@dataclass(frozen=True, slots=True)
class TriageOptions:
    link_window: timedelta = timedelta(minutes=15)
    pending_after: timedelta = timedelta(hours=24)
    template_map: Path | None = None
    csr_policy: Path | None = None
    decode: bool = (
        True  # confirm causes from CSRs, serials, template names and bursts (analyzer.pki)
    )


@dataclass(frozen=True, slots=True)
class Triage:
    """Everything triage decided, still as frames (the report boundary turns them into models)."""

    keyed: pl.DataFrame  # events with order_key
    orders: pl.DataFrame  # every order seen
    candidates: pl.DataFrame
    verdicts: pl.DataFrame  # one row per order that gets a verdict
    runner_ups: pl.DataFrame
    connectors: pl.DataFrame
    unknown_rows: pl.DataFrame  # error / failed-state events no rule (benign included) explains
    effective: pl.DataFrame = field(repr=False)  # findings after benign rules explained lines away
    notes: dict[str, list[str]] = field(default_factory=dict)  # order -> decoded facts
    onsets: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ONSET_SCHEMA))


def triage(
    events: pl.DataFrame,
    findings: pl.DataFrame,
    options: TriageOptions | None = None,
    extra_candidates: pl.DataFrame | None = None,
) -> Triage:
    """Decide verdicts. `extra_candidates` (same columns as linking candidates) come from decoded facts."""
    opts = options or TriageOptions()
    keyed = with_order_key(events)
    orders = build_orders(keyed)
    effective = effective_findings(findings)
    found = candidates(findings, keyed, orders, opts.link_window)
    if extra_candidates is not None and extra_candidates.height:
        found = pl.concat([found, extra_candidates.select(found.columns)], how="vertical_relaxed")
    newest = keyed.get_column("ts").max()

    def verdicts_with(found: pl.DataFrame) -> Decision:
        eligible = eligible_orders(
            orders,
            found.get_column(ORDER_KEY).unique(),
            newest,  # type: ignore[arg-type]
            opts.pending_after,
        )
        return decide(eligible, found, opts.link_window)

    decision = verdicts_with(found)
    notes: dict[str, list[str]] = {}
    if opts.decode:
        decoded, notes = decoded_candidates(
            keyed, findings, orders, decision.verdicts, opts.template_map, opts.csr_policy
        )
        if decoded.height:
            found = pl.concat([found, decoded.select(found.columns)], how="vertical_relaxed")
            decision = verdicts_with(found)
    explained = findings.get_column(EVENT_INDEX).unique().implode()
    unknown_rows = keyed.filter(is_error_event() & ~pl.col(EVENT_INDEX).is_in(explained))
    return Triage(
        keyed=keyed,
        orders=orders,
        candidates=found,
        verdicts=decision.verdicts,
        runner_ups=decision.runner_ups,
        connectors=connector_health(keyed, effective, decision.verdicts),
        unknown_rows=unknown_rows,
        effective=effective,
        notes=notes,
        onsets=connector_onset(keyed, findings)
        if opts.decode
        else pl.DataFrame(schema=ONSET_SCHEMA),
    )
