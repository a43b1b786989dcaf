"""Validated AST to Polars: one boolean expression per rule, its captures, and a cheap prefilter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import assert_never

import polars as pl

from analyzer.dsl import ast
from analyzer.dsl.checker import parse_time
from analyzer.dsl.patterns import capture_names, rust_pattern
from analyzer.dsl.prefilter import required_literals
from analyzer.dsl.validator import ENUM_VALUES
from analyzer.schema import TIME_FIELDS

Patterns = Mapping[str, ast.PatternDef]
# A comparison such as `http_status == 401` filters about as well as a 6-letter word.
CHEAP_LEAF_SCORE = 6


@dataclass(frozen=True)
class Literals:
    """A row is a candidate when `column` contains one of `words` (ASCII case folded if `fold`)."""

    column: str
    fold: bool
    words: tuple[str, ...]


@dataclass(frozen=True)
class Candidates:
    """A necessary condition of a rule: any of these literal sets or cheap expressions holds."""

    literals: tuple[Literals, ...]
    exprs: tuple[pl.Expr, ...]

    def union(self, other: Candidates) -> Candidates:
        return Candidates(self.literals + other.literals, self.exprs + other.exprs)

    def selectivity(self) -> int:
        """A rough score: the shortest required word; a cheap comparison counts as a short word."""
        lengths = [len(w) for lit in self.literals for w in lit.words]
        return min([*lengths, *([CHEAP_LEAF_SCORE] if self.exprs else [])])


@dataclass(frozen=True, eq=False)  # holds expressions: identity is the only equality
class CompiledRule:
    """A rule as Polars runs it: `matches` is never null; `captures` run on hits only."""

    rule: ast.Rule
    matches: pl.Expr
    captures: dict[str, pl.Expr]
    prefilter: (
        Candidates | None
    )  # implied by `matches` and cheaper; None when nothing cheap is known
    columns: frozenset[str]  # event columns the rule reads (threshold `by` included)
    weight: int  # characters of regex in the condition: a proxy for its cost per row


def compile_rule(rule: ast.Rule, patterns: Patterns) -> CompiledRule:
    """Compile one validated rule."""
    assert rule.when is not None, "validated rules have a condition"
    columns = set(_columns(rule.when))
    captures: dict[str, list[pl.Expr]] = {}
    for extract in rule.extracts:
        regex = resolve(extract.regex, patterns)
        source = text_column(extract.field.name)
        columns.add(extract.field.name)
        groups = source.str.extract_groups(rust_pattern(regex))
        for name in _capture_names(regex):
            captures.setdefault(name, []).append(groups.struct.field(name))
    if rule.threshold is not None:
        columns.add(rule.threshold.by.name)
    return CompiledRule(
        rule=rule,
        matches=compile_condition(rule.when, patterns),
        captures={name: pl.coalesce(exprs) for name, exprs in captures.items()},
        prefilter=_prefilter(rule.when, patterns),
        columns=frozenset(columns),
        weight=_weight(rule.when, patterns),
    )


def resolve(regex: ast.RegexLike, patterns: Patterns) -> ast.Regex:
    """A `$name` reference replaced by its definition."""
    return patterns[regex.name].regex if isinstance(regex, ast.PatternRef) else regex


def compile_condition(node: ast.Condition, patterns: Patterns) -> pl.Expr:
    """One boolean expression; a leaf on a null field is false, decided at the leaf."""
    match node:
        case ast.And(left, right):
            return compile_condition(left, patterns) & compile_condition(right, patterns)
        case ast.Or(left, right):
            return compile_condition(left, patterns) | compile_condition(right, patterns)
        case ast.Not(operand):
            return ~compile_condition(operand, patterns)
        case ast.Compare() | ast.InList() | ast.Match() | ast.TextTest() | ast.Exists():
            return _leaf(node, patterns).fill_null(False)
        case _:
            assert_never(node)


def _leaf(node: ast.Leaf, patterns: Patterns) -> pl.Expr:
    name = node.field.name
    col = pl.col(name)
    match node:
        case ast.Compare(_, op, value):
            rhs = _literal(name, value)
            match op:
                case "==":
                    return col == rhs
                case "!=":
                    return col != rhs
                case "<":
                    return col < rhs
                case "<=":
                    return col <= rhs
                case ">":
                    return col > rhs
                case ">=":
                    return col >= rhs
                case _:
                    assert_never(op)
        case ast.InList(_, values):
            wanted = [_literal(name, v) for v in values]
            if name in ENUM_VALUES:
                return col.cast(pl.String).is_in([str(w) for w in wanted])
            return col.is_in(wanted)
        case ast.Match(_, regex, negated):
            hit = text_column(name).str.contains(rust_pattern(resolve(regex, patterns)))
            return ~hit if negated else hit
        case ast.TextTest(_, op, value):
            match op:
                case "contains":
                    return text_column(name).str.contains(value.value, literal=True)
                case "startswith":
                    return text_column(name).str.starts_with(value.value)
                case "endswith":
                    return text_column(name).str.ends_with(value.value)
                case _:
                    assert_never(op)
        case ast.Exists():
            return col.is_not_null()
        case _:
            assert_never(node)


def text_column(name: str) -> pl.Expr:
    """A column as text for the string namespace."""
    # Enum columns (kind, level, state) have no string namespace; numbers are rejected earlier.
    return pl.col(name).cast(pl.String) if name in ENUM_VALUES else pl.col(name)


def _literal(field: str, value: ast.Str | ast.Num) -> object:
    if field in TIME_FIELDS and isinstance(value, ast.Str):
        moment = parse_time(value.value)
        assert moment is not None, "validated"
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return value.value


def _capture_names(regex: ast.Regex) -> tuple[str, ...]:
    return tuple(n for n in capture_names(regex) if n in ast.CAPTURE_NAMES)


def _columns(node: ast.Condition) -> list[str]:
    match node:
        case ast.And(left, right) | ast.Or(left, right):
            return _columns(left) + _columns(right)
        case ast.Not(operand):
            return _columns(operand)
        case _:
            return [node.field.name]


def _weight(node: ast.Condition, patterns: Patterns) -> int:
    match node:
        case ast.And(left, right) | ast.Or(left, right):
            return _weight(left, patterns) + _weight(right, patterns)
        case ast.Not(operand):
            return _weight(operand, patterns)
        case ast.Match(_, regex):
            return len(resolve(regex, patterns).pattern)
        case _:
            return 0


def _prefilter(node: ast.Condition, patterns: Patterns) -> Candidates | None:
    """What every match satisfies, cheap to test (required literals, cheap leaves); or None."""
    match node:
        case ast.And(left, right):
            sides = [p for p in (_prefilter(left, patterns), _prefilter(right, patterns)) if p]
            # Either side is implied: keep the more selective one (longer words pass fewer rows).
            return max(sides, key=lambda p: p.selectivity(), default=None)
        case ast.Or(left, right):
            a, b = _prefilter(left, patterns), _prefilter(right, patterns)
            return a.union(b) if a is not None and b is not None else None
        case ast.Not() | ast.Match(negated=True):
            return None
        case ast.Match(field, regex):
            found = required_literals(resolve(regex, patterns))
            if found is None:
                return None
            words, fold = found
            return Candidates((Literals(field.name, fold, words),), ())
        case ast.TextTest(field, _, value) if value.value:
            return Candidates((Literals(field.name, False, (value.value,)),), ())
        case ast.Compare() | ast.InList() | ast.TextTest() | ast.Exists():
            return Candidates((), (compile_condition(node, patterns),))
        case _:
            assert_never(node)


def combined_prefilter(candidates: Sequence[Candidates]) -> pl.Expr:
    """One expression for a pack: a `contains_any` per (column, case), plus the cheap leaves."""
    words: dict[tuple[str, bool], set[str]] = {}
    exprs: list[pl.Expr] = []
    for candidate in candidates:
        for lit in candidate.literals:
            words.setdefault((lit.column, lit.fold), set()).update(lit.words)
        exprs.extend(candidate.exprs)
    for (column, fold), found in sorted(words.items()):
        hit = text_column(column).str.contains_any(sorted(found), ascii_case_insensitive=fold)
        exprs.append(hit.fill_null(False))
    return pl.any_horizontal(exprs)
