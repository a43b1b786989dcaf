"""Text logs: layouts by vectorised regexes, logfmt pairs, continuation lines joined to events."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from analyzer.readers.parsed import ROW, Parsed, numbered_lines
from analyzer.readers.states import LEVEL_WORDS
from analyzer.readers.timestamps import ISO_TS, SYSLOG_TS


@dataclass(frozen=True)
class Layout:
    """A named line layout: a Rust regex whose named groups become fields (`message`, `ts`, ...).

    A `head` layout matches only the start of a line; the rest of the line is the message. That
    is the built-ins' form: Rust regex resolves capture groups over the match only, so leaving
    the message out of the match makes extraction several times faster on long lines.

    `strict`, when given to a head layout, is a narrower pattern with the same groups in the
    same order that gives the same captures as `pattern` on every line it matches, and is
    one-pass (at each byte one way on), so Rust regex resolves its groups with its fast
    one-pass engine instead of backtracking; lines it does not match take `pattern`.
    """

    name: str
    pattern: str
    head: bool = False
    strict: str | None = None


_LV = "(?i:" + "|".join(LEVEL_WORDS) + ")"
_LOGGER = r"[A-Za-z_][\w.$`+]*"


def _longest_first(word: str) -> tuple[int, str]:
    return -len(word), word


# The strict forms' pieces: ASCII only, one space character between fields, level words in
# lower, upper or title case. Where they match, the general pieces match the same text: the
# general white space runs and level and logger words are greedy and end where these end (the
# next character cannot continue them; level words are letters, so the general alternation,
# longest first, takes the whole word), a general time takes its optional zone only when a zone
# follows (no level word and no `[` starts with `Z`, `+` or `-`; a logger named `Z` then fails
# the general pattern's next `\s+`). Trailing white space is matched by the general pieces
# themselves, so the head ends where the general head ends.

_STRICT_TS = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?Z?"
_STRICT_LV = (
    "(?:"
    + "|".join(
        sorted({v for w in LEVEL_WORDS for v in (w, w.upper(), w.title())}, key=_longest_first)
    )
    + ")"
)
_STRICT_LOGGER = r"[A-Za-z_][A-Za-z0-9_.$`+]*"

# LOG_FORMATS.md "Text lines", most specific first: the first layout that matches a line wins.
BUILTIN_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "nlog",
        rf"^(?P<ts>{ISO_TS})\s+(?P<logger>{_LOGGER})\s+\[(?P<level>{_LV})\]\s*(?:-\s*)?",
        True,
        rf"^(?P<ts>{_STRICT_TS}) +(?P<logger>{_STRICT_LOGGER}) +\[(?P<level>{_STRICT_LV})\]\s*(?:-\s*)?",
    ),
    Layout(
        "log4j",
        rf"^(?P<ts>{ISO_TS})\s+(?P<level>{_LV})\s+\[(?P<thread>[^\]]*)\]\s+(?P<logger>{_LOGGER})\s+-\s?",
        True,
        rf"^(?P<ts>{_STRICT_TS}) +(?P<level>{_STRICT_LV}) +\[(?P<thread>[^\]]*)\] +(?P<logger>{_STRICT_LOGGER}) +-\s?",
    ),
    Layout(
        "logfmt",
        rf"^(?P<ts>{ISO_TS})\s+\[?(?P<level>{_LV})\]?(?:\s+|:\s*|$)(?:\[(?P<component>[^\]]*)\]\s*)?",
        True,
        # With its component: the general form's optional group then matches too (greedy).
        rf"^(?P<ts>{_STRICT_TS}) +(?P<level>{_STRICT_LV}) +\[(?P<component>[^\]]*)\]\s*",
    ),
    Layout("bracketed", rf"^\[(?P<level>{_LV})\]\s*(?:\[(?P<component>[^\]]*)\]\s*)?", True),
    Layout(
        "syslog",
        rf"^(?P<ts>{SYSLOG_TS})\s+(?P<host>\S+)\s+(?P<app>[^\s\[:]+)(?:\[(?P<pid>\d+)\])?:\s?",
        True,
    ),
    Layout("timestamped", rf"^\[?(?P<ts>{ISO_TS})\]?\s+", True),
)
FALLBACK = "plain"

# Lines that continue the event above: indentation, Java and Python stack traces.
_CONTINUATION = r"^(?:\s|at\s|Caused by:|Suppressed:|Traceback|\.\.\. \d+ more|During handling)"
_BLANK = r"^\s*$"
_PAIR = r"""[A-Za-z_][\w.\-]*=(?:"(?:[^"\\]|\\.)*"|\S+)"""
# A line of only printable ASCII tokens separated by spaces, each a word without `=` or `"`, a
# `key=value` with no `"` in the value, or a `key="quoted value"` without `"` or `\` inside:
# _PAIR finds exactly its key=value tokens there (no Unicode white space, no escapes, no quote
# that is not a quoted value's), so _simple_pairs may split it instead.
_SIMPLE_KEY = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_SIMPLE_LINE = (
    r"^ *(?:(?:[!#-<>-~]+"
    rf"|{_SIMPLE_KEY}=[!#-~]+"
    rf'|{_SIMPLE_KEY}="[ !#-\[\]-~]*"'
    r")(?: +|$))*$"
)
# A file is "timestamped" when this share of its non-blank lines opens with a known header;
# then a line without one is a continuation (the unindented first line of a stack trace).
_HEADED_SHARE = 0.2


