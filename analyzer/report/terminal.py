"""The terminal report (rich): what was read, who must act, root causes, connectors, leftovers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from analyzer.models import Report
from analyzer.report.digest import cause_rows, fix_summary, side_counts, span, step_counts
from analyzer.report.text import NONE, counted, minute, one_line, stamp
from analyzer.taxonomy import SIDE_TITLES, STEP_TITLES, Side

SEVERITY_STYLES = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
SIDE_STYLES = {
    Side.PLATFORM: "blue",
    Side.NETWORK: "magenta",
    Side.CA_ACCOUNT: "red",
    Side.CA_CONFIG: "yellow",
    Side.CA_SERVICE: "bright_red",
    Side.REQUESTER: "green",
    Side.UNKNOWN: "white",
}
BAR_WIDTH = 30
WIDE = 110  # below this many columns the tables drop their secondary columns


def severity_text(severity: str) -> Text:
    """The severity word, coloured by how bad it is (the word alone carries it without colour)."""
    return Text(severity, style=SEVERITY_STYLES.get(severity, ""))


def bar(count: int, largest: int, style: str = "", width: int = BAR_WIDTH) -> Text:
    """An inline bar proportional to count, at least one block for any non-zero count."""
    blocks = max(1, round(width * count / largest)) if count and largest else 0
    return Text("█" * blocks, style=style)


def _short(ts: datetime | None) -> str:
    """Month, day and minute: the year is in the header's time span."""
    return minute(ts)[5:] if ts is not None else NONE


def _seen(first: datetime | None, last: datetime | None) -> str:
    """First and last time in one narrow cell (`11-24 09:15 → 10:02`), or one when they agree."""
    if first is None or last is None or _short(first) == _short(last):
        return _short(first or last)
    end = _short(last)
    return f"{_short(first)} → {end[6:] if end[:5] == _short(first)[:5] else end}"


def _header(report: Report) -> Panel:
    acc, summary = report.accounting, report.summary
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    read = (
        f"{counted(acc.files, 'file')}, {counted(acc.lines_read, 'line')}, "
        f"{counted(acc.events, 'event')}, "
        f"{acc.unparsed_lines:,} unparsed, {acc.lines_skipped:,} skipped lines"
    )
    grid.add_row("Read", Text(read))
    for path in acc.files_skipped:
        reason = next((i.skipped for i in report.inputs if i.path == path and i.skipped), None)
        grid.add_row("Skipped", Text(one_line(path) + (f": {one_line(reason)}" if reason else "")))
    start, end = span(report)
    when = (
        f"{stamp(start)} → {stamp(end)}  (times without a zone read as {report.timezone_assumed})"
    )
    grid.add_row("Time span", Text(when))
    orders = (
        f"{summary.orders_seen:,} seen, {summary.orders_failed:,} failed or stuck: "
        f"{summary.explained:,} explained, {summary.unexplained:,} unexplained"
    )
    grid.add_row("Orders", Text(orders))
    grid.add_row("Generated", Text(stamp(report.generated_at)))
    return Panel(grid, title="certriage: failed certificate orders", box=box.ROUNDED, expand=False)


def _counted(title: str, label: str, rows: list[tuple[Text, int, str]], wide: bool) -> Table:
    """Label, count and an inline bar per row; the bar shrinks on narrow consoles."""
    largest = max((n for _, n, _ in rows), default=0)
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    table.add_column(label)
    table.add_column("Orders", justify="right", no_wrap=True, min_width=6)
    table.add_column("", no_wrap=True, min_width=BAR_WIDTH if wide else 12)
    width = BAR_WIDTH if wide else 12
    for text, n, style in rows:
        table.add_row(text, Text(str(n)), bar(n, largest, style, width))
    return table


def _who_must_act(report: Report, wide: bool) -> Table:
    rows = [
        (Text(SIDE_TITLES[side], style=SIDE_STYLES[side]), n, SIDE_STYLES[side])
        for side, n in side_counts(report)
    ]
    return _counted("Who must act", "Side", rows, wide)


def _guide_steps(report: Report, wide: bool) -> Table:
    rows = [
        (Text(f"{step}. {STEP_TITLES.get(step, 'Other')}"), n, "")
        for step, n in step_counts(report)
    ]
    return _counted("By guide step", "Step", rows, wide)


