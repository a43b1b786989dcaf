"""The HTML report's charts: altair specs rendered to inline SVG by vl-convert at build time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import altair as alt
import vl_convert as vlc

from analyzer.models import Report
from analyzer.report.digest import failure_time, side_of
from analyzer.report.text import one_line
from analyzer.taxonomy import UNKNOWN

_WIDTH = 300
_FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
# The grey of `--unknown` in the page's CSS: unexplained orders look the same in every section.
_UNKNOWN_GREY = "#9c9c9c"
# Vega's tableau20 without its two greys, then category20b: 38 colours, none grey, none repeated,
# more than the taxonomy has causes. Vega-Lite cannot name a scheme and pin one value, so the
# range is spelled out.
# fmt: off
_PALETTE = (
    "#4c78a8", "#9ecae9", "#f58518", "#ffbf79", "#54a24b", "#88d27a", "#b79a20", "#f2cf5b",
    "#439894", "#83bcb6", "#e45756", "#ff9d98", "#d67195", "#fcbfd2", "#b279a2", "#d6a5c9",
    "#9e765f", "#d8b5a5",
    "#393b79", "#5254a3", "#6b6ecf", "#9c9ede", "#637939", "#8ca252", "#b5cf6b", "#cedb9c",
    "#8c6d31", "#bd9e39", "#e7ba52", "#e7cb94", "#843c39", "#ad494a", "#d6616b", "#e7969c",
    "#7b4173", "#a55194", "#ce6dbd", "#de9ed6",
)
# fmt: on


def _svg(chart: alt.TopLevelMixin) -> str:
    spec = (
        chart.configure(font=_FONT)
        .configure_view(stroke=None)
        # One column: vl-convert places a second column by its own font metrics, and a browser
        # with a wider font then draws the first column's labels past the SVG's edge.
        .configure_legend(orient="bottom", columns=1, labelLimit=0)
        .to_json()
    )
    svg: str = vlc.vegalite_to_svg(spec)
    return svg


def cause_scale(report: Report) -> alt.Scale:
    """One colour per cause of the report, the same in every chart; unknown grey, and last."""
    present = {o.root_cause for o in report.orders}
    known = sorted(present - {UNKNOWN})
    domain, colours = known, list(_PALETTE[: len(known)])
    if UNKNOWN in present:
        domain, colours = [*known, UNKNOWN], [*colours, _UNKNOWN_GREY]
    return alt.Scale(domain=domain, range=colours)


def _stacked(
    report: Report, counts: Counter[tuple[str, str]], key: str, title: str, *, vertical: bool
) -> str | None:
    """Orders per `key` value, stacked by root cause, one colour per cause in every chart."""
    if not counts:
        return None
    rows = [{key: k, "cause": cause, "orders": n} for (k, cause), n in sorted(counts.items())]
    totals: Counter[str] = Counter()
    for (k, _), n in counts.items():
        totals[k] += n
    # Whole-number ticks only: a count of orders has no halves.
    count_axis = alt.Axis(tickMinStep=1, format="d", tickCount=min(10, max(totals.values())))
    amount = alt.Y if vertical else alt.X
    category = alt.X if vertical else alt.Y
    chart = (
        alt.Chart(alt.InlineData(values=rows), title=title)
        .mark_bar()
        .encode(
            amount("sum(orders):Q", title="orders", axis=count_axis),
            category(
                f"{key}:O" if vertical else f"{key}:N",
                title=None,
                sort="ascending" if vertical else "-x",
                axis=alt.Axis(labelAngle=-45) if vertical else alt.Axis(),
            ),
            color=alt.Color(
                "cause:N",
                scale=cause_scale(report),
                title="root cause",
            ),
            tooltip=[f"{key}:N", "cause:N", "orders:Q"],
        )
        .properties(width=_WIDTH, height=220 if vertical else alt.Step(24))
    )
    return _svg(chart)


def over_time(report: Report) -> str | None:
    """Failed orders per hour (or per day, for spans over three days), stacked by root cause."""
    timed: list[tuple[datetime, str]] = [
        (t, o.root_cause) for o in report.orders if (t := failure_time(o)) is not None
    ]
    if not timed:
        return None
    hourly = max(t for t, _ in timed) - min(t for t, _ in timed) <= timedelta(days=3)
    fmt, unit = ("%m-%d %H:00", "hour") if hourly else ("%Y-%m-%d", "day")
    counts = Counter((t.strftime(fmt), cause) for t, cause in timed)
    return _stacked(report, counts, "when", f"Failed orders per {unit} (UTC)", vertical=True)


def per_connector(report: Report) -> str | None:
    """Failed orders per connector, stacked by root cause."""
    counts = Counter((one_line(o.connector or "(none)", 40), o.root_cause) for o in report.orders)
    return _stacked(report, counts, "connector", "Failed orders per connector", vertical=False)


def by_side(report: Report) -> str | None:
    """Root causes grouped by who must act."""
    counts = Counter((side_of(o).value, o.root_cause) for o in report.orders)
    return _stacked(report, counts, "side", "Root causes by who must act", vertical=False)


def charts(report: Report) -> list[tuple[str, str | None]]:
    """Every chart as (caption, inline SVG or None when there is nothing to draw)."""
    return [
        ("Failed orders over time, by root cause", over_time(report)),
        ("Failures per connector, by root cause", per_connector(report)),
        ("Root causes by side: who must act", by_side(report)),
    ]
