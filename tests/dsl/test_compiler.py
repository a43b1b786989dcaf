"""Compiler: each construct against a small frame, null semantics, and the literal prefilter."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from analyzer.dsl import ast
from analyzer.dsl.compiler import combined_prefilter, compile_rule
from analyzer.dsl.parser import parse_text
from analyzer.dsl.prefilter import required_literals
from analyzer.errors import Location
from analyzer.schema import EVENT_INDEX, EVENT_SCHEMA, conform

EVENTS = conform(
    pl.DataFrame(
        {
            "kind": ["connector", "bot", None, "connector"],
            "level": ["error", "info", None, "fatal"],
            "message": ["API key EXPIRED", "all good", None, "Template 'X' not found"],
            "http_status": [401, 200, None, 503],
            "latency_ms": [10.0, 30000.0, None, 5.5],
            "ts": [
                datetime(2026, 1, 1, tzinfo=UTC),
                datetime(2026, 1, 2, tzinfo=UTC),
                None,
                datetime(2026, 1, 3, tzinfo=UTC),
            ],
        }
    )
).with_row_index(EVENT_INDEX)


def rule_of(when: str, extra: str = "") -> ast.Rule:
    rule_file, errors = parse_text(f'rule a.b "t" {{\n    when {when}\n{extra}}}\n', "t.rules")
    assert errors == []
    return rule_file.rules[0]


def hits(when: str) -> list[int]:
    compiled = compile_rule(rule_of(when), {})
    frame = EVENTS.filter(compiled.matches).select(EVENT_INDEX).collect()
    return frame[EVENT_INDEX].to_list()


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("http_status == 401", [0]),
        ("http_status != 401", [1, 3]),  # null is no match, for != too
        ("not http_status == 401", [1, 2, 3]),  # ... so `not` of it is true
        ("http_status >= 500", [3]),
        ("latency_ms < 10", [3]),
        ("latency_ms > 29999.5", [1]),
        ('kind == "connector"', [0, 3]),
        ('kind != "connector"', [1]),
        ('level in ["error", "fatal"]', [0, 3]),
        ("http_status in [200, 503]", [1, 3]),
        ("message ~ /expired/", []),
        ("message ~ /expired/i", [0]),
        ("message !~ /expired/i", [1, 3]),
        ("kind ~ /^conn/", [0, 3]),
        ('message contains "good"', [1]),
        ('message startswith "Template"', [3]),
        ('message endswith "not found"', [3]),
        ("message exists", [0, 1, 3]),
        ("not message exists", [2]),
        ('ts >= "2026-01-02T00:00:00Z"', [1, 3]),
        ('ts < "2026-01-02"', [0]),
        ("http_status == 401 or http_status == 503 and kind exists", [0, 3]),
        ("(http_status == 401 or http_status == 200) and kind exists", [0, 1]),
    ],
)
def test_condition(when: str, expected: list[int]) -> None:
    assert hits(when) == expected


def test_columns_and_captures() -> None:
    rule = rule_of(
        "message exists",
        "    extract message ~ /Template '(?P<template>[^']+)'/\n"
        "    extract message ~ /(?P<template>API) key/\n"
        "    count >= 2 within 1h by connector\n",
    )
    compiled = compile_rule(rule, {})
    assert compiled.columns == {"message", "connector"}
    captured = EVENTS.select(compiled.captures["template"]).collect().to_series().to_list()
    assert captured == ["API", None, None, "X"]


def regex(pattern: str, flags: str = "") -> ast.Regex:
    return ast.Regex(pattern, flags, Location("t.rules"))


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        ("service unavailable", "i", (("service unavailable",), True)),
        ("(expired|has expired)", "", (("expired", "has expired"), False)),
        ("(?:ECONNREFUSED|refused)", "", (("ECONNREFUSED", "refused"), False)),
        ("(api[ _-]?key|token).{0,40}expired", "i", (("expired",), True)),
        ("timed? out", "", (("time",), False)),
        (r"status \d+ from", "", (("status ",), False)),
        ("a|bc", "", None),  # too short to help
        ("(?i)expired", "", None),  # inline flags: unsure, so no prefilter
        ("expired", "x", None),
    ],
)
def test_required_literals(
    pattern: str, flags: str, expected: tuple[tuple[str, ...], bool] | None
) -> None:
    assert required_literals(regex(pattern, flags)) == expected


def test_prefilter_is_implied_by_the_condition() -> None:
    for when in [
        "message ~ /expired/i and http_status == 401",
        'message ~ /found$/ or kind == "bot"',
    ]:
        compiled = compile_rule(rule_of(when), {})
        assert compiled.prefilter is not None
        candidate = combined_prefilter([compiled.prefilter])
        frame = EVENTS.select(m=compiled.matches, p=candidate).collect()
        assert frame.filter(pl.col("m") & ~pl.col("p")).height == 0
    assert compile_rule(rule_of("not message ~ /x/"), {}).prefilter is None


def test_every_canonical_field_can_be_named() -> None:
    for name in EVENT_SCHEMA:
        assert compile_rule(rule_of(f"{name} exists"), {}).columns == {name}
