"""Normalisation: a parsed frame (source field names) onto the canonical events schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from analyzer.readers.aliases import RESERVED, AliasTable, normalise_key
from analyzer.readers.parsed import BASE_COLUMNS, CLASH_PREFIX, ROW, Parsed
from analyzer.readers.states import levels, states
from analyzer.readers.timestamps import parse_ts
from analyzer.schema import EVENT_SCHEMA, KIND_DTYPE, STATE_DTYPE, Kind, conform

_INTERNAL = frozenset({*BASE_COLUMNS, "layout"})
# A `msg=` / `error=` pair is the message of a key=value line: it replaces the line's text, and the
# event's continuation lines (stack traces) follow it, so rules still match "Caused by: ..." text.
_PAIR_SKIP = frozenset({"ts", "level"})
# Canonical columns worked out before the one lazy select of all the others.
_DONE_EAGERLY = frozenset({"ts", "level", "message"})


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
    frame: pl.DataFrame, pairs: pl.DataFrame, aliases: AliasTable, seen: list[str] | None = None
) -> tuple[pl.DataFrame, dict[str, str], dict[str, str]]:
    """`frame` with one `_p.<key>` column per pair key (the first value of that key in each row,
    keys in order of first appearance); returns (frame, column → canonical name, column → key
    kept in `fields`).

    `seen`: for a slice of a file, the keys of the slices before in order of first appearance,
    extended here. Keys seen before come first in that order, then this slice's new ones: the
    order of first appearance in the whole file, which decides `fields` and alias precedence.
    """
    pairs = pairs.filter(pl.col("key") != ROW)
    frame, keys = _spread_pairs(frame, pairs)
    if seen is not None:
        known = set(seen)
        seen += [key for key in keys if key not in known]
        place = {key: index for index, key in enumerate(seen)}
        keys = sorted(keys, key=place.__getitem__)
    canonical: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key in keys:
        target = aliases.canonical(key)
        if target is not None and target not in RESERVED | _PAIR_SKIP:
            canonical[f"_p.{key}"] = target
        else:
            rest[f"_p.{key}"] = key
    return frame, canonical, rest


def _numbered_in_order(frame: pl.DataFrame, pairs: pl.DataFrame) -> bool:
    """Rows numbered 0, 1, 2, ... in order, and pairs in row order naming only those rows."""
    rows, owners = frame[ROW], pairs[ROW]
    if not rows.dtype.is_integer() or not owners.dtype.is_integer():
        return False
    if owners.has_nulls() or pairs["key"].has_nulls():
        return False
    if rows.is_empty() or rows[0] != 0 or not bool((rows.diff().drop_nulls() == 1).all()):
        return False
    return owners.is_sorted() and (owners.is_empty() or (owners[0] >= 0 and owners[-1] < len(rows)))


def _spread_pairs(frame: pl.DataFrame, pairs: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The pairs' values as `_p.<key>` columns of `frame`, and the keys.

    Pairs come in row order and `_row` numbers the rows, so each key's first value per row is
    gathered straight into place: several times cheaper than a pivot and a join of the result.
    """
    if not _numbered_in_order(frame, pairs):
        wide = pairs.pivot(on="key", index=ROW, values="value", aggregate_function="first")
        keys = [c for c in wide.columns if c != ROW]
        wide = wide.with_columns(pl.col(ROW).cast(pl.UInt32)).rename({k: f"_p.{k}" for k in keys})
        return frame.join(wide, on=ROW, how="left", maintain_order="left"), keys
    columns: list[pl.Series] = []
    keys = []
    nowhere = pl.repeat(None, frame.height, dtype=pl.UInt32, eager=True)
    for (key,), part in pairs.partition_by("key", maintain_order=True, as_dict=True).items():
        firsts = part.filter((pl.col(ROW) != pl.col(ROW).shift(1)).fill_null(True))
        where = nowhere.clone().scatter(
            firsts[ROW], pl.int_range(firsts.height, dtype=pl.UInt32, eager=True)
        )
        columns.append(firsts["value"].gather(where).alias(f"_p.{key}"))
        keys.append(str(key))
    return frame.with_columns(columns), keys


# Free text that names an order ("Order ORD-100401 installed", "order #58231 failed") still links it.
_ORDER_IN_TEXT = (
    r"(?i:\border)(?:[ _-]?(?i:id|no|number))?\s*[:=#]?\s*['\"]?([A-Z][A-Z0-9]*-\d{3,}|\d{5,})\b"
)


def _order_from_text(out: pl.DataFrame) -> pl.Series:
    """`order_id`, or where it is null the order the message names (only those rows searched)."""
    if "order_id" not in out.columns or out.schema["order_id"] != pl.String:
        found = pl.col("message").str.extract(_ORDER_IN_TEXT, 1)
        expr = pl.coalesce(pl.col("order_id"), found) if "order_id" in out.columns else found
        return out.select(expr.alias("order_id")).to_series()
    order_id = out["order_id"]
    missing = order_id.is_null().arg_true()
    if missing.is_empty():
        return order_id
    named = out["message"].gather(missing).cast(pl.String).str.extract(_ORDER_IN_TEXT, 1)
    return order_id.clone().scatter(missing, named)


