"""Golden outputs of sample_logs/ in every format (width 120, no colour, fixed clock); --update-goldens."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from analyzer.pipeline import Analysis
from analyzer.report import OutputFormat, render

# vl-convert's SVG depends on the fonts of the machine; the charts are tested in test_browser.py.
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        (OutputFormat.TERMINAL, "sample.txt"),
        (OutputFormat.MD, "sample.md"),
        (OutputFormat.JSON, "sample.json"),
        (OutputFormat.CSV, "sample.csv"),
        (OutputFormat.HTML, "sample.html"),
    ],
)
def test_sample_golden(
    sample_analysis: Analysis, golden: Callable[[str, str], None], fmt: OutputFormat, name: str
) -> None:
    out = render(sample_analysis.report, fmt, width=120, color=False)
    assert isinstance(out, str)
    if fmt is OutputFormat.HTML:
        out = _SVG.sub("<svg><!-- chart --></svg>", out)
    golden(name, out)
