"""The canonical events frame: column names, dtypes and the closed vocabularies (kind, level, state)."""

from __future__ import annotations

from enum import StrEnum

import polars as pl


class Kind(StrEnum):
    CONNECTOR = "connector"
    BOT = "bot"
    ORDER = "order"
    AUDIT = "audit"
    OTHER = "other"


class Level(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARN = "warn"
    ERROR = "error"
    FATAL = "fatal"


class State(StrEnum):
    PENDING = "pending"
    FAILED = "failed"
    ISSUED = "issued"
    REVOKE_FAILED = "revoke_failed"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


KIND_DTYPE = pl.Enum([k.value for k in Kind])
LEVEL_DTYPE = pl.Enum([lv.value for lv in Level])
STATE_DTYPE = pl.Enum([s.value for s in State])
TS_DTYPE = pl.Datetime("us", "UTC")

# One row per event. Order matters: it is the column order of every frame certriage writes.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "line": pl.UInt32(),
    "line_end": pl.UInt32(),
    "kind": KIND_DTYPE,
    "format": pl.String(),
    "ts": TS_DTYPE,
    "level": LEVEL_DTYPE,
    "message": pl.String(),
    "raw": pl.String(),
    "order_id": pl.String(),
    "request_id": pl.String(),
    "connector": pl.String(),
    "ca_type": pl.String(),
    "endpoint": pl.String(),
    "operation": pl.String(),
    "bot": pl.String(),
    "host": pl.String(),
    "step": pl.String(),
    "result": pl.String(),
    "status": pl.String(),
    "state": STATE_DTYPE,
    "http_status": pl.Int32(),
    "error_code": pl.String(),
    "template": pl.String(),
    "cert_type": pl.String(),
    "common_name": pl.String(),
    "sans": pl.String(),
    "key_alg": pl.String(),
    "key_size": pl.Int32(),
    "sig_alg": pl.String(),
    "serial": pl.String(),
    "latency_ms": pl.Float64(),
    "fields": pl.String(),  # JSON object of the source fields no canonical column took
}

STRING_FIELDS = frozenset(
    name
    for name, dtype in EVENT_SCHEMA.items()
    if dtype == pl.String() or isinstance(dtype, pl.Enum)
)
NUMERIC_FIELDS = frozenset(
    name for name, dtype in EVENT_SCHEMA.items() if dtype in (pl.UInt32(), pl.Int32(), pl.Float64())
)
TIME_FIELDS = frozenset({"ts"})


def empty_events() -> pl.DataFrame:
    """An events frame with no rows and the canonical schema."""
    return pl.DataFrame(schema=EVENT_SCHEMA)


def conform(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Add missing canonical columns as nulls, cast to canonical dtypes, drop the rest, fix the order."""
    lf = frame.lazy()
    present = set(lf.collect_schema().names())
    cols = [
        (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in EVENT_SCHEMA.items()
    ]
    return lf.select(cols)


class RuleSeverity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


SEVERITY_DTYPE = pl.Enum([s.value for s in RuleSeverity])

# The row index every events frame carries once read (pipeline adds it); findings point back through it.
EVENT_INDEX = "event_idx"

# One row per (event, rule) match, as the engine yields it. Rule metadata that is text-heavy
# (fix, references) stays on the rule and is looked up by rule_id.
FINDING_SCHEMA: dict[str, pl.DataType] = {
    EVENT_INDEX: pl.UInt32(),
    "rule_id": pl.String(),
    "cause": pl.String(),
    "title": pl.String(),
    "severity": SEVERITY_DTYPE,
    "priority": pl.Int32(),
    "benign": pl.Boolean(),
    "threshold": pl.Boolean(),  # the match came from a `count ... within ... by ...` rule
    "cap_template": pl.String(),
    "cap_account": pl.String(),
    "cap_host": pl.String(),
    "cap_serial": pl.String(),
}


def empty_findings() -> pl.DataFrame:
    """A findings frame with no rows and the canonical schema."""
    return pl.DataFrame(schema=FINDING_SCHEMA)
