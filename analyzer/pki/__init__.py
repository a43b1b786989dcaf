"""PKI intelligence: CSR checks, template near-misses, serials, bursts and connector onsets."""

from analyzer.pki.bundle import CSR_DETAILS_SCHEMA, csr_detail, csr_details
from analyzer.pki.evidence import pki_evidence
from analyzer.pki.onset import ONSET_SCHEMA, connector_onset
from analyzer.pki.records import EVIDENCE_SCHEMA, ORDERS_SCHEMA
from analyzer.pki.text import text_read

__all__ = [
    "CSR_DETAILS_SCHEMA",
    "EVIDENCE_SCHEMA",
    "ONSET_SCHEMA",
    "ORDERS_SCHEMA",
    "connector_onset",
    "csr_detail",
    "csr_details",
    "pki_evidence",
    "text_read",
]
