"""Redaction: every secret shape, the same result in Python and Polars, names kept, keys found."""

from __future__ import annotations

import json
import os
import types
import typing
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from analyzer.errors import ConfigError
from analyzer.models import Report
from analyzer.pipeline import AnalyzeOptions, analyze_paths
from analyzer.redact import _AUTHORED, REDACTED, Redactor, find_private_keys, redact_report

SHAPES = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "report" / "secrets.json").read_text(
        encoding="utf-8"
    )
)


def test_there_are_at_least_forty_shapes() -> None:
    assert len(SHAPES) >= 40


@pytest.mark.parametrize("shape", SHAPES, ids=[s["name"] for s in SHAPES])
def test_text_removes_the_secret_and_keeps_the_rest(shape: dict[str, str]) -> None:
    out = Redactor().text(shape["text"])
    assert shape["secret"] not in out
    assert REDACTED in out
    assert Redactor().text(out) == out  # idempotent: rendering redacts an already redacted report


def test_texts_matches_text_on_every_shape() -> None:
    texts = [s["text"] for s in SHAPES]
    assert Redactor().texts(texts) == [Redactor().text(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("password=hunter2", "password="),
        ('{"client_secret": "abc123"}', '"client_secret": "'),
        ("X-DC-DEVKEY: abcdef123456", "X-DC-DEVKEY: "),
        ("https://svc:pw123@ca.example/certsrv", "https://svc:"),
        ("https://ca.example/api?apikey=k123&limit=5", "&limit=5"),
    ],
)
def test_key_names_stay_visible(text: str, kept: str) -> None:
    assert kept in Redactor().text(text)


@pytest.mark.parametrize(
    "text",
    [
        "HTTP 401 API key expired on 2026-10-31",
        "key_size=2048 sig_alg=sha256WithRSAEncryption error_code=EMS-956",
        "Template OV-SSL not found for account 'acme'",
        "POST https://www.digicert.com/services/v2/order/certificate/ssl_basic -> 503",
        "token expired for user svc-ca",
    ],
)
def test_ordinary_log_text_is_left_alone(text: str) -> None:
    assert Redactor().text(text) == text


def test_extra_patterns_apply_in_text_and_texts() -> None:
    redactor = Redactor(extra_patterns=[r"ACME-[0-9]{6}"])
    assert redactor.text("customer ACME-123456 failed") == f"customer {REDACTED} failed"
    out = Redactor(extra_patterns=[r"ACME-[0-9]{6}"]).texts(["customer ACME-123456 failed"])
    assert out == [f"customer {REDACTED} failed"]


def test_an_invalid_extra_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="invalid redaction pattern"):
        Redactor(extra_patterns=[r"(?<=look)behind"])


def test_redact_report_reaches_every_free_text_field(report: Report) -> None:
    clean = redact_report(report, Redactor())
    dumped = clean.model_dump_json()
    for secret in (
        "Winter2026!",
        "SecApiKey55667788",
        "EntAccessTok998877",
        "DCK9a8b7c6d5e4f3a2b1",
        "cs_live_0099aabbccdd",
        "MIIEowIBAAKCAQEAsecretkeybody",
        "dBjftJeZ4CVPmB92K27uhbUJU1p1rwW",
    ):
        assert secret in report.model_dump_json()
        assert secret not in dumped
    assert clean.orders[0].order_id == report.orders[0].order_id
    assert clean.summary == report.summary


def test_find_private_keys_points_at_the_lines() -> None:
    events = pl.DataFrame(
        {
            "source_file": ["a.log", "a.log", "b.log", "b.log"],
            "line": pl.Series([3, 9, 1, 4], dtype=pl.UInt32),
            "raw": [
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----",
                "ok",
                "dump -----BEGIN EC PRIVATE KEY----- MHcC",
            ],
        }
    )
    found = find_private_keys(events)
    assert found.columns == ["source_file", "line"]
    assert found.rows() == [("a.log", 3), ("b.log", 4)]


# The pipeline redacts while it assembles the Report (not by walking the finished one): these tests
# prove that it reaches every free-text field all the same, with the same result as redact_report.
SAMPLES = os.path.relpath(Path(__file__).resolve().parent.parent.parent / "sample_logs")
# An extra pattern that redacts a whole string: it shows which fields redaction reaches.
EVERYTHING = r"(?s).+"
# Built outside assembly and redacted there by the generic walk (redact_value), like redact_report.
WALKED = ("inputs", "accounting", "unknown_clusters", "security_findings")


