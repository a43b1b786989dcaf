"""The readers' fast paths give exactly what the general forms they stand in for give."""

from __future__ import annotations

import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from analyzer.readers import canonical, text, timestamps
from analyzer.readers.parsed import ROW, numbered_lines

TIMES = [
    "2026-11-01 06:00:00,018",
    "2026-11-01T06:00:00.018Z",
    "2026-11-01T06:00:00Z",
    "2026-11-01 06:00:00",
    "2026-11-01T06:00:00+05:30",
    "2026-11-01T06:00:00-0800",
    "2026-11-01 06:00:00 +05:30",
    "2026-11-01T06:00:00.123456789Z",
    "2026-11-01 06:00:00,018Z",
    "2026-13-01 06:00:00",  # no such month: the general path decides
    "2026-02-30T00:00:00",
    " 2026-11-01 06:00:00",
    "2026-11-01 06:00:00 ",
    "2026-11-01T06:00",
    "2026-11-01",
    "٢٠٢٦-١١-٠١ 06:00:00",  # Unicode digits match \d but are no date
    "2026-03-29 02:30:00",  # a gap in Europe/Berlin
    "2026-10-25 02:30:00",  # ambiguous in Europe/Berlin
    "Nov  1 06:00:00",
    "1700000000",
    "1700000000123",
    "2026/11/01 06:00:00",
    "01-Nov-2026 06:00:00",
    "11/01/2026 06:00",
    "2026-11-01T06:00:00.018Z\n",
    "2026-11-01T24:00:00",
    "2026-11-01T06:00:00+24:00",
    "",
    None,
]


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin", "America/New_York"])
def test_plain_iso_times_read_as_the_general_path_reads_them(tz: str) -> None:
    rng = random.Random(tz)
    columns = [[value] for value in TIMES] + [
        [rng.choice(TIMES) for _ in range(rng.randint(1, 40))] for _ in range(150)
    ]
    columns += [[TIMES[0]] * 5 + [value] for value in TIMES]
    columns += [[TIMES[1]] * 5 + [value] for value in TIMES]
    for values in columns:
        frame = pl.DataFrame({"ts": pl.Series(values, dtype=pl.String)})
        assert_series_equal(
            timestamps.parse_ts(frame, "ts", tz, 2026), timestamps._parse_ts(frame, "ts", tz, 2026)
        )


