"""Threshold rules through the real engine and triage: five timeouts in ten minutes on a connector, not four."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from analyzer.correlate import triage
from analyzer.engine import evaluate
from analyzer.ruleset import load_ruleset
from tests.correlate.builders import at, events

RULES = """
rule net.timeout-burst "Connector keeps timing out" {
    cause     network.timeout
    severity  high
    when      kind == "connector" and message ~ /timed out/i
    count     >= 5 within 10m by connector
    fix       "Check the route to the CA."
    example   5 x { kind: connector, connector: "EJBCA", message: "connect timed out" } every 1m
    counter   4 x { kind: connector, connector: "EJBCA", message: "connect timed out" } every 1m
}
"""


@pytest.mark.parametrize(("timeouts", "expected"), [(5, "network.timeout"), (4, "unknown")])
def test_burst_reaches_the_order_only_at_the_threshold(
    tmp_path: Path, timeouts: int, expected: str
) -> None:
    path = tmp_path / "burst.rules"
    path.write_text(RULES, encoding="utf-8")
    rules = load_ruleset([path])
    burst = [
        {
            "kind": "connector",
            "connector": "EJBCA",
            "ts": at(i * 2),
            "level": "error",
            "message": "connect timed out",
        }
        for i in range(timeouts)
    ]
    order = {
        "kind": "bot",
        "order_id": "ORD-1",
        "connector": "EJBCA",
        "ts": at(9),
        "level": "error",
        "message": "Submission failed",
    }
    ev = events(*burst, order)
    findings = evaluate(rules, ev)
    assert findings.filter(pl.col("threshold")).height == (timeouts if timeouts >= 5 else 0)
    verdict = (
        triage(ev, findings).verdicts.filter(pl.col("order_key") == "ORD-1").row(0, named=True)
    )
    assert verdict["root_cause"] == expected
    if expected != "unknown":
        assert verdict["proximity"] == 2  # a burst ranks below direct and linked evidence
        assert verdict["confidence"] == pytest.approx(0.6)
