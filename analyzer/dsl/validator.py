"""Rule checks as pure functions: AST in, diagnostics out (fields, types, regexes, causes)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from analyzer.dsl import ast
from analyzer.dsl.checker import Checker, did_you_mean, parse_time
from analyzer.dsl.metadata import check_metadata
from analyzer.dsl.patterns import bad_flags, capture_names, regex_error, rust_pattern
from analyzer.errors import Diagnostic, Location
from analyzer.schema import (
    EVENT_SCHEMA,
    NUMERIC_FIELDS,
    TIME_FIELDS,
    Kind,
    Level,
    State,
)

FIELDS = tuple(EVENT_SCHEMA)
ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in Kind),
    "level": tuple(v.value for v in Level),
    "state": tuple(s.value for s in State),
}


def check_rule(
    c: Checker, rule: ast.Rule, patterns: Mapping[str, ast.PatternDef]
) -> list[Diagnostic]:
    """Every problem of one rule (metadata, condition, extracts, threshold, examples)."""
    out = list(check_metadata(c, rule))
    if rule.when is not None:
        out += _condition(c, rule.when, patterns)
    for extract in rule.extracts:
        out += _extract(c, extract, patterns)
    if rule.threshold is not None:
        out += _field_known(c, rule.threshold.by)
        if rule.threshold.within.seconds == 0:
            out.append(
                c.diag(
                    "invalid-duration", "a window of zero length", rule.threshold.within.location
                )
            )
    for spec in (*rule.examples, *rule.counters):
        out += _event(c, spec)
    return out


def check_pattern(c: Checker, pattern: ast.PatternDef) -> list[Diagnostic]:
    """A named pattern's regex must compile."""
    return list(_regex(c, pattern.regex))


def check_pack(
    c: Checker, rules: Sequence[ast.Rule], patterns: Sequence[ast.PatternDef]
) -> list[Diagnostic]:
    """Problems across files: duplicate rule ids and pattern names."""
    out: list[Diagnostic] = []
    for kind, items in (
        ("rule id", [(r.id, r.location) for r in rules]),
        ("pattern", [(p.name, p.location) for p in patterns]),
    ):
        first: dict[str, Location] = {}
        for name, at in items:
            if name in first:
                code = "duplicate-rule" if kind == "rule id" else "duplicate-pattern"
                hint = f"first defined at {first[name]}; {kind}s must be unique across the pack"
                out.append(c.diag(code, f"duplicate {kind} '{name}'", at, hint))
            else:
                first[name] = at
    return out


def _field_known(c: Checker, field: ast.Field) -> list[Diagnostic]:
    if field.name in EVENT_SCHEMA:
        return []
    hint = did_you_mean(field.name, FIELDS) or "fields are the canonical event columns"
    return [c.diag("unknown-field", f"unknown field '{field.name}'", field.location, hint)]


def _is_text(name: str) -> bool:
    return name not in NUMERIC_FIELDS and name not in TIME_FIELDS


def _value(c: Checker, field: str, value: ast.Str | ast.Num, where: str) -> list[Diagnostic]:
    """A literal against the type of its field (comparison or example event)."""
    if field in NUMERIC_FIELDS and isinstance(value, ast.Str):
        return [
            c.diag(
                "type-mismatch",
                f"'{field}' is a number, {where} a string",
                value.location,
                f"write the number without quotes: {value.value}",
            )
        ]
    if _is_text(field) and isinstance(value, ast.Num):
        return [
            c.diag(
                "type-mismatch",
                f"'{field}' is text, {where} a number",
                value.location,
                f'quote it: "{value.value}"',
            )
        ]
    if field in TIME_FIELDS and (isinstance(value, ast.Num) or parse_time(value.value) is None):
        return [
            c.diag(
                "invalid-timestamp",
                f"'{field}' needs an ISO 8601 time",
                value.location,
                'e.g. "2026-01-01T00:00:00Z"',
            )
        ]
    allowed = ENUM_VALUES.get(field)
    if allowed and isinstance(value, ast.Str) and value.value not in allowed:
        hint = did_you_mean(value.value, allowed) or f"one of {', '.join(allowed)}"
        return [c.diag("unknown-value", f"'{value.value}' is not a {field}", value.location, hint)]
    return []


def _condition(
    c: Checker, node: ast.Condition, patterns: Mapping[str, ast.PatternDef]
) -> list[Diagnostic]:
    match node:
        case ast.And(left, right) | ast.Or(left, right):
            return _condition(c, left, patterns) + _condition(c, right, patterns)
        case ast.Not(operand):
            return _condition(c, operand, patterns)
    return _leaf(c, node, patterns)