def _analysed(**options: Any) -> Report:
    return analyze_paths([SAMPLES], AnalyzeOptions(**options)).report


@pytest.fixture(scope="module")
def unredacted() -> Report:
    return _analysed(redact=False)


def _string_fields(model: type[BaseModel], path: str = "") -> set[str]:
    """Every field path of the model tree whose value is or holds a string (dict keys aside)."""
    found: set[str] = set()

    def visit(annotation: Any, at: str) -> None:
        origin = typing.get_origin(annotation)
        if annotation is str:
            found.add(at)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.update(_string_fields(annotation, at + "."))
        elif origin in (list, typing.Union, types.UnionType):
            for arg in typing.get_args(annotation):
                visit(arg, at)
        elif origin is dict:
            visit(typing.get_args(annotation)[1], at)

    for name, field in model.model_fields.items():
        visit(field.annotation, path + name)
    return found


def _strings(value: Any, path: str = "") -> list[tuple[str, str, bool]]:
    """(field path, string, authored) for every string value of dumped report data."""
    if isinstance(value, str):
        return [(path, value, False)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, path)]
    if isinstance(value, dict):
        out = []
        for key, v in value.items():
            at = f"{path}.{key}" if path else key
            out += [(p, t, a or key in _AUTHORED) for p, t, a in _strings(v, at)]
        return out
    return []


@pytest.mark.parametrize(
    "extra", [(), (r"ORD-\d+",), (EVERYTHING,)], ids=["default", "extra", "all"]
)
def test_pipeline_redaction_is_redact_report(unredacted: Report, extra: tuple[str, ...]) -> None:
    redacted = _analysed(extra_redactions=extra, generated_at=unredacted.generated_at)
    walked = redact_report(unredacted, Redactor(extra)).model_copy(update={"redacted": True})
    assert redacted == walked
    assert redacted.model_dump_json() == walked.model_dump_json()


def test_pipeline_redaction_reaches_every_free_text_field() -> None:
    redacted = _analysed(extra_redactions=[EVERYTHING])
    assert redacted.redacted
    strings = _strings(redacted.model_dump(mode="python"))
    leaked = {(p, t) for p, t, authored in strings if not authored and t not in (REDACTED, "")}
    assert leaked == set()
    # Every string field of the model is authored, walked as a whole, or seen redacted here: a new
    # free-text field that assembly fills without redacting it cannot go unnoticed.
    reached = {p for p, t, authored in strings if t == REDACTED}
    authored = {f for f in _string_fields(Report) if f.rsplit(".", 1)[-1] in _AUTHORED}
    walked = {f for f in _string_fields(Report) if f.startswith(WALKED)}
    assert _string_fields(Report) - authored - walked - reached == set()


# Pieces of secret-looking text: key names, separators, values, hostnames, Unicode look-alikes.
_PIECES = [
    *(s["text"] for s in SHAPES[:12]),
    "password",
    "PassWord",
    "api_key",
    "x-api-key",
    "Authorization",
    "Bearer ",
    "token",
    "sso",
    "secret",
    "pwd",
    "sig",
    "code",
    "@",
    "://",
    "?",
    "&",
    "=",
    ": ",
    ":",
    '"',
    "'",
    " ",
    "\n",
    "sso182.example.org",
    ";alt0-",
    "eyJhbGciOi",
    ".",
    "AKIA",
    "ghp_",
    "K",
    "ſ",
    "é",
    "İ",
    "-----",
    "-----BEGIN RSA PRIVATE KEY-----",
    "abc123",
    "[REDACTED]",
    "<password>",
    "--token ",
    "is ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join), max_size=12))
def test_texts_screens_with_rust_and_agrees_with_text(values: list[str]) -> None:
    """The vectorised screen (Rust regex) never lets pass a string Python's patterns would change."""
    batch = Redactor().texts([*values, None])
    assert batch == [*(Redactor().text(v) for v in values), None]


def test_texts_keeps_san_lists_away_from_pythons_regexes() -> None:
    # Python's backtracking takes about a millisecond on each of these (the `sso` of a secret
    # name's keyword list lets them through the keyword test); the Rust screen passes none on.
    sans = [";".join(f"sso{i}-{j}.example.org" for j in range(4)) for i in range(2000)]
    redactor = Redactor()
    assert redactor.texts(sans) == sans
    assert not redactor._cache  # text() never ran: it caches every string it reads
