"""Message masking: ids, hosts, numbers and the like become `<TOKEN>`s, leaving the shape."""

from __future__ import annotations

import re
from typing import Final

import polars as pl

# Every mask is (token, Rust regex, replacement). Order matters: a timestamp holds numbers and
# colons, a URL holds a host, a DN holds spaces, so the wider shapes go first. Rust regex has no
# look-around, so "followed by" conditions are a captured group put back in the replacement.
_TLDS = (
    "com|net|org|io|co|de|uk|fr|nl|ch|at|be|se|no|dk|fi|it|es|pl|us|ca|au|jp|cn|in|br|eu|"
    "local|internal|lan|corp|intra|intranet|test|example|invalid|localhost|cloud|dev|app|"
    "gov|edu|mil|biz|info"
)
_DN_ATTR = r"(?:CN|OU|O|L|ST|C|DC|E|SERIALNUMBER)"

# HTTP status codes after "HTTP" / "status" / "code" and vendor error codes decide the error:
# they survive number masking behind this marker and are restored afterwards.
_KEEP = "Qzq"

MASKS: Final[list[tuple[str, str, str]]] = [
    (
        "TS",
        r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
        r"|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b",
        "<TS>",
    ),
    ("URL", r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+", "<URL>"),
    ("EMAIL", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", "<EMAIL>"),
    ("UUID", r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<UUID>"),
    (
        "DN",
        rf"\b{_DN_ATTR}=[^,=\n]+(?:,\s*{_DN_ATTR}=[^,=\n]+)*,\s*{_DN_ATTR}=[\w.*@-]+",
        "<DN>",
    ),
    ("ORDER", r"(?i)\bORD(?:ER)?[-_]?\d+\b", "<ORDER>"),
    ("SERIAL", r"\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){3,}\b", "<SERIAL>"),
    (
        "IP",
        r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,7}(?::[0-9a-f]{1,4}){1,7}\b"
        r"|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b",
        "<IP>",
    ),
    # A host is dotted labels ending in a known TLD, not followed by `.Name` (so that
    # `java.net.SocketTimeoutException` keeps its class name).
    (
        "HOST",
        rf"(?i)(?:\*\.)?\b((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS}))(?::\d{{1,5}})?"
        r"(\.?[^.\w]|\.?$)",
        "<HOST>${2}",
    ),
    ("HEX", r"\b[0-9A-Fa-f]{12,}\b", "<HEX>"),
    # Single-quoted names ('Web Server v2') are values; an apostrophe inside a word is not a quote.
    ("STR", r"(^|[\s(\[=:,])'[^'\n]{1,80}'(\W|$)", "${1}<STR>${2}"),
    (
        "KEEP",
        r"(?i)\b(https?(?:/[\d.]+)?|status(?:[ _]?code)?|http_status|code)"
        r"(\s*[:=]?\s*)([1-5]\d\d)\b",
        "${1}${2}" + _KEEP + "${3}",
    ),
    # Vendor error codes (EMS-956, PLG-4411) name the error: their number is not a variable.
    ("KEEP", r"\b([A-Z][A-Z0-9]{1,9}[-_])(\d+)\b", "${1}" + _KEEP + "${2}"),
    ("NUM", r"\b\d+(?:[.,]\d+)*(?:ms|s|m|h|d|kb|mb|gb|b|%)?\b", "<NUM>"),
    ("UNKEEP", _KEEP + r"(\d+)", "${1}"),
]

TOKENS: Final[frozenset[str]] = frozenset(
    f"<{name}>" for name, _, _ in MASKS if name not in {"KEEP", "UNKEEP"}
) | {"<*>"}

# Tokens that never hold white space in the original text; the others may (a DN, a quoted name,
# a timestamp with a space, a run of hosts collapsed into one token).
SINGLE_WORD_TOKENS: Final[frozenset[str]] = frozenset(
    {"<URL>", "<EMAIL>", "<UUID>", "<ORDER>", "<SERIAL>", "<IP>", "<HOST>", "<HEX>", "<NUM>"}
)

VARIABLE_TOKEN = re.compile(r"<(?:[A-Z]+|\*)>")


def collapse_runs(expr: pl.Expr) -> pl.Expr:
    """Runs of one token (`<HOST>, <HOST> and <HOST>`) become one: list lengths split no cluster."""
    for token in sorted(TOKENS - {"<*>"}):
        run = rf"{re.escape(token)}(?:(?:\s*[,;]\s*|\s+(?:and\s+|or\s+)?){re.escape(token)})+"
        expr = expr.str.replace_all(run, token)
    return expr


def first_line(expr: pl.Expr) -> pl.Expr:
    """The first non-blank line of a (possibly multi-line) message, stripped."""
    return expr.str.strip_chars().str.extract(r"^([^\r\n]*)", 1).str.strip_chars()


def mask(expr: pl.Expr, *, collapse: bool = True) -> pl.Expr:
    """Vectorised masking of a message column: ids, hosts, numbers, ... become `<TOKEN>`s.

    `collapse=False` leaves runs of tokens for `collapse_runs`, which callers may then apply to
    the distinct values only (the run patterns are many; distinct shapes are few).
    """
    out = first_line(expr)
    for _, pattern, replacement in MASKS:
        out = out.str.replace_all(pattern, replacement)
    out = out.str.replace_all(r"\s+", " ").str.strip_chars()
    return collapse_runs(out) if collapse else out


def mask_text(text: str) -> str:
    """Mask one message (tests and the rule suggester use it; the hot path uses `mask`)."""
    frame = pl.DataFrame({"m": [text]}, schema={"m": pl.String()})
    value = frame.select(mask(pl.col("m")))["m"][0]
    return str(value) if value is not None else ""
