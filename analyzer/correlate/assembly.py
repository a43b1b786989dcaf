"""Report assembly: the one place where triage frames become the pydantic Report."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import polars as pl
from pydantic import BaseModel, TypeAdapter

from analyzer.correlate import Triage
from analyzer.correlate.linking import OWN
from analyzer.correlate.orders import ORDER_KEY
from analyzer.models import (
    Accounting,
    CsrDetails,
    Escalation,
    Evidence,
    InputFile,
    OrderVerdict,
    Report,
    RunnerUp,
    SecurityFinding,
    UnknownCluster,
)
from analyzer.redact import Redactor, redact_value
from analyzer.schema import EVENT_INDEX
from analyzer.taxonomy import STUCK_PENDING, UNKNOWN, cause

MAX_EVIDENCE = 6

BUILTIN_FIXES: dict[str, tuple[str, str]] = {
    STUCK_PENDING: (
        "Order stuck at CSR Pending with no error in the logs",
        "Open Integrations → CA Connectors and confirm the order's connector is Active and its last "
        "Test passed; check the order at the CA (approval or validation may be waiting); then "
        "re-initiate the certificate order and retry the provisioning workflow.",
    ),
    UNKNOWN: (
        "Failure no rule explains",
        "Review the connector validation, provisioning bot and order-submission logs around the "
        "failure (the error lines are listed in the unknown clusters); once understood, teach "
        "certriage with `certriage suggest-rule`.",
    ),
}

# Verdicts are validated a batch at a time (their plain dicts never all exist at once); the Report
# then takes the validated models as they are.
_ORDERS = TypeAdapter(list[OrderVerdict])
_BATCH = 1024
# Each validated model keeps its own set of the fields it was given: here always all of them, and
# such a set (about 700 bytes) is a large part of a verdict's memory. Models of one class share one.
_ALL_FIELDS: dict[type[BaseModel], set[str]] = {
    model: set(model.model_fields)
    for model in (OrderVerdict, Evidence, RunnerUp, Escalation, CsrDetails)
}
_M = TypeVar("_M", InputFile, Accounting, UnknownCluster, SecurityFinding)

FixLookup = Callable[[str, str], tuple[str, str, str]]  # rule id, cause -> (title, severity, fix)


def _evidence_rows(result: Triage) -> pl.DataFrame:
    """Per order: the winning event, the other events of the winning cause, then its own error lines."""
    # Orders are numbered in order-id order: the sorts and the dedup below then key on integers.
    verdicts = result.verdicts.select(
        ORDER_KEY,
        "root_cause",
        pl.col(EVENT_INDEX).alias("_win"),
        pl.col(ORDER_KEY).rank("dense").alias("_order_no"),
    )
    # Lazy: the joins then carry only the columns used, not the candidates' titles and the like.
    same_cause = (
        result.candidates.lazy()
        .join(
            verdicts.lazy(),
            left_on=[ORDER_KEY, "cause"],
            right_on=[ORDER_KEY, "root_cause"],
            how="inner",
        )
        .select(
            "_order_no",
            ORDER_KEY,
            EVENT_INDEX,
            "rule_id",
            (pl.col("proximity") != OWN).alias("linked"),
            pl.when(pl.col(EVENT_INDEX) == pl.col("_win")).then(0).otherwise(1).alias("_order"),
        )
    )
    own_errors = (
        result.unknown_rows.lazy()
        .filter(pl.col(ORDER_KEY).is_not_null())
        .join(verdicts.lazy().select(ORDER_KEY, "_order_no").unique(), on=ORDER_KEY, how="inner")
        .select(
            "_order_no",
            ORDER_KEY,
            EVENT_INDEX,
            pl.lit(None, pl.String).alias("rule_id"),
            pl.lit(value=False).alias("linked"),
            pl.lit(2).alias("_order"),
        )
    )
    rows = pl.concat([same_cause, own_errors], how="vertical_relaxed").collect()
    # rule_id breaks ties between two rules on one event (a burst and its line): Polars sorts are
    # not stable, and the kept rule must not change from run to run. As an Enum of the sorted ids
    # it sorts as the text does, by integers.
    rules = pl.Enum(sorted(rows.get_column("rule_id").drop_nulls().unique().to_list()))
    order_event = pl.col("_order_no").cast(pl.UInt64) * (1 << 32) + pl.col(EVENT_INDEX)
    kept = (
        rows.sort(
            ["_order_no", "_order", EVENT_INDEX, pl.col("rule_id").cast(rules)], nulls_last=True
        )
        # The first row of each (order, event), rows kept in order.
        .filter(order_event.is_first_distinct())
        .group_by("_order_no", maintain_order=True)
        .head(MAX_EVIDENCE)
        .drop("_order_no", "_order")
    )
    # Only the events shown: a join with every event hashes them all.
    shown = result.keyed.select(
        EVENT_INDEX, "source_file", "line", "kind", "ts", "message", "raw"
    ).filter(pl.col(EVENT_INDEX).is_in(kept.get_column(EVENT_INDEX).implode()))
    return kept.join(shown, on=EVENT_INDEX, how="left", maintain_order="left")


_EVIDENCE_COLUMNS = ("line", "kind", "ts", "message", "rule_id", "linked")
_VERDICT_COLUMNS = (
    ORDER_KEY, "status", "state", "connector", "template", "root_cause", "rule_id", "confidence",
    "endpoint", "key_alg", "key_size", "sig_alg", "sans", "common_name", "failed_at",
)  # fmt: skip
# The columns a verdict takes as they are (the free text is shown redacted: `_shown_verdicts`).
_RAW_VERDICT_COLUMNS = (ORDER_KEY, "root_cause", "rule_id", "confidence", "key_size", "failed_at")


def _rows(frame: pl.DataFrame, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The frame's rows as tuples, built column by column (cheaper than row by row)."""
    return zip(*(frame.get_column(c).to_list() for c in columns), strict=True)


