"""Which events a verdict shows as evidence, in which order, and the error handed on; time order."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import polars as pl

from analyzer.correlate.assembly import _evidence, _evidence_rows
from analyzer.correlate.orders import time_order
from analyzer.schema import EVENT_INDEX

T = datetime(2026, 11, 20, tzinfo=UTC)


def _candidates(*rows: tuple[str, int, str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"order_key": pl.String, EVENT_INDEX: pl.UInt32, "rule_id": pl.String,
                "cause": pl.String, "proximity": pl.Int8},
        orient="row",
    )  # fmt: skip


def _result() -> Any:
    keyed = pl.DataFrame(
        {
            EVENT_INDEX: pl.Series(range(20), dtype=pl.UInt32),
            "source_file": [f"f{i % 3}.log" for i in range(20)],
            "line": pl.Series(range(1, 21), dtype=pl.UInt32),
            "kind": ["order"] * 20,
            "ts": [T] * 20,
            "message": [None if i == 11 else f"  line {i}  " for i in range(20)],
            "raw": [f"raw {i}" for i in range(20)],
        }
    )
    verdicts = pl.DataFrame(
        {"order_key": ["B", "A", "C"], "root_cause": ["x", "x", "y"], EVENT_INDEX: [12, 9, None]},
        schema={"order_key": pl.String, "root_cause": pl.String, EVENT_INDEX: pl.UInt32},
    )
    candidates = _candidates(
        ("A", 9, "r.win", "x", 0),
        ("A", 2, "r.b", "x", 1),
        ("A", 2, "r.a", "x", 1),  # one event, two rules: the first rule id is kept
        ("A", 4, "r.a", "x", 0),
        ("A", 1, "r.a", "x", 1),
        ("A", 7, "r.a", "other", 0),  # another cause: not evidence of this verdict
        ("A", 6, "r.a", "x", 1),
        ("A", 3, "r.a", "x", 1),
        ("A", 8, "r.a", "x", 1),  # the seventh event: past MAX_EVIDENCE
        ("B", 12, "r.win", "x", 0),
    )
    unknown = pl.DataFrame(
        {"order_key": ["B", "B", "A", None], EVENT_INDEX: [11, 10, 15, 16]},
        schema={"order_key": pl.String, EVENT_INDEX: pl.UInt32},
    )
    return SimpleNamespace(keyed=keyed, verdicts=verdicts, candidates=candidates,
                           unknown_rows=unknown)  # fmt: skip


def test_the_winner_then_its_cause_by_event_then_own_errors_at_most_six() -> None:
    rows = _evidence_rows(_result())
    assert rows.select("order_key", EVENT_INDEX, "rule_id", "linked").rows() == [
        ("A", 9, "r.win", False),
        ("A", 1, "r.a", True),
        ("A", 2, "r.a", True),
        ("A", 3, "r.a", True),
        ("A", 4, "r.a", False),
        ("A", 6, "r.a", True),
        ("B", 12, "r.win", False),
        ("B", 10, None, False),
        ("B", 11, None, False),
    ]
    assert rows.get_column("source_file").to_list()[-3:] == ["f0.log", "f1.log", "f2.log"]


def test_evidence_is_grouped_per_order_and_hands_on_the_longest_ruled_message() -> None:
    shown = _evidence(_evidence_rows(_result()), lambda values: [v.upper() for v in values])
    assert list(shown) == ["A", "B"]
    b = shown["B"]
    assert [item["message"] for item in b.items] == ["LINE 12", "LINE 10", "RAW 11"]
    assert [item["file"] for item in b.items] == ["F0.LOG", "F1.LOG", "F2.LOG"]
    assert b.texts == ["line 12", "line 10", "raw 11"]
    assert b.ruled == [True, False, False]
    assert b.most_detailed() == "line 12"  # the ruled line, though an own error is as long
    assert shown["A"].most_detailed() == "line 9"  # the first of equally long messages


def test_without_a_ruled_line_the_longest_of_all_is_handed_on() -> None:
    frame = _evidence_rows(_result()).with_columns(pl.lit(None, pl.String).alias("rule_id"))
    assert _evidence(frame, list)["B"].most_detailed() == "line 12"


def test_time_order_sorts_as_time_then_file_name_then_line() -> None:
    events = pl.DataFrame(
        {
            "ts": [T, None, T, T, None, T],
            "source_file": ["b.log", "a.log", "a.log", None, "c.log", "a.log"],
            "line": [1, 2, 9, 3, 1, 1],
        }
    ).with_row_index("n")
    by_text = events.sort(["ts", "source_file", "line"], nulls_last=True)
    assert events.sort(time_order(events), nulls_last=True).equals(by_text)
    assert by_text.get_column("n").to_list() == [5, 2, 0, 3, 1, 4]