def _match_layouts(lines: pl.DataFrame, layouts: Sequence[Layout]) -> pl.DataFrame:
    """`layout`: the first layout whose pattern matches the line, else FALLBACK.

    Each layout is tried only on the lines no layout before it matched, so a file written in
    one layout costs about one regex pass instead of one per layout.
    """
    chosen = pl.repeat(FALLBACK, lines.height, dtype=pl.String, eager=True)
    todo = lines["raw"]
    rows: pl.Series | None = None  # positions of `todo` in `lines`; None while it is all of them
    for layout in layouts:
        if todo.is_empty():
            break
        hit = todo.str.contains(layout.pattern).fill_null(False)
        found = hit.arg_true()
        if found.is_empty():
            continue
        chosen.scatter(found if rows is None else rows.gather(found), layout.name)
        rows = (~hit).arg_true() if rows is None else rows.filter(~hit)
        todo = todo.filter(~hit)
    return lines.with_columns(chosen.alias("layout"))


def _groups(subset: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """The named groups of `layout` in each line of `subset`; for a head layout the rest of the
    line as `message` (the match is the head; `str.slice` counts characters, as len_chars)."""
    if layout.strict is None or not layout.head:
        groups = _captures(subset["raw"], layout.pattern, layout.head)
    else:
        groups = _captures(subset["raw"], layout.strict, head=True)
        # A null head: the strict form did not match; the general pattern reads those lines.
        missed = groups["_head"].is_null().arg_true()
        if not missed.is_empty():
            general = _captures(subset["raw"].gather(missed), layout.pattern, head=True)
            groups = groups.with_columns(
                groups[c].scatter(missed, general[c]) for c in groups.columns
            )
    if layout.head:
        rest = subset["raw"].str.slice(groups["_head"].str.len_chars())
        groups = groups.drop("_head").with_columns(rest.alias("message"))
    return groups


def _captures(raw: pl.Series, pattern: str, head: bool) -> pl.DataFrame:
    """extract_groups of `pattern` as columns; for a head pattern the whole match first, `_head`."""
    if head:
        pattern = f"^(?P<_head>{pattern.removeprefix('^')})"
    return raw.to_frame().select(pl.col("raw").str.extract_groups(pattern).alias("_g")).unnest("_g")


def _extract(
    heads: pl.DataFrame, layouts: Sequence[Layout], in_file: Collection[str] = ()
) -> pl.DataFrame:
    """Each line's layout groups as columns, in layout order. A layout of `in_file` (the whole
    file's, when `heads` are a slice's) adds its columns even when no line here has it, so that
    every slice's columns come in the whole file's order."""
    parts = [heads.filter(pl.col("layout") == FALLBACK).with_columns(message=pl.col("raw"))]
    for layout in layouts:
        subset = heads.filter(pl.col("layout") == layout.name)
        if subset.is_empty() and layout.name not in in_file:
            continue
        parts.append(pl.concat([subset, _groups(subset, layout)], how="horizontal"))
    extracted = pl.concat(parts, how="diagonal_relaxed")
    # Each part is in line order: only lines of several layouts need sorting back together.
    return extracted.sort("line") if sum(not p.is_empty() for p in parts) > 1 else extracted


def _regex_pairs(events: pl.DataFrame) -> pl.DataFrame:
    """`key=value` and `key="quoted value"` pairs of each event's first line: (_row, key, value)."""
    found = (
        events.select(ROW, pl.col("head").str.extract_all(_PAIR).alias("_kv"))
        .explode("_kv")
        .drop_nulls("_kv")
        # Split at the first "=" (str.find gives a byte offset, str.slice counts characters: a
        # key such as `clé` would be cut in the wrong place).
        .select(
            ROW,
            pl.col("_kv").str.splitn("=", 2).struct.rename_fields(["key", "value"]).alias("_p"),
        )
        .unnest("_p")
    )
    value = pl.col("value")
    quoted = value.str.starts_with('"') & value.str.ends_with('"') & (value.str.len_bytes() >= 2)
    inner = value.str.slice(1, value.str.len_chars() - 2).str.replace_all('\\"', '"', literal=True)
    # Unquote only the quoted values (a minority), not every value.
    where = found.select(quoted).to_series().arg_true()
    if where.is_empty():
        return found
    unquoted = found.select(pl.col("value").gather(where)).select(inner).to_series()
    return found.with_columns(found["value"].scatter(where, unquoted))


def _simple_pairs(events: pl.DataFrame) -> pl.DataFrame:
    """What _regex_pairs gives, for first lines that match _SIMPLE_LINE, without the regex.

    On such a line every `"` opens or closes a quoted value and every other pair is a
    space-separated `key=value` token, so splitting at quotes, then at spaces, finds the pairs
    _PAIR finds, in the same order (a few times cheaper than extract_all's search).
    """
    segments = (
        events.select(ROW, pl.col("head").str.split('"').alias("_seg"))
        .with_columns(
            pl.int_ranges(pl.col("_seg").list.len(), dtype=pl.UInt32).alias("_at"),
            (pl.col("_seg").list.len() - 1).cast(pl.UInt32).alias("_last"),
        )
        .explode(["_seg", "_at"])
    )
    inside = (pl.col("_at") % 2) == 1
    # Odd segments are the quoted values, in the order of the `key=` tokens that open them.
    quoted_values = segments.filter(inside)["_seg"]
    tokens = (
        segments.filter(~inside)
        .select(
            ROW,
            pl.col("_seg").str.split(" ").alias("_tok"),
            (pl.col("_at") < pl.col("_last")).alias("_opens"),
        )
        .with_columns(
            pl.int_ranges(pl.col("_tok").list.len(), dtype=pl.UInt32).alias("_at"),
            (pl.col("_tok").list.len() - 1).cast(pl.UInt32).alias("_last"),
        )
        .explode(["_tok", "_at"])
        .filter(pl.col("_tok").str.contains("=", literal=True))
    )
    # The last token of a segment followed by a quoted value is its `key=`.
    opening = tokens.select(pl.col("_opens") & (pl.col("_at") == pl.col("_last"))).to_series()
    found = tokens.select(
        ROW, pl.col("_tok").str.splitn("=", 2).struct.rename_fields(["key", "value"]).alias("_p")
    ).unnest("_p")
    if quoted_values.is_empty():
        return found
    value = found["value"].scatter(opening.arg_true(), quoted_values)
    return found.with_columns(value)


def _pairs(events: pl.DataFrame) -> pl.DataFrame:
    """`key=value` and `key="quoted value"` pairs of each event's first line: (_row, key, value).

    Lines of the simple form (nearly all) are split; only the others pay for the regex search.
    """
    simple = events.select(pl.col("head").str.contains(_SIMPLE_LINE).fill_null(False)).to_series()
    if simple.all():
        return _simple_pairs(events)
    if not simple.any():
        return _regex_pairs(events)
    parts = [_simple_pairs(events.filter(simple)), _regex_pairs(events.filter(~simple))]
    # Both parts are in row order; a stable sort by row interleaves them as one pass would.
    return pl.concat(parts).sort(ROW, maintain_order=True)


def _blank(lines: pl.DataFrame) -> pl.Series:
    """Lines of only white space (as strip_chars sees it), without stripping a copy of each."""
    return lines.select(pl.col("raw").str.contains(_BLANK)).to_series()


def _header_counts(lines: pl.DataFrame, blank: pl.Series) -> tuple[int, int]:
    """(non-blank lines, non-blank lines that open with a known header) of layout-matched lines."""
    filled = ~pl.lit(blank)
    counts = lines.select(
        filled.sum().alias("lines"),
        (filled & (pl.col("layout") != FALLBACK)).sum().alias("headers"),
    ).row(0)
    return int(counts[0] or 0), int(counts[1] or 0)


@dataclass(frozen=True)
class Heads:
    """What parsing a slice of a file needs to know of the whole file (sum the slices')."""

    headed: int  # non-blank lines
    headers: int  # non-blank lines that open with a known header
    layouts: frozenset[str]  # the layouts some line matches

    def __add__(self, other: Heads) -> Heads:
        return Heads(
            self.headed + other.headed, self.headers + other.headers, self.layouts | other.layouts
        )

    @property
    def timestamped(self) -> bool:
        return is_timestamped(self.headed, self.headers)


def heads_of(text: str, layouts: Sequence[Layout] = ()) -> Heads:
    """The `Heads` of `text`."""
    lines = _match_layouts(numbered_lines(text), [*layouts, *BUILTIN_LAYOUTS])
    found = lines.get_column("layout").unique().to_list()
    return Heads(*_header_counts(lines, _blank(lines)), frozenset(found))


def is_timestamped(headed: int, headers: int) -> bool:
    """A file is timestamped when enough of its non-blank lines open with a known header; then
    a line without one continues the event above (the unindented first line of a stack trace)."""
    return headed > 0 and headers / headed >= _HEADED_SHARE


def _grouped(
    lines: pl.DataFrame, layouts: Sequence[Layout], of_file: Heads | None = None
) -> tuple[pl.DataFrame, int]:
    """Continuation lines joined onto the event above; returns (events, skipped blank lines).

    `of_file`: the whole file's Heads when `lines` is a slice of it; None: `lines` are the file.
    """
    # Each regex runs once; the expressions below use its result.
    blank_lines = _blank(lines)
    timestamped = (
        of_file.timestamped
        if of_file is not None
        else is_timestamped(*_header_counts(lines, blank_lines))
    )
    blank = pl.lit(blank_lines)
    continues = pl.col("raw").str.contains(_CONTINUATION) | (
        pl.lit(timestamped) & (pl.col("layout") == FALLBACK)
    )
    continuation = pl.lit(lines.select(continues).to_series())
    # A blank line inside a stack trace (Python prints them between chained exceptions) belongs
    # to the event when the next non-blank line continues it; any other blank line is skipped.
    next_continues = (
        pl.when(~blank).then(continuation).otherwise(None).backward_fill().fill_null(False)
    )
    marked = lines.with_columns(
        (blank & ~next_continues).alias("_blank"), (~blank & ~continuation).alias("_start")
    )
    kept = marked.filter(~pl.col("_blank")).with_columns(pl.col("_start").cum_sum().alias("_event"))
    first = pl.col("_event") != pl.col("_event").shift(1, fill_value=-1)
    last = pl.col("_event") != pl.col("_event").shift(-1, fill_value=-1)
    kept = kept.with_columns(first.alias("_first"), (first & last).alias("_single"))
    # Only multi-line events need a group_by; most events are one line.
    bodies = (
        kept.filter(~pl.col("_single"))
        .group_by("_event")
        .agg(
            pl.col("line").last().alias("line_end"),
            pl.col("raw").str.join("\n").alias("_raw"),
            pl.col("raw").slice(1).str.join("\n").alias("_tail"),
        )
    )
    in_file = of_file.layouts if of_file is not None else ()
    heads = _extract(kept.filter(pl.col("_first")), layouts, in_file)
    events = heads.join(bodies, on="_event", how="left", maintain_order="left")  # line order
    del heads, bodies
    # The whole text of multi-line events, put in place row by row: a when/then or coalesce
    # over string columns would copy every line's text, though most events are one line.
    raw, message = events["raw"], events["message"]
    joined = events["_raw"].is_not_null().arg_true()
    if not joined.is_empty():
        raw = raw.clone().scatter(joined, events["_raw"].gather(joined))
    tailed = events["_tail"].is_not_null().arg_true()
    if not tailed.is_empty():
        parts = pl.DataFrame([message.gather(tailed), events["_tail"].gather(tailed)])
        whole = parts.select(pl.concat_str(parts.columns, separator="\n")).to_series()
        message = message.clone().scatter(tailed, whole)
    events = events.with_columns(
        pl.coalesce("line_end", "line").alias("line_end"),
        raw.alias("raw"),
        pl.col("message").alias("head"),
        message.alias("message"),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW),
    )
    return events, marked.height - kept.height


