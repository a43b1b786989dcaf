"""CSR compliance: what a decoded CSR breaks, each problem worded exactly and tied to one cause."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from analyzer.pki.csr import CsrFacts
from analyzer.pki.policy import (
    ALLOWED_SUBJECT,
    FORBIDDEN_SUBJECT,
    REQUIRED_SUBJECT,
    STRONG_HASHES,
    CsrPolicy,
)

_HASH = re.compile(r"(?i)sha-?(1|224|256|384|512)(?!\d)|md5")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
PUBLIC_TYPES = frozenset(REQUIRED_SUBJECT)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a CSR: the cause id, the pki rule id and the exact finding text."""

    cause: str
    rule_id: str
    text: str


_LEVELS = (
    (re.compile(r"(?i)\bEV(?:\b|_|SSL|TLS)|extended[ _-]?validat"), "EV"),
    (re.compile(r"(?i)\bOV(?:\b|_|SSL|TLS)|organi[sz]ation[ _-]?validat"), "OV"),
    (re.compile(r"(?i)\bDV(?:\b|_|SSL|TLS)|domain[ _-]?validat"), "DV"),
)


def cert_type_of(value: str | None) -> str | None:
    """DV, OV or EV from a free-text type (`OV SSL`, `EVSSL`, `Extended Validation`), else None."""
    return next((level for pattern, level in _LEVELS if pattern.search(value or "")), None)


def csr_problems(facts: CsrFacts, cert_type: str | None, policy: CsrPolicy) -> list[Problem]:
    """Key, signature, SAN and subject problems, in that order (the first is the most basic)."""
    level = cert_type_of(cert_type)
    return [
        *_key(facts, policy),
        *_signature(facts, policy),
        *_sans(facts, public=level is not None),
        *_subject(facts, level, policy),
    ]


def logged_problems(
    key_alg: str | None, key_size: int | None, sig_alg: str | None, policy: CsrPolicy
) -> list[Problem]:
    """RSA size and signature-hash problems from what an order log reported, with no CSR."""
    out = []
    if (key_alg or "").upper().startswith("RSA") and key_size:
        out += _key(CsrFacts("RSA", key_size, None, "", None, "", (), ()), policy)
    found = _HASH.search(sig_alg or "")
    digest = (f"sha{found.group(1)}" if found.group(1) else "md5") if found else None
    if digest is not None and digest not in STRONG_HASHES:
        text = f"signature {sig_alg}: SHA-256 or stronger needed"
        out.append(Problem("csr.signature_algorithm", "pki.csr-signature", text))
    return out


def _key(facts: CsrFacts, policy: CsrPolicy) -> list[Problem]:
    def bad(text: str) -> Problem:
        return Problem("csr.key_policy", "pki.csr-key-size", text)

    if facts.key_alg == "RSA":
        need = max(policy.min_rsa_bits, 2048)
        out = []
        if facts.key_size < need:
            out.append(bad(f"RSA {facts.key_size} bits, policy needs at least {need}"))
        if facts.key_size % 8:
            out.append(bad(f"RSA {facts.key_size} bits: the modulus size must be divisible by 8"))
        return out
    if facts.key_alg == "ECDSA":
        if facts.curve not in policy.allowed_curves:
            allowed = ", ".join(policy.allowed_curves)
            return [bad(f"ECDSA curve {facts.curve} not allowed: policy allows {allowed}")]
        return []
    return [bad(f"key algorithm {facts.key_alg} not allowed: RSA or ECDSA needed")]


def _signature(facts: CsrFacts, policy: CsrPolicy) -> list[Problem]:
    if policy.allowed_sig_algs and facts.sig_alg not in policy.allowed_sig_algs:
        allowed = ", ".join(policy.allowed_sig_algs)
        text = f"signature {facts.sig_alg} not allowed: policy allows {allowed}"
    elif facts.sig_hash not in STRONG_HASHES:
        text = f"signature {facts.sig_alg}: SHA-256 or stronger needed"
    else:
        return []
    return [Problem("csr.signature_algorithm", "pki.csr-signature", text)]


def san_problem(kind: str, value: str, *, public: bool) -> str | None:
    """Why one SAN entry is malformed or not allowed, or None when it is fine."""
    if kind == "IP":
        addr = ipaddress.ip_address(value)
        if public and not addr.is_global:
            return f"reserved IP address in a SAN: `{value}`"
        return None
    if kind != "DNS":
        return None
    if _is_ip(value):
        return f"IP address in a dNSName entry: `{value}`"
    labels = value.lower().split(".")
    if "*" in value:
        if any("*" in label for label in labels[1:]):
            return f"SAN `{value}`: wildcard only in the left-most label"
        if labels[0] != "*":
            return f"SAN `{value}`: a wildcard must be the whole left-most label"
    if len(value) > 253 or not all(_LABEL.match(label) for label in labels if label != "*"):
        return f"SAN `{value}`: not a valid host name"
    if public and len(labels) < 2:
        return f"SAN `{value}`: internal name, a public certificate needs a registered domain"
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _sans(facts: CsrFacts, *, public: bool) -> list[Problem]:
    texts = [san_problem(kind, value, public=public) for kind, value in facts.sans]
    return [Problem("csr.san_format", "pki.csr-san", t) for t in texts if t is not None]


def _subject(facts: CsrFacts, level: str | None, policy: CsrPolicy) -> list[Problem]:
    def bad(text: str) -> Problem:
        return Problem("csr.subject_policy", "pki.csr-subject", text)

    present = [label for label, _ in facts.attributes]
    out: list[Problem] = []
    if level is not None:
        article = "an" if level in {"OV", "EV"} else "a"
        allowed = ALLOWED_SUBJECT[level]
        for label in dict.fromkeys(present):
            if allowed is not None and label not in allowed:
                out.append(
                    bad(f"{label} present on {article} {level} order: only C and CN allowed")
                )
            elif label in FORBIDDEN_SUBJECT[level]:
                out.append(bad(f"{label} present on {article} {level} order"))
        out += [
            bad(f"{label} missing on {article} {level} order")
            for label in REQUIRED_SUBJECT[level]
            if label not in present
        ]
        if level != "DV" and "L" not in present and "ST" not in present:
            out.append(bad(f"L or ST missing on {article} {level} order"))
    out += [
        bad(f"{label} missing: required by the template policy")
        for label in policy.required_subject
        if label not in present
    ]
    out += [
        bad(f"{label} present: forbidden by the template policy")
        for label in policy.forbidden_subject
        if label in present
    ]
    sans = {value.lower() for kind, value in facts.sans if kind in {"DNS", "IP"}}
    for label, value in facts.attributes:
        if label == "CN" and sans and value.lower() not in sans:
            out.append(bad(f"CN `{value}` is not one of the SANs"))
    return out
