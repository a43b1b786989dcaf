"""Tables: CSV / TSV exports with a header row (quoted newlines, ragged rows) and .xlsx sheets."""

from __future__ import annotations

import io

import polars as pl

from analyzer.errors import Severity
from analyzer.readers.aliases import AliasTable
from analyzer.readers.parsed import (
    ROW,
    Parsed,
    line_problem,
    no_rows,
    numbered_lines,
    without_clashes,
)
from analyzer.readers.timestamps import ISO_TS

_MAX_RAGGED_PROBLEMS = 5


def _records(lines: pl.DataFrame) -> pl.DataFrame:
    """Physical lines grouped into CSV records: a line inside an open quote continues the record."""
    odd = (pl.col("raw").str.count_matches('"') % 2) == 1
    open_before = (odd.cast(pl.UInt32).cum_sum().shift(1, fill_value=0) % 2) == 1
    return (
        lines.with_columns((~open_before).cum_sum().alias("_record"))
        .group_by("_record", maintain_order=True)
        .agg(
            pl.col("line").first(),
            pl.col("line").last().alias("line_end"),
            pl.col("raw").str.join("\n"),
        )
        .drop("_record")
    )


def parse_delimited(path: str, text: str, separator: str) -> Parsed:
    """A CSV or TSV file: the first non-blank record is the header; blank records are skipped."""
    fmt = "tsv" if separator == "\t" else "csv"
    lines = numbered_lines(text)
    records = _records(lines)
    blank = records["raw"].str.strip_chars() == ""
    skipped = int(
        records.filter(blank).select((pl.col("line_end") - pl.col("line") + 1).sum()).item() or 0
    )
    records = records.filter(~blank)
    if records.is_empty():
        return Parsed(
            frame=no_rows(),
            lines=lines.height,
            format=fmt,
            skipped=skipped,
            skipped_reason="blank lines" if skipped else None,
        )
    header, rows = records.head(1), records.slice(1)
    body = "\n".join([header["raw"][0], *rows["raw"].to_list()])
    try:
        table = pl.read_csv(
            io.BytesIO(body.encode()),
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except Exception as exc:  # Polars raises ComputeError / NoDataError on broken tables
        problem = line_problem(
            path,
            1,
            "parse.bad-table",
            f"cannot read the table ({exc})",
            "check the separator and the quoting",
            severity=Severity.ERROR,
        )
        return Parsed(
            frame=no_rows(),
            lines=lines.height,
            format=fmt,
            unparsed=lines.height - skipped,
            skipped=skipped,
            problems=[problem],
        )
    problems = []
    if table.height != rows.height:
        problems.append(
            line_problem(
                path,
                1,
                "parse.table-rows",
                f"{rows.height} records but {table.height} rows read; "
                "the extra records are counted as unparsed",
            )
        )
    n = min(table.height, rows.height)
    unparsed_rows = rows.slice(n)
    unparsed = int(
        unparsed_rows.select((pl.col("line_end") - pl.col("line") + 1).sum()).item() or 0
    )
    width = len(table.columns)
    ragged = rows.head(n).filter(
        ~pl.col("raw").str.contains('"') & (pl.col("raw").str.count_matches(separator) >= width)
    )
    for line in ragged["line"].head(_MAX_RAGGED_PROBLEMS).to_list():
        problems.append(
            line_problem(
                path,
                int(line),
                "parse.ragged-row",
                f"more fields than the {width} header columns; extras dropped",
            )
        )
    table = without_clashes(table)
    frame = pl.concat([rows.head(n), table.head(n)], how="horizontal") if n else rows.head(0)
    return Parsed(
        frame=frame.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW)),
        lines=lines.height,
        format=fmt,
        unparsed=unparsed,
        # The header record is read, not an event (a quoted newline can make it span lines).
        skipped=skipped + int(header["line_end"][0]) - int(header["line"][0]) + 1,
        skipped_reason="header row" + (" and blank lines" if skipped else ""),
        problems=problems,
    )


def _looks_like_values(names: list[str], aliases: AliasTable) -> bool:
    """A first row that maps to no known field and holds dates or numbers is data, not a header."""
    if any(aliases.canonical(n) for n in names):
        return False
    frame = pl.DataFrame({"n": names})
    valued = frame.select(
        pl.col("n")
        .str.contains(rf"^(?:{ISO_TS}|\d+(?:\.\d+)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}.*)$")
        .sum()
    ).item()
    return bool(valued)


def parse_xlsx(path: str, data: bytes, aliases: AliasTable) -> Parsed:
    """The first sheet of a workbook; row 1 is the header, so data row i is line i + 1."""
    try:
        table = pl.read_excel(
            data,
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
            raise_if_empty=False,
        )
    except Exception as exc:  # fastexcel raises its own error types for broken workbooks
        problem = line_problem(
            path,
            1,
            "input.corrupt-xlsx",
            f"cannot read the workbook ({exc})",
            "open it in Excel and save it again as .xlsx",
            severity=Severity.ERROR,
        )
        return Parsed(frame=no_rows(), lines=0, format="xlsx", problems=[problem])
    problems = []
    lines = table.height + 1 if table.width else 0
    if table.width and _looks_like_values(table.columns, aliases):
        problems.append(
            line_problem(
                path,
                1,
                "parse.xlsx-no-header",
                "the first row of the sheet looks like data, not a header; columns are unnamed",
                "insert a header row (Order ID, Status, ...) above the data",
                severity=Severity.ERROR,
            )
        )
        table = pl.read_excel(
            data,
            engine="calamine",
            infer_schema_length=0,
            has_header=False,
            drop_empty_rows=False,
            raise_if_empty=False,
        )
        lines = table.height
    header_lines = lines - table.height
    table = without_clashes(table)
    numbered = table.with_columns(
        (pl.int_range(pl.len(), dtype=pl.UInt32) + 1 + header_lines).alias("line"),
        pl.struct(pl.all()).struct.json_encode().alias("raw"),
    )
    empty = pl.all_horizontal(pl.col(table.columns).is_null()) if table.width else pl.lit(True)
    kept = numbered.filter(~empty)
    skipped = numbered.height - kept.height + header_lines
    return Parsed(
        frame=kept.with_columns(
            pl.col("line").alias("line_end"), pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW)
        ),
        lines=lines,
        format="xlsx",
        skipped=skipped,
        skipped_reason="header row" + (" and empty rows" if skipped > header_lines else "")
        if skipped
        else None,
        problems=problems,
    )
