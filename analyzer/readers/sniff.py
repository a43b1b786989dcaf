"""Sniffing: which kind of log a file is (override, name, fields) and which format it has."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from analyzer.schema import Kind


class Format(StrEnum):
    JSONL = "jsonl"
    JSON_ARRAY = "json"
    CSV = "csv"
    TSV = "tsv"
    XLSX = "xlsx"
    TEXT = "text"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Guess:
    """A sniffing decision and how sure it is; `why` is shown when it is not sure."""

    value: str
    confidence: Confidence
    why: str


# LOG_FORMATS.md "Three log kinds": file-name words, earliest match wins a tie.
_NAME_WORDS: dict[Kind, re.Pattern[str]] = {
    Kind.AUDIT: re.compile(r"audit"),
    # Raw API responses belong to order submission (LOG_FORMATS.md: "raw API error bodies").
    Kind.ORDER: re.compile(r"order|submission|request|report|response"),
    Kind.BOT: re.compile(r"bot|agent|provision|orchestrat"),
    Kind.CONNECTOR: re.compile(r"connector|integration|(?:^|[^a-z])ca[-_]"),
}

DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt.md")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_SAMPLE_LINES = 50
# Sniffing looks at this much of the text at most: never a copy of a whole 200 MB file.
_SAMPLE_CHARS = 1 << 20
_TAIL_CHARS = 4096
_LEADING_SPACE = re.compile(r"\s*")


def kind_from_name(name: str) -> Guess | None:
    """The kind a file name announces (`connector-validation.log` → connector), if any."""
    lower = name.lower()
    hits = sorted(
        (match.start(), kind) for kind, word in _NAME_WORDS.items() if (match := word.search(lower))
    )
    if not hits:
        return None
    first = hits[0][1]
    if len({kind for _, kind in hits}) == 1:
        return Guess(first.value, Confidence.HIGH, f"file name says {first.value}")
    others = ", ".join(sorted({k.value for _, k in hits} - {first.value}))
    return Guess(first.value, Confidence.MEDIUM, f"file name could also mean {others}")


def kind_from_fields(present: Collection[str]) -> Guess:
    """The kind the fields point to, given canonical columns with values and raw key names."""
    if {"user", "module", "activity"} <= set(present):
        return Guess(Kind.AUDIT.value, Confidence.MEDIUM, "fields user/module/activity")
    scores = {
        Kind.ORDER: len(
            {"order_id", "template", "cert_type", "status", "common_name"} & set(present)
        ),
        Kind.BOT: len({"bot", "step", "result", "attempt"} & set(present)),
        Kind.CONNECTOR: len({"connector", "endpoint", "ca_type", "operation"} & set(present)),
    }
    best = max(scores.values())
    if best == 0:
        return Guess(Kind.OTHER.value, Confidence.LOW, "no file-name hint and no telling fields")
    winners = [kind for kind, score in scores.items() if score == best]
    kind = winners[0]
    confidence = Confidence.MEDIUM if len(winners) == 1 else Confidence.LOW
    return Guess(kind.value, confidence, f"guessed {kind.value} from its fields")


def _sample(text: str) -> list[str]:
    lines: list[str] = []
    parts = text[:_SAMPLE_CHARS].splitlines()
    if len(text) > _SAMPLE_CHARS and len(parts) > 1:
        parts.pop()  # cut short by the sample
    for line in parts:
        if line.strip():
            lines.append(line.strip())
            if len(lines) == _SAMPLE_LINES:
                break
    return lines


def _ends_with_bracket(text: str) -> bool:
    """`text.rstrip().endswith("]")` without copying the text."""
    end = len(text)
    while end > 0:
        tail = text[max(0, end - _TAIL_CHARS) : end].rstrip()
        if tail:
            return tail.endswith("]")
        end -= _TAIL_CHARS
    return False


def sniff_format(name: str, text: str) -> Guess:
    """The format of decoded content; the file extension only breaks ties."""
    suffix = name.lower().rpartition(".")[2]
    start = _LEADING_SPACE.match(text)
    head = text[start.end() : start.end() + 2] if start else text[:2]
    opens_array = head[1:2] in ("{", "]") or (
        (head[1:2] in ("\n", "\r", "") or suffix == "json") and _ends_with_bracket(text)
    )
    if head.startswith("[") and opens_array:
        return Guess(Format.JSON_ARRAY, Confidence.HIGH, "starts with a JSON array")
    sample = _sample(text)
    if not sample:
        return Guess(Format.TEXT, Confidence.LOW, "no content")
    objects = sum(line.startswith("{") for line in sample) / len(sample)
    if objects >= 0.5:
        sure = objects >= 0.9 or suffix in {"jsonl", "ndjson", "json"}
        return Guess(
            Format.JSONL,
            Confidence.HIGH if sure else Confidence.MEDIUM,
            f"{objects:.0%} of the first lines are JSON objects",
        )
    if suffix == "tsv":
        return Guess(Format.TSV, Confidence.HIGH, "extension .tsv")
    if suffix == "csv":
        return Guess(Format.CSV, Confidence.HIGH, "extension .csv")
    for sep, fmt in (("\t", Format.TSV), (",", Format.CSV)):
        counts = [line.count(sep) for line in sample[:10]]
        header = sample[0]
        if (
            counts[0] >= 2
            and not re.match(r"^\S*\d{2}:\d{2}", header)
            and not header.startswith("[")
        ):
            agree = sum(c >= counts[0] for c in counts) / len(counts)
            if agree >= 0.8:
                return Guess(fmt, Confidence.MEDIUM, f"header row with {counts[0] + 1} columns")
    return Guess(
        Format.TEXT,
        Confidence.HIGH if suffix in {"log", "txt", "out"} else Confidence.MEDIUM,
        "text lines",
    )
