"""Secret redaction: one pattern list for Python strings, batches of them, and whole reports."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from analyzer.errors import ConfigError, Diagnostic, Location

if TYPE_CHECKING:
    from pydantic import BaseModel

REDACTED = "[REDACTED]"

# Value of a secret: the marker itself first so that redaction is idempotent (Rust regex and
# Python `re` both pick the leftmost alternative), then anything up to a delimiter.
_VALUE = r"(?:\[REDACTED\]|[^\s\"',;&}<>\]]+)"
# Header and token values are base64 or hex: a closing parenthesis after them is prose, not secret.
_HEADER_VALUE = r"(?:\[REDACTED\]|[^\s\"',;()]+)"
_SECRET_NAMES = (
    r"[a-z0-9_.-]*?(?:passwd|password|passphrase|pwd|pass|secret|credentials?|"
    r"(?:api|access|secret|private|dev|subscription|sso|client|auth|signing|master|account)[_-]?key|"
    r"apikey|devkey|(?:access|refresh|id|auth|session|csrf|bearer|api)?[_-]?token|"
    r"signature|client[_-]?assertion)"
)
_PEM_BEGIN = r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: str  # Rust-regex and Python-re compatible: no look-around, flags only up front
    replacement: str  # Polars/Rust syntax: ${1} keeps a group


# Order matters: whole blocks and headers before the generic key=value forms.
_PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        rf"({_PEM_BEGIN})(?:\[REDACTED\]|[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*)",
        "${1}" + REDACTED,
    ),
    _Pattern(
        r"(?i)(\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|basic|digest|token|"
        r"negotiate|ntlm|sso-key|apikey|aws4-hmac-sha256)\s+)?)" + _HEADER_VALUE,
        "${1}" + REDACTED,
    ),
    _Pattern(
        r"(?i)(\b(?:x-dc-devkey|x-api-key|x-apikey|api-key|x-auth-token|x-vault-token|"
        r"ocp-apim-subscription-key|x-amz-security-token|cookie|set-cookie)[\"']?\s*[:=]\s*[\"']?)"
        + _HEADER_VALUE,
        "${1}" + REDACTED,
    ),
    _Pattern(r"(?i)(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*", "${1}" + REDACTED),
    _Pattern(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", REDACTED),
    _Pattern(
        r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@\"'<>]+:)[^/\s@\"'<>]+(@)", "${1}" + REDACTED + "${2}"
    ),
    _Pattern(
        r"(?i)([?&](?:[a-z0-9_.-]*?(?:api[_-]?key|apikey|access[_-]?token|token|key|secret|"
        r"password|passwd|sig|signature|auth|code|client[_-]?secret|x-amz-signature|x-amz-credential))=)"
        r"(?:\[REDACTED\]|[^&\s#\"'<>]+)",
        "${1}" + REDACTED,
    ),
    _Pattern(rf"(?i)(\b{_SECRET_NAMES}[\"']?\s*[:=]\s*\")[^\"]*", "${1}" + REDACTED),
    _Pattern(rf"(?i)(\b{_SECRET_NAMES}[\"']?\s*[:=]\s*')[^']*", "${1}" + REDACTED),
    _Pattern(rf"(?i)(\b{_SECRET_NAMES}[\"']?\s*[:=]\s*){_VALUE}", "${1}" + REDACTED),
    _Pattern(
        r"(?i)(<[a-z0-9_:-]*?(?:password|passwd|secret|token|apikey|api_key|privatekey)>)[^<]*",
        "${1}" + REDACTED,
    ),
    _Pattern(
        r"(?i)(--(?:password|passwd|client-secret|api-key|apikey|token|secret)[= ])" + _VALUE,
        "${1}" + REDACTED,
    ),
    _Pattern(
        r"(?i)(\b(?:password|passwd|secret|token|api[ _-]?key)\s+(?:is\s+|was\s+|of\s+)?)([\"'])"
        r"[^\"'\s]+([\"'])",
        "${1}${2}" + REDACTED + "${3}",
    ),
    _Pattern(r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b", REDACTED),
    _Pattern(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b", REDACTED),
    _Pattern(r"\bgithub_pat_[A-Za-z0-9_]{30,}\b", REDACTED),
    _Pattern(r"\bxox[abposr]-[A-Za-z0-9-]{10,}", REDACTED),
    _Pattern(r"\bAIza[0-9A-Za-z_-]{35}\b", REDACTED),
    _Pattern(r"\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}\b", REDACTED),
)

_PY_GROUP = re.compile(r"\$\{(\d+)\}")
_CACHE_LIMIT = 200_000
# Every built-in pattern needs one of these (lower-case) words: text without any skips the regexes.
# A user pattern has no known word, so a Redactor with extra patterns always runs them all.
_KEYWORDS = (
    "private key", "key", "token", "cookie", "bearer", "eyj", "@", "secret", "pass", "pwd",
    "sig", "auth", "code", "x-amz", "credential", "assertion", "akia", "asia", "abia", "acca",
    "a3t", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "aiza", "k_live",
    "k_test",
)  # fmt: skip


# Characters on which Python's `re` and Rust's regex may disagree for the patterns above.
_BEYOND_SHARED_ASCII = r"[^\x00-\x1b\x20-\x7f]"

_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def _scoped(regex: str) -> str:
    """A pattern as one alternative of a union: leading flags `(?i)` become a scoped `(?i:...)`."""
    flags = _LEADING_FLAGS.match(regex)
    if flags:
        return f"(?{flags.group(1)}:{regex[flags.end() :]})"
    return f"(?:{regex})"


def _python_replacement(replacement: str) -> str:
    return _PY_GROUP.sub(r"\\g<\1>", replacement)


def _check_pattern(pattern: str) -> None:
    """Reject a pattern that either regex engine refuses: texts() screens with Rust, text() uses re."""
    problem: str | None = None
    try:
        re.compile(pattern)
        pl.select(pl.lit("").str.contains(pattern)).item()
    except (re.error, pl.exceptions.PolarsError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if problem is not None:
        raise ConfigError(
            Diagnostic(
                code="redact-pattern",
                message=f"invalid redaction pattern {pattern!r}: {problem}",
                location=Location("<redaction patterns>"),
                hint="use Rust regex syntax without look-around; put flags like (?i) at the start",
            )
        )


class Redactor:
    """Replaces secrets with `[REDACTED]`, keeping the key or header name visible."""

    def __init__(self, extra_patterns: Sequence[str] = ()) -> None:
        for pattern in extra_patterns:
            _check_pattern(pattern)
        self._patterns = _PATTERNS + tuple(_Pattern(p, REDACTED) for p in extra_patterns)
        self._compiled = [
            (re.compile(p.regex), _python_replacement(p.replacement)) for p in self._patterns
        ]
        # One pass decides whether any pattern can apply: most log text holds no secret, and a
        # report repeats the same strings (titles, fixes) thousands of times, hence the cache.
        self._union = "|".join(_scoped(p.regex) for p in self._patterns)
        self._any = re.compile(self._union)
        # One scan for all the keywords (the same test as `any(k in lowered for k in keywords)`).
        self._keywords = (
            None if extra_patterns else re.compile("|".join(re.escape(k) for k in _KEYWORDS))
        )
        self._cache: dict[str, str] = {}

    def text(self, s: str) -> str:
        """The string with every secret replaced."""
        cached = self._cache.get(s)
        if cached is not None:
            return cached
        out = s
        lowered = s.lower()
        maybe = self._keywords is None or self._keywords.search(lowered) is not None
        if maybe and self._any.search(s):
            for regex, replacement in self._compiled:
                out = regex.sub(replacement, out)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[s] = out
        return out

    def texts(self, values: Sequence[str | None]) -> list[str | None]:
        r"""text() of every value (None stays None), each distinct value once, screened first.

        Python's regexes backtrack: a built-in pattern such as `\b[a-z0-9_.-]*?(?:pass|...)` is
        quadratic on a long run of name characters (a SAN list: a millisecond a string). Rust's
        regex engine runs the union of the patterns in linear time over all the values at once;
        only those it matches go through text(), the others hold nothing to redact. The engines
        agree on ASCII text only (Python's case folding takes `İ` for `i`, its `\s` takes the
        separators \x1c-\x1f): any other value goes through text() unscreened.
        """
        done: dict[str | None, str | None] = {None: None}
        fresh = []
        for value in set(values):
            cached = self._cache.get(value) if value is not None else None
            if cached is not None:
                done[value] = cached
            elif value is not None:
                fresh.append(value)
        if fresh:
            series = pl.Series(fresh, dtype=pl.String)
            unsure = series.str.contains(_BEYOND_SHARED_ASCII)
            matched = (unsure | series.str.contains(self._union)).to_list()
            for value, hit in zip(fresh, matched, strict=True):
                done[value] = self.text(value) if hit else value
        return [done[value] for value in values]


# Fields written by certriage and its rule pack, never copied from a log: redacting them would only
# mangle prose such as "credentials: the API key ..." in a fix.
_AUTHORED = frozenset({"fix", "title", "why_not", "root_cause", "rule", "side", "severity"})


def redact_value(value: Any, redactor: Redactor) -> Any:
    """Dumped report data (or any part of it) with every free-text value redacted."""
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, list):
        return [redact_value(v, redactor) for v in value]
    if isinstance(value, dict):
        # Keys are ids (root causes, rules, connectors); values carry the free text.
        return {k: v if k in _AUTHORED else redact_value(v, redactor) for k, v in value.items()}
    return value


M = TypeVar("M", bound="BaseModel")


def redact_report(report: M, redactor: Redactor) -> M:
    """A copy of the report (or any part of it) with every free-text field redacted."""
    data = report.model_dump(mode="python")
    return type(report).model_validate(redact_value(data, redactor))


def find_private_keys(events: pl.DataFrame) -> pl.DataFrame:
    """Rows (source_file, line) whose raw text holds a private-key PEM block: a security finding."""
    return (
        events.lazy()
        .filter(pl.col("raw").str.contains(_PEM_BEGIN))
        .select(pl.col("source_file"), pl.col("line"))
        .unique()
        .sort("source_file", "line")
        .collect()
    )
