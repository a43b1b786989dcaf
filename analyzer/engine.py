"""The rule engine: all rules of a pack over an events frame, and every example through it."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analyzer.dsl import ast
from analyzer.dsl.matcher import find_matches
from analyzer.dsl.samples import case_id, event_frame
from analyzer.errors import Location
from analyzer.ruleset import RuleSet
from analyzer.schema import EVENT_SCHEMA

_CALM_STATES = ["issued", "revoked", "cancelled"]
_QUIET_LEVELS = ["debug", "info"]
_SUCCEEDED = r"(?i)^(?:ok|success|succeeded)$"

# Rules look at events that look like trouble. Healthy traffic (INFO and DEBUG lines without an
# HTTP error, an error code, a failure-looking status or an open order state) is most of any export
# and can neither cause nor explain a failure, so the engine never spends a regex on it.
# A line without a level whose own result says it succeeded is healthy too: the readers give a CA
# API response `result` ok when its meta.status says success (and level error when it says failure).
_QUIET = pl.col("level").is_in(_QUIET_LEVELS).fill_null(False) | (
    pl.col("level").is_null() & pl.col("result").str.contains(_SUCCEEDED).fill_null(False)
)
TROUBLE: pl.Expr = (
    ~_QUIET & ~pl.col("state").is_in(_CALM_STATES).fill_null(False)
    | (pl.col("http_status") >= 400).fill_null(False)
    | pl.col("error_code").is_not_null()
    | pl.col("state").is_in(["failed", "revoke_failed", "pending", "unknown"])
    | pl.col("status").str.contains(r"(?i)inactive|error|fail|disabled|reject|denied|suspend")
).fill_null(False)


def evaluate(ruleset: RuleSet, events: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """FINDING_SCHEMA rows, one per (event, rule) match, sorted by (event_idx, rule_id).

    `events` is the canonical frame with its `event_idx` column. Only events that look like
    trouble (TROUBLE) are considered; on those, all rule conditions run in one pass over the rows a
    cheap literal prefilter lets through, and only matching rows are kept.
    """
    lf = events.lazy()
    present = set(lf.collect_schema().names())
    missing = [
        pl.lit(None).cast(EVENT_SCHEMA[c]).alias(c)
        for c in ("level", "result", "state", "http_status", "error_code", "status")
        if c not in present
    ]
    candidates = lf.with_columns(missing).filter(TROUBLE).select(sorted(present)).collect()
    return find_matches(ruleset.rules, ruleset.patterns, candidates)


@dataclass(frozen=True, slots=True)
class ExampleOutcome:
    """One example or counter-example of a rule, run through `evaluate`."""

    id: str  # auth.api-key-expired::example-1
    rule_id: str
    counter: bool
    passed: bool
    message: str
    location: Location


def run_examples(ruleset: RuleSet) -> list[ExampleOutcome]:
    """Every example (must match) and counter (must not) of every rule, in pack order."""
    outcomes: list[ExampleOutcome] = []
    for rule in ruleset.rules:
        alone = RuleSet((rule,), ruleset.patterns)
        for spec in (*rule.examples, *rule.counters):
            outcomes.append(_run(alone, rule, spec))
    return outcomes


def _run(alone: RuleSet, rule: ast.Rule, spec: ast.EventSpec) -> ExampleOutcome:
    frame = event_frame(spec)
    hits = evaluate(alone, frame).height
    counter = spec in rule.counters
    events = f"{frame.height} event{'s' if frame.height != 1 else ''}"
    if counter:
        passed = hits == 0
        message = (
            "no match, as expected" if passed else f"expected no match, got {hits} of {events}"
        )
    else:
        passed = hits > 0
        message = f"matched {hits} of {events}" if passed else "expected match, got none"
    return ExampleOutcome(case_id(rule, spec), rule.id, counter, passed, message, spec.location)
