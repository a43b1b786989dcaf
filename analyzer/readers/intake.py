"""read_logs: discover, decode, sniff, parse and normalise every input; every line accounted."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from analyzer.config import FormatsConfig, load_formats
from analyzer.errors import Diagnostic, Location, Severity
from analyzer.readers.aliases import AliasTable
from analyzer.readers.canonical import normalise, with_kind
from analyzer.readers.decode import decode
from analyzer.readers.discover import Source, discover, load, printable
from analyzer.readers.jsonl import parse_json_array, parse_jsonl
from analyzer.readers.parsed import (
    MAX_LINE_CHARS,
    Parsed,
    clip_long_lines,
    count_lines,
    line_problem,
)
from analyzer.readers.result import FileReport, ReadOptions, ReadResult
from analyzer.readers.slices import text_slices
from analyzer.readers.sniff import (
    DOC_SUFFIXES,
    EXCEL_SUFFIXES,
    Confidence,
    Format,
    Guess,
    kind_from_fields,
    kind_from_name,
    sniff_format,
)
from analyzer.readers.states import status_table, unknown_statuses
from analyzer.readers.tabular import parse_delimited, parse_xlsx
from analyzer.readers.text import (
    Heads,
    Layout,
    dominant_layout,
    heads_of,
    layout_counts,
    parse_text,
)
from analyzer.schema import Kind, empty_events

_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}
_MAX_LONG_LINE_PROBLEMS = 5
# Files read at once (each holds its text and its parse in memory meanwhile).
_WORKERS = max(1, min(2, os.cpu_count() or 1))
# A text file longer than this (characters) is parsed in slices of about this size (see slices.py)
# when its kind does not depend on what it holds: about ten times a slice in memory, not the file.
SLICE_CHARS = 64_000_000


class _Context:
    """What every file of one run shares: options, aliases and layouts."""

    def __init__(self, options: ReadOptions, formats: FormatsConfig) -> None:
        self.options = options
        self.aliases = AliasTable(formats.aliases)
        self.layouts = [Layout(layout.name, layout.pattern) for layout in formats.layouts]
        self.statuses = status_table({s.value: raws for s, raws in formats.states.items()})
        self.layout_kinds = {layout.name: layout.kind for layout in formats.layouts if layout.kind}


def _note(
    path: str,
    code: str,
    message: str,
    hint: str | None = None,
    severity: Severity = Severity.WARNING,
) -> Diagnostic:
    return Diagnostic(
        code=code, message=message, location=Location(path), hint=hint, severity=severity
    )


def _skipped(source: Source, reason: str, lines: int, problem: Diagnostic | None) -> FileReport:
    return FileReport(
        path=source.display,
        kind=source.kind or Kind.OTHER,
        format="-",
        confidence="high",
        lines=lines,
        events=0,
        unparsed_lines=0,
        skipped_lines=lines,
        skipped=reason,
        problems=[problem] if problem else [],
    )


def _is_excel(source: Source, data: bytes) -> bool:
    return source.name.lower().endswith(EXCEL_SUFFIXES) or data[:4] == b"PK\x03\x04"


def _decoded(source: Source, data: bytes) -> tuple[str | None, Guess, list[Diagnostic]]:
    """The text of an input, its format, and notes (encoding, long lines); None when binary."""
    notes: list[Diagnostic] = []
    decoded = decode(data)
    if decoded.binary:
        return None, Guess("binary", Confidence.HIGH, "binary content"), notes
    if decoded.note:
        notes.append(_note(source.display, "input.encoding", decoded.note, severity=Severity.INFO))
    guess = sniff_format(source.name, decoded.text)
    text = decoded.text
    if guess.value != Format.JSON_ARRAY:  # one array on one line is a normal JSON export
        text, clipped = clip_long_lines(text)
        notes += _long_lines(source.display, clipped)
    return text, guess, notes


def _parse(source: Source, text: str, guess: Guess, ctx: _Context) -> Parsed:
    parsers: dict[str, Callable[[], Parsed]] = {
        Format.JSONL: lambda: parse_jsonl(source.display, text),
        Format.JSON_ARRAY: lambda: parse_json_array(source.display, text),
        Format.CSV: lambda: parse_delimited(source.display, text, ","),
        Format.TSV: lambda: parse_delimited(source.display, text, "\t"),
        Format.TEXT: lambda: parse_text(text, ctx.layouts),
    }
    return parsers[guess.value]()


def _long_lines(path: str, clipped: list[tuple[int, int]]) -> list[Diagnostic]:
    notes = [
        line_problem(
            path,
            line,
            "input.long-line",
            f"line is {length} characters long; only its first {MAX_LINE_CHARS} are read",
            "a log line this long is usually a dump, not a record; split it if it holds several",
        )
        for line, length in clipped[:_MAX_LONG_LINE_PROBLEMS]
    ]
    if len(clipped) > _MAX_LONG_LINE_PROBLEMS:
        more = len(clipped) - _MAX_LONG_LINE_PROBLEMS
        notes.append(
            line_problem(
                path,
                clipped[_MAX_LONG_LINE_PROBLEMS][0],
                "input.long-line",
                f"{more} more lines longer than {MAX_LINE_CHARS} characters, cut the same way",
            )
        )
    return notes


def _shown(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with log text it quotes (statuses, library errors) made printable."""
    return replace(
        diagnostic,
        message=printable(diagnostic.message),
        hint=printable(diagnostic.hint) if diagnostic.hint else diagnostic.hint,
        location=replace(diagnostic.location, path=printable(diagnostic.location.path)),
    )


