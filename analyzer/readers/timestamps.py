"""Timestamps: ISO 8601 (Z, offsets, space for T, comma fractions), epoch s/ms, syslog; to UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from analyzer.schema import TS_DTYPE

# One pattern for every ISO-ish time a text layout may start with (Rust regex syntax).
ISO_TS = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?"
SYSLOG_TS = r"[A-Z][a-z]{2} [ \d]?\d \d{2}:\d{2}:\d{2}"

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"

# Zone-less formats tried in turn after the ISO forms (UI exports), day-first before month-first
# only where the month is spelled out, so no date is ever read two ways.
_NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%d-%b-%Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%b %d, %Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)


def _iso_normalised(text: pl.Expr) -> pl.Expr:
    return (
        text.str.strip_chars()
        .str.replace(r"^(\d{4}-\d{2}-\d{2}) (\d)", "${1}T${2}")
        .str.replace(r"(T\d{2}:\d{2}:\d{2}),(\d)", "${1}.${2}")
        .str.replace(r"\s?Z$", "+00:00")
        .str.replace(r"\s([+-]\d{2}:?\d{2})$", "${1}")
        .str.replace(r"([+-]\d{2})(\d{2})$", "${1}:${2}")
    )


def _epoch(text: pl.Expr) -> pl.Expr:
    digits = text.str.strip_chars()
    number = digits.cast(pl.Int64, strict=False)
    return (
        pl.when(digits.str.contains(r"^\d{12,13}$"))
        .then(pl.from_epoch(number, time_unit="ms"))
        .when(digits.str.contains(r"^\d{9,10}(?:\.\d+)?$"))
        .then(
            pl.from_epoch(
                (digits.cast(pl.Float64, strict=False) * 1_000_000).cast(pl.Int64), time_unit="us"
            )
        )
        .otherwise(None)
        .dt.replace_time_zone("UTC")
    )


def _syslog(text: pl.Expr, year: int) -> pl.Expr:
    squeezed = text.str.strip_chars().str.replace_all(r"\s+", " ")
    return (
        pl.when(squeezed.str.contains(rf"^{_MONTHS} \d{{1,2}} \d{{2}}:\d{{2}}:\d{{2}}$"))
        .then((pl.lit(f"{year} ") + squeezed).str.to_datetime("%Y %b %d %H:%M:%S", strict=False))
        .otherwise(None)
    )


_LENIENT: dict[str, Any] = {"strict": False, "time_unit": "us"}


def _zoned(expr: pl.Expr, tz: str) -> pl.Expr:
    return expr.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")


# The plain ISO forms nearly every log writes. For a string matching one of these, the general
# path's normalisation (_iso_normalised) only turns the date-time space into `T`, a comma before
# the fraction into `.` and a trailing `Z` into `+00:00`: three literal replacements; and which
# to_datetime attempt reads it is known (the zoned form, or the first naive one).
_PLAIN_NAIVE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?$"
_PLAIN_ZONED = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:\d{2})$"
_ZONED_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%:z"
# Rows looked at to decide which plain form a column uses.
_SHAPE_SAMPLE = 1000


def _plain_iso(text: pl.Series, tz: str) -> pl.Series | None:
    """`text` parsed as the plain ISO form most of its first values take, null where a row is
    not of that form (or does not read); None when no sampled value is of either form."""
    sample = text.drop_nulls().head(_SHAPE_SAMPLE)
    naive = int(sample.str.contains(_PLAIN_NAIVE).sum())
    zoned = int(sample.str.contains(_PLAIN_ZONED).sum())
    if naive == 0 and zoned == 0:
        return None
    t = pl.col("t")
    iso = (
        t.str.replace(" ", "T", literal=True, n=1)
        .str.replace(",", ".", literal=True, n=1)
        .str.replace("Z", "+00:00", literal=True, n=1)
    )
    if naive >= zoned:
        guard, parsed = _PLAIN_NAIVE, _zoned(iso.str.to_datetime(_NAIVE_FORMATS[0], **_LENIENT), tz)
    else:
        guard, parsed = _PLAIN_ZONED, iso.str.to_datetime(_ZONED_FORMAT, **_LENIENT)
    utc = parsed.dt.convert_time_zone("UTC").cast(TS_DTYPE)
    read = text.alias("t").to_frame().select(pl.when(t.str.contains(guard)).then(utc))
    return read.to_series()


# Fixed-width ISO forms (ASCII digits masked as 0) that Polars reads with its own parser, several
# times faster than chrono's `%.f`: a fraction of up to 9 digits or none, in UTC (`Z`) or local
# time. Polars knows 3, 6 or 9 fraction digits: other counts are padded with zeros to the next.
_FIXED_SHAPE = re.compile(r"0000-00-00([T ])00:00:00(?:([.,])(0{1,9}))?(Z?)")


@dataclass(frozen=True)
class _FixedForm:
    guard: str  # the rows of exactly this form (a regex)
    format: str
    pad: int  # zeros added to the fraction
    utc: bool


def _fixed_form(text: pl.Series) -> _FixedForm | None:
    """The fixed-width form most sampled values take, if they take one."""
    sample = text.drop_nulls().head(_SHAPE_SAMPLE).str.replace_all("[0-9]", "0").alias("shape")
    if sample.is_empty():
        return None
    counts = sample.value_counts().sort(["count", "shape"], descending=[True, False])
    shape = str(counts["shape"][0])
    match = _FIXED_SHAPE.fullmatch(shape)
    if match is None:
        return None
    sep, fraction_sep, digits, zone = match.groups()
    width = -len(digits or "") % 3 + len(digits or "")
    fraction = f"{fraction_sep}%{width}f" if digits else ""
    return _FixedForm(
        guard="^" + shape.replace(".", r"\.").replace("0", "[0-9]") + "$",
        format=f"%Y-%m-%d{sep}%H:%M:%S{fraction}{zone}",
        pad=width - len(digits or ""),
        utc=zone == "Z",
    )


def _fixed_width(text: pl.Series, tz: str) -> pl.Series | None:
    """`text` parsed in the fixed-width form most of its first values take, null where a row is
    not exactly of that form (or does not read); None when that form is no fixed-width one."""
    form = _fixed_form(text)
    if form is None:
        return None
    t = pl.col("t")
    if form.pad:  # the zeros go after the fraction, before a `Z`
        zone = "Z" if form.utc else ""
        t = pl.concat_str(t.str.strip_suffix(zone), pl.lit("0" * form.pad + zone))
    naive = t.str.to_datetime(form.format, **_LENIENT)
    local = naive.dt.replace_time_zone("UTC") if form.utc else _zoned(naive, tz)
    utc_time = local.dt.convert_time_zone("UTC").cast(TS_DTYPE)
    guarded = pl.when(pl.col("t").str.contains(form.guard)).then(utc_time)
    return text.alias("t").to_frame().select(guarded).to_series()


def parse_ts(frame: pl.DataFrame, column: str, tz: str = "UTC", year: int = 1970) -> pl.Series:
    """`frame[column]` (any dtype) as datetime[µs, UTC]; what it cannot read is null.

    Times without a zone are read in `tz`; syslog times (no year) get `year`. A column of plain
    ISO times is read in one pass; other rows try the forms in turn while some are unread.
    """
    if frame.schema[column] != pl.String:
        return _parse_ts(frame, column, tz, year)
    text = frame[column]
    unread = text.is_not_null().arg_true()
    result: pl.Series | None = None
    # Quickest reader first; each one's unread rows go on to the next, the general path last.
    for reader in (_fixed_width, _plain_iso):
        whole = unread.len() == text.len()
        read = reader(text if whole else text.gather(unread), tz)
        if read is None:
            continue
        result = read if whole else _placed(result, text.len(), unread, read)
        unread = unread.filter(read.is_null())
        if unread.is_empty():
            return result.alias(column)
    rest = _parse_ts(text.gather(unread).to_frame(column), column, tz, year)
    return _placed(result, text.len(), unread, rest).alias(column)


def _placed(into: pl.Series | None, height: int, where: pl.Series, values: pl.Series) -> pl.Series:
    """`values` put at the indices `where` of `into` (all null when None)."""
    if into is None:
        into = pl.repeat(None, height, dtype=TS_DTYPE, eager=True).alias(values.name)
    return into.scatter(where, values)


def _parse_ts(frame: pl.DataFrame, column: str, tz: str, year: int) -> pl.Series:
    col = pl.col(column)
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime):
        aware = col if dtype.time_zone is not None else _zoned(col, tz)
        return frame.select(aware.dt.convert_time_zone("UTC").cast(TS_DTYPE)).to_series()
    if isinstance(dtype, pl.Date):
        local = _zoned(col.cast(pl.Datetime("us")), tz)
        return frame.select(local.dt.convert_time_zone("UTC").cast(TS_DTYPE)).to_series()
    if dtype.is_nested():  # `"ts": []` or `"ts": {...}` in a JSON log: not a time
        return pl.Series(column, [None] * frame.height, dtype=TS_DTYPE)
    if dtype.is_numeric():
        text = col.cast(pl.Int64, strict=False).cast(pl.String)
        return frame.select(_epoch(text).cast(TS_DTYPE)).to_series()
    work = frame.select(col.cast(pl.String).alias("t")).with_columns(
        _iso_normalised(pl.col("t")).alias("iso")
    )
    iso = pl.col("iso")
    attempts: list[pl.Expr] = [
        iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us"),
        *[
            _zoned(iso.str.to_datetime(fmt, strict=False, time_unit="us"), tz)
            for fmt in _NAIVE_FORMATS
        ],
        _zoned(_syslog(pl.col("t"), year), tz),
        _epoch(pl.col("t")),
    ]
    result = work.select(attempts[0].dt.convert_time_zone("UTC").cast(TS_DTYPE)).to_series()
    wanted = work.select(pl.col("t").is_not_null()).to_series()
    for attempt in attempts[1:]:
        if not (result.is_null() & wanted).any():
            break
        more = work.select(attempt.dt.convert_time_zone("UTC").cast(TS_DTYPE)).to_series()
        result = result.fill_null(more)
    return result.alias(column)
