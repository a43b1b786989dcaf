"""Known CA API bodies (CERTInext, ACME, OAuth, DigiCert, Sectigo, EJBCA, Vault) onto fields."""

from __future__ import annotations

import io

import polars as pl

from analyzer.readers.aliases import normalise_key

# Columns that may hold a whole API response as a nested object or as JSON text.
_BODY_NAMES = frozenset({"body", "response", "responsebody", "payload", "errorbody", "apiresponse"})
_MAX_DEPTH = 4
TEXT_SUFFIX = "#text"


def _flatten(frame: pl.DataFrame) -> pl.DataFrame:
    for _ in range(_MAX_DEPTH):
        structs = [n for n, t in frame.schema.items() if isinstance(t, pl.Struct)]
        if not structs:
            break
        frame = frame.unnest(structs, separator=".")
    return frame


def _decode_bodies(frame: pl.DataFrame) -> pl.DataFrame:
    """A body column holding JSON text is decoded in place so its fields can be found; the rows
    whose body is not JSON (an HTML error page) keep it as text in `<name>#text`."""
    for name, dtype in frame.schema.items():
        last = name.rpartition(".")[2]
        if dtype != pl.String or normalise_key(last) not in _BODY_NAMES:
            continue
        text = pl.col(name).str.strip_chars()
        is_json = (text.str.starts_with("{") & text.str.ends_with("}")).fill_null(False)
        if not frame.select(is_json.any()).item():
            continue
        lines = frame.select(pl.when(is_json).then(text).otherwise(pl.lit("{}"))).to_series()
        try:
            # read_ndjson copes with a field typed differently from row to row; json_decode not.
            decoded = pl.read_ndjson(
                io.BytesIO(lines.str.join("\n").item().encode()), infer_schema_length=None
            )
        except Exception:  # free text that merely looks like JSON: keep it as text
            continue
        if decoded.width == 0 or decoded.height != frame.height:
            continue
        frame = frame.with_columns(
            decoded.select(pl.struct(pl.all()).alias(name)).to_series(),
            frame.select(
                pl.when(~is_json).then(pl.col(name)).alias(f"{name}{TEXT_SUFFIX}")
            ).to_series(),
        )
    return frame


def _body_texts(frame: pl.DataFrame) -> list[str]:
    """Bodies that are plain text (an HTML error page): the message of last resort."""
    return [
        c
        for c, t in frame.schema.items()
        if t == pl.String
        and (c.endswith(TEXT_SUFFIX) or normalise_key(c.rpartition(".")[2]) in _BODY_NAMES)
    ]


def _find(frame: pl.DataFrame, path: str) -> list[str]:
    """Columns named `path` or ending in `.path` (the same body nested under any wrapper)."""
    return [n for n in frame.columns if n == path or n.endswith("." + path)]


def _text(frame: pl.DataFrame, *paths: str) -> pl.Expr:
    return _text_of(frame, [c for p in paths for c in _find(frame, p)])


