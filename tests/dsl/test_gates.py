"""Per-rule gates from one multi-word pass equal each rule's own prefilter, row for row."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.dsl.compiler import Candidates, CompiledRule, Literals, combined_prefilter
from analyzer.dsl.matcher import _gated_rows
from analyzer.ruleset import load_ruleset

# Words that overlap, nest and differ only in case, and text made of them with noise around.
WORDS = ["time", "timeout", "out", "Denied", "denied", "abc", "bc", "ÉTAT", "état", "0x800"]
PIECES = [*WORDS, "TIMEOUT", "TiMe", "DENIED", "Abc", "ÉtAt", " ", "-", "x", "é", "Σ"]

text = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
texts = st.lists(st.one_of(st.none(), text), min_size=1, max_size=30)


ANY_RULE = load_ruleset(None).rules[0]  # only the prefilter of a gated rule is read


def _rule(prefilter: Candidates) -> CompiledRule:
    return CompiledRule(ANY_RULE, pl.lit(value=True), {}, prefilter, frozenset(), 0)


literal_sets = st.lists(
    st.tuples(
        st.sampled_from(["message", "error_code"]),
        st.booleans(),
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
    ),
    min_size=1,
    max_size=2,
)
cheap = st.sampled_from([None, pl.col("http_status") >= 400, pl.col("http_status") == 401])


@settings(max_examples=150, deadline=None)
@given(
    message=texts,
    codes=texts,
    statuses=st.lists(st.one_of(st.none(), st.sampled_from([200, 401, 503]))),
    rules=st.lists(st.tuples(literal_sets, cheap), min_size=1, max_size=4),
)
def test_gates_equal_each_rules_own_prefilter(
    message: list[str | None],
    codes: list[str | None],
    statuses: list[int | None],
    rules: list[tuple[list[tuple[str, bool, list[str]]], pl.Expr | None]],
) -> None:
    n = len(message)
    frame = pl.DataFrame(
        {
            "message": message,
            "error_code": (codes * n)[:n],
            "http_status": ([*statuses, *([None] * n)])[:n],
        },
        schema={"message": pl.String, "error_code": pl.String, "http_status": pl.Int32},
    )
    compiled = [
        _rule(
            Candidates(
                tuple(
                    # Case-folded words are ASCII: the compiler folds no other (prefilter.py).
                    Literals(
                        column, fold, tuple(sorted(w for w in words if w.isascii() or not fold))
                    )
                    for column, fold, words in lits
                    if not fold or any(w.isascii() for w in words)
                ),
                () if expr is None else (expr,),
            )
        )
        for lits, expr in rules
    ]
    compiled = [c for c in compiled if c.prefilter and (c.prefilter.literals or c.prefilter.exprs)]
    gated = _gated_rows(frame, compiled)
    for rule, rows in zip(compiled, gated, strict=True):
        assert rule.prefilter is not None
        own = frame.select(combined_prefilter([rule.prefilter])).to_series().arg_true()
        assert rows.to_list() == own.to_list()
