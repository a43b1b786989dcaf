"""Masking: the variable parts of a message become tokens, the words that name the error stay."""

from __future__ import annotations

import polars as pl
import pytest

from analyzer.unknowns import mask, mask_text


@pytest.mark.parametrize(
    ("message", "shape"),
    [
        (
            "connect to ca01.example.com:443 (10.0.0.5) timed out after 30000 ms for ORD-123456",
            "connect to <HOST> (<IP>) timed out after <NUM> ms for <ORDER>",
        ),
        ("poll at 2026-11-20T10:15:02.123Z failed", "poll at <TS> failed"),
        ("GET https://api.ca.example.com/v2/order/17?x=1 failed", "GET <URL> failed"),
        ("request 3f2a9c1e-1111-2222-3333-444455556666 lost", "request <UUID> lost"),
        ("serial 0A:1B:2C:3D:4E unknown", "serial <SERIAL> unknown"),
        ("serial 7f3a9b2c4d5e6f708192a3b4 unknown", "serial <HEX> unknown"),
        ("mail admin@corp.example.com bounced", "mail <EMAIL> bounced"),
        ("peer fe80::1ff:fe23:4567:890a reset", "peer <IP> reset"),
        ("template 'Web Server v2' not found", "template <STR> not found"),
        ("denied CN=www.example.com, O=Acme Corp, C=US: bad", "denied <DN>: bad"),
        ("SANs a.example.com, b.example.com and c.example.com rejected", "SANs <HOST> rejected"),
        ("first line\n  at com.example.Bot.run(Bot.java:12)", "first line"),
    ],
)
def test_variable_parts_become_tokens(message: str, shape: str) -> None:
    assert mask_text(message) == shape


@pytest.mark.parametrize(
    "message",
    [
        "java.net.SocketTimeoutException: Read timed out",
        "Request denied by policy module 0x80094012",
        "CA returned HTTP 503 for the order",
        "status=404 from the CA",
        "EMS-956 — CSR key does not meet policy",
        "can't enroll: sha1WithRSAEncryption not allowed",
    ],
)
def test_words_that_name_the_error_survive(message: str) -> None:
    assert mask_text(message) == message


def test_mask_is_a_vectorised_expression() -> None:
    frame = pl.DataFrame({"m": ["order ORD-1 failed", None, "order ORD-22 failed"]})
    assert frame.select(mask(pl.col("m")))["m"].to_list() == [
        "order <ORDER> failed",
        None,
        "order <ORDER> failed",
    ]
