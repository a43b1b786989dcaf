"""Which events the PKI decoders read the text of: every other event needs its fields only."""

from __future__ import annotations

import re

import polars as pl

from analyzer.pki.context import CHANGE_PATTERN, INACTIVE_PATTERN
from analyzer.pki.evidence import TEMPLATE_ERROR


def text_read() -> pl.Expr:
    """True for events whose message or raw text a decoder reads.

    PEM blocks (CSRs to decode, private keys to flag), `Inactive Account User.` lines (bursts),
    configuration changes (onsets) and template errors (near-miss names). Keep in step with the
    decoders: a pattern added there belongs here.
    """
    # The patterns on the raw text in one regex: one pass over the longest column, not three.
    on_raw = "|".join(
        f"(?:{p})" for p in (re.escape("-----BEGIN "), INACTIVE_PATTERN, TEMPLATE_ERROR)
    )
    change = pl.concat_str(["operation", "message"], separator=" ", ignore_nulls=True)
    return (
        pl.col("raw").str.contains(on_raw)
        | pl.col("message").str.contains(INACTIVE_PATTERN)
        | change.str.contains(CHANGE_PATTERN)
    ).fill_null(False)
