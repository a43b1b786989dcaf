"""JSON Lines and JSON arrays: known CA API bodies flatten onto error_code, message, http_status."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from analyzer.readers import ReadResult
from tests.readers.conftest import first_row, only

# (name, JSON object, expected canonical fields)
BODY_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "certinext-v1-failure-despite-200",
        {
            "order_id": "ORD-1",
            "http_status": 200,
            "body": {
                "meta": {
                    "status": "0",
                    "errorCode": "EMS-1162",
                    "errorMessage": "Template not mapped",
                }
            },
        },
        {
            "order_id": "ORD-1",
            "http_status": 200,
            "error_code": "EMS-1162",
            "message": "Template not mapped",
            "level": "error",
            "result": "failed",
            "status": None,
        },
    ),
    (
        "certinext-v1-success",
        {
            "order_id": "ORD-2",
            "http_status": 200,
            "body": {"meta": {"status": "1", "errorCode": "", "errorMessage": ""}},
        },
        {"error_code": None, "level": None, "result": "ok", "message": None},
    ),
    (
        "problem-json-ems-code",
        {
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": "EMS-915 — invalid CSR",
            "errors": [],
        },
        {"http_status": 400, "error_code": "EMS-915", "message": "EMS-915 — invalid CSR"},
    ),
    (
        "acme-problem",
        {"type": "urn:ietf:params:acme:error:rateLimited", "status": 429, "detail": "too many"},
        {
            "http_status": 429,
            "error_code": "urn:ietf:params:acme:error:rateLimited",
            "message": "too many",
        },
    ),
    (
        "oauth",
        {"error": "invalid_client", "error_description": "Client authentication failed"},
        {
            "error_code": "invalid_client",
            "message": "Client authentication failed",
            "level": "error",
        },
    ),
    (
        "digicert",
        {
            "http_status": 401,
            "body": {"errors": [{"code": "invalid_api_key", "message": "key expired"}]},
        },
        {"http_status": 401, "error_code": "invalid_api_key", "message": "key expired"},
    ),
    (
        "sectigo",
        {"code": -183, "description": "Invalid domain"},
        {"error_code": "-183", "message": "Invalid domain"},
    ),
    (
        "ejbca",
        {"error_code": 403, "error_message": "Not authorized"},
        {"error_code": "403", "message": "Not authorized"},
    ),
    (
        "vault",
        {"errors": ["permission denied", "token expired"]},
        {"message": "permission denied; token expired", "level": "error"},
    ),
    (
        "body-as-json-text",
        {
            "msg": "submit",
            "response_body": json.dumps({"meta": {"status": "0", "errorCode": "EMS-7"}}),
        },
        {"error_code": "EMS-7", "message": "submit", "result": "failed"},
    ),
    (
        "aliases-and-own-message",
        {
            "@timestamp": "2026-11-20T10:00:00+01:00",
            "orderNumber": "ORD-3",
            "Order Status": "Rejected",
            "message": "order rejected",
            "body": {"errors": [{"code": "x", "message": "bad SAN"}]},
        },
        {
            "ts": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            "order_id": "ORD-3",
            "status": "Rejected",
            "state": "failed",
            "message": "order rejected — bad SAN",
        },
    ),
]


@pytest.mark.parametrize(("name", "obj", "expected"), BODY_CASES, ids=[c[0] for c in BODY_CASES])
def test_api_bodies(
    read_text: Callable[..., ReadResult], name: str, obj: dict[str, Any], expected: dict[str, Any]
) -> None:
    line = json.dumps(obj)
    result = read_text("order-api.jsonl", line + "\n")
    row = first_row(result)
    assert row["raw"] == line
    assert row["kind"] == "order"
    for key, value in expected.items():
        assert row[key] == value, key


def test_mixed_shapes_in_one_file_coalesce_per_row(read_text: Callable[..., ReadResult]) -> None:
    lines = [
        {"timestamp": "2026-11-20T10:00:00Z", "order_id": "ORD-1"},
        {"ts": 1763633702123, "orderId": "ORD-2"},
        {"time": "2026-11-20 10:00:00,250", "order": "ORD-3"},
    ]
    result = read_text("orders.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    rows = result.events.to_dicts()
    assert [r["order_id"] for r in rows] == ["ORD-1", "ORD-2", "ORD-3"]
    assert rows[1]["ts"] == datetime.fromtimestamp(1763633702.123, tz=UTC)
    assert rows[2]["ts"] == datetime(2026, 11, 20, 10, 0, 0, 250000, tzinfo=UTC)


def test_invalid_lines_are_unparsed_with_their_line_numbers(
    read_text: Callable[..., ReadResult],
) -> None:
    text = '{"a": 1}\n{"broken": \nplain words\n\n{"a": 2}\n'
    result = read_text("api.jsonl", text)
    report = only(result)
    assert (report.lines, report.events, report.unparsed_lines, report.skipped_lines) == (
        5,
        2,
        2,
        1,
    )
    assert result.events["line"].to_list() == [1, 5]
    where = {(d.code, d.location.line) for d in report.problems}
    assert ("parse.invalid-json", 2) in where
    assert ("parse.not-json", 3) in where


def test_json_array_elements_keep_their_lines(read_text: Callable[..., ReadResult]) -> None:
    text = (
        '[\n  {"order_id": "ORD-7", "status": "Issued",\n   "template": "EV"},\n'
        '  {"order_id": "ORD-8"}\n]\n'
    )
    result = read_text("orders.json", text)
    report = only(result)
    assert report.format == "json"
    rows = result.events.to_dicts()
    assert [(r["line"], r["line_end"], r["order_id"]) for r in rows] == [
        (2, 3, "ORD-7"),
        (4, 4, "ORD-8"),
    ]
    assert rows[0]["raw"] == '{"order_id": "ORD-7", "status": "Issued",\n   "template": "EV"}'
    assert rows[0]["state"] == "issued"
    assert report.skipped_lines == 2


def test_one_line_json_array(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("orders.json", '[{"order_id": "A"}, {"order_id": "B"}]')
    assert result.events["order_id"].to_list() == ["A", "B"]
    assert only(result).lines == 1


def test_broken_json_array_reports_where(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("orders.json", '[\n{"order_id": "A"},\n{oops\n]\n')
    report = only(result)
    assert result.events["order_id"].to_list() == ["A"]
    assert report.unparsed_lines == 2
    assert report.problems[0].location.line == 3


def test_a_field_that_is_an_object_here_and_text_there(
    read_text: Callable[..., ReadResult],
) -> None:
    lines = [
        {
            "order_id": "ORD-1",
            "http_status": 200,
            "body": {"meta": {"status": "1", "errorCode": ""}},
        },
        {"order_id": "ORD-2", "http_status": 503, "body": "<html>503 Service Unavailable</html>"},
        {
            "order_id": "ORD-3",
            "http_status": 403,
            "body": {"error_code": 403, "error_message": "No"},
        },
    ]
    result = read_text("api-responses.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    rows = result.events.to_dicts()
    assert [r["order_id"] for r in rows] == ["ORD-1", "ORD-2", "ORD-3"]
    assert [r["http_status"] for r in rows] == [200, 503, 403]
    assert rows[1]["message"] == "<html>503 Service Unavailable</html>"
    assert (rows[2]["error_code"], rows[2]["message"]) == ("403", "No")
