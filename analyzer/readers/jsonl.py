"""JSON Lines and JSON-array files, known CA API error bodies flattened onto canonical fields."""

from __future__ import annotations

import io
import json
import re
from bisect import bisect_right

import polars as pl

from analyzer.readers.apibody import flatten_api_bodies
from analyzer.readers.parsed import ROW, Parsed, line_problem, numbered_lines, without_clashes

# At most this many invalid lines get their own diagnostic; the rest are counted.
_MAX_LINE_PROBLEMS = 20


def _decode(texts: pl.Series) -> pl.DataFrame | None:
    """One row per JSON object text, or None when any of them is not valid JSON."""
    try:
        # read_ndjson, not Series.str.json_decode: it turns a field that is an object on one line
        # and a string on another into JSON text, where json_decode gives up.
        decoded = pl.read_ndjson(
            io.BytesIO(texts.str.join("\n").item().encode()), infer_schema_length=None
        )
    except Exception:  # Polars raises several types for bad JSON; any of them means "bad"
        return None
    if decoded.width == 0 or decoded.height != texts.len():
        # Only empty objects: keep the height with one all-null column.
        return pl.DataFrame({"_empty": pl.Series([None] * texts.len(), dtype=pl.String)})
    return decoded


def _bad_indices(texts: pl.Series, offset: int = 0) -> list[int]:
    """Indices of lines Polars cannot read, by bisection: O(bad · log n) reads, no per-line loop."""
    if _decode(texts) is not None:
        return []
    if texts.len() == 1:
        return [offset]
    half = texts.len() // 2
    return _bad_indices(texts.head(half), offset) + _bad_indices(texts.slice(half), offset + half)


def _with_objects(
    path: str, rows: pl.DataFrame, lines: int, fmt: str, originals: list[str] | None = None
) -> Parsed:
    """`rows` has line, line_end, raw (one JSON object text each); parse and flatten them.
    `originals`, one per row, replace `raw` in the events of the rows that parse."""
    decoded = _decode(rows["raw"]) if rows.height else None
    bad: set[int] = set()
    if decoded is None and rows.height:
        # A line that does not even end in "}" is bad for sure; bisect only the others, so a
        # file full of broken lines costs one cheap pass, not one decode per line.
        unclosed = rows.select(~pl.col("raw").str.ends_with("}")).to_series()
        bad = set(unclosed.arg_true().to_list())
        rest = rows.with_row_index("_i").filter(~unclosed)
        found = _bad_indices(rest["raw"]) if rest.height else []
        bad |= {int(rest["_i"][i]) for i in found}
        if not bad:  # unreadable together though each part reads: count it all as unparsed
            bad = set(range(rows.height))
    problems = [
        line_problem(
            path,
            int(rows["line"][i]),
            "parse.invalid-json",
            "not valid JSON; line counted as unparsed",
            "fix or remove the line; the rest of the file was read",
        )
        for i in sorted(bad)[:_MAX_LINE_PROBLEMS]
    ]
    if len(bad) > _MAX_LINE_PROBLEMS:
        problems.append(
            line_problem(
                path,
                int(rows["line"][sorted(bad)[_MAX_LINE_PROBLEMS]]),
                "parse.invalid-json",
                f"{len(bad) - _MAX_LINE_PROBLEMS} more invalid JSON lines",
            )
        )
    kept = ~pl.int_range(pl.len()).is_in(sorted(bad))
    good = rows.filter(kept) if bad else rows
    if bad and good.height:
        decoded = _decode(good["raw"])
    if good.is_empty() or decoded is None:
        frame = good.with_columns(pl.lit(None, dtype=pl.String).alias("message"))
    else:
        frame = pl.concat([good, without_clashes(flatten_api_bodies(decoded))], how="horizontal")
    if originals is not None:
        texts = pl.DataFrame({"raw": originals}, schema={"raw": pl.String})
        frame = frame.with_columns((texts.filter(kept) if bad else texts).to_series())
    unparsed_lines = (
        int(
            rows.filter(pl.int_range(pl.len()).is_in(sorted(bad)))
            .select((pl.col("line_end") - pl.col("line") + 1).sum())
            .item()
            or 0
        )
        if bad
        else 0
    )
    return Parsed(
        frame=frame.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW)),
        lines=lines,
        format=fmt,
        unparsed=unparsed_lines,
        problems=problems,
    )


