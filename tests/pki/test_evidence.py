"""pki_evidence, csr_details and connector_onset on one small export, every note pinned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analyzer.pki import EVIDENCE_SCHEMA, connector_onset, csr_detail, csr_details, pki_evidence
from analyzer.schema import FINDING_SCHEMA
from tests.pki.factory import at, make_csr, make_events, make_orders

OV_WITH_OU = (("CN", "shop.example.com"), ("O", "Ex"), ("OU", "IT"), ("L", "Rome"), ("C", "IT"))


def _export() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    weak = make_csr(OV_WITH_OU, dns=("shop.example.com",), key_kind="rsa1024")
    broken = make_csr().replace("-----END CERTIFICATE REQUEST-----", "")
    rows: list[dict[str, Any]] = [
        {"ts": at(0), "order_id": "CSR-1", "kind": "bot", "message": "CSR", "raw": f"CSR\n{weak}"},
        {"ts": at(1), "order_id": "CSR-1", "kind": "order", "message": "Invalid CSR format"},
        {"ts": at(2), "order_id": "CSR-2", "kind": "bot", "message": "CSR", "raw": f"CSR {broken}"},
        {"ts": at(3), "order_id": "AUTH-1", "kind": "bot", "message": "CSR", "raw": weak},
        {
            "ts": at(4),
            "order_id": "OK-1",
            "connector": "ADCS",
            "template": "WebServer-2048",
            "state": "issued",
            "serial": "00:8A:3F:01:C2",
            "message": "Issued",
        },
        {
            "ts": at(5),
            "order_id": "T-1",
            "connector": "ADCS",
            "template": "Web Server 2048",
            "message": "Template 'Web Server 2048' not found",
        },
        {
            "ts": at(6),
            "order_id": "T-2",
            "connector": "ADCS",
            "template": "WebServer-2048",
            "message": "Denied: 0x80094800 CERTSRV_E_UNSUPPORTED_CERT_TYPE",
        },
        {
            "ts": at(7),
            "order_id": "T-3",
            "connector": "ADCS",
            "message": "Template 'Foo' not found",
        },
        {
            "ts": at(8),
            "order_id": "OK-1",
            "connector": "ADCS",
            "serial": "8A3F01C2",
            "level": "error",
            "message": "Revoke failed: certificate not found",
        },
        {
            "ts": at(100),
            "order_id": "IN-1",
            "connector": "Sectigo",
            "message": "Inactive Account User.",
        },
        {
            "ts": at(200),
            "connector": "DigiCert",
            "kind": "audit",
            "message": "API key rotated for DigiCert",
        },
        {
            "ts": at(500),
            "order_id": "A-1",
            "connector": "DigiCert",
            "http_status": 401,
            "message": "invalid API key",
        },
    ]
    rows += [
        {
            "ts": at(1000 + i * 0.5),
            "order_id": f"B-{i:02}",
            "connector": "Sectigo",
            "message": "Inactive Account User.",
        }
        for i in range(16)
    ]
    bad_base64 = make_csr().replace("M", "*", 1)
    rows += [
        {"ts": at(2), "order_id": "CSR-3", "kind": "bot", "message": "CSR", "raw": broken},
        {"ts": at(2), "order_id": "CSR-4", "kind": "bot", "message": "CSR", "raw": bad_base64},
    ]
    events = make_events(rows)
    orders = make_orders(
        [
            {
                "order_id": "CSR-1",
                "state": "failed",
                "cert_type": "OV",
                "failed_at": at(1),
                "candidate_cause": "csr.invalid_format",
            },
            {"order_id": "CSR-2", "state": "failed", "failed_at": at(2)},
            {"order_id": "CSR-3", "state": "failed", "candidate_cause": "csr.invalid_format"},
            {"order_id": "CSR-4", "state": "failed", "candidate_cause": "unknown"},
            {
                "order_id": "AUTH-1",
                "state": "failed",
                "failed_at": at(3),
                "candidate_cause": "auth.expired_credentials",
            },
            {
                "order_id": "T-1",
                "state": "failed",
                "connector": "ADCS",
                "template": "Web Server 2048",
                "failed_at": at(5),
                "candidate_cause": "template.not_found",
            },
            {
                "order_id": "T-2",
                "state": "failed",
                "connector": "ADCS",
                "template": "WebServer-2048",
                "failed_at": at(6),
                "candidate_cause": "template.not_found",
            },
            {
                "order_id": "T-3",
                "state": "failed",
                "connector": "ADCS",
                "template": "Foo",
                "failed_at": at(7),
            },
            {
                "order_id": "OK-1",
                "state": "revoke_failed",
                "connector": "ADCS",
                "serial": "00:8A:3F:01:C2",
                "failed_at": at(8),
                "candidate_cause": "revocation.serial_mismatch",
            },
            {
                "order_id": "IN-1",
                "state": "failed",
                "connector": "Sectigo",
                "failed_at": at(100),
                "candidate_cause": "connector.inactive",
            },
            {
                "order_id": "A-1",
                "state": "failed",
                "connector": "DigiCert",
                "failed_at": at(500),
                "candidate_cause": "auth.invalid_credentials",
            },
            *(
                {
                    "order_id": f"B-{i:02}",
                    "state": "failed",
                    "connector": "Sectigo",
                    "failed_at": at(1000 + i * 0.5),
                    "candidate_cause": "connector.inactive",
                }
                for i in range(16)
            ),
        ]
    )
    findings = pl.DataFrame(
        [
            {"event_idx": 1, "rule_id": "csr.bad", "cause": "csr.invalid_format"},
            {
                "event_idx": 5,
                "rule_id": "tpl.nf",
                "cause": "template.not_found",
                "cap_template": "Web Server 2048",
            },
            {"event_idx": 11, "rule_id": "auth.bad", "cause": "auth.invalid_credentials"},
            *(
                {"event_idx": 12 + i, "rule_id": "conn.inactive", "cause": "connector.inactive"}
                for i in range(16)
            ),
        ],
        schema=FINDING_SCHEMA,
    )
    return events, findings, orders


def _rows(frame: pl.DataFrame, *orders: str) -> list[tuple[Any, ...]]:
    return frame.filter(pl.col("order_id").is_in(orders)).rows()


@pytest.fixture(scope="module")
def export() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return _export()


@pytest.fixture(scope="module")
def evidence(export: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> pl.DataFrame:
    return pki_evidence(*export)


def test_the_frame_has_the_contract_columns(evidence: pl.DataFrame) -> None:
    assert evidence.schema == pl.Schema(
        {
            "order_id": pl.String(),
            "cause": pl.String(),
            "rule_id": pl.String(),
            "note": pl.String(),
            "event_idx": pl.UInt32(),
            "priority": pl.Int32(),
        }
    )


def test_decoded_csr_facts_replace_a_word_match(evidence: pl.DataFrame) -> None:
    # CSR-2 looks truncated but nobody complained about its CSR: a PEM logged line by line.
    assert _rows(evidence, "CSR-1", "CSR-2", "CSR-3", "CSR-4", "AUTH-1") == [
        (
            "CSR-1",
            "csr.key_policy",
            "pki.csr-key-size",
            "RSA 1024 bits, policy needs at least 2048",
            0,
            90,
        ),
        ("CSR-1", "csr.subject_policy", "pki.csr-subject", "OU present on an OV order", 0, 90),
        (
            "CSR-3",
            "csr.invalid_format",
            "pki.csr-format",
            "CSR cannot be parsed: no END CERTIFICATE REQUEST line (truncated)",
            28,
            90,
        ),
        (
            "CSR-4",
            "csr.invalid_format",
            "pki.csr-format",
            "CSR cannot be parsed: bad base64: Only base64 data is allowed",
            29,
            90,
        ),
    ]


def test_template_near_miss_and_permission(evidence: pl.DataFrame) -> None:
    assert _rows(evidence, "T-1", "T-2", "T-3") == [
        (
            "T-1",
            "template.name_mismatch",
            "pki.template-near-miss",
            "template `Web Server 2048` not found: did you mean `WebServer-2048`? "
            "(issued on connector ADCS)",
            5,
            90,
        ),
        (
            "T-2",
            "template.permission_denied",
            "pki.template-issued",
            "template `WebServer-2048` issued on connector ADCS for 1 other order (OK-1): "
            "it exists, this account may not enroll for it",
            6,
            90,
        ),
    ]


def test_revocation_serial_mismatch(evidence: pl.DataFrame) -> None:
    assert _rows(evidence, "OK-1") == [
        (
            "OK-1",
            "revocation.serial_mismatch",
            "pki.serial-mismatch",
            "leading 00 dropped: sent `8A3F01C2`, the CA's record is `00:8A:3F:01:C2`",
            8,
            90,
        )
    ]


def test_inactive_account_user_burst_versus_single(evidence: pl.DataFrame) -> None:
    burst = evidence.filter(pl.col("order_id").str.starts_with("B-"))
    assert burst.height == 16
    assert set(burst.select("cause", "note", "priority").rows()) == {
        (
            "ca.rate_limited",
            "`Inactive Account User.` in a burst of 16 orders within 10 s on connector Sectigo: "
            "the CA is throttling",
            90,
        )
    }
    assert _rows(evidence, "IN-1") == [
        (
            "IN-1",
            "connector.inactive",
            "pki.inactive-burst",
            "`Inactive Account User.` outside any burst on connector Sectigo: "
            "the account is inactive",
            9,
            90,
        )
    ]


def test_a_change_just_before_the_failures_is_context(evidence: pl.DataFrame) -> None:
    assert _rows(evidence, "A-1") == [
        (
            "A-1",
            "auth.invalid_credentials",
            "pki.change-before-failure",
            "failures on connector DigiCert started 5 min after `API key rotated for DigiCert` "
            "(t.log:11)",
            10,
            50,
        )
    ]


def test_policy_and_template_map_files_are_used(
    export: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('forbidden_subject = ["L"]\n', encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[[template]]\nplatform = "Foo"\nca = "FooTemplate"\n')
    events, findings, orders = export
    result = pki_evidence(events, findings, orders, csr_policy=policy, template_map=mapping)
    assert _rows(result, "CSR-1")[1][3] == (
        "OU present on an OV order; L present: forbidden by the template policy"
    )
    assert _rows(result, "T-3") == [
        (
            "T-3",
            "template.name_mismatch",
            "pki.template-near-miss",
            "template `Foo` not found: did you mean `FooTemplate`? (template map)",
            7,
            90,
        )
    ]


def test_closed_orders_and_absent_serials() -> None:
    events = make_events(
        [{"order_id": "R-1", "serial": "ABCDEF", "level": "error", "message": "x"}]
    )
    orders = make_orders(
        [
            {"order_id": "R-1", "state": "revoke_failed", "connector": "C"},
            {"order_id": "I-1", "state": "issued", "connector": "C"},
        ]
    )
    result = pki_evidence(events, pl.DataFrame(schema=FINDING_SCHEMA), orders)
    assert result.rows() == [
        (
            "R-1",
            "revocation.serial_mismatch",
            "pki.serial-mismatch",
            "no certificate with serial `ABCDEF` in the export",
            0,
            60,
        )
    ]


def test_csr_details_prefer_the_decoded_csr_then_the_logged_columns(
    export: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    events = pl.concat(
        [
            export[0],
            make_events(
                [
                    {"order_id": "LOG-1", "key_alg": "RSA", "message": "a"},
                    {
                        "order_id": "LOG-1",
                        "key_size": 4096,
                        "common_name": "x.example.com",
                        "message": "b",
                    },
                ]
            ).with_columns(pl.col("event_idx") + 100),
        ]
    )
    details = csr_details(events)
    assert details["order_id"].to_list() == ["AUTH-1", "CSR-1", "CSR-2", "CSR-3", "CSR-4", "LOG-1"]
    assert csr_detail(events, "CSR-1") == {
        "order_id": "CSR-1",
        "event_idx": 0,
        "source": "csr",
        "key_alg": "RSA",
        "key_size": 1024,
        "curve": None,
        "sig_alg": "sha256WithRSAEncryption",
        "sans": "DNS:shop.example.com",
        "subject": "C=IT,L=Rome,OU=IT,O=Ex,CN=shop.example.com",
        "error": None,
    }
    assert details.row(2, named=True)["error"] == "no END CERTIFICATE REQUEST line (truncated)"
    assert csr_detail(events, "LOG-1") == {
        "order_id": "LOG-1",
        "event_idx": 101,
        "source": "log",
        "key_alg": "RSA",
        "key_size": 4096,
        "curve": None,
        "sig_alg": None,
        "sans": None,
        "subject": "CN=x.example.com",
        "error": None,
    }
    assert csr_detail(events, "NOPE") is None


def test_connector_onset_names_the_change_before_and_the_blast_radius(
    export: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    events, findings, _ = export
    onset = connector_onset(events, findings)
    assert onset.rows() == [
        ("ADCS", "template.not_found", at(5), None, None, None, 1, ["Web Server 2048"]),
        (
            "DigiCert",
            "auth.invalid_credentials",
            at(500),
            "API key rotated for DigiCert",
            at(200),
            "t.log:11",
            1,
            [],
        ),
        ("Sectigo", "connector.inactive", at(1000), None, None, None, 16, []),
    ]
    assert connector_onset(events, findings.clear()).columns == [
        "connector",
        "cause",
        "onset_ts",
        "preceded_by",
        "preceded_ts",
        "preceded_at",
        "orders",
        "templates",
    ]


def test_empty_inputs_and_missing_order_columns_give_empty_frames() -> None:
    empty_events = make_events([{"message": "hello"}]).clear()
    empty_findings = pl.DataFrame(schema=FINDING_SCHEMA)
    result = pki_evidence(empty_events, empty_findings, make_orders([]))
    assert (result.height, result.columns) == (0, list(EVIDENCE_SCHEMA))
    sparse = pl.DataFrame({"order_id": ["X"], "state": ["failed"]})
    assert pki_evidence(empty_events, empty_findings, sparse).height == 0
    assert csr_details(empty_events).height == 0
    assert connector_onset(empty_events, empty_findings).height == 0


def test_orders_without_id_or_connector_are_handled() -> None:
    events = make_events(
        [
            {"order_id": "OK", "template": "WebServer", "state": "issued", "message": "Issued"},
            {"order_id": "N-1", "message": "Template 'webserver' not found"},
        ]
    )
    orders = make_orders(
        [
            {"order_id": None, "state": "failed", "candidate_cause": "template.not_found"},
            {"order_id": "N-1", "state": "failed", "template": "webserver"},
        ]
    )
    result = pki_evidence(events, pl.DataFrame(schema=FINDING_SCHEMA), orders)
    assert result.height == 0


def test_without_a_csr_the_logged_key_and_signature_are_checked() -> None:
    events = make_events(
        [
            {"order_id": "L-1", "key_alg": "RSA", "key_size": 1024, "message": "submitted"},
            {"order_id": "L-1", "sig_alg": "SHA1withRSA", "message": "Key too small"},
            {
                "order_id": "L-2",
                "key_alg": "rsa",
                "key_size": 2048,
                "sig_alg": "SHA256withRSA",
                "message": "Invalid CSR",
            },
        ]
    )
    orders = make_orders(
        [
            {"order_id": "L-1", "state": "failed", "candidate_cause": "csr.key_policy"},
            {"order_id": "L-2", "state": "failed", "candidate_cause": "csr.invalid_format"},
        ]
    )
    assert pki_evidence(events, pl.DataFrame(schema=FINDING_SCHEMA), orders).rows() == [
        (
            "L-1",
            "csr.key_policy",
            "pki.csr-key-size",
            "RSA 1024 bits, policy needs at least 2048 (as logged)",
            1,
            80,
        ),
        (
            "L-1",
            "csr.signature_algorithm",
            "pki.csr-signature",
            "signature SHA1withRSA: SHA-256 or stronger needed (as logged)",
            1,
            80,
        ),
    ]
