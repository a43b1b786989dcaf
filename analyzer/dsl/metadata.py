"""Checks of a rule's clauses: required ones present, single ones once, values known."""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.dsl import ast
from analyzer.dsl.checker import Checker, did_you_mean
from analyzer.errors import Diagnostic
from analyzer.schema import RuleSeverity
from analyzer.taxonomy import CAUSES, UNKNOWN

SINGLE_CLAUSES = ("cause", "severity", "priority", "effect", "when", "count", "fix")
RULE_CAUSES = tuple(c for c in CAUSES if c != UNKNOWN)


def check_metadata(c: Checker, rule: ast.Rule) -> Iterator[Diagnostic]:
    """Metadata problems of one rule, in clause order, then what is missing."""
    seen: set[str] = set()
    for clause in rule.clauses:
        if clause.keyword in SINGLE_CLAUSES and clause.keyword in seen:
            yield c.diag(
                "duplicate-clause",
                f"'{clause.keyword}' given twice in rule '{rule.id}'",
                clause.location,
                "keep one; the first one counts",
            )
        seen.add(clause.keyword)
        if clause.keyword == "severity" and clause.value not in RuleSeverity.__members__.values():
            choices = [s.value for s in RuleSeverity]
            yield c.diag(
                "invalid-severity",
                f"unknown severity '{clause.value}'",
                clause.location,
                did_you_mean(clause.value, choices) or f"one of {', '.join(choices)}",
            )
        if clause.keyword == "effect" and clause.value != "benign":
            yield c.diag(
                "invalid-effect",
                f"unknown effect '{clause.value}'",
                clause.location,
                "the only effect is 'benign'",
            )
        if clause.keyword == "priority" and not 0 <= int(clause.value) <= 100:
            yield c.diag(
                "invalid-priority",
                f"priority {clause.value} is outside 0..100",
                clause.location,
                "higher wins; the default is 50",
            )
    if rule.when is None:
        yield c.diag(
            "missing-when",
            f"rule '{rule.id}' has no 'when' condition",
            rule.location,
            "add e.g. when message ~ /text/i",
        )
    cause = rule.clause("cause")
    if cause is not None and cause.value not in RULE_CAUSES:
        hint = did_you_mean(cause.value, RULE_CAUSES) or "see TAXONOMY.md for the ids"
        if cause.value == UNKNOWN:
            hint = "'unknown' is what no rule explains; name the cause this rule finds"
        yield c.diag("unknown-cause", f"unknown cause '{cause.value}'", cause.location, hint)
    if not rule.benign and cause is None:
        yield c.diag(
            "missing-cause",
            f"rule '{rule.id}' has no 'cause'",
            rule.location,
            "add 'cause ID' (an id of TAXONOMY.md), or 'effect benign'",
        )
    if not rule.benign and not rule.fix:
        yield c.diag(
            "missing-fix",
            f"rule '{rule.id}' has no 'fix'",
            rule.location,
            'add fix "what to do, in the platform\'s words"',
        )
    if not rule.examples:
        yield c.diag(
            "missing-example",
            f"rule '{rule.id}' has no example",
            rule.location,
            'add example { message: "..." } with an event the rule must match',
        )
    if not rule.counters:
        yield c.diag(
            "missing-counter",
            f"rule '{rule.id}' has no counter-example",
            rule.location,
            'add counter { message: "..." } with a near-miss the rule must not match',
        )
