"""Compiled rules over an events frame: one pass for all conditions, then windows and captures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import lru_cache

import polars as pl

from analyzer.dsl import ast
from analyzer.dsl.compiler import CompiledRule, combined_prefilter, compile_rule, text_column
from analyzer.schema import EVENT_INDEX, EVENT_SCHEMA, FINDING_SCHEMA, empty_findings

_GROUP, _END, _COUNT = "__group", "__window_end", "__count"
_ROW, _RULE, _WORD = "__row", "__rule", "__word"
# When fewer than one row in FEW_CANDIDATES survives the merged literal filter, one pass over them
# is cheapest; otherwise rules with long regexes (HEAVY_REGEX characters) get their own gate.
FEW_CANDIDATES = 10
HEAVY_REGEX = 200
MIN_GATED_ROWS = 20_000  # below this, per-rule gates cost more than they save


@lru_cache(maxsize=4096)
def _compiled(rule: ast.Rule, patterns: tuple[tuple[str, ast.PatternDef], ...]) -> CompiledRule:
    return compile_rule(rule, dict(patterns))


def compile_all(
    rules: Sequence[ast.Rule], patterns: Mapping[str, ast.PatternDef]
) -> list[CompiledRule]:
    """Compile (once per rule and pattern set: cached) every rule."""
    key = tuple(sorted(patterns.items()))
    return [_compiled(rule, key) for rule in rules]


def find_matches(
    rules: Sequence[ast.Rule],
    patterns: Mapping[str, ast.PatternDef],
    events: pl.DataFrame | pl.LazyFrame,
    *,
    prefilter: bool = True,
) -> pl.DataFrame:
    """One FINDING_SCHEMA row per (event, rule) match, sorted by (event_idx, rule_id).

    `prefilter=False` evaluates every condition on every row: slower, same result.
    """
    compiled = compile_all(rules, patterns)
    if not compiled:
        return empty_findings()
    lf = events.lazy()
    present = set(lf.collect_schema().names())
    needed = {EVENT_INDEX, "ts"}.union(*(c.columns for c in compiled))
    # Callers may pass a narrow frame (tests, examples): absent canonical columns read as null.
    lf = lf.with_columns(
        pl.lit(None).cast(EVENT_SCHEMA[name]).alias(name) for name in sorted(needed - present)
    )
    if prefilter:
        total = events.height if isinstance(events, pl.DataFrame) else None
        parts = _prefiltered(lf, needed, compiled, total)
    else:
        parts = _one_pass(lf, needed, compiled)
    if not parts:
        return empty_findings()
    return pl.concat(parts).sort(EVENT_INDEX, "rule_id")


def _one_pass(
    lf: pl.LazyFrame, needed: set[str], compiled: list[CompiledRule]
) -> list[pl.DataFrame]:
    """Every condition on every row of `lf` in one select."""
    flags = [f"__r{i}" for i in range(len(compiled))]
    conditions = (c.matches.alias(f) for c, f in zip(compiled, flags, strict=True))
    hits = lf.select(*sorted(needed), *conditions).filter(pl.any_horizontal(flags)).collect()
    return [
        _findings(c, hits.filter(pl.col(flag)))
        for c, flag in zip(compiled, flags, strict=True)
        if hits[flag].any()
    ]


def _prefiltered(
    lf: pl.LazyFrame, needed: set[str], compiled: list[CompiledRule], total: int | None
) -> list[pl.DataFrame]:
    """Cheap tests first, so the expensive regexes only see candidate rows.

    The pack's merged literal filter (one Aho-Corasick automaton per column) keeps the rows some
    rule could match. When that leaves few rows, all conditions run on them in one pass; when
    many remain (a broad rule lets most rows through), each rule's own gate picks its rows and
    its full condition runs on those only.
    """
    known = [c.prefilter for c in compiled if c.prefilter is not None]
    if len(known) == len(compiled):
        lf = lf.filter(combined_prefilter(known))
    candidates = lf.select(*sorted(needed)).collect()
    if candidates.height == 0:
        return []
    heavy = [c for c in compiled if c.prefilter is not None and c.weight >= HEAVY_REGEX]
    few = candidates.height * FEW_CANDIDATES <= total if total is not None else False
    if few or candidates.height < MIN_GATED_ROWS or not heavy:
        return _one_pass(candidates.lazy(), needed, compiled)
    light = [c for c in compiled if c not in heavy]
    parts = _one_pass(candidates.lazy(), needed, light) if light else []
    for rule, rows in zip(heavy, _gated_rows(candidates, heavy), strict=True):
        if rows.is_empty():
            continue
        hits = candidates[rows].filter(rule.matches)
        if hits.height:
            parts.append(_findings(rule, hits))
    return parts


def _gated_rows(candidates: pl.DataFrame, rules: Sequence[CompiledRule]) -> list[pl.Series]:
    """Per rule, in order, the positions of the candidate rows its own prefilter lets through.

    One overlapping multi-word pass per (column, case folding) finds every word of every rule in
    each row, instead of one pass per rule; each word then names the rules it gates for. ASCII
    case folding changes ASCII letters only, so a match and its word lowercase alike.
    """
    words: dict[tuple[str, bool], set[str]] = {}
    for rule in rules:
        assert rule.prefilter is not None, "only rules with a prefilter are gated"
        for lit in rule.prefilter.literals:
            words.setdefault((lit.column, lit.fold), set()).update(lit.words)
    pairs = [
        _word_hits(candidates, column, fold, sorted(found), rules)
        for (column, fold), found in sorted(words.items())
    ]
    for i, rule in enumerate(rules):
        assert rule.prefilter is not None
        if rule.prefilter.exprs:
            hit = candidates.select(pl.any_horizontal(rule.prefilter.exprs).fill_null(False))
            rows = hit.to_series().arg_true()
            pairs.append(pl.DataFrame({_ROW: rows, _RULE: pl.repeat(i, rows.len(), eager=True)}))
    empty = pl.Series(_ROW, [], dtype=pl.UInt32)
    if not pairs:
        return [empty] * len(rules)
    gated = (
        pl.concat([p.cast({_ROW: pl.UInt32, _RULE: pl.UInt32}) for p in pairs])
        .unique()
        .group_by(_RULE)
        .agg(pl.col(_ROW).sort())
    )
    rows_of = dict(zip(gated[_RULE].to_list(), gated[_ROW], strict=True))
    return [rows_of.get(i, empty) for i in range(len(rules))]


def _word_hits(
    candidates: pl.DataFrame,
    column: str,
    fold: bool,
    words: list[str],
    rules: Sequence[CompiledRule],
) -> pl.DataFrame:
    """(row, rule) for every row where `column` holds a word of that rule's literals on it."""
    owners = pl.DataFrame(
        [
            (word, i)
            for i, rule in enumerate(rules)
            for lit in (rule.prefilter.literals if rule.prefilter else ())
            if (lit.column, lit.fold) == (column, fold)
            for word in lit.words
        ],
        schema={_WORD: pl.String, _RULE: pl.UInt32},
        orient="row",
    )
    found = (
        candidates.select(
            text_column(column)
            .str.extract_many(words, ascii_case_insensitive=fold, overlapping=True)
            .alias(_WORD)
        )
        .with_row_index(_ROW)
        .explode(_WORD)
        .drop_nulls(_WORD)
        .unique()
    )
    if fold:
        found = found.with_columns(pl.col(_WORD).str.to_lowercase())
        owners = owners.with_columns(pl.col(_WORD).str.to_lowercase())
    return found.join(owners.unique(), on=_WORD).select(_ROW, _RULE)


