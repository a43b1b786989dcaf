"""Property tests: every reader, on generated hostile input, never raises and loses no line.

The accounting invariant (FileReport): lines == sum(line_end - line + 1) over the file's events
+ unparsed_lines + skipped_lines; and no `internal.*` diagnostic (a reader failure) ever.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import math
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.readers import ReadResult, read_logs
from analyzer.readers.timestamps import parse_ts
from analyzer.schema import TS_DTYPE
from tests.readers.conftest import assert_accounted

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
SUFFIXES = [".log", ".jsonl", ".csv", ".tsv", ".json", ".txt", ".ndjson", "", ".gz", ".zip"]


def _read(name: str, data: bytes) -> ReadResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result = read_logs([path])
    assert_accounted(result)
    return result


def _packed(name: str, data: bytes) -> tuple[str, bytes]:
    """The same content inside a .gz or a .zip when the name asks for one."""
    if name.endswith(".gz"):
        return name, gzip.compress(data, mtime=0)
    if name.endswith(".zip"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("inner-bot.log", data)
        return name, buffer.getvalue()
    return name, data


# Bytes that tend to matter: line ends, quotes, separators, NUL, ESC, BOMs, broken UTF-8.
_TOKENS = st.sampled_from(
    [
        b"\n",
        b"\r\n",
        b"\r",
        b'"',
        b",",
        b"\t",
        b"{",
        b"}",
        b"[",
        b"]",
        b"\x00",
        b"\x1b[31m",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        b"\xff",
        b"\xc3",
        b"\xe2\x82",
        b"=",
        b"  at x",
        b"2026-11-20T10:15:02Z ERROR ",
        b"Nov 20 10:15:02 h a[1]: ",
        b"order_id=ORD-1 ",
        b'msg="',
    ]
)
_CHUNKS = st.lists(st.one_of(_TOKENS, st.binary(max_size=12)), max_size=40).map(b"".join)


@SETTINGS
@given(data=st.one_of(st.binary(max_size=600), _CHUNKS), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_under_any_name(data: bytes, suffix: str) -> None:
    _read(*_packed(f"bot-x{suffix}", data))


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "",
                    "_row",
                    "line",
                    "raw",
                    "Order ID",
                    "order_id",
                    "ts",
                    "a.b",
                    "msg",
                    "status",
                    "http_status",
                    "errors",
                    "meta",
                    "ORDER-ID",
                    "x",
                ]
            )
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@SETTINGS
@given(values=st.lists(_JSON, max_size=12), suffix=st.sampled_from([".jsonl", ".log", ".gz"]))
def test_any_json_values_as_json_lines(values: list[object], suffix: str) -> None:
    text = "\n".join(json.dumps(v) for v in values)  # NaN and Infinity: not JSON, on purpose
    _read(*_packed(f"order-x{suffix}", text.encode()))


@SETTINGS
@given(values=st.lists(_JSON, max_size=8), indent=st.sampled_from([None, 0, 2]))
def test_any_json_values_as_one_array(values: list[object], indent: int | None) -> None:
    _read("order-x.json", json.dumps(values, indent=indent).encode())


_CELL = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            '=HYPERLINK("http://e")',
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "a\nb",
            'say "hi"',
            "",
            " ",
            "Failed",
            "2026-11-20 10:15:02",
            "ORD-1",
        ]
    ),
)


@SETTINGS
@given(
    header=st.lists(_CELL, min_size=1, max_size=6),
    rows=st.lists(st.lists(_CELL, max_size=8), max_size=10),
    separator=st.sampled_from([",", "\t"]),
    terminator=st.sampled_from(["\n", "\r\n"]),
)
def test_any_csv_table(
    header: list[str], rows: list[list[str]], separator: str, terminator: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=terminator)
    writer.writerow(header)
    writer.writerows(rows)  # ragged on purpose: rows of any width
    suffix = ".csv" if separator == "," else ".tsv"
    _read(f"order-x{suffix}", buffer.getvalue().encode("utf-8", errors="surrogatepass"))


_LINE = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda m: f'2026-11-20T10:15:02Z ERROR [bot] order_id=ORD-1 msg="{m}"', st.text(max_size=20)
    ),
)


@SETTINGS
@given(
    parts=st.lists(
        st.tuples(
            _LINE,
            st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-8-sig"]),
        ),
        max_size=10,
    ),
    bom=st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
)
def test_mixed_encodings_in_one_file(parts: list[tuple[str, str]], bom: bytes) -> None:
    data = bom + b"".join(
        (line + "\n").encode(encoding, errors="replace") for line, encoding in parts
    )
    _read("bot-mixed.log", data)


# Timestamps: arbitrary values in any column type become a UTC time or null, never an error.
_TS_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "2026-11-20T10:15:02Z",
            "2026-11-20 10:15:02,123",
            "Nov 20 10:15:02",
            "1763633702",
            "1763633702123",
            "9999999999999",
            "0000-00-00T00:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-11-20T25:61:61+99:99",
            "1e308",
            "-1",
            "2026-03-29T02:30:00",
            "31/12/2026",
            "12/31/2026 10:00",
            " ",
            "",
        ]
    ),
)


@SETTINGS
@given(
    values=st.one_of(
        st.lists(st.one_of(st.none(), _TS_TEXT), max_size=10),
        st.lists(
            st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)), max_size=10
        ),
        st.lists(st.one_of(st.none(), st.floats()), max_size=10),
    ),
    tz=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    year=st.integers(min_value=1, max_value=9999),
)
def test_timestamps_never_raise(values: list[object], tz: str, year: int) -> None:
    frame = pl.DataFrame({"t": values}, strict=False)
    parsed = parse_ts(frame, "t", tz, year)
    assert parsed.dtype == TS_DTYPE
    assert parsed.len() == len(values)


@SETTINGS
@given(
    moment=st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    form=st.sampled_from(
        ["%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d %H:%M:%S,%f+00:00", "%Y-%m-%dT%H:%M:%S%z"]
    ),
)
def test_iso_timestamps_round_trip(moment: datetime, form: str) -> None:
    text = moment.strftime(form)
    parsed = parse_ts(pl.DataFrame({"t": [text]}), "t").item()
    expected = moment if "%f" in form else moment.replace(microsecond=0)
    assert parsed == expected
    assert not math.isnan(parsed.timestamp())
