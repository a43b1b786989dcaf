"""The root-cause taxonomy of shared/TAXONOMY.md: stable ids, the guide step each fix belongs to, and who must act."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    PLATFORM = "platform"
    NETWORK = "network"
    CA_ACCOUNT = "ca_account"
    CA_CONFIG = "ca_config"
    CA_SERVICE = "ca_service"
    REQUESTER = "requester"
    UNKNOWN = "unknown"


SIDE_TITLES: dict[Side, str] = {
    Side.PLATFORM: "Platform team (connector settings, template mapping, orders)",
    Side.NETWORK: "Network team (firewall, DNS, proxy, TLS trust)",
    Side.CA_ACCOUNT: "CA account owner (credentials and rights of the service account)",
    Side.CA_CONFIG: "CA administrators (templates and profiles at the CA)",
    Side.CA_SERVICE: "CA vendor / CA operations (the CA service itself)",
    Side.REQUESTER: "Requester (CSR, domains, organisation details)",
    Side.UNKNOWN: "Unexplained (needs a human, then a rule)",
}

STEP_TITLES: dict[int, str] = {
    1: "Verify connector status",
    2: "Test endpoint connectivity",
    3: "Validate authentication credentials",
    4: "Verify template and policy mapping",
    5: "Review CSR compatibility",
    6: "Check revocation synchronization",
    7: "Review logs",
    8: "Re-test and retry",
}


@dataclass(frozen=True, slots=True)
class Cause:
    id: str
    step: int
    side: Side
    meaning: str


_CAUSES = [
    Cause(
        "connector.inactive",
        1,
        Side.PLATFORM,
        "the CA connector is disabled / inactive / deactivated",
    ),
    Cause("connector.bad_endpoint", 1, Side.PLATFORM, "base URL / API endpoint is wrong"),
    Cause("network.dns", 2, Side.NETWORK, "the CA host name does not resolve"),
    Cause("network.timeout", 2, Side.NETWORK, "connect or read timed out"),
    Cause(
        "network.refused", 2, Side.NETWORK, "nothing listens / port 443 blocked / host unreachable"
    ),
    Cause("network.proxy", 2, Side.NETWORK, "the proxy rejects or breaks the connection"),
    Cause("network.tls", 2, Side.NETWORK, "TLS handshake or trust failure towards the CA"),
    Cause(
        "auth.expired_credentials",
        3,
        Side.CA_ACCOUNT,
        "API key, token or service-account password has expired",
    ),
    Cause("auth.invalid_credentials", 3, Side.CA_ACCOUNT, "wrong or changed key/password/secret"),
    Cause(
        "auth.revoked_token",
        3,
        Side.CA_ACCOUNT,
        "the access token / key was revoked or disabled at the CA",
    ),
    Cause(
        "auth.insufficient_permissions",
        3,
        Side.CA_ACCOUNT,
        "authenticated, but the account may not enroll / revoke / use the API",
    ),
    Cause(
        "template.not_found",
        4,
        Side.CA_CONFIG,
        "the template / profile / product does not exist or is not published at the CA",
    ),
    Cause(
        "template.permission_denied",
        4,
        Side.CA_CONFIG,
        "the template exists but is not enabled for this account",
    ),
    Cause(
        "template.name_mismatch",
        4,
        Side.PLATFORM,
        "the platform's template name differs from the CA's",
    ),
    Cause(
        "template.unsupported_type",
        4,
        Side.CA_CONFIG,
        "the certificate type is not supported by this CA or template",
    ),
    Cause("csr.invalid_format", 5, Side.REQUESTER, "the CSR cannot be parsed"),
    Cause(
        "csr.key_policy",
        5,
        Side.REQUESTER,
        "key algorithm or size violates the CA / template policy",
    ),
    Cause("csr.signature_algorithm", 5, Side.REQUESTER, "the CSR signature algorithm is rejected"),
    Cause("csr.san_format", 5, Side.REQUESTER, "SAN entries are malformed or not allowed"),
    Cause(
        "csr.subject_policy",
        5,
        Side.REQUESTER,
        "subject structure or required OV/EV attributes missing / disallowed",
    ),
    Cause("revocation.not_permitted", 6, Side.CA_ACCOUNT, "credentials lack revocation rights"),
    Cause(
        "revocation.serial_mismatch",
        6,
        Side.PLATFORM,
        "the serial number sent does not match the CA's record",
    ),
    Cause(
        "revocation.issued_elsewhere",
        6,
        Side.CA_ACCOUNT,
        "the certificate was issued outside the platform or under another CA account",
    ),
    Cause("ca.unavailable", 2, Side.CA_SERVICE, "the CA service itself is down or failing"),
    Cause("ca.rate_limited", 8, Side.CA_SERVICE, "the CA throttled the requests"),
    Cause(
        "validation.domain_control", 5, Side.REQUESTER, "domain / organisation validation failed"
    ),
    Cause(
        "order.stuck_pending",
        8,
        Side.PLATFORM,
        "an order stays at CSR Pending past the threshold with no stronger cause",
    ),
    Cause("unknown", 7, Side.UNKNOWN, "an error line no rule explains"),
]

CAUSES: dict[str, Cause] = {c.id: c for c in _CAUSES}
UNKNOWN = "unknown"
STUCK_PENDING = "order.stuck_pending"


def cause(cause_id: str) -> Cause:
    """The taxonomy entry for an id; unknown ids map to `unknown` (validators reject them earlier)."""
    return CAUSES.get(cause_id, CAUSES[UNKNOWN])
