"""Normalisation: a parsed frame (source field names) onto the canonical events schema."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from analyzer.readers.aliases import RESERVED, AliasTable, normalise_key
from analyzer.readers.parsed import BASE_COLUMNS, ROW, Parsed
from analyzer.readers.states import level_expr, state_expr
from analyzer.readers.timestamps import parse_ts
from analyzer.schema import EVENT_SCHEMA, KIND_DTYPE, STATE_DTYPE, Kind, conform

_INTERNAL = frozenset({*BASE_COLUMNS, "layout"})
# In free text, `msg=` and `error=` repeat what the message already holds: the message stays whole
# (with its continuation lines) so that rules can match stack-trace text.
_PAIR_SKIP = frozenset({"message", "ts", "level"})


@dataclass
class Normalised:
    """Canonical columns before kind is decided, and which columns carry any value."""

    frame: pl.DataFrame
    present: set[str]


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
        # Encode nested values as JSON through a one-field struct, then strip the wrapper.
        return (
            pl.struct(pl.col(name).alias("v"))
            .struct.json_encode()
            .str.slice(5)
            .str.strip_suffix("}")
        )
    return pl.col(name).cast(pl.String)


def _convert(source: str, dtype: pl.DataType, target: str) -> pl.Expr:
    """One source column as the canonical column `target` wants it."""
    if target == "level":
        return level_expr(source)
    text = _as_text(source, dtype)
    if target in ("http_status", "key_size"):
        return text.str.extract(r"^\s*(\d+)").cast(pl.Int32, strict=False)
    if target == "latency_ms":
        return text.str.extract(r"(-?\d+(?:\.\d+)?)").cast(pl.Float64, strict=False)
    stripped = text.str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def _json_object(entries: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit("{"), entries, pl.lit("}")])


def _json_string(expr: pl.Expr) -> pl.Expr:
    """A JSON string literal; control characters become spaces (`raw` keeps the original)."""
    escaped = (
        expr.str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all('"', '\\"', literal=True)
        .str.replace_all(r"[\x00-\x1f]", " ")
    )
    return pl.concat_str([pl.lit('"'), escaped, pl.lit('"')])


def _source_groups(names: list[str], aliases: AliasTable) -> dict[str, list[str]]:
    """Canonical → source names: exact canonical spellings first, then aliases, then the last
    segment of a dotted (nested) name when nothing else claims that canonical column."""
    canonical_keys = {normalise_key(c) for c in EVENT_SCHEMA}
    exact = [n for n in names if normalise_key(n) in canonical_keys]
    ordered = exact + [n for n in names if n not in exact]
    groups = aliases.groups(n for n in ordered if "." not in n)
    for name in names:
        if "." not in name:
            continue
        target = aliases.canonical(name) or aliases.canonical(name.rpartition(".")[2])
        if target is not None and target not in groups:
            groups[target] = [name]
    return {k: v for k, v in groups.items() if k not in RESERVED}


def _pair_columns(pairs: pl.DataFrame, aliases: AliasTable) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pairs → (canonical columns by row, leftover `fields` JSON by row)."""
    keys = pairs["key"].unique().to_list()
    canon = {k: t for k in keys if (t := aliases.canonical(k)) and t not in RESERVED | _PAIR_SKIP}
    tagged = pairs.with_columns(
        pl.col("key").replace_strict(canon, default=None, return_dtype=pl.String).alias("_canon")
    )
    known = tagged.filter(pl.col("_canon").is_not_null())
    if known.is_empty():
        wide = pl.DataFrame(schema={ROW: pl.UInt32})
    else:
        wide = known.pivot(on="_canon", index=ROW, values="value", aggregate_function="first")
        wide = wide.with_columns(pl.col(ROW).cast(pl.UInt32)).rename(
            {c: f"_p.{c}" for c in wide.columns if c != ROW}
        )
    rest = (
        tagged.filter(pl.col("_canon").is_null())
        .group_by(ROW)
        .agg(
            pl.concat_str([_json_string(pl.col("key")), pl.lit(":"), _json_string(pl.col("value"))])
            .str.join(",")
            .alias("_pf")
        )
        .with_columns(_json_object(pl.col("_pf")).alias("_pf"), pl.col(ROW).cast(pl.UInt32))
    )
    return wide, rest