def _causes(report: Report, wide: bool) -> Table:
    table = Table(
        title="Root causes", box=box.SIMPLE_HEAD, title_justify="left", expand=True, leading=1
    )
    table.add_column("Root cause", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Orders", justify="right", no_wrap=True, min_width=6)
    if wide:
        table.add_column("Connectors", max_width=16)
        table.add_column("Seen (UTC)", no_wrap=True)
    table.add_column("Fix", ratio=1, min_width=20)
    for row in cause_rows(report):
        cells = [
            Text(row.cause, style=SIDE_STYLES[row.side]),
            severity_text(row.severity),
            Text(str(len(row.orders))),
        ]
        if wide:
            cells.append(Text(", ".join(one_line(c) for c in row.connectors) or NONE))
            cells.append(Text(_seen(row.first_seen, row.last_seen)))
        table.add_row(*cells, Text(fix_summary(row.fix)))
    return table


def _connectors(report: Report, wide: bool) -> Table:
    table = Table(title="Connector health", box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column("Connector", no_wrap=not wide, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Orders", justify="right", no_wrap=True, min_width=6)
    if wide:
        table.add_column("First failure", no_wrap=True)
        table.add_column("Last success", no_wrap=True)
    table.add_column("Causes", no_wrap=wide, ratio=None if wide else 1)
    if wide:
        table.add_column("What changed", ratio=1)
    for health in sorted(report.connectors, key=lambda c: (-c.orders_affected, c.connector)):
        healthy = (health.status or "").lower() in {"active", "ok", "healthy"}
        ranked = sorted(health.causes.items(), key=lambda kv: (-kv[1], kv[0]))
        causes = "\n".join(f"{k} ×{v}" for k, v in ranked)
        cells = [
            Text(one_line(health.connector)),
            Text(one_line(health.status), style="green" if healthy else "red"),
            Text(str(health.orders_affected)),
        ]
        if wide:
            cells += [Text(_short(health.first_failure)), Text(_short(health.last_success))]
        cells.append(Text(causes or NONE))
        if wide:
            cells.append(Text(one_line(health.onset, 80)))
        table.add_row(*cells)
    return table


def _clusters(report: Report, wide: bool, limit: int = 10) -> Table:
    table = Table(
        title="Top unexplained clusters", box=box.SIMPLE_HEAD, title_justify="left", expand=True
    )
    table.add_column("Lines", justify="right", no_wrap=True)
    table.add_column("Pattern", ratio=1)
    if wide:
        table.add_column("Orders", max_width=24)
    table.add_column("Example", ratio=1)
    clusters = sorted(report.unknown_clusters, key=lambda c: (-c.count, c.template))[:limit]
    for cluster in clusters:
        where = (
            f"{one_line(cluster.example_file)}:{cluster.example_line}"
            if cluster.example_file
            else ""
        )
        cells = [Text(str(cluster.count)), Text(one_line(cluster.template, 120))]
        if wide:
            cells.append(Text(", ".join(one_line(o) for o in cluster.orders) or NONE))
        cells.append(Text.assemble((where + " ", "dim"), one_line(cluster.example, 160)))
        table.add_row(*cells)
    return table


def _benign(report: Report) -> Table:
    table = Table(title="Explained away (benign)", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Rule", no_wrap=True)
    table.add_column("Lines", justify="right")
    for rule, n in sorted(report.benign.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(Text(one_line(rule)), Text(f"{n:,}"))
    return table


def _security(report: Report) -> Table:
    table = Table(title="Security findings", box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column("Finding", no_wrap=True, style="bold red")
    table.add_column("Where", overflow="fold")
    table.add_column("Detail", ratio=1)
    for finding in sorted(report.security_findings, key=lambda f: (f.file, f.line, f.kind)):
        table.add_row(
            Text(one_line(finding.kind)),
            Text(f"{one_line(finding.file)}:{finding.line}"),
            Text(one_line(finding.message, 200)),
        )
    return table


def _sections(report: Report, wide: bool) -> Iterable[RenderableType]:
    yield _header(report)
    if not report.orders:
        yield Text("No failed or stuck orders in these logs.", style="green")
    else:
        yield _who_must_act(report, wide)
        yield _guide_steps(report, wide)
        yield _causes(report, wide)
    if report.connectors:
        yield _connectors(report, wide)
    if report.unknown_clusters:
        yield _clusters(report, wide)
    if report.benign:
        yield _benign(report)
    if report.security_findings:
        yield _security(report)


def print_report(report: Report, console: Console) -> None:
    """Print the whole terminal report; log-derived strings go in as Text, never as markup."""
    console.print(Group(*_sections(report, wide=console.width >= WIDE)))
