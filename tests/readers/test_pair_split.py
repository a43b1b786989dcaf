"""Pairs split from simple lines are exactly the pairs the key=value regex finds."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analyzer.readers import text
from analyzer.readers.parsed import ROW

TRICKY = [
    'a=1 b="x y" c=3',
    'msg="Connector test succeeded" status=Active',
    'k=v=w x==y z="" q="a=b c=d"',
    "  lead  and  trail  k=v  ",
    'a="x \\"y\\"" b=plain c="" d=" e=f"g" h="',  # escapes, a quote inside a token, one quote
    "a=b\tc=d",  # a tab is white space to the regex, not to a split at spaces
    "clé=v k\u00a0=v k=v\u00a0w",  # non-ASCII key, no-break space
    "1a=b -c=d x/y=z [comp]k=v =v a= b",  # pairs starting inside a token, empty values
    'a=b"c d" e="f"g h="i"',  # a quote inside an unquoted value, text after a closing quote
    'k="un closed',
    'k="a\\" b="c"',  # the regex reads `\"` as an escaped quote: one value, `a" b=`
    "k=v\r",
    "",
    "no pairs here",
    '"quoted" word "k=v"',
]

_ALPHABET = ["a", "K", "_", ".", "-", "=", '"', "\\", " ", " ", "\t", "é", "\u00a0", "1", ":", "/"]
_ALPHABET += ["k=", 'k="', '\\"', '" ']


def _frame(heads: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {ROW: pl.Series(range(len(heads)), dtype=pl.UInt32), "head": heads},
        schema={ROW: pl.UInt32, "head": pl.String},
    )


def _simple(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("head").str.contains(text._SIMPLE_LINE).fill_null(False))


def test_tricky_lines_give_the_regex_pairs() -> None:
    frame = _frame([*TRICKY, None])
    assert_frame_equal(text._pairs(frame), text._regex_pairs(frame))


def test_only_plain_lines_are_simple() -> None:
    simple = _simple(_frame(TRICKY))["head"].to_list()
    assert simple == [
        'a=1 b="x y" c=3',
        'msg="Connector test succeeded" status=Active',
        'k=v=w x==y z="" q="a=b c=d"',
        "  lead  and  trail  k=v  ",
        "",
        "no pairs here",
    ]


def test_simple_lines_split_as_the_regex_finds() -> None:
    simple = _simple(_frame(TRICKY))
    assert_frame_equal(text._simple_pairs(simple), text._regex_pairs(simple))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join),
            st.lists(st.sampled_from(TRICKY), max_size=4).map(" ".join),
        ),
        max_size=12,
    )
)
def test_any_lines_give_the_regex_pairs(heads: list[str | None]) -> None:
    frame = _frame(heads)
    assert_frame_equal(text._pairs(frame), text._regex_pairs(frame))
    simple = _simple(frame)
    assert_frame_equal(text._simple_pairs(simple), text._regex_pairs(simple))
