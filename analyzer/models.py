"""The serialised report (JSON contract, schema_version 1) as pydantic models, read by every renderer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputFile(_Model):
    path: str
    kind: str
    format: str
    confidence: str  # high | medium | low
    lines: int
    events: int
    unparsed_lines: int
    skipped: str | None = None  # the reason a whole file (or its rest) was skipped
    problems: list[str] = Field(default_factory=list)


class Accounting(_Model):
    files: int
    lines_read: int
    events: int
    unparsed_lines: int
    lines_skipped: int = 0
    files_skipped: list[str] = Field(default_factory=list)


class Evidence(_Model):
    file: str
    line: int
    kind: str
    ts: datetime | None
    message: str
    rule: str | None = None
    linked: bool = False  # true when the event is a linked connector event, not the order's own


class RunnerUp(_Model):
    root_cause: str
    rule: str
    why_not: str


class CsrDetails(_Model):
    key_alg: str | None = None
    key_size: int | None = None
    sig_alg: str | None = None
    sans: str | None = None
    subject: str | None = None


class Escalation(_Model):
    connector: str | None = None
    endpoint: str | None = None
    error: str | None = None
    template: str | None = None
    csr: CsrDetails = Field(default_factory=CsrDetails)
    timestamp: datetime | None = None


class OrderVerdict(_Model):
    order_id: str
    status: str | None
    state: str
    connector: str | None
    template: str | None
    root_cause: str
    rule: str | None
    title: str
    severity: str
    confidence: float = Field(ge=0.0, le=1.0)
    side: str
    step: int
    fix: str
    evidence: list[Evidence] = Field(default_factory=list)
    runner_ups: list[RunnerUp] = Field(default_factory=list)
    escalation: Escalation = Field(default_factory=Escalation)
    notes: list[str] = Field(
        default_factory=list
    )  # decoded facts (CSR checks, serial compare, near-miss)
    failed_at: datetime | None = None


class ConnectorHealth(_Model):
    connector: str
    status: str | None
    first_failure: datetime | None
    last_success: datetime | None
    causes: dict[str, int] = Field(
        default_factory=dict
    )  # cause -> lines of this connector's own log
    order_causes: dict[str, int] = Field(default_factory=dict)  # cause -> orders on this connector
    orders_affected: int = 0
    endpoint: str | None = None
    ca_type: str | None = None
    onset: str | None = None  # what changed just before the first failure, when the logs say


class Summary(_Model):
    orders_seen: int
    orders_failed: int
    explained: int
    unexplained: int
    by_root_cause: dict[str, int] = Field(default_factory=dict)
    by_side: dict[str, int] = Field(default_factory=dict)
    by_connector: dict[str, int] = Field(default_factory=dict)
    by_step: dict[str, int] = Field(default_factory=dict)


class UnknownCluster(_Model):
    cluster_id: str = ""
    template: str
    count: int
    orders: list[str] = Field(default_factory=list)
    connectors: list[str] = Field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    example: str
    example_file: str | None = None
    example_line: int | None = None


class SecurityFinding(_Model):
    kind: str  # e.g. private_key_in_log
    file: str
    line: int
    message: str


class Report(_Model):
    schema_version: int = SCHEMA_VERSION
    generated_at: datetime
    timezone_assumed: str = "UTC"
    time_span: list[datetime | None] = Field(
        default_factory=lambda: list[datetime | None]([None, None])
    )
    inputs: list[InputFile]
    accounting: Accounting
    orders: list[OrderVerdict]
    connectors: list[ConnectorHealth]
    summary: Summary
    unknown_clusters: list[UnknownCluster] = Field(default_factory=list)
    benign: dict[str, int] = Field(default_factory=dict)  # benign rule id -> lines explained away
    security_findings: list[SecurityFinding] = Field(default_factory=list)
    redacted: bool = False  # secrets in every free-text field already replaced by [REDACTED]


SCHEMA_FILE = "report-v1.schema.json"


def report_json_schema() -> dict[str, object]:
    """The JSON Schema of the report contract, generated from the models (shipped as SCHEMA_FILE)."""
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"certriage/{SCHEMA_FILE}"
    return schema


if __name__ == "__main__":  # `python -m analyzer.models` regenerates the shipped schema
    import json
    from pathlib import Path

    target = Path(__file__).with_name(SCHEMA_FILE)
    target.write_text(json.dumps(report_json_schema(), indent=2, sort_keys=True) + "\n", "utf-8")
