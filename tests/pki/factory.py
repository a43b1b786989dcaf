"""Factories for the PKI tests: real CSRs made with `cryptography`, and small canonical frames."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from analyzer.schema import EVENT_INDEX, conform

T0 = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)

NAMES = {
    "CN": NameOID.COMMON_NAME,
    "C": NameOID.COUNTRY_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "L": NameOID.LOCALITY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "serialNumber": NameOID.SERIAL_NUMBER,
    "businessCategory": NameOID.BUSINESS_CATEGORY,
    "jurisdictionCountryName": NameOID.JURISDICTION_COUNTRY_NAME,
}

_KEYS: dict[str, Any] = {}


def key(kind: str) -> Any:
    """A cached private key: `rsa1024`, `rsa2047`, `rsa2048`, `p256`, `p384`, `secp256k1`."""
    if kind not in _KEYS:
        if kind.startswith("rsa"):
            _KEYS[kind] = rsa.generate_private_key(65537, int(kind[3:]))
        else:
            curve = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "secp256k1": ec.SECP256K1()}
            _KEYS[kind] = ec.generate_private_key(curve[kind])
    return _KEYS[kind]


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def make_csr(
    subject: Sequence[tuple[str, str]] = (("CN", "www.example.com"),),
    dns: Sequence[str] = ("www.example.com",),
    ips: Sequence[str] = (),
    *,
    key_kind: str = "rsa2048",
    sha1: bool = False,
) -> str:
    """A PEM CSR; `sha1=True` re-signs it with sha1WithRSAEncryption (cryptography refuses to)."""
    private = key(key_kind)
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NAMES[k], v) for k, v in subject])
    )
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    csr = builder.sign(private, hashes.SHA256())
    if not sha1:
        return csr.public_bytes(serialization.Encoding.PEM).decode()
    tbs = csr.tbs_certrequest_bytes
    signature = private.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    sha1_rsa = _tlv(0x30, bytes.fromhex("06092a864886f70d010105") + b"\x05\x00")
    der = _tlv(0x30, tbs + sha1_rsa + _tlv(0x03, b"\x00" + signature))
    return x509.load_der_x509_csr(der).public_bytes(serialization.Encoding.PEM).decode()


def make_events(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """A canonical events frame with an event index; `raw` defaults to the message."""
    filled = [{"raw": r.get("message") or "", "source_file": "t.log", **r} for r in rows]
    for i, row in enumerate(filled, start=1):
        row.setdefault("line", i)
    frame = pl.DataFrame(filled, infer_schema_length=None)
    return conform(frame).collect().with_row_index(EVENT_INDEX)


ORDER_SCHEMA = {
    "order_id": pl.String(),
    "state": pl.String(),
    "connector": pl.String(),
    "template": pl.String(),
    "cert_type": pl.String(),
    "serial": pl.String(),
    "failed_at": pl.Datetime("us", "UTC"),
    "candidate_cause": pl.String(),
}


def make_orders(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """An orders frame as triage hands it to pki_evidence."""
    return pl.DataFrame(
        [{k: r.get(k) for k in ORDER_SCHEMA} for r in rows], schema=ORDER_SCHEMA, orient="row"
    )


def at(seconds: float) -> datetime:
    """T0 plus some seconds."""
    return T0 + timedelta(seconds=seconds)
