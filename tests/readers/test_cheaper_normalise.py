"""Normalisation's cheaper paths give exactly what the general forms they stand in for give."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from analyzer.readers import canonical, states, timestamps

_TZS = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])


@st.composite
def _fixed_width_times(draw: st.DrawFn) -> list[str | None]:
    """A column of times of one fixed-width form, each field any digits (no such month, hour 24,
    second 60, Feb 29), with a few rows of other forms or none at all."""
    sep = draw(st.sampled_from(["T", " "]))
    digits = draw(st.integers(0, 9))
    fraction_sep = draw(st.sampled_from([".", ","]))
    zone = draw(st.sampled_from(["", "Z"]))

    def number(width: int, top: int) -> st.SearchStrategy[str]:
        return st.integers(0, top).map(lambda n: f"{n:0{width}d}")

    time = st.builds(
        lambda y, mo, d, h, mi, s, f: (
            f"{y}-{mo}-{d}{sep}{h}:{mi}:{s}" + (f"{fraction_sep}{f}" if digits else "") + zone
        ),
        number(4, 9999),
        st.one_of(number(2, 13), st.sampled_from(["02", "03", "10", "11"])),
        st.one_of(number(2, 32), st.sampled_from(["28", "29", "30", "31"])),
        st.one_of(number(2, 24), st.sampled_from(["01", "02", "03"])),
        number(2, 60),
        number(2, 60),
        number(max(digits, 1), 10**digits - 1) if digits else st.just(""),
    )
    other = st.sampled_from(
        [
            None,
            "",
            "2026-11-01T06:00:00+05:30",
            "2026-11-01 06:00:00.5",
            "2026-11-01T06:00:00.018Z",
            "٢٠٢٦-١١-٠١ 06:00:00",
            "Nov  1 06:00:00",
            "1700000000",
            " 2026-11-01 06:00:00",
        ]
    )
    return draw(st.lists(st.one_of(time, time, time, other), min_size=1, max_size=30))


@settings(max_examples=300, deadline=None)
@given(values=_fixed_width_times(), tz=_TZS)
def test_fixed_width_times_read_as_the_general_path_reads_them(
    values: list[str | None], tz: str
) -> None:
    frame = pl.DataFrame({"ts": pl.Series(values, dtype=pl.String)})
    assert_series_equal(
        timestamps.parse_ts(frame, "ts", tz, 2026), timestamps._parse_ts(frame, "ts", tz, 2026)
    )


def test_fixed_width_forms_are_recognised() -> None:
    def form(value: str) -> tuple[str, int, bool] | None:
        found = timestamps._fixed_form(pl.Series([value, None]))
        return None if found is None else (found.format, found.pad, found.utc)

    assert form("2026-11-01 06:00:00,018") == ("%Y-%m-%d %H:%M:%S,%3f", 0, False)
    assert form("2026-11-01T06:00:00.7030Z") == ("%Y-%m-%dT%H:%M:%S.%6fZ", 2, True)
    assert form("2026-11-01 06:00:00") == ("%Y-%m-%d %H:%M:%S", 0, False)
    assert form("2026-11-01T06:00:00+05:30") is None
    assert form("٢٠٢٦-١١-٠١ 06:00:00") is None


_FIELD_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", "null", ",", '"', '\\"b\\":null', ',"b":null', "{}", "x y"]),
    st.text(max_size=8),
)


@st.composite
def _field_frames(draw: st.DrawFn) -> pl.DataFrame:
    """Kept fields as normalisation sees them: plain names (some not), strings, integers,
    booleans and sometimes floats (NaN writes as null) or lists (nested: the general path)."""
    height = draw(st.integers(0, 12))
    names = draw(
        st.lists(
            st.sampled_from(["a", "b.c", "d-e", "f_1", "G", "h i", 'q"']),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(["str", "str", "int", "bool", "float", "list"]))
        if kind == "str":
            values = draw(st.lists(_FIELD_TEXT, min_size=height, max_size=height))
            columns[name] = pl.Series(values, dtype=pl.String)
        elif kind == "int":
            values = draw(
                st.lists(st.none() | st.integers(-5, 5), min_size=height, max_size=height)
            )
            columns[name] = pl.Series(values, dtype=pl.Int64)
        elif kind == "bool":
            values = draw(st.lists(st.none() | st.booleans(), min_size=height, max_size=height))
            columns[name] = pl.Series(values, dtype=pl.Boolean)
        elif kind == "float":
            values = draw(st.lists(st.none() | st.floats(), min_size=height, max_size=height))
            columns[name] = pl.Series(values, dtype=pl.Float64)
        else:
            values = draw(
                st.lists(st.none() | st.lists(st.integers(0, 3)), min_size=height, max_size=height)
            )
            columns[name] = pl.Series(values, dtype=pl.List(pl.Int64))
    return pl.DataFrame(columns, schema={n: s.dtype for n, s in columns.items()})


@settings(max_examples=300, deadline=None)
@given(frame=_field_frames())
def test_fields_by_null_pattern_as_one_encoding_with_regexes(frame: pl.DataFrame) -> None:
    kept = [(f"_src.{name}", name) for name in frame.columns]
    columns = frame.rename({name: column for column, name in kept})
    general = canonical._fields_json(
        [pl.col(column).alias(name) for column, name in kept], frame.columns, list(frame.dtypes)
    )
    assert_series_equal(
        canonical._fields(columns, kept),
        columns.select(general).to_series(),
        check_names=False,
    )


def test_fields_of_many_null_patterns_take_the_general_path() -> None:
    height = 64
    frame = pl.DataFrame(
        {f"k{i}": [None if row >> i & 1 else str(row) for row in range(height)] for i in range(6)}
    )
    kept = [(name, name) for name in frame.columns]
    names = frame.columns
    general = canonical._fields_json([pl.col(n) for n in names], names, list(frame.dtypes))
    assert_series_equal(
        canonical._fields(frame, kept), frame.select(general).to_series(), check_names=False
    )
    assert canonical._fields(frame, kept)[height - 1] is None


@pytest.mark.parametrize(
    "values",
    [
        pl.Series("v", [" INFO", "warn", None, "x", "ERROR", "info", "", "Crit\t", "WARNING"]),
        pl.Series("v", [None, None], dtype=pl.String),
        pl.Series("v", [], dtype=pl.String),
        pl.Series("v", [3, None, 1]),
    ],
)
def test_levels_per_distinct_value_as_the_expression(values: pl.Series) -> None:
    expected = values.to_frame().select(states.level_expr("v")).to_series()
    assert_series_equal(states.levels(values), expected)


def test_states_per_distinct_value_as_the_expression() -> None:
    values = pl.Series("v", ["Issued", " failed ", None, "", "  ", "weird", "Issued", "On-Hold"])
    table = states.status_table({"failed": ["weird"]})
    for table_or_none in (None, table):
        expected = values.to_frame().select(states.state_expr("v", table_or_none)).to_series()
        assert_series_equal(states.states(values, table_or_none), expected)
