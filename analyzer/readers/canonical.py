"""Normalisation: a parsed frame (source field names) onto the canonical events schema."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from analyzer.readers.aliases import RESERVED, AliasTable, normalise_key
from analyzer.readers.parsed import BASE_COLUMNS, CLASH_PREFIX, ROW, Parsed
from analyzer.readers.states import level_expr, state_expr
from analyzer.readers.timestamps import parse_ts
from analyzer.schema import EVENT_SCHEMA, KIND_DTYPE, STATE_DTYPE, Kind, conform

_INTERNAL = frozenset({*BASE_COLUMNS, "layout"})
# A `msg=` / `error=` pair is the message of a key=value line: it replaces the line's text, and the
# event's continuation lines (stack traces) follow it, so rules still match "Caused by: ..." text.
_PAIR_SKIP = frozenset({"ts", "level"})


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


def _pair_columns(
    pairs: pl.DataFrame, aliases: AliasTable
) -> tuple[pl.DataFrame, dict[str, str], dict[str, str]]:
    """Pairs pivoted to one `_p.<key>` column per key (a pivot is far cheaper here than a
    group_by); returns (wide frame, column → canonical name, column → key kept in `fields`)."""
    wide = pairs.filter(pl.col("key") != ROW).pivot(
        on="key", index=ROW, values="value", aggregate_function="first"
    )
    keys = [c for c in wide.columns if c != ROW]
    wide = wide.with_columns(pl.col(ROW).cast(pl.UInt32)).rename({k: f"_p.{k}" for k in keys})
    canonical: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key in keys:
        target = aliases.canonical(key)
        if target is not None and target not in RESERVED | _PAIR_SKIP:
            canonical[f"_p.{key}"] = target
        else:
            rest[f"_p.{key}"] = key
    return wide, canonical, rest


# Free text that names an order ("Order ORD-100401 installed", "order #58231 failed") still links it.
_ORDER_IN_TEXT = (
    r"(?i:\border)(?:[ _-]?(?i:id|no|number))?\s*[:=#]?\s*['\"]?([A-Z][A-Z0-9]*-\d{3,}|\d{5,})\b"
)


def _order_from_text(columns: list[str]) -> pl.Expr:
    found = pl.col("message").str.extract(_ORDER_IN_TEXT, 1)
    return pl.coalesce(pl.col("order_id"), found) if "order_id" in columns else found


def _pair_message_first(
    sources: list[str], schema: Mapping[str, pl.DataType], converted: list[pl.Expr]
) -> list[pl.Expr]:
    """Message sources with `msg=`-style pairs first, each followed by the continuation lines."""
    tail = pl.col("raw").str.splitn("\n", 2).struct.field("field_1")
    pairs = [
        pl.when(tail.is_null()).then(expr).otherwise(pl.concat_str([expr, tail], separator="\n"))
        for source, expr in zip(sources, converted, strict=True)
        if source.startswith("_p.")
    ]
    rest = [
        expr
        for source, expr in zip(sources, converted, strict=True)
        if not source.startswith("_p.")
    ]
    return pairs + rest


def normalise(
    parsed: Parsed, source_file: str, tz: str, year: int, aliases: AliasTable
) -> Normalised:
    """Map, cast and derive every canonical column except `kind`."""
    frame = parsed.frame
    names = [c for c in frame.columns if c not in _INTERNAL]
    groups = _source_groups(names, aliases)
    pair_rest: dict[str, str] = {}
    if parsed.pairs is not None and not parsed.pairs.is_empty():
        wide, pair_canonical, pair_rest = _pair_columns(parsed.pairs, aliases)
        frame = frame.join(wide, on=ROW, how="left", maintain_order="left")
        for column, target in pair_canonical.items():
            groups.setdefault(target, []).append(column)
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
        if target == "message":
            converted = _pair_message_first(sources, schema, converted)
        exprs.append(pl.coalesce(converted).alias(target))
    if "message" not in groups:
        exprs.append(pl.lit(None, dtype=pl.String).alias("message"))
    own = [c for c in leftovers if c not in _INTERNAL]
    kept = [pl.col(c).alias(c.removeprefix(CLASH_PREFIX)) for c in own] + [
        pl.col(column).alias(key) for column, key in pair_rest.items() if key not in own
    ]
    fields: pl.Expr = pl.lit(None, dtype=pl.String)
    if kept:
        # Null members say nothing; dropping them keeps `fields` short (keys are field names).
        encoded = (
            pl.struct(kept)
            .struct.json_encode()
            .str.replace_all(r',"(?:[^"\\]|\\.)*":null', "")
            .str.replace(r'^\{"(?:[^"\\]|\\.)*":null,?', "{")
        )
        fields = pl.when(encoded == "{}").then(None).otherwise(encoded)
    exprs.append(fields.alias("fields"))
    out = frame.select(exprs).with_columns(
        pl.lit(source_file).alias("source_file"),
        pl.lit(parsed.format).alias("format"),
    )
    out = out.with_columns(_order_from_text(out.columns).alias("order_id"))
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
