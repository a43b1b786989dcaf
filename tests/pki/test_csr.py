"""CSR decoding and CA/Browser Forum compliance, on real CSRs, with every finding text pinned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzer.errors import ConfigError
from analyzer.pki.compliance import cert_type_of, csr_problems, logged_problems
from analyzer.pki.csr import CsrFormatError, csr_blocks, decode_csr
from analyzer.pki.policy import CsrPolicy, load_policy
from tests.pki.factory import make_csr, make_events

OV = (("CN", "www.example.com"), ("O", "Example Ltd"), ("L", "Berlin"), ("C", "DE"))
EV = (
    *OV,
    ("businessCategory", "Private Organization"),
    ("jurisdictionCountryName", "DE"),
    ("serialNumber", "HRB 12345"),
)


def texts(pem: str, cert_type: str | None = None, policy: CsrPolicy | None = None) -> list[str]:
    return [p.text for p in csr_problems(decode_csr(pem), cert_type, policy or CsrPolicy())]


def test_decodes_the_facts_of_an_rsa_csr() -> None:
    facts = decode_csr(make_csr(OV, dns=("www.example.com", "example.com"), ips=("192.0.2.7",)))
    assert facts.details() == {
        "key_alg": "RSA",
        "key_size": 2048,
        "curve": None,
        "sig_alg": "sha256WithRSAEncryption",
        "sans": "DNS:www.example.com, DNS:example.com, IP:192.0.2.7",
        "subject": "C=DE,L=Berlin,O=Example Ltd,CN=www.example.com",
    }


def test_decodes_an_ecdsa_csr_and_names_ev_attributes() -> None:
    facts = decode_csr(make_csr(EV, key_kind="p256"))
    assert (facts.key_alg, facts.key_size, facts.curve, facts.sig_alg) == (
        "ECDSA",
        256,
        "P-256",
        "ecdsa-with-SHA256",
    )
    assert "jurisdictionCountryName=DE" in facts.subject
    assert ("businessCategory", "Private Organization") in facts.attributes


def test_a_clean_csr_has_no_problem_for_each_type() -> None:
    assert texts(make_csr((("CN", "www.example.com"), ("C", "DE"))), "DV") == []
    assert texts(make_csr(OV), "OV SSL") == []
    assert texts(make_csr(EV, key_kind="p384"), "EV") == []


@pytest.mark.parametrize(
    ("san", "kwargs", "expected"),
    [
        ("a.example.com", {"key_kind": "rsa1024"}, ["RSA 1024 bits, policy needs at least 2048"]),
        (
            "a.example.com",
            {"key_kind": "rsa2052"},
            ["RSA 2052 bits: the modulus size must be divisible by 8"],
        ),
        (
            "a.example.com",
            {"key_kind": "secp256k1"},
            ["ECDSA curve secp256k1 not allowed: policy allows P-256, P-384, P-521"],
        ),
        (
            "a.example.com",
            {"sha1": True},
            ["signature sha1WithRSAEncryption: SHA-256 or stronger needed"],
        ),
        ("*.*.example.com", {}, ["SAN `*.*.example.com`: wildcard only in the left-most label"]),
        (
            "www.*.example.com",
            {},
            ["SAN `www.*.example.com`: wildcard only in the left-most label"],
        ),
        (
            "w*.example.com",
            {},
            ["SAN `w*.example.com`: a wildcard must be the whole left-most label"],
        ),
        ("10.0.0.5", {}, ["IP address in a dNSName entry: `10.0.0.5`"]),
        ("bad_name.example.com", {}, ["SAN `bad_name.example.com`: not a valid host name"]),
        (
            "intranet",
            {},
            ["SAN `intranet`: internal name, a public certificate needs a registered domain"],
        ),
        ("*.example.com", {}, []),
    ],
)
def test_key_signature_and_san_problems_on_a_dv_order(
    san: str, kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert texts(make_csr((("CN", san),), dns=(san,), **kwargs), "DV") == expected


def test_a_reserved_ip_san_is_refused_on_public_orders_only() -> None:
    pem = make_csr((("CN", "a.example.com"),), dns=("a.example.com",), ips=("10.0.0.5",))
    assert texts(pem, "OV") == [
        "reserved IP address in a SAN: `10.0.0.5`",
        "O missing on an OV order",
        "C missing on an OV order",
        "L or ST missing on an OV order",
    ]
    assert texts(pem, "internal profile") == []


def test_problem_causes_and_rule_ids() -> None:
    pem = make_csr((("CN", "a.example.com"), ("OU", "IT")), dns=("a.example.com", "10.0.0.5"))
    problems = csr_problems(decode_csr(pem), "OV", CsrPolicy())
    assert [(p.cause, p.rule_id) for p in problems][:2] == [
        ("csr.san_format", "pki.csr-san"),
        ("csr.subject_policy", "pki.csr-subject"),
    ]
    weak = csr_problems(decode_csr(make_csr(key_kind="rsa1024", sha1=True)), None, CsrPolicy())
    assert [(p.cause, p.rule_id) for p in weak] == [
        ("csr.key_policy", "pki.csr-key-size"),
        ("csr.signature_algorithm", "pki.csr-signature"),
    ]


@pytest.mark.parametrize(
    ("subject", "cert_type", "expected"),
    [
        ((*OV, ("OU", "IT")), "OV", ["OU present on an OV order"]),
        (
            (("CN", "www.example.com"), ("L", "Berlin"), ("C", "DE")),
            "OV",
            ["O missing on an OV order"],
        ),
        (
            (("CN", "www.example.com"), ("O", "Example Ltd"), ("C", "DE")),
            "OV",
            ["L or ST missing on an OV order"],
        ),
        (
            tuple(a for a in EV if a[0] != "jurisdictionCountryName"),
            "EV",
            ["jurisdictionCountryName missing on an EV order"],
        ),
        (
            OV,
            "EV",
            [
                "businessCategory missing on an EV order",
                "jurisdictionCountryName missing on an EV order",
                "serialNumber missing on an EV order",
            ],
        ),
        (
            (("CN", "www.example.com"), ("O", "Example Ltd"), ("C", "DE")),
            "DV",
            ["O present on a DV order: only C and CN allowed"],
        ),
        ((("CN", "other.example.com"),), "DV", ["CN `other.example.com` is not one of the SANs"]),
    ],
)
def test_subject_requirements_per_certificate_type(
    subject: tuple[tuple[str, str], ...], cert_type: str, expected: list[str]
) -> None:
    assert texts(make_csr(subject), cert_type) == expected


def test_cert_type_is_read_from_free_text() -> None:
    types = ("OV SSL", "ev-multi-domain", "dv", "EVSSL", "OV_Wildcard", "Extended Validation")
    assert [cert_type_of(t) for t in types] == ["OV", "EV", "DV", "EV", "OV", "EV"]
    others = ("internal profile", "devices", "Everyday", "", None)
    assert [cert_type_of(t) for t in others] == [None] * 5


def test_a_template_policy_tightens_the_baseline(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        'forbidden_subject = ["L"]\n'
        "[template.WebServer-4096]\n"
        "min_rsa_bits = 4096\n"
        'allowed_curves = ["P-384"]\n'
        'allowed_sig_algs = ["sha384WithRSAEncryption"]\n'
        'required_subject = ["ST"]\n',
        encoding="utf-8",
    )
    book = load_policy(path)
    assert texts(make_csr(OV), "OV", book.for_template("Other")) == [
        "L present: forbidden by the template policy"
    ]
    assert texts(make_csr(OV), "OV", book.for_template("WebServer-4096")) == [
        "RSA 2048 bits, policy needs at least 4096",
        "signature sha256WithRSAEncryption not allowed: policy allows sha384WithRSAEncryption",
        "ST missing: required by the template policy",
        "L present: forbidden by the template policy",
    ]
    assert texts(make_csr(key_kind="p256"), None, book.for_template("WebServer-4096")) == [
        "ECDSA curve P-256 not allowed: policy allows P-384",
        "signature ecdsa-with-SHA256 not allowed: policy allows sha384WithRSAEncryption",
        "ST missing: required by the template policy",
    ]


def test_a_broken_policy_reports_every_mistake(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('min_rsa_bits = "big"\nrequired_subject = ["Org"]\nmax_bits = 1\n')
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert [d.message for d in err.value.diagnostics] == [
        "`min_rsa_bits` must be an integer",
        "`required_subject`: unknown attribute `Org`",
        "unknown key `max_bits`",
    ]


@pytest.mark.parametrize(
    ("mangle", "error"),
    [
        (
            lambda pem: pem.replace("-----END CERTIFICATE REQUEST-----", ""),
            "no END CERTIFICATE REQUEST line (truncated)",
        ),
        (lambda pem: pem.replace("M", "*", 1), "bad base64: Only base64 data is allowed"),
        (
            lambda pem: (
                "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----"
            ),
            "error parsing asn1 value: ParseError { kind: ShortData { needed: 1 } }",
        ),
    ],
)
def test_unparseable_pem_says_why(mangle: object, error: str) -> None:
    with pytest.raises(CsrFormatError) as err:
        decode_csr(mangle(make_csr()))  # type: ignore[operator]
    assert str(err.value) == error


def test_blocks_are_found_in_multi_line_and_json_escaped_raw_text() -> None:
    pem = make_csr()
    escaped = pem.replace("\n", "\\n")
    events = make_events(
        [
            {"message": "no csr here", "order_id": "A"},
            {"message": "submitting", "raw": f"submitting CSR:\n{pem}", "order_id": "A"},
            {
                "message": "body",
                "raw": f'{{"csr": "{escaped}", "csr2": "{escaped}"}}',
                "order_id": "B",
            },
        ]
    )
    blocks = csr_blocks(events)
    assert blocks.select("event_idx", "order_id").rows() == [(1, "A"), (2, "B"), (2, "B")]
    assert {decode_csr(p).subject for p in blocks["pem"]} == {"CN=www.example.com"}


@pytest.mark.parametrize(
    ("sig_alg", "weak"),
    [
        ("SHA1withRSA", True),
        ("sha-1", True),
        ("md5WithRSAEncryption", True),
        ("SHA256withRSA", False),
        ("ecdsa-with-SHA384", False),
        ("sha512", False),
        (None, False),
    ],
)
def test_logged_signature_names_are_read_for_their_hash(sig_alg: str | None, weak: bool) -> None:
    problems = logged_problems(None, None, sig_alg, CsrPolicy())
    assert [p.text for p in problems] == (
        [f"signature {sig_alg}: SHA-256 or stronger needed"] if weak else []
    )