def _findings(compiled: CompiledRule, hits: pl.DataFrame) -> pl.DataFrame:
    rule = compiled.rule
    if rule.threshold is not None:
        hits = _in_windows(hits, rule.threshold)
    captures = {
        f"cap_{name}": compiled.captures.get(name, pl.lit(None, pl.String))
        for name in ast.CAPTURE_NAMES
    }
    columns = {
        EVENT_INDEX: pl.col(EVENT_INDEX),
        "rule_id": pl.lit(rule.id),
        "cause": pl.lit(rule.cause),
        "title": pl.lit(rule.title),
        "severity": pl.lit(rule.severity.value),
        "priority": pl.lit(rule.priority),
        "benign": pl.lit(rule.benign),
        "threshold": pl.lit(rule.threshold is not None),
        **captures,
    }
    return hits.select(
        expr.cast(FINDING_SCHEMA[name]).alias(name) for name, expr in columns.items()
    )


def _in_windows(hits: pl.DataFrame, spec: ast.CountSpec) -> pl.DataFrame:
    """Hits inside some window of `within` holding at least N hits of the same `by` value.

    A window [t - d, t] that ends at a hit and holds N hits qualifies; a hit belongs to one when
    the first qualifying end at or after it is at most d later (an as-of join, forward).
    Events without a time or a group value cannot be placed in a window and never match.
    """
    period = timedelta(seconds=spec.within.seconds)
    base = (
        hits.filter(pl.col("ts").is_not_null() & pl.col(spec.by.name).is_not_null())
        .with_columns(pl.col(spec.by.name).cast(pl.String).alias(_GROUP))
        .sort(_GROUP, "ts")
    )
    ends = (
        base.rolling(index_column="ts", period=period, closed="both", group_by=_GROUP)
        .agg(pl.len().alias(_COUNT))
        .filter(pl.col(_COUNT) >= spec.at_least)
        .select(_GROUP, pl.col("ts").alias(_END))
        .unique()
        .sort(_END)
    )
    joined = base.sort("ts").join_asof(
        ends,
        left_on="ts",
        right_on=_END,
        by=_GROUP,
        strategy="forward",
        tolerance=period,
        check_sortedness=False,  # sorted by ts just above; the check cannot see through `by`
    )
    return joined.filter(pl.col(_END).is_not_null()).drop(_GROUP, _END)
