"""Views of a Report that every human-facing renderer shares: causes, sides, steps, winners."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from analyzer.models import CsrDetails, Evidence, OrderVerdict, Report
from analyzer.report.text import clean, stamp
from analyzer.taxonomy import Side, cause

SEVERITIES = ("critical", "high", "medium", "low", "info")
SIDE_ORDER: tuple[Side, ...] = tuple(Side)


def side_of(order: OrderVerdict) -> Side:
    """The verdict's side as the enum; a side the taxonomy does not know counts as unknown."""
    try:
        return Side(order.side)
    except ValueError:
        return Side.UNKNOWN


def severity_rank(severity: str) -> int:
    """0 for critical up to 4 for info; anything else after info."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def failure_time(order: OrderVerdict) -> datetime | None:
    """When the order failed: its failure time, else the escalation time, else its last evidence."""
    if order.failed_at is not None:
        return order.failed_at
    if order.escalation.timestamp is not None:
        return order.escalation.timestamp
    times = [e.ts for e in order.evidence if e.ts is not None]
    return max(times) if times else None


def winning_evidence(order: OrderVerdict) -> Evidence | None:
    """The line that decided the verdict: the winning rule's, else any rule's, else the last one."""
    if not order.evidence:
        return None
    for evidence in order.evidence:
        if order.rule is not None and evidence.rule == order.rule:
            return evidence
    for evidence in order.evidence:
        if evidence.rule is not None:
            return evidence
    return order.evidence[-1]


def timeline(order: OrderVerdict) -> list[Evidence]:
    """The order's evidence in time order (untimed lines last), then by file and line."""
    return sorted(
        order.evidence,
        key=lambda e: (e.ts is None, e.ts.timestamp() if e.ts else 0.0, e.file, e.line),
    )


def ordered_verdicts(report: Report) -> list[OrderVerdict]:
    """Verdicts grouped by side (taxonomy order), then severity, root cause and order id."""
    return sorted(
        report.orders,
        key=lambda o: (
            SIDE_ORDER.index(side_of(o)),
            severity_rank(o.severity),
            o.root_cause,
            o.order_id,
        ),
    )


def orders_by_side(report: Report) -> dict[Side, list[OrderVerdict]]:
    """Verdicts per side, in taxonomy order; sides without verdicts are left out."""
    groups: dict[Side, list[OrderVerdict]] = {}
    for order in ordered_verdicts(report):
        groups.setdefault(side_of(order), []).append(order)
    return groups


def side_counts(report: Report) -> list[tuple[Side, int]]:
    """Failed orders per side in taxonomy order (the summary's counts when it has them)."""
    counts: Counter[str] = Counter(report.summary.by_side or [o.side for o in report.orders])
    return [(side, counts[side.value]) for side in SIDE_ORDER if counts[side.value]]


def step_counts(report: Report) -> list[tuple[int, int]]:
    """Failed orders per guide step, in step order (the summary's counts when it has them)."""
    if report.summary.by_step:
        counts = Counter({int(k): v for k, v in report.summary.by_step.items() if k.isdigit()})
    else:
        counts = Counter(o.step for o in report.orders)
    return sorted((step, n) for step, n in counts.items() if n)


@dataclass(frozen=True, slots=True)
class CauseRow:
    """One root cause across all verdicts: how many orders, where, when, and the fix."""

    cause: str
    title: str
    side: Side
    step: int
    severity: str
    orders: list[str]
    connectors: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    fix: str


def cause_rows(report: Report) -> list[CauseRow]:
    """One row per root cause, most orders first, then by severity and id."""
    groups: dict[str, list[OrderVerdict]] = {}
    for order in report.orders:
        groups.setdefault(order.root_cause, []).append(order)
    rows = []
    for cause_id, orders in groups.items():
        times = [t for t in (failure_time(o) for o in orders) if t is not None]
        worst = min(orders, key=lambda o: (severity_rank(o.severity), o.order_id))
        rows.append(
            CauseRow(
                cause=cause_id,
                title=worst.title,
                side=side_of(worst),
                step=worst.step or cause(cause_id).step,
                severity=worst.severity,
                orders=sorted(o.order_id for o in orders),
                connectors=sorted({o.connector for o in orders if o.connector}),
                first_seen=min(times) if times else None,
                last_seen=max(times) if times else None,
                fix=worst.fix,
            )
        )
    return sorted(rows, key=lambda r: (-len(r.orders), severity_rank(r.severity), r.cause))


def csr_summary(csr: CsrDetails) -> str | None:
    """Key, signature algorithm, SANs and subject on one line; None when the logs said nothing."""
    key = " ".join(str(p) for p in (csr.key_alg, csr.key_size) if p is not None)
    parts = [
        f"key {key}" if key else None,
        f"signature {csr.sig_alg}" if csr.sig_alg else None,
        f"SANs {csr.sans}" if csr.sans else None,
        f"subject {csr.subject}" if csr.subject else None,
    ]
    text = "; ".join(p for p in parts if p)
    return text or None


def escalation_items(order: OrderVerdict) -> list[tuple[str, str | None]]:
    """The guide's "When to Escalate" checklist, in its exact order, filled from the verdict."""
    esc = order.escalation
    return [
        ("CA Connector Name", esc.connector or order.connector),
        ("Endpoint URL", esc.endpoint),
        ("Error message received", esc.error),
        ("Template name used", esc.template or order.template),
        ("CSR configuration details", csr_summary(esc.csr)),
        ("Timestamp of failed attempt", stamp(esc.timestamp) if esc.timestamp else None),
    ]


# Rule files wrap fix texts at ~100 columns, so a line is not a step: a sentence is.
_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+(?=[A-Z(])")


def fix_steps(fix: str) -> list[str]:
    """The fix text as steps: its sentences, with the rule file's line wrapping undone."""
    text = " ".join(clean(fix).split())
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


FIX_SUMMARY_CHARS = 140


def fix_summary(fix: str, limit: int = FIX_SUMMARY_CHARS) -> str:
    """The fix in one line: its first sentence, cut at a word boundary when longer than `limit`."""
    steps = fix_steps(fix)
    first = steps[0] if steps else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def span(report: Report) -> tuple[datetime | None, datetime | None]:
    """The first and last timestamp of the logs read (None when unknown)."""
    start, end, *_ = [*report.time_span, None, None]
    return start, end