def _decide_kind(source: Source, parsed: Parsed, present: set[str], ctx: _Context) -> Guess:
    if source.kind is not None:
        return Guess(source.kind.value, Confidence.HIGH, "given on the command line")
    if parsed.detail in ctx.layout_kinds:
        kind = ctx.layout_kinds[parsed.detail]
        return Guess(
            kind.value if kind else Kind.OTHER.value,
            Confidence.MEDIUM,
            f"layout {parsed.detail} says so",
        )
    return kind_from_name(source.name) or kind_from_fields(present)


def _kind_before_parsing(source: Source, ctx: _Context) -> Guess | None:
    """The kind `_decide_kind` gives whatever the file holds, if its content cannot change it."""
    if source.kind is not None:
        return Guess(source.kind.value, Confidence.HIGH, "given on the command line")
    if ctx.layout_kinds:  # a layout of the formats file may say which kind its lines are
        return None
    return kind_from_name(source.name)


def _binary(source: Source) -> FileReport:
    note = _note(
        source.display,
        "input.binary",
        "binary content, not a text log; skipped",
        "pass the exported log, not an archive or a certificate store",
        Severity.ERROR,
    )
    return _skipped(source, "binary file", 0, note)


_Keep = Callable[[pl.DataFrame], pl.DataFrame] | None


def _read_one(source: Source, ctx: _Context, keep: _Keep) -> tuple[FileReport, pl.DataFrame | None]:
    if source.name.lower().endswith(DOC_SUFFIXES):
        data, problem = load(source)
        lines = 0 if data is None else count_lines(decode(data).text)
        note = _note(
            source.display,
            "input.documentation",
            "documentation, not a log; skipped",
            severity=Severity.INFO,
        )
        return _skipped(source, "not a log: documentation", lines, problem or note), None
    data, problem = load(source)
    if data is None:
        return _skipped(source, "unreadable", 0, problem), None
    if not data or data.isspace():  # data.strip() would copy a big file
        note = _note(source.display, "input.empty", "the file is empty", "check the export")
        return _skipped(source, "empty file", count_lines(data.decode("latin-1")), note), None
    if _is_excel(source, data):
        fmt = Guess(Format.XLSX, Confidence.HIGH, "Excel workbook")
        parsed = parse_xlsx(source.display, data, ctx.aliases)
        notes: list[Diagnostic] = []
    else:
        text, fmt, notes = _decoded(source, data)
        del data  # the text is all that is read from now on
        if text is None:
            return _binary(source), None
        known = _kind_before_parsing(source, ctx)
        if fmt.value == Format.TEXT and len(text) > SLICE_CHARS and known is not None:
            return _read_slices(source, text, fmt, notes, known, ctx, keep)
        parsed = _parse(source, text, fmt, ctx)
        del text
    normalised = normalise(parsed, source.display, ctx.options.tz, source.year, ctx.aliases)
    kind_guess = _decide_kind(source, parsed, normalised.present, ctx)
    events = with_kind(normalised, Kind(kind_guess.value), ctx.statuses)
    del normalised
    tally = _Tally(parsed.lines, parsed.unparsed, parsed.skipped, parsed.skipped_reason)
    tally.add(events)
    fmt_name = f"{parsed.format}/{parsed.detail}" if parsed.detail else parsed.format
    report = _report(source, fmt, fmt_name, kind_guess, notes + parsed.problems, tally)
    return report, keep(events) if keep is not None else events


