"""The ticket-ready Markdown report: per side what to do and which orders; escalation bundles."""

from __future__ import annotations

from analyzer.models import OrderVerdict, Report
from analyzer.report.digest import (
    cause_rows,
    escalation_items,
    fix_steps,
    orders_by_side,
    side_counts,
    span,
    step_counts,
    winning_evidence,
)
from analyzer.report.text import NONE, counted, one_line, stamp
from analyzer.taxonomy import SIDE_TITLES, STEP_TITLES, Side

_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|"})


def code(s: str | None, limit: int | None = 300) -> str:
    """Log text as an inline code span: one line, backticks neutralised so the span cannot break."""
    if s is None:
        return NONE
    text = one_line(s, limit).replace("`", "ʼ")
    return f"`{text}`" if text else NONE


def plain(s: str | None) -> str:
    """Free text outside code spans, Markdown and HTML specials escaped."""
    return one_line(s).translate(_SPECIALS) if s is not None else NONE


def _header(report: Report) -> list[str]:
    acc, summary = report.accounting, report.summary
    start, end = span(report)
    lines = [
        "# certriage: failed certificate orders",
        "",
        f"- **Read:** {counted(acc.files, 'file')}, {counted(acc.lines_read, 'line')}, "
        f"{counted(acc.events, 'event')}, "
        f"{acc.unparsed_lines:,} unparsed lines",
        f"- **Time span:** {stamp(start)} → {stamp(end)} (times without a zone read as "
        f"{plain(report.timezone_assumed)})",
        f"- **Orders:** {summary.orders_seen:,} seen, {summary.orders_failed:,} failed or stuck, "
        f"{summary.explained:,} explained, {summary.unexplained:,} unexplained",
        f"- **Generated:** {stamp(report.generated_at)}",
    ]
    lines += [f"- **Skipped:** {code(path)}" for path in acc.files_skipped]
    return [*lines, ""]


def _summary(report: Report) -> list[str]:
    lines = ["## Who must act", "", "| Who | Orders |", "|---|---:|"]
    lines += [f"| {SIDE_TITLES[side]} | {n} |" for side, n in side_counts(report)]
    lines += ["", "| Guide step | Orders |", "|---|---:|"]
    lines += [
        f"| {step}. {STEP_TITLES.get(step, 'Other')} | {n} |" for step, n in step_counts(report)
    ]
    return [*lines, ""]


def _orders(n: int) -> str:
    return f"{n} order" if n == 1 else f"{n} orders"


def _evidence_line(order: OrderVerdict) -> str:
    win = winning_evidence(order)
    if win is None:
        return "no evidence line"
    return f"{code(f'{win.file}:{win.line}')} {code(win.message)}"


def _side(report: Report, side: Side, orders: list[OrderVerdict]) -> list[str]:
    lines = [f"## {SIDE_TITLES[side]}", "", "### What to do", ""]
    ids = {o.order_id for o in orders}
    for row in cause_rows(report):
        if not ids.intersection(row.orders):
            continue
        lines.append(
            f"- **{plain(row.title)}** ({code(row.cause)}, step {row.step}: "
            f"{STEP_TITLES.get(row.step, 'Other')}), {_orders(len(row.orders))}"
        )
        lines += [f"    {i}. {plain(step)}" for i, step in enumerate(fix_steps(row.fix), 1)]
    lines += ["", "### Orders affected", ""]
    for order in orders:
        where = ", ".join(code(p) for p in (order.connector, order.template) if p)
        lines.append(
            f"- {code(order.order_id)} ({plain(order.status)}, {code(order.root_cause)}"
            f"{', ' + where if where else ''}): {_evidence_line(order)}"
        )
    return [*lines, ""]


def _bundle(order: OrderVerdict) -> list[str]:
    lines = [f"### {plain(order.order_id)}: {plain(order.title)}", ""]
    lines += [f"- **{label}:** {code(value)}" for label, value in escalation_items(order)]
    # What certriage decoded (CSR checks, serial comparison, near-miss names) follows the checklist.
    lines += [f"- **Decoded:** {plain(note)}" for note in order.notes]
    return [*lines, ""]


def _leftovers(report: Report) -> list[str]:
    lines: list[str] = []
    if report.unknown_clusters:
        lines += ["## Unexplained clusters", ""]
        for cluster in sorted(report.unknown_clusters, key=lambda c: (-c.count, c.template)):
            example = code(cluster.example)
            lines.append(f"- {cluster.count} lines like {code(cluster.template)}, e.g. {example}")
        lines.append("")
    if report.security_findings:
        lines += ["## Security findings", ""]
        for finding in sorted(report.security_findings, key=lambda f: (f.file, f.line)):
            where = code(f"{finding.file}:{finding.line}")
            lines.append(f"- {code(finding.kind)} at {where}: {code(finding.message)}")
        lines.append("")
    return lines


def render_markdown(report: Report) -> str:
    """The whole Markdown document."""
    lines = _header(report)
    if report.orders:
        lines += _summary(report)
        for side, orders in orders_by_side(report).items():
            lines += _side(report, side, orders)
        lines += ["## Escalation bundles", ""]
        for orders in orders_by_side(report).values():
            for order in orders:
                lines += _bundle(order)
    else:
        lines += ["No failed or stuck orders in these logs.", ""]
    lines += _leftovers(report)
    return "\n".join(lines).rstrip("\n") + "\n"
