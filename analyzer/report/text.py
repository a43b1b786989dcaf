"""Log text made safe to print: escape sequences and control characters stripped; timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# CSI, OSC (ended by BEL or ST), DCS/SOS/PM/APC strings, then any other two-byte ESC sequence.
_ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -~])"
)
# C0 except tab and newline, DEL, C1, and the bidi overrides that can make a line lie about itself.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_SPACES = re.compile(r"[ \t]+")

NONE = "—"


def clean(s: str) -> str:
    """The text without terminal escape sequences or control characters (newlines and tabs kept)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", s.replace("\r\n", "\n")))


def one_line(s: str | None, limit: int | None = None) -> str:
    """Clean text on one line, line breaks shown as ⏎, cut to `limit` characters with an …"""
    if s is None:
        return NONE
    text = _SPACES.sub(" ", _BREAKS.sub(" ⏎ ", clean(s))).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def counted(count: int, noun: str) -> str:
    """`1 file`, `1,386 files`: a count and its noun, plural when the count is not one."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def stamp(ts: datetime | None) -> str:
    """A timestamp in UTC as `YYYY-MM-DD HH:MM:SSZ`, or a dash."""
    if ts is None:
        return NONE
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%d %H:%M:%SZ")


def minute(ts: datetime | None) -> str:
    """A timestamp in UTC to the minute, for narrow table columns."""
    return stamp(ts)[:16] if ts is not None else NONE
