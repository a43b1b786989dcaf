"""Unknown clusters: the events no rule explained, grouped by error template, one model each."""

from __future__ import annotations

from typing import Final

import polars as pl

from analyzer.models import UnknownCluster
from analyzer.schema import EVENT_INDEX, EVENT_SCHEMA
from analyzer.unknowns.masking import collapse_runs, first_line, mask
from analyzer.unknowns.mining import mine_templates

CLUSTER_ID = "cluster_id"
ASSIGNMENT_SCHEMA: Final[dict[str, pl.DataType]] = {
    EVENT_INDEX: pl.UInt32(),
    CLUSTER_ID: pl.String(),
}
_USED = ("order_id", "connector", "ts", "source_file", "line", "message", "raw")


def _conformed(rows: pl.DataFrame) -> pl.LazyFrame:
    """The columns clustering reads; absent ones are typed nulls, so partial frames work too."""
    present = set(rows.columns)
    cols = [
        (pl.col(c) if c in present else pl.lit(None)).cast(EVENT_SCHEMA[c]).alias(c) for c in _USED
    ]
    index = pl.col(EVENT_INDEX) if EVENT_INDEX in present else pl.int_range(pl.len())
    return rows.lazy().select(index.cast(pl.UInt32).alias(EVENT_INDEX), *cols)


def _to_models(stats: pl.DataFrame) -> list[UnknownCluster]:
    return [
        UnknownCluster(
            cluster_id=row[CLUSTER_ID],
            template=row["template"],
            count=row["count"],
            orders=row["orders"],
            connectors=row["connectors"],
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            example=row["example"] or "",
            example_file=row["example_file"],
            example_line=row["example_line"],
        )
        for row in stats.iter_rows(named=True)
    ]


def cluster_unknowns(rows: pl.DataFrame) -> tuple[pl.DataFrame, list[UnknownCluster]]:
    """Assign every unexplained event a cluster id; clusters sorted by orders touched, then count.

    Ids are `U1`, `U2`, ... in that order (ties broken by template), so the same rows always get
    the same ids. Only the distinct masked messages are mined, never every row.
    """
    if rows.is_empty():
        return pl.DataFrame(schema=ASSIGNMENT_SCHEMA), []
    work = (
        _conformed(rows)
        .with_columns(
            first_line(pl.coalesce("message", "raw")).fill_null("").alias("_text"),
            mask(pl.coalesce("message", "raw"), collapse=False).fill_null("").alias("_fine"),
        )
        .collect()
    )
    fine = work.select(pl.col("_fine").unique()).with_columns(
        collapse_runs(pl.col("_fine")).alias("_shape")
    )
    work = work.join(fine, on="_fine", how="left", maintain_order="left")
    shapes = work.group_by("_shape").len().sort("_shape")
    mined = mine_templates(shapes["_shape"].to_list(), shapes["len"].to_list())
    lookup = pl.DataFrame(
        {"_shape": shapes["_shape"], "_group": mined.group_of},
        schema={"_shape": pl.String(), "_group": pl.UInt32()},
    )
    templates = pl.DataFrame(
        {"_group": range(len(mined.templates)), "template": mined.templates},
        schema={"_group": pl.UInt32(), "template": pl.String()},
    )
    work = work.join(lookup, on="_shape", how="left", maintain_order="left")

    # The example is the earliest line (time, then file, then line number); nulls sort last.
    earliest = [pl.col("ts"), pl.col("source_file"), pl.col("line")]
    stats = (
        work.lazy()
        .group_by("_group")
        .agg(
            count=pl.len(),
            orders=pl.col("order_id").drop_nulls().unique().sort(),
            connectors=pl.col("connector").drop_nulls().unique().sort(),
            first_seen=pl.col("ts").min(),
            last_seen=pl.col("ts").max(),
            example=pl.col("_text").sort_by(earliest, nulls_last=True).first(),
            example_file=pl.col("source_file").sort_by(earliest, nulls_last=True).first(),
            example_line=pl.col("line").sort_by(earliest, nulls_last=True).first(),
        )
        .join(templates.lazy(), on="_group", how="left")
        .sort(
            [pl.col("orders").list.len(), "count", "template", "_group"],
            descending=[True, True, False, False],
        )
        .with_columns(("U" + (pl.int_range(pl.len()) + 1).cast(pl.String)).alias(CLUSTER_ID))
        .collect()
    )
    assignment = work.join(
        stats.select("_group", CLUSTER_ID), on="_group", how="left", maintain_order="left"
    ).select(EVENT_INDEX, CLUSTER_ID)
    return assignment, _to_models(stats)
