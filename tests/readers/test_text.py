"""Text layouts, logfmt pairs, levels and continuation lines, asserted field by field."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from analyzer.readers import ReadResult, read_logs
from tests.readers.conftest import first_row, only

LAYOUT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "logfmt",
        '2026-11-20T10:15:02.123Z ERROR [connector-validation] connector="DigiCert Prod" '
        'http_status=401 msg="API key expired"',
        {
            "ts": datetime(2026, 11, 20, 10, 15, 2, 123000, tzinfo=UTC),
            "level": "error",
            "connector": "DigiCert Prod",
            "http_status": 401,
            "message": "API key expired",  # the msg= pair is the message; raw keeps the line
        },
    ),
    (
        "nlog",
        "2026-11-20 10:15:02.1940 Keyfactor.Orchestrators.JobExecutor [Error] - job failed",
        {
            "ts": datetime(2026, 11, 20, 10, 15, 2, 194000, tzinfo=UTC),
            "level": "error",
            "message": "job failed",
        },
    ),
    (
        "log4j",
        "2026-11-20 10:15:02,123 WARNING [main] com.example.Bot - order_id=ORD-7 step=poll go",
        {
            "ts": datetime(2026, 11, 20, 10, 15, 2, 123000, tzinfo=UTC),
            "level": "warn",
            "order_id": "ORD-7",
            "step": "poll",
            "message": "order_id=ORD-7 step=poll go",
        },
    ),
    (
        "bracketed",
        "[DBUG] [HTTP] Send POST to https://ca.example/api",
        {"ts": None, "level": "debug", "message": "Send POST to https://ca.example/api"},
    ),
    (
        "bracketed with time",
        "2026-11-20T10:15:02+02:00 [ERR] enrollment refused",
        {
            "ts": datetime(2026, 11, 20, 8, 15, 2, tzinfo=UTC),
            "level": "error",
            "message": "enrollment refused",
        },
    ),
    (
        "timestamp only",
        "2026-11-20 10:15:02 request_id=REQ-1 CRITICAL disk full",
        {"ts": datetime(2026, 11, 20, 10, 15, 2, tzinfo=UTC), "request_id": "REQ-1"},
    ),
    (
        "plain",
        "something happened without a time",
        {"ts": None, "level": None, "message": "something happened without a time"},
    ),
]


@pytest.mark.parametrize(
    ("name", "line", "expected"), LAYOUT_CASES, ids=[c[0] for c in LAYOUT_CASES]
)
def test_layouts(
    read_text: Callable[..., ReadResult], name: str, line: str, expected: dict[str, Any]
) -> None:
    result = read_text("x.log", line + "\n")
    row = first_row(result)
    assert row["raw"] == line
    for key, value in expected.items():
        assert row[key] == value, key


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("WARNING", "warn"),
        ("Warn", "warn"),
        ("ERR", "error"),
        ("Error", "error"),
        ("DBUG", "debug"),
        ("TRACE", "debug"),
        ("CRITICAL", "fatal"),
        ("Information", "info"),
        ("FATAL", "fatal"),
    ],
)
def test_levels_normalise(read_text: Callable[..., ReadResult], word: str, level: str) -> None:
    result = read_text("x.log", f"2026-11-20T10:15:02Z {word} something\n")
    assert first_row(result)["level"] == level


def test_java_stack_trace_joins_the_event_above(read_text: Callable[..., ReadResult]) -> None:
    text = (
        "2026-11-20 10:15:02,123 ERROR [main] com.example.Bot - submit failed\n"
        "java.lang.RuntimeException: submit failed\n"
        "\tat com.example.Bot.submit(Bot.java:12)\n"
        "Caused by: java.net.UnknownHostException: ca.example.com\n"
        "\t... 3 more\n"
        "2026-11-20 10:15:03,000 INFO [main] com.example.Bot - next\n"
    )
    result = read_text("bot.log", text)
    rows = result.events.to_dicts()
    assert [(r["line"], r["line_end"]) for r in rows] == [(1, 5), (6, 6)]
    assert rows[0]["raw"] == text.split("2026-11-20 10:15:03", maxsplit=1)[0].rstrip("\n")
    assert "Caused by: java.net.UnknownHostException" in rows[0]["message"]
    assert rows[0]["message"].startswith("submit failed\njava.lang.RuntimeException")
    assert rows[1]["message"] == "next"


def test_python_chained_traceback_keeps_its_blank_lines(
    read_text: Callable[..., ReadResult],
) -> None:
    text = (
        "2026-11-20 10:15:02,123 ERROR [main] agent - enroll failed\n"
        "Traceback (most recent call last):\n"
        '  File "a.py", line 1, in <module>\n'
        "ValueError: bad\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        "OSError: 407 Proxy Authentication Required\n"
        "\n"
        "2026-11-20 10:15:03,000 INFO [main] agent - next\n"
    )
    result = read_text("bot.log", text)
    report = only(result)
    rows = result.events.to_dicts()
    assert [(r["line"], r["line_end"]) for r in rows] == [(1, 9), (11, 11)]
    assert report.skipped_lines == 1
    assert rows[0]["message"].endswith("OSError: 407 Proxy Authentication Required")


def test_untimed_lines_in_a_plain_file_are_their_own_events(
    read_text: Callable[..., ReadResult],
) -> None:
    result = read_text("notes.txt", "first\nsecond\n   indented\n")
    rows = result.events.to_dicts()
    assert [(r["line"], r["line_end"], r["message"]) for r in rows] == [
        (1, 1, "first"),
        (2, 3, "second\n   indented"),
    ]


def test_logfmt_pairs_fill_columns_and_fields(read_text: Callable[..., ReadResult]) -> None:
    line = (
        '2026-11-20T10:15:02Z INFO [validation] connector="ADCS" latency_ms=12.5 '
        'endpoint=https://ca/certsrv custom="a \\"quoted\\" value"'
    )
    row = first_row(read_text("connector.log", line + "\n"))
    assert row["connector"] == "ADCS"
    assert row["latency_ms"] == 12.5
    assert row["endpoint"] == "https://ca/certsrv"
    assert '"custom":"a \\"quoted\\" value"' in row["fields"]
    assert '"component":"validation"' in row["fields"]


def test_pair_keys_beyond_ascii_are_split_at_their_equals_sign(
    read_text: Callable[..., ReadResult],
) -> None:
    line = '2026-11-20T10:15:02Z INFO clé=1 modèle="Serveur Web" connector=ADCS'
    row = first_row(read_text("connector.log", line + "\n"))
    assert row["connector"] == "ADCS"
    assert '"clé":"1"' in row["fields"]
    assert '"modèle":"Serveur Web"' in row["fields"]


def test_zone_less_times_use_the_given_zone(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("x.log", "2026-07-01 12:00:00,5 INFO hello\n", tz="Europe/Berlin")
    assert first_row(result)["ts"] == datetime(2026, 7, 1, 10, 0, 0, 500000, tzinfo=UTC)
    assert result.tz == "Europe/Berlin"


def test_crlf_line_endings(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("x.log", b"2026-11-20T10:15:02Z INFO a\r\n2026-11-20T10:15:03Z INFO b\r\n")
    assert result.events["message"].to_list() == ["a", "b"]
    assert result.events["raw"].to_list()[0] == "2026-11-20T10:15:02Z INFO a"


def test_syslog_takes_its_year_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "agent.log"
    path.write_text(
        "Nov 20 10:15:02 web01 certinext-bot[4211]: order_id=ORD-9 result=failed\n"
        "Nov  3 01:02:03 web02 certinext-bot: started\n",
        encoding="utf-8",
    )
    stamp = datetime(2025, 12, 31, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    rows = read_logs([path]).events.to_dicts()
    assert rows[0]["ts"] == datetime(2025, 11, 20, 10, 15, 2, tzinfo=UTC)
    assert (rows[0]["host"], rows[0]["order_id"], rows[0]["result"]) == ("web01", "ORD-9", "failed")
    assert rows[0]["level"] is None
    assert '"pid":"4211"' in rows[0]["fields"]
    assert rows[1]["ts"] == datetime(2025, 11, 3, 1, 2, 3, tzinfo=UTC)
    assert rows[1]["message"] == "started"


@pytest.mark.parametrize(
    ("line", "order"),
    [
        (
            "2026-11-20 10:15:02,123 INFO [w-1] c.Bot - Order ORD-100401 installed on web01",
            "ORD-100401",
        ),
        ("2026-11-20 10:15:02,123 ERROR [w-1] c.Bot - order #58231 failed at the CA", "58231"),
        ("2026-11-20 10:15:02,123 ERROR [w-1] c.Bot - orderId: PO-2231 rejected", "PO-2231"),
        ("2026-11-20 10:15:02,123 INFO [w-1] c.Bot - order installed on web01", None),
    ],
)
def test_free_text_names_the_order(
    read_text: Callable[[str, str], ReadResult], line: str, order: str | None
) -> None:
    assert first_row(read_text("bot.log", line + "\n"))["order_id"] == order
