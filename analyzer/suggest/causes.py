"""Likely root causes of an unexplained error, from keywords of TAXONOMY.md and HTTP statuses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzer.taxonomy import CAUSES

MAX_CAUSES = 3

# Keywords per root cause, from the "typical evidence" column of TAXONOMY.md (lower case,
# matched at word starts), and the HTTP statuses that point at it.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "connector.inactive": (
        "inactive",
        "deactivated",
        "connector is disabled",
        "disabled connector",
    ),
    "connector.bad_endpoint": ("invalid url", "bad url", "malformed url", "endpoint", "wrong path"),
    "network.dns": (
        "nxdomain",
        "name or service not known",
        "unknownhost",
        "getaddrinfo",
        "could not resolve",
        "name resolution",
        "no such host",
        "dns",
    ),
    "network.timeout": ("timeout", "timed out", "etimedout", "sockettimeout", "deadline exceeded"),
    "network.refused": (
        "connection refused",
        "econnrefused",
        "refused",
        "no route to host",
        "unreachable",
        "rpc server",
        "connection reset",
    ),
    "network.proxy": ("proxy", "tunnel"),
    "network.tls": (
        "certificate_verify_failed",
        "certificate verify",
        "pkix",
        "handshake",
        "ssl",
        "tls",
        "hostname mismatch",
        "self signed",
        "self-signed",
        "untrusted",
    ),
    "auth.expired_credentials": ("expired", "expiry", "no longer valid"),
    "auth.invalid_credentials": (
        "invalid credentials",
        "bad credentials",
        "logon failure",
        "wrong password",
        "invalid api key",
        "invalid_client",
        "authentication failed",
        "unauthorized",
        "invalid key",
    ),
    "auth.revoked_token": ("revoked", "disabled key", "key disabled"),
    "auth.insufficient_permissions": (
        "access denied",
        "not authorized",
        "permission",
        "forbidden",
        "insufficient",
        "missing_permission",
    ),
    "template.not_found": (
        "template not found",
        "unknown profile",
        "profile not found",
        "not supported by this ca",
        "0x80094800",
        "not published",
        "template",
    ),
    "template.permission_denied": (
        "denied by policy module",
        "0x80094012",
        "not allowed to enroll",
    ),
    "template.name_mismatch": ("template name", "name mismatch"),
    "template.unsupported_type": (
        "product not supported",
        "validation type",
        "certificate type",
        "not supported",
    ),
    "csr.invalid_format": (
        "invalid csr",
        "csr format",
        "decode csr",
        "parse csr",
        "malformed",
        "no start line",
        "unable to load",
        "pem",
        "base64",
        "asn1",
        "asn.1",
        "parse",
    ),
    "csr.key_policy": (
        *("key size", "key length", "rsa 1024", "rsa <num> bits", "key algorithm", "curve"),
        *("weak key", "key does not meet"),
    ),
    "csr.signature_algorithm": ("signature algorithm", "sha1", "sha-1"),
    "csr.san_format": (
        "san",
        "sans",
        "subject alternative",
        "wildcard",
        "invalid domain",
        "dnsname",
    ),
    "csr.subject_policy": ("subject", "organization", "jurisdiction", "common name"),
    "revocation.not_permitted": ("not authorized to revoke", "revoke denied", "revocation denied"),
    "revocation.serial_mismatch": ("serial", "certificate not found", "unknown serial"),
    "revocation.issued_elsewhere": (
        "does not belong",
        "another account",
        "order not found for account",
    ),
    "ca.unavailable": (
        "service unavailable",
        "unavailable",
        "offline",
        "maintenance",
        "internal server error",
        "bad gateway",
        "upstream",
    ),
    "ca.rate_limited": ("rate limit", "too many requests", "throttl", "quota"),
    "validation.domain_control": (
        "caa",
        "dcv",
        "domain validation",
        "dns-01",
        "http-01",
        "acme:error",
        "challenge",
    ),
}
_STATUSES: dict[str, frozenset[int]] = {
    "connector.bad_endpoint": frozenset({404}),
    "network.timeout": frozenset({408, 504}),
    "network.proxy": frozenset({407}),
    "auth.invalid_credentials": frozenset({401}),
    "auth.insufficient_permissions": frozenset({403}),
    "ca.unavailable": frozenset({500, 502, 503}),
    "ca.rate_limited": frozenset({429}),
}


def likely_causes(text: str, statuses: Sequence[int] = ()) -> list[tuple[str, str]]:
    """Up to MAX_CAUSES (cause id, why) pairs, best first, from keywords and HTTP statuses."""
    lowered = text.lower()
    scored: list[tuple[int, str, str]] = []
    for cause_id, words in _KEYWORDS.items():
        hits = [w for w in words if re.search(rf"(?<![a-z0-9]){re.escape(w)}", lowered)]
        codes = sorted(set(statuses) & _STATUSES.get(cause_id, frozenset()))
        score = sum(2 if " " in w else 1 for w in hits) + 2 * len(codes)
        if score and cause_id in CAUSES:
            why = ", ".join([f'"{w}"' for w in hits] + [f"HTTP {c}" for c in codes])
            scored.append((-score, cause_id, why))
    return [(cause_id, why) for _, cause_id, why in sorted(scored)[:MAX_CAUSES]]
