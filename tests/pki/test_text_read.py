"""`text_read`'s prefilters and split columns mark exactly the events the plain patterns mark."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from analyzer.pki import text_read
from analyzer.pki.context import CHANGE_PATTERN, INACTIVE_PATTERN
from analyzer.pki.evidence import TEMPLATE_ERROR

_SCHEMA = {"raw": pl.String, "message": pl.String, "operation": pl.String}


def _plain() -> pl.Expr:
    """Each pattern on its whole column, operation and message joined: what text_read stands for."""
    on_raw = "|".join(
        f"(?:{p})" for p in (re.escape("-----BEGIN "), INACTIVE_PATTERN, TEMPLATE_ERROR)
    )
    change = pl.concat_str(["operation", "message"], separator=" ", ignore_nulls=True)
    return (
        pl.col("raw").str.contains(on_raw)
        | pl.col("message").str.contains(INACTIVE_PATTERN)
        | change.str.contains(CHANGE_PATTERN)
    ).fill_null(False)


# The patterns' words, whole and cut short, so that texts come near a match, reach it, or miss.
_WORDS = (
    "-----BEGIN ",
    "-----BEGIN CERTIFICATE REQUEST-----",
    "inactive",
    "inactive account user",
    "inactive account u",
    "account",
    "user",
    "0x80094800",
    "0x8009480",
    "CERTSRV_E_UNSUPPORTED_CERT_TYPE",
    "_CERT_TYPE",
    "unknown",
    "nown",
    "template",
    "profile",
    "not found",
    "not supported",
    "does not exist",
    "not",
    "config",
    "configuration",
    "change",
    "changed",
    "update",
    "updated",
    "edit",
    "edited",
    "saved",
    "re-saved",
    "resaved",
    "modified",
    "reconfigured",
    "connector",
    "the",
    "ca",
    "server",
    "credential",
    "credentials",
    "rotate",
    "rotated",
    "rotation",
    "renewed",
    "regenerated",
    "api",
    "api key",
    "api-key",
    "key",
    "password",
    "secret",
    "token",
    "upgrade",
    "upgraded",
    "upgraded to",
)
# Whole matches of each alternative of the patterns, to be respelled, cut and glued to others.
_PHRASES = (
    "-----BEGIN CERTIFICATE REQUEST-----",
    "Inactive Account User.",
    "CERTSRV_E_UNSUPPORTED_CERT_TYPE",
    "unknown template",
    "unknown profile",
    "template not found",
    "template 'Web Server' is not supported",
    "Template does not exist",
    "config change",
    "configuration updated",
    "config_saved",
    "connector edited",
    "connector re-saved",
    "connector reconfigured",
    "edited the ca connector",
    "credentials rotated",
    "credential renewed",
    "api key regenerated",
    "api_key rotation",
    "password changed",
    "token updated",
    "rotated the api key",
    "rotating credentials",
    "ca server upgraded",
    "upgraded to",
)
_GLUE = (" ", "", "_", "-", ".", "\n", "\t", ": ", "é", "x")
# Unicode case folding: KELVIN SIGN is "k" and LONG S is "s" under (?i); dotted and dotless I
# are not "i" under Rust's simple folding, but lowercase to text that holds an "i".
_SPELLINGS = {
    "k": ("k", "K", "\u212a"),
    "s": ("s", "S", "\u017f"),
    "i": ("i", "I", "\u0130", "\u0131"),
}


@st.composite
def _spelled(draw: st.DrawFn, word: str) -> str:
    """The word with each letter in either case or one of its Unicode look-alikes."""
    letters = []
    for char in word:
        options = _SPELLINGS.get(char.lower(), (char.lower(), char.upper()))
        letters.append(draw(st.sampled_from(options)))
    return "".join(letters)


_PIECE = st.one_of(
    st.sampled_from(_PHRASES).flatmap(_spelled),
    st.sampled_from(_WORDS).flatmap(_spelled),
    st.sampled_from(_WORDS),
    st.text(max_size=4),
)


@st.composite
def _text(draw: st.DrawFn) -> str | None:
    if draw(st.integers(0, 5)) == 0:
        return None
    pieces = draw(st.lists(_PIECE, max_size=6))
    glue = st.sampled_from(_GLUE)
    return "".join(piece + draw(glue) for piece in pieces)


@st.composite
def _events(draw: st.DrawFn) -> pl.DataFrame:
    """A few events; the operation is null on every row, on none, or on some."""
    height = draw(st.integers(1, 12))
    operations = draw(st.sampled_from(["none", "all", "some"]))
    rows = []
    for _ in range(height):
        operation = None if operations == "none" else draw(_text())
        if operations == "all" and operation is None:
            operation = ""
        rows.append({"raw": draw(_text()), "message": draw(_text()), "operation": operation})
    return pl.DataFrame(rows, schema=_SCHEMA)


@settings(max_examples=300, deadline=None)
@given(events=_events())
def test_text_read_marks_what_the_plain_patterns_mark(events: pl.DataFrame) -> None:
    assert_series_equal(
        events.select(text_read()).to_series(),
        events.select(_plain()).to_series(),
        check_names=False,
    )


@pytest.mark.parametrize(
    ("raw", "message", "operation", "read"),
    [
        ("-----BEGIN CERTIFICATE REQUEST-----\nMIIB", None, None, True),
        ("-----begin certificate request-----", None, None, False),
        ("x Inactive Account User.", "", None, True),
        (None, "INACTIVE ACCOUNT USER", "submit", True),
        ("CERTSRV_E_UN\u017fUPPORTED_CERT_TYPE", None, None, True),
        ("Un\u212anown Profile", None, None, True),
        ("Template 'Web' not\nfound", None, None, False),
        ("template 'Web' was not found", None, None, True),
        ("line 1\nthe template does not exist", None, None, True),
        (None, "Credential\u017f rotated", None, True),
        (None, "credentials rotated", "", True),
        (None, "changed", "config", True),
        (None, "the ca connector", "edited", True),
        (None, "connector", None, False),
        ("config changed", "ok", None, False),
        (None, "CONF\u0130G UPDATED", None, False),
    ],
)
def test_text_read_on_each_kind_of_text(
    raw: str | None, message: str | None, operation: str | None, read: bool
) -> None:
    events = pl.DataFrame(
        [{"raw": raw, "message": message, "operation": operation}], schema=_SCHEMA
    )
    assert events.select(text_read()).item() is read
    assert events.select(_plain()).item() is read