def _pivoted(frame: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    wide = pairs.pivot(on="key", index=ROW, values="value", aggregate_function="first")
    keys = [c for c in wide.columns if c != ROW]
    wide = wide.with_columns(pl.col(ROW).cast(pl.UInt32)).rename({k: f"_p.{k}" for k in keys})
    return frame.join(wide, on=ROW, how="left", maintain_order="left")


def test_pairs_spread_as_a_pivot_and_join_would() -> None:
    frame = pl.DataFrame(
        {ROW: pl.Series([0, 1, 2, 3], dtype=pl.UInt32), "raw": ["a", "b", "c", "d"]}
    )
    pairs = pl.DataFrame(
        {
            ROW: pl.Series([0, 0, 0, 2, 3, 3], dtype=pl.UInt32),
            "key": ["x", "y", "x", "y", "z", "z"],  # x twice in row 0, z twice in row 3
            "value": ["1", "2", "3", "4", "5", "6"],
        }
    )
    spread, keys = canonical._spread_pairs(frame, pairs)
    assert keys == ["x", "y", "z"]
    assert_frame_equal(spread, _pivoted(frame, pairs))
    assert spread["_p.x"].to_list() == ["1", None, None, None]  # the first value wins
    # Rows not numbered 0..n-1 in order: the pivot itself.
    shuffled = frame.reverse()
    spread, keys = canonical._spread_pairs(shuffled, pairs)
    assert keys == ["x", "y", "z"]
    assert_frame_equal(spread, _pivoted(shuffled, pairs))


def test_fields_json_with_known_names_drops_the_same_nulls() -> None:
    frame = pl.DataFrame(
        {
            "a": ["1", None, None, 'q",\\"b\\":null', None],
            "b.c": [None, "x", None, "y", None],
            "d-e": pl.Series([None, 2, None, 3, None], dtype=pl.Int64),
            "f": [None, None, None, ",", None],
        }
    )
    names = frame.columns
    fast = canonical._fields_json([pl.col(n) for n in names], names, list(frame.dtypes))
    encoded = pl.struct(names).struct.json_encode()
    general = (
        encoded.str.replace_all(r',"(?:[^"\\]|\\.)*":null', "")
        .str.replace(r'^\{"(?:[^"\\]|\\.)*":null,?', "{")
        .replace("{}", None)
    )
    assert_series_equal(frame.select(fast).to_series(), frame.select(general).to_series())
    assert frame.select(fast).to_series()[2] is None


def test_nested_fields_keep_the_general_null_removal() -> None:
    frame = pl.DataFrame({"a": [{"x": 1, "y": None}, None], "b": [None, "v"]})
    names = frame.columns
    out = frame.select(
        canonical._fields_json([pl.col(n) for n in names], names, list(frame.dtypes))
    ).to_series()
    assert out.to_list() == ['{"a":{"x":1}}', '{"b":"v"}']


def test_layouts_are_matched_as_a_first_match_chain_would() -> None:
    lines = numbered_lines(
        "2026-11-20 10:15:02,123 INFO [ERROR] com.x - both nlog and log4j\n"
        "2026-11-20 10:15:02,123 WARN  [main] com.example.Bot - log4j\n"
        "2026-11-20T10:15:02.123Z ERROR [c] k=v\n"
        "[WARN] [comp] bracketed\n"
        "Nov  1 06:00:00 host app[12]: syslog\n"
        "2026-11-20 10:15:02 timestamped only\n"
        "plain\n"
        "\n"
    )
    chooser: pl.Expr = pl.lit(text.FALLBACK)
    for layout in reversed(text.BUILTIN_LAYOUTS):
        chooser = (
            pl.when(pl.col("raw").str.contains(layout.pattern))
            .then(pl.lit(layout.name))
            .otherwise(chooser)
        )
    matched = text._match_layouts(lines, text.BUILTIN_LAYOUTS)
    assert_frame_equal(matched, lines.with_columns(chooser.alias("layout")))
    assert matched["layout"].to_list() == [
        "nlog",
        "log4j",
        "logfmt",
        "bracketed",
        "syslog",
        "timestamped",
        "plain",
        "plain",
    ]


def test_stripped_text_is_strip_then_empty_as_null() -> None:
    values = pl.Series(["a", "", " b ", None, "\u00a0x\u2003", "y\n", "  ", "z"])
    expected = (
        values.to_frame("v")
        .select(pl.when(pl.col("v").str.strip_chars() != "").then(pl.col("v").str.strip_chars()))
        .to_series()
    )
    for compact in (False, True):
        assert_series_equal(
            canonical._stripped_text(values, compact=compact), expected, check_names=False
        )


def test_quoted_pair_values_are_unquoted_and_others_kept() -> None:
    parsed = text.parse_text(
        '2026-11-20T10:15:02.123Z ERROR a="x \\"y\\"" b=plain c="" d=" e=f"g" h="\n'
        "2026-11-20T10:15:03.123Z INFO no pairs here\n"
    )
    assert parsed.pairs is not None
    assert parsed.pairs.select("key", "value").rows() == [
        ("a", 'x "y"'),
        ("b", "plain"),
        ("c", ""),
        ("d", " e=f"),
        ("h", '"'),  # one quote alone is no quoted value
    ]


def test_multi_line_events_keep_their_whole_text() -> None:
    parsed = text.parse_text(
        "2026-11-20T10:15:02.123Z ERROR boom msg=failed\n"
        "\tat com.x.Y(Y.java:1)\n"
        "Caused by: java.lang.X: bad\n"
        "2026-11-20T10:15:03.123Z INFO fine\n"
    )
    frame = parsed.frame
    assert frame["raw"].to_list() == [
        "2026-11-20T10:15:02.123Z ERROR boom msg=failed\n\tat com.x.Y(Y.java:1)\n"
        "Caused by: java.lang.X: bad",
        "2026-11-20T10:15:03.123Z INFO fine",
    ]
    assert frame["message"].to_list() == [
        "boom msg=failed\n\tat com.x.Y(Y.java:1)\nCaused by: java.lang.X: bad",
        "fine",
    ]
    assert frame["line_end"].to_list() == [3, 4]
