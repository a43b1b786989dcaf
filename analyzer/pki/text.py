"""Which events the PKI decoders read the text of: every other event needs its fields only."""

from __future__ import annotations

import re

import polars as pl

from analyzer.pki.context import CHANGE_PATTERN, INACTIVE_PATTERN
from analyzer.pki.evidence import TEMPLATE_ERROR

# The patterns on the raw text in one regex: one pass over the longest column, not three.
RAW_PATTERN = "|".join(
    f"(?:{p})" for p in (re.escape("-----BEGIN "), INACTIVE_PATTERN, TEMPLATE_ERROR)
)
# Every match of RAW_PATTERN holds one of these under the same (?i), so the same Unicode case
# folding: the BEGIN line, the inactive line, and of TEMPLATE_ERROR the code, the CERTSRV name,
# "unknown template / profile" and the "not " of "not found / not supported / does not exist".
# Searching these literals costs half what the full pattern does (0.018 s against 0.035 s over the
# 234k lines of a provisioning-bot day), and few lines hold one.
RAW_WORDS = "(?i)" + "|".join(
    re.escape(word)
    for word in (
        "-----BEGIN ",
        "inactive account u",
        "0x80094800",
        "_cert_type",
        "nown template",
        "nown profile",
        "not ",
    )
)
# The message patterns in one regex, for the events without an operation (most of them).
MESSAGE_PATTERN = f"(?:{INACTIVE_PATTERN})|(?:{CHANGE_PATTERN})"


def text_read() -> pl.Expr:
    """True for events whose message or raw text a decoder reads.

    PEM blocks (CSRs to decode, private keys to flag), `Inactive Account User.` lines (bursts),
    configuration changes (onsets) and template errors (near-miss names). Keep in step with the
    decoders: a pattern added there belongs here.
    """
    # The rows a regex need not see become "", not null: Polars runs a regex on the value a null
    # hides, so a null saves nothing.
    raw = pl.when(pl.col("raw").str.contains(RAW_WORDS)).then("raw").otherwise(pl.lit(""))
    # A change is read from "operation message"; without an operation that is the message itself.
    # No literal prefilter pays off there: a (?i) search for the change words costs what the full
    # pattern does. So the message is read once for both patterns, not copied into a joined column.
    alone = pl.col("operation").is_null()
    message = pl.when(alone).then("message").otherwise(pl.lit(""))
    with_operation = pl.when(~alone).then("message")
    # Polars skips a `then` that no row takes: a file without operations never joins a string.
    change = pl.when(~alone).then(
        pl.concat_str(["operation", with_operation], separator=" ", ignore_nulls=True)
    )
    return (
        raw.str.contains(RAW_PATTERN)
        | message.str.contains(MESSAGE_PATTERN)
        | with_operation.fill_null("").str.contains(INACTIVE_PATTERN)
        | change.str.contains(CHANGE_PATTERN)
    ).fill_null(False)
