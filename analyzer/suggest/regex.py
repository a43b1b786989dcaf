"""Rule-language text from a template: the Rust regex, string literals, and a regex check."""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from analyzer.redact import REDACTED
from analyzer.unknowns.masking import SINGLE_WORD_TOKENS, VARIABLE_TOKEN

_RUST_META = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~/])")
# A redacted secret is a variable part too: the real line holds the secret.
SECRET_TOKEN = "<SECRET>"


def template_regex(template: str, *, single_words: bool = True) -> str:
    """A Rust regex for a template: literal text escaped, variable tokens as generic classes.

    With `single_words`, tokens that never hold spaces become `\\S+`; the rest (and everything
    when it is off) become `.+?`. Leading and trailing variable parts are dropped (`~` searches).
    """
    pieces: list[tuple[bool, str]] = []  # (is_variable, regex)
    for n, token in enumerate(template.replace(REDACTED, SECRET_TOKEN).split(" ")):
        if n:
            pieces.append((False, r"\s+"))
        at = 0
        for found in VARIABLE_TOKEN.finditer(token):
            if found.start() > at:
                pieces.append((False, _RUST_META.sub(r"\\\1", token[at : found.start()])))
            word = single_words and (found.group() in SINGLE_WORD_TOKENS or found.group() == "<*>")
            pieces.append((True, r"\S+" if word else ".+?"))
            at = found.end()
        if at < len(token):
            pieces.append((False, _RUST_META.sub(r"\\\1", token[at:])))
    while pieces and (pieces[0][0] or pieces[0][1] == r"\s+"):
        pieces.pop(0)
    while pieces and (pieces[-1][0] or pieces[-1][1] == r"\s+"):
        pieces.pop()
    return "".join(regex for _, regex in pieces)


def literal_regex(text: str) -> str:
    """A Rust regex matching `text` literally, white space runs as `\\s+`."""
    return r"\s+".join(_RUST_META.sub(r"\\\1", part) for part in text.split())


def matches(pattern: str, messages: Sequence[str]) -> list[bool]:
    """Whether Polars' regex (the engine rules run on) finds `pattern` in each message."""
    found = pl.Series(messages, dtype=pl.String).str.contains(pattern)
    return [bool(v) for v in found.to_list()]


def string_literal(text: str) -> str:
    """A rule-language string: backslash, quote, newline and tab escaped (the parser's escapes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'
