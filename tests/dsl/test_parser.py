"""Parser: rule text to the frozen AST, with locations, and syntax errors collected per rule."""

from __future__ import annotations

import dataclasses

import pytest

from analyzer.dsl import ast
from analyzer.dsl.parser import parse_text
from analyzer.schema import RuleSeverity

RULE = '''\
pattern expired = /(expired|no longer valid)/i

rule auth.key "Key expired" {
    cause     auth.expired_credentials
    severity  high
    priority  70
    when      http_status in [401, 403] and message ~ $expired
    extract   message ~ /user '(?P<account>[^']+)'/
    fix       """First line,
                 second line
                   indented."""
    references "https://a.test", "https://b.test"
    tags      auth, digicert
    example   { kind: connector, http_status: 401, latency_ms: 1.5, message: "expired" }
    counter   3 x { message: "nope \\"quoted\\"" } every 2m
}
'''


def parse_one(text: str) -> ast.Rule:
    rule_file, errors = parse_text(text, "t.rules")
    assert errors == []
    (rule,) = rule_file.rules
    return rule


def condition(text: str) -> ast.Condition:
    rule = parse_one(f'rule a.b "t" {{\n    when {text}\n}}\n')
    assert rule.when is not None
    return rule.when


def test_metadata_and_examples() -> None:
    rule_file, errors = parse_text(RULE, "t.rules")
    assert errors == []
    (rule,) = rule_file.rules
    assert (rule.id, rule.title, rule.cause) == (
        "auth.key",
        "Key expired",
        "auth.expired_credentials",
    )
    assert (rule.severity, rule.priority, rule.benign, rule.threshold) == (
        RuleSeverity.HIGH,
        70,
        False,
        None,
    )
    assert rule.fix == "First line,\nsecond line\n  indented."
    assert rule.references == ("https://a.test", "https://b.test")
    assert rule.tags == ("auth", "digicert")
    example = rule.examples[0]
    assert [(f.name, f.value.value) for f in example.fields] == [
        ("kind", "connector"),
        ("http_status", 401),
        ("latency_ms", 1.5),
        ("message", "expired"),
    ]
    counter = rule.counters[0]
    assert (counter.repeat, counter.every and counter.every.seconds) == (3, 120)
    assert counter.fields[0].value.value == 'nope "quoted"'
    assert rule_file.patterns[0].name == "expired"
    assert rule_file.patterns[0].regex.flags == "i"


def test_every_node_is_frozen_and_located() -> None:
    rule = parse_one(RULE.split("\n", 2)[2])
    assert rule.location.line == 1
    assert rule.when is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.id = "x"  # type: ignore[misc]
    when = rule.when
    assert isinstance(when, ast.And)
    assert isinstance(when.left, ast.InList)
    assert (when.left.location.line, when.left.location.column) == (5, 15)
    assert isinstance(when.right, ast.Match)
    assert when.right.regex == ast.PatternRef("expired", when.right.regex.location)
    assert (when.right.regex.location.line, when.right.regex.location.column) == (5, 55)


def test_precedence_not_and_or() -> None:
    node = condition("not a exists and b exists or c exists")
    assert isinstance(node, ast.Or)
    assert isinstance(node.left, ast.And)
    assert isinstance(node.left.left, ast.Not)
    grouped = condition("not (a exists or b exists)")
    assert isinstance(grouped, ast.Not) and isinstance(grouped.operand, ast.Or)


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ('message != "x"', ast.Compare),
        ("latency_ms >= -1.5", ast.Compare),
        ('message contains "x"', ast.TextTest),
        ('message startswith "x"', ast.TextTest),
        ('message endswith "x"', ast.TextTest),
        ("message !~ /x/", ast.Match),
        ("message exists", ast.Exists),
        ('level in ["error", "fatal"]', ast.InList),
    ],
)
def test_leaf_kinds(text: str, node: type) -> None:
    assert isinstance(condition(text), node)


def test_regex_slash_escape_and_flags() -> None:
    node = condition(r"message ~ /a\/b/ims")
    assert isinstance(node, ast.Match) and isinstance(node.regex, ast.Regex)
    assert (node.regex.pattern, node.regex.flags, node.negated) == ("a/b", "ims", False)


def test_count_and_benign() -> None:
    rule = parse_one(
        'rule a.b "t" {\n    effect benign\n    when message exists\n'
        "    count > 4 within 2h by connector\n}\n"
    )
    assert rule.benign and rule.threshold is not None
    assert (rule.threshold.at_least, rule.threshold.within.seconds) == (5, 7200)
    assert rule.threshold.by.name == "connector"


def test_one_syntax_error_per_broken_rule_and_good_rules_kept() -> None:
    text = (
        'rule a.one "t" {\n    when x = 1\n}\n'
        'rule a.two "t" {\n    when x == 1\n}\n'
        'rule a.three "t" {\n    when (x == 1\n}\n'
    )
    rule_file, errors = parse_text(text, "t.rules")
    assert [r.id for r in rule_file.rules] == ["a.two"]
    assert [(e.code, e.location.line) for e in errors] == [("syntax", 2), ("syntax", 9)]
    assert errors[1].message.startswith("unexpected '}'; expected")
    assert "a closing parenthesis ')'" in errors[1].message
