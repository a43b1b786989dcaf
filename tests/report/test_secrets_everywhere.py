"""No secret survives any output format, wherever in the report it hides."""

from __future__ import annotations

import io

import polars as pl
import pytest

from analyzer.models import Escalation, Evidence, Report, SecurityFinding, UnknownCluster
from analyzer.report import OutputFormat, render, render_order


def _loaded(report: Report, shapes: list[dict[str, str]]) -> Report:
    """The fixture with every secret shape planted in every kind of free-text field."""
    order = report.orders[0]
    texts = [s["text"] for s in shapes]
    evidence = [
        Evidence(file="logs/secrets.log", line=i + 1, kind="connector", ts=None, message=t)
        for i, t in enumerate(texts)
    ]
    loaded = order.model_copy(
        update={
            "evidence": order.evidence + evidence,
            "notes": texts,
            "escalation": Escalation(endpoint=texts[23], error=" ".join(texts[:12])),
        }
    )
    clusters = [
        UnknownCluster(
            template=t, count=1, example=t, example_file="logs/secrets.log", example_line=1
        )
        for t in texts
    ]
    findings = [
        SecurityFinding(kind="private_key_in_log", file="k.log", line=1, message=t) for t in texts
    ]
    return report.model_copy(
        update={
            "orders": [loaded, *report.orders[1:]],
            "unknown_clusters": clusters,
            "security_findings": findings,
        }
    )


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_no_secret_survives(
    report: Report, secret_shapes: list[dict[str, str]], fmt: OutputFormat
) -> None:
    # Wide enough that no secret could hide by being wrapped across two lines.
    out = render(_loaded(report, secret_shapes), fmt, width=2000, color=False)
    text = pl.read_parquet(io.BytesIO(out)).write_csv() if isinstance(out, bytes) else out
    leaked = [s["name"] for s in secret_shapes if s["secret"] in text]
    assert leaked == []
    assert "[REDACTED]" in text


def test_explain_redacts_too(report: Report, secret_shapes: list[dict[str, str]]) -> None:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=2000, no_color=True)
    render_order(_loaded(report, secret_shapes), report.orders[0].order_id, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert [s["name"] for s in secret_shapes if s["secret"] in text] == []