@dataclass
class _Tally:
    """What a file's report counts, added up slice by slice for a file read in slices."""

    lines: int
    unparsed: int = 0
    skipped: int = 0
    skipped_reason: str | None = None
    events: int = 0
    in_events: int = 0  # lines inside events (first to last line of each)
    statuses: Counter[str] = field(default_factory=Counter)
    layouts: Counter[str] = field(default_factory=Counter)

    def add(self, events: pl.DataFrame) -> None:
        self.events += events.height
        spans = (pl.col("line_end").cast(pl.Int64) - pl.col("line") + 1).sum()
        self.in_events += int(events.select(spans).item() or 0)
        self.statuses.update(unknown_statuses(events))


def _read_slices(
    source: Source,
    text: str,
    fmt: Guess,
    notes: list[Diagnostic],
    kind_guess: Guess,
    ctx: _Context,
    keep: _Keep,
) -> tuple[FileReport, pl.DataFrame | None]:
    """A large text file parsed slice by slice (`slices.text_slices`), each slice's events kept
    as soon as it is parsed: the same events as parsed whole, a slice's worth of memory."""
    # Whether lines without a header continue the event above, and which columns come in which
    # order, are the whole file's decisions. The slices are cut twice rather than held: one slice
    # at a time is in memory besides the text.
    whole = sum(
        (heads_of(piece, ctx.layouts) for _, piece in _slices(text, ctx)), Heads(0, 0, frozenset())
    )
    kind = Kind(kind_guess.value)
    seen_keys: list[str] = []
    tally = _Tally(0)
    kept: list[pl.DataFrame] = []
    for before, piece in _slices(text, ctx):
        parsed = parse_text(piece, ctx.layouts, whole)
        del piece
        parsed.frame = parsed.frame.with_columns(pl.col("line", "line_end") + before)
        normalised = normalise(
            parsed, source.display, ctx.options.tz, source.year, ctx.aliases, seen_keys
        )
        events = with_kind(normalised, kind, ctx.statuses)
        del normalised
        notes += parsed.problems
        tally.lines += parsed.lines
        tally.unparsed += parsed.unparsed
        tally.skipped += parsed.skipped
        tally.add(events)
        tally.layouts.update(layout_counts(parsed.frame))
        kept.append(keep(events) if keep is not None else events)
    tally.skipped_reason = "blank lines" if tally.skipped else None
    detail = dominant_layout(tally.layouts)
    fmt_name = f"text/{detail}" if detail else "text"
    report = _report(source, fmt, fmt_name, kind_guess, notes, tally)
    return report, pl.concat(kept) if kept else None


def _slices(text: str, ctx: _Context) -> Iterator[tuple[int, str]]:
    return text_slices(text, SLICE_CHARS, ctx.layouts)


