"""build_orders: which event's value an order takes, latest in time order with order records first."""

from __future__ import annotations

from analyzer.correlate.orders import build_orders, with_order_key
from tests.correlate.builders import at, events


def test_a_record_beats_later_events_and_time_ties_go_by_file_then_line() -> None:
    ev = events(
        {"kind": "bot", "order_id": "O-1", "ts": at(0), "template": "A", "status": "s0"},
        {"kind": "order", "order_id": "O-1", "ts": at(1), "template": "B"},
        {"kind": "bot", "order_id": "O-1", "ts": at(2), "template": "C", "status": "s2"},
        # Same time: b.log after a.log whatever the row order, then the later line.
        {"kind": "bot", "request_id": "R-1", "ts": at(5), "source_file": "b.log", "line": 1,
         "status": "late", "connector": "K1"},
        {"kind": "bot", "request_id": "R-1", "ts": at(5), "source_file": "a.log", "line": 9,
         "status": "early", "connector": "K2"},
        {"kind": "bot", "order_id": "O-2", "request_id": "R-1", "ts": at(6), "source_file": "a.log",
         "line": 1},
        {"kind": "bot", "order_id": "O-3", "ts": None, "template": "T-null-ts"},
        {"kind": "bot", "order_id": "O-3", "ts": at(1), "template": "T-timed"},
    )  # fmt: skip
    orders = build_orders(with_order_key(ev))
    got = {
        key: (template, status, connector, order_id, request_id)
        for key, template, status, connector, order_id, request_id in orders.select(
            "order_key", "template", "status", "connector", "order_id", "request_id"
        ).iter_rows()
    }
    assert got == {
        "O-1": ("B", "s2", None, "O-1", None),
        "O-2": (None, "late", "K1", "O-2", "R-1"),
        "O-3": ("T-null-ts", None, None, "O-3", None),
    }
