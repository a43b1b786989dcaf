"""Timestamps, order states and field aliases: the normalisation tables, case by case."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from analyzer.readers.aliases import AliasTable
from analyzer.readers.states import state_expr
from analyzer.readers.timestamps import parse_ts

TS_CASES = [
    ("2026-11-20T10:15:02.123Z", "UTC", datetime(2026, 11, 20, 10, 15, 2, 123000, tzinfo=UTC)),
    ("2026-11-20T10:15:02+02:00", "UTC", datetime(2026, 11, 20, 8, 15, 2, tzinfo=UTC)),
    ("2026-11-20T10:15:02-0500", "UTC", datetime(2026, 11, 20, 15, 15, 2, tzinfo=UTC)),
    ("2026-11-20 10:15:02,123", "UTC", datetime(2026, 11, 20, 10, 15, 2, 123000, tzinfo=UTC)),
    ("2026-11-20 10:15:02.1940", "UTC", datetime(2026, 11, 20, 10, 15, 2, 194000, tzinfo=UTC)),
    ("2026-11-20 10:15:02", "Europe/Berlin", datetime(2026, 11, 20, 9, 15, 2, tzinfo=UTC)),
    ("2026-11-20 10:15:02 +01:00", "Asia/Tokyo", datetime(2026, 11, 20, 9, 15, 2, tzinfo=UTC)),
    ("1763633702", "UTC", datetime.fromtimestamp(1763633702, tz=UTC)),
    ("1763633702123", "UTC", datetime.fromtimestamp(1763633702.123, tz=UTC)),
    ("Nov 20 10:15:02", "UTC", datetime(2024, 11, 20, 10, 15, 2, tzinfo=UTC)),
    ("Nov  3 01:02:03", "UTC", datetime(2024, 11, 3, 1, 2, 3, tzinfo=UTC)),
    ("20-Nov-2026 10:15:02", "UTC", datetime(2026, 11, 20, 10, 15, 2, tzinfo=UTC)),
    ("11/20/2026 10:15", "UTC", datetime(2026, 11, 20, 10, 15, tzinfo=UTC)),
    ("not a time", "UTC", None),
]


@pytest.mark.parametrize(("text", "tz", "expected"), TS_CASES, ids=[c[0] for c in TS_CASES])
def test_timestamps(text: str, tz: str, expected: datetime | None) -> None:
    frame = pl.DataFrame({"t": [text]})
    assert parse_ts(frame, "t", tz, year=2024).item() == expected


def test_numeric_epoch_columns() -> None:
    frame = pl.DataFrame({"t": [1763633702, 1763633702123]})
    got = parse_ts(frame, "t").to_list()
    assert got == [datetime.fromtimestamp(1763633702, tz=UTC)] * 1 + [
        datetime.fromtimestamp(1763633702.123, tz=UTC)
    ]


STATE_CASES = [
    ("CSR Pending", "pending"),
    ("pending-dcv", "pending"),
    ("Taken Under Submission", "pending"),
    ("On Hold", "pending"),
    ("Auto Rejected", "failed"),
    ("Under Discrepancy", "failed"),
    ("errored", "failed"),
    ("Certificate Downloaded", "issued"),
    ("valid", "issued"),
    ("Revoke Failed", "revoke_failed"),
    ("Certificate Revoked", "revoked"),
    ("Canceled", "cancelled"),
    ("ORDER CANCELLED", "cancelled"),
    ("Frobnicated", "unknown"),
    ("", None),
]


@pytest.mark.parametrize(("raw", "state"), STATE_CASES, ids=[c[0] or "empty" for c in STATE_CASES])
def test_states(raw: str, state: str | None) -> None:
    assert pl.DataFrame({"status": [raw]}).select(state_expr()).item() == state


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Order ID", "order_id"),
        ("orderNumber", "order_id"),
        ("order-no", "order_id"),
        ("@timestamp", "ts"),
        ("Created On", "ts"),
        ("HTTP Status", "http_status"),
        ("statusCode", "http_status"),
        ("ceritficateSerialNumber", "serial"),
        ("CA Connector", "connector"),
        ("validation_level", "cert_type"),
        ("ems_code", "error_code"),
        ("Error Message", "message"),
        ("txn", "request_id"),
        ("certificate_profile", "template"),
        ("Requester", None),
    ],
)
def test_aliases(name: str, canonical: str | None) -> None:
    assert AliasTable().canonical(name) == canonical


def test_user_aliases_win() -> None:
    table = AliasTable({"order_id": ["Ticket"], "template": ["code"]})
    assert table.canonical("TICKET") == "order_id"
    assert table.canonical("code") == "template"