def _continuations(raw: pl.Series) -> pl.Series:
    """What follows the first line of each multi-line `raw`; null for one-line events."""
    multi = raw.str.contains("\n", literal=True).arg_true()
    tails = raw.gather(multi).str.splitn("\n", 2).struct.field("field_1")
    return pl.repeat(None, raw.len(), dtype=pl.String, eager=True).scatter(multi, tails)


def _free_name(frame: pl.DataFrame, name: str) -> str:
    """`name`, or `name` with underscores added until no column of `frame` has it."""
    while name in frame.columns:
        name += "_"
    return name


def _stripped_text(text: pl.Series, *, compact: bool) -> pl.Series:
    """`text` with white space stripped and empty values null, as _convert does.

    Only the values that change are copied (strip_chars and when/then would copy every string),
    unless `compact`: values gathered from a bigger buffer (pairs' values point into the text
    of every pair) are copied once, so that they do not keep that whole buffer alive.
    """
    if compact:
        text = text.str.strip_chars()
    else:
        edges = text.str.contains(r"^\s") | text.str.contains(r"\s$")
        edged = edges.fill_null(False).arg_true()
        if not edged.is_empty():
            text = text.clone().scatter(edged, text.gather(edged).str.strip_chars())
    empty = (text == "").fill_null(False).arg_true()
    if not empty.is_empty():
        text = text.clone().scatter(empty, None)
    return text


def _filled(first: pl.Series, other: pl.Series) -> pl.Series:
    """pl.coalesce of two string columns, putting in only the values `first` lacks."""
    gaps = (first.is_null() & other.is_not_null()).arg_true()
    return first.clone().scatter(gaps, other.gather(gaps)) if not gaps.is_empty() else first


def _message(frame: pl.DataFrame, sources: list[str], raw: pl.Series) -> pl.Series:
    """The message: `msg=`-style pairs first, each followed by the event's continuation lines
    (stack traces), then the other sources; stripped, empty as null, first non-null wins."""
    pairs = [s for s in sources if s.startswith("_p.")]
    tail = _continuations(raw) if pairs else None
    tailed = tail.is_not_null().arg_true() if tail is not None else None
    message: pl.Series | None = None
    for source in pairs + [s for s in sources if s not in pairs]:
        text = frame.select(_as_text(source, frame.schema[source])).to_series()
        value = _stripped_text(text, compact=source in pairs)
        if tail is not None and tailed is not None and source in pairs and not tailed.is_empty():
            parts = pl.DataFrame([value.gather(tailed), tail.gather(tailed)])
            whole = parts.select(pl.concat_str(parts.columns, separator="\n")).to_series()
            value = value.clone().scatter(tailed, whole)
        message = value if message is None else _filled(message, value)
    if message is None:
        return pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    return message


# JSON text of a field name that needs no escaping, in JSON or in a regex (after `.`/`-` escaped).
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.\-]+")
# More null patterns than this and one encoding plus regexes is cheaper than one per pattern.
_MAX_NULL_PATTERNS = 24


def _fields_json(kept: list[pl.Expr], names: list[str], dtypes: list[pl.DataType]) -> pl.Expr:
    """The kept fields as one JSON object per row, null members left out; null when empty.

    With scalar values and plain names, a `,"name":null` can only be a member: inside a JSON
    string every `"` is escaped. The null-member regex then needs only the known names, which
    is much cheaper to match than any quoted key.
    """
    if _plain_members(names, dtypes):
        escaped = [n.replace(".", "\\.").replace("-", "\\-") for n in names]
        member = rf',"(?:{"|".join(escaped)})":null'
        first = rf'^\{{"{escaped[0]}":null,?'
    else:
        member = r',"(?:[^"\\]|\\.)*":null'
        first = r'^\{"(?:[^"\\]|\\.)*":null,?'
    # Null members say nothing; dropping them keeps `fields` short (keys are field names).
    encoded = (
        pl.struct(kept).struct.json_encode().str.replace_all(member, "").str.replace(first, "{")
    )
    return encoded.replace("{}", None)


def _plain_members(names: list[str], dtypes: list[pl.DataType]) -> bool:
    """Plain names and scalar values: each member's text is `"name":` and the value's."""
    return all(_PLAIN_KEY.fullmatch(n) for n in names) and not any(t.is_nested() for t in dtypes)


def _null_only_as_null(dtype: pl.DataType) -> bool:
    """A struct's json_encode writes values of `dtype` as `null` exactly where they are null
    (not so floats: NaN and infinities are written `null` too)."""
    return dtype in (pl.String, pl.Boolean) or dtype.is_integer()


def _null_patterns(frame: pl.DataFrame, columns: list[str]) -> pl.Series | None:
    """Per row, which of `columns` are null (bit i for column i); None when too many columns."""
    if len(columns) > 62:
        return None
    bits = [pl.col(c).is_null().cast(pl.Int64) * (1 << i) for i, c in enumerate(columns)]
    return frame.select(pl.sum_horizontal(bits).alias("nulls")).to_series()


