"""Large text files cut into slices of lines, each starting where an event starts.

A text file parsed whole as columns takes about ten times its size in memory; parsed slice by
slice it takes that of one slice. No event is cut: every slice after the first opens with a line
that starts an event in the whole file too (`text.opens_event`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl

from analyzer.readers.text import Layout, opens_event

# Characters looked at after a slice's nominal end for a line that opens an event, doubled until
# one is found or the text ends (a stack trace of megabytes stays in one slice).
_PROBE = 1 << 16


def text_slices(text: str, size: int, layouts: Sequence[Layout] = ()) -> Iterator[tuple[int, str]]:
    """(lines before the slice, slice): consecutive slices of about `size` characters or more
    that together are `text`."""
    start, before = 0, 0
    while True:
        cut = _cut(text, start + size, layouts) if len(text) - start > size else None
        piece = text[start:cut]
        yield before, piece
        if cut is None:
            return
        before += piece.count("\n")
        start = cut


def _cut(text: str, near: int, layouts: Sequence[Layout]) -> int | None:
    """Where the first line at or after `near` that opens an event begins; None if none does."""
    first = text.find("\n", near - 1) + 1  # the first line start at or after `near`
    probe = _PROBE
    while 0 < first < len(text):
        block = text[first : first + probe]
        lines = block.split("\n")
        if first + probe < len(text):
            lines.pop()  # cut short by the probe; looked at with the next, longer probe
        # Lines as numbered_lines gives them: without their carriage return.
        raw = pl.Series([line.removesuffix("\r") for line in lines], dtype=pl.String)
        opening = opens_event(raw, layouts).arg_true()
        if not opening.is_empty():
            index = int(opening[0])
            return first + sum(len(line) + 1 for line in lines[:index])
        if first + probe >= len(text):
            return None
        probe *= 2
    return None
