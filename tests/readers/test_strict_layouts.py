"""A layout's strict form captures what its general pattern captures, wherever it matches."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analyzer.readers import text
from analyzer.readers.parsed import numbered_lines

STRICT = [layout for layout in text.BUILTIN_LAYOUTS if layout.strict is not None]

TIMES = [
    "2026-11-01 06:00:00,018",
    "2026-11-01T06:00:00.018Z",
    "2026-11-01T06:00:00",
    "2026-11-01 06:00:00 Z",
    "2026-11-01T06:00:00+01:00",
    "2026-11-01T06:00:00 -0800",
    "2026-11-01T06:00:00.5Zx",
    "٢٠٢٦-11-01 06:00:00",
]
PIECES = [
    *TIMES,
    " ",
    "  ",
    "\t",
    "\u00a0",
    "INFO",
    "info",
    "Info",
    "iNFO",
    "WARNING",
    "warn",
    "inf",
    "INFORMATION",
    "ERR",
    "[",
    "]",
    "[Info]",
    "[worker-4]",
    "[comp]",
    "[é]",
    "-",
    " - ",
    "com.x.Job",
    "Z",
    "Zeta",
    "Ké",
    "k=v",
    ":",
    "\u212a",  # Kelvin sign: (?i)k matches it
]
LINES = [
    "2026-11-01 06:00:00,018 INFO  [worker-4] com.certinext.bot.KeyGenJob - order_id=1",
    '2026-11-01T00:00:09.659Z INFO  [connector-validation] connector="A" msg="ok"',
    "2026-11-01 00:01:07.7030 Keyfactor.Orchestrators.JobExecutor [Info] - order_id=2",
    "2026-11-01 00:01:07.7030 Z [Info] - a logger named Z",
    "2026-11-01 00:01:07.7030 Z Logger [Info] - Z is the zone here",
    "2026-11-01T00:00:09.659Z INFO  [c]\t\u00a0tabs and no-break spaces end the head",
    "2026-11-01 06:00:00,018 INFO  [t] com.x.Job -\u00a0message",
    "2026-11-01 00:01:07.7030 Com.X [Info] -\t\u00a0message",
    "2026-11-01 00:01:07.7030 Com.X [Info]\t- message",
    "2026-11-01 06:00:00,018 INFORMATION [t] com.x.Job - long level word",
    "2026-11-01 06:00:00,018 \u212aRIT [t] com.x.Job - Kelvin sign",
]


def _both(layout: text.Layout, lines: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(groups by the strict form where it matches, groups by the general pattern there)."""
    raw = pl.Series("raw", lines, dtype=pl.String)
    strict = text._captures(raw, layout.strict or "", head=True)
    hit = strict["_head"].is_not_null()
    general = text._captures(raw.filter(hit), layout.pattern, head=True)
    return strict.filter(hit), general


@pytest.mark.parametrize("layout", STRICT, ids=lambda layout: layout.name)
def test_known_lines_capture_alike(layout: text.Layout) -> None:
    strict, general = _both(layout, LINES)
    assert_frame_equal(strict, general)


def test_the_bench_shapes_take_the_strict_forms() -> None:
    for layout, line in zip(STRICT, [LINES[2], LINES[0], LINES[1]], strict=True):
        strict, _ = _both(layout, [line])
        assert strict.height == 1, layout.name


def test_extract_reads_as_the_general_patterns_do() -> None:
    lines = text._match_layouts(numbered_lines("\n".join(LINES) + "\n"), text.BUILTIN_LAYOUTS)
    general = [replace(layout, strict=None) for layout in text.BUILTIN_LAYOUTS]
    assert_frame_equal(text._extract(lines, text.BUILTIN_LAYOUTS), text._extract(lines, general))


_SEPARATORS = [" ", "  ", "\t", "\u00a0", "", " \t"]
_WORDS = ["INFO", "Info", "info", "iNfo", "WARN", "Z", "Zeta", "com.x.Job", "inf", "Ké", "-"]
_BRACKETS = ["[Info]", "[worker-4]", "[]", "[é]", "[INFO", "Info]"]
_TAILS = ["", "-", " - ", "-\t", "- - x", "k=v", "\u00a0x", "]"]


@st.composite
def _shaped(draw: st.DrawFn) -> str:
    """A line shaped like the layouts' lines, each slot drawn from near misses."""
    slots = [
        st.sampled_from(TIMES),
        st.sampled_from(_SEPARATORS),
        st.sampled_from(_WORDS + _BRACKETS),
        st.sampled_from(_SEPARATORS),
        st.sampled_from(_BRACKETS + _WORDS),
        st.sampled_from(_SEPARATORS),
        st.sampled_from(_WORDS + _TAILS),
        st.sampled_from(_SEPARATORS),
        st.sampled_from(_TAILS),
    ]
    return "".join(draw(slot) for slot in slots)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            _shaped(),
            st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(STRICT),
)
def test_any_lines_capture_alike(lines: list[str], layout: text.Layout) -> None:
    strict, general = _both(layout, lines)
    assert_frame_equal(strict, general)
