"""Field-name aliases: a source header or key onto a canonical column, case/separator-blind."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from analyzer.schema import EVENT_SCHEMA

# Names seen in the wild (LOG_FORMATS.md "Field names"), plus the obvious spellings of the rest.
BUILTIN_ALIASES: dict[str, tuple[str, ...]] = {
    "ts": (
        "timestamp",
        "time",
        "@timestamp",
        "date",
        "datetime",
        "created_at",
        "event_time",
        "Created On",
        "created",
        "logged_at",
        "time_stamp",
    ),
    "level": ("severity", "loglevel", "log_level", "lvl", "priority_name"),
    "message": (
        "msg",
        "error",
        "Error Message",
        "errorMessage",
        "error_message",
        "detail",
        "description",
        "reason",
        "text",
    ),
    "order_id": ("orderId", "order", "Order ID", "orderNumber", "order_number", "order_no"),
    "request_id": ("requestId", "requestNumber", "request_number", "txn", "transaction_id"),
    "connector": ("connector_name", "CA Connector", "ca_connector", "ca_account", "issuer"),
    "ca_type": ("ca", "ca_name", "ca_vendor", "catype"),
    "endpoint": ("url", "uri", "endpoint_url", "api_url"),
    "operation": ("op", "action", "api_operation"),
    "bot": ("agent", "bot_name", "agent_name", "orchestrator"),
    "host": ("hostname", "server", "machine", "computer"),
    "step": ("stage", "phase"),
    "result": ("outcome", "success"),
    "status": ("order_status", "Order Status", "state"),
    "http_status": ("status_code", "statusCode", "httpStatus", "HTTP Status", "response_code"),
    "error_code": ("errorCode", "code", "ems_code"),
    "template": (
        "template_name",
        "Template",
        "profile",
        "certificate_profile",
        "product",
        "product_code",
    ),
    "cert_type": ("Certificate Type", "validation_type", "validation_level", "certificate_type"),
    "common_name": ("cn", "commonName", "subject_cn", "domain"),
    "sans": ("san", "subject_alt_names", "subjectAltNames", "dns_names"),
    "key_alg": ("key_algorithm", "keyAlgorithm", "keyType", "key_type"),
    "key_size": ("keySize", "key_length", "key_bits"),
    "sig_alg": ("signature_algorithm", "signatureAlgorithm", "hash_algorithm"),
    "serial": (
        "serial_number",
        "serialNumber",
        "certificateSerialNumber",
        "ceritficateSerialNumber",
    ),
    "latency_ms": ("latency", "duration_ms", "elapsed_ms", "response_time_ms"),
}

# Columns a source may never set by itself: the reader owns them (`state` is derived from `status`).
RESERVED = frozenset(
    {"source_file", "line", "line_end", "kind", "format", "raw", "fields", "state"}
)

_SEPARATORS = re.compile(r"[\s_\-.@]+")


def normalise_key(name: str) -> str:
    """`Order ID`, `order-id`, `ORDER_ID` and `orderId` all become `orderid`."""
    return _SEPARATORS.sub("", name).lower()


class AliasTable:
    """A lookup from any spelling of a field name to its canonical column."""

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None) -> None:
        self._table: dict[str, str] = {}
        for canonical in EVENT_SCHEMA:
            if canonical not in RESERVED:
                self._table[normalise_key(canonical)] = canonical
        for canonical, spellings in BUILTIN_ALIASES.items():
            for name in spellings:
                self._table.setdefault(normalise_key(name), canonical)
        # The user's own aliases win over the built-in ones: they know their exports.
        for canonical, own in (extra or {}).items():
            for name in own:
                self._table[normalise_key(name)] = canonical

    def canonical(self, name: str) -> str | None:
        """The canonical column a source name maps to, or None for a field to keep in `fields`."""
        return self._table.get(normalise_key(name))

    def groups(self, names: Iterable[str]) -> dict[str, list[str]]:
        """Canonical name → the source names that map to it, in the given order.

        Heterogeneous JSON lines may spell one field two ways (`order_id` here, `orderId` there):
        the reader coalesces them row by row.
        """
        found: dict[str, list[str]] = {}
        for name in names:
            target = self.canonical(name)
            if target is not None:
                found.setdefault(target, []).append(name)
        return found
