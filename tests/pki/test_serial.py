"""Serial numbers: every written form reads to one integer, and every mismatch kind is named."""

from __future__ import annotations

import pytest

from analyzer.pki.serial import IssuedSerial, compare_serial, serial_value

ISSUED = [
    IssuedSerial("00:8A:3F:01:C2", "ORD-1", "ADCS-Prod"),
    IssuedSerial("04d2", "ORD-2", "ADCS-Prod"),
    IssuedSerial("0A0B0C0D", "ORD-3", "ADCS-Prod"),
    IssuedSerial("7E:11:22", "ORD-9", "DigiCert-EU"),
]


@pytest.mark.parametrize(
    "form",
    ["00:8A:3F:01:C2", "008a3f01c2", "8A3F01C2", "0x8a3f01c2", "8a 3f 01 c2", "8A-3F-01-C2"],
)
def test_every_hex_form_reads_to_the_same_integer(form: str) -> None:
    assert serial_value(form) == 0x8A3F01C2


@pytest.mark.parametrize(
    ("sent", "cause", "text"),
    [
        (
            "8A3F01C2",
            "revocation.serial_mismatch",
            "leading 00 dropped: sent `8A3F01C2`, the CA's record is `00:8A:3F:01:C2`",
        ),
        (
            "1234",
            "revocation.serial_mismatch",
            "decimal sent where hex expected: `1234` is `04d2`",
        ),
        (
            "0D0C0B0A",
            "revocation.serial_mismatch",
            "byte order reversed: sent `0D0C0B0A`, the CA's record is `0A0B0C0D`",
        ),
        (
            "7e1122",
            "revocation.issued_elsewhere",
            "serial belongs to order ORD-9 issued under another CA account (connector DigiCert-EU)",
        ),
        (
            "DEADBEEF",
            "revocation.serial_mismatch",
            "no certificate with serial `DEADBEEF` in the export",
        ),
        ("serial?", "revocation.serial_mismatch", "serial `serial?` is neither hex nor decimal"),
    ],
)
def test_each_mismatch_is_named(sent: str, cause: str, text: str) -> None:
    verdict = compare_serial(sent, "ADCS-Prod", ISSUED)
    assert verdict is not None
    assert (verdict.cause, verdict.text) == (cause, text)


@pytest.mark.parametrize("sent", ["00:8a:3f:01:c2", "008A3F01C2", "0x0A0B0C0D", "0a:0b:0c:0d"])
def test_a_matching_serial_in_any_spelling_is_no_mismatch(sent: str) -> None:
    assert compare_serial(sent, "ADCS-Prod", ISSUED) is None
