"""Builders of unexplained canonical events for the unknown-cluster tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from analyzer.schema import EVENT_INDEX, conform

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def unknown_rows(messages: list[str], *, kind: str = "bot") -> pl.DataFrame:
    """One canonical event per message, order ORD-1000+i, a minute apart, with its row index."""
    n = len(messages)
    frame = pl.DataFrame(
        {
            "source_file": ["logs/bot.log"] * n,
            "line": list(range(1, n + 1)),
            "kind": [kind] * n,
            "ts": [START + timedelta(minutes=i) for i in range(n)],
            "level": ["error"] * n,
            "message": messages,
            "raw": messages,
            "order_id": [f"ORD-{1000 + i}" for i in range(n)],
            "connector": ["DigiCert" if i % 2 else "EJBCA" for i in range(n)],
        }
    )
    return conform(frame).collect().with_row_index(EVENT_INDEX)