def _fields(frame: pl.DataFrame, kept: list[tuple[str, str]]) -> pl.Series:
    """The kept (column, name) fields as `_fields_json` writes them.

    With plain names and values that encode as `null` only where null, the rows of each pattern
    of nulls get their non-null members encoded, which leaves nothing for the null-member
    regexes to remove: the same text, several times cheaper when patterns are few.
    """
    names = [name for _, name in kept]
    dtypes = [frame.schema[column] for column, _ in kept]
    columns = [pl.col(column).alias(name) for column, name in kept]
    by_pattern = _plain_members(names, dtypes) and all(map(_null_only_as_null, dtypes))
    patterns = _null_patterns(frame, [c for c, _ in kept]) if by_pattern else None
    if patterns is None or patterns.n_unique() > _MAX_NULL_PATTERNS:
        return frame.select(_fields_json(columns, names, dtypes)).to_series()
    return _encoded_by_pattern(frame, columns, patterns)


def _encoded_by_pattern(
    frame: pl.DataFrame, columns: list[pl.Expr], patterns: pl.Series
) -> pl.Series:
    """Each row's non-null `columns` as one JSON object; null where all are null."""
    fields = pl.repeat(None, frame.height, dtype=pl.String, eager=True)
    for pattern in patterns.unique().to_list():
        present = [e for i, e in enumerate(columns) if not pattern >> i & 1]
        if not present:
            continue
        rows = (patterns == pattern).arg_true()
        encoded = frame.select(pl.struct(present).gather(rows).struct.json_encode()).to_series()
        fields = fields.scatter(rows, encoded) if rows.len() < frame.height else encoded
    return fields.alias("fields")


def normalise(
    parsed: Parsed,
    source_file: str,
    tz: str,
    year: int,
    aliases: AliasTable,
    seen_keys: list[str] | None = None,
) -> Normalised:
    """Map, cast and derive every canonical column except `kind`.

    `seen_keys`: for slices of one file, the pair keys met so far (see `_pair_columns`).
    """
    frame = parsed.frame
    names = [c for c in frame.columns if c not in _INTERNAL]
    groups = _source_groups(names, aliases)
    pair_rest: dict[str, str] = {}
    if parsed.pairs is not None and not parsed.pairs.is_empty():
        frame, pair_canonical, pair_rest = _pair_columns(frame, parsed.pairs, aliases, seen_keys)
        for column, target in pair_canonical.items():
            groups.setdefault(target, []).append(column)
    mapped = {source for sources in groups.values() for source in sources}
    leftovers = [c for c in names if c not in mapped]
    # Timestamps are parsed eagerly, one source column at a time (see timestamps.parse_ts).
    for index, source in enumerate(groups.get("ts", [])):
        frame = frame.with_columns(parse_ts(frame, source, tz, year).alias(f"_ts{index}"))
    if "ts" in groups:
        groups["ts"] = [f"_ts{index}" for index in range(len(groups["ts"]))]
    # Levels too, one distinct spelling at a time (see states.levels).
    for index, source in enumerate(groups.get("level", [])):
        level = _free_name(frame, f"_level{index}")
        frame = frame.with_columns(levels(frame[source]).alias(level))
        groups["level"][index] = level
    if "message" in groups:
        # Eagerly, value by value: the message is the longest text after `raw`, and whole-column
        # expressions (strip_chars, when/then, coalesce) would each copy all of it.
        message = _free_name(frame, "_message")
        frame = frame.with_columns(_message(frame, groups["message"], frame["raw"]).alias(message))
        groups["message"] = [message]
    schema = frame.schema
    exprs: list[pl.Expr] = [pl.col("line"), pl.col("line_end"), pl.col("raw")]
    for target, sources in groups.items():
        converted = [
            pl.col(s) if target in _DONE_EAGERLY else _convert(s, schema[s], target)
            for s in sources
        ]
        exprs.append(pl.coalesce(converted).alias(target))
    if "message" not in groups:
        exprs.append(pl.lit(None, dtype=pl.String).alias("message"))
    own = [c for c in leftovers if c not in _INTERNAL]
    kept = [(c, c.removeprefix(CLASH_PREFIX)) for c in own] + [
        (column, key) for column, key in pair_rest.items() if key not in own
    ]
    fields: pl.Expr = pl.lit(None, dtype=pl.String)
    if kept:
        fields_column = _free_name(frame, "_fields")
        frame = frame.with_columns(_fields(frame, kept).alias(fields_column))
        fields = pl.col(fields_column)
    exprs.append(fields.alias("fields"))
    # Lazily, so that common subexpressions (a stripped column used twice) are computed once.
    out = (
        frame.lazy()
        .select(exprs)
        .collect()
        .with_columns(
            pl.lit(source_file).alias("source_file"),
            pl.lit(parsed.format).alias("format"),
        )
    )
    out = out.with_columns(_order_from_text(out))
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
        frame = frame.with_columns(states(frame["status"], statuses).alias("state"))
    else:
        frame = frame.with_columns(pl.lit(None, dtype=STATE_DTYPE).alias("state"))
    return conform(frame).collect()
