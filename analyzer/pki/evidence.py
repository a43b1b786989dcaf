"""PKI evidence: decoded facts that confirm or replace the cause the rules picked for each order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import polars as pl

from analyzer.pki.bundle import logged_facts
from analyzer.pki.compliance import Problem, csr_problems, logged_problems
from analyzer.pki.context import (
    BURST_WINDOW,
    change_events,
    inactive_bursts,
    runs_after_change,
    template_issuers,
)
from analyzer.pki.csr import CsrFormatError, csr_blocks, decode_csr
from analyzer.pki.policy import PolicyBook, load_policy
from analyzer.pki.records import (
    CONTEXT,
    DECODED,
    EVIDENCE_SCHEMA,
    LOGGED,
    NO_CAUSE,
    ORDERS_SCHEMA,
    WEAK,
    Row,
    candidate,
    finding_events,
    first_per_order,
)
from analyzer.pki.serial import SerialIndex, compare_serial, lookup_keys, spellings
from analyzer.pki.templates import TemplateEntry, load_template_map, suggest_template
from analyzer.schema import EVENT_INDEX

TEMPLATE_ERROR = (
    r"(?i)0x80094800|CERTSRV_E_UNSUPPORTED_CERT_TYPE|unknown (?:template|profile)"
    r"|template[^.\n]{0,60}(?:not found|not supported|does not exist)"
)
CLOSED = ("issued", "revoked", "cancelled")


def pki_evidence(
    events: pl.DataFrame,
    findings: pl.DataFrame,
    orders: pl.DataFrame,
    *,
    template_map: Path | None = None,
    csr_policy: Path | None = None,
) -> pl.DataFrame:
    """Rows of EVIDENCE_SCHEMA, sorted by order_id then priority (highest first), then kind.

    Raises ConfigError when `template_map` or `csr_policy` has mistakes.
    """
    policy = load_policy(csr_policy) if csr_policy else PolicyBook()
    mapping = load_template_map(template_map) if template_map else ()
    present = set(orders.columns)
    orders = orders.select(
        (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in ORDERS_SCHEMA.items()
    ).filter(pl.col("order_id").is_not_null())
    open_orders = orders.filter(~pl.col("state").is_in(CLOSED).fill_null(False))
    rows = [
        *_csr_rows(events, open_orders, policy),
        *_template_rows(events, findings, orders, open_orders, mapping),
        *_serial_rows(events, findings, orders),
        *_inactive_rows(events, open_orders),
        *_change_rows(events, open_orders),
    ]
    return (
        pl.DataFrame(rows, schema=EVIDENCE_SCHEMA, orient="row")
        .with_row_index("_n")
        .sort(["order_id", "priority", "_n"], descending=[False, True, False])
        .drop("_n")
    )


def _csr_rows(events: pl.DataFrame, orders: pl.DataFrame, policy: PolicyBook) -> Iterator[Row]:
    eligible = orders.filter(candidate(prefix="csr."))
    latest = (
        csr_blocks(events)
        .join(
            eligible.select("order_id", "cert_type", "template", "failed_at", "candidate_cause"),
            on="order_id",
        )
        .filter(
            pl.col("ts").is_null()
            | pl.col("failed_at").is_null()
            | (pl.col("ts") <= pl.col("failed_at"))
        )
        .sort(EVENT_INDEX)
        .group_by("order_id", maintain_order=True)
        .last()
    )
    for row in latest.iter_rows(named=True):
        oid, idx = row["order_id"], row[EVENT_INDEX]
        try:
            facts = decode_csr(row["pem"])
        except CsrFormatError as exc:
            # A PEM printed one log line at a time looks truncated; trust that only when the
            # CA or platform also complained about the CSR.
            worded = (row["candidate_cause"] or "").startswith("csr.")
            if exc.truncated and not worded:
                continue
            yield (
                oid,
                "csr.invalid_format",
                "pki.csr-format",
                f"CSR cannot be parsed: {exc}",
                idx,
                DECODED,
            )
            continue
        problems = csr_problems(facts, row["cert_type"], policy.for_template(row["template"]))
        yield from _grouped(oid, idx, problems, DECODED)
    # Without a CSR, the key size and signature the order log reported still tell something.
    unseen = eligible.filter(~pl.col("order_id").is_in(latest["order_id"].to_list()))
    templates = dict(unseen.select("order_id", "template").iter_rows())
    logged = logged_facts(events, only=list(templates))
    for row in logged.iter_rows(named=True):
        rules = policy.for_template(templates[row["order_id"]])
        problems = logged_problems(row["key_alg"], row["key_size"], row["sig_alg"], rules)
        yield from _grouped(row["order_id"], row[EVENT_INDEX], problems, LOGGED, " (as logged)")


def _grouped(
    oid: str, idx: int | None, problems: list[Problem], priority: int, suffix: str = ""
) -> Iterator[Row]:
    """One row per cause, its problems joined in order."""
    by_cause: dict[str, list[Problem]] = {}
    for problem in problems:
        by_cause.setdefault(problem.cause, []).append(problem)
    for cause, group in by_cause.items():
        note = "; ".join(p.text for p in group) + suffix
        yield (oid, cause, group[0].rule_id, note, idx, priority)


def _template_rows(
    events: pl.DataFrame,
    findings: pl.DataFrame,
    orders: pl.DataFrame,
    open_orders: pl.DataFrame,
    mapping: Sequence[TemplateEntry],
) -> Iterator[Row]:
    texts = first_per_order(
        events.filter(
            pl.col("order_id").is_not_null() & pl.col("raw").str.contains(TEMPLATE_ERROR)
        ),
        "raw",
    )
    named = first_per_order(
        finding_events(events, findings).filter(pl.col("cause").str.starts_with("template.")),
        "cap_template",
    )
    worded = pl.col("candidate_cause").is_in(["template.not_found", "template.name_mismatch"])
    eligible = open_orders.filter(worded | (candidate() & pl.col("order_id").is_in(list(texts))))
    # connector -> template -> who issued it: built once, looked up per order (a filter of the
    # issued orders per order is quadratic).
    issued: dict[str | None, dict[str, _Issuers]] = {}
    issuers = template_issuers(events, orders, eligible.get_column("order_id"))
    for connector, template, count, first, holders in issuers.iter_rows():
        issued.setdefault(connector, {})[template] = _Issuers(count, first, frozenset(holders))
    for oid, connector, template in eligible.select(
        "order_id", "connector", "template"
    ).iter_rows():
        name, idx = named.get(oid) or (template, texts[oid][1] if oid in texts else None)
        if not name:
            continue
        # Without a connector there is no "same CA account" to compare with.
        on_connector = issued.get(connector, {})
        entry = on_connector.get(name)
        others = entry.others(oid) if entry is not None else 0
        if entry is not None and others:
            same = [o for o in entry.first if o != oid][:3]
            shown = ", ".join(same) + (", …" if others > 3 else "")
            count = f"{others} other order{'s' if others > 1 else ''}"
            note = (
                f"template `{name}` issued on connector {connector} for {count} ({shown}): "
                "it exists, this account may not enroll for it"
            )
            yield (oid, "template.permission_denied", "pki.template-issued", note, idx, DECODED)
            continue
        known = sorted(t for t, entry in on_connector.items() if not entry.only(oid))
        guess = suggest_template(name, known, mapping, connector=connector)
        if guess is not None:
            note = f"template `{name}` not found: did you mean `{guess.name}`? ({guess.source})"
            yield (oid, "template.name_mismatch", "pki.template-near-miss", note, idx, DECODED)


@dataclass(frozen=True, slots=True)
class _Issuers:
    """The orders that issued one template on one connector (see `template_issuers`)."""

    count: int
    first: list[str]  # the four smallest order ids: three to show besides the order itself
    holders: frozenset[str]  # the eligible orders among them

    def others(self, oid: str) -> int:
        """How many orders but `oid` issued the template."""
        return self.count - (oid in self.holders)

    def only(self, oid: str) -> bool:
        """`oid` is the one order that issued the template."""
        return self.count == 1 and oid in self.holders


def _serial_rows(
    events: pl.DataFrame, findings: pl.DataFrame, orders: pl.DataFrame
) -> Iterator[Row]:
    cand = pl.col("candidate_cause")
    eligible = orders.filter(
        candidate("revocation.serial_mismatch", "revocation.issued_elsewhere")
        & ((pl.col("state") == "revoke_failed") | cand.str.starts_with("revocation."))
    )
    if eligible.is_empty():
        return
    captured = first_per_order(finding_events(events, findings), "cap_serial")
    failing = (
        events.lazy()
        .filter(
            pl.col("order_id").is_not_null()
            & (pl.col("level").is_in(["error", "fatal"]) | (pl.col("state") == "revoke_failed"))
        )
        .select("order_id", "serial", EVENT_INDEX)
        .collect()
    )
    logged = first_per_order(failing, "serial", last=True)
    sent = [
        (oid, connector, *(captured.get(oid) or logged.get(oid) or (serial, None)))
        for oid, connector, serial in eligible.select("order_id", "connector", "serial").iter_rows()
    ]
    keys = {key for _, _, serial, _ in sent if serial for key in lookup_keys(serial)}
    issued = SerialIndex.from_frame(_issued_serials(events, orders, keys))
    for oid, connector, serial, idx in sent:
        if not serial:
            continue
        verdict = compare_serial(serial, connector, issued)
        if verdict is not None:
            weight = WEAK if verdict.text.startswith("no certificate") else DECODED
            yield (oid, verdict.cause, "pki.serial-mismatch", verdict.text, idx, weight)


def _issued_serials(events: pl.DataFrame, orders: pl.DataFrame, keys: set[str]) -> pl.DataFrame:
    """Issued certificates (serial, order_id, connector) whose serial has one of the index `keys`.

    Only the few serials the failed revocations may mean: indexing every issued certificate of
    the export costs far more than the comparisons. The connector is the order's when the event
    has none.
    """
    columns = ["serial", "order_id", "connector"]
    every = pl.concat(
        [
            events.lazy().filter(pl.col("state") == "issued").select(columns),
            orders.lazy().filter(pl.col("state") == "issued").select(columns),
        ]
    ).collect()
    meant = spellings(every.get_column("serial"), keys)
    issued = every.filter(pl.col("serial").is_in(meant.implode())).unique(maintain_order=True)
    owners = (
        orders.filter(pl.col("order_id").is_in(issued.get_column("order_id").implode()))
        .select("order_id", pl.col("connector").alias("_of_order"))
        .unique("order_id")
    )
    return issued.join(owners, on="order_id", how="left", maintain_order="left").with_columns(
        pl.coalesce("connector", "_of_order").alias("connector")
    )


def _inactive_rows(events: pl.DataFrame, orders: pl.DataFrame) -> Iterator[Row]:
    eligible = orders.filter(
        candidate("ca.rate_limited", prefix="connector.")
        | pl.col("candidate_cause").str.starts_with("auth.")
    )
    hits = (
        inactive_bursts(events)
        .filter(pl.col("order_id").is_in(eligible["order_id"].to_list()))
        .group_by("order_id", maintain_order=True)
        .agg(
            pl.col("connector").drop_nulls().first(),
            pl.col("burst_orders").max(),
            pl.col(EVENT_INDEX).sort_by(pl.col("burst_orders").is_null()).first(),
        )
    )
    seconds = int(BURST_WINDOW.total_seconds())
    for oid, connector, burst, idx in hits.iter_rows():
        if burst is not None:
            note = (
                f"`Inactive Account User.` in a burst of {burst} orders within {seconds} s "
                f"on connector {connector}: the CA is throttling"
            )
            yield (oid, "ca.rate_limited", "pki.inactive-burst", note, idx, DECODED)
        else:
            note = (
                f"`Inactive Account User.` outside any burst on connector {connector}: "
                "the account is inactive"
            )
            yield (oid, "connector.inactive", "pki.inactive-burst", note, idx, DECODED)


def _change_rows(events: pl.DataFrame, orders: pl.DataFrame) -> Iterator[Row]:
    failures = orders.filter(
        pl.col("candidate_cause").is_not_null()
        & ~pl.col("candidate_cause").is_in(NO_CAUSE)
        & pl.col("failed_at").is_not_null()
        & pl.col("connector").is_not_null()
    ).select("order_id", "connector", pl.col("failed_at").alias("ts"), "candidate_cause")
    if failures.is_empty():
        return
    runs = runs_after_change(failures, change_events(events))
    for row in runs.iter_rows(named=True):
        text = row["change_text"]
        text = text if len(text) <= 120 else text[:119] + "…"
        after = _minutes(row["run_start"] - row["change_ts"])
        note = (
            f"failures on connector {row['connector']} started {after} after `{text}` "
            f"({row['change_at']})"
        )
        yield (
            row["order_id"],
            row["candidate_cause"],
            "pki.change-before-failure",
            note,
            row["change_idx"],
            CONTEXT,
        )


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes else "under a minute"
