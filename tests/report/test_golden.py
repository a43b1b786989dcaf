"""Golden outputs of the fixture Report (width 120, no colour, fixed clock); --update-goldens."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from rich.console import Console

from analyzer.models import Report
from analyzer.report import OutputFormat, render, render_order

Golden = Callable[[str, str], None]
# vl-convert's SVG depends on the fonts of the machine; the charts are tested in test_html_charts.py.
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def _text(report: Report, fmt: OutputFormat) -> str:
    out = render(report, fmt, width=120, color=False)
    assert isinstance(out, str)
    return out


def test_terminal(report: Report, golden: Golden) -> None:
    golden("report.txt", _text(report, OutputFormat.TERMINAL))


def test_markdown(report: Report, golden: Golden) -> None:
    golden("report.md", _text(report, OutputFormat.MD))


def test_json(report: Report, golden: Golden) -> None:
    golden("report.json", _text(report, OutputFormat.JSON))


def test_html(report: Report, golden: Golden) -> None:
    html = _text(report, OutputFormat.HTML)
    golden("report.html", _SVG.sub("<svg><!-- chart --></svg>", html))


def test_csv(report: Report, golden: Golden) -> None:
    golden("verdicts.csv", _text(report, OutputFormat.CSV))


def test_explain(report: Report, golden: Golden) -> None:
    console = Console(file=io.StringIO(), width=120, no_color=True, color_system=None, _environ={})
    for order in ("ORD-100231", "ORD-100240", "ORD-100290"):
        render_order(report, order, console)
    golden("explain.txt", console.file.getvalue())  # type: ignore[attr-defined]
