"""Machine-readable outputs: the JSON contract, and the verdicts table as CSV or Parquet."""

from __future__ import annotations

import io

import polars as pl

from analyzer.models import Report
from analyzer.report.verdicts import verdicts_frame

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = r"^[=+\-@\t\r]"
# Control characters from log text (ESC, BEL, ...) would replay on `cat report.csv`; tab, newline
# and carriage return stay (the CSV writer quotes them).
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def render_json(report: Report) -> str:
    """The report exactly as the schema_version 1 contract: the pydantic model, indented."""
    return report.model_dump_json(indent=2) + "\n"


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """String cells that a spreadsheet would run as a formula, prefixed with a single quote."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String()]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .str.replace_all(_CONTROL, "")
        .alias(name)
        for name in text_columns
    )


def render_csv(report: Report) -> str:
    """The verdicts table as CSV, safe to open in a spreadsheet."""
    return neutralise_formulas(verdicts_frame(report)).write_csv(
        datetime_format="%Y-%m-%dT%H:%M:%SZ"
    )


def render_parquet(report: Report) -> bytes:
    """The verdicts table as Parquet bytes (typed columns: no formula neutralising needed)."""
    buffer = io.BytesIO()
    verdicts_frame(report).write_parquet(buffer)
    return buffer.getvalue()