def parse_text(text: str, layouts: Sequence[Layout] = (), of_file: Heads | None = None) -> Parsed:
    """Parse text lines with the user's layouts first, then the built-in ones.

    For a slice of a file, `of_file` is the sum of its slices' `heads`: the file's decisions (is
    it timestamped, which columns in which order); lines are numbered from 1 in the slice.
    """
    every = [*layouts, *BUILTIN_LAYOUTS]
    lines = _match_layouts(numbered_lines(text), every)
    events, skipped = _grouped(lines, every, of_file)
    structured = events.select(ROW, "head", "layout").filter(pl.col("layout") != FALLBACK)
    pairs = _pairs(structured) if structured.height else None
    del structured
    detail = dominant_layout(layout_counts(events))
    internal = ["_event", "_tail", "_raw", "head", "_blank", "_start", "_first", "_single"]
    frame = events.drop([c for c in internal if c in events.columns])
    return Parsed(
        frame=frame,
        lines=lines.height,
        format="text",
        skipped=skipped,
        skipped_reason="blank lines" if skipped else None,
        pairs=pairs,
        detail=detail,
    )


def layout_counts(events: pl.DataFrame) -> dict[str, int]:
    """How many events follow each layout (`events` with their `layout` column)."""
    return {str(name): int(n) for name, n in events.group_by("layout").len().iter_rows()}


def dominant_layout(counts: Mapping[str, int]) -> str | None:
    """The layout most events follow, ties by name: the `detail` of a text file."""
    return min(counts, key=lambda name: (-counts[name], name), default=None)


def opens_event(raw: pl.Series, layouts: Sequence[Layout] = ()) -> pl.Series:
    """Lines that start an event in any file: a known header, not blank, no continuation.

    Whether the file is timestamped only decides about lines without a header, so a file can be
    cut before such a line without changing any event.
    """
    lines = _match_layouts(raw.alias("raw").to_frame(), [*layouts, *BUILTIN_LAYOUTS])
    return lines.select(
        (pl.col("layout") != FALLBACK)
        & ~pl.col("raw").str.contains(_CONTINUATION)
        & ~pl.col("raw").str.contains(_BLANK)
    ).to_series()
