"""One order's whole story for `certriage explain`: verdict, timeline, runner-ups, fix, bundle."""

from __future__ import annotations

import difflib

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from analyzer.errors import Diagnostic, Location, UsageError
from analyzer.models import OrderVerdict, Report
from analyzer.report.digest import escalation_items, fix_steps, side_of, timeline, winning_evidence
from analyzer.report.terminal import SEVERITY_STYLES, SIDE_STYLES
from analyzer.report.text import NONE, one_line, stamp
from analyzer.taxonomy import SIDE_TITLES, STEP_TITLES


def find_order(report: Report, order_id: str) -> OrderVerdict:
    """The verdict for an order id, or a usage error that suggests the nearest ids."""
    for order in report.orders:
        if order.order_id == order_id:
            return order
    ids = [o.order_id for o in report.orders]
    near = difflib.get_close_matches(order_id, ids, n=3)
    hint = (
        f"did you mean {', '.join(near)}?" if near else "`certriage orders` lists the failed orders"
    )
    raise UsageError(
        Diagnostic(
            code="order-not-found",
            message=f"no failed or stuck order {order_id!r} in these logs",
            location=Location("<report>"),
            hint=hint,
        )
    )


def _verdict(order: OrderVerdict) -> Panel:
    side = side_of(order)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    rule = f" (rule {order.rule})" if order.rule else ""
    grid.add_row("Verdict", Text(one_line(order.title), style="bold"))
    grid.add_row("Root cause", Text(f"{order.root_cause}{rule}"))
    grid.add_row(
        "Severity",
        Text.assemble(
            (order.severity, SEVERITY_STYLES.get(order.severity, "")),
            f", confidence {order.confidence:.0%}",
        ),
    )
    grid.add_row("Who must act", Text(SIDE_TITLES[side], style=SIDE_STYLES[side]))
    grid.add_row("Guide step", Text(f"{order.step}. {STEP_TITLES.get(order.step, 'Other')}"))
    grid.add_row("Connector", Text(one_line(order.connector)))
    grid.add_row("Template", Text(one_line(order.template)))
    status = f"{one_line(order.status)} ({order.state})"
    title = Text(f"{one_line(order.order_id)} · {status}")
    return Panel(grid, title=title, title_align="left", box=box.ROUNDED, expand=False)


def _timeline(order: OrderVerdict) -> Group:
    """Each line: marker, time, kind, where, rule; the log text indented beneath it."""
    win = winning_evidence(order)
    entries: list[RenderableType] = [
        Text(
            "Timeline (▶ decided the verdict; linked = connector event near the order)",
            style="bold italic",
        )
    ]
    for evidence in timeline(order):
        winner = evidence is win
        head = Text.assemble(
            ("▶ " if winner else "  ", "bold red"),
            (stamp(evidence.ts), "bold" if winner else ""),
            f"  {one_line(evidence.kind):<9}  ",
            (f"{one_line(evidence.file)}:{evidence.line}", "cyan"),
            " (linked)" if evidence.linked else "",
        )
        if evidence.rule:
            head.append(f"  [{evidence.rule}]", style="dim")
        body = Text(one_line(evidence.message, 600), style="bold" if winner else "")
        entries += [head, Padding(body, (0, 0, 0, 4))]
    entries.append(Text(""))
    return Group(*entries)


def _runner_ups(order: OrderVerdict) -> Table:
    table = Table(
        title="Why not the others", box=box.SIMPLE_HEAD, title_justify="left", expand=True
    )
    table.add_column("Root cause", no_wrap=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Why it lost", ratio=1)
    for runner in order.runner_ups:
        table.add_row(Text(runner.root_cause), Text(runner.rule), Text(one_line(runner.why_not)))
    return table


def _numbered(title: str, lines: list[str]) -> Group:
    items = [Text(f"  {i}. ") + Text(one_line(line)) for i, line in enumerate(lines, 1)]
    return Group(Text(title, style="bold italic"), *items, Text(""))


def _escalation(order: OrderVerdict) -> Table:
    table = Table(
        title="Escalation bundle (guide: When to Escalate)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_header=False,
        expand=True,
    )
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for label, value in escalation_items(order):
        table.add_row(label, Text(one_line(value) if value else NONE))
    return table


def _sections(order: OrderVerdict) -> list[RenderableType]:
    parts: list[RenderableType] = [_verdict(order)]
    parts.append(_timeline(order) if order.evidence else Text("No evidence lines.", style="dim"))
    if order.notes:
        parts.append(
            Group(
                Text("Notes", style="bold italic"),
                *(Text(f"  • {one_line(n)}") for n in order.notes),
                Text(""),
            )
        )
    if order.runner_ups:
        parts.append(_runner_ups(order))
    parts.append(_numbered("Fix", fix_steps(order.fix) or [NONE]))
    parts.append(_escalation(order))
    return parts


def print_order(report: Report, order_id: str, console: Console) -> None:
    """Print one order's story; log-derived strings go in as Text, never as markup."""
    console.print(Group(*_sections(find_order(report, order_id))))