def parse_jsonl(path: str, text: str) -> Parsed:
    """One JSON object per line; blank lines are skipped, any other non-JSON line is unparsed."""
    lines = numbered_lines(text)
    # Stripped once, and only the lines with white space at an end (strip_chars copies all).
    raw = lines["raw"]
    edged = (raw.str.contains(r"^\s") | raw.str.contains(r"\s$")).fill_null(False).arg_true()
    if not edged.is_empty():
        raw = raw.clone().scatter(edged, raw.gather(edged).str.strip_chars())
    lines = lines.with_columns(raw.alias("_stripped"))
    stripped = pl.col("_stripped")
    blank = int(lines.select((stripped == "").sum()).item() or 0)
    objects = lines.filter(stripped.str.starts_with("{")).select(
        "line", pl.col("line").alias("line_end"), stripped.alias("raw")
    )
    others = lines.filter((stripped != "") & ~stripped.str.starts_with("{"))
    parsed = _with_objects(path, objects, lines.height, "jsonl")
    parsed.unparsed += others.height
    parsed.skipped = blank
    parsed.skipped_reason = "blank lines" if blank else None
    if others.height:
        first = int(others["line"][0])
        parsed.problems.insert(
            0,
            line_problem(
                path,
                first,
                "parse.not-json",
                f"{others.height} line(s) are not JSON objects; counted as unparsed",
                "fix the line if it was meant as JSON; every other line was read",
            ),
        )
    return parsed


def parse_json_array(path: str, text: str) -> Parsed:
    """A file holding one JSON array of objects; each element is an event spanning its own lines."""
    decoder = json.JSONDecoder()
    newlines = [match.start() for match in re.finditer("\n", text)]
    total = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    spans: list[tuple[int, int, str]] = []
    problems = []
    pos = text.index("[") + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            line = bisect_right(newlines, pos) + 1
            problems.append(
                line_problem(
                    path,
                    line,
                    "parse.invalid-json",
                    f"JSON array broken here ({exc.msg}); rest of file unparsed",
                )
            )
            break
        if isinstance(obj, dict):
            spans.append((pos, end, json.dumps(obj)))
        pos = end
    rows: list[tuple[int, int, str]] = []
    covered_to = 0
    for start, end, compact in spans:
        first = bisect_right(newlines, start) + 1
        last = bisect_right(newlines, end - 1) + 1
        # Elements sharing a line (a one-line array): only the first one owns that line.
        first = max(first, covered_to + 1)
        line_end = max(last, first - 1)
        covered_to = max(covered_to, line_end)
        rows.append((first, line_end, compact))
    frame = pl.DataFrame(
        rows, schema={"line": pl.UInt32, "line_end": pl.UInt32, "raw": pl.String}, orient="row"
    )
    parsed = _with_objects(path, frame, total, "json", [text[s:e] for s, e, _ in spans])
    broken_from = problems[0].location.line if problems else None
    unparsed = max(0, total - max(broken_from, covered_to + 1) + 1) if broken_from else 0
    used = sum(max(0, b - a + 1) for a, b, _ in rows)
    parsed.unparsed += unparsed
    # `used` already holds the lines of elements that did not decode (unparsed above).
    parsed.skipped = max(0, total - used - unparsed)
    parsed.skipped_reason = "JSON array brackets and blank lines" if parsed.skipped else None
    parsed.problems = problems + parsed.problems
    return parsed
