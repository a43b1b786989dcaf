"""The self-contained HTML report: summary, inline SVG charts, sortable orders, order details."""

from __future__ import annotations

from analyzer.models import OrderVerdict, Report
from analyzer.report.assets import CSP, CSS, JS
from analyzer.report.digest import (
    cause_rows,
    escalation_items,
    failure_time,
    fix_steps,
    fix_summary,
    ordered_verdicts,
    side_counts,
    side_of,
    span,
    timeline,
    winning_evidence,
)
from analyzer.report.markup import badge, e, line, section, table
from analyzer.report.text import NONE, counted, stamp
from analyzer.taxonomy import SIDE_TITLES, STEP_TITLES


def _header(report: Report) -> str:
    acc, s = report.accounting, report.summary
    start, end = span(report)
    meta = (
        f"Read {counted(acc.files, 'file')}, {counted(acc.lines_read, 'line')} "
        f"({counted(acc.events, 'event')}, "
        f"{acc.unparsed_lines:,} unparsed) · {e(stamp(start))} → {e(stamp(end))} · times without a "
        f"zone read as {e(report.timezone_assumed)} · generated {e(stamp(report.generated_at))}"
    )
    cards = [
        ("Orders seen", s.orders_seen, ""),
        ("Failed or stuck", s.orders_failed, "bad" if s.orders_failed else "good"),
        ("Explained", s.explained, "good"),
        ("Unexplained", s.unexplained, "bad" if s.unexplained else "good"),
        ("Connectors failing", len([c for c in report.connectors if c.first_failure]), ""),
        (
            "Security findings",
            len(report.security_findings),
            "bad" if report.security_findings else "good",
        ),
    ]
    card_html = "".join(
        f'<div class="card {c}"><b>{n:,}</b><span>{t}</span></div>' for t, n, c in cards
    )
    skipped = "".join(f"<p class=meta>Skipped: <code>{e(p)}</code></p>" for p in acc.files_skipped)
    return (
        f"<header><h1>certriage: failed certificate orders</h1><p class=meta>{meta}</p>{skipped}"
        f'</header><section class="cards" aria-label="Totals">{card_html}</section>'
    )


def _sides(report: Report) -> str:
    counts = side_counts(report)
    largest = max((n for _, n in counts), default=1)
    cells = []
    for side, n in counts:
        width = max(2, round(100 * n / largest))
        cells.append(
            f'<div><span class="side-dot" style="background:var(--{side.value})"></span>'
            f"{e(SIDE_TITLES[side])}</div><div class=num>{n}</div>"
            f'<div><div class="bar" style="width:{width}%;background:var(--{side.value})">'
            "</div></div>"
        )
    rows = [
        [
            f"<code>{e(r.cause)}</code><br><span class=tag>{e(r.title)}</span>"
            f'<div class="fix"><b>Fix:</b> {e(fix_summary(r.fix))}</div>',
            badge(r.severity),
            e(SIDE_TITLES[r.side].split(" (")[0]),
            f"{r.step}. {e(STEP_TITLES.get(r.step, 'Other'))}",
            f'<span class="num">{len(r.orders)}</span>',
            e(", ".join(r.connectors) or NONE),
            f'<span class="stamp">{e(stamp(r.first_seen))}<br>{e(stamp(r.last_seen))}</span>',
        ]
        for r in cause_rows(report)
    ]
    headers = [
        "Root cause",
        "Severity",
        "Who",
        "Guide step",
        "Orders",
        "Connectors",
        "First / last",
    ]
    body = f'<div class="sides">{"".join(cells)}</div><h3>Root causes</h3>{table(headers, rows)}'
    return section("sides", "Who must act", body)


def _charts(report: Report) -> str:
    # Imported here: Altair takes half a second to import, and only the HTML report draws charts.
    from analyzer.report.charts import charts  # noqa: PLC0415

    figures = []
    for title, svg in charts(report):
        body = svg if svg is not None else "<p class=meta>Nothing to draw.</p>"
        figures.append(f"<figure>{body}<figcaption>{e(title)}</figcaption></figure>")
    return section("charts", "Charts", f'<div class="charts">{"".join(figures)}</div>')


def _order_rows(orders: list[OrderVerdict]) -> str:
    rows = []
    for i, o in enumerate(orders):
        when = failure_time(o)
        cells = [
            f'<td><a href="#order-{i}">{e(o.order_id)}</a></td>',
            f"<td>{e(o.status)}</td>",
            f"<td>{e(o.connector)}</td>",
            f"<td>{e(o.template)}</td>",
            f"<td><code>{e(o.root_cause)}</code></td>",
            f"<td>{e(side_of(o).value)}</td>",
            f'<td class="num">{o.step}</td>',
            f'<td data-sort="{SEVERITY_ORDER.get(o.severity, 9)}">{badge(o.severity)}</td>',
            f'<td class="num">{o.confidence:.2f}</td>',
            f"<td>{e(stamp(when))}</td>",
        ]
        rows.append(f"\n<tr>{''.join(cells)}</tr>")
    return "".join(rows)


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
_ORDER_HEADERS = [
    ("Order", "text"),
    ("Status", "text"),
    ("Connector", "text"),
    ("Template", "text"),
    ("Root cause", "text"),
    ("Side", "text"),
    ("Step", "number"),
    ("Severity", "number"),
    ("Confidence", "number"),
    ("Failed at (UTC)", "text"),
]


