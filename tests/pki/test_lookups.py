"""The narrowed lookups of the decoders: serials by the keys a sent serial may mean, templates by
their issuers in aggregate. Each must answer exactly as the whole export would."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from analyzer.pki import pki_evidence
from analyzer.pki.context import issued_templates, template_issuers
from analyzer.pki.serial import SerialIndex, compare_serial, lookup_keys, spellings
from analyzer.schema import FINDING_SCHEMA
from tests.pki.factory import at, make_events, make_orders

ISSUED = pl.DataFrame(
    {
        "serial": ["00:8A:3F:01:C2", "04d2", "0A0B0C0D", "7E:11:22", "0x0000", "zz", "8a3f01c2"],
        "order_id": ["ORD-1", "ORD-2", "ORD-3", "ORD-9", "ORD-0", "ORD-X", "ORD-LATE"],
        "connector": ["ADCS-Prod", "ADCS-Prod", "ADCS-Prod", "DigiCert-EU", None, None, "Other"],
    }
)
SENT = ["8A3F01C2", "1234", "0D0C0B0A", "7e1122", "DEADBEEF", "serial?", "0", "00:8a:3f:01:c2"]


@pytest.mark.parametrize("sent", SENT)
def test_an_index_of_the_looked_up_serials_answers_as_the_whole_index(sent: str) -> None:
    keys = set(lookup_keys(sent))
    meant = spellings(ISSUED.get_column("serial"), keys)
    narrow = ISSUED.filter(pl.col("serial").is_in(meant.implode()))
    whole = compare_serial(sent, "ADCS-Prod", SerialIndex.from_frame(ISSUED))
    assert compare_serial(sent, "ADCS-Prod", SerialIndex.from_frame(narrow)) == whole


def test_lookup_keys_are_hex_decimal_and_reversed_readings() -> None:
    assert lookup_keys("0x0A0B0C0D") == ["a0b0c0d", "d0c0b0a"]
    assert lookup_keys("1234") == ["1234", "4d2", "3412"]
    assert lookup_keys("serial?") == []


def test_spellings_are_the_distinct_serials_of_a_key() -> None:
    found = spellings(ISSUED.get_column("serial"), {"8a3f01c2", "0"})
    assert sorted(found.to_list()) == ["00:8A:3F:01:C2", "0x0000", "8a3f01c2"]


def _issued_export() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows: list[dict[str, Any]] = [
        {"order_id": f"O-{i}", "connector": "ADCS", "template": "Web", "state": "issued"}
        for i in range(1, 6)
    ]
    rows += [
        {"order_id": "F-1", "connector": "ADCS", "template": "Web", "state": "issued"},
        {"order_id": "S-1", "connector": "ADCS", "template": "Solo", "state": "issued"},
        {"order_id": "O-1", "connector": "EJBCA", "template": "Web", "state": "issued"},
        {"order_id": "N-1", "connector": None, "template": "Web", "state": "issued"},
    ]
    events = make_events([{"ts": at(i), **row} for i, row in enumerate(rows)])
    orders = make_orders([{"order_id": "R-1", "connector": "ADCS", "template": "Web",
                           "state": "issued"}])  # fmt: skip
    return events, orders


def test_template_issuers_aggregate_the_issued_templates() -> None:
    events, orders = _issued_export()
    of = pl.Series(["F-1", "S-1", "X-1"])
    rows = issued_templates(events, orders)
    issuers = template_issuers(events, orders, of)
    expected = [
        {
            "connector": connector,
            "template": template,
            "orders": len(group),
            "first": group[:4],
            "holders": sorted(set(group) & set(of)),
        }
        for (connector, template), group in _grouped(rows).items()
    ]
    got = issuers.with_columns(pl.col("holders").list.sort()).to_dicts()
    assert got == expected


def _grouped(rows: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for connector, template, oid in rows.iter_rows():
        out.setdefault((connector, template), []).append(oid)
    return out


def test_a_template_issued_for_many_orders_shows_three_others_then_an_ellipsis() -> None:
    events, orders = _issued_export()
    failing = make_events(
        [
            *events.drop("event_idx").to_dicts(),
            {"ts": at(20), "order_id": "F-1", "connector": "ADCS", "template": "Web",
             "state": "failed", "level": "error", "message": "template Web not found"},
            {"ts": at(21), "order_id": "S-1", "connector": "ADCS", "template": "Solo v2",
             "state": "failed", "level": "error", "message": "unknown template Solo v2"},
            {"ts": at(22), "order_id": "T-1", "connector": "ADCS", "template": "Web v2",
             "state": "failed", "level": "error", "message": "unknown template Web v2"},
        ]
    )  # fmt: skip
    # S-1 alone issued `Solo`: no near miss of its own name (the order was refused a version).
    states = [("F-1", "Web"), ("S-1", "Solo v2"), ("T-1", "Web v2")]
    open_orders = make_orders(
        [{"order_id": o, "connector": "ADCS", "template": t, "state": "failed"} for o, t in states]
    )
    evidence = pki_evidence(
        failing, pl.DataFrame(schema=FINDING_SCHEMA), pl.concat([orders, open_orders])
    )
    assert evidence.select("order_id", "cause", "note").rows() == [
        (
            "F-1",
            "template.permission_denied",
            "template `Web` issued on connector ADCS for 6 other orders (O-1, O-2, O-3, …): "
            "it exists, this account may not enroll for it",
        ),
        (
            "T-1",
            "template.name_mismatch",
            "template `Web v2` not found: did you mean `Web`? (issued on connector ADCS)",
        ),
    ]
