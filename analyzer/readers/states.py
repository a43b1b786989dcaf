"""Raw spellings of the closed vocabularies: order statuses onto State, log levels onto Level."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import polars as pl

from analyzer.schema import LEVEL_DTYPE, STATE_DTYPE, Level, State

# LOG_FORMATS.md "Order states"; keys are normalised with `_status_key`.
_STATES: dict[State, tuple[str, ...]] = {
    State.PENDING: (
        "CSR Pending",
        "pending-csr",
        "Setup Pending",
        "Pending For Approval",
        "pending-dcv",
        "processing",
        "Taken Under Submission",
        "On Hold",
        "pending",
        "submitted",
        "in progress",
        "awaiting approval",
        "pending validation",
        "ready",
    ),
    State.FAILED: (
        "Failed",
        "Rejected",
        "Auto Rejected",
        "Invalid Configuration",
        "Under Discrepancy",
        "Deployment Failed",
        "Issuance Failed",
        "invalid",
        "errored",
        "error",
        "denied",
        "Submission Failed",
        "expired",
    ),
    State.ISSUED: (
        "Issued",
        "Certificate Generated",
        "Certificate Downloaded",
        "Order Fulfilled",
        "valid",
        "completed",
        "approved",
    ),
    State.REVOKE_FAILED: ("Revocation Failed", "Revoke Failed"),
    State.REVOKED: ("Revoked", "Certificate Revoked"),
    State.CANCELLED: ("Cancelled", "Canceled", "Order Cancelled", "Order Canceled"),
}

_LEVELS: dict[Level, tuple[str, ...]] = {
    Level.DEBUG: ("debug", "dbug", "dbg", "trace", "trce", "verbose", "vrb", "fine", "finer"),
    Level.INFO: ("info", "inf", "information", "informational", "notice", "note"),
    Level.WARN: ("warn", "warning", "wrn", "wrng"),
    Level.ERROR: ("error", "err", "eror", "erro", "fail", "failure", "severe"),
    Level.FATAL: (
        "fatal",
        "crit",
        "critical",
        "crt",
        "emerg",
        "emergency",
        "alert",
        "panic",
        "ftl",
    ),
}

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _status_key(raw: str) -> str:
    return _NON_WORD.sub(" ", raw.lower()).strip()


STATUS_TABLE: dict[str, str] = {
    _status_key(raw): state.value for state, raws in _STATES.items() for raw in raws
}
LEVEL_TABLE: dict[str, str] = {raw: level.value for level, raws in _LEVELS.items() for raw in raws}

# Every spelling a level word may take in a text layout (used to build the layout regexes).
LEVEL_WORDS: tuple[str, ...] = tuple(sorted(LEVEL_TABLE, key=len, reverse=True))


def status_key_expr(column: str) -> pl.Expr:
    """The expression form of `_status_key`: lower case, runs of non-alphanumerics to one space."""
    return pl.col(column).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars()


def status_table(extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """The built-in raw statuses plus the user's (state → raw statuses); the user's win."""
    table = dict(STATUS_TABLE)
    for state, raws in (extra or {}).items():
        table.update({_status_key(raw): State(state).value for raw in raws})
    return table


def state_expr(column: str = "status", table: Mapping[str, str] | None = None) -> pl.Expr:
    """Raw status → canonical state; a status nobody knows becomes `unknown`, a missing one null."""
    known = status_key_expr(column).replace_strict(
        dict(table or STATUS_TABLE), default=None, return_dtype=pl.String
    )
    return (
        pl.when(pl.col(column).str.strip_chars().str.len_chars() > 0)
        .then(known.fill_null(State.UNKNOWN.value))
        .otherwise(None)
        .cast(STATE_DTYPE)
    )


def level_expr(column: str = "level") -> pl.Expr:
    """Raw level word → canonical level (WARNING→warn, ERR→error, TRACE→debug, CRITICAL→fatal)."""
    return (
        pl.col(column)
        .cast(pl.String)
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(LEVEL_TABLE, default=None, return_dtype=pl.String)
        .cast(LEVEL_DTYPE)
    )


def _per_distinct(values: pl.Series, mapping: Callable[[str], pl.Expr]) -> pl.Series:
    """`mapping` (an expression on a named column) worked out once per distinct value of `values`
    and looked up per row: raw levels and statuses take a handful of spellings."""
    if values.dtype != pl.String:
        return values.to_frame("v").select(mapping("v")).to_series()
    distinct = values.drop_nulls().unique()
    mapped = distinct.to_frame("v").select(mapping("v")).to_series()
    return values.replace_strict(distinct, mapped, default=None, return_dtype=mapped.dtype)


def levels(values: pl.Series) -> pl.Series:
    """`level_expr` over `values`, one distinct value at a time."""
    return _per_distinct(values, level_expr).alias(values.name)


def states(values: pl.Series, table: Mapping[str, str] | None = None) -> pl.Series:
    """`state_expr` over `values`, one distinct value at a time."""
    return _per_distinct(values, lambda column: state_expr(column, table)).alias(values.name)


def unknown_statuses(frame: pl.DataFrame) -> dict[str, int]:
    """Raw statuses that mapped to `unknown`, with how many events carry each."""
    if frame.is_empty() or "status" not in frame.columns:
        return {}
    counts = (
        frame.filter(pl.col("state") == State.UNKNOWN.value).group_by("status").len().sort("status")
    )
    return {str(row[0]): int(row[1]) for row in counts.iter_rows()}