def _orders(orders: list[OrderVerdict]) -> str:
    heads = "".join(f'<th data-type="{t}" scope="col">{h}</th>' for h, t in _ORDER_HEADERS)
    body = (
        '<div class="toolbar">'
        '<input id="filter" type="search" placeholder="Filter: order, connector, cause, side…" '
        'aria-label="Filter orders"><span id="shown" class="meta"></span></div>'
        f'<table id="orders-table"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{_order_rows(orders)}</tbody></table>"
    )
    return section("orders", "Orders", body)


def _detail(i: int, o: OrderVerdict) -> str:
    win = winning_evidence(o)
    items = []
    for ev in timeline(o):
        where = f"{e(stamp(ev.ts))} · {e(ev.kind)} · <code>{e(ev.file)}:{ev.line}</code>"
        tags = (" · linked connector event" if ev.linked else "") + (
            f" · rule {e(ev.rule)}" if ev.rule else ""
        )
        cls = ' class="win"' if ev is win else ""
        items.append(
            f'<li{cls}><span class="tag">{where}{tags}</span>'
            f'<code class="log">{e(ev.message)}</code></li>'
        )
    runner = table(
        ["Root cause", "Rule", "Why it lost"],
        [[f"<code>{e(r.root_cause)}</code>", e(r.rule), e(r.why_not)] for r in o.runner_ups],
    )
    notes = "".join(f"<li>{e(n)}</li>" for n in o.notes)
    fix = "".join(f"<li>{e(step)}</li>" for step in fix_steps(o.fix))
    bundle = "".join(
        f"<dt>{label}</dt><dd><code>{e(value) if value else NONE}</code></dd>"
        for label, value in escalation_items(o)
    )
    side = side_of(o)
    return (
        f'<details id="order-{i}"><summary>{e(o.order_id)}: {e(o.title)} '
        f"{badge(o.severity)}</summary>"
        f"<p><code>{e(o.root_cause)}</code> · {e(SIDE_TITLES[side])} · step {o.step}: "
        f"{e(STEP_TITLES.get(o.step, 'Other'))} · confidence {o.confidence:.0%}</p>"
        f'<h3>Timeline</h3><ol class="timeline">{"".join(items) or "<li>No lines.</li>"}</ol>'
        + (f"<h3>Notes</h3><ul>{notes}</ul>" if notes else "")
        + (f"<h3>Why not the others</h3>{runner}" if o.runner_ups else "")
        + f"<h3>Fix</h3><ol>{fix}</ol>"
        + f'<h3>Escalation bundle</h3><dl class="bundle">{bundle}</dl></details>\n'
    )


def _connectors(report: Report) -> str:
    rows = [
        [
            e(c.connector),
            e(c.status),
            f'<span class="num">{c.orders_affected}</span>',
            e(stamp(c.first_failure)),
            e(stamp(c.last_success)),
            "<br>".join(f"<code>{e(k)}</code> ×{v}" for k, v in sorted(c.causes.items())) or NONE,
            f"<code>{e(c.endpoint)}</code>" if c.endpoint else NONE,
            e(c.onset),
        ]
        for c in sorted(report.connectors, key=lambda c: (-c.orders_affected, c.connector))
    ]
    headers = [
        "Connector",
        "Status",
        "Orders",
        "First failure",
        "Last success",
        "Causes",
        "Endpoint",
        "What changed",
    ]
    return section("connectors", "Connector health", table(headers, rows))


def _leftovers(report: Report) -> str:
    out = []
    if report.unknown_clusters:
        rows = [
            [
                f'<span class="num">{c.count}</span>',
                f"<code>{line(c.template)}</code>",
                e(", ".join(c.orders) or NONE),
                f'<code class="log">{line(c.example)}</code>',
            ]
            for c in sorted(report.unknown_clusters, key=lambda c: (-c.count, c.template))
        ]
        out.append(
            section(
                "unknown",
                "Unexplained clusters",
                table(["Lines", "Pattern", "Orders", "Example"], rows),
            )
        )
    if report.benign:
        rows = [
            [f"<code>{e(k)}</code>", f"{v:,}"]
            for k, v in sorted(report.benign.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        out.append(section("benign", "Explained away (benign)", table(["Rule", "Lines"], rows)))
    if report.security_findings:
        rows = [
            [
                e(f.kind),
                f"<code>{e(f.file)}:{f.line}</code>",
                f'<code class="log">{line(f.message)}</code>',
            ]
            for f in report.security_findings
        ]
        out.append(
            section("security", "Security findings", table(["Finding", "Where", "Detail"], rows))
        )
    rows = [
        [
            f"<code>{e(i.path)}</code>",
            e(i.kind),
            e(i.format),
            e(i.confidence),
            f"{i.lines:,}",
            f"{i.events:,}",
            f"{i.unparsed_lines:,}",
            e(i.skipped or ""),
        ]
        for i in report.inputs
    ]
    headers = ["File", "Kind", "Format", "Confidence", "Lines", "Events", "Unparsed", "Skipped"]
    out.append(section("inputs", "What was read", table(headers, rows)))
    return "".join(out)


def render_html(report: Report) -> str:
    """The whole HTML document: opens offline, nothing fetched, every log string escaped."""
    orders = ordered_verdicts(report)
    details = "".join(_detail(i, o) for i, o in enumerate(orders))
    body = (
        _header(report)
        + (
            _sides(report) + _charts(report) + _orders(orders)
            if orders
            else "<section><p>No failed or stuck orders in these logs.</p></section>"
        )
        + (section("details", "Order details", details) if orders else "")
        + _connectors(report)
        + _leftovers(report)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>certriage report {e(stamp(report.generated_at))}</title>"
        f"<style>{CSS}</style></head>\n<body><main>{body}"
        f"<footer>certriage · schema_version {report.schema_version}</footer></main>"
        f"<script>{JS}</script></body></html>\n"
    )
