"""Every format: registry, JSON contract, CSV safety, Parquet, and log text that cannot inject."""

from __future__ import annotations

import io
import json
import re

import polars as pl
import pytest
from rich.console import Console

from analyzer.errors import UsageError
from analyzer.models import Evidence, Report
from analyzer.redact import Redactor, redact_report
from analyzer.report import (
    RENDERERS,
    OutputFormat,
    render,
    render_order,
    render_to_console,
    verdicts_frame,
)

HOSTILE = (
    "[bold red]boom[/] \x1b]0;title\x07\x1b[2J\x9b31m `tick` <img src=x onerror=alert(1)> | =cmd"
)


def _hostile(report: Report) -> Report:
    order = report.orders[0]
    evidence = Evidence(file="x.log", line=1, kind="bot", ts=None, message=HOSTILE, rule=order.rule)
    hostile = order.model_copy(
        update={
            "evidence": [evidence],
            "connector": '=HYPERLINK("http://evil")',
            "template": "@SUM(A1)",
        }
    )
    cluster = report.unknown_clusters[0].model_copy(update={"example": HOSTILE})
    return report.model_copy(
        update={"orders": [hostile, *report.orders[1:]], "unknown_clusters": [cluster]}
    )


def test_the_registry_covers_every_format() -> None:
    assert set(RENDERERS) == set(OutputFormat)


def test_json_is_the_redacted_report_model(report: Report) -> None:
    out = render(report, OutputFormat.JSON)
    assert isinstance(out, str)
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert Report.model_validate(data) == redact_report(report, Redactor())


def test_verdicts_frame_has_one_row_per_verdict(report: Report) -> None:
    frame = verdicts_frame(report)
    assert frame["order_id"].to_list() == [o.order_id for o in report.orders]
    assert frame.schema["failed_at"] == pl.Datetime("us", "UTC")
    first = frame.row(0, named=True)
    assert (first["evidence_file"], first["evidence_line"]) == (
        "logs/connector-validation.log",
        1730,
    )
    assert first["runner_ups"].startswith("auth.invalid_credentials")


def test_csv_neutralises_formulas(report: Report) -> None:
    out = render(_hostile(report), OutputFormat.CSV)
    assert isinstance(out, str)
    frame = pl.read_csv(io.StringIO(out), infer_schema=False)
    row = frame.row(0, named=True)
    assert row["connector"] == '\'=HYPERLINK("http://evil")'
    assert row["template"] == "'@SUM(A1)"
    assert all(not re.match(r"[=+\-@\t\r]", v) for v in frame.to_series(3).drop_nulls())


def test_parquet_round_trips_the_verdicts(report: Report) -> None:
    out = render(report, OutputFormat.PARQUET)
    assert isinstance(out, bytes)
    assert pl.read_parquet(io.BytesIO(out)).equals(
        verdicts_frame(redact_report(report, Redactor()))
    )


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_an_empty_report_renders(report: Report, fmt: OutputFormat) -> None:
    empty = report.model_copy(update={"orders": [], "connectors": [], "unknown_clusters": []})
    assert render(empty, fmt)


def test_terminal_colour_is_optional(report: Report) -> None:
    plain = render(report, OutputFormat.TERMINAL, color=False)
    coloured = render(report, OutputFormat.TERMINAL, color=True)
    assert isinstance(plain, str) and isinstance(coloured, str)
    assert "\x1b" not in plain
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_log_text_cannot_inject_markup_or_escapes(report: Report) -> None:
    out = render(_hostile(report), OutputFormat.TERMINAL, width=300, color=True)
    assert isinstance(out, str)
    assert "[bold red]boom[/]" in out
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x9b" not in out
    console = Console(file=io.StringIO(), width=300, force_terminal=True, color_system="standard")
    render_order(_hostile(report), report.orders[0].order_id, console)
    story = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[bold red]boom[/]" in story
    assert "\x1b]" not in story and "\x1b[2J" not in story


def test_render_to_console_follows_the_console(report: Report) -> None:
    console = Console(file=io.StringIO(), width=100, no_color=True)
    render_to_console(report, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Who must act" in text and "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_html_escapes_and_fetches_nothing(report: Report) -> None:
    out = render(_hostile(report), OutputFormat.HTML)
    assert isinstance(out, str)
    assert "<img src=x" not in out and "<script>alert" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", out)
    assert "<link" not in out and "@import" not in out
    assert out.count("<svg") == 3


def test_markdown_neutralises_backticks_and_keeps_the_checklist_order(report: Report) -> None:
    out = render(_hostile(report), OutputFormat.MD)
    assert isinstance(out, str)
    assert "`tick`" not in out
    assert all(line.count("`") % 2 == 0 for line in out.splitlines())
    labels = [
        "CA Connector Name",
        "Endpoint URL",
        "Error message received",
        "Template name used",
        "CSR configuration details",
        "Timestamp of failed attempt",
    ]
    bundle = out[out.index("### ORD-100231") :]
    positions = [bundle.index(f"**{label}:**") for label in labels]
    assert positions == sorted(positions)
    assert "## Requester (CSR, domains, organisation details)" in out


def test_explain_marks_the_winning_line(report: Report) -> None:
    console = Console(file=io.StringIO(), width=120, no_color=True)
    render_order(report, "ORD-100231", console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    marked = [line for line in text.splitlines() if line.startswith("▶")]
    assert len(marked) == 1 and "connector-validation.log:1730" in marked[0]
    assert "Why not the others" in text and "lower priority" in text


def test_explain_an_unknown_order_suggests_near_ids(report: Report) -> None:
    with pytest.raises(UsageError, match="did you mean ORD-10023"):
        render_order(report, "ORD-10023", Console(file=io.StringIO()))


def test_redaction_can_be_turned_off_and_extended(report: Report) -> None:
    raw = render(report, OutputFormat.JSON, redact=False)
    assert isinstance(raw, str) and "Winter2026!" in raw
    extra = render(report, OutputFormat.MD, redactor=Redactor(extra_patterns=[r"ORD-1002\d\d"]))
    assert isinstance(extra, str) and "ORD-100231" not in extra and "Winter2026!" not in extra


def test_chart_labels_from_logs_are_escaped_inside_the_svg(report: Report) -> None:
    order = report.orders[0].model_copy(update={"connector": "<script>alert(1)</script>"})
    out = render(
        report.model_copy(update={"orders": [order, *report.orders[1:]]}), OutputFormat.HTML
    )
    assert isinstance(out, str)
    assert out.count("<script") == 1  # the report's own inline script, nothing else
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
