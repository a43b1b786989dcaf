"""Triage decisions on small hand-made frames: linking, competition, pending, cancelled, thresholds."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from analyzer.correlate import TriageOptions, triage
from tests.correlate.builders import at, events, findings


def _verdict(result_verdicts: pl.DataFrame, order: str) -> dict[str, object]:
    rows = result_verdicts.filter(pl.col("order_key") == order).to_dicts()
    assert len(rows) == 1, f"expected one verdict for {order}, got {len(rows)}"
    return rows[0]


def test_cause_only_in_connector_log_is_attributed_by_connector_and_time() -> None:
    ev = events(
        {
            "kind": "connector",
            "connector": "EJBCA",
            "ts": at(0),
            "level": "error",
            "message": "connect timed out",
        },
        {
            "kind": "order",
            "order_id": "ORD-1",
            "connector": "EJBCA",
            "ts": at(3),
            "status": "Failed",
            "state": "failed",
        },
        {
            "kind": "order",
            "order_id": "ORD-2",
            "connector": "EJBCA",
            "ts": at(40),
            "status": "Failed",
            "state": "failed",
        },
        {
            "kind": "order",
            "order_id": "ORD-3",
            "connector": "Other",
            "ts": at(2),
            "status": "Failed",
            "state": "failed",
        },
    )
    fi = findings({"event_idx": 0, "rule_id": "net.timeout", "cause": "network.timeout"})
    result = triage(ev, fi)
    near = _verdict(result.verdicts, "ORD-1")
    assert near["root_cause"] == "network.timeout"
    assert near["proximity"] == 1
    assert 0.5 <= near["confidence"] < 0.9
    assert (
        _verdict(result.verdicts, "ORD-2")["root_cause"] == "unknown"
    )  # 40 min away: outside the window
    assert _verdict(result.verdicts, "ORD-3")["root_cause"] == "unknown"  # another connector


def test_own_evidence_beats_linked_and_the_loser_says_why() -> None:
    ev = events(
        {
            "kind": "connector",
            "connector": "DC",
            "ts": at(0),
            "level": "error",
            "message": "timeout",
        },
        {
            "kind": "bot",
            "order_id": "ORD-9",
            "connector": "DC",
            "ts": at(1),
            "level": "error",
            "message": "403 forbidden",
        },
        {
            "kind": "order",
            "order_id": "ORD-9",
            "connector": "DC",
            "ts": at(2),
            "status": "Failed",
            "state": "failed",
        },
    )
    fi = findings(
        {"event_idx": 0, "rule_id": "net.timeout", "cause": "network.timeout", "priority": 60},
        {
            "event_idx": 1,
            "rule_id": "auth.forbidden",
            "cause": "auth.insufficient_permissions",
            "priority": 60,
        },
    )
    result = triage(ev, fi)
    assert _verdict(result.verdicts, "ORD-9")["root_cause"] == "auth.insufficient_permissions"
    losers = result.runner_ups.filter(pl.col("order_key") == "ORD-9").to_dicts()
    assert [r["cause"] for r in losers] == ["network.timeout"]
    assert (
        losers[0]["why_not"]
        == "same priority, but linked connector evidence ranks below the order's own lines"
    )


def test_higher_priority_wins_and_lower_priority_loser_names_the_winner() -> None:
    ev = events(
        {
            "kind": "order",
            "order_id": "ORD-5",
            "ts": at(0),
            "status": "Failed",
            "state": "failed",
            "message": "x",
        },
    )
    fi = findings(
        {"event_idx": 0, "rule_id": "a.low", "cause": "auth.invalid_credentials", "priority": 30},
        {"event_idx": 0, "rule_id": "b.high", "cause": "auth.expired_credentials", "priority": 70},
    )
    result = triage(ev, fi)
    assert _verdict(result.verdicts, "ORD-5")["rule_id"] == "b.high"
    assert result.runner_ups.get_column("why_not").to_list() == [
        "lower priority (30 < 70 of b.high)"
    ]


def test_stuck_pending_versus_pending_with_a_real_cause() -> None:
    ev = events(
        {
            "kind": "order",
            "order_id": "OLD",
            "ts": at(0),
            "status": "CSR Pending",
            "state": "pending",
        },
        {
            "kind": "order",
            "order_id": "NEW",
            "ts": at(60 * 30),
            "status": "CSR Pending",
            "state": "pending",
        },
        {
            "kind": "order",
            "order_id": "CAUSED",
            "ts": at(60 * 30),
            "status": "CSR Pending",
            "state": "pending",
        },
        {
            "kind": "bot",
            "order_id": "CAUSED",
            "ts": at(60 * 30 + 1),
            "level": "error",
            "message": "dns",
        },
        {
            "kind": "order",
            "order_id": "LAST",
            "ts": at(60 * 31),
            "status": "Issued",
            "state": "issued",
        },
    )
    fi = findings({"event_idx": 3, "rule_id": "net.dns", "cause": "network.dns"})
    result = triage(ev, fi, TriageOptions(pending_after=timedelta(hours=24)))
    assert _verdict(result.verdicts, "OLD")["root_cause"] == "order.stuck_pending"
    assert _verdict(result.verdicts, "CAUSED")["root_cause"] == "network.dns"
    assert result.verdicts.filter(pl.col("order_key").is_in(["NEW", "LAST"])).height == 0


def test_cancelled_order_gets_no_verdict_and_bot_only_order_does() -> None:
    ev = events(
        {
            "kind": "order",
            "order_id": "CAN",
            "ts": at(0),
            "status": "Cancelled",
            "state": "cancelled",
            "message": "boom",
        },
        {
            "kind": "bot",
            "order_id": "BOT-ONLY",
            "ts": at(1),
            "level": "error",
            "message": "install failed",
        },
    )
    fi = findings({"event_idx": 0, "rule_id": "x", "cause": "ca.unavailable"})
    result = triage(ev, fi)
    assert result.verdicts.get_column("order_key").to_list() == ["BOT-ONLY"]
    assert _verdict(result.verdicts, "BOT-ONLY")["state"] == "unknown"
    assert result.unknown_rows.get_column("message").to_list() == ["install failed"]


def test_benign_finding_explains_its_line_away() -> None:
    ev = events(
        {
            "kind": "order",
            "order_id": "ORD-7",
            "ts": at(0),
            "status": "Failed",
            "state": "failed",
            "message": "EMS-956",
        },
    )
    fi = findings(
        {"event_idx": 0, "rule_id": "benign.dcv", "cause": None, "benign": True, "priority": 80},
        {
            "event_idx": 0,
            "rule_id": "val.dcv",
            "cause": "validation.domain_control",
            "priority": 50,
        },
    )
    result = triage(ev, fi)
    assert _verdict(result.verdicts, "ORD-7")["root_cause"] == "unknown"
    assert result.unknown_rows.height == 0  # explained away, not unexplained


def test_request_id_links_to_its_order() -> None:
    ev = events(
        {
            "kind": "order",
            "order_id": "ORD-8",
            "request_id": "REQ-8",
            "ts": at(0),
            "status": "Failed",
            "state": "failed",
        },
        {"kind": "other", "request_id": "REQ-8", "ts": at(1), "level": "error", "message": "x"},
    )
    fi = findings({"event_idx": 1, "rule_id": "t", "cause": "template.not_found"})
    assert _verdict(triage(ev, fi).verdicts, "ORD-8")["root_cause"] == "template.not_found"


def test_a_tie_costs_confidence_unless_more_rules_back_the_winner() -> None:
    ev = events(
        {"kind": "order", "order_id": "TIE", "ts": at(0), "status": "Failed", "state": "failed"},
        {"kind": "order", "order_id": "BACKED", "ts": at(0), "status": "Failed", "state": "failed"},
    )
    fi = findings(
        {"event_idx": 0, "rule_id": "a.one", "cause": "csr.key_policy", "priority": 60},
        {"event_idx": 0, "rule_id": "b.one", "cause": "csr.subject_policy", "priority": 60},
        {"event_idx": 1, "rule_id": "a.one", "cause": "csr.key_policy", "priority": 60},
        {"event_idx": 1, "rule_id": "a.two", "cause": "csr.key_policy", "priority": 60},
        {"event_idx": 1, "rule_id": "b.one", "cause": "csr.subject_policy", "priority": 60},
    )
    verdicts = triage(ev, fi).verdicts
    tie, backed = _verdict(verdicts, "TIE"), _verdict(verdicts, "BACKED")
    assert tie["confidence"] == 0.63  # 0.9 x 0.7: two causes, nothing to choose between them
    assert backed["root_cause"] == "csr.key_policy"
    assert backed["confidence"] == 0.9  # two rules back the winner