def _report(
    source: Source,
    fmt: Guess,
    fmt_name: str,
    kind_guess: Guess,
    problems: list[Diagnostic],
    tally: _Tally,
) -> FileReport:
    kind = Kind(kind_guess.value)
    confidence = min(Confidence(fmt.confidence), kind_guess.confidence, key=_RANK.__getitem__)
    if kind_guess.confidence != Confidence.HIGH:
        problems.append(
            _note(
                source.display,
                "sniff.kind",
                f"kind {kind.value}: {kind_guess.why}",
                f"be sure with `{kind.value}:{source.display}` or --kind",
                Severity.INFO,
            )
        )
    for status, count in sorted(tally.statuses.items()):
        problems.append(
            _note(
                source.display,
                "state.unknown-status",
                f"status '{status}' ({count} events) is not a known order status; "
                "treated as state unknown",
                "map it to a state under [states] in a formats file (--formats)",
            )
        )
    if tally.in_events + tally.unparsed + tally.skipped != tally.lines:
        problems.append(
            _note(
                source.display,
                "internal.accounting",
                f"{tally.lines} lines read but {tally.in_events} in events, "
                f"{tally.unparsed} unparsed, {tally.skipped} skipped",
                "please report this as a certriage bug",
                Severity.ERROR,
            )
        )
    return FileReport(
        path=source.display,
        kind=kind,
        format=fmt_name,
        confidence=confidence.value,
        lines=tally.lines,
        events=tally.events,
        unparsed_lines=tally.unparsed,
        skipped_lines=tally.skipped,
        skipped=tally.skipped_reason,
        problems=problems,
    )


def _stacked(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The frames one under the other, one chunk per column, emptying `frames`.

    Copied column by column, each column of the files dropped as soon as it is copied: the peak is
    the frames plus one column, not twice the frames (as with `pl.concat(..., rechunk=True)`).
    """
    columns: dict[str, pl.Series] = {}
    for name in frames[0].columns:
        columns[name] = pl.concat([frame.get_column(name) for frame in frames], rechunk=True)
        frames[:] = [frame.drop(name) for frame in frames]
    frames.clear()
    return pl.DataFrame(columns)


def read_logs(
    paths: Sequence[str | Path],
    options: ReadOptions | None = None,
    progress: Callable[[str, int], None] | None = None,
    keep: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> ReadResult:
    """Read every input into one canonical frame; raises ConfigError only for a bad formats file.

    `keep` takes each file's events as soon as the file is read and returns what of them the caller
    needs (a time window, text dropped): only the files being read are whole in memory, not all.
    A file's FileReport still counts every event it read.
    """
    options = options or ReadOptions()
    formats = load_formats(options.formats_file) if options.formats_file else FormatsConfig()
    ctx = _Context(options, formats)
    found = discover(list(paths), options.kind)
    reports: list[FileReport] = []
    frames: list[pl.DataFrame] = []

    def read(source: Source) -> tuple[FileReport, pl.DataFrame | None]:
        try:
            report, events = _read_one(source, ctx, keep)
        except Exception as exc:  # a reader bug must cost one file, never the run
            note = _note(
                source.display,
                "internal.reader",
                f"could not parse this file ({exc!r})",
                "please report this as a certriage bug",
                Severity.ERROR,
            )
            report, events = _skipped(source, "reader failure", 0, note), None
        report.problems = [_shown(problem) for problem in report.problems]
        return report, events

    # Two files at a time: much of a file's parsing runs on one core (a regex over one column), so
    # a second file keeps the other core busy. The largest start first, so that no big file is
    # left to run alone at the end; results come back in input order.
    sources = found.sources
    largest_first = sorted(range(len(sources)), key=lambda i: -sources[i].work)
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        running = {i: pool.submit(read, sources[i]) for i in largest_first}
        for i in range(len(sources)):
            report, events = running.pop(i).result()
            reports.append(report)
            if events is not None and events.height:
                frames.append(events)
            if progress is not None:
                progress(report.path, report.lines)
    # Each frame is one file, already in line order: ordering the frames by file name gives the
    # sorted whole without a global sort (and without its copy of every string).
    frames.sort(key=lambda frame: str(frame["source_file"][0]))
    # One chunk per column: later stages add columns to this frame instead of copying it, and
    # Polars 2.1 panics (binview index) on some string ops over frames mixing chunk layouts.
    events_frame = _stacked(frames) if frames else empty_events()
    diagnostics = found.diagnostics + [p for r in reports for p in r.problems]
    return ReadResult(events=events_frame, files=reports, diagnostics=diagnostics, tz=options.tz)
