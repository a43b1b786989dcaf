"""Safe text: no escape or control character survives; Python and Polars redaction agree."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.redact import Redactor
from analyzer.report.text import clean, counted, one_line, stamp

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PIECES = [
    *"abcXYZ019 =:;,&?@/\"'`[]{}()<>-_.\n\t\r\x1b\x07\x9b\u202e",
    *("password=", "Bearer ", "eyJhbGci.", "https://u:", "-----BEGIN PRIVATE KEY-----"),
    *("-----END PRIVATE KEY-----", "[REDACTED]", "X-API-Key: ", "?apikey=", "AKIA"),
]
_LOGGISH = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@given(st.text(max_size=200))
def test_clean_leaves_no_control_characters(s: str) -> None:
    assert not _UNSAFE.search(clean(s))


@given(st.text(max_size=200), st.integers(min_value=1, max_value=50))
def test_one_line_is_one_line_and_within_the_limit(s: str, limit: int) -> None:
    out = one_line(s, limit)
    assert "\n" not in out and "\r" not in out
    assert len(out) <= limit


@settings(max_examples=150, deadline=None)
@given(st.lists(_LOGGISH, min_size=1, max_size=5))
def test_screened_and_one_by_one_redaction_agree(texts: list[str]) -> None:
    # texts() lets Rust's regex engine decide which strings Python's patterns need to see.
    assert Redactor().texts(texts) == [Redactor().text(t) for t in texts]


def test_escape_sequences_are_removed_whole() -> None:
    assert (
        clean("a\x1b[31mred\x1b[0m b\x1b]0;title\x07c \x1b]8;;http://x\x1b\\link") == "ared bc link"
    )


def test_stamps_are_utc() -> None:
    cet = timezone(timedelta(hours=1))
    assert stamp(datetime(2026, 11, 24, 10, 15, 2, tzinfo=cet)) == "2026-11-24 09:15:02Z"
    assert stamp(datetime(2026, 11, 24, 9, 15, 2, tzinfo=UTC)) == "2026-11-24 09:15:02Z"
    assert stamp(None) == "—"


def test_counts_take_the_plural_unless_one() -> None:
    assert counted(1, "file") == "1 file"
    assert [counted(n, "line") for n in (0, 2, 1386)] == ["0 lines", "2 lines", "1,386 lines"]
