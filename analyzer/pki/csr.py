"""CSR facts: find certificate signing requests in raw log text and decode them."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

import polars as pl
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from analyzer.schema import EVENT_INDEX

# A block without its END line still matches (second branch), so truncation is reported, not missed.
PEM_PATTERN = (
    r"(?s)-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----"
    r"(?:.*?-----END (?:NEW )?CERTIFICATE REQUEST-----|[^-]*)"
)
_PEM = re.compile(PEM_PATTERN)
_BEGIN = re.compile(r"-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----")
_END = re.compile(r"-----END (?:NEW )?CERTIFICATE REQUEST-----")
# JSON and logfmt exports keep the PEM newlines as escape sequences.
_NOISE = re.compile(r"\\r|\\n|\\t|\s|\"")

ATTRIBUTE_LABELS: dict[x509.ObjectIdentifier, str] = {
    NameOID.COMMON_NAME: "CN",
    NameOID.COUNTRY_NAME: "C",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.STREET_ADDRESS: "STREET",
    NameOID.POSTAL_CODE: "postalCode",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.BUSINESS_CATEGORY: "businessCategory",
    NameOID.JURISDICTION_COUNTRY_NAME: "jurisdictionCountryName",
    NameOID.JURISDICTION_STATE_OR_PROVINCE_NAME: "jurisdictionStateOrProvinceName",
    NameOID.JURISDICTION_LOCALITY_NAME: "jurisdictionLocalityName",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    NameOID.DOMAIN_COMPONENT: "DC",
    NameOID.USER_ID: "UID",
}

NIST_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}

_SAN_LABELS: dict[type[x509.GeneralName], str] = {
    x509.DNSName: "DNS",
    x509.IPAddress: "IP",
    x509.RFC822Name: "email",
    x509.UniformResourceIdentifier: "URI",
}


class CsrFormatError(ValueError):
    """The text holds a CSR marker but no decodable PKCS#10 request."""

    def __init__(self, message: str, *, truncated: bool = False) -> None:
        super().__init__(message)
        self.truncated = truncated


@dataclass(frozen=True, slots=True)
class CsrFacts:
    """What a decoded CSR says: key, signature, subject and subject alternative names."""

    key_alg: str
    key_size: int
    curve: str | None
    sig_alg: str
    sig_hash: str | None
    subject: str
    attributes: tuple[tuple[str, str], ...]
    sans: tuple[tuple[str, str], ...]

    def san_text(self) -> str:
        """SANs as OpenSSL prints them: `DNS:www.example.com, IP:10.0.0.5`."""
        return ", ".join(f"{kind}:{value}" for kind, value in self.sans)

    def details(self) -> dict[str, str | int | None]:
        """The CSR part of the escalation bundle."""
        return {
            "key_alg": self.key_alg,
            "key_size": self.key_size,
            "curve": self.curve,
            "sig_alg": self.sig_alg,
            "sans": self.san_text(),
            "subject": self.subject,
        }


def decode_csr(pem: str) -> CsrFacts:
    """Decode one PEM block (tolerating escaped newlines and re-wrapping); raise CsrFormatError."""
    begin = _BEGIN.search(pem)
    end = _END.search(pem)
    if begin is None:
        raise CsrFormatError("no BEGIN CERTIFICATE REQUEST line")
    if end is None:
        raise CsrFormatError("no END CERTIFICATE REQUEST line (truncated)", truncated=True)
    body = _NOISE.sub("", pem[begin.end() : end.start()]).replace("\\/", "/")
    try:
        der = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CsrFormatError(f"bad base64: {exc}") from None
    return decode_der(der)


def decode_der(der: bytes) -> CsrFacts:
    """Decode a DER-encoded PKCS#10 request; raise CsrFormatError with the parser's reason."""
    try:
        return _facts(x509.load_der_x509_csr(der))
    except ValueError as exc:
        raise CsrFormatError(str(exc)) from None


def pem_blocks(text: str) -> list[str]:
    """The CSR PEM blocks of one text (a CSR file, one log line), truncated ones included."""
    return _PEM.findall(text)


def _facts(csr: x509.CertificateSigningRequest) -> CsrFacts:
    key = csr.public_key()
    curve: str | None = None
    if isinstance(key, rsa.RSAPublicKey):
        alg, size = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        alg, size = "ECDSA", key.key_size
        curve = NIST_CURVES.get(key.curve.name, key.curve.name)
    elif isinstance(key, dsa.DSAPublicKey):
        alg, size = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        alg, size = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        alg, size = "Ed448", 456
    else:
        alg, size = type(key).__name__, 0
    sig_hash = csr.signature_hash_algorithm
    attributes = tuple(
        (ATTRIBUTE_LABELS.get(a.oid, a.oid.dotted_string), _text(a.value)) for a in csr.subject
    )
    overrides = {oid: label for oid, label in ATTRIBUTE_LABELS.items() if len(label) > 2}
    return CsrFacts(
        key_alg=alg,
        key_size=size,
        curve=curve,
        sig_alg=csr.signature_algorithm_oid._name,
        sig_hash=sig_hash.name if sig_hash is not None else None,
        subject=csr.subject.rfc4514_string(overrides),
        attributes=attributes,
        sans=_sans(csr),
    )


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.hex()


def _sans(csr: x509.CertificateSigningRequest) -> tuple[tuple[str, str], ...]:
    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    return tuple(
        (_SAN_LABELS.get(type(name), type(name).__name__), str(name.value)) for name in ext.value
    )


def csr_blocks(events: pl.DataFrame) -> pl.DataFrame:
    """Every CSR PEM block in `raw`: event_idx, order_id, ts, pem; one row per block."""
    return (
        events.lazy()
        .filter(pl.col("raw").str.contains("CERTIFICATE REQUEST-----", literal=True))
        .select(
            EVENT_INDEX,
            "order_id",
            "ts",
            pl.col("raw").str.extract_all(PEM_PATTERN).alias("pem"),
        )
        .explode("pem")
        .drop_nulls("pem")
        .sort(EVENT_INDEX, maintain_order=True)
        .collect()
    )
