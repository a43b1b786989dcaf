"""Regexes of rules: flags as inline groups, validation by Polars itself, named capture groups."""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from analyzer.dsl import ast

FLAGS = frozenset("imsxU")
# Rust regex accepts both `(?P<name>...)` and `(?<name>...)`.
_NAMED_GROUP = re.compile(r"(?<!\\)\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")


def rust_pattern(regex: ast.Regex) -> str:
    """The pattern as Polars runs it: flags become an inline group, e.g. `/x/i` → `(?i)x`."""
    flags = "".join(sorted(set(regex.flags) & FLAGS))
    return f"(?{flags}){regex.pattern}" if flags else regex.pattern


def bad_flags(regex: ast.Regex) -> str:
    """The flags after the closing slash that Rust regex does not know."""
    return "".join(f for f in regex.flags if f not in FLAGS)


def capture_names(regex: ast.Regex) -> tuple[str, ...]:
    """Names of the named capture groups, in order."""
    return tuple(_NAMED_GROUP.findall(regex.pattern))


@cache
def regex_error(pattern: str) -> tuple[str, int | None] | None:
    """Compile with Polars (which will run it): the error and caret offset, or None."""
    try:
        pl.select(pl.lit("").str.contains(pattern))
    except pl.exceptions.PolarsError as error:
        return _explain(str(error), pattern)
    return None


def _explain(text: str, pattern: str) -> tuple[str, int | None]:
    lines = text.splitlines()
    reason = next(
        (ln.removeprefix("error:").strip() for ln in lines if ln.startswith("error:")), ""
    )
    offset = None
    for i, line in enumerate(lines[:-1]):
        if line.strip() == pattern.strip() and "^" in lines[i + 1]:
            offset = lines[i + 1].index("^") - line.index(pattern.strip()[:1] or " ")
            break
    return reason or lines[-1] if lines else text, offset