def normalise(
    parsed: Parsed, source_file: str, tz: str, year: int, aliases: AliasTable
) -> Normalised:
    """Map, cast and derive every canonical column except `kind`."""
    frame = parsed.frame
    names = [c for c in frame.columns if c not in _INTERNAL]
    groups = _source_groups(names, aliases)
    if parsed.pairs is not None and not parsed.pairs.is_empty():
        wide, rest = _pair_columns(parsed.pairs, aliases)
        frame = frame.join(wide, on=ROW, how="left").join(rest, on=ROW, how="left")
        for column in [c for c in wide.columns if c != ROW]:
            groups.setdefault(column.removeprefix("_p."), []).append(column)
    mapped = {source for sources in groups.values() for source in sources}
    leftovers = [c for c in names if c not in mapped]
    # Timestamps are parsed eagerly, one source column at a time (see timestamps.parse_ts).
    for index, source in enumerate(groups.get("ts", [])):
        frame = frame.with_columns(parse_ts(frame, source, tz, year).alias(f"_ts{index}"))
    if "ts" in groups:
        groups["ts"] = [f"_ts{index}" for index in range(len(groups["ts"]))]
    schema = frame.schema
    exprs: list[pl.Expr] = [pl.col("line"), pl.col("line_end"), pl.col("raw")]
    for target, sources in groups.items():
        converted = [
            pl.col(s) if target == "ts" else _convert(s, schema[s], target) for s in sources
        ]
        exprs.append(pl.coalesce(converted).alias(target))
    if "message" not in groups:
        exprs.append(pl.lit(None, dtype=pl.String).alias("message"))
    own = [c for c in leftovers if c not in _INTERNAL and not c.startswith("_p")]
    fields_parts: list[pl.Expr] = []
    if own:
        # Null members say nothing; dropping them keeps `fields` short (keys are column names).
        encoded = (
            pl.struct([pl.col(c) for c in own])
            .struct.json_encode()
            .str.replace_all(r'"[^"\\]*":null,?', "")
            .str.replace(r",}$", "}")
        )
        fields_parts.append(pl.when(encoded == "{}").then(None).otherwise(encoded))
    if "_pf" in frame.columns:
        fields_parts.append(pl.col("_pf"))
    if len(fields_parts) == 2:
        left, right = fields_parts
        fields = (
            pl.when(right.is_null())
            .then(left)
            .otherwise(pl.concat_str([left.str.strip_suffix("}"), pl.lit(","), right.str.slice(1)]))
        )
    else:
        fields = fields_parts[0] if fields_parts else pl.lit(None, dtype=pl.String)
    exprs.append(fields.alias("fields"))
    out = frame.select(exprs).with_columns(
        pl.lit(source_file).alias("source_file"),
        pl.lit(parsed.format).alias("format"),
    )
    canonical = [c for c in out.columns if c in EVENT_SCHEMA and c not in RESERVED]
    present = {c for c in canonical if out.height and out[c].null_count() < out.height}
    present |= {normalise_key(c) for c in own}
    if parsed.pairs is not None and not parsed.pairs.is_empty():
        present |= {normalise_key(k) for k in parsed.pairs["key"].unique().to_list()}
    return Normalised(frame=out, present=present)


def with_kind(
    normalised: Normalised, kind: Kind, statuses: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """The canonical frame, typed and ordered as EVENT_SCHEMA says.

    A connector's status (Active / Inactive / Error) is not an order status: no state for it.
    """
    frame = normalised.frame.with_columns(pl.lit(kind.value).cast(KIND_DTYPE).alias("kind"))
    if "status" in frame.columns and kind != Kind.CONNECTOR:
        frame = frame.with_columns(state_expr("status", statuses).alias("state"))
    else:
        frame = frame.with_columns(pl.lit(None, dtype=STATE_DTYPE).alias("state"))
    return conform(frame).collect()