# Redaction of many values at once (the identity, copied, without a redactor).
_Many = Callable[[Sequence[Any]], list[Any]]


def _shown_verdicts(
    columns: dict[str, list[Any]],
    endpoints: dict[str, str],
    many: _Many,
) -> Iterator[tuple[Any, ...]]:
    """Per verdict, its free text as the report shows it: order id, status, state, connector,
    template, endpoint (the connector's when the order names none), key and signature algorithms,
    SANs and subject; each redacted, each distinct value once."""
    connectors = columns["connector"]
    endpoint = [
        own or (endpoints.get(connector) if connector else None)
        for own, connector in zip(columns["endpoint"], connectors, strict=True)
    ]
    subject = [f"CN={name}" if name else None for name in columns["common_name"]]
    return zip(
        many(columns[ORDER_KEY]),
        many(columns["status"]),
        many(_each(columns["state"], str)),
        many(connectors),
        many(columns["template"]),
        many(endpoint),
        many(columns["key_alg"]),
        many(columns["sig_alg"]),
        many(columns["sans"]),
        many(subject),
        strict=True,
    )


def _keep(text: str) -> str:
    return text


def _each(values: list[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """`fn` of every value, called once per distinct value: a report repeats its files, kinds and
    messages thousands of times, and a call per value costs more than the redaction cache saves."""
    table = {value: fn(value) for value in set(values)}
    return [table[value] for value in values]


def _stripped(message: str | None) -> str:
    return (message or "").strip()


def _evidence(frame: pl.DataFrame, many: _Many) -> dict[str, _Shown]:
    """Per order: its Evidence dicts, their unredacted messages and whether a rule found each."""
    # The raw line stands in for a missing message (coalesced here: no Python string per raw line).
    frame = frame.with_columns(pl.coalesce("message", "raw").alias("message"))
    lines, kinds, stamps, messages, rules, linked = (
        frame.get_column(c).to_list() for c in _EVIDENCE_COLUMNS
    )
    texts = _each(messages, _stripped)
    items = [
        {
            "file": file,
            "line": line,
            "kind": kind,
            "ts": ts,
            "message": message,
            "rule": rule,
            "linked": found,
        }
        for file, line, kind, ts, message, rule, found in zip(
            many(frame.get_column("source_file").to_list()),
            lines,
            many(_each(kinds, str)),
            stamps,
            many(texts),
            rules,
            linked,
            strict=True,
        )
    ]
    ruled = [rule is not None for rule in rules]
    # Each order's rows are consecutive (sorted by order): one slice per run of its key.
    runs = frame.get_column(ORDER_KEY).rle().struct.unnest()
    out: dict[str, _Shown] = {}
    end = 0
    keys, counts = runs.get_column("value").to_list(), runs.get_column("len").to_list()
    for key, n in zip(keys, counts, strict=True):
        start, end = end, end + n
        out[key] = _Shown(items[start:end], texts[start:end], ruled[start:end])
    return out


@dataclass(frozen=True, slots=True)
class _Shown:
    """One order's evidence: the Evidence dicts, their unredacted messages, which a rule found."""

    items: list[dict[str, Any]]
    texts: list[str]
    ruled: list[bool]

    def most_detailed(self) -> str | None:
        """The error to hand on: the longest message among the winning cause's evidence lines."""
        deciding = [t for t, r in zip(self.texts, self.ruled, strict=True) if r] or self.texts
        return max(deciding, key=len) if deciding else None


_NO_EVIDENCE = _Shown([], [], [])


def _runner_ups(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for key, root, rule, why_not in _rows(frame, (ORDER_KEY, "cause", "rule_id", "why_not")):
        out.setdefault(key, []).append({"root_cause": root, "rule": rule, "why_not": why_not})
    return out


def _counts(values: Sequence[str | None]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        key = value if value is not None else "(none)"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _onsets(result: Triage) -> dict[str, str]:
    """Per connector, each cause that began right after a change line: when, and what changed."""
    texts: dict[str, list[str]] = {}
    changed = result.onsets.filter(pl.col("preceded_by").is_not_null()).sort(
        "connector", "onset_ts"
    )
    for row in changed.iter_rows(named=True):
        minutes = round((row["onset_ts"] - row["preceded_ts"]).total_seconds() / 60)
        texts.setdefault(row["connector"], []).append(
            f"{row['cause']} from {row['onset_ts']:%Y-%m-%d %H:%M}Z ({row['orders']} orders), "
            f"{minutes} min after: {row['preceded_by'].strip()} ({row['preceded_at']})"
        )
    return {connector: "; ".join(parts) for connector, parts in texts.items()}


def _connectors(result: Triage, red: Callable[[str | None], str | None]) -> list[dict[str, Any]]:
    onsets = _onsets(result)
    return [
        {
            "connector": red(row["connector"]),
            "status": red(row["status"]),
            "first_failure": row["first_failure"],
            "last_success": row["last_success"],
            "causes": {c["cause"]: c["len"] for c in row["log_causes"] or []},
            "order_causes": {c["cause"]: c["len"] for c in row["order_causes"] or []},
            "orders_affected": row["orders_affected"],
            "endpoint": red(row["endpoint"]),
            "ca_type": red(row["ca_type"]),
            "onset": red(onsets.get(row["connector"])),
        }
        for row in result.connectors.iter_rows(named=True)
    ]


def _optional(redactor: Redactor | None) -> Callable[[str | None], str | None]:
    """Redaction of an optional string (the identity without a redactor)."""
    if redactor is None:
        return _same
    text = redactor.text

    def red(value: str | None) -> str | None:
        return value if value is None else text(value)

    return red


def _same(value: str | None) -> str | None:
    return value


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Assembly makes a few objects per value and no reference cycle: left on, the cycle collector
    walks the growing Report again and again, most of the time validation takes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_no_cycle_collection()
def assemble(
    result: Triage,
    *,
    generated_at: datetime,
    inputs: list[InputFile],
    accounting: Accounting,
    timezone: str,
    lookup: FixLookup,
    clusters: list[UnknownCluster],
    benign: dict[str, int],
    security: list[SecurityFinding],
    notes: dict[str, list[str]] | None = None,
    redactor: Redactor | None = None,
) -> Report:
    """Build the Report from triage frames; verdicts in order-id order, as triage sorted them.

    With a redactor, every free-text field is redacted as it is built (the same fields and the same
    result as `redact_report` on the finished report, which walks them all) and `redacted` is set.
    Every value is validated once: the verdicts in batches, the rest with the Report.
    """
    notes = notes or {}
    red = _optional(redactor)
    many: _Many = redactor.texts if redactor is not None else list
    text = redactor.text if redactor is not None else _keep
    evidence = _evidence(_evidence_rows(result), many)
    losers = _runner_ups(result.runner_ups)
    # One verdict per order: each order's dicts are dropped once validated (get: should one repeat).
    once = not result.verdicts.get_column(ORDER_KEY).is_duplicated().any()
    take_evidence = evidence.pop if once else evidence.get
    take_losers = losers.pop if once else losers.get
    endpoints = {
        r["connector"]: r["endpoint"]
        for r in result.connectors.iter_rows(named=True)
        if r["endpoint"]
    }
    fixes: dict[tuple[str | None, str], tuple[str, str, str]] = {}
    places: dict[str, tuple[str, int]] = {}
    orders: list[OrderVerdict] = []
    batch: list[dict[str, Any]] = []
    columns = {c: result.verdicts.get_column(c).to_list() for c in _VERDICT_COLUMNS}
    shown = _shown_verdicts(columns, endpoints, many)
    for (
        key, root, rule, confidence, key_size, failed_at,
        (order_id, status, state, shown_connector, template, endpoint, key_alg, sig_alg, sans,
         subject),
    ) in zip(*(columns[c] for c in _RAW_VERDICT_COLUMNS), shown, strict=True):  # fmt: skip
        fix_entry = fixes.get((rule, root))
        if fix_entry is None:
            if rule is not None:
                # Decoded evidence (pki.*) borrows the title and fix of the pack's rule for its
                # cause: the title heads a whole cause in the summaries; the exact finding is in
                # the verdict's notes.
                fix_entry = lookup(rule, root)
            else:
                title, fix = BUILTIN_FIXES.get(root, BUILTIN_FIXES[UNKNOWN])
                fix_entry = (title, "medium", fix)
            fixes[rule, root] = fix_entry
        place = places.get(root)
        if place is None:
            entry = cause(root)
            place = places[root] = (entry.side.value, entry.step)
        shown_evidence = take_evidence(key, _NO_EVIDENCE)
        batch.append(
            {
                "order_id": order_id,
                "status": status,
                "state": state,
                "connector": shown_connector,
                "template": template,
                "root_cause": root,
                "rule": rule,
                "title": fix_entry[0],
                "severity": fix_entry[1],
                "confidence": confidence,
                "side": place[0],
                "step": place[1],
                "fix": fix_entry[2],
                "evidence": shown_evidence.items,
                "runner_ups": take_losers(key, []),
                "escalation": {
                    "connector": shown_connector,
                    "endpoint": endpoint,
                    "error": red(shown_evidence.most_detailed()),
                    "template": template,
                    "csr": {
                        "key_alg": key_alg,
                        "key_size": key_size,
                        "sig_alg": sig_alg,
                        "sans": sans,
                        "subject": subject,
                    },
                    "timestamp": failed_at,
                },
                "notes": [text(n) for n in notes.get(key, [])],
                "failed_at": failed_at,
            }
        )
        if len(batch) == _BATCH:
            orders += _shared_fields_sets(_ORDERS.validate_python(batch))
            batch = []
    orders += _shared_fields_sets(_ORDERS.validate_python(batch))
    roots: list[str] = columns["root_cause"]
    explained = sum(1 for r in roots if r != UNKNOWN)
    ts = result.keyed.get_column("ts")
    data: dict[str, Any] = {
        "generated_at": generated_at,
        "timezone_assumed": text(timezone),
        "time_span": [ts.min(), ts.max()],
        "inputs": _redacted_models(inputs, redactor),
        "accounting": _redacted_models([accounting], redactor)[0],
        "orders": orders,
        "connectors": _connectors(result, red),
        "summary": {
            "orders_seen": result.orders.height,
            "orders_failed": len(orders),
            "explained": explained,
            "unexplained": len(orders) - explained,
            "by_root_cause": _counts(roots),
            "by_side": _counts([places[r][0] for r in roots]),
            "by_connector": _counts(columns["connector"]),
            "by_step": _counts([str(places[r][1]) for r in roots]),
        },
        "unknown_clusters": _redacted_models(clusters, redactor),
        "benign": benign,
        "security_findings": _redacted_models(security, redactor),
    }
    if redactor is not None:
        data["redacted"] = True
    return Report.model_validate(data)


def _shared_fields_sets(orders: list[OrderVerdict]) -> list[OrderVerdict]:
    """The verdicts, every model in them sharing its class's all-fields set."""
    escalations = [order.escalation for order in orders]
    _share(OrderVerdict, orders)
    _share(Escalation, escalations)
    _share(CsrDetails, [escalation.csr for escalation in escalations])
    _share(Evidence, [item for order in orders for item in order.evidence])
    _share(RunnerUp, [loser for order in orders for loser in order.runner_ups])
    return orders


def _share(model: type[BaseModel], instances: list[Any]) -> None:
    everything = _ALL_FIELDS[model]
    # Only an equal set is swapped: `model_fields_set` stays what validation made it. The shared set
    # never changes: setting a field adds its name, which it already holds.
    for instance in instances:
        if instance.__pydantic_fields_set__ == everything:
            object.__setattr__(instance, "__pydantic_fields_set__", everything)


def _redacted_models(models: Sequence[_M], redactor: Redactor | None) -> list[Any]:
    """Models built before assembly (inputs, clusters, findings): few, redacted as a whole."""
    if redactor is None:
        return list(models)
    return [redact_value(m.model_dump(mode="python"), redactor) for m in models]