def _leaf(c: Checker, node: ast.Leaf, patterns: Mapping[str, ast.PatternDef]) -> list[Diagnostic]:
    field = node.field
    known = _field_known(c, field)
    if known:
        return known
    match node:
        case ast.Compare(_, op, value):
            if op not in ("==", "!=") and _is_text(field.name):
                return [
                    c.diag(
                        "type-mismatch",
                        f"'{op}' compares numbers and times; '{field.name}' is text",
                        node.location,
                        "use ==, !=, in [...], contains or ~ /regex/ on text",
                    )
                ]
            return _value(c, field.name, value, "compared with")
        case ast.InList(_, values):
            return [d for v in values for d in _value(c, field.name, v, "listed with")]
        case ast.Match(_, regex):
            return _text_field(c, field, "a regex") + _regex_like(c, regex, patterns)
        case ast.TextTest(_, op):
            return _text_field(c, field, f"'{op}'")
    return []


def _text_field(c: Checker, field: ast.Field, what: str) -> list[Diagnostic]:
    if _is_text(field.name):
        return []
    return [
        c.diag(
            "type-mismatch",
            f"{what} needs text; '{field.name}' is a "
            f"{'time' if field.name in TIME_FIELDS else 'number'}",
            field.location,
            "compare numbers with ==, <, >= or in [...]",
        )
    ]


def _regex_like(
    c: Checker, regex: ast.RegexLike, patterns: Mapping[str, ast.PatternDef]
) -> list[Diagnostic]:
    if isinstance(regex, ast.Regex):
        return list(_regex(c, regex))
    if regex.name in patterns:
        return []
    hint = did_you_mean(regex.name, list(patterns)) or f"define it: pattern {regex.name} = /.../"
    return [
        c.diag(
            "undefined-pattern",
            f"undefined pattern '${regex.name}'",
            regex.location,
            hint.replace("'", "'$", 1) if hint.startswith("did") else hint,
        )
    ]


def _regex(c: Checker, regex: ast.Regex) -> Iterator[Diagnostic]:
    flags = bad_flags(regex)
    if flags:
        yield c.diag(
            "invalid-regex",
            f"unknown regex flag '{flags}'",
            regex.location,
            "flags are i (ignore case), m, s, x, U",
        )
        return
    error = regex_error(rust_pattern(regex))
    if error is None:
        return
    reason, offset = error
    at = regex.location
    prefix = len(rust_pattern(regex)) - len(regex.pattern)
    if offset is not None and offset >= prefix:
        at = _inside(regex, offset - prefix)
    yield c.diag(
        "invalid-regex",
        f"invalid regex: {reason}",
        at,
        "rules run Rust regex (linear time): no look-around, no back-references",
    )


def _extract(
    c: Checker, extract: ast.Extract, patterns: Mapping[str, ast.PatternDef]
) -> list[Diagnostic]:
    known = _field_known(c, extract.field)
    if known:
        return known
    out = _text_field(c, extract.field, "a regex") + _regex_like(c, extract.regex, patterns)
    regex = extract.regex
    if isinstance(regex, ast.PatternRef):
        regex = patterns[regex.name].regex if regex.name in patterns else None  # type: ignore[assignment]
    if isinstance(regex, ast.Regex) and not out:
        names = capture_names(regex)
        allowed = ast.CAPTURE_NAMES
        for name in names:
            if name not in allowed:
                hint = did_you_mean(name, allowed) or f"capture one of {', '.join(allowed)}"
                out.append(
                    c.diag(
                        "unknown-capture",
                        f"unknown capture group '{name}'",
                        _inside(regex, regex.pattern.find(f"<{name}>") + 1),
                        hint,
                    )
                )
        if not names:
            out.append(
                c.diag(
                    "unknown-capture",
                    "extract needs a named group",
                    regex.location,
                    "e.g. /template '(?P<template>[^']+)'/",
                )
            )
    return out


def _inside(regex: ast.Regex, offset: int) -> Location:
    """The location of a character of a regex body (after the opening slash)."""
    at = regex.location
    if at.column is None or offset < 0:
        return at
    return Location(at.path, at.line, at.column + 1 + offset)


def _event(c: Checker, spec: ast.EventSpec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for item in spec.fields:
        field = ast.Field(item.name, item.location)
        known = _field_known(c, field)
        out += known or _value(c, item.name, item.value, "given")
    if spec.repeat < 1:
        out.append(c.diag("invalid-repeat", "an event repeated 0 times", spec.location))
    return out
