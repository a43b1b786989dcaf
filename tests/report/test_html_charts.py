"""The HTML report's charts: one colour per cause, unknown grey, whole legend labels."""

from __future__ import annotations

import re

from analyzer.models import Report
from analyzer.report import OutputFormat, render
from analyzer.report.charts import charts
from analyzer.taxonomy import CAUSES, UNKNOWN

_GREY = "#9c9c9c"
_SYMBOL = re.compile(r'role-legend-symbol".*?fill="(#[0-9a-f]{6})"', re.S)
# An entry's box: vl-convert lays the legend out with its own font metrics, the browser uses others.
_ENTRY_X = re.compile(
    r'<g transform="translate\(([\d.]+),[\d.]+\)"><path class="background"[^>]*h[\d.]+v11h'
)
_LABEL = re.compile(r'role-legend-label".*?<text[^>]*>([^<]*)</text>', re.S)


def _every_cause(report: Report) -> Report:
    """The fixture with its orders spread over every cause of the taxonomy, unknown included."""
    causes = sorted(CAUSES)
    orders = [
        o.model_copy(update={"root_cause": causes[i % len(causes)]})
        for i, o in enumerate(report.orders * (len(causes) // len(report.orders) + 1))
    ]
    return report.model_copy(update={"orders": orders})


def _legends(report: Report) -> list[dict[str, str]]:
    out = []
    for _, svg in charts(report):
        assert svg is not None
        legend = svg[svg.index("role-legend") :]
        labels = [label for label in _LABEL.findall(legend) if label != "root cause"]
        out.append(dict(zip(labels, _SYMBOL.findall(legend), strict=True)))
    return out


def test_every_cause_has_its_own_colour_and_unknown_is_grey(report: Report) -> None:
    legends = _legends(_every_cause(report))
    assert len(legends[0]) == len(CAUSES) > 20
    for legend in legends:
        assert legend == legends[0], "a cause changes colour from one chart to the next"
        assert legend[UNKNOWN] == _GREY
        others = [c for cause, c in legend.items() if cause != UNKNOWN]
        assert len(set(others)) == len(others), "two causes share a colour"
        assert _GREY not in others


def test_legend_labels_are_whole_in_one_column(report: Report) -> None:
    for legend in _legends(_every_cause(report)):
        assert set(legend) == set(CAUSES), "a legend label is cut short"
    for _, svg in charts(_every_cause(report)):
        assert svg is not None
        legend = svg[svg.index("role-legend") :]
        columns = set(_ENTRY_X.findall(legend))
        assert columns == {"0"}, "a second legend column runs past the SVG in wider browser fonts"


def test_the_page_is_the_same_bytes_twice(report: Report) -> None:
    busy = _every_cause(report)
    assert render(busy, OutputFormat.HTML) == render(busy, OutputFormat.HTML)
