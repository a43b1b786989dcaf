"""The rule engine: all rules of a pack over an events frame, and every example through it."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analyzer.dsl import ast
from analyzer.dsl.matcher import find_matches
from analyzer.dsl.samples import case_id, event_frame
from analyzer.errors import Location
from analyzer.ruleset import RuleSet


def evaluate(ruleset: RuleSet, events: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """FINDING_SCHEMA rows, one per (event, rule) match, sorted by (event_idx, rule_id).

    `events` is the canonical frame with its `event_idx` column; all rule conditions run in one
    pass over the rows a cheap literal prefilter lets through, and only matching rows are kept.
    """
    return find_matches(ruleset.rules, ruleset.patterns, events)


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