def _string(frame: pl.DataFrame, c: str) -> pl.Expr:
    """Column `c` as text; a nested value (`"msg": []`, `"level": {...}`) as its JSON."""
    if frame.schema[c].is_nested():
        return (
            pl.struct(pl.col(c).alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")
        )
    return pl.col(c).cast(pl.String)


def _text_of(frame: pl.DataFrame, found: list[str]) -> pl.Expr:
    """The first non-empty value among `found` columns, as text (lists joined with "; ")."""
    if not found:
        return pl.lit(None, dtype=pl.String)
    exprs = []
    for c in found:
        dtype = frame.schema[c]
        if isinstance(dtype, pl.List) and not dtype.inner.is_nested():
            exprs.append(pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("; "))
        else:
            exprs.append(_string(frame, c))
    # Bodies say `"errorCode": ""` on success: an empty value is no value.
    return pl.coalesce([pl.when(e.str.strip_chars() != "").then(e) for e in exprs])


def _errors_list(frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr, list[str]]:
    """DigiCert `errors[{code,message}]` and Vault `errors["..."]`: the first code, all messages."""
    codes: list[pl.Expr] = []
    messages: list[pl.Expr] = []
    used = _find(frame, "errors")
    for c in used:
        dtype = frame.schema[c]
        if not isinstance(dtype, pl.List):
            continue
        inner = dtype.inner
        if isinstance(inner, pl.Struct):
            flat = {f.name for f in inner.fields if not f.dtype.is_nested()}
            if "code" in flat:
                codes.append(pl.col(c).list.first().struct.field("code").cast(pl.String))
            for key in ("message", "detail", "description"):
                if key in flat:
                    messages.append(
                        pl.col(c)
                        .list.eval(pl.element().struct.field(key).cast(pl.String))
                        .list.join("; ")
                    )
                    break
        elif inner == pl.String:
            first = pl.col(c).list.first()
            is_obj = first.str.starts_with("{")
            codes.append(pl.when(is_obj).then(first.str.json_path_match("$.code")))
            messages.append(
                pl.when(is_obj)
                .then(first.str.json_path_match("$.message"))
                .otherwise(pl.col(c).list.join("; "))
            )
    none = pl.lit(None, dtype=pl.String)
    return (
        pl.coalesce(codes) if codes else none,
        pl.coalesce(messages) if messages else none,
        used,
    )


def flatten_api_bodies(decoded: pl.DataFrame) -> pl.DataFrame:
    """Nested objects become dotted columns; known error bodies fill error_code, message, http."""
    frame = _flatten(_decode_bodies(_flatten(decoded)))
    meta_status = _text(frame, "meta.status")
    status_raw = _text_of(
        frame, [c for c in _find(frame, "status") if not c.endswith("meta.status")]
    )
    status_is_http = status_raw.str.contains(r"^\d{3}$")
    problem_type = _text(frame, "type")
    detail = _text(frame, "detail")
    oauth_error = _text(frame, "error")
    oauth_desc = _text(frame, "error_description")
    err_code, err_msg, errors_cols = _errors_list(frame)
    code = _text(frame, "meta.errorCode", "errorCode", "error_code", "ems_code", "code")
    error_code = pl.coalesce(
        code,
        detail.str.extract(r"\b(EMS-\d+)\b"),
        pl.when(problem_type.str.starts_with("urn:ietf:params:acme:error")).then(problem_type),
        err_code,
        pl.when(oauth_desc.is_not_null()).then(oauth_error),
    )
    api_message = pl.coalesce(
        _text(frame, "meta.errorMessage"),
        detail,
        oauth_desc,
        err_msg,
        _text(frame, "description", "error_message", "errorMessage"),
        pl.when(oauth_desc.is_null()).then(oauth_error),
        _text(frame, "title"),
        *[pl.col(c) for c in _body_texts(frame)],
    )
    own = pl.coalesce(
        [
            _string(frame, c)
            for c in frame.columns
            if normalise_key(c) in {"msg", "message", "logmessage", "text"}
        ]
        or [pl.lit(None, dtype=pl.String)]
    )
    message = (
        pl.when(own.is_not_null() & api_message.is_not_null() & (own != api_message))
        .then(pl.concat_str([own, api_message], separator=" — "))
        .otherwise(pl.coalesce(own, api_message))
    )
    http = (
        pl.coalesce(
            _text(frame, "http_status", "status_code", "statusCode", "httpStatus", "response_code"),
            pl.when(status_is_http).then(status_raw),
        )
        .str.strip_chars()
        .cast(pl.Int32, strict=False)
    )
    # CERTInext v1 answers HTTP 200 with meta.status "0" when the call failed.
    failed = (meta_status == "0") | (http >= 400) | error_code.is_not_null() | err_msg.is_not_null()
    consumed = (
        {
            c
            for p in (
                "meta.status",
                "meta.errorCode",
                "meta.errorMessage",
                "type",
                "title",
                "detail",
                "error",
                "error_description",
                "errorCode",
                "error_code",
                "ems_code",
                "code",
                "description",
                "error_message",
                "errorMessage",
                "status",
                "http_status",
                "status_code",
                "statusCode",
                "httpStatus",
                "response_code",
            )
            for c in _find(frame, p)
        }
        | set(errors_cols)
        | set(_body_texts(frame))
        | {c for c in frame.columns if normalise_key(c) in {"msg", "message", "logmessage", "text"}}
    )
    level_cols = [
        c for c in frame.columns if normalise_key(c) in {"level", "severity", "loglevel", "lvl"}
    ]
    level = pl.coalesce([_string(frame, c) for c in level_cols] or [pl.lit(None, dtype=pl.String)])
    result_cols = [c for c in frame.columns if normalise_key(c) in {"result", "outcome"}]
    result = pl.coalesce(
        [_string(frame, c) for c in result_cols] or [pl.lit(None, dtype=pl.String)]
    )
    derived = frame.select(
        pl.int_range(pl.len()).alias("_n"),  # anchors the height when every column is a literal
        message.alias("message"),
        error_code.alias("error_code"),
        http.alias("http_status"),
        pl.when(status_is_http).then(None).otherwise(status_raw).alias("status"),
        pl.coalesce(level, pl.when(failed).then(pl.lit("error"))).alias("level"),
        pl.coalesce(
            result,
            pl.when(meta_status == "0")
            .then(pl.lit("failed"))
            .when(meta_status == "1")
            .then(pl.lit("ok")),
        ).alias("result"),
    )
    derived = derived.drop("_n")
    rest = frame.drop(
        [c for c in frame.columns if c in consumed or c in level_cols or c in result_cols]
    )
    return pl.concat([derived, rest], how="horizontal")
